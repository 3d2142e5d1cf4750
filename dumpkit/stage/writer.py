"""Events into DuckDB: each table typed from its CREATE TABLE, rows appended as they stream.

Rows arrive as Arrow columns already cast to the staged types (read/typed.py,
in the parser workers; a reader that leaves text gets the same cast here), so
a batch is one INSERT into its final table. What the server would do on top
is replayed once per table at the end, and only where needed: AUTO_INCREMENT
ids for rows that left them out, and the duplicate-key rule (first row wins,
REPLACE's last) when a key may repeat. Keys that only grow, as mysqldump
writes them, are checked per batch and need no pass at all.

A data-only dump (no CREATE TABLE) is staged as text, and its types are
inferred from the values at the end.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

if TYPE_CHECKING:
    import duckdb

from ..read.mysql_values import restore_time
from ..read.events import Column, DumpInfo, Problem, RowBatch, RowCount, Skipped, TableDef
from ..read.typed import cast_note, cast_sql, cast_table, is_text
from ..sqlnames import ident as q, sql_type

COMMIT_BYTES = 64 << 20
META = "dumpkit"
REPLACED = "_dumpkit_replace"  # marks rows of REPLACE statements until the duplicate-key pass
# issues counted per value: one row per (kind, table, column), counts summed
_MERGED = {"charset_guessed", "bad_encoding", "utf8_in_latin1_dump", "value_computed", "generated_column",
           "zero_date", "bad_value"}
# skipped kinds whose statements name something worth listing (dumpkit.skipped.names)
_NAMED = {"view", "trigger", "procedure", "function", "event", "drop_routine", "truncate", "drop_table",
          "create_table_exists"}


@dataclass
class _Table:
    name: str
    tdef: TableDef | None  # None: data-only dump, columns staged as text, types inferred at the end
    columns: list[Column]
    rows: int = 0
    left_out: int = 0  # rows counted, not staged: no mapping reads the table (stage_dump's keep_rows)
    source_bytes: int = 0
    seconds: float = 0.0
    has_replace: bool = False
    keys_ordered: bool = True  # every key so far greater than the one before: no duplicates possible
    last_key: tuple | None = None
    auto_missing: int = 0  # rows that left the AUTO_INCREMENT column to the server
    lookup: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.lookup = {c.name.lower(): i for i, c in enumerate(self.columns)}

    @property
    def ref(self) -> str:
        return f"main.{q(self.name)}"

    def auto_position(self) -> int | None:
        """The AUTO_INCREMENT column's position (MySQL allows one per table), or None."""
        return next((i for i, c in enumerate(self.columns) if c.auto_increment), None)

    def primary_key(self) -> list[int]:
        pk = self.tdef.primary_key if self.tdef else []
        return [self.lookup[p.lower()] for p in pk] if all(p.lower() in self.lookup for p in pk) else []


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
        self.uncommitted = 0  # bytes inserted since the last commit
        # one transaction per COMMIT_BYTES: a commit per statement costs milliseconds, for hundreds of tables
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {META}")

    # ------------------------------------------------------------------ events
    def table_def(self, ev: TableDef) -> None:
        if ev.table in self.tables:
            old = self.tables.pop(ev.table)
            # DROP TABLE + CREATE TABLE again: the server keeps only the new table's rows
            if old.rows:
                self.issue("table_recreated", ev.table, None, old.rows, ev.offset, f"{old.rows} earlier rows dropped as the server would")
        self._create(ev.table, ev, ev.columns)

    def _create(self, name: str, tdef: TableDef | None, columns: list[Column]) -> _Table:
        t = _Table(name, tdef, list(columns))
        cols = ", ".join(f"{q(c.name)} {self._staged_type(t, c)}" for c in columns) or "_empty INTEGER"
        self.con.execute(f"CREATE OR REPLACE TABLE {t.ref} ({cols})")
        self.tables[name] = t
        return t

    @staticmethod
    def _staged_type(t: _Table, c: Column) -> str:
        if t.tdef is None:
            return "BLOB" if c.binary else "VARCHAR"
        return sql_type(c.duck_type)

    def row_batch(self, ev: RowBatch, nbytes: int = 0) -> None:
        t = self.tables.get(ev.table)
        data = ev.data
        if t is None:
            # data-only dump: no CREATE TABLE seen; columns from the INSERT or by position
            names = ev.columns or [f"column_{i + 1}" for i in range(data.num_columns)]
            binary = [pa.types.is_binary(c.type) for c in data.columns]
            t = self._create(ev.table, None, [Column(n, "", "BLOB" if b else "VARCHAR", b) for n, b in zip(names, binary)])
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
                    self.con.execute(f"ALTER TABLE {t.ref} ADD COLUMN {q(name)} VARCHAR")
                    t.columns.append(Column(name, "", "VARCHAR"))
                    i = t.lookup[name.lower()] = len(t.columns) - 1
                positions.append(i)
        else:
            positions = list(range(data.num_columns))
        if data.num_columns != len(positions) or (ev.columns is None and data.num_columns != len(t.columns)):
            self.issue("column_count_mismatch", ev.table, None, data.num_rows, ev.offset,
                       f"rows have {data.num_columns} values, the table has {len(t.columns)} columns; rows not staged")
            return
        given = set(positions)
        omitted = [i for i in range(len(t.columns)) if i not in given] if t.tdef is not None else []
        for i in omitted:
            c = t.columns[i]
            if c.source_type.endswith(" generated"):
                self.issue("generated_column", ev.table, c.name, data.num_rows, ev.offset,
                           "a generated column: the server computes it, dumps leave it out; staged as NULL")
        arrays = []
        for i, col in zip(positions, data.columns):
            c = t.columns[i]
            if pa.types.is_binary(col.type) and not c.binary and t.tdef is None:
                # data-only dump: binary literals (UNHEX, 0x..) in a column seen as text so far
                self.con.execute(f"ALTER TABLE {t.ref} ALTER COLUMN {q(c.name)} TYPE BLOB")
                c.binary, c.duck_type = True, "BLOB"
            if c.binary or c.duck_type == "VARCHAR" or t.tdef is None:
                want = pa.binary() if c.binary else pa.string()
                col = col if col.type == want or not (is_text(col) or pa.types.is_binary(col.type)) else _cast_text(col, want)
            arrays.append(col)
        for i in omitted:
            # a column the INSERT leaves out gets its DEFAULT, as on the server
            c = t.columns[i]
            arrays.append(pa.repeat(pa.scalar(_default_value(c), pa.binary() if c.binary else pa.string()), data.num_rows))
        order = positions + omitted
        if t.tdef is not None:
            # readers that leave text (PostgreSQL) get their casts here; cast columns pass through
            typed, notes = cast_table(pa.table(arrays, names=[f"c{i}" for i in order]),
                                      [t.columns[i].duck_type for i in order])
            arrays = typed.columns
            for kind, per_col in notes.items():
                for k, (count, example) in per_col.items():
                    self.issue(kind, ev.table, t.columns[order[int(k)]].name, count, ev.offset, example)
        by_position = dict(zip(order, arrays))
        if ev.zero_is_auto:
            self._zero_ids_to_null(t, by_position)
        # the columns in table order, for a positional insert (a third of the per-batch cost of
        # INSERT .. BY NAME); a column this INSERT leaves out of a table without DDL is NULL
        arrays = [by_position[i] if i in by_position else pa.nulls(data.num_rows, pa.binary() if c.binary else pa.string())
                  for i, c in enumerate(t.columns)]
        if (ev.mode == "replace" or t.has_replace) and t.tdef is not None:
            # (without DDL there is no key to replace by, and the table may still gain columns)
            if not t.has_replace:
                self.con.execute(f"ALTER TABLE {t.ref} ADD COLUMN {REPLACED} BOOLEAN DEFAULT false")
                t.has_replace = True
            arrays.append(pa.repeat(pa.scalar(ev.mode == "replace"), data.num_rows))
        batch = pa.table(arrays, names=[f"c{i}" for i in range(len(arrays))])
        self._track(t, by_position, data.num_rows)
        self.con.from_arrow(batch).insert_into(t.ref)
        self.uncommitted += batch.nbytes
        if self.uncommitted > COMMIT_BYTES:
            # a transaction holds its rows in memory until the commit: keep it bounded
            self.con.execute("COMMIT")
            self.con.execute("BEGIN TRANSACTION")
            self.uncommitted = 0
        t.rows += data.num_rows
        # readers may say how many dump bytes the rows came from and how long parsing took
        t.source_bytes += nbytes if ev.source_bytes is None else ev.source_bytes
        t.seconds += time.perf_counter() - start + ev.parse_seconds

    @staticmethod
    def _zero_ids_to_null(t: _Table, by_position: dict) -> None:
        """Without NO_AUTO_VALUE_ON_ZERO the server gives a row whose AUTO_INCREMENT value is 0
        the next id, as if it were NULL: so it is NULL here, and the end-of-table pass numbers it."""
        auto = t.auto_position()
        col = by_position.get(auto)
        if col is None or not pa.types.is_integer(col.type):
            return
        import pyarrow.compute as pc  # only for installer SQL: dump tools set NO_AUTO_VALUE_ON_ZERO

        zero = pc.equal(col, 0)
        if pc.any(zero).as_py():
            by_position[auto] = pc.if_else(zero, pa.scalar(None, col.type), col)

    def _track(self, t: _Table, by_position: dict, n: int) -> None:
        """What the end-of-table pass will need: rows without an AUTO_INCREMENT id, and
        whether the primary key still only grows (then no key can repeat)."""
        auto = t.auto_position()
        if auto is not None and n:
            t.auto_missing += by_position[auto].null_count
        if not t.keys_ordered or not n:
            return
        pk = t.primary_key()
        keys = [by_position.get(i) for i in pk]
        if not pk or any(k is None or k.null_count or not pa.types.is_integer(k.type) for k in keys):
            t.keys_ordered = False
            return
        cols = [k.to_numpy() for k in keys]
        first, last = tuple(int(c[0]) for c in cols), tuple(int(c[-1]) for c in cols)
        if t.last_key is not None and first <= t.last_key:
            t.keys_ordered = False
            return
        # strictly increasing row to row, compared as tuples
        greater = np.zeros(n - 1, bool)
        equal = np.ones(n - 1, bool)
        for c in cols:
            greater |= equal & (c[1:] > c[:-1])
            equal &= c[1:] == c[:-1]
        if not greater.all():
            t.keys_ordered = False
            return
        t.last_key = last

    def rows_left_out(self, ev: RowCount) -> None:
        t = self.tables.get(ev.table)  # (the reader leaves out only rows of a table it has the CREATE TABLE of)
        if t is None:
            self.issue("rows_not_staged", ev.table, None, ev.rows, ev.offset,
                       f"{ev.rows} rows of a table the dump no longer defines: counted, not staged")
            return
        t.left_out += ev.rows
        t.source_bytes += ev.nbytes

    def skipped_stmt(self, ev: Skipped) -> None:
        entry = self.skipped.setdefault(ev.kind, [0, ev.detail or (ev.table or ""), []])
        entry[0] += 1
        names = list(ev.tables) or ([ev.table] if ev.table else [])
        if ev.kind in _NAMED:
            entry[2].extend(n for n in names if n not in entry[2])
        # replay what these do to rows already staged, as the server would
        for name in ev.tables if ev.kind in ("truncate", "drop_table") else []:
            t = self.tables.get(name)
            if t is None:
                continue
            if ev.kind == "drop_table":
                del self.tables[name]
                self.con.execute(f"DROP TABLE {t.ref}")
            else:
                self.con.execute(f"DELETE FROM {t.ref}")
                t.keys_ordered, t.last_key, t.auto_missing, t.left_out = True, None, 0, 0
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
        """The per-table passes that need every row, then the metadata."""
        for t in list(self.tables.values()):
            start = time.perf_counter()
            if t.tdef is None:
                self._type_inferred(t)
            else:
                self._server_rules(t)
            t.seconds += time.perf_counter() - start
        self._write_meta(info)
        self.con.execute("COMMIT")

    def _server_rules(self, t: _Table) -> None:
        auto = t.auto_position()
        if auto is not None and t.auto_missing:
            self._auto_increment(t, t.columns[auto])
        pk = t.primary_key()
        dedupe = ""
        if pk and t.rows > 1 and (not t.keys_ordered or t.has_replace):
            keys = ", ".join(q(t.columns[i].name) for i in pk)
            not_null = " AND ".join(f"{q(t.columns[i].name)} IS NOT NULL" for i in pk)
            dupes = self.con.execute(
                f"SELECT count(*) - count(DISTINCT ({keys})) FROM {t.ref} WHERE {not_null}").fetchall()[0][0]
            if dupes:
                replace = f"{REPLACED} DESC, CASE WHEN {REPLACED} THEN -_r ELSE _r END" if t.has_replace else "_r"
                dedupe = f"QUALIFY NOT ({not_null}) OR row_number() OVER (PARTITION BY {keys} ORDER BY {replace}) = 1"
                names = ", ".join(t.tdef.primary_key)
                self.issue("duplicate_key", t.name, names, dupes, None,
                           f"{dupes} rows repeat a primary key; kept the row the server keeps (first, or last for REPLACE)")
        if dedupe:
            drop = f"_r, {REPLACED}" if t.has_replace else "_r"
            self._rewrite(t, f"SELECT * EXCLUDE ({drop}) FROM (SELECT *, rowid AS _r FROM {t.ref}) {dedupe} ORDER BY _r")
            t.rows = self.con.execute(f"SELECT count(*) FROM {t.ref}").fetchall()[0][0]
        elif t.has_replace:
            self.con.execute(f"ALTER TABLE {t.ref} DROP COLUMN {REPLACED}")

    def _rewrite(self, t: _Table, select: str) -> None:
        """Replace a table's rows by a query over them (DuckDB cannot rewrite a table in place)."""
        # a name no source table has (DuckDB's names ignore case; CREATE OR REPLACE would drop it)
        taken, tmp = {n.lower() for n in self.tables}, "_dumpkit_" + t.name
        while tmp.lower() in taken:
            tmp = "_" + tmp
        tmp = f"main.{q(tmp)}"
        self.con.execute(f"CREATE OR REPLACE TABLE {tmp} AS {select}")
        self.con.execute(f"DROP TABLE {t.ref}")
        self.con.execute(f"ALTER TABLE {tmp} RENAME TO {q(t.name)}")

    def _auto_increment(self, t: _Table, c: Column) -> None:
        """Rows that left the auto-increment column out (or NULL, or 0 without
        NO_AUTO_VALUE_ON_ZERO) get the next id, in insert order, exactly as MySQL's counter
        would hand them out: it starts at the table's AUTO_INCREMENT=N and stays above every
        id inserted before."""
        col = q(c.name)
        missing = t.auto_missing
        floor = (t.tdef.auto_increment if t.tdef else 1) - 1
        # for the k-th missing row: id = k + 1 + max over j<=k of (max(ids before row j, N - 1) - j)
        self.con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _auto AS
            WITH s AS (
              SELECT rowid AS _r, {col} AS _v,
                     max({col}) OVER (ORDER BY rowid ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS _before
              FROM {t.ref}),
            m AS (SELECT _r, _before, row_number() OVER (ORDER BY _r) - 1 AS _k FROM s WHERE _v IS NULL)
            SELECT _r, _k + 1 + max(greatest(coalesce(_before, 0), {floor}) - _k) OVER (ORDER BY _r) AS _id FROM m
        """)
        self.con.execute(f"UPDATE {t.ref} SET {col} = _auto._id FROM _auto WHERE {t.ref}.rowid = _auto._r")
        self.con.execute("DROP TABLE _auto")
        t.keys_ordered = False
        self.issue("auto_increment_filled", t.name, c.name, missing, None,
                   f"{missing} rows left {c.name} to AUTO_INCREMENT; ids assigned in insert order")

    def _type_inferred(self, t: _Table) -> None:
        if not t.rows:
            return
        self._infer_types(t)
        self.issue("types_inferred", t.name, None, len(t.columns), None,
                   "no CREATE TABLE in the dump: column types inferred from the values")
        exprs, checks = [], []
        for c in t.columns:
            expr, bad, zero = cast_sql(q(c.name), c.duck_type if not c.binary else "BLOB")
            exprs.append(f"{expr} AS {q(c.name)}")
            checks += [(c, "bad_value", bad)] if bad else []
            checks += [(c, "zero_date", zero)] if zero else []
        if checks:
            parts = [f"count(*) FILTER (WHERE {cond}), CAST(any_value({q(c.name)}) FILTER (WHERE {cond}) AS VARCHAR)"
                     for c, _, cond in checks]
            row = self.con.execute(f"SELECT {', '.join(parts)} FROM {t.ref}").fetchall()[0]
            for k, (c, kind, _) in enumerate(checks):
                n, example = row[2 * k], row[2 * k + 1]
                if n:
                    self.issue(kind, t.name, c.name, n, None, cast_note(kind, example, c.source_type or c.duck_type))
        self._rewrite(t, f"SELECT {', '.join(exprs)} FROM {t.ref}")

    def _infer_types(self, t: _Table) -> None:
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
                    f"SELECT count(*) FILTER (WHERE {col} IS NOT NULL AND NOT ({ok})), count({col}) FROM {t.ref}"
                ).fetchall()[0]
                if bad[1] and not bad[0]:
                    if typ.startswith("DECIMAL"):
                        scale = self.con.execute(
                            f"SELECT max(length(split_part({col}, '.', 2))) FROM {t.ref}"
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
                "rows_left_out": pa.array([t.left_out for t in tables], pa.int64()),
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

