"""Limits a user can raise (the README's "bad input" lists them), in a module that imports
nothing but os, so the command line reads its defaults without loading the readers."""

import os

# DuckDB's memory (it spills to a temporary folder beyond it), DUMPKIT_MEMORY overriding both:
# staging holds a batch of rows per table; a migration holds the mapped package and sorts it
STAGE_MEMORY = "100MB"
MIGRATE_MEMORY = "192MB"
# ...and more for a big shop: an aggregate with ORDER BY inside (list(x ORDER BY k), the mappings
# have dozens) keeps its groups in memory, where the rest spills. Measured on the amplified
# benchmark shop: 64-96 MB needed for a 167 MB staged file, 128-160 MB for 297 MB; so a
# migration gets 0.6 bytes per byte of its staged file when that is more than MIGRATE_MEMORY.
MIGRATE_MEMORY_PER_STAGED_BYTE = 0.6


def duckdb_memory(default: str) -> str:
    return os.environ.get("DUMPKIT_MEMORY") or default


def migrate_memory(staged_bytes: int) -> str:
    """DuckDB's memory for migrating a shop whose staged file has this size."""
    floor = int(MIGRATE_MEMORY.removesuffix("MB")) * 1_000_000
    return duckdb_memory(f"{max(floor, int(staged_bytes * MIGRATE_MEMORY_PER_STAGED_BYTE)) // 1_000_000}MB")

# A statement is held whole in memory (a few times over while it is parsed and staged), so
# one longer than this is reported and skipped; the rest of the dump stages. A MySQL INSERT
# is not held whole: its tuples are passed on as they are read, so the limit applies to each
# tuple (row). 32 MB is twice MariaDB's default max_allowed_packet (a row a default server
# takes); a row of 32 MB stages with the process tree at 350 MB, one of 60 MB no longer fits
# DuckDB's 100 MB (DUMPKIT_MEMORY). Raise it with --max-statement-mb (and DUMPKIT_MEMORY).
MAX_STATEMENT_MB = 32
