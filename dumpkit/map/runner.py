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
ones produced (order lines look up the package's products). The mappings of a
run go two at a time (run_platform_mappings): one waits for those whose
package tables it reads.
"""
from __future__ import annotations

import re
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow as pa

from ..errors import DumpkitError, ResourceError, machine_error
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


def define_common(con: duckdb.DuckDBPyConnection) -> None:
    """The macros every mapping may use (common.sql), and the empty value_map table map_value() reads."""
    con.execute("CREATE OR REPLACE TABLE value_map (map VARCHAR, source VARCHAR, target VARCHAR)")
    run_script(con, COMMON_SQL.read_text(encoding="utf-8"))


def prepare(con: duckdb.DuckDBPyConnection, detection: Detection, value_maps: dict[str, dict[str, str]], options: dict) -> None:
    """Functions, macros, parameters and value maps the mappings use."""
    con.execute("SELECT 1").fetchall()  # DuckDB refuses create_function while a result is open
    functions.register(con)
    con.execute("CREATE SCHEMA IF NOT EXISTS pkg")
    define_common(con)
    rows = [(m, s, t) for m, entries in value_maps.items() for s, t in entries.items()]
    if rows:
        con.executemany("INSERT INTO value_map VALUES (?, ?, ?)", rows)
    options = {**options, "table_prefix": detection.prefix}
    for name, value in options.items():
        con.execute(f"SET VARIABLE {ident(name)} = ?", [value])
    platform = detection.platform
    for table, columns in platform.optional_tables.items():
        have = {r[0].lower() for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='src' AND table_name=?", [table]).fetchall()}
        if not have:
            # a table this version of the platform does not have: an empty stand-in keeps the SQL simple
            con.execute(f"CREATE TABLE {qualified('src', table)} ({columns})")
        else:
            _complete_columns(con, detection.prefix + table, table, columns, have)
    for table, columns in platform.optional_columns.items():
        _add_missing_columns(con, detection.prefix + table, table, columns)
    # what the platform's mappings and parameters share (an EAV pivot, translations with their fallbacks):
    # shop.<view>, read when queried (getvariable() inside gives the parameter's value then)
    con.execute("DROP SCHEMA IF EXISTS shop CASCADE")
    con.execute("CREATE SCHEMA shop")
    for name, sql in platform.views.items():
        try:
            con.execute(f"CREATE VIEW {qualified('shop', name)} AS {sql}")
        except duckdb.Error as e:
            raise machine_error(e) or DumpkitError(
                f"the {platform.name} view {name!r} cannot be made from this dump: "
                f"{explain_sql_error(con, detection.prefix, e)}") from None
    for name, sql in platform.params.items():
        try:
            value = next(iter(con.execute(sql).fetchall()), None)
        except duckdb.Error as e:  # a setting the dump holds in a shape the platform's SQL did not expect
            raise machine_error(e) or DumpkitError(
                f"the {platform.name} setting {name!r} cannot be read from this dump: "
                f"{explain_sql_error(con, detection.prefix, e)}") from None
        con.execute(f"SET VARIABLE {ident(name)} = ?", [None if value is None else value[0]])
    for name, route in platform.routes.items():  # a URL rule of the shop's settings, compiled once
        rule = con.execute("SELECT getvariable(?)", [route["rule"]]).fetchall()[0][0]
        con.execute(functions.route_macro(name, rule, route["keywords"]))
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


@dataclass
class Mapped:
    """What one mapping did: rows now in pkg.<entity>, rows left out per reason code."""
    rows: int
    skipped: dict[str, int] = field(default_factory=dict)


# Python's str.strip() for the texts of _skip and _warn (spaces, tabs, line ends)
_STRIP = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def _add_missing_columns(con: duckdb.DuckDBPyConnection, staged: str, table: str, columns: str) -> None:
    """Columns of newer versions of a table ('name TYPE, ...'), NULL in src.<table> where the dump's
    table lacks them: a mapping reads them as plain columns."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'src' AND table_name = ? "
                       "AND table_type = 'VIEW'", [table]).fetchall()[0][0]:
        return  # not staged (an optional table's empty stand-in has every column)
    have = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'src' "
                                      "AND table_name = ?", [table]).fetchall()}
    missing = [c.strip().split(None, 1) for c in columns.split(",") if c.strip() and c.strip().split(None, 1)[0] not in have]
    if missing:
        extra = ", ".join(f"CAST(NULL AS {kind}) AS {ident(name)}" for name, kind in missing)
        con.execute(f"CREATE OR REPLACE VIEW {qualified('src', table)} AS SELECT *, {extra} FROM {qualified('main', staged)}")


def run_mapping(con: duckdb.DuckDBPyConnection, entity: str, sql: str, log: IssueLog, where: str | None = None,
                narrow: list[str] | None = None, target: str | None = None) -> Mapped:
    """Run one mapping into pkg.<entity>, entirely in DuckDB: the rows, and the issues of its
    _skip, _warn and _raw_ columns (set-based, however many rows). `where` (SQL over the
    mapping's columns) keeps only some rows: a demo's records, pushed down into the scans.
    `narrow` computes only those columns (and source_id): the others are there, NULL (a demo's
    pass over the whole shop, demo.py), into `target` instead of pkg.<entity>."""
    target = target or qualified("pkg", entity)
    nulls = {}  # narrow: the columns not computed, NULL of their type in the target (not in _mapped)
    if narrow is None:
        select = "*"
    else:
        bound = con.sql(sql)  # bound, not run
        wanted = {"source_id", "_skip", *narrow, *("_raw_" + c for c in narrow)}
        nulls = {c: f"CAST(NULL AS {t}) AS {ident(c)}" if str(t) != '"NULL"' else f"NULL AS {ident(c)}"
                 for c, t in zip(bound.columns, bound.types) if c not in wanted}
        select = ", ".join(ident(c) for c in bound.columns if c in wanted)
    query = f"SELECT {select} FROM ({sql}) AS _m" + (f" WHERE {where}" if where else "")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _mapped AS {query}")
    mapped = con.sql("SELECT * FROM _mapped")
    columns = mapped.columns
    names = bound.columns if narrow is not None else columns  # the mapping's columns, in its order
    kept = "_skip IS NULL" if "_skip" in columns else "true"
    skipped = _log_skips(con, entity, log) if "_skip" in columns else {}
    for column, level in (("_warn", "warning"), ("_note", "info")):
        if column in columns:
            _log_warnings(con, entity, log, kept, column, level)
    types = dict(zip(columns, (str(t) for t in mapped.types)))
    select = []
    for name in names:
        if name in ("_skip", "_warn", "_note") or name.startswith("_raw_"):
            continue
        raw = "_raw_" + name
        if name in nulls:
            select.append(nulls[name])
        else:
            select.append(_fill_unmapped(con, entity, name, types[name], raw, log, kept) if raw in columns else ident(name))
    # a mapping may leave out optional fields: they are there, empty, for the steps after it
    for f in ENTITIES[entity]:
        if f.name not in names and f.nullable:
            select.append(f'CAST(NULL AS {_duck_type(con, f.type)}) AS {ident(f.name)}')
    con.execute(f'CREATE OR REPLACE TABLE {target} AS SELECT {", ".join(select)} FROM _mapped WHERE {kept}')
    rows = con.execute(f'SELECT count(*) FROM {target}').fetchall()[0][0]
    con.execute("DROP TABLE _mapped")
    return Mapped(rows, skipped)


def mapping_failed(con: duckdb.DuckDBPyConnection, platform, entity: str, error: duckdb.Error) -> DumpkitError:
    """The one line a broken mapping ends a migration with: a full disk or DuckDB's memory as
    such, else the cause in the dump (the table or column it lacks)."""
    prefix = con.execute("SELECT getvariable('table_prefix')").fetchall()[0][0] or ""
    return machine_error(error) or DumpkitError(f"mapping {platform.mappings[entity].path.name} of {platform.name} "
                                                f"failed: {explain_sql_error(con, prefix, error)}")


def run_platform_mapping(con: duckdb.DuckDBPyConnection, platform, entity: str, log: IssueLog, where: str | None = None,
                         narrow: list[str] | None = None, target: str | None = None) -> Mapped:
    """run_mapping() for the platform's mapping of `entity`; a failing mapping is a DumpkitError."""
    try:
        return run_mapping(con, entity, platform.mappings[entity].sql, log, where, narrow, target)
    except duckdb.Error as e:
        raise mapping_failed(con, platform, entity, e) from None


# Mappings run two at a time, each on its own cursor: a mapping's queries use both cores only part of
# the time (4.1 s one after the other, 2.8 s two at a time, for the benchmark shop's; three, 3.3 s).
LANES = 2


@dataclass
class MappingJob:
    """One mapping of a run: run_mapping()'s `where`, `narrow` and `target` for `entity`."""
    entity: str
    where: str | None = None
    narrow: list[str] | None = None
    target: str | None = None


def run_platform_mappings(con: duckdb.DuckDBPyConnection, platform, jobs: list[MappingJob], log: IssueLog,
                          on_start: Callable[[str], None] | None = None,
                          on_done: Callable[[str, Mapped], None] | None = None) -> dict[str, Mapped]:
    """run_platform_mapping() for each job, LANES at a time. A job starts once the jobs before it
    whose package tables it reads (Platform.package_tables_read) are done; each runs on a cursor
    of `con` given `con`'s variables (the functions and macros are the database's). `on_start`
    and `on_done` are called from this thread. The issues go into `log` in the jobs' order, as
    one mapping after the other would put them. Two share the DuckDB's memory limit: a mapping
    that runs out of memory (or disk) beside another runs again alone (it replaces what it
    made). A failing mapping stops the start of others; the first failure in the jobs' order
    is raised once the running ones end."""
    order = {job.entity: i for i, job in enumerate(jobs)}
    needs = {job.entity: {e for e in platform.package_tables_read(job.entity) if order.get(e, len(jobs)) < order[job.entity]}
             for job in jobs}
    variables = [(name, con.execute("SELECT getvariable(?)", [name]).fetchall()[0][0])
                 for (name,) in con.execute("SELECT name FROM duckdb_variables() ORDER BY name").fetchall()]
    logs = {job.entity: IssueLog() for job in jobs}
    results: dict[str, Mapped] = {}
    failed: dict[str, Exception] = {}
    alone: set[str] = set()  # ran out of memory beside another: runs again with none beside it
    pending, running, cursors, idle = list(jobs), {}, [], []  # idle: cursors no mapping runs on
    with ThreadPoolExecutor(LANES) as pool:
        try:
            while pending and not failed or running:
                ready = [j for j in pending if needs[j.entity] <= results.keys()] if not failed else []
                for job in ready:
                    if len(running) >= LANES or running and (job.entity in alone or
                                                             any(j.entity in alone for j, _ in running.values())):
                        break  # (a job that waits to run alone holds back the ones after it)
                    pending.remove(job)
                    if not idle:
                        cursors.append(_cursor(con, variables))
                        idle.append(cursors[-1])
                    cursor = idle.pop()
                    if on_start:
                        on_start(job.entity)
                    running[pool.submit(run_platform_mapping, cursor, platform, job.entity, logs[job.entity], job.where,
                                        job.narrow, job.target)] = (job, cursor)
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: order[running[f][0].entity]):
                    job, cursor = running.pop(future)
                    idle.append(cursor)
                    try:
                        results[job.entity] = future.result()
                    except DumpkitError as e:
                        if isinstance(e, ResourceError) and job.entity not in alone:
                            alone.add(job.entity)
                            logs[job.entity] = IssueLog()
                            pending = sorted([*pending, job], key=lambda j: order[j.entity])
                        else:
                            failed[job.entity] = e
                        continue
                    if on_done:
                        on_done(job.entity, results[job.entity])
        except BaseException:
            for _, cursor in running.values():  # (Ctrl-C, an error of this loop): the running queries stop too
                cursor.interrupt()
            raise
        finally:
            pool.shutdown(wait=True)
            for cursor in cursors:
                cursor.close()
    if failed:
        raise failed[min(failed, key=order.get)]
    for job in jobs:
        log.absorb(logs[job.entity])
    return {job.entity: results[job.entity] for job in jobs}


def _cursor(con: duckdb.DuckDBPyConnection, variables: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A connection to `con`'s database with `con`'s variables (they belong to a connection)."""
    cursor = con.cursor()
    for name, value in variables:
        cursor.execute(f"SET VARIABLE {ident(name)} = ?", [value])
    return cursor


def _log_skips(con, entity: str, log: IssueLog) -> dict[str, int]:
    """'CODE: reason' in _skip: the row is left out, the reason logged with its source id."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _skips AS
        SELECT source_id, upper(trim(split_part(_skip, ':', 1), {_STRIP})) AS code,
               coalesce(nullif(trim(CASE WHEN strpos(_skip, ':') > 0 THEN _skip[strpos(_skip, ':') + 1:] ELSE '' END, {_STRIP}), ''),
                        'left out: ' || trim(split_part(_skip, ':', 1), {_STRIP})) AS message
        FROM _mapped WHERE _skip IS NOT NULL""")
    log.add_query(con, "SELECT 'map', ?, source_id, 'info', code, NULL, message FROM _skips", [entity])
    counts = dict(con.execute("SELECT code, count(*) FROM _skips WHERE source_id <> '' GROUP BY 1 ORDER BY 1").fetchall())
    con.execute("DROP TABLE _skips")
    return counts


def _log_warnings(con, entity: str, log: IssueLog, kept: str, column: str = "_warn", level: str = "warning") -> None:
    """'field@CODE: message' in _warn (several joined by '|'): the row is kept, each warning logged
    (_note: the same, logged as info)."""
    log.add_query(con, f"""
        WITH parts AS (SELECT source_id, unnest(string_split({column}, '|')) AS part FROM _mapped
                       WHERE {column} IS NOT NULL AND {kept}),
        heads AS (SELECT source_id, trim(split_part(part, ':', 1), {_STRIP}) AS head,
                         trim(CASE WHEN strpos(part, ':') > 0 THEN part[strpos(part, ':') + 1:] ELSE '' END, {_STRIP}) AS message
                  FROM parts)
        SELECT 'map', ?, source_id, ?, upper(regexp_extract(head, '[^@]*$')),
               nullif(CASE WHEN contains(head, '@') THEN regexp_extract(head, '^(.*)@', 1) END, ''), message
        FROM heads""", [entity, level])


def _fill_unmapped(con, entity: str, name: str, kind: str, raw: str, log: IssueLog, kept: str) -> str:
    """The source value behind a value-mapped column: when the map has no entry (`name` is NULL)
    the source value is kept, and logged once per value with its count (never a silent default)."""
    q_name, q_raw = ident(name), ident(raw)
    for value, n in con.execute(f"""SELECT CAST({q_raw} AS VARCHAR), count(*) FROM _mapped
            WHERE {kept} AND {q_name} IS NULL AND {q_raw} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall():
        log.add("map", entity, None, "warning", "UNMAPPED_VALUE", name,
                f"{name} value {value!r} ({n} rows) has no entry in the value map; kept as is. Add it with --value-map")
    cast = f'CAST({q_raw} AS {kind})' if kind != '"NULL"' and kind != "NULL" else q_raw
    return f'CASE WHEN {q_name} IS NULL AND {q_raw} IS NOT NULL THEN {cast} ELSE {q_name} END AS {q_name}'


_DUCK_TYPES: dict[pa.DataType, str] = {}


def _duck_type(con, arrow_type: pa.DataType) -> str:
    """DuckDB's name for a package field's Arrow type (for a typed NULL column)."""
    if arrow_type not in _DUCK_TYPES:
        _DUCK_TYPES[arrow_type] = str(con.from_arrow(pa.table({"x": pa.nulls(0, arrow_type)})).types[0])
    return _DUCK_TYPES[arrow_type]


def known_entities() -> list[str]:
    return list(ENTITIES)
