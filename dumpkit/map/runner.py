"""Run a platform's SQL mappings over the staged tables.

Each mapping is one SELECT producing one target entity, in the package's
column names. Extra columns carry what SQL alone cannot say:

* `_skip`: a reason code; the row is left out and the reason logged with its source id.
* `_warn`: 'CODE: message'; the row is kept and the warning logged.
* `_note`: like `_warn`, logged as info (the row is kept as the source meant it, e.g. a
  product hidden in the shop that becomes inactive).
* `_raw_<col>`: the source value behind a value-mapped column; when the map has
  no entry (`<col>` is NULL) the source value is kept and logged as
  UNMAPPED_VALUE with its count, never replaced by a silent default.

Results land in the `pkg` schema, so later mappings can join what earlier
ones produced (order lines look up the package's products).
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DumpkitError, machine_error
from ..issues import IssueLog
from ..package.schema import ENTITIES
from ..sqlnames import ident, qualified
from . import functions, languages
from .platforms import Detection, explain_sql_error

COMMON_SQL = Path(__file__).with_name("common.sql")


def run_script(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run SQL statements separated by ';' at line ends, skipping comment-only pieces."""
    for statement in sql.split(";\n"):
        if any(line.strip() and not line.strip().startswith("--") for line in statement.splitlines()):
            con.execute(statement)


def prepare(con: duckdb.DuckDBPyConnection, detection: Detection, value_maps: dict[str, dict[str, str]], options: dict) -> None:
    """Functions, macros, parameters and value maps the mappings use."""
    con.execute("SELECT 1").fetchall()  # DuckDB refuses create_function while a result is open
    functions.register(con)
    con.execute("CREATE SCHEMA IF NOT EXISTS pkg")
    rows = [(m, s, t) for m, entries in value_maps.items() for s, t in entries.items()]
    con.execute("CREATE OR REPLACE TABLE value_map (map VARCHAR, source VARCHAR, target VARCHAR)")
    if rows:
        con.executemany("INSERT INTO value_map VALUES (?, ?, ?)", rows)
    options = {**options, "table_prefix": detection.prefix}
    for name, value in options.items():
        con.execute(f"SET VARIABLE {ident(name)} = ?", [value])
    run_script(con, COMMON_SQL.read_text(encoding="utf-8"))
    platform = detection.platform
    for table, columns in platform.optional_tables.items():
        have = {r[0].lower() for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='src' AND table_name=?", [table]).fetchall()}
        if not have:
            # a table this version of the platform does not have: an empty stand-in keeps the SQL simple
            con.execute(f"CREATE TABLE {qualified('src', table)} ({columns})")
        else:
            _complete_columns(con, detection.prefix + table, table, columns, have)
    for name, sql in platform.params.items():
        try:
            value = next(iter(con.execute(sql).fetchall()), None)
        except duckdb.Error as e:  # a setting the dump holds in a shape the platform's SQL did not expect
            raise machine_error(e) or DumpkitError(
                f"the {platform.name} setting {name!r} cannot be read from this dump: "
                f"{explain_sql_error(con, detection.prefix, e)}") from None
        con.execute(f"SET VARIABLE {ident(name)} = ?", [None if value is None else value[0]])
    languages.choose(con)  # which source language is Mystore's 'no' (lang_key reads it)


_COLUMN_DDL = re.compile(r'\s*("[^"]+"|\w+)\s+(\w+(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?)\s*(?:,|$)')


def _complete_columns(con, staged: str, table: str, columns: str, have: set[str]) -> None:
    """A table a data-only dump staged from its INSERTs has only the columns they name (OpenCart's
    installer data leaves out date_added): the declared ones it lacks are NULL in src.<table>.
    (The columns and their types come from platform.toml; the staged table's name from the dump.)"""
    missing = [(name, kind) for name, kind in _COLUMN_DDL.findall(columns) if name.strip('"').lower() not in have]
    if missing:
        extra = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in missing)
        con.execute(f"CREATE OR REPLACE VIEW {qualified('src', table)} AS SELECT *, {extra} "
                    f"FROM {qualified('main', staged)}")


def run_mapping(con: duckdb.DuckDBPyConnection, entity: str, sql: str, log: IssueLog) -> pa.Table:
    table = con.sql(sql).to_arrow_table()
    table = _apply_skips(entity, table, log)
    table = _apply_warnings(entity, table, log)
    table = _apply_warnings(entity, table, log, "_note", "info")
    table = _apply_raw(entity, table, log)
    # a mapping may leave out optional fields: they are there, empty, for the steps after it
    for f in ENTITIES[entity]:
        if f.name not in table.column_names and f.nullable:
            table = table.append_column(f, pa.nulls(table.num_rows, f.type))
    con.register("_mapped", table)
    con.execute(f"CREATE OR REPLACE TABLE {qualified('pkg', entity)} AS SELECT * FROM _mapped")
    con.unregister("_mapped")
    return table


def _ids(table: pa.Table, mask) -> list:
    return table.filter(mask).column("source_id").to_pylist() if "source_id" in table.column_names else []


def _in_id_order(ids: list, texts: list) -> list[tuple]:
    """(source id, text) pairs in the order of the ids: a mapping's rows come in no fixed order
    (seen to differ between two runs of the same dump), and issues.jsonl must not."""
    return sorted(zip(ids, texts), key=lambda p: ("" if p[0] is None else str(p[0]), p[1] or ""))


def _apply_skips(entity: str, table: pa.Table, log: IssueLog) -> pa.Table:
    if "_skip" not in table.column_names:
        return table
    skip = table.column("_skip")
    mask = pc.is_valid(skip)
    for sid, reason in _in_id_order(_ids(table, mask), skip.filter(mask).to_pylist()):
        code, _, message = reason.partition(":")
        log.add("map", entity, sid, "info", code.strip().upper(), None, message.strip() or f"left out: {code.strip()}")
    return table.filter(pc.invert(mask)).drop_columns(["_skip"])


def _apply_warnings(entity: str, table: pa.Table, log: IssueLog, column: str = "_warn", level: str = "warning") -> pa.Table:
    if column not in table.column_names:
        return table
    warn = table.column(column)
    mask = pc.is_valid(warn)
    for sid, text in _in_id_order(_ids(table, mask), warn.filter(mask).to_pylist()):
        for part in text.split("|"):
            code, _, message = part.partition(":")
            field, _, code = code.strip().rpartition("@")  # 'field@CODE: message'
            log.add("map", entity, sid, level, code.upper(), field or None, message.strip())
    return table.drop_columns([column])


def _apply_raw(entity: str, table: pa.Table, log: IssueLog) -> pa.Table:
    for name in [n for n in table.column_names if n.startswith("_raw_")]:
        col = name[len("_raw_"):]
        mapped, raw = table.column(col), table.column(name)
        missing = pc.and_(pc.is_null(mapped), pc.is_valid(raw))
        if pc.any(missing).as_py():
            counts = Counter(raw.filter(missing).cast(pa.string()).to_pylist())
            for value, n in counts.most_common():
                log.add("map", entity, None, "warning", "UNMAPPED_VALUE", col,
                        f"{col} value {value!r} ({n} rows) has no entry in the value map; kept as is. "
                        f"Add it with --value-map")
            filled = pc.if_else(missing, raw.cast(mapped.type), mapped)
            table = table.set_column(table.column_names.index(col), col, filled)
        table = table.drop_columns([name])
    return table


def known_entities() -> list[str]:
    return list(ENTITIES)
