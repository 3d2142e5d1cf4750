"""The issues file of a migration: one line per problem, written as issues.jsonl.

Every source record that does not reach the package lands here with its
source id and a reason, so nothing is lost without a trace. issues.jsonl keeps
one row per affected record (that is the reconciliation); what a person reads
(the summary, the report) is `group_issues`: one line per cause, with the
count and example ids.

A big shop has hundreds of thousands of issues, so they are kept as Arrow
record batches (a short buffer of plain rows in between), not as one Python
object each; issues computed in SQL go straight from DuckDB into batches.
issues.jsonl is written once, by DuckDB, in a stable order: phase (in
ISSUE_PHASES order), entity, source id in natural order, code (then level,
field, message), so the same dump gives the same file. The report's groups
are counted from the same batches, without reading the file back.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import natsort

LEVELS = ("error", "warning", "info")
PHASES = ("read", "stage", "map", "check", "package")  # the order of issues.jsonl (package.schema.ISSUE_PHASES)
FIELDS = ("phase", "entity", "source_id", "level", "code", "field", "message")  # what add_query selects
# and where a stage issue's table is, and whether it is technical (a note on a table no mapping reads)
SCHEMA = pa.schema([(f, pa.string()) for f in FIELDS] + [("table", pa.string()), ("technical", pa.bool_())])
_BUFFER = 8192  # plain rows kept before they become a record batch
MEMORY = "96MB"  # DuckDB's memory for sorting and counting the issues


@dataclass(frozen=True)
class Issue:
    phase: str  # stage, map, check, package
    entity: str | None
    source_id: str | None
    level: str  # error | warning | info
    code: str  # stable UPPER_SNAKE code
    field: str | None
    message: str
    table: str | None = None  # the source table of a dump-level (stage) issue
    technical: bool = False  # a staging note on a table no mapping reads: changes nothing in the package


_OWN: dict[int, duckdb.DuckDBPyConnection] = {}  # this process's DuckDB for the issues (by pid: not a fork's)
_OWN_LOCK = threading.Lock()


def _own_database() -> duckdb.DuckDBPyConnection:
    """The process's DuckDB for sorting and counting issues, made once (a connection costs more
    than the counting on a small shop): one thread, so no thread of it runs when the dump reader
    is forked (DuckDB's readers and writers buffer per thread anyway); bounded memory, spilling to
    a temporary folder removed at exit."""
    with _OWN_LOCK:
        pid = os.getpid()
        if pid not in _OWN:
            tmp = tempfile.mkdtemp(prefix="dumpkit-issues-")
            atexit.register(shutil.rmtree, tmp, True)
            _OWN.clear()  # a forked child's copy of its parent's is not used
            _OWN[pid] = duckdb.connect(config={"threads": 1, "memory_limit": MEMORY, "temp_directory": tmp})
        return _OWN[pid]


@contextmanager
def _connect(con: duckdb.DuckDBPyConnection | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """`con` (a migration's: its memory and temporary folder), or a cursor of the process's own
    DuckDB for the issues (_own_database); what it registers goes with it."""
    if con is not None:
        natsort.define(con)
        yield con
        for name in ("issues", "keep", "wanted"):
            con.unregister(name)
        return
    cursor = _own_database().cursor()
    try:
        natsort.define(cursor)
        yield cursor
    finally:
        cursor.close()


FILE_ORDER = (f"list_position({list(PHASES)!r}, phase) NULLS LAST, phase, entity NULLS FIRST, "
              f"{natsort.order_by('source_id')}, code, level, field NULLS FIRST, message")


class IssueLog:
    def __init__(self) -> None:
        self._batches: list[pa.RecordBatch] = []
        self._rows: list[tuple] = []
        self._sorted = False
        self._groups: tuple | None = None  # (arguments, groups) of the last groups(), until the issues change

    def _changed(self) -> None:
        self._sorted, self._groups = False, None

    # ------------------------------------------------------------ adding
    def add(self, phase: str, entity: str | None, source_id, level: str, code: str, field: str | None, message: str,
            table: str | None = None, technical: bool = False) -> None:
        assert level in LEVELS, level
        self._rows.append((phase, entity, None if source_id is None else str(source_id), level, code, field, message,
                           table, technical))
        self._changed()
        if len(self._rows) >= _BUFFER:
            self._flush()

    def add_many(self, phase: str, entity: str | None, level: str, code: str, field: str | None,
                 source_ids: list[str], messages: list[str]) -> None:
        """Issues alike but for their source id and message, as one batch (no object each)."""
        assert level in LEVELS, level
        n = len(source_ids)
        if not n:
            return
        self._flush()
        same = [pa.repeat(pa.scalar(v, pa.string()), n) for v in (phase, entity)]
        rest = [pa.repeat(pa.scalar(v, pa.string()), n) for v in (level, code, field)]
        self._batches.append(pa.RecordBatch.from_arrays(
            [*same, pa.array(source_ids, pa.string()), *rest, pa.array(messages, pa.string()),
             pa.nulls(n, pa.string()), pa.repeat(pa.scalar(False), n)], schema=SCHEMA))
        self._changed()

    def add_query(self, con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None, with_table: bool = False) -> int:
        """Issues computed in DuckDB: `sql` selects the seven fields, in FIELDS order (and with
        `with_table` an eighth, the source table of a stage issue). Returns how many."""
        fields = FIELDS + (("table",) if with_table else ())
        names = ", ".join(f'CAST("{f}" AS VARCHAR) AS "{f}"' for f in fields)
        reader = con.sql(f"SELECT {names}, false AS technical FROM ({sql}) AS _q({', '.join(f'{chr(34)}{f}{chr(34)}' for f in fields)})",
                         params=params or None).to_arrow_reader(1 << 16)
        n = 0
        for batch in reader:
            if batch.num_rows:
                columns = list(batch.columns)
                if "table" not in fields:
                    columns.insert(len(FIELDS), pa.nulls(batch.num_rows, pa.string()))
                self._batches.append(pa.RecordBatch.from_arrays(
                    [c.cast(t) for c, t in zip(columns, SCHEMA.types)], schema=SCHEMA))
                n += batch.num_rows
        if n:
            self._changed()
        return n

    def absorb(self, other: "IssueLog") -> None:
        """Add every issue of `other`, in its order."""
        self._flush()
        other._flush()
        if other._batches:
            self._batches.extend(other._batches)
            self._changed()

    def extend(self, issues) -> None:
        for i in issues:
            self.add(i.phase, i.entity, i.source_id, i.level, i.code, i.field, i.message, i.table, i.technical)

    def _flush(self) -> None:
        if self._rows:
            columns = list(zip(*self._rows))
            texts, technical = columns[:-1], pa.array(columns[-1], pa.bool_())
            try:
                arrays = [pa.array(c, pa.string()) for c in texts]
            except (UnicodeEncodeError, pa.ArrowException):  # text that is not valid Unicode (lone surrogates)
                arrays = [pa.array([None if v is None else v.encode("utf-8", "replace").decode("utf-8") for v in c],
                                   pa.string()) for c in texts]
            arrays.append(technical)
            self._batches.append(pa.RecordBatch.from_arrays(arrays, schema=SCHEMA))
            self._rows = []

    # ------------------------------------------------------------ reading
    def table(self) -> pa.Table:
        """Every issue so far (in the order added, or file order once sorted)."""
        self._flush()
        return pa.Table.from_batches(self._batches, schema=SCHEMA)

    def __len__(self) -> int:
        return len(self._rows) + sum(b.num_rows for b in self._batches)

    def _numbered(self) -> pa.Table:
        """The issues with `n`, their position (file order once sorted)."""
        table = self.table()
        return table.append_column("n", pa.array(np.arange(table.num_rows, dtype=np.int64)))

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """Run `sql` over the issues (the table is called `issues`, `n` its position); small answers only."""
        with _connect() as con:
            con.register("issues", self._numbered())
            return con.execute(sql, params or []).fetchall()

    @property
    def items(self) -> list[Issue]:
        """Every issue as an object, in file order (for tests and small logs: a Python object each)."""
        self.sort()
        return [Issue(*row[:-1], bool(row[-1])) for row in zip(*(c.to_pylist() for c in self.table().columns))]

    def counts(self) -> Counter:
        return Counter({(level, code, entity): n for level, code, entity, n in self.query(
            "SELECT level, code, entity, count(*) FROM issues GROUP BY ALL")})

    def count(self, entity: str | None = None, level: str | None = None) -> int:
        return self.query("SELECT count(*) FROM issues WHERE (?::VARCHAR IS NULL OR entity = ?) AND (?::VARCHAR IS NULL OR level = ?)",
                          [entity, entity, level, level])[0][0]

    def levels(self) -> dict[str, int]:
        return dict(self.query("SELECT level, count(*) FROM issues GROUP BY 1 ORDER BY 1"))

    def source_ids(self, entity: str) -> set[str]:
        return {r[0] for r in self.query("SELECT DISTINCT source_id FROM issues WHERE entity = ? AND source_id IS NOT NULL",
                                         [entity])}

    def groups(self, limit: int = 5, max_variants: int = 3) -> list["IssueGroup"]:
        """One line per cause (see group_issues), counted by DuckDB: a big shop's hundreds of
        thousands of issues never become Python objects. Counted once while the issues stay the
        same (the report and the command's summary both show them)."""
        if self._groups is not None and self._groups[0] == (limit, max_variants):
            return list(self._groups[1])
        self.sort()
        with _connect() as con:
            con.register("issues", self._numbered())
            # in steps through temporary tables, which spill to disk: a CTE used twice would be
            # held in memory, whatever the number of issues
            for statement in _GROUPS_SQL.split(";")[:-1]:
                con.execute(statement, [max_variants] if "$1" in statement else [])
            rows = con.execute(_GROUPS_SQL.split(";")[-1], [limit]).fetchall()
            firsts = {r[0]: Issue(*r[1:len(SCHEMA)], bool(r[len(SCHEMA)])) for r in con.execute(
                "SELECT n, * EXCLUDE (n) FROM issues WHERE n IN (SELECT unnest(?::BIGINT[]))", [[r[5] for r in rows]]).fetchall()}
        groups = [IssueGroup(level, code, entity, template, count, list(examples), firsts[first_n], technical, more, variants)
                  for level, code, entity, technical, template, first_n, count, examples, more, variants in rows]
        groups = sorted(groups, key=lambda g: (LEVEL_ORDER.get(g.level, 9), -g.count, g.code, g.entity or ""))
        self._groups = ((limit, max_variants), groups)
        return list(groups)

    def of_records(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list[Issue]]:
        """The issues of a few records ((entity, source_id) pairs), in file order."""
        self.sort()
        with _connect() as con:
            con.register("issues", self._numbered())
            con.register("wanted", pa.table({"e": [k[0] for k in keys], "s": [k[1] for k in keys]},
                                            schema=pa.schema([("e", pa.string()), ("s", pa.string())])))
            rows = con.execute("""SELECT i.* FROM issues i
                JOIN wanted w ON w.e = i.entity AND w.s = i.source_id ORDER BY i.n""").fetchall()
        out: dict[tuple[str, str], list[Issue]] = {}
        for row in rows:
            issue = Issue(*row[:len(SCHEMA) - 1], bool(row[len(SCHEMA) - 1]))
            out.setdefault((issue.entity, issue.source_id), []).append(issue)
        return out

    # ------------------------------------------------------------ changing
    def rewrite(self, change: Callable[[Issue], Issue], phase: str | None = None, entity: str | None = None) -> None:
        """Pass the issues of `phase` and `entity` (a few: staging notes, tax classes) through `change`."""
        table = self.table()
        mask = pa.array([True] * table.num_rows, pa.bool_())
        for column, value in (("phase", phase), ("entity", entity)):
            if value is not None:
                mask = pc.and_(mask, pc.fill_null(pc.equal(table.column(column), value), False))
        chosen = table.filter(mask)
        if not chosen.num_rows:
            return
        changed = [change(Issue(*row[:-1], bool(row[-1]))) for row in zip(*(c.to_pylist() for c in chosen.columns))]
        rest = table.filter(pc.invert(mask))
        self._batches, self._rows = rest.to_batches(), []
        self._changed()
        self.extend(changed)

    def mark_technical(self, is_technical: Callable[[Issue], bool]) -> None:
        """Flag the staging notes `is_technical` picks (notes on tables no mapping reads)."""
        self.rewrite(lambda i: replace(i, technical=True) if is_technical(i) else i, phase="stage")

    def keep_only(self, records: dict[str, set[str]]) -> None:
        """Drop the issues of records not in `records` (entity -> source ids); issues without an
        entity or a source id (about the dump or the run as a whole) stay."""
        with _connect() as con:
            con.register("issues", self._numbered())
            con.register("keep", pa.table({"e": [e for e, ids in records.items() for _ in ids],
                                           "s": [i for ids in records.values() for i in ids]},
                                          schema=pa.schema([("e", pa.string()), ("s", pa.string())])))
            table = con.sql("""SELECT * EXCLUDE (n) FROM issues i WHERE i.entity IS NULL OR i.source_id IS NULL
                OR EXISTS (SELECT 1 FROM keep k WHERE k.e = i.entity AND k.s = i.source_id) ORDER BY n""").to_arrow_table()
        self._batches, self._groups = table.cast(SCHEMA).to_batches(), None  # the order is kept

    def sort(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        """Put the issues in file order (done once; adding more undoes it). `con`: a DuckDB to do it in."""
        if self._sorted:
            return
        with _connect(con) as con:
            con.register("issues", self.table())
            table = con.sql(f"SELECT * FROM issues ORDER BY {FILE_ORDER}").to_arrow_table()
        self._batches, self._sorted = table.cast(SCHEMA).to_batches(), True

    # ------------------------------------------------------------ the file
    def write(self, path: Path, con: duckdb.DuckDBPyConnection | None = None) -> None:
        """issues.jsonl: one JSON object per line, in file order: sorted first and kept so (the
        report's groups and examples read them in that order: one sort, not two). `con`: a DuckDB
        to do it in (a migration's)."""
        self.sort(con)
        with _connect(con) as con:
            con.register("issues", self.table())
            keep = con.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
            con.execute("SET preserve_insertion_order = true")  # the file keeps the batches' order
            target = str(path).replace("'", "''")
            con.execute(f"COPY (SELECT * FROM issues) TO '{target}' (FORMAT json)")
            con.execute(f"SET preserve_insertion_order = {str(bool(keep)).lower()}")
        if not Path(path).exists():  # DuckDB writes no file for no rows
            Path(path).write_bytes(b"")

    @staticmethod
    def from_table(table: pa.Table) -> "IssueLog":
        """A log holding the issues of `table` (from table())."""
        log = IssueLog()
        log._batches = table.cast(SCHEMA).to_batches()
        return log

    @staticmethod
    def read(path: Path) -> "IssueLog":
        """The issues of a written package (file order)."""
        log = IssueLog()
        with _connect() as con:
            if Path(path).stat().st_size:
                # a file written before `table` and `technical` existed has them null
                columns = "{" + ", ".join(f"'{f}': 'VARCHAR'" for f in FIELDS + ("table",)) + ", 'technical': 'BOOLEAN'}"
                target = str(path).replace("'", "''")
                names = ", ".join(f'"{f}"' for f in FIELDS + ("table",))
                table = con.sql(f"SELECT {names}, coalesce(technical, false) AS technical FROM read_json('{target}', "
                                f"format = 'newline_delimited', columns = {columns})").to_arrow_table()
                log._batches = table.cast(SCHEMA).to_batches()
        log._sorted = True
        return log


# ---------------------------------------------------------------------------------------------
# one line per cause

@dataclass
class IssueGroup:
    """Every issue of one cause: same level, code, entity and message."""
    level: str
    code: str
    entity: str | None
    template: str  # the message the group's records share ('' for staging notes: the tables are the examples)
    count: int
    examples: list[str]  # source ids (or source tables of stage issues), at most `limit`, in the order found
    first: Issue
    technical: bool
    more: int = 0  # examples left out
    variants: int = 1  # distinct messages merged into this line (details that differ per record)

    @property
    def text(self) -> str:
        """The cause in words."""
        text = self.template or self.first.message
        return f"{text} (and {self.variants - 1} more like it)" if self.variants > 1 else text

    def line(self) -> str:
        """'warning TAX_CLASS_MISSING products x19: <message> (e.g. 1, 2, 3, ...)'."""
        what = f"{self.level} {self.code}" + (f" {self.entity}" if self.entity else "")
        count = f" x{self.count}" if self.count > 1 else ""
        examples = ""
        if self.examples and self.count > 1:
            examples = f" (e.g. {', '.join(self.examples)}{', ...' if self.more else ''})"
        return f"{what}{count}: {self.text}{examples}"


LEVEL_ORDER = {"error": 0, "warning": 1, "info": 2}  # the order lines of issues are shown in


def group_issues(items: Iterable[Issue], limit: int = 5, max_variants: int = 3) -> list[IssueGroup]:
    """One group per cause: (level, code, entity, technical, message template), with the count,
    the first `limit` example ids in file order and how many issues name another. A code whose
    message differs in more than `max_variants` ways (a detail of each record, like the
    duplicated SKU) is one line, its examples taken across them all. Errors first, then
    warnings, then info; within a level the biggest first. (IssueLog.groups() of the items.)"""
    log = IssueLog()
    log.extend(items)
    return log.groups(limit, max_variants)


# What the records of one cause share: the message (messages say the cause; the record is in
# source_id). Staging notes of one kind are one cause whatever the table: ''.
_TEMPLATE = "CASE WHEN phase = 'stage' THEN '' ELSE message END"
# IssueLog.groups() in four statements: the causes (the key and the message template) with the
# issue each was first found at; the lines (a code's causes are one line, the first's, when there
# are more than max_variants of them); per line and example where it was first found and how
# often; then per line its count, its first `limit` examples in the order found, and `more`: the
# issues whose example is another.
_GROUPS_SQL = f"""
CREATE OR REPLACE TEMP TABLE _causes AS
SELECT level, code, entity, technical, {_TEMPLATE} AS template, min(n) AS first_n
FROM issues GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE _lines AS
SELECT *, CASE WHEN count(*) OVER code > $1 THEN min(first_n) OVER code ELSE first_n END AS line,
       CASE WHEN count(*) OVER code > $1 THEN count(*) OVER code ELSE 1 END AS variants
FROM _causes WINDOW code AS (PARTITION BY level, code, entity, technical);
CREATE OR REPLACE TEMP TABLE _examples AS
SELECT l.line, x.example, min(x.n) AS found_at, count(*) AS c
FROM (SELECT n, level, code, entity, technical, {_TEMPLATE} AS template,
             nullif(coalesce(nullif(source_id, ''), "table"), '') AS example FROM issues) AS x
JOIN _lines l ON x.level = l.level AND x.code = l.code AND x.entity IS NOT DISTINCT FROM l.entity
             AND x.technical = l.technical AND x.template IS NOT DISTINCT FROM l.template
GROUP BY ALL;
WITH counted AS (
    SELECT line, sum(c) AS count, coalesce(sum(c) FILTER (WHERE example IS NOT NULL), 0) AS with_example
    FROM _examples GROUP BY line
), shown AS (
    SELECT line, list(example ORDER BY found_at) AS examples, sum(c) AS shown
    FROM (SELECT *, row_number() OVER (PARTITION BY line ORDER BY found_at) AS r FROM _examples WHERE example IS NOT NULL)
    WHERE r <= $1 GROUP BY line
)
SELECT l.level, l.code, l.entity, l.technical, l.template, c.line, c.count, coalesce(s.examples, []),
       c.with_example - coalesce(s.shown, 0), l.variants
FROM counted c JOIN _lines l ON l.first_n = c.line LEFT JOIN shown s ON s.line = c.line ORDER BY c.line
"""
