"""DuckDB connections that touch a dump's text run without file, network or environment access.

Names are quoted (sqlnames) and values are parameters; this is the second wall for
anything that slips through: `read_text`, `read_csv`, `COPY ... TO`, `ATTACH`,
`INSTALL` and `getenv` are refused by DuckDB itself, and the configuration is
locked so that no statement can turn them back on or raise the memory limit.
The database files a connection works on are attached (or opened) first; DuckDB
still spills to its own temp directory.
"""
from __future__ import annotations

import duckdb


def lock_down(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """No external access from here on, and no SET that could undo it: call this after the
    connection's files are attached and its settings made."""
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con
