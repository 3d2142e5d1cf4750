"""Names and text in DuckDB SQL: the one place that quotes them.

A dump names its own tables, columns and schemas, and DuckDB runs several statements
in one call, so a table called ``x" AS SELECT 1; COPY (SELECT 'x') TO 'f'; --`` pasted
into an f-string is code. Every identifier that goes into SQL text goes through
`ident` (values go in as parameters), every string literal dumpkit writes itself
(a file path, a setting) through `literal`, and every column type through `sql_type`.
"""
from __future__ import annotations

import re

# the types staging gives a column (read/ddl.py, read/postgres.py, stage/writer.py's inference)
_TYPE = re.compile(r"(?:U?(?:TINY|SMALL|BIG|HUGE)INT|U?INTEGER|UBIGINT|FLOAT|DOUBLE|BOOLEAN|UUID|INTERVAL"
                   r"|DATE|TIME(?:STAMP)?(?:TZ)?|VARCHAR|BLOB|DECIMAL\(\d{1,2},\s*\d{1,2}\))")


def ident(name: str) -> str:
    """`name` as a quoted DuckDB identifier: `a"b` -> `"a""b"` (DuckDB keeps newlines and NULs
    inside quotes as they are)."""
    return '"' + name.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    """schema.table (or database.schema.table), each part quoted."""
    return ".".join(ident(p) for p in parts)


def literal(text: str) -> str:
    """`text` as a DuckDB string literal: `it's` -> `'it''s'` (backslashes are plain in DuckDB)."""
    return "'" + text.replace("'", "''") + "'"


def sql_type(duck_type: str) -> str:
    """A staged column type, checked against the types staging produces: a type is the one
    part of a column definition that cannot be quoted."""
    if not _TYPE.fullmatch(duck_type):
        raise ValueError(f"not a staged column type: {duck_type!r}")
    return duck_type


def tables_in(con, schema: str = "pkg") -> set[str]:
    """The tables of `schema` in the connection's own database (not an attached one): by default
    the entities mapped so far. (duckdb_tables(), not information_schema, which lists every view
    of the dump's hundreds of tables as well: half the time, and asked often.)"""
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                                      "AND schema_name = ? AND NOT temporary", [schema]).fetchall()}


def has_table(con, name: str, schema: str = "pkg") -> bool:
    """Whether `schema` (by default: the entities mapped so far) holds the table `name`."""
    return name in tables_in(con, schema)
