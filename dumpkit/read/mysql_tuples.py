"""The bulk of a dump: `(1,'a\\'b',NULL),(2,...)` split into Arrow columns in one pass.

A byte-level state machine compiled by numba (to machine code, cached on disk
after the first run) reads what dump tools write in VALUES lists: quoted
strings with backslash escapes and doubled quotes, numbers, NULL, `_binary`
before a string, and --hex-blob's 0x.. in binary columns, with any whitespace
between. Anything else (functions such as now(), double-quoted strings, X'..',
a row of another width, a text cut short) makes it decline, and the careful
tokenizer in mysql_values takes the statement.

The scan writes every value's unescaped bytes into one buffer and remembers
where each field starts; a second pass lays each column out contiguously, as
Arrow wants it, so a column becomes an Arrow array without a Python object per
value.
"""
from __future__ import annotations

import numba as nb
import numpy as np
import pyarrow as pa

from .mysql_values import UNESCAPE, with_notes
from .typed import DECIMAL_TYPE, INTEGER_TYPES

# what a field holds: NULL, text, an unquoted number, a value read as its column's type
# (in ivals), or a zero date (NULL, counted)
NULL, STR, TOKEN, VALUE, ZERO = 0, 1, 2, 3, 4
# the column types the scan reads itself; others stay text for typed.py
C_TEXT, C_INT, C_DECIMAL, C_TIMESTAMP, C_DATE = 0, 1, 2, 3, 4
DECLINE = -1

_TOKEN_CHAR = np.zeros(256, np.bool_)  # bytes of an unquoted number (NULL is checked apart)
for _c in b"0123456789.eE+-":
    _TOKEN_CHAR[_c] = True
_BINARY = np.frombuffer(b"_binary", np.uint8).copy()
_POW10 = 10 ** np.arange(19, dtype=np.int64)


@nb.njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _space(c):
    return c == 32 or c == 10 or c == 13 or c == 9


@nb.njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _hexval(c):
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 102:
        return c - 87
    if 65 <= c <= 70:
        return c - 55
    return 255


@nb.njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _digits(d, s, e):
    """The value of the decimal digits d[s:e], or -1 if one is not a digit."""
    v = 0
    for k in range(s, e):
        c = d[k]
        if c < 48 or c > 57:
            return -1
        v = v * 10 + (c - 48)
    return v


@nb.njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _days(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@nb.njit(cache=True, nogil=True, boundscheck=False, inline="always")
def _convert(d, s, e, ctype, scale):
    """Read d[s:e] as the column type: (1, value) when it plainly is one (int64; a
    decimal unscaled; microseconds or days since 1970), (2, 0) for MySQL's zero dates,
    (0, 0) when DuckDB's own cast should judge it."""
    n = e - s
    if ctype == C_INT or ctype == C_DECIMAL:
        neg = n > 0 and d[s] == 45
        p = s + 1 if neg else s
        dot = e
        for k in range(p, e):
            if d[k] == 46:
                dot = k
                break
        whole = dot - p
        frac = e - dot - 1 if dot < e else 0
        if whole + frac == 0 or whole + max(frac, scale if ctype == C_DECIMAL else 0) > 18:
            return 0, 0
        if ctype == C_INT and dot < e:
            return 0, 0
        if frac > scale:
            return 0, 0  # more decimals than the column keeps: DuckDB rounds
        v = _digits(d, p, dot) if whole else 0
        if v < 0:
            return 0, 0
        if ctype == C_DECIMAL:
            f = _digits(d, dot + 1, e) if frac else 0
            if f < 0:
                return 0, 0
            for _ in range(scale):
                v *= 10
            for _ in range(scale - frac):
                f *= 10
            v += f
        return 1, -v if neg else v
    # dates: zero month or day first, as the stager's LIKE patterns ('____-00-%', '____-__-00%')
    if n >= 8 and d[s + 4] == 45 and d[s + 7] == 45:
        if d[s + 5] == 48 and d[s + 6] == 48:
            return 2, 0
        if n >= 10 and d[s + 8] == 48 and d[s + 9] == 48:
            return 2, 0
    if n < 10 or d[s + 4] != 45 or d[s + 7] != 45:
        return 0, 0
    y = _digits(d, s, s + 4)
    m = _digits(d, s + 5, s + 7)
    day = _digits(d, s + 8, s + 10)
    if y < 1 or m < 1 or m > 12 or day < 1:
        return 0, 0
    leap = (y % 4 == 0 and y % 100 != 0) or y % 400 == 0
    mdays = 29 if (m == 2 and leap) else (28 if m == 2 else (30 if m == 4 or m == 6 or m == 9 or m == 11 else 31))
    if day > mdays:
        return 0, 0
    days = _days(y, m, day)
    if ctype == C_DATE:
        return (1, days) if n == 10 else (0, 0)
    if n == 10:
        return 1, days * 86400000000
    if n < 19 or d[s + 10] != 32 or d[s + 13] != 58 or d[s + 16] != 58:
        return 0, 0
    hh = _digits(d, s + 11, s + 13)
    mi = _digits(d, s + 14, s + 16)
    ss = _digits(d, s + 17, s + 19)
    if hh < 0 or hh > 23 or mi < 0 or mi > 59 or ss < 0 or ss > 59:
        return 0, 0
    us = 0
    if n > 19:
        if d[s + 19] != 46 or n > 26 or n == 20:
            return 0, 0
        us = _digits(d, s + 20, e)
        if us < 0:
            return 0, 0
        for _ in range(26 - n):
            us *= 10
    return 1, ((days * 24 + hh) * 60 + mi) * 60000000 + ss * 1000000 + us


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _scan(a, binary, ctype, cscale, pow10, escaped, token_char, intro, data, starts, lens, kinds, ivals):
    """Split the tuples of `a`. Returns (rows, columns, bytes written to data), or
    (DECLINE, position, 0) when the text is not what this scan reads. Fields of
    columns with a ctype are also read as that type where they are plainly one."""
    n = a.size
    cap = starts.size
    i = 0
    w = 0
    f = 0
    rows = 0
    ncols = -1
    while True:
        while i < n and _space(a[i]):
            i += 1
        if i >= n or a[i] != 40:  # (
            return DECLINE, i, 0
        i += 1
        col = 0
        while True:
            while i < n and _space(a[i]):
                i += 1
            if i >= n or f >= cap:
                return DECLINE, i, 0
            c = a[i]
            if c == 95:  # _binary '...': the introducer does not change the bytes
                if i + 8 > n:
                    return DECLINE, i, 0
                for k in range(7):
                    if a[i + k] != intro[k]:
                        return DECLINE, i, 0
                i += 7
                while i < n and _space(a[i]):
                    i += 1
                if i >= n or a[i] != 39:
                    return DECLINE, i, 0
                c = 39
            if c == 39:  # a quoted string
                i += 1
                start = w
                while True:
                    if i >= n:
                        return DECLINE, i, 0
                    c = a[i]
                    if c == 39:
                        if i + 1 < n and a[i + 1] == 39:
                            data[w] = 39
                            w += 1
                            i += 2
                            continue
                        i += 1
                        break
                    if c == 92:
                        if i + 1 >= n:
                            return DECLINE, i, 0
                        e = a[i + 1]
                        if e == 37 or e == 95:  # \% and \_ keep their backslash
                            data[w] = 92
                            w += 1
                        data[w] = escaped[e]
                        w += 1
                        i += 2
                        continue
                    data[w] = c
                    w += 1
                    i += 1
                starts[f] = start
                lens[f] = w - start
                kinds[f] = STR
            elif c == 48 and i + 1 < n and (a[i + 1] == 120):  # 0x.. (--hex-blob), binary columns only
                if col >= binary.size or not binary[col]:
                    return DECLINE, i, 0
                i += 2
                s = i
                while i < n and _hexval(a[i]) != 255:
                    i += 1
                if (i - s) % 2:
                    return DECLINE, s, 0
                start = w
                for k in range(s, i, 2):
                    data[w] = _hexval(a[k]) * 16 + _hexval(a[k + 1])
                    w += 1
                starts[f] = start
                lens[f] = w - start
                kinds[f] = STR
            elif c == 78:  # NULL
                if i + 4 > n or a[i + 1] != 85 or a[i + 2] != 76 or a[i + 3] != 76:
                    return DECLINE, i, 0
                i += 4
                starts[f] = w
                lens[f] = 0
                kinds[f] = NULL
            else:  # a number: its text, and on the way its value as digits and a decimal point
                start = w
                v = 0
                ndigits = 0
                nfrac = -1  # digits after the point, -1 without one
                plain = True  # only digits, a leading '-' and one '.'
                while i < n and token_char[a[i]]:
                    d = a[i]
                    data[w] = d
                    if 48 <= d <= 57:
                        v = v * 10 + (d - 48)
                        ndigits += 1
                        if nfrac >= 0:
                            nfrac += 1
                    elif d == 46 and nfrac < 0:
                        nfrac = 0
                    elif not (d == 45 and w == start):
                        plain = False
                    w += 1
                    i += 1
                if w == start:
                    return DECLINE, i, 0
                starts[f] = start
                lens[f] = w - start
                kinds[f] = TOKEN
                ct = ctype[col] if col < ctype.size else C_TEXT
                if (ct == C_INT or ct == C_DECIMAL) and plain and 0 < ndigits <= 18 and nfrac != 0:
                    # a whole number, or a decimal with no more places than the column keeps
                    places = 0 if nfrac < 0 else nfrac
                    if ct == C_INT and places == 0:
                        kinds[f] = VALUE
                        ivals[f] = -v if data[start] == 45 else v
                    elif ct == C_DECIMAL and places <= cscale[col] and ndigits - places + cscale[col] <= 18:
                        v *= pow10[cscale[col] - places]
                        kinds[f] = VALUE
                        ivals[f] = -v if data[start] == 45 else v
            if kinds[f] == STR and col < ctype.size and ctype[col] != C_TEXT:
                status, v = _convert(data, starts[f], w, ctype[col], cscale[col])
                if status == 1:
                    kinds[f] = VALUE
                    ivals[f] = v
                elif status == 2:
                    kinds[f] = ZERO
            f += 1
            col += 1
            while i < n and _space(a[i]):
                i += 1
            if i >= n:
                return DECLINE, i, 0
            if a[i] == 44:  # ,
                i += 1
                continue
            if a[i] == 41:  # )
                i += 1
                break
            return DECLINE, i, 0
        if ncols < 0:
            ncols = col
        elif col != ncols:
            return DECLINE, i, 0
        rows += 1
        while i < n and _space(a[i]):
            i += 1
        if i >= n:
            return rows, ncols, w
        if a[i] != 44:
            return DECLINE, i, 0
        i += 1


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _by_column(kinds, ivals, rows, ncols, codes, typed, valid, nvalid, values, zeros, first_zero):
    """Field order to column order: which typed columns read entirely (typed[j]), their
    values, every column's validity bitmap (Arrow's: LSB first) and zero dates."""
    for j in range(ncols):
        typed[j] = j < codes.size and codes[j] != C_TEXT
    f = 0
    for r in range(rows):
        for j in range(ncols):
            k = kinds[f]
            if k != VALUE and k != NULL and k != ZERO:
                typed[j] = False
            f += 1
    f = 0
    for r in range(rows):
        byte = r >> 3
        bit = np.uint8(1 << (r & 7))
        for j in range(ncols):
            k = kinds[f]
            if typed[j]:
                values[j, r] = ivals[f]
                if k == ZERO:
                    zeros[j] += 1
                    if first_zero[j] < 0:
                        first_zero[j] = f
            if k != NULL and not (typed[j] and k == ZERO):  # a text column keeps its zero dates' text
                valid[j, byte] |= bit
                nvalid[j] += 1
            f += 1


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _columns(data, starts, lens, rows, ncols, skip, out, offsets, col_start):
    """Copy each column's bytes contiguously: column j fills out[col_start[j]:col_start[j+1]],
    its offsets (relative to that start) in offsets[j]. One pass in field order, so
    `data` is read front to back; `skip` columns (already ints) are left out."""
    cursor = col_start[:-1].copy()
    f = 0
    for r in range(rows):
        for j in range(ncols):
            if not skip[j]:
                w = cursor[j]
                offsets[j, r] = w - col_start[j]
                s = starts[f]
                for k in range(lens[f]):
                    out[w + k] = data[s + k]
                cursor[j] = w + lens[f]
            f += 1
    for j in range(ncols):
        offsets[j, rows] = cursor[j] - col_start[j]


def _column_codes(types: tuple) -> tuple[np.ndarray, np.ndarray, list]:
    """Per column: the scan's type code, the decimal scale, and the Arrow type it yields."""
    codes = np.zeros(len(types), np.uint8)
    scales = np.zeros(len(types), np.int64)
    arrow = [None] * len(types)
    for j, t in enumerate(types):
        if t in INTEGER_TYPES:
            codes[j], arrow[j] = C_INT, pa.int64()
        elif t == "TIMESTAMP":
            codes[j], arrow[j] = C_TIMESTAMP, pa.timestamp("us")
        elif t == "DATE":
            codes[j], arrow[j] = C_DATE, pa.date32()
        elif t is not None:
            m = DECIMAL_TYPE.fullmatch(t)
            if m and int(m.group(2)) <= 18:
                codes[j], scales[j] = C_DECIMAL, int(m.group(2))
                arrow[j] = pa.decimal128(int(m.group(1)), int(m.group(2)))
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
    rows, ncols, w = _scan(a, flags, codes, scales, _POW10, UNESCAPE, _TOKEN_CHAR, _BINARY, data, starts, lens, kinds, ivals)
    if rows <= 0:
        return None
    typed = np.zeros(ncols, np.bool_)
    valid = np.zeros((ncols, (rows + 7) // 8), np.uint8)
    nvalid = np.zeros(ncols, np.int64)
    values = np.empty((ncols, rows), np.int64)
    zeros = np.zeros(ncols, np.int64)
    first_zero = np.full(ncols, -1, np.int64)
    _by_column(kinds, ivals, rows, ncols, codes, typed, valid, nvalid, values, zeros, first_zero)
    for j in np.flatnonzero(typed):
        if codes[j] == C_DECIMAL and arrow[j].precision < 18:
            # more digits than the column holds: DuckDB's cast says what becomes of them
            held = np.abs(values[j]) < 10 ** arrow[j].precision
            typed[j] = bool(held[np.unpackbits(valid[j], bitorder="little")[:rows].astype(bool)].all())
    col_bytes = np.where(typed, 0, lens[:rows * ncols].reshape(rows, ncols).sum(axis=0, dtype=np.int64))
    col_start = np.zeros(ncols + 1, np.int64)
    np.cumsum(col_bytes, out=col_start[1:])
    if col_bytes.max(initial=0) >= 1 << 31:
        return None
    out = np.empty(int(col_start[-1]), np.uint8)
    offsets = np.empty((ncols, rows + 1), np.int32)
    _columns(data, starts, lens, rows, ncols, typed, out, offsets, col_start)
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


def _typed_array(typ: pa.DataType, values: np.ndarray, rows: int, validity, nulls: int) -> pa.Array:
    if pa.types.is_decimal(typ):
        # a decimal128 is the unscaled value as 16 bytes, little-endian: int64 plus its sign
        wide = np.empty((rows, 2), np.int64)
        wide[:, 0] = values
        wide[:, 1] = values >> 63
        return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(wide)], nulls)
    if pa.types.is_date32(typ):
        return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(values.astype(np.int32))], nulls)
    return pa.Array.from_buffers(typ, rows, [validity, pa.py_buffer(np.ascontiguousarray(values))], nulls)
