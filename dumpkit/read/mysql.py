"""MySQL / MariaDB dumps (mysqldump, mariadb-dump, phpMyAdmin, Adminer, Sequel
Pro, Workbench, installer SQL) as a stream of events.

Statements are split line by line: dump tools end a statement at the end of a
line, so a line ending in `;` closes it unless that `;` sits inside a string,
which the VALUES parser or the statement regex tells. INSERT rows go to the
VALUES parsers (mysql_values); DDL goes to sqlglot; everything else is
skipped by kind or reported.
"""
from __future__ import annotations

import re
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

import pyarrow as pa

from .ddl import parse_create_table
from .events import DumpInfo, Event, Problem, RowBatch, RowCount, Skipped, TableDef
from .mysql_values import Incomplete, ValuesError, count_rows, decode_latin1, parse_values_fast, parse_values_slow, quotes_balanced

# a whole statement: strings, identifiers and comments may hold ';'
_STATEMENT = re.compile(
    rb"""(?:[^'"`;\\\-\#/]++|'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`[^`]*+`|--[^\n]*+|\#[^\n]*+|/\*.*?\*/|[-/\\\#])*+;""",
    re.S,
)
_IDENT = rb"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\w$]+)"
_INSERT = re.compile(
    rb"\s*(INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY)\s+)?(IGNORE\s+)?(?:INTO\s+)?"
    rb"((?:" + _IDENT + rb"\s*\.\s*)?" + _IDENT + rb")\s*(\([^)]*\))?\s*VALUES?\s*",
    re.I,
)
_LEADING_COMMENTS = re.compile(rb"(?:\s+|--[^\n]*\n?|\#[^\n]*\n?|/\*(?!!).*?\*/)*", re.S)
_CONDITIONAL = re.compile(rb"/\*!\d*\s?(.*?)\*/", re.S)
_ODKU = re.compile(rb"\)\s*ON\s+DUPLICATE\s+KEY\s+UPDATE\b", re.I)

BATCH_BYTES = 4 << 20  # coalesce small INSERTs of one table up to this much VALUES text

# first words of statements that are read and deliberately not staged
_SKIP_KINDS = [
    (rb"SET\b", "set"),
    (rb"LOCK\s+TABLES?\b|UNLOCK\s+TABLES?\b", "lock_tables"),
    (rb"DROP\s+TABLE\b", "drop_table"),
    (rb"DROP\s+(?:VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT)\b", "drop_routine"),
    (rb"DROP\s+(?:DATABASE|SCHEMA)\b", "drop_database"),
    (rb"CREATE\s+(?:DATABASE|SCHEMA)\b", "create_database"),
    (rb"USE\b", "use"),
    (rb"(?:START\s+TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", "transaction"),
    (rb"ALTER\s+TABLE\b", "alter_table"),
    (rb"(?:CREATE|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\b", "view"),
    (rb"CREATE\s+(?:DEFINER\s*=\s*\S+\s+)?TRIGGER\b", "trigger"),
    (rb"CREATE\s+(?:DEFINER\s*=\s*\S+\s+)?PROCEDURE\b", "procedure"),
    (rb"CREATE\s+(?:DEFINER\s*=\s*\S+\s+)?(?:AGGREGATE\s+)?FUNCTION\b", "function"),
    (rb"CREATE\s+(?:DEFINER\s*=\s*\S+\s+)?EVENT\b", "event"),
    (rb"CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\b", "index"),
    (rb"(?:CREATE|DROP)\s+USER\b|GRANT\b|REVOKE\b|FLUSH\b", "privileges"),
    (rb"TRUNCATE\b", "truncate"),
    (rb"ANALYZE\b|OPTIMIZE\b|CHECK\s+TABLE\b|SELECT\b|SHOW\b|DO\b", "query"),
]
_SKIP_RE = [(re.compile(p, re.I), k) for p, k in _SKIP_KINDS]
_SET_NAMES = re.compile(rb"SET\s+(?:NAMES|CHARACTER\s+SET|CHARSET)\s+'?(\w+)", re.I)
_USE = re.compile(rb"USE\s+(" + _IDENT + rb")", re.I)
_DELIMITER = re.compile(rb"\s*DELIMITER\s+(\S+)", re.I)

_ENCODINGS = {"utf8": "utf-8", "utf8mb4": "utf-8", "utf8mb3": "utf-8", "latin1": "cp1252", "ascii": "ascii", "binary": "utf-8", "cp1252": "cp1252"}


def _unquote(ident: bytes) -> str:
    s = ident.decode("utf-8", "replace").strip()
    if s[:1] in "`\"" and s[-1:] == s[:1]:
        s = s[1:-1].replace(s[0] * 2, s[0])
    return s


def _split_ident(qualified: bytes) -> tuple[str | None, str]:
    parts = re.findall(_IDENT, qualified)
    if len(parts) == 2:
        return _unquote(parts[0]), _unquote(parts[1])
    return None, _unquote(parts[0])


@dataclass
class _Pending:
    """Consecutive INSERTs of one table, gathered into one VALUES text."""

    table: str
    columns: list[str] | None
    encoding: str
    binary: frozenset
    offset: int
    mode: str = "insert"
    parts: list[bytes] = field(default_factory=list)
    size: int = 0


def parse_pending(values: bytes, encoding: str, binary: frozenset) -> pa.Table | ValuesError:
    """Parse one VALUES text (runs in a worker process when an executor is given)."""
    guessed = encoding == "utf-8?"
    if guessed:
        encoding = "utf-8"
    try:
        if encoding == "utf-8":
            table = parse_values_fast(values, binary)
            if table is not None:
                return table
        else:
            # transcode once, then the fast path applies (MySQL latin1 is cp1252)
            values = decode_latin1(values).encode("utf-8") if encoding == "cp1252" else values.decode(encoding).encode("utf-8")
            table = parse_values_fast(values, binary)
            if table is not None:
                return table
            encoding = "utf-8"
    except Incomplete:
        pass
    try:
        return parse_values_slow(values, encoding, binary)
    except ValuesError as e:
        if guessed and "invalid utf-8" in str(e):
            # no charset declared and not UTF-8: old installers and latin1 shops write cp1252
            return parse_pending(values, "cp1252", binary)
        return e


class MySQLReader:
    def __init__(self, stream: BinaryIO, info: DumpInfo, executor: Executor | None = None, base_offset: int = 0,
                 count_only: bool = False):
        self.stream = stream
        self.count_only = count_only
        self.info = info
        self.executor = executor
        self.offset = base_offset
        # without SET NAMES the text may be latin1: "utf-8?" falls back to cp1252 where UTF-8 fails
        self.encoding = _ENCODINGS.get(info.charset or "", "utf-8?")
        self.tables: dict[str, TableDef] = {}
        self.database: str | None = None
        self.first_database: str | None = None
        self.pending: _Pending | None = None
        self.inflight: deque = deque()
        self.saw_trailer = False

    # ---------------------------------------------------------------- lines to statements
    def statements(self) -> Iterator[tuple[int, bytes]]:
        """(offset, text) per statement; a cut statement is yielded with an empty trailer flag."""
        delimiter = b";"
        buf: list[bytes] = []
        start = self.offset
        in_block_comment = False
        for line in self.stream:
            line_offset = self.offset
            self.offset += len(line)
            if not buf:
                stripped = line.strip()
                if in_block_comment:
                    if b"*/" in stripped:
                        in_block_comment = False
                    continue
                if not stripped:
                    continue
                if stripped.startswith((b"-- ", b"#")) or stripped == b"--" or re.fullmatch(rb"-{3,}", stripped):
                    if b"Dump completed" in stripped or b"database dump complete" in stripped:
                        self.saw_trailer = True
                    continue
                if stripped.startswith(b"/*") and not stripped.startswith(b"/*!"):
                    if b"*/" not in stripped:
                        in_block_comment = True
                        continue
                    if stripped.endswith(b"*/"):
                        continue
                m = _DELIMITER.match(line)
                if m:
                    delimiter = m.group(1)
                    yield line_offset, b"DELIMITER " + delimiter
                    continue
                start = line_offset
            buf.append(line)
            tail = line.rstrip()
            if not tail.endswith(delimiter):
                continue
            text = b"".join(buf) if len(buf) > 1 else buf[0]
            if delimiter != b";":
                yield start, text.rstrip()[: -len(delimiter)] + b";"
                buf = []
                continue
            end = self._statement_end(text)
            if end is None:
                continue  # the ';' is inside a string: the statement goes on
            yield start, text[:end]
            rest = text[end:]
            buf = []
            # several statements on one line (installer SQL): split the rest too
            while rest.strip():
                end = self._statement_end(rest)
                if end is None:
                    buf = [rest]
                    start = self.offset - len(rest)
                    break
                stmt = rest[:end]
                stmt_off = self.offset - len(rest)
                rest = rest[end:]
                if stmt.strip(b" \t\r\n;"):
                    yield stmt_off, stmt
        if buf and b"".join(buf).strip():
            yield start, b"".join(buf)  # no terminator: the caller reports it as cut

    def _statement_end(self, text: bytes) -> int | None:
        """End (after ';') of the first statement in text, or None if text ends inside it."""
        if _INSERT.match(text):
            # mysqldump never writes a raw newline inside a string, so its data lines are
            # whole statements; other tools' need the (numpy) quote check
            if self.info.producer in ("mysqldump", "mariadb-dump") or quotes_balanced(text):
                return len(text.rstrip())
            return None
        m = _STATEMENT.match(text)
        return m.end() if m else None

    # ---------------------------------------------------------------- statements to events
    def events(self) -> Iterator[Event]:
        for offset, text in self.statements():
            complete = text.rstrip().endswith(b";")
            if not complete and not text.startswith(b"DELIMITER "):
                yield from self._flush()
                yield from self._cut(offset, text)
                yield from self._drain(all_=True)
                return
            yield from self._statement(offset, text)
            yield from self._drain(all_=False)
        yield from self._flush()
        yield from self._drain(all_=True)
        if self.info.producer in ("mysqldump", "mariadb-dump") and not self.saw_trailer:
            yield Problem(
                "truncated", self.offset, example="the dump ends without mysqldump's '-- Dump completed' line", fatal=True
            )

    def _cut(self, offset: int, text: bytes) -> Iterator[Event]:
        m = _INSERT.match(text)
        if m:
            # keep the complete rows of a cut INSERT
            yield from self._insert(offset, text, m, cut=True)
            yield from self._flush()
        else:
            yield Problem("truncated", offset, example=_snippet(text), fatal=True)

    def _statement(self, offset: int, text: bytes) -> Iterator[Event]:
        m = _INSERT.match(text)
        if m:
            yield from self._insert(offset, text, m)
            return
        yield from self._flush()
        body = _LEADING_COMMENTS.match(text)
        body = text[body.end():] if body else text
        if body.startswith(b"/*!"):
            # conditional comment: the server runs its content
            inner = _CONDITIONAL.sub(rb"\1", body).strip()
            m = _INSERT.match(inner)
            if m:
                yield from self._insert(offset, inner, m)
                return
            body = inner
        if body.upper().startswith(b"DELIMITER "):
            yield Skipped("delimiter", offset)
            return
        if re.match(rb"CREATE\s+(?:TEMPORARY\s+)?TABLE\b", body, re.I):
            yield from self._create_table(offset, body)
            return
        for pattern, kind in _SKIP_RE:
            if pattern.match(body):
                if kind == "set":
                    n = _SET_NAMES.match(body)
                    if n:
                        self.encoding = _ENCODINGS.get(n.group(1).decode().lower(), self.encoding)
                elif kind == "use":
                    u = _USE.match(body)
                    if u:
                        self.database = _unquote(u.group(1))
                        self.first_database = self.first_database or self.database
                elif kind == "truncate":
                    name = _table_name_after(body, rb"TRUNCATE\s+(?:TABLE\s+)?")
                    yield Skipped(kind, offset, name, "table emptied before its rows (no rows were lost)")
                    return
                yield Skipped(kind, offset, detail=_snippet(body, 80))
                return
        if re.match(rb"\s*;?\s*$", body):
            return
        if re.match(rb"(?:UPDATE|DELETE)\b", body, re.I):
            yield Problem("unsupported_statement", offset, example=_snippet(body))
            return
        yield Problem("unparsable_statement", offset, example=_snippet(body))

    def _staged_name(self, db: str | None, table: str) -> str:
        db = db or self.database
        if db and self.first_database and db != self.first_database:
            return f"{db}_{table}"
        return table

    def _create_table(self, offset: int, body: bytes) -> Iterator[Event]:
        sql = _CONDITIONAL.sub(rb"\1", body).rstrip().rstrip(b";")
        try:
            text = sql.decode("utf-8")
        except UnicodeDecodeError:
            text = decode_latin1(sql)
        try:
            tdef = parse_create_table(text, "mysql", offset)
        except Exception as e:  # sqlglot raises several error types
            name = _table_name_after(body, rb"CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?")
            yield Problem("unparsable_statement", offset, name, example=f"{type(e).__name__}: {str(e)[:160]}")
            return
        if tdef is None:
            yield Skipped("create_table_without_columns", offset)
            return
        m = re.search(rb"TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:" + _IDENT + rb"\s*\.\s*)?" + _IDENT + rb")", body, re.I)
        if m:
            db, name = _split_ident(m.group(1))
            tdef.table = self._staged_name(db, name)
        self.tables[tdef.table] = tdef
        yield tdef

    def _insert(self, offset: int, text: bytes, m: re.Match, cut: bool = False) -> Iterator[Event]:
        db, name = _split_ident(m.group(3))
        table = self._staged_name(db, name)
        columns = None
        if m.group(4):
            columns = [_unquote(c) for c in re.findall(_IDENT, m.group(4))]
        values = text[m.end():].rstrip()
        if values.endswith(b";"):
            values = values[:-1].rstrip()
        odku = None
        if not values.endswith(b")") or b"DUPLICATE" in values[-4096:].upper():
            odku = _ODKU.search(values)
        if odku:
            values = values[: odku.start() + 1]
        tdef = self.tables.get(table)
        encoding = self.encoding
        if tdef and tdef.charset and tdef.charset.lower() == "latin1" and self.info.charset is None:
            encoding = "cp1252"
        binary = frozenset()
        if tdef:
            cols = columns or [c.name for c in tdef.columns]
            binary_names = {c.name for c in tdef.columns if c.binary}
            binary = frozenset(i for i, c in enumerate(cols) if c in binary_names)
        mode = "replace" if m.group(1).upper() == b"REPLACE" else ("ignore" if m.group(2) else "insert")
        p = self.pending
        if p and (p.table != table or p.columns != columns or p.encoding != encoding or p.size > BATCH_BYTES or mode != "insert" or cut):
            yield from self._flush()
            p = None
        if p is None:
            p = self.pending = _Pending(table, columns, encoding, binary, offset, mode)
        p.parts.append(values)
        p.size += len(values)
        if mode != "insert" or cut:
            yield from self._flush(cut=cut)

    def _flush(self, cut: bool = False) -> Iterator[Event]:
        p = self.pending
        if p is None:
            return
        self.pending = None
        values = b",".join(p.parts) if len(p.parts) > 1 else p.parts[0]
        if self.count_only:
            self.inflight.append((p, count_rows(values), cut, len(values)))
        elif self.executor is not None and not cut:
            fut = self.executor.submit(parse_pending, values, p.encoding, p.binary)
            self.inflight.append((p, fut, cut, len(values)))
        else:
            self.inflight.append((p, parse_pending(values, p.encoding, p.binary), cut, len(values)))
        return
        yield  # a generator, so callers can `yield from`

    def _drain(self, all_: bool) -> Iterator[Event]:
        # keep a few statements in flight so both cores work; yield in dump order
        while self.inflight and (all_ or len(self.inflight) > 4 or not isinstance(self.inflight[0][1], Future) or self.inflight[0][1].done()):
            p, result, cut, size = self.inflight.popleft()
            if isinstance(result, Future):
                result = result.result()
            yield from self._batch_events(p, result, cut, size)

    def _batch_events(self, p: _Pending, result, cut: bool, size: int = 0) -> Iterator[Event]:
        if isinstance(result, int):
            yield RowCount(p.table, result, size, p.offset)
            return
        if isinstance(result, ValuesError):
            if result.rows is not None and result.rows.num_rows:
                yield RowBatch(p.table, p.columns, result.rows, p.offset, mode=p.mode)
            if cut:
                yield Problem("truncated", p.offset, p.table, example=f"dump cut inside an INSERT: {result}", fatal=True)
            else:
                yield Problem("unparsable_statement", p.offset + result.offset, p.table, example=str(result))
            return
        if cut:
            yield Problem("truncated", p.offset, p.table, example="dump cut inside an INSERT; complete rows kept", fatal=True)
        yield RowBatch(p.table, p.columns, result, p.offset, mode=p.mode)


def _table_name_after(body: bytes, prefix: bytes) -> str | None:
    m = re.match(prefix + rb"((?:" + _IDENT + rb"\s*\.\s*)?" + _IDENT + rb")", body, re.I)
    return _split_ident(m.group(1))[1] if m else None


def _snippet(text: bytes, n: int = 200) -> str:
    s = text[:n].decode("utf-8", "replace").replace("\n", " ")
    return s + ("..." if len(text) > n else "")


def read_mysql(stream: BinaryIO, info: DumpInfo, executor: Executor | None = None, base_offset: int = 0) -> Iterator[Event]:
    return MySQLReader(stream, info, executor, base_offset).events()
