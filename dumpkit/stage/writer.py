"""Events into DuckDB: raw text tables while the dump streams, typed tables at the end.

Rows arrive as text (the reader only splits and unescapes), are appended to a
raw table in the `dumpkit_raw` schema, and each table is converted once, in
SQL, when the dump is read: casts, zero dates, column defaults,
auto-increment values and duplicate keys are all handled there, in bulk, and
every value that does not convert is counted as an issue with an example.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from ..read.mysql_values import restore_time
from ..read.events import Column, DumpInfo, Problem, RowBatch, Skipped, TableDef

RAW = "dumpkit_raw"
COMMIT_BYTES = 64 << 20
META = "dumpkit"
# issues counted per value: one row per (kind, table, column), counts summed
_MERGED = {"charset_guessed", "bad_encoding", "utf8_in_latin1_dump", "value_computed", "generated_column"}
# skipped kinds whose statements name something worth listing (dumpkit.skipped.names)
_NAMED = {"view", "trigger", "procedure", "function", "event", "drop_routine", "truncate", "drop_table",
          "create_table_exists"}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class _Table:
    name: str
    tdef: TableDef | None  # None: data-only dump, columns and types inferred
    columns: list[Column]
    raw: str
    rows: int = 0
    source_bytes: int = 0
    seconds: float = 0.0
    seq: int = 0
    has_replace: bool = False
    lookup: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.lookup = {c.name.lower(): i for i, c in enumerate(self.columns)}


@dataclass
class IssueRow:
    kind: str
    table: str | None
    column: str | None
    count: int
    offset: int | None
    example: str
    fatal: bool = False


class StageWriter:
    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.tables: dict[str, _Table] = {}
        self.issues: list[IssueRow] = []
        self.merged: dict[tuple, IssueRow] = {}
        self.skipped: dict[str, list] = {}  # kind -> [count, example, names]
        self.created = 0  # raw tables made so far (their names stay unique after a DROP)
        self.uncommitted = 0  # bytes inserted since the last commit
        # one transaction: a commit per statement costs milliseconds, for hundreds of tables
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {RAW}")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {META}")

    # ------------------------------------------------------------------ events
    def table_def(self, ev: TableDef) -> None:
        if ev.table in self.tables:
            old = self.tables.pop(ev.table)
            # DROP TABLE + CREATE TABLE again: the server keeps only the new table's rows
            if old.rows:
                self.issue("table_recreated", ev.table, None, old.rows, ev.offset, f"{old.rows} earlier rows dropped as the server would")
            self.con.execute(f"DROP TABLE IF EXISTS {RAW}.{q(old.raw)}")
        self._create_raw(ev.table, ev, ev.columns)

    def _create_raw(self, name: str, tdef: TableDef | None, columns: list[Column]) -> _Table:
        raw = f"t{self.created}_{name}"[:120]
        self.created += 1
        cols = ", ".join(f"{q(c.name)} {'BLOB' if c.binary else 'VARCHAR'}" for c in columns)
        self.con.execute(f"CREATE TABLE {RAW}.{q(raw)} (_seq BIGINT, _replace BOOLEAN{', ' + cols if cols else ''})")
        t = _Table(name, tdef, list(columns), raw)
        self.tables[name] = t
        return t

    def row_batch(self, ev: RowBatch, nbytes: int = 0) -> None:
        t = self.tables.get(ev.table)
        data = ev.data
        if t is None:
            # data-only dump: no CREATE TABLE seen; columns from the INSERT or by position
            names = ev.columns or [f"column_{i + 1}" for i in range(data.num_columns)]
            binary = [pa.types.is_binary(c.type) for c in data.columns]
            t = self._create_raw(ev.table, None, [Column(n, "", "BLOB" if b else "VARCHAR", b) for n, b in zip(names, binary)])
        start = time.perf_counter()
        if ev.columns is not None:
            positions = []
            for name in ev.columns:
                i = t.lookup.get(name.lower())
                if i is None:
                    if t.tdef is not None:
                        self.issue("unknown_column", ev.table, name, data.num_rows, ev.offset,
                                   f"INSERT names column {name!r} that the table does not have; {data.num_rows} rows not staged")
                        return
                    self.con.execute(f"ALTER TABLE {RAW}.{q(t.raw)} ADD COLUMN {q(name)} VARCHAR")
                    t.columns.append(Column(name, "", "VARCHAR"))
                    i = t.lookup[name.lower()] = len(t.columns) - 1
                positions.append(i)
        else:
            positions = list(range(data.num_columns))
        if data.num_columns != len(positions) or (ev.columns is None and data.num_columns != len(t.columns)):
            self.issue("column_count_mismatch", ev.table, None, data.num_rows, ev.offset,
                       f"rows have {data.num_columns} values, the table has {len(t.columns)} columns; rows not staged")
            return
        names = [t.columns[i].name for i in positions]
        given = set(positions)
        omitted = [c for i, c in enumerate(t.columns) if i not in given] if t.tdef is not None else []
        for c in omitted:
            if c.source_type.endswith(" generated"):
                self.issue("generated_column", ev.table, c.name, data.num_rows, ev.offset,
                           "a generated column: the server computes it, dumps leave it out; staged as NULL")
        arrays = [pa.array(np.arange(t.seq, t.seq + data.num_rows, dtype=np.int64)),
                  pa.array(np.full(data.num_rows, ev.mode == "replace"))]
        for i, col in zip(positions, data.columns):
            c = t.columns[i]
            if pa.types.is_binary(col.type) and not c.binary and t.tdef is None:
                # data-only dump: binary literals (UNHEX, 0x..) in a column seen as text so far
                self.con.execute(f"ALTER TABLE {RAW}.{q(t.raw)} ALTER COLUMN {q(c.name)} TYPE BLOB")
                c.binary, c.duck_type = True, "BLOB"
            want = pa.binary() if c.binary else pa.string()
            arrays.append(col if col.type == want else _cast_text(col, want))
        for c in omitted:
            # a column the INSERT leaves out gets its DEFAULT, as on the server
            arrays.append(pa.array([_default_value(c)] * data.num_rows, pa.binary() if c.binary else pa.string()))
        batch = pa.table(arrays, names=["_seq", "_replace", *names, *(c.name for c in omitted)])
        self.con.register("_batch", batch)
        self.con.execute(f"INSERT INTO {RAW}.{q(t.raw)} BY NAME SELECT * FROM _batch")
        self.con.unregister("_batch")
        self.uncommitted += batch.nbytes
        if self.uncommitted > COMMIT_BYTES:
            # a transaction holds its rows in memory until the commit: keep it bounded
            self.con.execute("COMMIT")
            self.con.execute("BEGIN TRANSACTION")
            self.uncommitted = 0
        t.seq += data.num_rows
        t.rows += data.num_rows
        t.has_replace |= ev.mode == "replace"
        # readers may say how many dump bytes the rows came from and how long parsing took
        t.source_bytes += nbytes if ev.source_bytes is None else ev.source_bytes
        t.seconds += time.perf_counter() - start + ev.parse_seconds

    def skipped_stmt(self, ev: Skipped) -> None:
        entry = self.skipped.setdefault(ev.kind, [0, ev.detail or (ev.table or ""), []])
        entry[0] += 1
        names = ev.table.split(", ") if ev.table else []
        if ev.kind in _NAMED:
            entry[2].extend(n for n in names if n not in entry[2])
        # replay what these do to rows already staged, as the server would
        for name in names if ev.kind in ("truncate", "drop_table") else []:
            t = self.tables.get(name)
            if t is None:
                continue
            if ev.kind == "drop_table":
                del self.tables[name]
                self.con.execute(f"DROP TABLE {RAW}.{q(t.raw)}")
            else:
                self.con.execute(f"DELETE FROM {RAW}.{q(t.raw)}")
            if t.rows:
                what = "DROP TABLE" if ev.kind == "drop_table" else "TRUNCATE/DELETE"
                self.issue("rows_removed", name, None, t.rows, ev.offset,
                           f"{what} after {t.rows} rows were inserted: they are gone, as on the server")
            t.rows = 0

    def problem(self, ev: Problem) -> None:
        self.issue(ev.kind, ev.table, ev.column, ev.count, ev.offset, ev.example, ev.fatal)

    def issue(self, kind, table, column, count, offset, example, fatal=False) -> None:
        if kind in _MERGED:
            row = self.merged.get((kind, table, column))
            if row is not None:
                row.count += count
                return
        row = IssueRow(kind, table, column, count, offset, example, fatal)
        self.issues.append(row)
        if kind in _MERGED:
            self.merged[(kind, table, column)] = row

    # ------------------------------------------------------------------ finish
    def finish(self, info: DumpInfo, source_bytes: dict | None = None) -> None:
        """Typed tables in `main`, the raw tables dropped, metadata written."""
        for t in list(self.tables.values()):
            start = time.perf_counter()
            self._finalize(t)
            t.seconds += time.perf_counter() - start
        self._write_meta(info)
        self.con.execute("COMMIT")
        self.con.execute(f"DROP SCHEMA IF EXISTS {RAW} CASCADE")

    def _finalize(self, t: _Table) -> None:
        raw = f"{RAW}.{q(t.raw)}"
        if t.rows == 0 and t.tdef is not None:
            # most tables of a shop are empty: their typed table needs no casts, checks or scans
            cols = ", ".join(f"{q(c.name)} {c.duck_type}" for c in t.columns) or "_empty INTEGER"
            self.con.execute(f"CREATE OR REPLACE TABLE main.{q(t.name)} ({cols})")
            return
        if t.tdef is None:
            self._infer_types(t, raw)
            self.issue("types_inferred", t.name, None, len(t.columns), None,
                       "no CREATE TABLE in the dump: column types inferred from the values")
        exprs, checks = [], []
        for c in t.columns:
            col = q(c.name)
            value = col
            expr, bad, zero = _cast(value, c)
            exprs.append(f"{expr} AS {col}")
            if bad:
                checks.append((c.name, bad, value))
            if zero:
                checks.append((c.name + "\x00zero", zero, value))
        self._count_cast_issues(t, raw, checks)
        source = raw
        auto = [c for c in t.columns if c.auto_increment]
        if auto and t.rows:
            source = self._auto_increment(t, raw, auto[0])
        dedupe = ""
        pk = t.tdef.primary_key if t.tdef else []
        if pk and t.rows > 1 and all(p.lower() in t.lookup for p in pk):
            # compare typed values, as the server does ('01' and 1 are the same int key)
            keys = [_cast(q(c.name), c)[0] for c in (t.columns[t.lookup[p.lower()]] for p in pk)]
            not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
            dupes = self.con.execute(
                f"SELECT count(*) - count(DISTINCT ({', '.join(keys)})) FROM {source} WHERE {not_null}"
            ).fetchall()[0][0]
            if dupes:
                order = "CASE WHEN _replace THEN -_seq ELSE _seq END" if t.has_replace else "_seq"
                dedupe = (f"QUALIFY NOT ({not_null}) OR row_number() OVER (PARTITION BY {', '.join(keys)} "
                          f"ORDER BY _replace DESC, {order}) = 1")
                self.issue("duplicate_key", t.name, ", ".join(pk), dupes, None,
                           f"{dupes} rows repeat a primary key; kept the row the server keeps (first, or last for REPLACE)")
        # the raw table is already in dump order (DuckDB keeps insertion order): sort only
        # what a window or the auto-increment union may have shuffled
        order = "ORDER BY _seq" if dedupe or source != raw else ""
        self.con.execute(
            f"CREATE OR REPLACE TABLE main.{q(t.name)} AS SELECT {', '.join(exprs) or '1 AS _empty'} "
            f"FROM {source} {dedupe} {order}"
        )
        if dedupe:
            t.rows = self.con.execute(f"SELECT count(*) FROM main.{q(t.name)}").fetchall()[0][0]

    def _auto_increment(self, t: _Table, raw: str, c: Column) -> str:
        """Rows that left the auto-increment column out (or NULL) get the next id,
        in insert order, exactly as MySQL's counter would hand them out."""
        col = q(c.name)
        missing = self.con.execute(f"SELECT count(*) FROM {raw} WHERE {col} IS NULL").fetchall()[0][0]
        if not missing:
            return raw
        # for the k-th missing row: id = k + 1 + max over j<=k of (max explicit id before row j - j)
        others = ", ".join(q(x.name) for x in t.columns if x is not c)
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _auto AS
            WITH s AS (
              SELECT *, max(TRY_CAST({col} AS HUGEINT)) OVER (ORDER BY _seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS _before
              FROM {raw}),
            m AS (
              SELECT *, row_number() OVER (ORDER BY _seq) - 1 AS _k FROM s WHERE {col} IS NULL),
            v AS (
              SELECT *, _k + 1 + max(coalesce(_before, 0) - _k) OVER (ORDER BY _seq) AS _id FROM m)
            SELECT _seq, _replace, CAST(_id AS VARCHAR) AS {col}{', ' + others if others else ''} FROM v
            UNION ALL SELECT _seq, _replace, {col}{', ' + others if others else ''} FROM {raw} WHERE {col} IS NOT NULL
        """)
        self.issue("auto_increment_filled", t.name, c.name, missing, None,
                   f"{missing} rows left {c.name} to AUTO_INCREMENT; ids assigned in insert order")
        return "_auto"

    def _count_cast_issues(self, t: _Table, raw: str, checks: list) -> None:
        if not checks or not t.rows:
            return
        parts = []
        for _, cond, value in checks:
            parts.append(f"count(*) FILTER (WHERE {cond})")
            parts.append(f"CAST(any_value({value}) FILTER (WHERE {cond}) AS VARCHAR)")
        row = self.con.execute(f"SELECT {', '.join(parts)} FROM {raw}").fetchall()[0]
        for i, (name, _, _) in enumerate(checks):
            n, example = row[2 * i], row[2 * i + 1]
            if n:
                if name.endswith("\x00zero"):
                    self.issue("zero_date", t.name, name[:-5], n, None, f"{example!r} staged as NULL")
                else:
                    c = t.columns[t.lookup[name.lower()]]
                    self.issue("bad_value", t.name, name, n, None,
                               f"{example!r} is not a valid {c.source_type or c.duck_type}; staged as NULL")

    def _infer_types(self, t: _Table, raw: str) -> None:
        for c in t.columns:
            if c.binary:
                c.source_type = "inferred blob"
                continue
            col = q(c.name)
            # text that only looks numeric stays text: leading zeros (zip codes, phone numbers), '+', spaces
            textual = f"regexp_matches({col}, '^-?0[0-9]|^[+\\s]|\\s$')"
            for typ in ("BIGINT", "DECIMAL(38,10)", "DATE", "TIMESTAMP"):
                if typ in ("DATE", "TIMESTAMP"):
                    ok = f"(TRY_CAST({col} AS {typ}) IS NOT NULL OR {col} LIKE '0000-00-00%')"
                    ok += f" AND length({col}) = 10" if typ == "DATE" else ""
                else:
                    ok = f"TRY_CAST({col} AS {typ}) IS NOT NULL AND NOT {textual}"
                    # DuckDB casts '279.99' to BIGINT 280 (and '1e3', '0x1A'): integers must be digits only
                    ok += f" AND regexp_full_match({col}, '-?[0-9]+')" if typ == "BIGINT" else ""
                bad = self.con.execute(
                    f"SELECT count(*) FILTER (WHERE {col} IS NOT NULL AND NOT ({ok})), count({col}) FROM {raw}"
                ).fetchall()[0]
                if bad[1] and not bad[0]:
                    if typ.startswith("DECIMAL"):
                        scale = self.con.execute(
                            f"SELECT max(length(split_part({col}, '.', 2))) FROM {raw}"
                        ).fetchall()[0][0] or 0
                        typ = "DOUBLE" if scale > 10 else f"DECIMAL(38,{max(scale, 0)})"
                    c.duck_type = typ
                    break
            c.source_type = f"inferred {c.duck_type.lower()}"

    def _write_meta(self, info: DumpInfo) -> None:
        tables = list(self.tables.values())
        items = {"dialect": info.dialect, "producer": info.producer, "producer_version": info.producer_version,
                 "server_version": info.server_version, "charset": info.charset, "database": info.database,
                 **{k: str(v) for k, v in info.extra.items()}}
        meta = {
            "tables": {
                "table_name": [t.name for t in tables],
                "rows": pa.array([t.rows for t in tables], pa.int64()),
                "source_bytes": pa.array([t.source_bytes for t in tables], pa.int64()),
                "seconds": pa.array([round(t.seconds, 4) for t in tables], pa.float64()),
                "columns": pa.array([len(t.columns) for t in tables], pa.int32()),
                "types_inferred": pa.array([t.tdef is None for t in tables], pa.bool_()),
            },
            "columns": {
                "table_name": [t.name for t in tables for _ in t.columns],
                "position": pa.array([i + 1 for t in tables for i in range(len(t.columns))], pa.int32()),
                "column_name": [c.name for t in tables for c in t.columns],
                "source_type": [c.source_type for t in tables for c in t.columns],
                "staged_type": [c.duck_type for t in tables for c in t.columns],
            },
            "issues": {
                "kind": [i.kind for i in self.issues],
                "table_name": pa.array([i.table for i in self.issues], pa.string()),
                "column_name": pa.array([i.column for i in self.issues], pa.string()),
                "count": pa.array([i.count for i in self.issues], pa.int64()),
                "byte_offset": pa.array([i.offset for i in self.issues], pa.int64()),
                "example": pa.array([(i.example or "")[:500] for i in self.issues], pa.string()),
                "fatal": pa.array([i.fatal for i in self.issues], pa.bool_()),
            },
            "skipped": {
                "kind": sorted(self.skipped),
                "statements": pa.array([self.skipped[k][0] for k in sorted(self.skipped)], pa.int64()),
                "example": [self.skipped[k][1][:200] for k in sorted(self.skipped)],
                "names": pa.array([", ".join(self.skipped[k][2])[:2000] or None for k in sorted(self.skipped)], pa.string()),
            },
            "dump": {"key": [k for k, v in items.items() if v is not None],
                     "value": [str(v) for v in items.values() if v is not None]},
        }
        for name, cols in meta.items():
            self.con.register("_meta", pa.table(cols))
            self.con.execute(f"CREATE OR REPLACE TABLE {META}.{name} AS SELECT * FROM _meta")
            self.con.unregister("_meta")


def _cast_text(col, want):
    """Text to bytes, or bytes to text: UTF-8, latin1 (cp1252) where it is not."""
    try:
        return col.cast(want)
    except pa.ArrowInvalid:
        from ..read.mysql_values import decode_text

        return pa.array([None if v is None else decode_text(v, "utf-8?")[0] for v in col.to_pylist()], pa.string())


def _default_value(c: Column):
    if c.default == "CURRENT_TIMESTAMP":
        return restore_time().strftime("%Y-%m-%d %H:%M:%S")
    if c.default is not None:
        return c.default.encode() if c.binary else c.default
    if c.not_null and not c.auto_increment:
        # MySQL's implicit default for a NOT NULL column without DEFAULT
        if c.binary:
            return b""
        if c.duck_type == "VARCHAR":
            return ""
        if c.duck_type in ("DATE", "TIMESTAMP"):
            return "0000-00-00 00:00:00"
        return "0"
    return None


_ZERO_DATE = "{v} LIKE '0000-00-00%' OR {v} LIKE '____-00-%' OR {v} LIKE '____-__-00%'"


def _cast(value: str, c: Column) -> tuple[str, str | None, str | None]:
    """(typed expression, condition for a bad value, condition for a zero date)."""
    t = c.duck_type
    if c.binary or t == "VARCHAR":
        return value, None, None
    if t in ("DATE", "TIMESTAMP", "TIMESTAMPTZ"):
        zero = _ZERO_DATE.format(v=value)
        expr = f"CASE WHEN {zero} THEN NULL ELSE TRY_CAST({value} AS {t}) END"
        return expr, f"{value} IS NOT NULL AND NOT ({zero}) AND TRY_CAST({value} AS {t}) IS NULL", f"{value} IS NOT NULL AND ({zero})"
    if t == "BOOLEAN":
        expr = f"TRY_CAST({value} AS BOOLEAN)"
    else:
        expr = f"TRY_CAST({value} AS {t})"
    return expr, f"{value} IS NOT NULL AND {expr} IS NULL", None
