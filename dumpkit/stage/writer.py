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

from ..read.events import Column, DumpInfo, Problem, RowBatch, Skipped, TableDef

RAW = "dumpkit_raw"
META = "dumpkit"


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
        self.skipped: dict[str, list] = {}  # kind -> [count, example]
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
        raw = f"t{len(self.tables)}_{name}"[:120]
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
            t = self._create_raw(ev.table, None, [Column(n, "", "VARCHAR") for n in names])
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
        omitted = [c for i, c in enumerate(t.columns) if i not in set(positions)] if t.tdef is not None else []
        arrays = [pa.array(np.arange(t.seq, t.seq + data.num_rows, dtype=np.int64)),
                  pa.array(np.full(data.num_rows, ev.mode == "replace"))]
        for i, col in zip(positions, data.columns):
            want = pa.binary() if t.columns[i].binary else pa.string()
            arrays.append(col if col.type == want else col.cast(want))
        for c in omitted:
            # a column the INSERT leaves out gets its DEFAULT, as on the server
            arrays.append(pa.array([_default_value(c)] * data.num_rows, pa.binary() if c.binary else pa.string()))
        batch = pa.table(arrays, names=["_seq", "_replace", *names, *(c.name for c in omitted)])
        self.con.register("_batch", batch)
        self.con.execute(f"INSERT INTO {RAW}.{q(t.raw)} BY NAME SELECT * FROM _batch")
        self.con.unregister("_batch")
        t.seq += data.num_rows
        t.rows += data.num_rows
        t.has_replace |= ev.mode == "replace"
        t.source_bytes += nbytes
        t.seconds += time.perf_counter() - start

    def skipped_stmt(self, ev: Skipped) -> None:
        entry = self.skipped.setdefault(ev.kind, [0, ev.detail or (ev.table or "")])
        entry[0] += 1

    def problem(self, ev: Problem) -> None:
        self.issue(ev.kind, ev.table, ev.column, ev.count, ev.offset, ev.example, ev.fatal)

    def issue(self, kind, table, column, count, offset, example, fatal=False) -> None:
        self.issues.append(IssueRow(kind, table, column, count, offset, example, fatal))

    # ------------------------------------------------------------------ finish
    def finish(self, info: DumpInfo, source_bytes: dict | None = None) -> None:
        """Typed tables in `main`, the raw tables dropped, metadata written."""
        for t in list(self.tables.values()):
            start = time.perf_counter()
            self._finalize(t)
            t.seconds += time.perf_counter() - start
        self.con.execute(f"DROP SCHEMA IF EXISTS {RAW} CASCADE")
        self._write_meta(info)

    def _finalize(self, t: _Table) -> None:
        raw = f"{RAW}.{q(t.raw)}"
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
        dedupe = ""
        pk = t.tdef.primary_key if t.tdef else []
        if pk and all(p.lower() in t.lookup for p in pk):
            keys = ", ".join(q(t.columns[t.lookup[p.lower()]].name) for p in pk)
            dupes = self.con.execute(
                f"SELECT count(*) - count(DISTINCT ({keys})) FROM {raw} WHERE ({keys}) IS NOT NULL"
            ).fetchall()[0][0]
            if dupes:
                order = "CASE WHEN _replace THEN -_seq ELSE _seq END" if t.has_replace else "_seq"
                dedupe = f"QUALIFY row_number() OVER (PARTITION BY {keys} ORDER BY _replace DESC, {order}) = 1"
                self.issue("duplicate_key", t.name, ", ".join(pk), dupes, None,
                           f"{dupes} rows repeat a primary key; kept the row the server keeps (first, or last for REPLACE)")
        auto = [c for c in t.columns if c.auto_increment]
        if auto:
            source = self._auto_increment(t, raw, auto[0])
        self.con.execute(
            f"CREATE OR REPLACE TABLE main.{q(t.name)} AS SELECT {', '.join(exprs) or '1 AS _empty'} "
            f"FROM {source} {dedupe} ORDER BY _seq"
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
                continue
            col = q(c.name)
            for typ in ("BIGINT", "DECIMAL(38,10)", "TIMESTAMP"):
                bad = self.con.execute(
                    f"SELECT count(*) FILTER (WHERE {col} IS NOT NULL AND (TRY_CAST({col} AS {typ}) IS NULL"
                    # DuckDB casts '279.99' to BIGINT 280 (and '1e3', '0x1A'): integers must be digits only
                    + (f" OR NOT regexp_full_match(trim({col}), '[+-]?[0-9]+')" if typ == "BIGINT" else "") + ")"
                    + (f" AND {col} NOT LIKE '0000-00-00%'" if typ == "TIMESTAMP" else "")
                    + f"), count({col}) FROM {raw}"
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
            },
            "dump": {"key": [k for k, v in items.items() if v is not None],
                     "value": [str(v) for v in items.values() if v is not None]},
        }
        for name, cols in meta.items():
            self.con.register("_meta", pa.table(cols))
            self.con.execute(f"CREATE OR REPLACE TABLE {META}.{name} AS SELECT * FROM _meta")
            self.con.unregister("_meta")


def _default_value(c: Column):
    if c.default == "CURRENT_TIMESTAMP":
        return time.strftime("%Y-%m-%d %H:%M:%S")
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
