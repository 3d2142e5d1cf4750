"""PostgreSQL plain-format dumps (pg_dump, pg_dumpall, psql scripts) to events.

The stream is read in chunks and cut into statements by a small state machine
that knows single quotes, E'' strings, double-quoted identifiers, dollar
quotes and both comment styles. COPY ... FROM stdin blocks, the bulk of a
pg_dump, never go through that loop: the block is cut into slices of whole
lines and each slice is parsed by pyarrow's CSV reader (TAB, no quoting,
``\\N`` is NULL); backslash escapes are then undone with vectorised string
replacements, only in the values that contain a backslash.

Values arrive as the text PostgreSQL prints in COPY (booleans ``t``/``f``,
arrays ``{1,2}``...), bytea columns as decoded bytes. INSERT statements
(``pg_dump --inserts / --column-inserts / --rows-per-insert``) are parsed into
the same text forms and consecutive INSERTs into one table are batched.
"""
from __future__ import annotations

import codecs
import logging
import re
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlglot import exp

from ..redact import mask_fields, mask_literals, mask_value, mask_window
from .ddl import duck_type, parse_create_table, staged_name
from .events import Column, DumpInfo, Event, Problem, RowBatch, Skipped, TableDef
from .source import LINE_BYTES, MAX_STATEMENT_MB, piece_end
from .staged_names import SourceNames

MAX_ROWS = 50_000  # rows per RowBatch
MAX_BYTES = 4 << 20  # bytes of dump text per RowBatch (bounds the reader's memory)
READ_CHUNK = 4 << 20
COPY_WINDOW = 1 << 20  # first slice of a COPY block; later slices aim at MAX_ROWS rows
MIN_WINDOW = 64 << 10
SNIPPET = 200

__all__ = ["read_postgres", "PostgresReader", "decode_bytea", "unescape_copy_text"]


def read_postgres(stream: BinaryIO, info: DumpInfo, max_statement: int = MAX_STATEMENT_MB << 20,
                  names: SourceNames | None = None) -> Iterator[Event]:
    """Events of a plain-format PostgreSQL dump, in dump order. The returned
    iterator has `bytes_read` (the decompressed bytes consumed so far). A statement
    or COPY row longer than `max_statement` bytes is reported and skipped."""
    return PostgresReader(stream, info, max_statement, names)


# ---------------------------------------------------------------------------
# input: a chunked byte buffer with exact stream offsets


class _Input:
    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.buf = bytearray()
        self.pos = 0
        self.base = 0  # stream offset of buf[0]
        self.eof = False
        self.error: str | None = None  # the stream broke (cut gzip...)
        self._read = getattr(stream, "read1", None) or stream.read

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _fill(self) -> bool:
        if self.eof:
            return False
        try:
            # read1: at most one read below, so a cut compressed stream loses only its last piece
            data = self._read(READ_CHUNK)
        except (EOFError, OSError, zlib.error, ValueError) as e:  # cut or corrupt compressed stream
            self.error = f"{type(e).__name__}: {e}"
            data = b""
        if not data:
            self.eof = True
            return False
        if self.pos:
            del self.buf[: self.pos]
            self.base += self.pos
            self.pos = 0
        self.buf += data
        return True

    def readline(self) -> bytes:
        """The next line; a line longer than LINE_BYTES in pieces (see source.piece_end)."""
        scanned = 0
        while True:
            i = self.buf.find(b"\n", self.pos + scanned, self.pos + LINE_BYTES)
            if i >= 0:
                line = bytes(self.buf[self.pos : i + 1])
                self.pos = i + 1
                return line
            scanned = len(self.buf) - self.pos
            if scanned >= LINE_BYTES:
                end = piece_end(self.buf, self.pos, self.pos + LINE_BYTES)
                line = bytes(self.buf[self.pos : end])
                self.pos = end
                return line
            if not self._fill():
                line = bytes(self.buf[self.pos :])
                self.pos = len(self.buf)
                return line

    def _is_term(self, k: int) -> bool:
        """buf[k:k+2] is backslash-period: is it a whole line?"""
        nxt = self.buf[k + 2 : k + 4]
        return nxt[:1] == b"\n" or nxt == b"\r\n" or (not nxt and self.eof) or (nxt == b"\r" and self.eof)

    def copy_chunk(self, window: int, max_rows: int, max_line: int = 1 << 62) -> tuple[bytes, int, str, int]:
        """The next slice of whole data lines of a COPY block: (data, offset of
        data, status, rows) with status "more", "end" (the terminator line was
        read), "eof" (the stream ended inside the block; an incomplete last
        line is left unread) or "long" (one line longer than max_line, read past
        and dropped). One numpy pass finds the line ends and the terminator line."""
        while len(self.buf) - self.pos < window + 4 and self._fill():
            pass
        pos = self.pos
        start_off = self.offset
        avail = len(self.buf) - pos
        span = min(avail, window + 3)
        data = bytes(self.buf[pos : pos + span])
        a = np.frombuffer(data, dtype=np.uint8)
        nl = np.flatnonzero(a == 10)
        starts = nl[nl + 2 < span] + 1
        cand = starts[(a[starts] == 92) & (a[starts + 1] == 46)]
        if span >= 2 and a[0] == 92 and a[1] == 46:
            cand = np.concatenate(([0], cand))
        term = -1
        for c in cand.tolist():
            if c >= window:
                break
            if self._is_term(pos + c):
                term = c
                break
        status = "more"
        if term >= 0:
            cut = term
            status = "end"
        elif avail > window:
            i = int(np.searchsorted(nl, window)) - 1
            if i >= 0:
                cut = int(nl[i]) + 1
            elif len(nl):  # the first line ends just past the window, inside what was read
                cut = int(nl[0]) + 1
            else:  # one line longer than the window: read on to its end
                cut = -1
                scan_rel = span
                while True:
                    j = self.buf.find(b"\n", self.pos + scan_rel)
                    if j >= 0:
                        cut = j + 1 - self.pos
                        if cut > max_line:
                            self.pos = j + 1
                            return b"", start_off, "long", 0
                        break
                    scan_rel = len(self.buf) - self.pos
                    if scan_rel > max_line:  # a row longer than the limit: read past it, keep none of it
                        return self._skip_line(start_off)
                    if not self._fill():
                        break
                if cut < 0:  # the stream ended inside this line
                    return b"", start_off, "eof", 0
                data = bytes(self.buf[self.pos : self.pos + cut])
                self.pos += cut
                return data, start_off, "more", 1
        else:  # the stream ended without the terminator line
            cut = int(nl[-1]) + 1 if len(nl) else 0
            status = "eof"
        nrows = int(np.searchsorted(nl, cut))
        if max_rows and nrows > max_rows:
            cut = int(nl[max_rows - 1]) + 1
            status = "more"
            nrows = max_rows
        del a, nl, starts, cand
        if status == "end":
            j = self.buf.find(b"\n", pos + cut)
            self.pos = len(self.buf) if j < 0 else j + 1
        else:
            self.pos = pos + cut
        return data[:cut] if cut != span else data, start_off, status, nrows


    def _skip_line(self, start_off: int) -> tuple[bytes, int, str, int]:
        while True:
            j = self.buf.find(b"\n", self.pos)
            if j >= 0:
                self.pos = j + 1
                return b"", start_off, "long", 0
            self.pos = len(self.buf)
            if not self._fill():
                return b"", start_off, "eof", 0


# ---------------------------------------------------------------------------
# COPY text format


_SIMPLE_ESC = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\b": "\b", "\\f": "\f", "\\v": "\v"}
_ESC_BYTES = re.compile(rb"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.)|$)", re.S)
_ESC_MAP = {b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"v": b"\v"}


def _esc_repl(m: re.Match) -> bytes:
    if m.group(1):
        return bytes([int(m.group(1), 8) & 0xFF])
    if m.group(2):
        return bytes([int(m.group(2), 16)])
    c = m.group(3)
    if c is None:
        return b""
    return _ESC_MAP.get(c, c)


def unescape_copy_text(value: str) -> tuple[str, bool]:
    """Undo COPY text escapes in one field: (text, had invalid UTF-8)."""
    out = _ESC_BYTES.sub(_esc_repl, value.encode("utf-8", "surrogateescape"))
    try:
        return out.decode("utf-8"), False
    except UnicodeDecodeError:
        return out.decode("utf-8", "replace"), True


_BYTEA_ESC = re.compile(rb"\\(\\|[0-3][0-7][0-7])")


def decode_bytea(text: str) -> bytes:
    """bytea input text (hex `\\x4142` or the old escape format) to bytes."""
    if text.startswith("\\x"):
        return bytes.fromhex(text[2:])
    b = text.encode("utf-8")
    if b"\\" not in b:
        return b
    return _BYTEA_ESC.sub(lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(1), 8)]), b)


def _unescape_array(arr: pa.Array, escapes: list[tuple[str, str]], pairs: bool, slow_only: bool) -> tuple[pa.Array, int]:
    """Undo backslash escapes in a string array; (result, values with bad UTF-8).
    `escapes` are the simple two-character escapes that occur in the data,
    `pairs` whether an escaped backslash occurs, `slow_only` to do every value
    the exact (slow) way, needed when the data holds a NUL byte."""
    mask = pc.fill_null(pc.match_substring(arr, "\\"), False)
    if not pc.any(mask).as_py():
        return arr, 0
    sub = pc.filter(arr, mask)
    bad = 0
    if slow_only:
        fixed_list = []
        for v in sub.to_pylist():
            t, b = unescape_copy_text(v)
            bad += b
            fixed_list.append(t)
        return pc.replace_with_mask(arr, mask, pa.array(fixed_list, pa.string())), bad
    s = pc.replace_substring(sub, "\\\\", "\x00") if pairs else sub
    for esc, ch in escapes:
        s = pc.replace_substring(s, esc, ch)
    rest = pc.match_substring(s, "\\")
    if pc.any(rest).as_py():
        # octal / hex / other escapes: the exact slow path for those values
        vals = s.to_pylist()
        orig = sub.to_pylist()
        for i, r in enumerate(rest.to_pylist()):
            if r:
                t, b = unescape_copy_text(orig[i])
                bad += b
                vals[i] = t.replace("\\", "\x00") if pairs else t
        s = pa.array(vals, pa.string())
    if pairs:
        s = pc.replace_substring(s, "\x00", "\\")
    return pc.replace_with_mask(arr, mask, s), bad


def _find_line(data: bytes, line: bytes) -> int:
    """Where a whole line of `data` starts (0 when not found)."""
    if data.startswith(line) and data[len(line) : len(line) + 1] in (b"\n", b"\r", b""):
        return 0
    i = data.find(b"\n" + line + b"\n")
    if i < 0:
        i = data.find(b"\n" + line + b"\r")
    return i + 1 if i >= 0 else 0


# DuckDB types of columns whose PostgreSQL text output never holds a backslash
# (numbers, booleans, dates and times, uuid): their values skip the unescape step
_NO_ESCAPES = re.compile(
    r"(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UBIGINT|DECIMAL\(\d+,\d+\)|DOUBLE|FLOAT|REAL|BOOLEAN|DATE|"
    r"TIMESTAMP|TIMESTAMPTZ|TIME|TIMETZ|UUID|INTERVAL)$"
)


def _escape_chars(data: bytes) -> bytes:
    """The distinct bytes that follow a backslash in `data` (a superset of the escapes used)."""
    a = np.frombuffer(data, dtype=np.uint8)
    idx = np.flatnonzero(a[:-1] == 92)
    if not len(idx):
        return b""
    return bytes(np.unique(a[idx + 1]))


@dataclass
class _CopySpec:
    table: str
    columns: list[str] | None
    names: list[str]  # a name per value position
    binary: list[bool]
    ncols: int | None  # None: infer from the first line
    offset: int
    plain: list[bool] = field(default_factory=list)  # typed columns whose text never holds a backslash
    fmt: str = "text"  # text | csv
    delimiter: str = "\t"
    null: str = "\\N"
    header: bool = False
    quote: str = '"'
    escape: str | None = None
    skip: bool = False  # read the data block past, stage nothing


# ---------------------------------------------------------------------------
# statement-level helpers

_IDENT_RE = r'(?:"(?:[^"]|"")*"|[^\s.,;()"]+)'
_NAME_RE = rf"{_IDENT_RE}(?:\s*\.\s*{_IDENT_RE})*"
_IDENT = re.compile(_IDENT_RE)

_CREATE_TABLE = re.compile(
    rf"CREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_NAME_RE})\s*",
    re.I | re.S,
)
_COPY = re.compile(
    rf"COPY\s+(?:ONLY\s+)?({_NAME_RE})\s*(?:\(((?:[^()\"]|\"(?:[^\"]|\"\")*\")*)\))?\s*FROM\s+(STDIN\b|'|PROGRAM\b)(.*)",
    re.I | re.S,
)
_INSERT = re.compile(
    rf"INSERT\s+INTO\s+({_NAME_RE})(?:\s+AS\s+{_IDENT_RE})?\s*(?:\(((?:[^()\"]|\"(?:[^\"]|\"\")*\")*)\))?\s*"
    r"(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s*)?(VALUES\b\s*)?",
    re.I | re.S,
)
_WORDS = re.compile(r"[A-Za-z_]+")
_SETVAL = re.compile(r"SELECT\s+(?:pg_catalog\.)?setval\s*\(", re.I)
_SET_CONFIG = re.compile(r"SELECT\s+(?:pg_catalog\.)?set_config\s*\(\s*'([^']*)'\s*,\s*'((?:[^']|'')*)'", re.I)
_SET = re.compile(r"SET\s+(?:SESSION\s+|LOCAL\s+)?(\w+)\s*(?:=|\bTO\b)\s*(.*?)\s*;?\s*$", re.I | re.S)

_PG_CODECS = {
    "utf8": "utf-8", "unicode": "utf-8", "sql_ascii": "utf-8", "latin1": "latin-1",
    "latin2": "iso8859-2", "latin3": "iso8859-3", "latin4": "iso8859-4", "latin5": "iso8859-9",
    "latin6": "iso8859-10", "latin7": "iso8859-13", "latin8": "iso8859-14", "latin9": "iso8859-15",
    "latin10": "iso8859-16", "euc_cn": "gb2312", "euc_jp": "euc_jp", "euc_kr": "euc_kr",
    "euc_jis_2004": "euc_jis_2004", "sjis": "shift_jis", "shift_jis_2004": "shift_jis_2004",
    "uhc": "cp949", "johab": "johab", "koi8r": "koi8-r", "koi8": "koi8-r", "koi8u": "koi8-u",
    "iso_8859_5": "iso8859-5", "iso_8859_6": "iso8859-6", "iso_8859_7": "iso8859-7", "iso_8859_8": "iso8859-8",
    "win866": "cp866", "win874": "cp874", "alt": "cp866", "tcvn": "cp1258", "big5": "big5",
    "gbk": "gbk", "gb18030": "gb18030", "mule_internal": "utf-8",
}


def _pg_codec(name: str) -> str:
    n = name.strip().strip("'\"").lower().replace("-", "_")
    if n in _PG_CODECS:
        return _PG_CODECS[n]
    m = re.fullmatch(r"win(\d+)", n)
    if m:
        return f"cp{m.group(1)}"
    try:
        return codecs.lookup(n).name
    except LookupError:
        return "utf-8"


def _ident(tok: str) -> str:
    """An identifier as PostgreSQL stores it: quoted kept, unquoted folded to lower case."""
    tok = tok.strip()
    if tok.startswith('"'):
        return tok[1:-1].replace('""', '"')
    return tok.lower()


def _split_name(text: str) -> tuple[str | None, str]:
    parts = [_ident(m.group()) for m in _IDENT.finditer(text)]
    if len(parts) == 1:
        return None, parts[0]
    return parts[-2], parts[-1]


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split at top-level separators, outside quotes and parentheses."""
    out, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == "'" or c == '"':
            j = text.find(c, i + 1)
            while j >= 0 and j + 1 < n and text[j + 1] == c:
                j = text.find(c, j + 2)
            i = n if j < 0 else j + 1
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == sep and depth == 0:
            out.append(text[start:i])
            start = i + 1
        i += 1
    out.append(text[start:])
    return out


def _column_list(text: str) -> list[str]:
    return [_ident(c) for c in _split_top(text) if c.strip()]


def _snippet(text: str, dialect: str = "postgres") -> str:
    """A statement's start, its string literals masked (redact: they hold customers' data)."""
    text = text.strip()
    return mask_literals(text if len(text) <= SNIPPET else text[:SNIPPET] + "...", dialect)


def _snippet_at(text: str, start: int) -> str:
    """The statement `text` from `start` on, masked as part of the whole statement."""
    return mask_window(text, start, start + SNIPPET, "postgres").strip() + ("..." if len(text) > start + SNIPPET else "")


_TYPE_END = re.compile(
    r"\s(?:COLLATE|DEFAULT|NOT|NULL|CONSTRAINT|CHECK|GENERATED|REFERENCES|PRIMARY|UNIQUE|COMPRESSION|STORAGE)\b",
    re.I,
)
_TABLE_CONSTRAINT = re.compile(r"(?:CONSTRAINT|CHECK|PRIMARY|UNIQUE|FOREIGN|EXCLUDE|LIKE)\b", re.I)


def map_pg_type(type_text: str) -> tuple[str, bool]:
    """(DuckDB type, is_binary) for a PostgreSQL type as written, for what sqlglot cannot parse."""
    t = type_text.strip()
    if re.search(r"\[\s*\d*\s*\]\s*$", t) or re.match(r"\w+\s+ARRAY\b", t, re.I):
        return "VARCHAR", False
    if re.fullmatch(r"(?:pg_catalog\.)?bytea", t, re.I):
        return "BLOB", True
    if re.match(r"(?:pg_catalog\.)?interval\b", t, re.I):
        return "INTERVAL", False
    if re.match(r"bit\s+varying\b", t, re.I):
        return "VARCHAR", False
    try:
        dt = exp.DataType.build(t, dialect="postgres", udt=True)
        return duck_type(dt, "postgres")
    except Exception:  # noqa: BLE001 - any sqlglot failure means: keep the text
        return "VARCHAR", False


def _body_columns(sql: str, head_end: int) -> tuple[list[tuple[str, str]], int] | None:
    """(name, type text) of each column in a CREATE TABLE column list, and the
    index just after the list; None when there is no list."""
    i = head_end
    while i < len(sql) and sql[i].isspace():
        i += 1
    if i >= len(sql) or sql[i] != "(":
        return None
    depth, j, n = 0, i, len(sql)
    while j < n:
        c = sql[j]
        if c == "'" or c == '"':
            k = sql.find(c, j + 1)
            while k >= 0 and k + 1 < n and sql[k + 1] == c:
                k = sql.find(c, k + 2)
            j = n if k < 0 else k + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                break
        j += 1
    cols = []
    for part in _split_top(sql[i + 1 : j]):
        part = part.strip()
        if not part or _TABLE_CONSTRAINT.match(part):
            continue
        m = _IDENT.match(part)
        if not m:
            continue
        rest = part[m.end() :]
        e = _TYPE_END.search(rest)
        cols.append((_ident(m.group()), (rest[: e.start()] if e else rest).strip()))
    return cols, j + 1


# ---------------------------------------------------------------------------
# INSERT values

_VTOK_TEMPLATE = r"""\s*(?:
 (?P<str>STR)
|(?P<estr>[eE]'[^'\\]*(?:(?:\\.|'')[^'\\]*)*')
|(?P<bits>[bBxX]'[^']*')
|(?P<uni>[uU]&'[^']*(?:''[^']*)*')
|(?P<num>[-+]?\s*(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
|(?P<word>[A-Za-z_][A-Za-z_0-9$]*)
|(?P<dollar>\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$)
|(?P<open>\()
|(?P<arr>\[)
)"""
# plain '...' strings: backslash is an ordinary character (standard_conforming_strings on) or an escape (off)
_VTOK = re.compile(_VTOK_TEMPLATE.replace("STR", r"'[^']*(?:''[^']*)*'"), re.X | re.S)
_VTOK_NONSTD = re.compile(_VTOK_TEMPLATE.replace("STR", r"'[^'\\]*(?:(?:\\.|'')[^'\\]*)*'"), re.X | re.S)
_CAST = re.compile(
    r"""\s*::\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[A-Za-z_][\w$]*))*
(?:\s+(?:varying|precision))?(?:\s*\(\s*[^()]*\))?(?:\s+(?:with|without)\s+time\s+zone)?(?:\s*\[\s*\d*\s*\])*""",
    re.X | re.I,
)
_E_ESC = re.compile(r"''|\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_E_MAP = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_PUNCT = re.compile(r"\s*([,)\]])")
_TAIL = re.compile(
    r"\s*(?:ON\s+CONFLICT\b(?P<conflict>.*?))?\s*(?:RETURNING\b.*?)?\s*;?\s*$",
    re.I | re.S,
)
_ARRAY_SPECIAL = re.compile(r'[{},"\\\s]')


class _Default:
    """DEFAULT in a VALUES list (pg_dump --inserts writes it for generated columns)."""

    def __repr__(self) -> str:
        return "DEFAULT"


_DEFAULT = _Default()


class _ValueError(Exception):
    def __init__(self, pos: int, msg: str = ""):
        super().__init__(msg)
        self.pos = pos


def _e_string(body: str) -> str:
    """The content of E'...' (or of '...' when standard_conforming_strings is off)."""
    if "\\" not in body:
        return body.replace("''", "'")
    need_bytes = False

    def rep(m: re.Match) -> str:
        nonlocal need_bytes
        if m.group(1) is not None:  # octal and hex escapes are bytes: mark them, assemble below
            need_bytes = True
            return chr(0xDC00 + (int(m.group(1), 8) & 0xFF))
        if m.group(2) is not None:
            need_bytes = True
            return chr(0xDC00 + int(m.group(2), 16))
        if m.group(3) is not None:
            return chr(int(m.group(3), 16))
        if m.group(4) is not None:
            return chr(int(m.group(4), 16))
        c = m.group(5)
        if c is None:  # ''
            return "'"
        return _E_MAP.get(c, c)

    out = _E_ESC.sub(rep, body)
    if need_bytes:
        b = bytearray()
        for ch in out:
            o = ord(ch)
            if 0xDC00 <= o <= 0xDCFF:
                b.append(o - 0xDC00)
            else:
                b += ch.encode("utf-8")
        out = b.decode("utf-8", "replace")
    return out


def _array_text(items: list) -> str:
    parts = []
    for e in items:
        if e is None:
            parts.append("NULL")
        elif isinstance(e, list):
            parts.append(_array_text(e))
        elif e == "" or e.upper() == "NULL" or _ARRAY_SPECIAL.search(e):
            parts.append('"' + e.replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            parts.append(e)
    return "{" + ",".join(parts) + "}"


def _bits(tok: str) -> str:
    body = tok[2:-1]
    if tok[0] in "bB":
        return body
    return "".join(f"{int(c, 16):04b}" for c in body)


class _ValueParser:
    def __init__(self, s: str, std_strings: bool):
        self.s = s
        self.std = std_strings
        self.tok = _VTOK if std_strings else _VTOK_NONSTD

    def value(self, pos: int, in_array: bool = False):
        s = self.s
        m = self.tok.match(s, pos)
        if not m:
            raise _ValueError(pos, "expected a value")
        kind = m.lastgroup
        pos = m.end()
        tok = m.group(kind)
        if kind == "str":
            v = tok[1:-1]
            v = v.replace("''", "'") if self.std else _e_string(v)
        elif kind == "estr":
            v = _e_string(tok[2:-1])
        elif kind == "num":
            v = tok.replace(" ", "").replace("\t", "").replace("\n", "").lstrip("+")
        elif kind == "word":
            up = tok.upper()
            if up == "NULL":
                v = None
            elif up == "TRUE":
                v = "t"
            elif up == "FALSE":
                v = "f"
            elif up == "ARRAY":
                m2 = re.compile(r"\s*\[").match(s, pos)
                if not m2:
                    raise _ValueError(pos, "ARRAY without [")
                v, pos = self.array(m2.end())
                v = _array_text(v) if not in_array else v
            elif up == "DEFAULT" and not in_array:
                return _DEFAULT, pos
            elif up == "CAST":
                m2 = re.compile(r"\s*\(").match(s, pos)
                if not m2:
                    raise _ValueError(pos, "CAST without (")
                v, pos = self.value(m2.end())
                m3 = re.compile(r"\s*AS\s+[^()]*?(?:\([^()]*\))?[^()]*?\)", re.I | re.S).match(s, pos)
                if not m3:
                    raise _ValueError(pos, "bad CAST")
                pos = m3.end()
            else:
                # a typed literal: DATE '2020-01-01', timestamp with time zone '...'
                m2 = re.compile(
                    r"(?:\s+(?:varying|precision|with|without|time|zone))*(?:\s*\([^()]*\))?\s*(?='|[eE]')"
                ).match(s, pos)
                if not m2:
                    raise _ValueError(m.start(kind), f"unsupported expression {tok}")
                v, pos = self.value(m2.end())
        elif kind == "bits":
            v = _bits(tok)
        elif kind == "dollar":
            end = s.find(tok, pos)
            if end < 0:
                raise _ValueError(pos, "unterminated dollar quote")
            v = s[pos:end]
            pos = end + len(tok)
        elif kind == "uni":
            v = tok[3:-1].replace("''", "'")
            v = re.sub(
                r"\\(\\|[0-9A-Fa-f]{4}|\+[0-9A-Fa-f]{6})",
                lambda mm: "\\" if mm.group(1) == "\\" else chr(int(mm.group(1).lstrip("+"), 16)),
                v,
            )
        elif kind == "open":
            v, pos = self.value(pos, in_array)
            m2 = _PUNCT.match(s, pos)
            if not m2 or m2.group(1) != ")":
                raise _ValueError(pos, "expected )")
            pos = m2.end()
        elif kind == "arr":  # nested [..] inside ARRAY[..]
            if not in_array:
                raise _ValueError(pos, "unexpected [")
            v, pos = self.array(pos)
        else:  # pragma: no cover
            raise _ValueError(pos)
        while True:
            m2 = _CAST.match(s, pos)
            if not m2:
                break
            pos = m2.end()
        return v, pos

    def array(self, pos: int) -> tuple[list, int]:
        items: list = []
        m = _PUNCT.match(self.s, pos)
        if m and m.group(1) == "]":
            return items, m.end()
        while True:
            v, pos = self.value(pos, in_array=True)
            items.append(v)
            m = _PUNCT.match(self.s, pos)
            if not m:
                raise _ValueError(pos, "expected , or ]")
            pos = m.end()
            if m.group(1) == "]":
                return items, pos
            if m.group(1) != ",":
                raise _ValueError(pos, "expected , or ]")

    def rows(self, pos: int) -> tuple[list[list], int]:
        s = self.s
        out = []
        open_re = re.compile(r"\s*\(")
        while True:
            m = open_re.match(s, pos)
            if not m:
                raise _ValueError(pos, "expected (")
            pos = m.end()
            row = []
            m = _PUNCT.match(s, pos)
            if m and m.group(1) == ")":
                pos = m.end()
            else:
                while True:
                    v, pos = self.value(pos)
                    row.append(v)
                    m = _PUNCT.match(s, pos)
                    if not m:
                        raise _ValueError(pos, "expected , or )")
                    pos = m.end()
                    if m.group(1) == ")":
                        break
                    if m.group(1) != ",":
                        raise _ValueError(pos, "expected , or )")
            out.append(row)
            m = _PUNCT.match(s, pos)
            if m and m.group(1) == ",":
                pos = m.end()
                continue
            return out, pos


# fast path for the common pg_dump --inserts row: numbers, plain strings, NULL, true/false
_FAST_VAL = r"(?:'[^']*(?:''[^']*)*'|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|NULL|true|false)"
_FAST_ROWS = re.compile(rf"\s*\(\s*{_FAST_VAL}(?:\s*,\s*{_FAST_VAL})*\s*\)(?:\s*,\s*\(\s*{_FAST_VAL}(?:\s*,\s*{_FAST_VAL})*\s*\))*")
_FAST_TOK = re.compile(r"'[^']*(?:''[^']*)*'|[^,()\s]+|\)")


def _fast_rows(s: str, pos: int) -> tuple[list[list], int] | None:
    m = _FAST_ROWS.match(s, pos)
    if not m:
        return None
    rows: list[list] = []
    row: list = []
    append = row.append
    for t in _FAST_TOK.findall(s, pos, m.end()):
        c = t[0]
        if c == "'":
            v = t[1:-1]
            append(v.replace("''", "'") if "''" in v else v)
        elif c == ")":
            rows.append(row)
            row = []
            append = row.append
        elif c == "N":
            append(None)
        elif c == "t":
            append("t")
        elif c == "f":
            append("f")
        else:
            append(t)
    return rows, m.end()


# ---------------------------------------------------------------------------


# a whole statement on one line without backslashes, dollar quotes or comments: one regex match
_ONE_STMT = re.compile(
    rb"""(?:[^;'"$\-/\\\n]++|'[^'\\\n]*+(?:''[^'\\\n]*+)*+'|"[^"\n]*+(?:""[^"\n]*+)*+"|-(?!-)|/(?!\*))*+;"""
)
_NORMAL = re.compile(rb"[;'\"$]|--|/\*")
_DOLLAR = re.compile(rb"\$(?:[A-Za-z_\x80-\xff][A-Za-z_0-9\x80-\xff]*)?\$")
_ESTR = re.compile(rb"[\\']")
_COMMENT = re.compile(rb"/\*|\*/")
_WS = re.compile(rb"[ \t\r\n\f\v]*")
_IDCHAR = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$") | frozenset(range(0x80, 0x100))


class PostgresReader:
    """Iterator of the events of one plain-format PostgreSQL dump stream."""

    def __init__(self, stream: BinaryIO, info: DumpInfo, max_statement: int = MAX_STATEMENT_MB << 20,
                 names: SourceNames | None = None):
        self.info = info
        self.source_names = names or SourceNames()
        self.max_statement = max_statement
        self._open_dumps: set[str] = set()  # "database dump" seen opening, not yet "complete"
        self.inp = _Input(stream)
        self.tables: dict[str, TableDef] = {}
        self.domains: dict[str, str] = {}
        self.std_strings = True
        self.encoding = "utf-8"
        self.default_schema = "public"
        self._pending: dict | None = None
        self._names: dict[tuple[str, str], str] = {}
        self._gen = self._events()

    def __iter__(self) -> PostgresReader:
        return self

    def __next__(self) -> Event:
        return next(self._gen)

    @property
    def bytes_read(self) -> int:
        return self.inp.offset

    # -- names ---------------------------------------------------------------

    def _staged(self, schema: str | None, name: str) -> str:
        if schema is None:
            schema = self.default_schema
        table = exp.Table(this=exp.to_identifier(name), db=exp.to_identifier(schema) if schema else None)
        return self.source_names.name((schema or "public", name), staged_name(table, "postgres"))

    def _staged_text(self, name_text: str) -> str:
        key = (name_text, self.default_schema)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self._staged(*_split_name(name_text))
        return name

    # -- main loop -----------------------------------------------------------

    def _events(self) -> Iterator[Event]:
        inp = self.inp
        parts: list[bytes] = []
        stmt_start = 0
        in_stmt = False
        dropping = False  # reading past a statement longer than max_statement, keeping none of it
        comment_goes_on = False  # a comment line read in pieces: the next piece is comment too
        state: object = None  # None, b"'", b"E", b'"', b"$tag$", or int (block comment depth)
        while True:
            line_off = inp.offset
            line = inp.readline()
            if not line:
                break
            pos, n, seg = 0, len(line), 0
            copy_spec = None
            if comment_goes_on:
                comment_goes_on, pos = not line.endswith(b"\n"), n
            while pos < n:
                if state is None:
                    if not in_stmt:
                        pos = _WS.match(line, pos).end()
                        if pos >= n:
                            break
                        c = line[pos]
                        if c == 0x2D and line.startswith(b"--", pos):
                            if line.startswith(b"-- PostgreSQL database ", pos):
                                self._dump_comment(line[pos:].strip())
                            comment_goes_on, pos = not line.endswith(b"\n"), n
                            break
                        if c == 0x2F and line.startswith(b"/*", pos):
                            state, pos = 1, pos + 2
                            continue
                        if c == 0x5C:  # psql meta-command, up to the end of the line
                            yield from self._flush()
                            yield self._meta(line[pos:], line_off + pos)
                            pos = n
                            break
                        m = _ONE_STMT.match(line, pos)
                        if m:
                            events, copy_spec = self._statement(line[pos : m.end()], line_off + pos)
                            pos = m.end()
                            for ev in events:
                                yield ev
                            if copy_spec is not None:
                                break
                            continue
                        in_stmt, stmt_start, seg, parts = True, line_off + pos, pos, []
                    m = _NORMAL.search(line, pos)
                    if not m:
                        pos = n
                        break
                    c = line[m.start()]
                    if c == 0x3B:  # ;
                        parts.append(line[seg : m.end()])
                        in_stmt = False
                        pos = m.end()
                        events, copy_spec = self._statement(b"".join(parts), stmt_start) if not dropping else ([], None)
                        parts, dropping = [], False
                        for ev in events:
                            yield ev
                        if copy_spec is not None:
                            break
                        continue
                    if c == 0x2D:  # -- comment to the end of the line
                        comment_goes_on, pos = not line.endswith(b"\n"), n
                        break
                    if c == 0x2F:
                        state, pos = 1, m.end()
                        continue
                    if c == 0x27:  # '
                        s = m.start()
                        e_str = not self.std_strings or (
                            s > 0 and line[s - 1] in b"eE" and (s < 2 or line[s - 2] not in _IDCHAR)
                        )
                        state, pos = (b"E" if e_str else b"'"), m.end()
                        continue
                    if c == 0x22:
                        state, pos = b'"', m.end()
                        continue
                    # $
                    s = m.start()
                    d = _DOLLAR.match(line, s)
                    if d and (s == 0 or line[s - 1] not in _IDCHAR):
                        state, pos = d.group(), d.end()
                    else:
                        pos = m.end()
                    continue
                if state == b"'" or state == b'"':
                    i = line.find(state, pos)
                    if i < 0:
                        pos = n
                        break
                    if line[i + 1 : i + 2] == state:
                        pos = i + 2
                    else:
                        state, pos = None, i + 1
                    continue
                if state == b"E":
                    m = _ESTR.search(line, pos)
                    if not m:
                        pos = n
                        break
                    i = m.start()
                    if line[i] == 0x5C:
                        pos = i + 2
                    elif line[i + 1 : i + 2] == b"'":
                        pos = i + 2
                    else:
                        state, pos = None, i + 1
                    continue
                if isinstance(state, int):  # block comment, nested
                    m = _COMMENT.search(line, pos)
                    if not m:
                        pos = n
                        break
                    state = state + 1 if m.group() == b"/*" else state - 1
                    if state == 0:
                        state = None
                    pos = m.end()
                    continue
                # dollar quote
                i = line.find(state, pos)
                if i < 0:
                    pos = n
                    break
                state, pos = None, i + len(state)
            if copy_spec is not None:
                in_stmt, state = False, None
                yield from self._copy_block(copy_spec)
                if self._fatal:
                    return
                continue
            if in_stmt and not dropping:
                parts.append(line[seg:])
                if inp.offset - stmt_start > self.max_statement:
                    # held whole to be parsed: one this long is reported, and read past to its end
                    yield from self._flush()
                    yield self._too_large(parts[0][:1000], stmt_start)
                    parts, dropping = [], True
        yield from self._flush()
        if dropping:  # the skipped statement never ends: a quote never closed, or a cut dump
            yield Problem("truncated", stmt_start, example=f"the dump ends inside the statement at byte {stmt_start} "
                          "that was skipped as too long (a quote never closed?)", fatal=True)
        elif in_stmt:
            text = self._decode(b"".join(parts), stmt_start)[0]
            yield Problem(
                "truncated", stmt_start, table=self._table_of(text),
                example=(f"{inp.error}; " if inp.error else "") + "dump ends inside: " + _snippet(text), fatal=True,
            )
        elif inp.error:
            yield Problem("truncated", inp.offset, example=f"compressed stream is cut: {inp.error}", fatal=True)
        elif self._open_dumps and not in_stmt:
            what = " and ".join(sorted(self._open_dumps))
            yield Problem("truncated", inp.offset, example=f"the dump ends without the '-- PostgreSQL {what} "
                          "complete' line that pg_dump writes last: it is cut short", fatal=True)

    _fatal = False

    def _too_large(self, start: bytes, offset: int) -> Problem:
        text = self._decode(start, offset)[0]
        return Problem("statement_too_large", offset, table=self._table_of(text), example=f"the statement is longer "
                       f"than {self.max_statement >> 20} MB (raise --max-statement-mb to read it; or is a quote never "
                       f"closed?): skipped to its end: " + _snippet(text))

    def _dump_comment(self, line: bytes) -> None:
        """pg_dump (and pg_dumpall) open with '-- PostgreSQL database [cluster] dump' and end with
        the same line and 'complete': a dump that opened and did not end is cut short."""
        what = line[3:].decode("ascii", "replace")  # "PostgreSQL database dump complete"
        if what.endswith(" complete"):
            self._open_dumps.discard(what[len("PostgreSQL "):-len(" complete")])
        elif what in ("PostgreSQL database dump", "PostgreSQL database cluster dump"):
            self._open_dumps.add(what[len("PostgreSQL "):])

    def _table_of(self, text: str) -> str | None:
        m = re.match(r"\s*(?:INSERT\s+INTO|COPY|CREATE\s+(?:\w+\s+)?TABLE(?:\s+IF\s+NOT\s+EXISTS)?)\s+(" + _NAME_RE + ")", text, re.I)
        if not m:
            return None
        try:
            return self._staged_text(m.group(1))
        except Exception:  # noqa: BLE001
            return None

    def _decode(self, raw: bytes, offset: int) -> tuple[str, Problem | None]:
        try:
            return raw.decode(self.encoding), None
        except UnicodeDecodeError as e:
            text = raw.decode(self.encoding, "replace")
            return text, Problem(
                "bad_encoding", offset + e.start, example=_snippet_at(text, max(0, e.start - 40)),
                count=max(1, text.count("\ufffd")),
            )

    def _meta(self, raw: bytes, offset: int) -> Skipped:
        text = raw.decode(self.encoding, "replace").strip()
        cmd = text.split(None, 1)[0] if text else "\\"
        arg = text[len(cmd) :].strip()
        if cmd in ("\\connect", "\\c"):
            db = arg.split()[0].strip('"') if arg else ""
            if db and not db.startswith("-") and self.info.database is None:
                self.info.database = db
            return Skipped("connect", offset, detail=text[:SNIPPET])
        if cmd in ("\\restrict", "\\unrestrict"):
            return Skipped("restrict", offset, detail=cmd)
        return Skipped("psql_command", offset, detail=text[:SNIPPET])

    # -- INSERT batching -----------------------------------------------------

    def _flush(self) -> Iterator[Event]:
        p = self._pending
        if p is None:
            return
        self._pending = None
        if p["rows"]:
            yield from self._batch_events(p)

    def _batch_events(self, p: dict) -> Iterator[Event]:
        rows = p["rows"]
        width = p["width"]
        binary = p["binary"]
        cols = list(zip(*rows)) if width else []
        arrays = []
        bad = 0
        example = ""
        for i in range(width):
            vals = cols[i]
            if binary[i]:
                out = []
                for v in vals:
                    if v is None:
                        out.append(None)
                        continue
                    try:
                        out.append(decode_bytea(v))
                    except ValueError:
                        bad += 1
                        example = example or mask_value(v[:SNIPPET])
                        out.append(None)
                arrays.append(pa.array(out, pa.binary()))
            else:
                arrays.append(pa.array(vals, pa.string()))
        data = pa.Table.from_arrays(arrays, names=p["names"]) if width else pa.table({})
        yield RowBatch(p["table"], p["columns"], data, p["offset"], mode=p["mode"])
        if bad:
            yield Problem("bad_value", p["offset"], p["table"], example=f"invalid bytea: {example}", count=bad)

    def _target(self, table: str, columns: list[str] | None, width: int) -> tuple[list[str], list[bool]]:
        td = self.tables.get(table)
        if columns is not None:
            by_name = {c.name: c for c in td.columns} if td else {}
            return list(columns), [bool(by_name.get(c) and by_name[c].binary) for c in columns]
        names, binary = [], []
        for i in range(width):
            if td and i < len(td.columns):
                names.append(td.columns[i].name)
                binary.append(td.columns[i].binary)
            else:
                names.append(f"column{i + 1}")
                binary.append(False)
        return names, binary

    # -- statements ----------------------------------------------------------

    def _statement(self, raw: bytes, offset: int) -> tuple[list[Event], _CopySpec | None]:
        if len(raw) > self.max_statement:  # held whole to be parsed: one this long is reported, not read
            return [*self._flush(), self._too_large(raw[:1000], offset)], None
        text, enc_problem = self._decode(raw, offset)
        out: list[Event] = []
        if enc_problem:
            enc_problem.table = self._table_of(text)
        if text[:6].upper() == "INSERT":
            first, words = "INSERT", []
        else:
            words = _WORDS.findall(text[:200])
            first = words[0].upper() if words else ""
        if first == "INSERT":
            events = self._insert(text, offset)
            if enc_problem:
                events.append(enc_problem)
            return events, None
        out.extend(self._flush())
        if enc_problem:
            out.append(enc_problem)
        if first == "COPY":
            spec, events = self._copy_statement(text, offset)
            out.extend(events)
            return out, spec
        if first == "CREATE":
            out.extend(self._create(text, offset, [w.upper() for w in words[1:8]]))
        else:
            out.append(self._other(text, offset, first, [w.upper() for w in words[1:6]]))
        return out, None

    def _other(self, text: str, offset: int, first: str, rest: list[str]) -> Event:
        if first == "SET" or first == "RESET":
            m = _SET.match(text.strip())
            if m and first == "SET":
                self._setting(m.group(1).lower(), m.group(2))
            return Skipped("set", offset, detail=_snippet(text))
        if first == "SELECT":
            if _SETVAL.match(text.strip()):
                return Skipped("sequence_value", offset, detail=_snippet(text))
            m = _SET_CONFIG.match(text.strip())
            if m:
                self._setting(m.group(1).lower(), "'" + m.group(2) + "'")
                return Skipped("set_config", offset, detail=_snippet(text))
            return Skipped("select", offset, detail=_snippet(text))
        if first == "ALTER":
            obj = rest[0] if rest else ""
            up = text.upper()
            if re.search(r"\bOWNER\s+TO\b", up):
                return Skipped("owner", offset, detail=_snippet(text))
            if obj == "TABLE" or obj == "FOREIGN":
                if re.search(r"\bADD\s+CONSTRAINT\b", up):
                    return Skipped("constraint", offset, table=self._alter_table(text), detail=_snippet(text))
                if re.search(r"\bSET\s+DEFAULT\b", up):
                    return Skipped("default", offset, table=self._alter_table(text), detail=_snippet(text))
                if re.search(r"\bADD\s+GENERATED\b", up):
                    return Skipped("sequence", offset, table=self._alter_table(text), detail=_snippet(text))
                pm = re.search(rf"\bATTACH\s+PARTITION\s+({_NAME_RE})", text, re.I)
                if pm:  # the partition's rows are staged in its own table
                    return Skipped("partition", offset, table=self._alter_table(text),
                                   detail=self._staged_text(pm.group(1)))
                return Skipped("alter_table", offset, table=self._alter_table(text), detail=_snippet(text))
            kind = {
                "SEQUENCE": "sequence", "DATABASE": "database", "ROLE": "role", "USER": "role", "GROUP": "role",
                "DEFAULT": "grant", "FUNCTION": "function", "PROCEDURE": "function", "AGGREGATE": "function",
                "VIEW": "view", "MATERIALIZED": "view", "SCHEMA": "schema", "EXTENSION": "extension",
                "TYPE": "type", "DOMAIN": "domain", "INDEX": "index", "TRIGGER": "trigger", "EVENT": "trigger",
            }.get(obj, "alter_" + obj.lower() if obj else "alter")
            return Skipped(kind, offset, detail=_snippet(text))
        kind = {
            "COMMENT": "comment", "GRANT": "grant", "REVOKE": "grant", "BEGIN": "transaction",
            "COMMIT": "transaction", "START": "transaction", "END": "transaction", "ROLLBACK": "transaction",
            "SAVEPOINT": "transaction", "RELEASE": "transaction", "DROP": "drop", "LOCK": "lock",
            "TRUNCATE": "truncate", "SECURITY": "security_label", "REFRESH": "view", "ANALYZE": "maintenance",
            "VACUUM": "maintenance", "REINDEX": "maintenance", "CLUSTER": "maintenance", "CHECKPOINT": "maintenance",
            "DO": "do_block", "REASSIGN": "owner", "DISCARD": "set", "NOTIFY": "notify", "LISTEN": "notify",
            "IMPORT": "foreign_table", "PREPARE": "prepare", "DEALLOCATE": "prepare", "DECLARE": "cursor",
            "CLOSE": "cursor", "FETCH": "cursor", "SHOW": "set", "VALUES": "select", "TABLE": "select",
        }.get(first)
        if kind:
            return Skipped(kind, offset, detail=_snippet(text))
        if first in ("UPDATE", "DELETE", "MERGE", "WITH", "CALL", "EXECUTE"):
            return Problem("unsupported_statement", offset, table=None, example=_snippet(text))
        return Problem("unparsable_statement", offset, example=_snippet(text))

    def _alter_table(self, text: str) -> str | None:
        m = re.match(rf"\s*ALTER\s+(?:FOREIGN\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?({_NAME_RE})", text, re.I)
        return self._staged_text(m.group(1)) if m else None

    def _setting(self, name: str, value: str) -> None:
        v = value.strip().rstrip(";").strip()
        if name == "standard_conforming_strings":
            self.std_strings = v.strip("'\"").lower() in ("on", "true", "1", "yes")
        elif name in ("client_encoding", "names"):
            enc = v.strip("'\"")
            self.encoding = _pg_codec(enc)
            if self.info.charset is None:
                self.info.charset = enc.lower()
        elif name == "search_path":
            schemas = [_ident(s) for s in _split_top(v.strip("'") if v.startswith("'") else v) if s.strip()]
            schemas = [s for s in schemas if s not in ("pg_catalog", "$user", "")]
            self.default_schema = schemas[0] if schemas else "public"

    def _create(self, text: str, offset: int, rest: list[str]) -> list[Event]:
        words = [w for w in rest if w not in ("OR", "REPLACE", "UNIQUE", "TEMP", "TEMPORARY", "UNLOGGED",
                                              "GLOBAL", "LOCAL", "CONSTRAINT", "DEFAULT", "TRUSTED", "PROCEDURAL",
                                              "MATERIALIZED", "RECURSIVE")]
        obj = words[0] if words else ""
        if obj == "TABLE":
            return self._create_table(text, offset)
        if obj == "DOMAIN":
            m = re.match(rf"\s*CREATE\s+DOMAIN\s+({_NAME_RE})\s+(?:AS\s+)?(.+?)(?:\s+(?:COLLATE|DEFAULT|CONSTRAINT|NOT|NULL|CHECK)\b|\s*;|$)",
                         text, re.I | re.S)
            if m:
                self.domains[_split_name(m.group(1))[1]] = m.group(2).strip()
        kind = {
            "INDEX": "index", "SEQUENCE": "sequence", "FUNCTION": "function", "PROCEDURE": "function",
            "AGGREGATE": "function", "TRIGGER": "trigger", "EVENT": "trigger", "VIEW": "view", "SCHEMA": "schema",
            "DATABASE": "database", "EXTENSION": "extension", "USER": "role", "ROLE": "role", "GROUP": "role",
            "TYPE": "type", "DOMAIN": "domain", "FOREIGN": "foreign_table", "SERVER": "foreign_table",
            "RULE": "rule", "POLICY": "policy", "PUBLICATION": "publication", "SUBSCRIPTION": "publication",
            "CAST": "cast", "OPERATOR": "operator", "TEXT": "text_search", "COLLATION": "collation",
            "CONVERSION": "conversion", "LANGUAGE": "language", "STATISTICS": "statistics", "ACCESS": "access_method",
            "TABLESPACE": "tablespace", "TRANSFORM": "transform",
        }.get(obj, "create_" + obj.lower() if obj else "create")
        if kind == "database":
            m = re.match(rf"\s*CREATE\s+DATABASE\s+({_IDENT_RE})", text, re.I)
            if m and self.info.database is None:
                self.info.database = _ident(m.group(1))
        return [Skipped(kind, offset, detail=_snippet(text))]

    def _create_table(self, text: str, offset: int) -> list[Event]:
        m = _CREATE_TABLE.match(text.lstrip())
        lead = len(text) - len(text.lstrip())
        if not m:
            return [Problem("unparsable_statement", offset, example=_snippet(text))]
        schema, name = _split_name(m.group(1))
        staged = self._staged(schema, name)
        after = text[lead + m.end() :]
        if re.match(r"PARTITION\s+OF\b", after, re.I):
            pm = re.match(rf"PARTITION\s+OF\s+({_NAME_RE})", after, re.I)
            parent = self.tables.get(self._staged_text(pm.group(1))) if pm else None
            if parent is None:
                return [Problem("unparsable_statement", offset, table=staged,
                                example="partition of an unknown table: " + _snippet(text))]
            cols = [Column(c.name, c.source_type, c.duck_type, c.binary) for c in parent.columns]
            td = TableDef(staged, cols, offset)
            self.tables[staged] = td
            return [td]
        if re.match(r"(?:AS\b|OF\b)", after, re.I):
            return [Problem("unsupported_statement", offset, table=staged, example=_snippet(text))]
        body = _body_columns(text, lead + m.end())
        td = None
        log = logging.getLogger("sqlglot")
        level = log.level
        log.setLevel(logging.ERROR)  # "unsupported syntax" warnings: the fallback below handles those
        try:
            td = parse_create_table(text, "postgres", offset)
        except Exception:  # noqa: BLE001 - sqlglot gaps: use the line parser below
            td = None
        finally:
            log.setLevel(level)
        if td is not None and body is not None and len(body[0]) == len(td.columns):
            renamed = {}
            for col, (nm, _) in zip(td.columns, body[0]):
                if col.name != nm:
                    renamed[col.name] = nm
                    col.name = nm
            if renamed and getattr(td, "primary_key", None):
                td.primary_key = [renamed.get(c, c) for c in td.primary_key]
        if td is None:
            if body is None:
                return [Problem("unparsable_statement", offset, table=staged, example=_snippet(text))]
            cols = []
            for nm, typ in body[0]:
                duck, binary = map_pg_type(typ)
                cols.append(Column(nm, typ.lower(), duck, binary))
            td = TableDef(staged, cols, offset)
        td.table = staged
        td.offset = offset
        # domains: stage with the base type
        for col in td.columns:
            base = self.domains.get(col.source_type.split(".")[-1].strip('"'))
            if base and col.duck_type == "VARCHAR":
                col.duck_type, col.binary = map_pg_type(base)
        # INHERITS (parent): the inherited columns come first and are not listed
        if body is not None:
            im = re.match(r"\s*INHERITS\s*\(([^)]*)\)", text[body[1] :], re.I)
            if im:
                inherited: list[Column] = []
                for p in _split_top(im.group(1)):
                    parent = self.tables.get(self._staged_text(p))
                    for c in parent.columns if parent else []:
                        if all(c.name != x.name for x in inherited):
                            inherited.append(Column(c.name, c.source_type, c.duck_type, c.binary))
                names = {c.name for c in inherited}
                td.columns = inherited + [c for c in td.columns if c.name not in names]
                parents = ", ".join(self._staged_text(p) for p in _split_top(im.group(1)))
                self.tables[staged] = td
                # on the server a query of the parent shows the child's rows too; staged, each keeps its own
                return [td, Problem("inherited_table", offset, staged, example=(
                    f"{staged} inherits from {parents}: its rows are staged in {staged} only, "
                    f"while the server's SELECT from {parents} includes them"))]
        self.tables[staged] = td
        return [td]

    # -- INSERT --------------------------------------------------------------

    def _insert(self, text: str, offset: int) -> list[Event]:
        body = text.lstrip()
        lead = len(text) - len(body)
        m = _INSERT.match(body)
        if not m or not m.group(3):
            return list(self._flush()) + [
                Problem("unparsable_statement", offset, table=self._table_of(text), example=_snippet(text))
            ]
        table = self._staged_text(m.group(1))
        columns = _column_list(m.group(2)) if m.group(2) is not None else None
        try:
            fast = _fast_rows(body, m.end()) if self.std_strings else None
            if fast is not None and _TAIL.match(body, fast[1]):
                rows, end = fast
            else:
                fast = None
                rows, end = _ValueParser(body, self.std_strings).rows(m.end())
            tail = _TAIL.match(body, end)
            if not tail:
                raise _ValueError(end, "unexpected text after VALUES")
        except _ValueError as e:
            at = e.pos
            return list(self._flush()) + [
                Problem(
                    "unparsable_statement", offset, table=table,
                    example=f"{e} at +{at + lead}: " + (_snippet(text) if at < SNIPPET else _snippet_at(body, max(0, at - 60))),
                )
            ]
        mode = "insert"
        conflict = tail.group("conflict")
        if conflict is not None:
            mode = "ignore" if re.search(r"DO\s+NOTHING", conflict, re.I) else "replace"
        out: list[Event] = []
        width = len(columns) if columns is not None else len(rows[0])
        good = [r for r in rows if len(r) == width]
        if len(good) != len(rows):
            badrows = [r for r in rows if len(r) != width]
            out.extend(self._flush())
            out.append(Problem(
                "bad_row", offset, table=table,
                example=f"{len(badrows[0])} values for {width} columns: " + _snippet(repr(badrows[0]), "mysql"),  # a Python repr
                count=len(badrows),
            ))
        if not good:
            return out
        if fast is None and any(v is _DEFAULT for r in good for v in r):
            # DEFAULT: leave the column out of the column list, the staged table fills it
            names = columns if columns is not None else self._target(table, None, width)[0]
            td = self.tables.get(table)
            known = columns is not None or (td is not None and len(td.columns) >= width)
            groups: dict[tuple, list] = {}
            for r in good:
                skip = tuple(i for i, v in enumerate(r) if v is _DEFAULT)
                groups.setdefault(skip, []).append(r)
            for skip, grp in groups.items():
                if not skip:
                    out.extend(self._add_rows(table, columns, width, mode, grp, text, offset))
                elif known:
                    cols = [n for i, n in enumerate(names) if i not in skip]
                    rows2 = [[v for i, v in enumerate(r) if i not in skip] for r in grp]
                    out.extend(self._add_rows(table, cols, len(cols), mode, rows2, text, offset))
                else:
                    rows2 = [[None if v is _DEFAULT else v for v in r] for r in grp]
                    out.extend(self._add_rows(table, columns, width, mode, rows2, text, offset))
                    out.append(Problem("bad_value", offset, table=table, count=len(grp),
                                       example="DEFAULT in an INSERT into a table with unknown columns, staged as NULL"))
            return out
        out.extend(self._add_rows(table, columns, width, mode, good, text, offset))
        return out

    def _add_rows(self, table: str, columns: list[str] | None, width: int, mode: str, good: list[list],
                  text: str, offset: int) -> list[Event]:
        out: list[Event] = []
        key = (table, tuple(columns) if columns is not None else None, width, mode)
        p = self._pending
        if p is not None and p["key"] != key:
            out.extend(self._flush())
            p = None
        if p is None:
            names, binary = self._target(table, columns, width)
            p = self._pending = {
                "key": key, "table": table, "columns": columns, "width": width, "mode": mode,
                "names": names, "binary": binary, "rows": [], "bytes": 0, "offset": offset,
            }
        p["rows"].extend(good)
        p["bytes"] += len(text)
        while len(p["rows"]) >= MAX_ROWS or p["bytes"] >= MAX_BYTES:
            rows_all = p["rows"]
            p["rows"] = rows_all[:MAX_ROWS]
            rest = rows_all[MAX_ROWS:]
            out.extend(self._batch_events(p))
            p["rows"], p["bytes"], p["offset"] = rest, 0, offset
            if not rest:
                self._pending = None
                break
        return out

    # -- COPY ----------------------------------------------------------------

    def _copy_statement(self, text: str, offset: int) -> tuple[_CopySpec | None, list[Event]]:
        m = _COPY.match(text.lstrip())
        if not m:
            problem = Problem("unparsable_statement", offset, table=self._table_of(text), example=_snippet(text))
            if re.search(r"\bFROM\s+STDIN\b", text, re.I):  # its data follows: read past it
                return _CopySpec("", None, [], [], None, offset, skip=True), [problem]
            if re.search(r"\bTO\s+(?:STDOUT|'|PROGRAM)", text, re.I):
                return None, [Skipped("copy_out", offset, detail=_snippet(text))]
            return None, [problem]
        table = self._staged_text(m.group(1))
        if m.group(3).upper() != "STDIN":
            return None, [Problem("unsupported_statement", offset, table=table,
                                  example="COPY from a file, its data is not in the dump: " + _snippet(text))]
        columns = _column_list(m.group(2)) if m.group(2) is not None else None
        opts = m.group(4).strip().rstrip(";")
        spec = _CopySpec(table, columns, [], [], None, offset)
        o = opts.upper()
        if re.search(r"\bBINARY\b", o):
            spec.skip = True
            return spec, [Problem("unsupported_statement", offset, table=table,
                                  example="COPY in binary format: " + _snippet(text))]
        if re.search(r"\bCSV\b", o):
            spec.fmt, spec.delimiter, spec.null = "csv", ",", ""
        dm = re.search(r"DELIMITER\s+(?:AS\s+)?E?'((?:[^']|'')*)'", opts, re.I)
        if dm:
            spec.delimiter = _e_string(dm.group(1)) if re.search(r"DELIMITER\s+(?:AS\s+)?E'", opts, re.I) else dm.group(1)
        nm = re.search(r"\bNULL\s+(?:AS\s+)?(E?)'((?:[^']|'')*)'", opts, re.I)
        if nm:
            spec.null = _e_string(nm.group(2)) if nm.group(1) else nm.group(2).replace("''", "'")
        if re.search(r"\bHEADER\b", o) and not re.search(r"HEADER\s+(?:FALSE|OFF|0)\b", o):
            spec.header = True
        qm = re.search(r"\bQUOTE\s+(?:AS\s+)?'((?:[^']|'')*)'", opts, re.I)
        if qm:
            spec.quote = qm.group(1).replace("''", "'")
        em = re.search(r"\bESCAPE\s+(?:AS\s+)?'((?:[^']|'')*)'", opts, re.I)
        if em:
            spec.escape = em.group(1).replace("''", "'")
        td = self.tables.get(table)
        if columns is not None:
            spec.ncols = len(columns)
        elif td is not None:
            spec.ncols = len(td.columns)
        if spec.ncols is not None:
            spec.names, spec.binary = self._target(table, columns, spec.ncols)
        if td is not None and spec.ncols is not None:
            by_name = {c.name: c for c in td.columns}
            cols = [by_name.get(c) for c in columns] if columns is not None else td.columns[: spec.ncols]
            spec.plain = [bool(c and _NO_ESCAPES.match(c.duck_type)) for c in cols]
        return spec, []

    def _copy_block(self, spec: _CopySpec) -> Iterator[Event]:
        inp = self.inp
        window = COPY_WINDOW
        stats = {"bad_rows": 0, "bad_row_off": None, "bad_row_ex": "", "enc": 0, "enc_off": None, "enc_ex": "",
                 "bytea": 0, "bytea_ex": ""}
        first = True
        carry, carry_off = b"", 0
        while True:
            data, data_off, status, nrows = inp.copy_chunk(window, MAX_ROWS, self.max_statement)
            if status == "long":
                yield Problem("statement_too_large", data_off, spec.table, example=f"a COPY row longer than "
                              f"{self.max_statement >> 20} MB (raise --max-statement-mb to read it): skipped")
                continue
            if spec.fmt == "csv" and not spec.skip:
                # a quoted CSV value may hold newlines: parse only slices with balanced quotes
                if carry:
                    data, data_off, carry = carry + data, carry_off, b""
                if status == "more" and data.count(spec.quote.encode("utf-8")) % 2:
                    carry, carry_off = data, data_off
                    if len(carry) > self.max_statement:  # a quote that never closes: the rest of the block goes
                        yield Problem("statement_too_large", carry_off, spec.table, example=f"a quoted CSV value "
                                      f"runs over {self.max_statement >> 20} MB: the rest of this COPY is skipped")
                        spec.skip, carry = True, b""
                    continue
            if data and first and spec.header:
                nl = data.find(b"\n")
                data_off += nl + 1
                data = data[nl + 1 :]
            first = False if data else first
            if data and spec.skip:
                pass
            elif data:
                if self.encoding != "utf-8":
                    data = data.decode(self.encoding, "replace").encode("utf-8")
                table = self._parse_copy(data, data_off, spec, stats)
                if table is not None and table.num_rows:
                    yield RowBatch(spec.table, spec.columns, table, spec.offset)
                if status == "more" and nrows:
                    avg = len(data) / nrows
                    window = int(min(MAX_BYTES, max(MIN_WINDOW, avg * MAX_ROWS * 0.9)))
            if status == "end":
                break
            if status == "eof":
                yield from self._copy_problems(spec, stats)
                lost = mask_fields(bytes(inp.buf[inp.pos : inp.pos + SNIPPET]).decode(self.encoding, "replace"))
                yield Problem(
                    "truncated", inp.offset, table=spec.table,
                    example=(f"{inp.error}; " if inp.error else "")
                    + "dump ends inside COPY data" + (f", last incomplete row: {lost!r}" if lost else ""),
                    fatal=True,
                )
                inp.pos = len(inp.buf)
                self._fatal = True
                return
        yield from self._copy_problems(spec, stats)

    def _copy_problems(self, spec: _CopySpec, stats: dict) -> Iterator[Problem]:
        if stats["bad_rows"]:
            yield Problem("bad_row", stats["bad_row_off"], table=spec.table, example=stats["bad_row_ex"],
                          count=stats["bad_rows"])
        if stats["enc"]:
            yield Problem("bad_encoding", stats["enc_off"], table=spec.table, example=stats["enc_ex"],
                          count=stats["enc"])
        if stats["bytea"]:
            yield Problem("bad_value", spec.offset, table=spec.table, example=stats["bytea_ex"], count=stats["bytea"])

    def _parse_copy(
        self, data: bytes, data_off: int, spec: _CopySpec, stats: dict, empty_lines: bool = False,
        orig: bytes | None = None,
    ) -> pa.Table | None:
        orig = data if orig is None else orig
        if spec.ncols is None:
            nl = data.find(b"\n")
            firstline = data[: nl if nl >= 0 else len(data)].rstrip(b"\r")
            spec.ncols = firstline.count(spec.delimiter.encode("utf-8")) + 1
            spec.names, spec.binary = self._target(spec.table, spec.columns, spec.ncols)
        ncols = spec.ncols
        if ncols == 0:
            return None
        if ncols > 1 and empty_lines:
            # empty lines are rows with one field: pyarrow would pad them, report them here
            lines = data.split(b"\n")
            kept = []
            off = data_off
            for ln in lines[:-1]:
                if ln in (b"", b"\r"):
                    self._bad_row(stats, off, "(empty line)", ncols, 1)
                else:
                    kept.append(ln)
                off += len(ln) + 1
            data = b"\n".join(kept) + b"\n" if kept else b""
            if not data:
                return None
        bad_rows: list = []

        def handler(row) -> str:
            bad_rows.append((row.text, row.actual_columns))
            return "skip"

        cnames = [f"c{i}" for i in range(ncols)]
        csv = spec.fmt == "csv"
        parse = pacsv.ParseOptions(
            delimiter=spec.delimiter,
            quote_char=spec.quote if csv else False,
            double_quote=csv and (spec.escape is None or spec.escape == spec.quote),
            escape_char=spec.escape if csv and spec.escape and spec.escape != spec.quote else False,
            newlines_in_values=csv,
            ignore_empty_lines=False,
            invalid_row_handler=handler,
        )
        convert = pacsv.ConvertOptions(
            column_types={c: (pa.string()) for c in cnames},
            null_values=[spec.null],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        table = None
        # one block: no chunked columns to combine. One thread: the reader has a core of its own
        # already, and Arrow's per-thread buffers cost 50 MB of peak memory for nothing
        block = len(data) + 1
        for _attempt in range(3):
            bad_rows.clear()
            try:
                table = pacsv.read_csv(
                    pa.BufferReader(data),
                    read_options=pacsv.ReadOptions(column_names=cnames, block_size=block, use_threads=False),
                    parse_options=parse,
                    convert_options=convert,
                )
                break
            except pa.ArrowInvalid as e:
                msg = str(e)
                if "UTF8" in msg or "utf8" in msg.lower() or "UTF-8" in msg:
                    try:
                        data.decode("utf-8")
                        raise
                    except UnicodeDecodeError as ue:
                        fixed = data.decode("utf-8", "replace")
                        n_bad = fixed.count("\ufffd")
                        if not stats["enc"]:
                            stats["enc_off"] = data_off + ue.start
                            stats["enc_ex"] = mask_value(
                                data[max(0, ue.start - 60) : ue.start + 60].decode("utf-8", "replace").strip())
                        stats["enc"] += n_bad
                        data = fixed.encode("utf-8")
                        continue
                raise
        if table is None:  # pragma: no cover
            return None
        if ncols > 1 and not empty_lines and table.num_rows:
            # pyarrow pads an empty line to a row of empty strings: look for them in the
            # raw data only when such a row exists
            c0 = table.column(0)
            if pc.any(pc.equal(pc.binary_length(c0), 0)).as_py() and (
                data.startswith((b"\n", b"\r\n")) or b"\n\n" in data or b"\n\r\n" in data
            ):
                return self._parse_copy(data, data_off, spec, stats, empty_lines=True)
        for text, actual in bad_rows:
            self._bad_row(stats, data_off + _find_line(orig, text.encode("utf-8", "replace")), text, ncols, actual)
        slow_only = b"\x00" in data
        after = _escape_chars(data) if not csv else b""
        pairs = b"\\" in after
        escapes = [(esc, ch) for esc, ch in _SIMPLE_ESC.items() if esc[1].encode() in after]
        arrays = []
        for i, col in enumerate(table.columns):
            arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
            if spec.binary[i] if i < len(spec.binary) else False:
                arrays.append(self._bytea_column(arr, csv, stats))
                continue
            if not csv and not (i < len(spec.plain) and spec.plain[i] and not slow_only):
                arr, bad = _unescape_array(arr, escapes, pairs, slow_only)
                if bad:
                    if not stats["enc"]:
                        stats["enc_off"] = spec.offset
                        stats["enc_ex"] = "invalid UTF-8 from an octal/hex escape"
                    stats["enc"] += bad
            arrays.append(arr)
        return pa.Table.from_arrays(arrays, names=spec.names if len(spec.names) == ncols else cnames)

    def _bad_row(self, stats: dict, offset: int, text: str, ncols: int, actual: int) -> None:
        if not stats["bad_rows"] or offset < stats["bad_row_off"]:
            stats["bad_row_off"] = offset
            stats["bad_row_ex"] = f"{actual} fields for {ncols} columns: " + mask_fields(text[:SNIPPET])
        stats["bad_rows"] += 1

    def _bytea_column(self, arr: pa.Array, csv: bool, stats: dict) -> pa.Array:
        out = []
        for v in arr.to_pylist():
            if v is None:
                out.append(None)
                continue
            try:
                if not csv and v.startswith("\\\\x") and "\\" not in v[3:]:
                    out.append(bytes.fromhex(v[3:]))
                    continue
                t = v if csv else unescape_copy_text(v)[0]
                out.append(decode_bytea(t))
            except ValueError:
                stats["bytea"] += 1
                stats["bytea_ex"] = stats["bytea_ex"] or "invalid bytea: " + mask_value(v[:SNIPPET])
                out.append(None)
        return pa.array(out, pa.binary())
