"""Limits a user can raise (the README's "bad input" lists them), in a module that imports
nothing, so the command line reads its defaults without loading the readers."""

# A statement is held whole in memory (a few times over while it is parsed), so one longer
# than this is reported and skipped; the rest of the dump stages. 64 MB is MySQL 8's default
# max_allowed_packet: a server with default settings takes no longer statement either. A
# MySQL INSERT is not held whole: its tuples are passed on as they are read, so the limit
# applies to each tuple (row). Raise it with --max-statement-mb.
MAX_STATEMENT_MB = 64
