"""Limits a user can raise (the README's "bad input" lists them), in a module that imports
nothing, so the command line reads its defaults without loading the readers."""

# A statement is held whole in memory (a few times over while it is parsed and staged), so
# one longer than this is reported and skipped; the rest of the dump stages. A MySQL INSERT
# is not held whole: its tuples are passed on as they are read, so the limit applies to each
# tuple (row). 32 MB is twice MariaDB's default max_allowed_packet (a row a default server
# takes); a row of 32 MB stages with the process tree at 350 MB, one of 60 MB no longer fits
# DuckDB's 100 MB (DUMPKIT_MEMORY). Raise it with --max-statement-mb (and DUMPKIT_MEMORY).
MAX_STATEMENT_MB = 32
