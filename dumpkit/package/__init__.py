"""The load package: the Parquet files (plus manifest.json and issues.jsonl) that
dumpkit hands to the Mystore loader. The contract lives in `dumpkit.package.schema`
and is described for the loader in docs/load-package.md."""
