"""The VALUES list of a MySQL INSERT, turned into Arrow columns.

Two parsers give the same result:

* the fast path (mysql_tuples) handles what dump tools write (quoted strings
  with backslash escapes, numbers, NULL, `_binary '...'`, --hex-blob's 0x.. in
  binary columns, any whitespace between values) in one compiled pass.
* the slow path is a small tokenizer for everything else: X'..' / b'..'
  literals, 0x.. outside binary columns, function calls such as now() or UNHEX('..'), double-quoted
  strings, BIT columns, text that is not UTF-8. It also salvages the complete
  rows of a statement cut short.

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
    (?P<ws>\s+|/\*.*?\*/)
  | (?P<str>(?:_(?P<intro>[A-Za-z]\w*)\s*|(?P<national>[nN]))?'(?P<sbody>(?:[^'\\]++|\\.|'')*+)')
  | (?P<dstr>"(?P<dbody>(?:[^"\\]++|\\.|"")*+)")
  | (?P<hex>0x(?P<hbody>[0-9a-fA-F]*)(?![\w])|[xX]'(?P<hbody2>[0-9a-fA-F]*)')
  | (?P<bits>0b(?P<bbody>[01]+)(?![\w])|[bB]'(?P<bbody2>[01]*)')
  | (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>[(),])
  | (?P<sign>[-+])
    """,
    re.S | re.X,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\x00", b"Z": b"\x1a", b"b": b"\x08", b"%": b"\\%", b"_": b"\\_"}
_ESCAPE_RE = re.compile(rb"\\(.)", re.S)


def unescape_bytes(body: bytes, quote: bytes = b"'") -> bytes:
    body = body.replace(quote + quote, quote) if quote + quote in body else body
    if b"\\" not in body:
        return body
    return _ESCAPE_RE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


@dataclass
class _Raw:
    """A binary string (0x.., X'..', b'..', _binary '..', UNHEX()): bytes whatever the charset."""

    data: bytes


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


def _now() -> str:
    return restore_time().strftime("%Y-%m-%d %H:%M:%S")


def _today() -> str:
    return restore_time().date().isoformat()


def _pin_clock(node):
    """now(), curdate() and friends inside an expression read the restore time."""
    exp = __import__("sqlglot").exp
    name = node.name.upper() if isinstance(node, exp.Anonymous) else ""
    if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDatetime, exp.Localtimestamp)) or name in ("NOW", "SYSDATE"):
        return exp.cast(exp.Literal.string(_now()), "TIMESTAMP")
    if isinstance(node, exp.CurrentDate) or name == "CURDATE":
        return exp.cast(exp.Literal.string(_today()), "DATE")
    return node


# functions seen inside VALUES of installer SQL and exports, evaluated as the server would
_FUNCTIONS = {
    "NOW": lambda args: _now(),
    "CURRENT_TIMESTAMP": lambda args: _now(),
    "SYSDATE": lambda args: _now(),
    "LOCALTIMESTAMP": lambda args: _now(),
    "CURDATE": lambda args: _today(),
    "CURRENT_DATE": lambda args: _today(),
    "UNHEX": lambda args: _Raw(bytes.fromhex(_text(args[0]))),
    "FROM_BASE64": lambda args: _Raw(__import__("base64").b64decode(_text(args[0]))),
    "CONCAT": lambda args: None if None in args else "".join(_text(a) for a in args),
    "CHAR": lambda args: _Raw(bytes(int(_text(a)) for a in args)),
    "MD5": lambda args: __import__("hashlib").md5(_bytes(args[0])).hexdigest(),
    "PASSWORD": lambda args: "*" + __import__("hashlib").sha1(__import__("hashlib").sha1(_bytes(args[0])).digest()).hexdigest().upper(),
    "FROM_UNIXTIME": lambda args: _dt.datetime.fromtimestamp(float(_text(args[0])), _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
}
# functions whose value does not depend on when the dump is read
_PURE = {"UNHEX", "FROM_BASE64", "CONCAT", "CHAR", "MD5", "PASSWORD", "FROM_UNIXTIME"}
_CONSTANTS = {"NULL": None, "TRUE": "1", "FALSE": "0", "CURRENT_TIMESTAMP": None, "DEFAULT": None}


def _bytes(v) -> bytes:
    return v.data if isinstance(v, _Raw) else bytes(v) if isinstance(v, _Str) else str(v).encode()


def _text(v) -> str:
    if isinstance(v, _Raw):
        return v.data.decode("utf-8", "replace")
    if isinstance(v, _Str):
        return decode_text(v, "utf-8?")[0]
    return str(v)


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

    def value(self):
        kind, m, start = self.token()
        if kind is None:
            raise Incomplete()
        if kind == "sign":
            v = self.value()
            if isinstance(v, _Evaluated):
                v = v.value
            v = _text(v)
            if m.group(0) == b"+":
                return v
            return v[1:] if v.startswith("-") else "-" + v
        if kind == "str":
            raw = unescape_bytes(m.group("sbody"))
            intro = (m.group("intro") or b"").lower()
            if intro == b"binary":
                return _Raw(raw)
            if m.group("national"):
                intro = b"utf8"
            enc = _INTRODUCER.get(intro)
            return _Str(raw) if enc is None else decode_text(raw, enc)[0]
        if kind == "dstr":
            return _Str(unescape_bytes(m.group("dbody"), b'"'))
        if kind == "hex":
            body = m.group("hbody") if m.group("hbody") is not None else m.group("hbody2")
            return _Raw(bytes.fromhex(body.decode() if len(body) % 2 == 0 else "0" + body.decode()))
        if kind == "bits":
            body = m.group("bbody") if m.group("bbody") is not None else m.group("bbody2")
            n = int(body or b"0", 2)
            return _Raw(n.to_bytes(max(1, (len(body) + 7) // 8), "big"))
        if kind == "num":
            return m.group(0).decode()
        if kind == "word":
            name = m.group(0).decode().upper()
            save = self.pos
            k2, m2, _ = self.token()
            if k2 == "punct" and m2.group(0) == b"(":
                args = []
                k3, m3, _ = self._peek()
                if not (k3 == "punct" and m3.group(0) == b")"):
                    while True:
                        v = self.value()
                        args.append(v.value if isinstance(v, _Evaluated) else v)
                        k4, m4, p4 = self.token()
                        if k4 is None:
                            raise Incomplete()
                        if m4.group(0) == b")":
                            break
                        if m4.group(0) != b",":
                            raise ValuesError(f"unexpected {m4.group(0)!r} in {name}()", p4)
                else:
                    self.token()
                fn = _FUNCTIONS.get(name)
                if fn is None:
                    raise ValuesError(f"function {name}() is not supported in VALUES", start)
                v = fn(args)
                return v if name in _PURE else _Evaluated(v, f"{name.lower()}()")
            self.pos = save
            if name in _CONSTANTS:
                return _CONSTANTS[name] if name != "CURRENT_TIMESTAMP" else _Evaluated(_now(), "CURRENT_TIMESTAMP")
            raise ValuesError(f"unexpected word {name} in VALUES", start)
        raise ValuesError(f"unexpected {m.group(0)!r}", start)

    def expression_value(self):
        """One value; when it is an expression (now() - INTERVAL 1 DAY, YEAR(NOW())...),
        evaluate it the way the server would, via sqlglot and DuckDB."""
        start = self.pos
        try:
            v = self.value()
            k, m, p = self._peek()
            if k is None or m.group(0) in (b",", b")"):
                return v
        except ValuesError:
            pass
        self.pos = start
        depth = 0
        while True:
            k, m, p = self.token()
            if k is None:
                raise Incomplete()
            tok = m.group(0)
            if k == "punct":
                if tok == b"(":
                    depth += 1
                elif depth == 0:
                    self.pos = p
                    break
                elif tok == b")":
                    depth -= 1
        expr = self.text[start:self.pos]
        try:
            return _Evaluated(evaluate(expr, self.encoding), _snippet(expr, 60))
        except ValuesError as e:
            e.offset = start + len(expr) - len(expr.lstrip())  # where the value starts
            raise

    def _peek(self):
        save = self.pos
        tok = self.token()
        self.pos = save
        return tok


_EVAL_CON = None


def evaluate(expr: bytes, encoding: str):
    """A MySQL expression's value, computed by DuckDB after sqlglot translates it."""
    global _EVAL_CON
    import duckdb
    import sqlglot

    text = decode_text(expr, encoding)[0].strip()
    try:
        tree = sqlglot.parse_one(text, read="mysql")
        # a value refers to nothing: `'a' x` (an alias) or a bare word is a broken row, not a value
        if isinstance(tree, sqlglot.exp.Alias) or tree.find(sqlglot.exp.Column) is not None:
            raise ValueError("not a value")
        sql = tree.transform(_pin_clock).sql("duckdb")
        if _EVAL_CON is None:
            _EVAL_CON = duckdb.connect()
            # MySQL date functions sqlglot passes through unchanged
            for name, body in [("adddate", "d + i"), ("subdate", "d - i"), ("unix_timestamp", "epoch(d)")]:
                args = "d" if name == "unix_timestamp" else "d, i"
                _EVAL_CON.execute(f"CREATE MACRO {name}({args}) AS {body}")
        v = _EVAL_CON.execute(f"SELECT {sql}").fetchone()[0]
    except Exception as e:
        raise ValuesError(f"cannot read the value {text[:60]!r}: {str(e).splitlines()[0][:100]}", 0) from None
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray)):
        return _Raw(bytes(v))
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


_INTRODUCER = {b"utf8": "utf-8", b"utf8mb4": "utf-8", b"utf8mb3": "utf-8", b"latin1": "cp1252", b"ascii": "ascii"}


def _snippet(text: bytes, n: int = 80) -> str:
    return text[:n].decode("utf-8", "replace").replace("\n", "\\n") + ("..." if len(text) > n else "")


def parse_values_slow(values: bytes, encoding: str = "utf-8", binary: set[int] | frozenset = frozenset(),
                      bits: set[int] | frozenset = frozenset(), numeric: set[int] | frozenset = frozenset(),
                      infer_binary: bool = False) -> pa.Table:
    """Rows of a VALUES list, tolerant of every literal form MySQL accepts.

    Columns at `binary` positions keep bytes, `bits` (BIT columns) read binary
    strings as big-endian numbers, `numeric` read 0x/b'' literals as numbers;
    other strings are text (decode_text with `encoding`). With `infer_binary`
    (no CREATE TABLE known) a column of only binary literals stays bytes. Raises
    ValuesError (with the rows read so far) when the text cannot be read or stops
    mid-row."""
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
                row.append(sc.expression_value())
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
    except (ValuesError, Incomplete, ValueError) as e:
        done = _rows_to_table(rows, ncols or 0, binary, bits, numeric, encoding, infer_binary) if rows else None
        pos = e.offset if isinstance(e, ValuesError) and e.offset else sc.pos
        if isinstance(e, Incomplete):
            msg = "statement ends in the middle of a row"
            pos = start
        else:
            msg = str(e)
        near = values[max(0, pos - 30):pos + 50]
        raise ValuesError(f"{msg} (near byte {pos}: {_snippet(near)!r})", pos, done) from None
    return _rows_to_table(rows, ncols or 0, binary, bits, numeric, encoding, infer_binary)


def _rows_to_table(rows: list[list], ncols: int, binary, bits, numeric, encoding: str, infer_binary: bool = False) -> pa.Table:
    notes: dict = {}
    cols = []
    for i in range(ncols):
        vals = []
        for r in rows:
            v = r[i]
            if isinstance(v, _Evaluated):
                _note(notes, "value_computed", i, f"{v.expression} staged as {v.value!r}")
                v = v.value
            vals.append(v)
        if i in binary or (infer_binary and any(isinstance(v, _Raw) for v in vals)
                           and all(v is None or isinstance(v, _Raw) for v in vals)):
            cols.append(pa.array([None if v is None else _bytes(v) for v in vals], pa.binary()))
            continue
        out = []
        for v in vals:
            if isinstance(v, (_Raw, _Str)) and (i in bits or (i in numeric and isinstance(v, _Raw))):
                v = str(int.from_bytes(_bytes(v), "big"))  # b'101', 0x05, BIT bytes: a number
            elif isinstance(v, (_Raw, _Str)):
                text, fallback = decode_text(_bytes(v), encoding)
                if fallback:
                    _note(notes, fallback_kind(encoding), i, text)
                v = text
            out.append(v)
        cols.append(pa.array(out, pa.string()))
    return with_notes(pa.table(cols, names=[f"c{i}" for i in range(ncols)]), notes)
