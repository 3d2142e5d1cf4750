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

from .mysql_values import UNESCAPE

NULL, STR, TOKEN, INT = 0, 1, 2, 3  # INT: a number token that is a whole int64 (value in ivals)
DECLINE = -1

_TOKEN_CHAR = np.zeros(256, np.bool_)  # bytes of an unquoted number (NULL is checked apart)
for _c in b"0123456789.eE+-":
    _TOKEN_CHAR[_c] = True
_BINARY = np.frombuffer(b"_binary", np.uint8).copy()


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _space(c):
    return c == 32 or c == 10 or c == 13 or c == 9


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _hexval(c):
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 102:
        return c - 87
    if 65 <= c <= 70:
        return c - 55
    return 255


@nb.njit(cache=True, nogil=True, boundscheck=False)
def _scan(a, binary, escaped, token_char, intro, data, starts, lens, kinds, ivals):
    """Split the tuples of `a`. Returns (rows, columns, bytes written to data), or
    (DECLINE, position, 0) when the text is not what this scan reads."""
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
            else:  # a number: its text for the typed cast, and its value when it is a whole int64
                start = w
                neg = c == 45
                whole = True
                v = 0
                while i < n and token_char[a[i]]:
                    d = a[i]
                    data[w] = d
                    if 48 <= d <= 57:
                        v = v * 10 + (d - 48)
                    elif not (d == 45 and w == start):
                        whole = False
                    w += 1
                    i += 1
                digits = w - start - (1 if neg else 0)
                if digits <= 0:
                    if w == start:
                        return DECLINE, i, 0
                    whole = False
                starts[f] = start
                lens[f] = w - start
                if whole and digits <= 18:
                    kinds[f] = INT
                    ivals[f] = -v if neg else v
                else:
                    kinds[f] = TOKEN
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


def split_values(values: bytes, binary: set[int] | frozenset = frozenset(),
                 ints: set[int] | frozenset = frozenset()) -> pa.Table | None:
    """Columns c0.. of the tuples in `values` (binary positions as bytes, the rest as
    text, NULL as null), or None when the careful tokenizer must read it. A column at
    an `ints` position whose values are all whole numbers comes as int64."""
    a = np.frombuffer(values, np.uint8)
    if a.size == 0:
        return None
    cap = int(np.count_nonzero(a == 44)) + 1  # a field ends at a ',' or the last ')'
    flags = np.zeros(max(binary, default=-1) + 1, np.bool_)
    flags[list(binary)] = True
    data = np.empty(a.size, np.uint8)
    starts = np.empty(cap, np.int64)
    lens = np.empty(cap, np.int32)
    kinds = np.empty(cap, np.uint8)
    ivals = np.empty(cap, np.int64)
    rows, ncols, w = _scan(a, flags, UNESCAPE, _TOKEN_CHAR, _BINARY, data, starts, lens, kinds, ivals)
    if rows <= 0:
        return None
    nfields = rows * ncols
    kinds2 = kinds[:nfields].reshape(rows, ncols)
    skip = np.zeros(ncols, np.bool_)
    for j in ints:
        if j < ncols:
            k = kinds2[:, j]
            skip[j] = bool(((k == INT) | (k == NULL)).all())
    col_bytes = np.where(skip, 0, lens[:nfields].reshape(rows, ncols).sum(axis=0, dtype=np.int64))
    col_start = np.zeros(ncols + 1, np.int64)
    np.cumsum(col_bytes, out=col_start[1:])
    if col_bytes.max(initial=0) >= 1 << 31:
        return None
    out = np.empty(int(col_start[-1]), np.uint8)
    offsets = np.empty((ncols, rows + 1), np.int32)
    _columns(data, starts, lens, rows, ncols, skip, out, offsets, col_start)
    valid = kinds2 != NULL
    ivals2 = ivals[:nfields].reshape(rows, ncols)
    ascii = values.isascii()
    arrays = []
    for j in range(ncols):
        v = valid[:, j]
        nulls = rows - int(np.count_nonzero(v))
        validity = pa.py_buffer(np.packbits(v, bitorder="little")) if nulls else None
        if skip[j]:
            arrays.append(pa.Array.from_buffers(pa.int64(), rows, [validity, pa.py_buffer(np.ascontiguousarray(ivals2[:, j]))], nulls))
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
    return pa.table(arrays, names=[f"c{j}" for j in range(ncols)])
