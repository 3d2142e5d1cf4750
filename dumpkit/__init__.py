"""dumpkit: migrate a webshop to Mystore from its database dump.

The pipeline, one package per step: read (dump bytes to events), stage
(events to DuckDB tables), map (staged tables to Mystore entities with SQL
mappings), check, package (Parquet load package), report.
"""
__version__ = "0.1.0"
