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
# Arrow's default pool (mimalloc) keeps what it freed for reuse: a migration's Arrow buffers
# (issues, a package file's row groups) come and go in tens of megabytes, and with the
# system allocator the peak memory of the 233 MB benchmark shops is 30-35 MB lower, at
# the same speed (paired runs of stage and migrate). Read when pyarrow is first imported.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
