"""MySQL / MariaDB dumps (mysqldump, mariadb-dump, phpMyAdmin, Adminer, Sequel
Pro, Workbench, installer SQL) as a stream of events.

Statements are split line by line, carrying the lexer state (inside a string,
a comment...) from one line to the next, so a `;` ends a statement only
outside strings and comments, and several statements may share a line.
mysqldump never writes a raw newline inside a string, so its INSERT lines
skip that scan. INSERT rows go to the VALUES parsers (mysql_values); DDL goes
to sqlglot; everything else is skipped by kind or reported.
"""
from __future__ import annotations

import re
import time
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import BinaryIO, Callable, Iterator

import pyarrow as pa

from ..redact import mask_literals
from .ddl import parse_create_table, parse_create_table_loose
from .events import Column, DumpInfo, Event, Problem, RowBatch, RowCount, Skipped, TableDef
from .mysql_tuples import tuple_lines
from .source import LINE_BYTES, MAX_STATEMENT_MB, piece_end
from .staged_names import SourceNames
from .mysql_values import (ValuesError, count_rows, decode_latin1, decode_text, parse_values_fast,
                           parse_values_slow, table_notes, with_notes)

# an unquoted name may hold any character from U+0080 on (its UTF-8 bytes)
_IDENT = rb"(?:`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\w$\x80-\xff]+)"
_QUALIFIED = rb"((?:" + _IDENT + rb"\s*\.\s*)?" + _IDENT + rb")"
_QUALIFIED_RE = re.compile(_QUALIFIED)
_INSERT = re.compile(
    rb"\s*(INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY)\s+)?(IGNORE\s+)?(?:INTO\s+)?"
    + _QUALIFIED + rb"\s*(\((?:" + _IDENT + rb"|[\s,])*\))?\s*VALUES?\s*",
    re.I,
)
_LEADING_COMMENTS = re.compile(rb"(?:\s+|--[^\n]*\n?|\#[^\n]*\n?|/\*(?!!|M!).*?\*/)*", re.S)
_ODKU = re.compile(rb"\)\s*ON\s+DUPLICATE\s+KEY\s+UPDATE\b", re.I)
_HEADER = re.compile(rb"-- (?:MySQL|MariaDB) dump \d")
_CLIENT_COMMAND = re.compile(rb"/\*M?!\d*\s*\\")

_SPACES = frozenset(b" \t\r\n")
READ_BYTES = 1 << 20  # input block
BATCH_BYTES = 2 << 20  # coalesce small INSERTs of one table up to this much VALUES text
# an unterminated statement longer than this, with a place where a new statement
# plainly starts, is cut there (an unclosed quote must not swallow the rest of the dump)
STATEMENT_LIMIT = 64 << 20
# an INSERT longer than this is passed on in slices of whole tuples while it is read
STREAM_BYTES = 4 << 20

# the opening of a version comment (/*!50001 ...*/, /*M!100100 ...*/): the server reads what it
# holds as SQL, so quotes inside it count (`x*/` is a name there) and its closing */ is one more token
_VERSIONED = rb"/\*M?!\d*+"
# lexer states between lines: 0 outside strings/comments, 1 in '..', 2 in "..", 3 in `..`, 4 in /* */
_SCAN = {
    0: re.compile(rb"""(?:[^'"`;\#/\-]++|'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`[^`]*+`"""
                  rb"""|--(?=\s)[^\n]*+|\#[^\n]*+|""" + _VERSIONED + rb"""|/\*.*?\*/|-|/(?!\*))*+""", re.S),
    1: re.compile(rb"(?:[^'\\]++|\\.|'')*+", re.S),
    2: re.compile(rb'(?:[^"\\]++|\\.|"")*+', re.S),
    3: re.compile(rb"[^`]*+"),
    4: re.compile(rb"(?:[^*]++|\*(?!/))*+"),
}
_CLOSE = {1: b"'", 2: b'"', 3: b"`", 4: b"*/"}
# a string or a quoted name, whole (for a look at the words around them)
_QUOTED = re.compile(rb"""'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`[^`]*+`""", re.S)
# what a version comment's end is searched past: strings and names (`x*/`), plain comments
_VERSIONED_TOKEN = re.compile(_QUOTED.pattern + rb"|(" + _VERSIONED + rb"\s?)|(\*/)|/\*.*?\*/", re.S)
# space and comments between the names of a list (DROP TABLE a, /* x */ b)
_NAME_GAP = re.compile(rb"(?:\s++|" + _VERSIONED + rb"|\*/|/\*.*?\*/|--(?=\s)[^\n]*+|\#[^\n]*+)*+", re.S)
# whole tuples of a VALUES list, each followed by its comma: where a long INSERT may be cut.
# Parentheses nest three deep (now(), concat(a, lower(b))); a tuple nested deeper is not cut
# before, so the statement is then held whole (and over the limit, skipped)
_ATOM = (rb"""[^'"`;\#/\-()]++|'(?:[^'\\]++|\\.|'')*+'|"(?:[^"\\]++|\\.|"")*+"|`[^`]*+`"""
         rb"""|--(?=\s)[^\n]*+|\#[^\n]*+|""" + _VERSIONED + rb"""|/\*.*?\*/|-|/(?!\*)""")
_NESTED = rb"\((?:" + _ATOM + rb")*+\)"
for _ in range(2):
    _NESTED = rb"\((?:" + _ATOM + rb"|" + _NESTED + rb")*+\)"
_GAP = rb"(?:\s++|--(?=\s)[^\n]*+|\#[^\n]*+|/\*.*?\*/)*+"
_TUPLES = re.compile(rb"(?:" + _GAP + _NESTED + _GAP + rb",)*+", re.S)
_OPEN = {39: 1, 34: 2, 96: 3}
# a line where a dump tool plainly starts a new statement (unbalanced-quote recovery)
_RESUME = re.compile(
    rb"(?:INSERT\s+(?:IGNORE\s+)?INTO\s|REPLACE\s+INTO\s|CREATE\s+TABLE\s|DROP\s+TABLE\s|(?:UN)?LOCK\s+TABLES"
    rb"|/\*!\d{5}\s|--\s*$|-- (?:Table structure|Dumping data))"
)


def _versioned(text: bytes, keep: bool) -> bytes:
    """text with its version comments opened (keep: `/*!40101 SET x */` -> `SET x `, as the
    server runs it) or dropped with what they hold; quotes inside them count."""
    out, pos, inside = [], 0, False
    for m in _VERSIONED_TOKEN.finditer(text):
        if m.group(1) and not inside:
            out.append(text[pos:m.start()])
            pos, inside = m.end(), True
        elif m.group(2) and inside:
            if keep:
                out.append(text[pos:m.start()])
            pos, inside = m.end(), False
    if keep or not inside:
        out.append(text[pos:])
    return b"".join(out)


def _name_list(text: bytes, pos: int) -> list[bytes]:
    """The names of a list that starts at pos (`a`, db.`b`, "c"), up to what is not one."""
    names = []
    pos = _NAME_GAP.match(text, pos).end()
    while True:
        m = _QUALIFIED_RE.match(text, pos)
        if m is None:
            return names
        names.append(m.group(1))
        pos = _NAME_GAP.match(text, m.end()).end()
        if text[pos:pos + 1] != b",":
            return names
        pos = _NAME_GAP.match(text, pos + 1).end()


def _scan(line: bytes, pos: int, state: int) -> tuple[int, int | None]:
    """Carry the lexer state through line from pos: (state at its end, position after
    the first ';' that ends a statement, or None)."""
    n = len(line)
    while pos < n:
        if state == 0:
            pos = _SCAN[0].match(line, pos).end()
            if pos >= n:
                break
            c = line[pos]
            if c == 59:  # ;
                return 0, pos + 1
            state = _OPEN.get(c, 4)  # a string or comment that goes on past this line
            pos += 1 if state != 4 else 2
        else:
            pos = _SCAN[state].match(line, pos).end()
            close = _CLOSE[state]
            if not line.startswith(close, pos):
                break
            pos += len(close)
            state = 0
    return state, None


# first words of statements that are read and deliberately not staged
_SKIP_KINDS = [
    (rb"SET\b", "set"),
    (rb"LOCK\s+TABLES?\b|UNLOCK\s+TABLES?\b", "lock_tables"),
    (rb"DROP\s+(?:TEMPORARY\s+)?TABLES?\b", "drop_table"),
    (rb"DROP\s+(?:VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT)\b", "drop_routine"),
    (rb"DROP\s+(?:DATABASE|SCHEMA)\b", "drop_database"),
    (rb"CREATE\s+(?:DATABASE|SCHEMA)\b", "create_database"),
    (rb"USE\b", "use"),
    (rb"(?:START\s+TRANSACTION|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", "transaction"),
    (rb"ALTER\s+(?:ONLINE\s+|IGNORE\s+)?TABLE\b", "alter_table"),
    (rb"(?:CREATE|ALTER)\s+(?:OR\s+REPLACE\s+)?(?:ALGORITHM\s*=\s*\w+\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:SQL\s+SECURITY\s+\w+\s+)?VIEW\b", "view"),
    (rb"CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?TRIGGER\b", "trigger"),
    (rb"CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?PROCEDURE\b", "procedure"),
    (rb"CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:AGGREGATE\s+)?FUNCTION\b", "function"),
    (rb"CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?EVENT\b", "event"),
    (rb"CREATE\s+(?:UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX\b|DROP\s+INDEX\b", "index"),
    (rb"(?:CREATE|DROP|ALTER|RENAME)\s+(?:USER|ROLE)\b|GRANT\b|REVOKE\b|FLUSH\b", "privileges"),
    (rb"TRUNCATE\b", "truncate"),
    (rb"ANALYZE\b|OPTIMIZE\b|CHECK\s+TABLE\b|SELECT\b|SHOW\b|DO\b|DESCRIBE\b|EXPLAIN\b", "query"),
    (rb"(?:CREATE|DROP)\s+(?:TABLESPACE|SERVER|LOGFILE|SEQUENCE)\b|INSTALL\b|UNINSTALL\b", "server_object"),
    # mysqldump --master-data / --dump-slave: where a replica would start, no data
    (rb"CHANGE\s+(?:MASTER|REPLICATION)\b|(?:START|STOP|RESET)\s+(?:SLAVE|REPLICA|MASTER)\b|PURGE\b", "replication"),
]
_SKIP_RE = [(re.compile(p, re.I), k) for p, k in _SKIP_KINDS]
# statements that change data in ways staging does not replay: reported, never silent
_UNSUPPORTED = re.compile(rb"(?:UPDATE|DELETE|INSERT|REPLACE|CALL|RENAME|LOAD\s+DATA|HANDLER|PREPARE|EXECUTE)\b", re.I)
_DELETE_ALL = re.compile(rb"DELETE\s+(?:LOW_PRIORITY\s+|QUICK\s+|IGNORE\s+)*FROM\s+" + _QUALIFIED + rb"\s*;?\s*$", re.I)
_ROUTINE_NAME = re.compile(rb"(?:VIEW|TRIGGER|PROCEDURE|FUNCTION|EVENT)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?" + _QUALIFIED, re.I)
_SET_NAMES = re.compile(rb"SET\s+(?:NAMES|CHARACTER\s+SET|CHARSET)\s+'?(\w+)", re.I)
# one assignment of a SET: `sql_mode = '...'`, `@OLD_SQL_MODE=@@SQL_MODE`, `SESSION sql_mode=@x`
_ASSIGNMENT = re.compile(rb"(?:\bSET\s+|,\s*)(?:(?:SESSION|LOCAL)\s+)?(@{0,2}(?:(?:SESSION|LOCAL|GLOBAL)\s*\.\s*)?\w+)\s*:?=\s*"
                         rb"('[^']*'|\"[^\"]*\"|@{1,2}(?:(?:SESSION|LOCAL|GLOBAL)\s*\.\s*)?\w+)", re.I)
_USE = re.compile(rb"USE\s+(" + _IDENT + rb")", re.I)
_DELIMITER = re.compile(rb"\s*DELIMITER\s+(\S+)", re.I)
_TRUNCATE = re.compile(rb"TRUNCATE\b\s*(?:TABLE\b)?", re.I)
_DROP_TABLE = re.compile(rb"DROP\s+(?:TEMPORARY\s+)?TABLES?\b\s*(?:IF\s+EXISTS\b)?", re.I)
_CREATE_TABLE = re.compile(rb"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?" + _QUALIFIED, re.I)
_LIKE = re.compile(rb"\s*\(?\s*LIKE\s+" + _QUALIFIED, re.I)

# MySQL character sets (SET NAMES) as Python codecs; the utf8 ones and latin1 are
# reader modes (see mysql_values.decode_text)
_ENCODINGS = {
    "utf8": "utf-8", "utf8mb4": "utf-8", "utf8mb3": "utf-8", "latin1": "cp1252", "binary": "utf-8?",
    "ascii": "ascii", "cp1252": "cp1252", "latin2": "iso8859_2", "cp1250": "cp1250", "cp1251": "cp1251",
    "cp1256": "cp1256", "cp1257": "cp1257", "greek": "iso8859_7", "hebrew": "iso8859_8", "latin5": "iso8859_9",
    "latin7": "iso8859_13", "koi8r": "koi8_r", "koi8u": "koi8_u", "sjis": "shift_jis", "cp932": "cp932",
    "ujis": "euc_jp", "eucjpms": "euc_jp", "gbk": "gbk", "gb2312": "gb2312", "gb18030": "gb18030",
    "big5": "big5", "euckr": "euc_kr", "tis620": "tis_620", "cp850": "cp850", "cp852": "cp852", "cp866": "cp866",
    "macroman": "mac_roman", "swe7": "ascii", "hp8": "cp1252", "dec8": "cp1252", "armscii8": "utf-8?",
}


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
    """Consecutive INSERTs of one table, gathered into one batch of VALUES texts."""

    table: str
    columns: list[str] | None
    encoding: str
    kinds: tuple  # (binary, bits, numeric value positions, no CREATE TABLE known, staged types)
    offset: int
    mode: str = "insert"
    zero_is_auto: bool = False
    parts: list[bytes] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # dump offset of each part's VALUES text
    size: int = 0
    stmt_bytes: int = 0


def parse_pending(parts: list[bytes], encoding: str, kinds: tuple, typed: bool = True) -> tuple[list[pa.Table], list, float]:
    """Parse a batch of VALUES texts (in a parser thread when an executor is given); with
    `typed` the scanner reads numbers and dates of typed columns as such (the rest is cast
    once, by the stage's reader process). Returns the row tables, the errors as (part
    index, ValuesError with an offset inside that part), and the seconds it took. After
    an error the next parts are still read."""
    t0 = time.perf_counter()
    *kinds, types = kinds
    tables, errors = [], []
    k = 0
    while k < len(parts):
        result = _parse_values(b",".join(parts[k:]) if len(parts) - k > 1 else parts[k], encoding, *kinds, types=types if typed else ())
        if not isinstance(result, ValuesError):
            tables.append(result)
            break
        # which part the error is in, and where inside it
        bad, pos = k, result.offset
        while bad < len(parts) - 1 and pos > len(parts[bad]):
            pos -= len(parts[bad]) + 1
            bad += 1
        if bad > k:
            # the parts before it are fine; read the failing one alone (it may only differ in width)
            tables.append(_parse_values(b",".join(parts[k:bad]), encoding, *kinds, types=types if typed else ()))
            k = bad
            continue
        if result.rows is not None and result.rows.num_rows:
            tables.append(result.rows)
        result.offset, result.rows = max(0, pos), None
        errors.append((k, result))
        k += 1
    return [t for t in tables if isinstance(t, pa.Table)], errors, time.perf_counter() - t0


def _parse_values(values: bytes, encoding: str, binary: frozenset, bits: frozenset, numeric: frozenset,
                  infer: bool = False, types: tuple = ()) -> pa.Table | ValuesError:
    """One VALUES text by the fast path when it applies, else the slow path."""
    mode = encoding
    if not bits and (encoding in ("utf-8", "utf-8?") or values.isascii()):
        # the fast path checks text columns are UTF-8 (BLOBs are bytes whatever they hold)
        table = parse_values_fast(values, binary, types)
        if table is not None:
            return table
    if not values.isascii():
        fast_text = None  # a UTF-8 text with the same values, for the fast path
        if encoding in ("utf-8", "utf-8?", "cp1252"):
            try:
                values.decode("utf-8")
                mode = "utf-8"  # valid UTF-8: every value decodes as UTF-8 (decode_text's rule)
                fast_text = values if encoding == "cp1252" else None
            except UnicodeDecodeError:
                if encoding == "cp1252" or (encoding == "utf-8?" and not _UTF8_SEQUENCE.search(values)):
                    mode = "cp1252"  # every value is latin1
                    fast_text = None if binary else decode_latin1(values).encode("utf-8")
        elif not binary:
            try:
                fast_text = values.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                pass
        table = parse_values_fast(fast_text, binary, types) if fast_text is not None and not bits else None
        if table is not None:
            if mode == "cp1252" and encoding != "cp1252":
                return with_notes(table, _non_ascii_notes(table, "charset_guessed"))
            if mode == "utf-8" and encoding == "cp1252":
                return with_notes(table, _non_ascii_notes(table, "utf8_in_latin1_dump"))
            return table
    try:
        table = parse_values_slow(values, mode, binary, bits, numeric, infer, types)
    except ValuesError as e:
        return e
    if mode == "utf-8" and encoding == "cp1252":
        notes = table_notes(table)
        notes.update(_non_ascii_notes(table, "utf8_in_latin1_dump"))
        table = with_notes(table, notes)
    return table


# a multi-byte UTF-8 sequence: text holding one is UTF-8 in part, so latin1 is decided per value
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _non_ascii_notes(table: pa.Table, kind: str) -> dict:
    """Count the non-ASCII text values per column: the values a charset guess touched."""
    import pyarrow.compute as pc

    notes = {}
    for i, col in enumerate(table.columns):
        if not pa.types.is_string(col.type):
            continue
        mask = pc.invert(pc.fill_null(pc.string_is_ascii(col), True))
        n = pc.sum(mask).as_py() or 0
        if n:
            example = pc.filter(col, mask)[0].as_py()
            notes.setdefault(kind, {})[str(i)] = [n, example[:120]]
    return notes


_NOTE_TEXT = {
    "charset_guessed": "no charset declared and the text is not UTF-8: read as latin1 (cp1252), e.g. {ex!r}",
    "bad_encoding": "not valid in the declared charset: read as latin1 (cp1252), e.g. {ex!r}",
    "utf8_in_latin1_dump": "the dump says latin1 but the bytes are UTF-8 (double-encoded): read as UTF-8, e.g. {ex!r}",
    "value_computed": "{ex}",
    "zero_date": "{ex}",
}


class MySQLReader:
    def __init__(self, stream: BinaryIO, info: DumpInfo, executor: Executor | None = None, base_offset: int = 0,
                 count_only: bool = False, max_statement: int = MAX_STATEMENT_MB << 20, names: SourceNames | None = None,
                 keep_rows: Callable[[str], bool] | None = None):
        self.stream = stream
        # which tables' rows to parse (None: all); the others' are only counted (RowCount), like
        # count_only does for every table. Only a table whose CREATE TABLE came first: a data-only
        # table is typed from its rows
        self.keep_rows = keep_rows
        self.dropped: set[str] = set()  # tables a DROP TABLE removed (until a CREATE TABLE defines them again)
        self.source_names = names or SourceNames()
        self.max_statement = max_statement  # bytes of a statement held whole (see source.MAX_STATEMENT_MB)
        self.stream_bytes = min(STREAM_BYTES, max_statement // 2)
        self._buf, self._pos = b"", 0  # read-ahead of the stream (see _read_line)
        self.count_only = count_only
        self.info = info
        self.executor = executor
        self.offset = base_offset
        self.part = getattr(stream, "part_name", None)  # set when the input has several parts
        # nothing declared until a SET NAMES: "utf-8?" reads UTF-8, and latin1 where it is not
        self.encoding = "utf-8?"
        # the server's default sql_mode lacks NO_AUTO_VALUE_ON_ZERO: a 0 id asks for the next one
        self.zero_is_auto = True
        self.saved_modes: dict[bytes, bool] = {}  # @variables holding an earlier sql_mode
        self.tables: dict[str, TableDef] = {}
        self.database: str | None = None
        self.first_database: str | None = None
        self.pending: _Pending | None = None
        self.inflight: deque = deque()
        self.tool_dump = False  # mysqldump/mariadb-dump header seen: INSERT lines are whole statements
        self.saw_trailer = False

    # ---------------------------------------------------------------- lines to statements
    def _lines(self) -> Iterator[tuple[int, bytes]]:
        first = True
        while True:
            line = self._read_line()
            if not line:
                return
            off = self.offset
            self.offset += len(line)
            if first:
                first = False
                if line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark (Windows editors)
                    line, off = line[3:], off + 3
            yield off, line

    def _read_line(self) -> bytes:
        """The input through the next newline (or to its end), read in blocks; a line longer
        than LINE_BYTES comes in pieces (see source.piece_end), so no line is held whole."""
        end = self._buf.find(b"\n", self._pos, self._pos + LINE_BYTES)
        if end >= 0:
            out, self._pos = self._buf[self._pos:end + 1], end + 1
            return out
        pieces = [self._buf[self._pos:]]
        size = len(pieces[0])
        while size < LINE_BYTES:
            more = self.stream.read(READ_BYTES)
            if not more:
                self._buf, self._pos = b"", 0
                return b"".join(pieces)
            cut = more.find(b"\n")
            if cut >= 0:
                pieces.append(more[:cut + 1])
                self._buf, self._pos = more, cut + 1
                return b"".join(pieces)
            pieces.append(more)
            size += len(more)
        text = b"".join(pieces)
        at = piece_end(text, 0, LINE_BYTES)
        self._buf, self._pos = text, at
        return text[:at]

    def _read_tuple_lines(self) -> bytes | None:
        """The rest of an INSERT that mariadb-dump wrote one tuple per line, through its
        closing ';' (or to the end of the input), found in C without a look at the values;
        None, with nothing consumed, when a line is not a tuple (a damaged dump: the
        careful line scan takes it)."""
        pieces, buf, pos, size = [], self._buf, self._pos, 0
        while True:
            status, at = tuple_lines(buf, pos)
            if status == 0:
                pieces.append(buf[pos:at])
                self._buf, self._pos = buf, at
                return b"".join(pieces)
            if status == 2 or (len(buf) - pos > self.stream_bytes and at == pos):
                # not tuple lines, or a line too long to be one: the line scan takes it
                self._buf, self._pos = b"".join(pieces) + buf[pos:], 0
                return None
            if size > self.stream_bytes:  # a long INSERT: its lines so far (whole tuples), the rest later
                self._buf, self._pos = buf, pos
                return b"".join(pieces)
            size += at - pos
            more = self.stream.read(READ_BYTES)
            if not more:
                pieces.append(buf[pos:])
                self._buf, self._pos = b"", 0
                return b"".join(pieces)
            # go on from the last newline: the line after it is yet to be checked
            pieces.append(buf[pos:at])
            buf, pos = buf[at:] + more, 0

    def statements(self) -> Iterator[tuple[int, bytes, str | None]]:
        """(offset, text, status) per statement; status None, "cut" (the input ends inside
        it), "unbalanced" (a string never closes: cut where the next statement starts) or
        "too_large" (longer than max_statement: text is its start, the rest is read past).
        An INSERT longer than stream_bytes comes as several statements, each with the
        INSERT's head and a slice of its whole tuples (see _slice), so it is never held whole."""
        delimiter = b";"
        buf: list[tuple[int, bytes]] = []
        state = 0
        size = 0
        candidates: list[int] = []  # buf indexes where the next statement plainly starts
        open_semicolon = False  # the last line ended in ';' inside a string
        in_block_comment = False
        comment_goes_on = False  # a comment line read in pieces: the next piece is comment too
        tool_insert = False
        dropping = False  # reading past a statement longer than max_statement, keeping none of it
        started = False  # a statement has begun (the dump's header comes before)
        drop_start = (0, b"")  # its offset and first line
        source = self._lines()
        back: deque = deque()  # lines given back after a split, read again before the stream

        slice_at = self.stream_bytes  # the size at which a long INSERT is sliced next
        sliced = 0  # once sliced, the length of the INSERT's head before the rest of its tuples

        def outgrown() -> Iterator[tuple[int, bytes, str | None]]:
            # an INSERT passes on its whole tuples; what is still too long is reported and read past
            nonlocal buf, size, dropping, candidates, slice_at, drop_start, sliced
            if size > slice_at:
                part = self._slice(buf)  # buf is left with the rest
                if part is None:  # not an INSERT: never sliced
                    slice_at = self.max_statement
                elif part:
                    yield part
                    size, candidates = len(buf[0][1]), []
                    slice_at, sliced = self.stream_bytes, _INSERT.match(buf[0][1]).end()
                else:  # no whole tuple yet: try again when more has come
                    slice_at = size + self.stream_bytes // 2
            if size > self.max_statement:  # (a sliced INSERT: at the tuple it could not pass on)
                yield buf[0][0] + sliced, buf[0][1][:1000], "too_large"
                drop_start = (buf[0][0] + sliced, buf[0][1][:200])
                buf, dropping = [], True

        while True:
            if back:
                off, line = back.popleft()
            else:
                nxt = next(source, None)
                if nxt is None:
                    if buf and state != 0 and candidates:
                        # a string never closes: cut the statement where the next one starts
                        yield from self._split_unbalanced(buf, candidates, back)
                        buf = []
                        continue
                    break
                off, line = nxt
            if comment_goes_on:
                comment_goes_on = not line.endswith(b"\n")
                continue
            if not buf and not dropping:
                stripped = line.strip()
                if in_block_comment:
                    if b"*/" in stripped:
                        in_block_comment = False
                    continue
                if not stripped:
                    continue
                if stripped.startswith((b"-- ", b"#", b"--\t")) or stripped == b"--" or re.fullmatch(rb"-{3,}", stripped):
                    # (a comment can hold a table's name, and a name can hold a newline and these
                    # words: the header counts before the first statement, the trailer after the last)
                    if stripped.startswith(b"-- Dump completed"):
                        self.saw_trailer = True
                    elif not started and _HEADER.match(stripped):
                        self.tool_dump = True
                    comment_goes_on = not line.endswith(b"\n")
                    continue
                if stripped.startswith(b"/*") and not stripped.startswith((b"/*!", b"/*M!")):
                    if b"*/" not in stripped:
                        in_block_comment = True
                        continue
                    if stripped.endswith(b"*/") and stripped.find(b"*/") == len(stripped) - 2:
                        continue
                if _CLIENT_COMMAND.match(stripped) and stripped.endswith(b"*/"):
                    yield off, stripped, None  # mariadb-dump's sandbox line: a client command, no ';'
                    continue
                m = _DELIMITER.match(line)
                if m:
                    delimiter = m.group(1)
                    yield off, b"DELIMITER " + delimiter, None
                    continue
                state, size, candidates, open_semicolon, slice_at, sliced = 0, 0, [], False, self.stream_bytes, 0
                started, self.saw_trailer = True, False
                tool_insert = self.tool_dump and _INSERT.match(line) is not None
            elif open_semicolon and _RESUME.match(line):
                if dropping:  # the statement read past had a string that never closes: resume here
                    dropping = False
                    back.appendleft((off, line))
                    continue
                candidates.append(len(buf))
            if not dropping:
                buf.append((off, line))
            size += len(line)
            tail = line.rstrip()
            if delimiter != b";":
                if tail.endswith(delimiter):
                    if not dropping:
                        text = b"".join(x for _, x in buf).rstrip()
                        yield buf[0][0], text[: -len(delimiter)] + b";", None
                    buf, dropping = [], False
                elif size > self.stream_bytes and not dropping:
                    yield from outgrown()
                continue
            if tool_insert and len(buf) == 1 and not back and not tail.endswith(b";") and line.endswith(b"\n"):
                # mariadb-dump writes one tuple per line: take the whole statement in one search,
                # its end is the first ';' at a line end (no raw newline inside strings)
                rest = self._read_tuple_lines()
                if rest is not None:
                    buf.append((self.offset, rest))
                    self.offset += len(rest)
                    size += len(rest)
                    line, tail = rest, rest.rstrip()
            if tool_insert:
                if tail.endswith(b";"):  # mysqldump: no raw newline inside strings (a piece never ends in ';')
                    if not dropping:
                        yield buf[0][0], b"".join(x for _, x in buf), None
                    buf, dropping = [], False
                elif size > self.stream_bytes and not dropping:
                    yield from outgrown()
                continue
            state, end = _scan(line, 0, state)
            if end is None:
                open_semicolon = state != 0 and tail.endswith(b";")
                if dropping:
                    continue
                if state != 0 and size > min(STATEMENT_LIMIT, self.max_statement) and candidates:
                    yield from self._split_unbalanced(buf, candidates, back)
                    buf = []
                elif size > self.stream_bytes:
                    yield from outgrown()
                continue
            if dropping:
                dropping = False
            else:
                head = b"".join(x for _, x in buf[:-1])
                yield buf[0][0], head + line[:end], None
            buf = []
            if line[end:].strip():
                back.appendleft((off + end, line[end:]))  # more statements on this line
        if buf:
            yield buf[0][0], b"".join(x for _, x in buf), "cut"
        elif dropping:  # the statement skipped as too long never ends: a quote never closed, or a cut dump
            yield drop_start[0], b"(skipped as too long) " + drop_start[1], "cut"

    def _slice(self, buf: list[tuple[int, bytes]]) -> tuple | None:
        """A long INSERT's whole tuples so far as a statement of its own, (offset, the
        INSERT's head and those tuples, None); buf is left holding the head and the rest, at
        an offset placed so that the VALUES text keeps its place in the dump (errors in rows
        point at their byte). () when no tuple is whole yet (or one nests too deep), None
        when the statement is not an INSERT."""
        text = b"".join(x for _, x in buf)
        m = _INSERT.match(text)
        if m is None:
            return None
        start = m.end()
        end = _TUPLES.match(text, start).end()
        if end == start:
            return ()
        base, head = buf[0][0], text[:start]
        buf[:] = [(base + end - start, head + text[end:])]
        return base, text[:end - 1], None

    def _split_unbalanced(self, buf, candidates, back) -> Iterator[tuple[int, bytes, str]]:
        c = candidates[0]
        yield buf[0][0], b"".join(x for _, x in buf[:c]), "unbalanced"
        back.extendleft(reversed(buf[c:]))

    # ---------------------------------------------------------------- statements to events
    def events(self) -> Iterator[Event]:
        cut = False
        for offset, text, status in self.statements():
            if status == "cut":
                cut = True
                self._flush()
                yield from self._drain(all_=True)
                yield from self._cut(offset, text)
                yield from self._drain(all_=True)
                break
            if status == "unbalanced":
                yield from self._unbalanced(offset, text)
            elif status == "too_large":
                yield from self._too_large(offset, text)
            else:
                yield from self._statement(offset, text)
            yield from self._drain(all_=False)
        self._flush()
        yield from self._drain(all_=True)
        error = getattr(self.stream, "error", None)
        if error:  # the compressed stream is cut or corrupt: what came before it is staged
            yield Problem("truncated", self.offset, example=self._where(error), fatal=True)
        elif self.tool_dump and not self.saw_trailer and not cut:
            yield Problem("truncated", self.offset,
                          example=self._where("the dump ends without mysqldump's '-- Dump completed' line"), fatal=True)

    def _where(self, text: str) -> str:
        return f"{self.part}: {text}" if self.part else text

    def _cut(self, offset: int, text: bytes) -> Iterator[Event]:
        m = _INSERT.match(text)
        if m:
            # keep the complete rows of a cut INSERT
            self._insert(offset, text, m, cut=True)
            yield from self._drain(all_=True)
        else:
            yield Problem("truncated", self.offset, example=self._where(
                f"the input ends inside a statement that starts at byte {offset}: {_snippet(text)}"), fatal=True)

    def _too_large(self, offset: int, start: bytes) -> Iterator[Event]:
        m = _INSERT.match(start)
        table = self._staged_name(*_split_ident(m.group(3))) if m else None
        what = "a tuple of this INSERT is" if m else "the statement is"
        self._flush()
        yield Problem("statement_too_large", offset, table, example=self._where(
            f"{what} longer than {self.max_statement >> 20} MB (raise --max-statement-mb to read it): skipped "
            f"to its end{'; the rows before it are staged' if m else ''}: {_snippet(start)}"))

    def _unbalanced(self, offset: int, text: bytes) -> Iterator[Event]:
        m = _INSERT.match(text)
        if m:
            self._insert(offset, text, m, note="a string in this INSERT is never closed; ")
            return
        self._flush()
        yield Problem("unbalanced_quotes", offset, example=self._where(
            f"a string is never closed; statement skipped up to the next one: {_snippet(text)}"))

    def _statement(self, offset: int, text: bytes) -> Iterator[Event]:
        m = _INSERT.match(text)
        if m:
            self._insert(offset, text, m)
            return
        self._flush()
        body = _LEADING_COMMENTS.match(text)
        body = text[body.end():] if body else text
        conditional = body.startswith((b"/*!", b"/*M!"))
        if conditional:
            # conditional comment: the server runs its content
            inner = _versioned(body, keep=True).strip()
            m = _INSERT.match(inner)
            if m:
                self._insert(offset, inner, m)
                return
            if inner.startswith(b"\\") or not inner.strip(b" ;\r\n\t"):
                yield Skipped("client_command", offset, detail=_snippet(inner, 80))  # e.g. mariadb-dump's sandbox line
                return
            body = inner
        if body.upper().startswith(b"DELIMITER "):
            yield Skipped("delimiter", offset)
            return
        if re.match(rb"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\b", body, re.I):
            yield from self._drain(all_=True)
            yield from self._create_table(offset, body, conditional)
            return
        for pattern, kind in _SKIP_RE:
            if pattern.match(body):
                yield from self._skip(offset, body, kind)
                return
        if re.match(rb"\s*;?\s*$", body):
            return
        d = _DELETE_ALL.match(body)
        if d:  # DELETE FROM t without WHERE empties the table, like TRUNCATE
            yield from self._drain(all_=True)
            name = self._staged_name(*_split_ident(d.group(1)))
            yield Skipped("truncate", offset, name, "DELETE FROM without WHERE", (name,))
            return
        if _UNSUPPORTED.match(body):
            name = _table_name_after(body, rb"(?:UPDATE|DELETE\s+FROM|INSERT\s+(?:IGNORE\s+)?INTO|REPLACE\s+INTO)\s+")
            yield Problem("unsupported_statement", offset, name, example=self._where(_snippet(body)))
            return
        yield Problem("unparsable_statement", offset, example=self._where(_snippet(body)))

    def _skip(self, offset: int, body: bytes, kind: str) -> Iterator[Event]:
        table = None
        if kind == "set":
            n = _SET_NAMES.match(body)
            if n:
                self.encoding = _ENCODINGS.get(n.group(1).decode().lower(), self.encoding)
            else:
                self._sql_mode(body)
        elif kind == "use":
            u = _USE.match(body)
            if u:
                self.database = _unquote(u.group(1))
                self.first_database = self.first_database or self.database
        elif kind in ("truncate", "drop_table"):
            # the stager replays these on what it holds: drain so earlier rows arrive first
            yield from self._drain(all_=True)
            prefix = _TRUNCATE if kind == "truncate" else _DROP_TABLE
            names = tuple(self._staged_name(*_split_ident(x)) for x in _name_list(body, prefix.match(body).end()))
            if kind == "drop_table":  # rows that come after it make a table of their own: staged (writer.py)
                self.dropped.update(names)
            yield Skipped(kind, offset, ", ".join(names) or None, _snippet(body, 80), names)
            return
        elif kind in ("view", "trigger", "procedure", "function", "event", "drop_routine"):
            r = _ROUTINE_NAME.search(body)
            table = _split_ident(r.group(1))[1] if r else None
        yield Skipped(kind, offset, table, _snippet(body, 80))

    def _sql_mode(self, body: bytes) -> None:
        """Follow the session's NO_AUTO_VALUE_ON_ZERO through SET statements, including
        mysqldump's `SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO'` and
        its `SET SQL_MODE=@OLD_SQL_MODE` at the end. What it cannot read leaves it as it was."""
        for target, value in _ASSIGNMENT.findall(body):
            target = re.sub(rb"\s+", b"", target).lower()
            if target[:1] == b"@" and target[:2] != b"@@":  # a user variable, e.g. @OLD_SQL_MODE
                if re.fullmatch(rb"@@(?:(?:session|local)\s*\.\s*)?sql_mode", value, re.I):
                    self.saved_modes[target] = self.zero_is_auto
            elif re.sub(rb"^(?:@@)?(?:session\.|local\.)?", b"", target) == b"sql_mode":
                if value[:1] in (b"'", b'"'):
                    self.zero_is_auto = b"NO_AUTO_VALUE_ON_ZERO" not in value.upper()
                elif value.lower() in self.saved_modes:
                    self.zero_is_auto = self.saved_modes[value.lower()]

    def _staged_name(self, db: str | None, table: str) -> str:
        db = db or self.database
        if db and not self.first_database:
            self.first_database = db
        if db and db != self.first_database:
            return self.source_names.name((db, table), f"{db}_{table}")
        return self.source_names.name((None, table), table)

    def _create_table(self, offset: int, body: bytes, conditional: bool) -> Iterator[Event]:
        m = _CREATE_TABLE.match(body)
        name = self._staged_name(*_split_ident(m.group(2))) if m else None
        if conditional and m:
            # mysqldump's stand-in for a view (/*!50001 CREATE TABLE v ...*/), replaced by the view later
            yield Skipped("view", offset, name, "placeholder table for a view")
            return
        if m and m.group(1) and name in self.tables:
            yield Skipped("create_table_exists", offset, name, "CREATE TABLE IF NOT EXISTS on a table the dump already has")
            return
        like = _LIKE.match(body, m.end()) if m else None
        if like:
            src = self.tables.get(self._staged_name(*_split_ident(like.group(1))))
            if src is None:
                yield Problem("unparsable_statement", offset, name, example=self._where(
                    f"CREATE TABLE ... LIKE a table the dump does not define: {_snippet(body)}"))
                return
            tdef = TableDef(name, [Column(**vars(c)) for c in src.columns], offset, src.charset, list(src.primary_key))
            self.tables[name] = tdef
            self.dropped.discard(name)
            yield tdef
            return
        text = decode_text(_versioned(body, keep=True).rstrip().rstrip(b";"), "utf-8?")[0]
        # version comments may hold what sqlglot cannot read (PARTITION BY...): then without them
        plain = decode_text(_versioned(body, keep=False).rstrip().rstrip(b";"), "utf-8?")[0]
        tdef, error = None, None
        for sql in (text, plain) if plain != text else (text,):
            try:
                tdef = parse_create_table(sql, "mysql", offset)
            except Exception as e:  # sqlglot raises several error types
                error = error or e
            if tdef is not None:
                break
        if tdef is None and re.search(rb"\)\s*(?:AS\s+)?SELECT\b|^[^(]*\bSELECT\b", _QUOTED.sub(b"''", body), re.I | re.S):
            yield Problem("unsupported_statement", offset, name, example=self._where(
                f"CREATE TABLE ... SELECT: rows come from a query, not staged: {_snippet(body)}"))
            return
        if tdef is None:
            tdef = parse_create_table_loose(plain, offset)
            why = f"{type(error).__name__}: {str(error)[:100]}" if error else "sqlglot cannot read it"
            if tdef is None:
                yield Problem("unparsable_statement", offset, name, example=self._where(f"{why}: {_snippet(body)}"))
                return
            yield Problem("ddl_fallback", offset, name, example=self._where(
                f"CREATE TABLE read line by line ({why}); types it cannot tell are staged as text"))
        if name:
            tdef.table = name
        self.tables[tdef.table] = tdef
        self.dropped.discard(tdef.table)
        yield tdef

    def _kinds(self, tdef: TableDef | None, columns: list[str] | None) -> tuple:
        if tdef is None:
            return frozenset(), frozenset(), frozenset(), True, ()
        cols = tdef.columns_for(columns or None)
        types = tuple(TableDef.cast_types(cols))
        binary, bits, numeric = set(), set(), set()
        for i, c in enumerate(cols):
            if c is None:
                continue
            if c.binary:
                binary.add(i)
            elif c.source_type.startswith("bit"):
                bits.add(i)
            elif c.duck_type != "VARCHAR" and not c.duck_type.startswith(("DATE", "TIME")):
                numeric.add(i)
        return frozenset(binary), frozenset(bits), frozenset(numeric), False, types

    def _insert(self, offset: int, text: bytes, m: re.Match, cut: bool = False, note: str = "") -> None:
        table = self._staged_name(*_split_ident(m.group(3)))
        columns = [_unquote(c) for c in re.findall(_IDENT, m.group(4))] if m.group(4) else None
        start, end = m.end(), len(text)
        while end > start and text[end - 1] in _SPACES:  # one slice: the text can be megabytes
            end -= 1
        if end > start and text[end - 1] == 59:  # ;
            end -= 1
            while end > start and text[end - 1] in _SPACES:
                end -= 1
        values = text[start:end]
        mode = "replace" if m.group(1).upper() == b"REPLACE" else ("ignore" if m.group(2) else "insert")
        if not values.endswith(b")") or b"DUPLICATE" in values[-4096:].upper():
            # the first one outside a string ('a) ON DUPLICATE KEY UPDATE b' is a value)
            odku = next((o for o in _ODKU.finditer(values) if _scan(values[:o.start()], 0, 0) == (0, None)), None)
            if odku:  # ON DUPLICATE KEY UPDATE: the later row's values win, as with REPLACE
                values = values[: odku.start() + 1]
                mode = "replace"
        encoding = self.encoding
        kinds = self._kinds(self.tables.get(table), columns)
        p = self.pending
        if p and (p.table != table or p.columns != columns or p.encoding != encoding or p.kinds != kinds
                  or p.mode != mode or p.zero_is_auto != self.zero_is_auto or p.size > BATCH_BYTES or cut or note):
            self._flush()
            p = None
        if p is None:
            p = self.pending = _Pending(table, columns, encoding, kinds, offset, mode, self.zero_is_auto)
        p.parts.append(values)
        p.starts.append(offset + m.end())
        p.size += len(values)
        p.stmt_bytes += len(text)
        if cut or note:
            self._flush(cut=cut, note=note)

    def _flush(self, cut: bool = False, note: str = "") -> None:
        p = self.pending
        if p is None:
            return
        self.pending = None
        left_out = not (cut or note) and not self._keeps_rows(p.table)  # (a damaged INSERT is parsed: it is reported)
        if (self.count_only or left_out) and not cut:
            self.inflight.append((p, count_rows(b",".join(p.parts)), cut, note))
        elif self.count_only:  # the rows before the cut, as staging would keep them
            tables = parse_pending(p.parts, p.encoding, p.kinds, typed=False)[0]
            self.inflight.append((p, sum(t.num_rows for t in tables), cut, note))
        elif self.executor is not None and not cut:
            self.inflight.append((p, self.executor.submit(parse_pending, p.parts, p.encoding, p.kinds), cut, note))
        else:
            self.inflight.append((p, parse_pending(p.parts, p.encoding, p.kinds), cut, note))

    def _keeps_rows(self, table: str) -> bool:
        return self.keep_rows is None or table not in self.tables or table in self.dropped or self.keep_rows(table)

    def _drain(self, all_: bool) -> Iterator[Event]:
        # keep a few batches in flight so all cores work; yield in dump order
        while self.inflight and (all_ or len(self.inflight) > 4 or not isinstance(self.inflight[0][1], Future)
                                 or self.inflight[0][1].done()):
            p, result, cut, note = self.inflight.popleft()
            if isinstance(result, Future):
                result = result.result()
            yield from self._batch_events(p, result, cut, note)

    def _batch_events(self, p: _Pending, result, cut: bool, note: str) -> Iterator[Event]:
        if isinstance(result, int):
            yield RowCount(p.table, result, p.stmt_bytes, p.offset)
            if cut:
                yield Problem("truncated", self.offset, p.table, example=self._where(
                    f"the input ends inside an INSERT into {p.table} (statement at byte {p.offset})"), fatal=True)
            return
        tables, errors, seconds = result
        tdef = self.tables.get(p.table)
        names = p.columns or ([c.name for c in tdef.columns] if tdef else None)
        for i, data in enumerate(tables):
            ev = RowBatch(p.table, p.columns, data, p.offset, mode=p.mode, zero_is_auto=p.zero_is_auto)
            # not in the RowBatch contract: what the stager records per table
            ev.source_bytes = p.stmt_bytes if i == 0 else 0
            ev.parse_seconds = seconds if i == 0 else 0.0
            yield ev
            for kind, per_col in table_notes(data).items():
                for col, (count, example) in per_col.items():
                    column = names[int(col)] if names and int(col) < len(names) else f"column_{int(col) + 1}"
                    yield Problem(kind, p.offset, p.table, column, mask_literals(_NOTE_TEXT[kind].format(ex=example)), count)
        rows = sum(t.num_rows for t in tables)
        for k, err in errors:
            where = p.starts[k] + err.offset
            if cut and k == len(p.parts) - 1:
                yield Problem("truncated", self.offset, p.table, example=self._where(
                    f"the input ends inside an INSERT into {p.table} (statement at byte {p.offset}); "
                    f"{rows} complete rows staged; {mask_literals(str(err))}"), fatal=True)
            else:
                yield Problem("unparsable_statement", where, p.table,
                              example=self._where(f"{note}{mask_literals(str(err))}; rows before it staged"))
        if cut and not errors:
            yield Problem("truncated", self.offset, p.table, example=self._where(
                f"the input ends inside an INSERT into {p.table} (statement at byte {p.offset}); "
                f"{rows} complete rows staged"), fatal=True)


def _table_name_after(body: bytes, prefix: bytes) -> str | None:
    m = re.match(prefix + _QUALIFIED, body, re.I)
    return _split_ident(m.group(1))[1] if m else None


def _snippet(text: bytes, n: int = 200) -> str:
    """The statement's start, its string literals masked (redact: they hold customers' data)."""
    s = mask_literals(text[:n].decode("utf-8", "replace")).replace("\n", " ")
    return s + ("..." if len(text) > n else "")


def read_mysql(stream: BinaryIO, info: DumpInfo, executor: Executor | None = None, base_offset: int = 0) -> Iterator[Event]:
    return MySQLReader(stream, info, executor, base_offset).events()
