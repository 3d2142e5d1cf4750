"""dumpkit: migrate a webshop to Mystore from its database dump.

The pipeline, one package per step: read (dump bytes to events), stage
(events to DuckDB tables), map (staged tables to Mystore entities with SQL
mappings), check, package (Parquet load package), report.
"""
import os

__version__ = "0.1.0"

# numpy's OpenBLAS starts a busy-waiting thread per core when imported; dumpkit does no
# linear algebra, and on a small machine those threads take CPU from the reader and DuckDB
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
