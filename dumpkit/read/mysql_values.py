"""The VALUES list of a MySQL INSERT, turned into Arrow columns.

Two parsers give the same result, the one MariaDB stores:

* the fast path (mysql_tuples) handles what dump tools write (quoted strings
  with backslash escapes, numbers, NULL, `_binary '...'`, --hex-blob's 0x.. in
  binary columns, any whitespace between values) in one compiled pass.
* the slow path is a small tokenizer for everything else: X'..' / b'..'
  literals, 0x.. outside binary columns, double-quoted and adjacent strings, BIT
  columns, text that is not UTF-8, numbers a string column stores in another
  form (1e3 is '1000'), and expressions - now(), UNHEX('..'), 5-3 - which
  mysql_expr evaluates from an allow-list; anything else is an error with its
  offset. It also salvages the complete rows of a statement cut short.

Values stay text (binary columns: bytes); typed.py casts them to the column
types, so both paths only have to split and unescape. String bytes become
text by one rule (decode_text): UTF-8 where valid, else MySQL's latin1
(cp1252). How often a fallback was needed travels with the rows as schema
metadata (see NOTES_KEY), so the reader can report it.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

# MySQL string escapes (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html);
# \% and \_ keep their backslash, any other \x is just x.
UNESCAPE = np.arange(256, dtype=np.uint8)
for _k, _v in {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\x00", b"Z": b"\x1a", b"b": b"\x08"}.items():
    UNESCAPE[_k[0]] = _v[0]

NOTES_KEY = b"dumpkit.notes"  # schema metadata: JSON {kind: {column index: [count, example]}}


class Incomplete(Exception):
    """The text ends inside a string literal: the statement goes on past this line."""


class ValuesError(Exception):
    """The VALUES list cannot be read; `rows` holds the complete rows before the error."""

    def __init__(self, message: str, offset: int, rows: pa.Table | None = None):
        super().__init__(message)
        self.offset = offset
        self.rows = rows

    def __reduce__(self):  # crosses process boundaries from the parser workers
        return (ValuesError, (str(self), self.offset, self.rows))


def count_rows(values: bytes) -> int:
    """Number of tuples in a VALUES list, without reading the values (for inspect). When a
    string or parenthesis stays open, the careful tokenizer counts the rows staging keeps."""
    if not values:
        return 0
    from .mysql_tuples import count_tuples

    n = count_tuples(values)
    if n >= 0:
        return n
    try:
        return parse_values_slow(values).num_rows
    except ValuesError as e:
        return e.rows.num_rows if e.rows is not None else 0


def parse_values_fast(values: bytes, binary: set[int] | frozenset = frozenset(), types: tuple = ()) -> pa.Table | None:
    """Rows of a UTF-8 VALUES list (columns at `binary` positions as bytes; numbers and
    dates typed where `types` says so), or None when the slow path must take it (see mysql_tuples)."""
    from .mysql_tuples import split_values  # the C scanner: loaded where rows are parsed, not for every command

    return split_values(values, binary, types)


# ---------------------------------------------------------------- text decoding

def decode_latin1(raw: bytes) -> str:
    """MySQL's latin1 is cp1252 with the five undefined bytes mapped to C1 controls."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in raw)


def decode_text(raw: bytes, encoding: str) -> tuple[str, bool]:
    """(text, whether it needed a fallback) for a string value's bytes.

    encoding is a Python codec, or one of the reader's modes: "utf-8" (declared
    utf8/utf8mb4), "utf-8?" (nothing declared), "cp1252" (declared latin1). UTF-8
    modes fall back to latin1 per value: dumps that mix both exist (a latin1 shop
    converted halfway), and latin1 is what such bytes were on the server."""
    if encoding in ("utf-8", "utf-8?"):
        try:
            return raw.decode("utf-8"), False
        except UnicodeDecodeError:
            return decode_latin1(raw), True
    if encoding == "cp1252":
        return decode_latin1(raw), False
    try:
        return raw.decode(encoding), False
    except UnicodeDecodeError:
        return raw.decode(encoding, "replace"), True


def fallback_kind(encoding: str) -> str:
    """The issue kind for values that needed decode_text's fallback."""
    return "charset_guessed" if encoding == "utf-8?" else "bad_encoding"


def with_notes(table: pa.Table, notes: dict) -> pa.Table:
    return table.replace_schema_metadata({NOTES_KEY: json.dumps(notes)}) if notes else table


def table_notes(table: pa.Table) -> dict:
    """{kind: {column index: [count, example]}} attached by with_notes."""
    meta = table.schema.metadata or {}
    return json.loads(meta[NOTES_KEY]) if NOTES_KEY in meta else {}


def _note(notes: dict, kind: str, col: int, example: str) -> None:
    entry = notes.setdefault(kind, {}).setdefault(str(col), [0, example[:120]])
    entry[0] += 1


# ---------------------------------------------------------------- slow path

_TOKEN = re.compile(
    rb"""
    (?P<ws>\s+|/\*.*?\*/|--(?=\s|$)[^\n]*|\#[^\n]*)
  | (?P<str>(?:_(?P<intro>[A-Za-z]\w*)\s*|(?P<national>[nN]))?'(?P<sbody>(?:[^'\\]++|\\.|'')*+)')
  | (?P<dstr>"(?P<dbody>(?:[^"\\]++|\\.|"")*+)")
  | (?P<hex>0x(?P<hbody>[0-9a-fA-F]+)(?![\w$])|[xX]'(?P<hbody2>(?:[0-9a-fA-F]{2})*)')
  | (?P<bits>0b(?P<bbody>[01]+)(?![\w$])|[bB]'(?P<bbody2>[01]*)')
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w$]))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),])
  | (?P<op>[-+*/%^&|~<>=!.])
    """,
    re.S | re.X,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\x00", b"Z": b"\x1a", b"b": b"\x08", b"%": b"\\%", b"_": b"\\_"}
_UNESCAPE = {b"'": re.compile(rb"\\(.)|''", re.S), b'"': re.compile(rb'\\(.)|""', re.S)}


def unescape_bytes(body: bytes, quote: bytes = b"'") -> bytes:
    """A quoted string's bytes: backslash escapes and doubled quotes, in one left-to-right pass."""
    if b"\\" not in body and quote + quote not in body:
        return body
    return _UNESCAPE[quote].sub(lambda m: quote if m.group(1) is None else _ESCAPES.get(m.group(1), m.group(1)), body)


@dataclass
class _Raw:
    """A binary string (0x.., X'..', b'..', _binary '..', UNHEX()): bytes whatever the charset."""

    data: bytes


class _Hybrid(_Raw):
    """A 0x.., b'..' or 0b.. literal: a number where the column is numeric (MariaDB reads
    X'..' there as a string)."""


class _Str(bytes):
    """A string literal's bytes, decoded once its column is known (a BLOB keeps the bytes)."""


@dataclass
class _Evaluated:
    """A value the server computes (now(), an expression): staged, and counted as such."""

    value: object
    expression: str


RESTORE_TIME = "DUMPKIT_RESTORE_TIME"


def restore_time() -> _dt.datetime:
    """The moment now() means while staging: the stager pins it (to the dump file's time) so the
    same dump stages the same every time; the server would use its restore time."""
    pinned = __import__("os").environ.get(RESTORE_TIME)
    return _dt.datetime.fromisoformat(pinned) if pinned else _dt.datetime.now().replace(microsecond=0)


class _Lit(str):
    """A number as the dump wrote it, with its sign (`-5`, `1e3`, `007.50`): a numeric column
    reads this text (as the fast path passes it on), a text column gets the server's text."""


_CONSTANTS = {b"NULL": None, b"TRUE": 1, b"FALSE": 0, b"DEFAULT": None}
_LITERALS = frozenset(["str", "dstr", "hex", "bits", "num"])
_ENDS = (b",", b")")
MAX_DEPTH = 64  # nesting in one value (functions, parentheses, signs): far beyond installer SQL, far below Python's stack
MAX_TOKENS = 4096  # in one value that is an expression: installer SQL writes a handful


class _Scanner:
    def __init__(self, text: bytes, encoding: str):
        self.text = text
        self.pos = 0
        self.encoding = encoding

    def token(self):
        while True:
            m = _TOKEN.match(self.text, self.pos)
            if not m:
                if self.pos >= len(self.text):
                    return None, None, self.pos
                if self.text[self.pos:self.pos + 1] in b"'\"":
                    raise Incomplete()  # a string that never closes
                raise ValuesError(f"unexpected {self.text[self.pos:self.pos + 20]!r}", self.pos)
            self.pos = m.end()
            if m.lastgroup != "ws":
                return m.lastgroup, m, m.start()

    def peek(self):
        save = self.pos
        try:
            return self.token()
        finally:
            self.pos = save

    def value(self):
        """One value, up to the ',' or ')' that ends it: a literal (the common case, read
        directly), a signed number, adjacent strings, or an expression for mysql_expr."""
        kind, m, start = self.token()
        if kind is None:
            raise Incomplete()
        after = self.pos
        k2, m2, p2 = self.token()
        if k2 == "punct" and m2.group(0) in _ENDS:
            self.pos = p2
            if kind in _LITERALS:
                return self.literal(kind, m)
            if kind == "word" and m.group(0).upper() in _CONSTANTS:
                return _CONSTANTS[m.group(0).upper()]
        elif k2 == "num" and kind == "op" and m.group(0) in b"-+":
            k3, m3, p3 = self.token()
            if k3 == "punct" and m3.group(0) in _ENDS:
                self.pos = p3
                return _Lit(m.group(0).decode() + self.literal(k2, m2))
        self.pos = after
        return self.expression(self.tokens(kind, m, start), start)

    def tokens(self, kind, m, start) -> list:
        """The tokens of a value from its first to the ',' or ')' that ends it, nesting bounded
        (parentheses, and signs in a row: 3,000 minus signs are a hostile value, not a number)."""
        out, depth, run, p = [], 0, 0, start
        while True:
            if kind is None:
                raise Incomplete()
            if kind == "punct":
                c = m.group(0)
                if depth == 0 and c != b"(":
                    self.pos = p
                    return out
                depth += 1 if c == b"(" else -1 if c == b")" else 0
            run = run + 1 if kind == "op" else 0
            if depth > MAX_DEPTH or run > MAX_DEPTH:
                raise ValuesError(f"the value is nested more than {MAX_DEPTH} deep", start)
            if len(out) >= MAX_TOKENS:
                raise ValuesError(f"the value is an expression of more than {MAX_TOKENS} parts", start)
            out.append((kind, m))
            kind, m, p = self.token()

    def expression(self, tokens: list, start: int):
        """An expression's value via mysql_expr: literals become markers ('#0'...) so that
        sqlglot sees only numbers, words and operators; adjacent strings are one string."""
        from .mysql_expr import ExprError, evaluate

        _check_shape(tokens, start)
        literals, parts, prev = [], [], None
        for kind, m in tokens:
            if kind in ("str", "dstr", "hex", "bits"):
                plain = kind == "dstr" or (kind == "str" and not (m.group("intro") or m.group("national")))
                if plain and prev in ("str", "dstr"):
                    literals[-1] = self.joined(literals[-1], self.literal(kind, m))
                else:
                    parts.append(f"'#{len(literals)}'")
                    literals.append(self.literal(kind, m))
            else:
                parts.append(m.group(0).decode("ascii"))
            prev = kind
        if len(parts) == 1 and literals:
            return literals[0]  # adjacent strings only: 'a' 'b'
        sql = " ".join(parts)
        try:
            value, clock = evaluate(sql, literals, self.encoding)
        except ExprError as e:
            raise ValuesError(f"cannot read the value {_snippet(self.text[start:self.pos], 60)!r}: {e}", start) from None
        return _Evaluated(value, _snippet(self.text[start:self.pos].strip(), 60)) if clock else value

    def joined(self, a, b):
        """'a' 'b': MySQL reads adjacent string literals as one (of the first one's kind)."""
        if isinstance(a, _Raw):
            return _Raw(a.data + bytes(b))
        if isinstance(a, str):
            return a + decode_text(bytes(b), self.encoding)[0]
        return _Str(bytes(a) + bytes(b))

    def literal(self, kind: str, m):
        """A literal token's value: _Lit, _Str, text (an introducer named its charset), _Raw or _Hybrid."""
        if kind == "num":
            text = m.group(0).decode()
            if ("e" in text or "E" in text) and float(text) in (float("inf"), float("-inf")):
                raise ValuesError(f"illegal double {text[:40]!r}", m.start())
            return _Lit(text)
        if kind == "str":
            raw = unescape_bytes(m.group("sbody"))
            intro = (m.group("intro") or b"").lower()
            if intro and intro not in _CHARSETS:
                raise ValuesError(f"unknown character set _{intro.decode('ascii', 'replace')[:20]}", m.start())
            if intro == b"binary":
                return _Raw(raw)
            if m.group("national"):
                intro = b"utf8"
            enc = _INTRODUCER.get(intro)
            return _Str(raw) if enc is None else decode_text(raw, enc)[0]
        if kind == "dstr":
            return _Str(unescape_bytes(m.group("dbody"), b'"'))
        if kind == "hex":
            if m.group("hbody") is None:
                return _Raw(bytes.fromhex(m.group("hbody2").decode()))
            body = m.group("hbody").decode()
            return _Hybrid(bytes.fromhex(body if len(body) % 2 == 0 else "0" + body))
        body = m.group("bbody") if m.group("bbody") is not None else m.group("bbody2")
        n = int(body or b"0", 2)
        return _Hybrid(n.to_bytes(max(1, (len(body) + 7) // 8), "big") if body else b"")


def _check_shape(tokens: list, start: int) -> None:
    """What sqlglot reads but MariaDB refuses: an empty element of a list ((, 2), CONCAT('a',))
    and an INTERVAL without its unit (sqlglot supplies DAY)."""
    prev = b"("
    for k, (kind, m) in enumerate(tokens):
        tok = m.group(0)
        if tok in (b",", b")") and prev in (b"(", b",") and (tok, prev) != (b")", b"("):
            raise ValuesError("an empty value in a list", start)
        prev = tok if kind == "punct" else None
        if kind == "word" and tok.upper() == b"INTERVAL" and not _interval_unit(tokens, k):
            raise ValuesError("an INTERVAL without a unit", start)
    if prev == b",":
        raise ValuesError("an empty value in a list", start)


def _interval_unit(tokens: list, k: int) -> bytes | None:
    """The unit word that ends the INTERVAL at tokens[k], if there is one before its end."""
    from .mysql_expr import INTERVAL_UNITS

    depth = 0
    for kind, m in tokens[k + 1:]:
        tok = m.group(0)
        if tok == b"(":
            depth += 1
        elif tok == b")" and depth:
            depth -= 1
        elif tok in (b")", b","):
            return None
        elif kind == "word" and not depth and tok.upper().decode() in INTERVAL_UNITS:
            return tok
    return None


_INTRODUCER = {b"utf8": "utf-8", b"utf8mb4": "utf-8", b"utf8mb3": "utf-8", b"latin1": "cp1252", b"ascii": "ascii"}
# MariaDB's character sets: `_name'..'` for another name is a column name, an error
_CHARSETS = frozenset(b"""armscii8 ascii big5 binary cp1250 cp1251 cp1256 cp1257 cp850 cp852 cp866 cp932 dec8 eucjpms
    euckr gb2312 gbk geostd8 greek hebrew hp8 keybcs2 koi8r koi8u latin1 latin2 latin5 latin7 macce macroman sjis
    swe7 tis620 ucs2 ujis utf16 utf16le utf32 utf8 utf8mb3 utf8mb4""".split())


def _snippet(text: bytes, n: int = 80) -> str:
    return text[:n].decode("utf-8", "replace").replace("\n", "\\n") + ("..." if len(text) > n else "")


def parse_values_slow(values: bytes, encoding: str = "utf-8", binary: set[int] | frozenset = frozenset(),
                      bits: set[int] | frozenset = frozenset(), numeric: set[int] | frozenset = frozenset(),
                      infer_binary: bool = False, types: tuple = ()) -> pa.Table:
    """Rows of a VALUES list, tolerant of every literal form MySQL accepts.

    Columns at `binary` positions keep bytes, `bits` (BIT columns) read binary
    strings as big-endian numbers, `numeric` read 0x/b'' literals as numbers;
    other strings are text (decode_text with `encoding`). `types` (the staged
    DuckDB types) tell integer columns, where a DOUBLE rounds half to even. With
    `infer_binary` (no CREATE TABLE known) a column of only binary literals stays
    bytes. Raises ValuesError (with the rows read so far) when the text cannot be
    read or stops mid-row."""
    sc = _Scanner(values, encoding)
    rows: list[list] = []
    ncols = None
    start = 0  # where the current row begins
    try:
        while True:
            kind, m, start = sc.token()
            if kind is None:
                break
            if m.group(0) != b"(":
                raise ValuesError(f"expected '(' but found {m.group(0)[:20]!r}", start)
            row = []
            while True:
                row.append(sc.value())
                k, m2, p = sc.token()
                if k is None:
                    raise Incomplete()
                if m2.group(0) == b")":
                    break
                if m2.group(0) != b",":
                    raise ValuesError(f"expected ',' or ')' but found {m2.group(0)[:20]!r}", p)
            if ncols is None:
                ncols = len(row)
            elif len(row) != ncols:
                raise ValuesError(f"row has {len(row)} values, earlier rows have {ncols}", start)
            rows.append(row)
            k, m3, p = sc.token()
            if k is None:
                break
            if m3.group(0) != b",":
                raise ValuesError(f"expected ',' between rows but found {m3.group(0)[:20]!r}", p)
            if sc.peek()[0] is None:
                raise ValuesError("no row after the last ','", p)
    except (ValuesError, Incomplete, ValueError) as e:
        done = _rows_to_table(rows, ncols or 0, binary, bits, numeric, encoding, infer_binary, types) if rows else None
        pos = e.offset if isinstance(e, ValuesError) and e.offset else sc.pos
        if isinstance(e, Incomplete):
            msg = "statement ends in the middle of a row"
            pos = start
        else:
            msg = str(e)
        near = values[max(0, pos - 30):pos + 50]
        raise ValuesError(f"{msg} (near byte {pos}: {_snippet(near)!r})", pos, done) from None
    return _rows_to_table(rows, ncols or 0, binary, bits, numeric, encoding, infer_binary, types)


def _rows_to_table(rows: list[list], ncols: int, binary, bits, numeric, encoding: str, infer_binary: bool = False,
                   types: tuple = ()) -> pa.Table:
    from .typed import INTEGER_TYPES

    notes: dict = {}
    cols = []
    for i in range(ncols):
        vals = [r[i].value if isinstance(r[i], _Evaluated) else r[i] for r in rows]
        if i in binary or (infer_binary and any(isinstance(v, _Raw) for v in vals)
                           and all(v is None or isinstance(v, _Raw) for v in vals)):
            out = [None if v is None else _bytes(v) for v in vals]
            cols.append(pa.array(out, pa.binary()))
        else:
            integer = i < len(types) and types[i] in INTEGER_TYPES
            out = []
            for v in vals:
                if isinstance(v, (_Raw, _Str)) and (i in bits or (i in numeric and isinstance(v, _Hybrid))):
                    v = str(int.from_bytes(_bytes(v), "big"))  # b'101', 0x05, BIT bytes: a number
                elif isinstance(v, (_Raw, _Str)):
                    v, fallback = decode_text(_bytes(v), encoding)
                    if fallback:
                        _note(notes, fallback_kind(encoding), i, v)
                elif v is not None and (isinstance(v, _Lit) or not isinstance(v, str)):
                    v = _number_text(v, i in numeric or i in bits, integer)
                out.append(v)
            cols.append(pa.array(out, pa.string()))
        computed = [k for k, r in enumerate(rows) if isinstance(r[i], _Evaluated)]
        if computed:
            first = computed[0]
            notes.setdefault("value_computed", {})[str(i)] = [
                len(computed), f"{rows[first][i].expression} staged as {out[first]!r}"[:120]]
    return with_notes(pa.table(cols, names=[f"c{i}" for i in range(ncols)]), notes)


def _number_text(v, numeric: bool, integer: bool) -> str:
    """A number (or date) as the text its column reads: a numeric column takes a literal as
    written (as the fast path passes it on) or a value's exact text, an integer column a
    DOUBLE rounded half to even as the server stores it; a text column the server's text."""
    from .mysql_expr import negate, number, text_of

    if isinstance(v, _Lit):
        if numeric and not (integer and ("e" in v or "E" in v)):
            return str(v)
        v = negate(number(v[1:])) if v[0] == "-" else number(v.lstrip("+"))
    if numeric and isinstance(v, float):
        return str(round(v)) if integer else repr(v)
    return text_of(v)


def _bytes(v) -> bytes:
    if isinstance(v, _Raw):
        return v.data
    if isinstance(v, _Str):
        return bytes(v)
    if not isinstance(v, str) or isinstance(v, _Lit):
        v = _number_text(v, False, False)
    return v.encode("utf-8")
