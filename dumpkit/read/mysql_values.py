"""The VALUES list of a MySQL INSERT, turned into Arrow columns.

Two parsers give the same result:

* the fast path handles what dump tools write (quoted strings with backslash
  escapes, numbers, NULL, any whitespace between values) with whole-buffer
  numpy operations: escapes are resolved, quote parity marks what is inside a
  string, the `),(` between tuples become line breaks, and pyarrow's C++ CSV
  reader splits the fields. About 100 MB/s per core.
* the slow path is a small tokenizer for everything else: `_binary '...'`,
  0x / X'..' / b'..' literals, function calls such as now() or UNHEX('..'),
  double-quoted strings, invalid UTF-8. It also salvages the complete rows of
  a statement cut short.

Values stay text (binary columns: bytes); the stager casts them to the
column types, so both paths only have to split and unescape.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

# MySQL string escapes (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html);
# \% and \_ keep their backslash, any other \x is just x.
_UNESCAPE = np.arange(256, dtype=np.uint8)
for _k, _v in {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"0": b"\x00", b"Z": b"\x1a", b"b": b"\x08"}.items():
    _UNESCAPE[_k[0]] = _v[0]
_KEEP_BACKSLASH = np.zeros(256, bool)
_KEEP_BACKSLASH[ord("%")] = _KEEP_BACKSLASH[ord("_")] = True
# bytes the fast path accepts outside string literals: numbers, NULL, separators
_FAST_OUTSIDE = np.zeros(256, bool)
for _c in b"0123456789.eE+-,NUL()":
    _FAST_OUTSIDE[_c] = True
_SPACE = np.zeros(256, bool)
for _c in b" \t\r\n":
    _SPACE[_c] = True
Q, BS, LP, RP, COMMA, NL = 39, 92, 40, 41, 44, 10


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


def _unescape(a: np.ndarray) -> np.ndarray:
    """Resolve backslash escapes; \\' becomes '' so quote parity still tells strings apart."""
    bs = np.flatnonzero(a == BS)
    if bs.size == 0:
        return a
    # in a run of backslashes, every other one starts an escape (\\\\ is two escaped backslashes)
    idx = np.arange(bs.size)
    newrun = np.ones(bs.size, bool)
    newrun[1:] = bs[1:] != bs[:-1] + 1
    runstart = np.maximum.accumulate(np.where(newrun, idx, 0))
    esc = bs[((idx - runstart) & 1) == 0]
    esc = esc[esc + 1 < a.size]
    nxt = a[esc + 1]
    out = a.copy()
    quote = nxt == Q
    out[esc[quote]] = Q
    drop = esc[~quote & ~_KEEP_BACKSLASH[nxt]]
    out[drop + 1] = _UNESCAPE[a[drop + 1]]
    keep = np.ones(a.size, bool)
    keep[drop] = False
    return out[keep]


def _inside_strings(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    q = a == Q
    inside = np.bitwise_xor.accumulate(q.view(np.uint8)).view(bool)
    return q, inside


def quotes_balanced(text: bytes) -> bool:
    """True when every string literal in text is closed (escapes taken into account)."""
    a = _unescape(np.frombuffer(text, np.uint8))
    return int(np.count_nonzero(a == Q)) % 2 == 0


def count_rows(values: bytes) -> int:
    """Number of tuples in a VALUES list, without parsing the values (for inspect)."""
    a = _unescape(np.frombuffer(values, np.uint8))
    q, inside = _inside_strings(a)
    outside = ~(inside | q)
    a = a[outside & ~_SPACE[a]]
    return int(np.count_nonzero((a[:-2] == RP) & (a[1:-1] == COMMA) & (a[2:] == LP))) + (1 if a.size else 0)


def _to_csv(values: bytes) -> np.ndarray | None:
    """`(1,'a'),(2,'b')` as CSV lines `,1,'a',` - or None when the fast path does not apply."""
    a = _unescape(np.frombuffer(values, np.uint8))
    q, inside = _inside_strings(a)
    if inside[-1]:
        raise Incomplete()
    outside = ~(inside | q)
    space = outside & _SPACE[a]
    if space.any():
        a = a[~space]
        q, inside = _inside_strings(a)
        outside = ~(inside | q)
    if a.size < 2 or a[0] != LP or a[-1] != RP or not _FAST_OUTSIDE[a[outside]].all():
        return None
    sep = np.flatnonzero((a[:-2] == RP) & (a[1:-1] == COMMA) & (a[2:] == LP))
    sep = sep[outside[sep]]
    out = a.copy() if not a.flags.writeable else a
    # ")" "," "(" -> "," "\n" ","  : every row gets an empty first and last field
    out[sep] = COMMA
    out[sep + 1] = NL
    out[sep + 2] = COMMA
    out[0] = COMMA
    out[-1] = COMMA
    # parentheses left outside strings mean function calls or nested tuples
    rest = outside.copy()
    rest[sep] = rest[sep + 2] = False
    rest[0] = rest[-1] = False
    if ((a == LP) | (a == RP))[rest].any():
        return None
    return out


_PARSE = pacsv.ParseOptions(quote_char="'", double_quote=True, escape_char=False, newlines_in_values=True)


def parse_values_fast(values: bytes, binary: set[int] | frozenset = frozenset()) -> pa.Table | None:
    """Rows of a VALUES list, or None when the slow path must take it.
    Raises Incomplete when the text ends inside a string."""
    csv = _to_csv(values)
    if csv is None:
        return None
    first_nl = np.flatnonzero(csv == NL)
    ncols = (
        _count_fields(csv[: first_nl[0]] if first_nl.size else csv)
    )
    names = [f"c{i}" for i in range(ncols)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(csv),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=1 << 26),
            parse_options=_PARSE,
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=["NULL"],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                include_columns=names[1:-1],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # ragged rows, invalid UTF-8...: the slow path says exactly what
    if binary:
        cols = [c.cast(pa.binary()) if i in binary else c for i, c in enumerate(table.columns)]
        table = pa.table(cols, names=table.column_names)
    return table


def _count_fields(line: np.ndarray) -> int:
    q, inside = _inside_strings(line)
    commas = (line == COMMA) & ~inside & ~q
    return int(commas.sum()) + 1


# ---------------------------------------------------------------- slow path

_TOKEN = re.compile(
    rb"""
    (?P<ws>\s+|/\*.*?\*/)
  | (?P<str>(?:_(?P<intro>\w+)\s*)?'(?P<sbody>(?:[^'\\]|\\.|'')*)')
  | (?P<dstr>"(?P<dbody>(?:[^"\\]|\\.|"")*)")
  | (?P<hex>0x(?P<hbody>[0-9a-fA-F]*)|[xX]'(?P<hbody2>[0-9a-fA-F]*)')
  | (?P<bits>0b(?P<bbody>[01]+)|[bB]'(?P<bbody2>[01]*)')
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
    """A value whose bytes must stay bytes (binary literal) until the column decides."""

    data: bytes


def _now() -> str:
    return _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


# functions seen inside VALUES of installer SQL and exports, evaluated as the server would
_FUNCTIONS = {
    "NOW": lambda args: _now(),
    "CURRENT_TIMESTAMP": lambda args: _now(),
    "SYSDATE": lambda args: _now(),
    "LOCALTIMESTAMP": lambda args: _now(),
    "CURDATE": lambda args: _dt.date.today().isoformat(),
    "CURRENT_DATE": lambda args: _dt.date.today().isoformat(),
    "UNHEX": lambda args: _Raw(bytes.fromhex(_text(args[0]))),
    "FROM_BASE64": lambda args: _Raw(__import__("base64").b64decode(_text(args[0]))),
    "CONCAT": lambda args: None if None in args else "".join(_text(a) for a in args),
    "CHAR": lambda args: _Raw(bytes(int(_text(a)) for a in args)),
    "MD5": lambda args: __import__("hashlib").md5(_bytes(args[0])).hexdigest(),
    "PASSWORD": lambda args: "*" + __import__("hashlib").sha1(__import__("hashlib").sha1(_bytes(args[0])).digest()).hexdigest().upper(),
    "FROM_UNIXTIME": lambda args: _dt.datetime.fromtimestamp(float(_text(args[0])), _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
}
_CONSTANTS = {"NULL": None, "TRUE": "1", "FALSE": "0", "CURRENT_TIMESTAMP": None, "DEFAULT": None}


def _bytes(v) -> bytes:
    return v.data if isinstance(v, _Raw) else str(v).encode()


def _text(v) -> str:
    return v.data.decode("utf-8", "replace") if isinstance(v, _Raw) else str(v)


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
                raise ValuesError(f"unexpected {self.text[self.pos:self.pos + 20]!r}", self.pos)
            self.pos = m.end()
            if m.lastgroup != "ws":
                return m.lastgroup, m, m.start()

    def value(self):
        kind, m, start = self.token()
        if kind is None:
            raise Incomplete()
        if kind == "sign":
            v = _text(self.value())
            if m.group(0) == b"+":
                return v
            return v[1:] if v.startswith("-") else "-" + v
        if kind == "str":
            raw = unescape_bytes(m.group("sbody"))
            intro = (m.group("intro") or b"").lower()
            if intro == b"binary":
                return _Raw(raw)
            enc = _INTRODUCER.get(intro, self.encoding)
            return _Raw(raw) if enc is None else _decode(raw, enc)
        if kind == "dstr":
            return _decode(unescape_bytes(m.group("dbody"), b'"'), self.encoding)
        if kind == "hex":
            body = m.group("hbody") if m.group("hbody") is not None else m.group("hbody2")
            return _Raw(bytes.fromhex(body.decode() if len(body) % 2 == 0 else "0" + body.decode()))
        if kind == "bits":
            body = m.group("bbody") if m.group("bbody") is not None else m.group("bbody2")
            return str(int(body or b"0", 2))
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
                        args.append(self.value())
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
                return fn(args)
            self.pos = save
            if name in _CONSTANTS:
                return _CONSTANTS[name] if name != "CURRENT_TIMESTAMP" else _now()
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
        return evaluate(self.text[start:self.pos], self.encoding)

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

    text = expr.decode("utf-8" if encoding == "utf-8" else "latin-1").strip()
    try:
        sql = sqlglot.transpile(text, read="mysql", write="duckdb")[0]
        if _EVAL_CON is None:
            _EVAL_CON = duckdb.connect()
            # MySQL date functions sqlglot passes through unchanged
            for name, body in [("adddate", "d + i"), ("subdate", "d - i"), ("unix_timestamp", "epoch(d)")]:
                args = "d" if name == "unix_timestamp" else "d, i"
                _EVAL_CON.execute(f"CREATE MACRO {name}({args}) AS {body}")
        v = _EVAL_CON.execute(f"SELECT {sql}").fetchone()[0]
    except Exception as e:
        raise ValuesError(f"cannot evaluate {text[:60]!r}: {str(e).splitlines()[0][:100]}", 0) from None
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray)):
        return _Raw(bytes(v))
    if isinstance(v, _dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, bool):
        return "1" if v else "0"
    return str(v)


_INTRODUCER = {b"utf8": "utf-8", b"utf8mb4": "utf-8", b"utf8mb3": "utf-8", b"latin1": "cp1252", b"ascii": "ascii", b"binary": None}


def _decode(raw: bytes, encoding: str) -> str:
    if encoding == "utf-8":
        return raw.decode("utf-8")  # UnicodeDecodeError is reported by the caller
    return decode_latin1(raw) if encoding == "cp1252" else raw.decode(encoding)


def decode_latin1(raw: bytes) -> str:
    """MySQL's latin1 is cp1252 with the five undefined bytes mapped to C1 controls."""
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in raw)


def parse_values_slow(values: bytes, encoding: str = "utf-8", binary: set[int] | frozenset = frozenset()) -> pa.Table:
    """Rows of a VALUES list, tolerant of every literal form MySQL accepts.
    Raises Incomplete when the text stops mid-row, ValuesError (with the rows read
    so far) when it cannot be read."""
    sc = _Scanner(values, encoding)
    rows: list[list] = []
    ncols = None
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
    except (ValuesError, Incomplete, UnicodeDecodeError, ValueError) as e:
        done = _rows_to_table(rows, ncols or 0, binary, encoding) if rows else None
        if isinstance(e, Incomplete):
            raise ValuesError("statement ends in the middle of a row", sc.pos, done) from None
        if isinstance(e, UnicodeDecodeError):
            raise ValuesError(f"invalid {encoding} text: {e.reason}", sc.pos, done) from None
        if isinstance(e, ValuesError):
            e.rows = done
            raise
        raise ValuesError(str(e), sc.pos, done) from None
    return _rows_to_table(rows, ncols or 0, binary, encoding)


def _rows_to_table(rows: list[list], ncols: int, binary, encoding: str) -> pa.Table:
    cols = []
    for i in range(ncols):
        vals = [r[i] for r in rows]
        if i in binary:
            cols.append(pa.array([None if v is None else (v.data if isinstance(v, _Raw) else str(v).encode(encoding if encoding != "cp1252" else "utf-8")) for v in vals], pa.binary()))
        else:
            cols.append(pa.array([None if v is None else (_decode(v.data, encoding) if isinstance(v, _Raw) else v) for v in vals], pa.string()))
    return pa.table(cols, names=[f"c{i}" for i in range(ncols)])
