"""The bulk of a dump: `(1,'a\\'b',NULL),(2,...)` split into Arrow columns in one pass.

A byte-level state machine in C (_tuples.c, built when dumpkit is installed;
it releases the GIL) reads what dump tools write in VALUES lists: quoted
strings with backslash escapes and doubled quotes, numbers, NULL, `_binary`
before a string, and --hex-blob's 0x.. in binary columns, with any whitespace
between. Anything else (functions such as now(), double-quoted strings, X'..',
a row of another width, a text cut short) makes it decline, and the careful
tokenizer in mysql_values takes the statement.

The scan writes every value's unescaped bytes into one buffer and remembers
where each field starts, reading numbers and dates of typed columns on the way;
a second pass turns field order into column order, as Arrow wants it, so a
column becomes an Arrow array without a Python object per value. This module
allocates the arrays and makes the Arrow columns.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..errors import DumpkitError
from .mysql_values import UNESCAPE, with_notes

try:
    from . import _tuples
except ImportError as e:  # the C part is built by pip; a copied source tree lacks it
    raise DumpkitError("dumpkit's VALUES scanner (dumpkit/read/_tuples.c) is not built: "
                       "reinstall dumpkit with `pip install -e .`") from e
from .typed import DECIMAL_TYPE, INTEGER_TYPES, TEXT_TYPES, arrow_type

# what a field holds: NULL, text, an unquoted number, a value read as its column's type
# (in ivals), or a zero date (NULL, counted)
NULL, STR, TOKEN, VALUE, ZERO = 0, 1, 2, 3, 4
# the column types the scan reads itself; others stay text for typed.py: C_TEXT (a string column,
# where a number must be written as the server would write it) and C_CAST (DuckDB's cast reads it)
C_TEXT, C_INT, C_DECIMAL, C_TIMESTAMP, C_DATE, C_CAST = 0, 1, 2, 3, 4, 5  # the same numbers as in _tuples.c

_POW10 = 10 ** np.arange(19, dtype=np.int64)


def tuple_lines(buf: bytes, pos: int) -> tuple[int, int]:
    """Where an INSERT written one tuple per line ends: (status, position), see _tuples.c."""
    return _tuples.tuple_lines(buf, pos)


def count_tuples(text: bytes) -> int:
    """The tuples of a VALUES list, or -1 when a string or parenthesis is left open."""
    return _tuples.count(text)


def _column_codes(types: tuple) -> tuple[np.ndarray, np.ndarray, list]:
    """Per column: the scan's type code, the decimal scale, and the Arrow type it yields."""
    codes = np.zeros(len(types), np.uint8)
    scales = np.zeros(len(types), np.int64)
    arrow = [None] * len(types)
    for j, t in enumerate(types):
        if t in INTEGER_TYPES:
            # the column's own Arrow type (int64 for HUGEINT): no Arrow cast afterwards
            codes[j], arrow[j] = C_INT, arrow_type(t) or pa.int64()
        elif t == "TIMESTAMP":
            codes[j], arrow[j] = C_TIMESTAMP, pa.timestamp("us")
        elif t == "DATE":
            codes[j], arrow[j] = C_DATE, pa.date32()
        elif t is not None:
            m = DECIMAL_TYPE.fullmatch(t)
            if m and int(m.group(2)) <= 18:
                codes[j], scales[j] = C_DECIMAL, int(m.group(2))
                arrow[j] = pa.decimal128(int(m.group(1)), int(m.group(2)))
            elif t not in TEXT_TYPES:
                codes[j] = C_CAST
    return codes, scales, arrow


def split_values(text: bytes, binary: set[int] | frozenset = frozenset(), types: tuple = ()) -> pa.Table | None:
    """Columns c0.. of the tuples in `text` (binary positions as bytes, the rest as
    text, NULL as null), or None when the careful tokenizer must read it. A column
    whose staged type (`types`, DuckDB names) is an integer, decimal, date or
    timestamp comes typed when every value plainly is one; zero dates are NULL then,
    counted in the notes."""
    a = np.frombuffer(text, np.uint8)
    if a.size == 0:
        return None
    cap = int(np.count_nonzero(a == 44)) + 1  # a field ends at a ',' or the last ')'
    flags = np.zeros(max(binary, default=-1) + 1, np.bool_)
    flags[list(binary)] = True
    codes, scales, arrow = _column_codes(types)
    data = np.empty(a.size, np.uint8)
    starts = np.empty(cap, np.int64)
    lens = np.empty(cap, np.int32)
    kinds = np.empty(cap, np.uint8)
    ivals = np.empty(cap, np.int64)
    rows, ncols, w = _tuples.scan(a, flags, codes, scales, _POW10, UNESCAPE, data, starts, lens, kinds, ivals)
    if rows <= 0:
        return None
    typed = np.zeros(ncols, np.bool_)
    valid = np.zeros((ncols, (rows + 7) // 8), np.uint8)
    nvalid = np.zeros(ncols, np.int64)
    values = np.empty((ncols, rows), np.int64)
    zeros = np.zeros(ncols, np.int64)
    first_zero = np.full(ncols, -1, np.int64)
    col_bytes = np.zeros(ncols, np.int64)  # of the columns left as text
    _tuples.by_column(kinds, ivals, lens, rows, ncols, codes, typed, valid, nvalid, values, zeros, first_zero, col_bytes)
    for j in np.flatnonzero(typed):
        if codes[j] == C_DECIMAL and arrow[j].precision < 18:
            # more digits than the column holds: DuckDB's cast says what becomes of them
            if not (np.abs(_present(values[j], valid[j], nvalid[j], rows)) < 10 ** arrow[j].precision).all():
                typed[j] = False
                col_bytes[j] = lens[j:rows * ncols:ncols].sum(dtype=np.int64)
        elif codes[j] == C_INT and arrow[j] != pa.int64():
            # a value out of the column's range stays int64: the cast then judges it
            present = _present(values[j], valid[j], nvalid[j], rows)
            limits = np.iinfo(arrow[j].to_pandas_dtype())
            if present.size and (present.min() < limits.min or present.max() > limits.max):
                arrow[j] = pa.int64()
    col_start = np.zeros(ncols + 1, np.int64)
    np.cumsum(col_bytes, out=col_start[1:])
    if col_bytes.max(initial=0) >= 1 << 31:
        return None
    out = np.empty(int(col_start[-1]), np.uint8)
    offsets = np.empty((ncols, rows + 1), np.int32)
    _tuples.columns(data, starts, lens, rows, ncols, typed, out, offsets, col_start)
    ascii = text.isascii()
    arrays, notes = [], {}
    for j in range(ncols):
        nulls = rows - int(nvalid[j])
        validity = pa.py_buffer(valid[j]) if nulls else None
        if typed[j]:
            if zeros[j]:
                f = int(first_zero[j])
                example = bytes(data[starts[f]:starts[f] + lens[f]]).decode("ascii", "replace")
                notes.setdefault("zero_date", {})[str(j)] = [int(zeros[j]), f"{example!r} staged as NULL"]
            arrays.append(_typed_array(arrow[j], values[j], rows, validity, nulls))
            continue
        typ = pa.binary() if j in binary else pa.string()
        arr = pa.Array.from_buffers(
            typ, rows,
            [validity, pa.py_buffer(offsets[j]), pa.py_buffer(out[col_start[j]:col_start[j + 1]])],
            nulls)
        if typ == pa.string() and not ascii:
            try:
                arr.validate(full=True)  # UTF-8: text that is not goes to the careful decoder
            except pa.ArrowInvalid:
                return None
        arrays.append(arr)
    return with_notes(pa.table(arrays, names=[f"c{j}" for j in range(ncols)]), notes)


def _present(values: np.ndarray, valid: np.ndarray, nvalid: int, rows: int) -> np.ndarray:
    """A typed column's values that are not NULL (`valid` is its Arrow validity bitmap)."""
    if nvalid == rows:
        return values
    return values[np.unpackbits(valid, bitorder="little")[:rows].astype(bool)]


def _typed_array(typ: pa.DataType, values: np.ndarray, rows: int, validity, nulls: int) -> pa.Array:
    if pa.types.is_decimal(typ):
        # a decimal128 is the unscaled value as 16 bytes, little-endian: int64 plus its sign
        wide = np.empty((rows, 2), np.int64)
        wide[:, 0] = values
        wide[:, 1] = values >> 63
        return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(wide)], nulls)
    if pa.types.is_date32(typ):
        return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(values.astype(np.int32))], nulls)
    if pa.types.is_integer(typ) and typ != pa.int64():  # another integer width, its values checked to fit
        values = values.astype(typ.to_pandas_dtype())
    return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(np.ascontiguousarray(values))], nulls)
