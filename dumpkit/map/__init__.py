"""Map staged source tables to Mystore entities: platform detection, SQL mappings, generic refinements."""
