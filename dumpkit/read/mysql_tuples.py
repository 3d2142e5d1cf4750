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

NULL, STR, TOKEN = 0, 1, 2
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
def _scan(a, binary, escaped, token_char, intro, data, starts, lens, kinds):
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
            else:  # a number, kept as its text for the typed cast
                start = w
                while i < n and token_char[a[i]]:
                    data[w] = a[i]
                    w += 1
                    i += 1
                if w == start:
                    return DECLINE, i, 0
                starts[f] = start
                lens[f] = w - start
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
def _columns(data, starts, lens, rows, ncols, out, offsets, col_start):
    """Copy each column's bytes contiguously: column j fills out[col_start[j]:col_start[j+1]],
    its offsets (relative to that start) in offsets[j]."""
    for j in range(ncols):
        w = col_start[j]
        base = w
        for r in range(rows):
            f = r * ncols + j
            offsets[j, r] = w - base
            s = starts[f]
            for k in range(lens[f]):
                out[w] = data[s + k]
                w += 1
        offsets[j, rows] = w - base


def split_values(values: bytes, binary: set[int] | frozenset = frozenset()) -> pa.Table | None:
    """Columns c0.. of the tuples in `values` (binary positions as bytes, the rest as
    text, NULL as null), or None when the careful tokenizer must read it."""
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
    rows, ncols, w = _scan(a, flags, UNESCAPE, _TOKEN_CHAR, _BINARY, data, starts, lens, kinds)
    if rows <= 0:
        return None
    nfields = rows * ncols
    lens2 = lens[:nfields].reshape(rows, ncols)
    col_bytes = lens2.sum(axis=0, dtype=np.int64)
    col_start = np.zeros(ncols + 1, np.int64)
    np.cumsum(col_bytes, out=col_start[1:])
    if col_bytes.max(initial=0) >= 1 << 31:
        return None
    out = np.empty(int(col_start[-1]), np.uint8)
    offsets = np.empty((ncols, rows + 1), np.int32)
    _columns(data, starts, lens, rows, ncols, out, offsets, col_start)
    valid = kinds[:nfields].reshape(rows, ncols) != NULL
    ascii = values.isascii()
    arrays = []
    for j in range(ncols):
        v = valid[:, j]
        nulls = rows - int(np.count_nonzero(v))
        typ = pa.binary() if j in binary else pa.string()
        arr = pa.Array.from_buffers(
            typ, rows,
            [pa.py_buffer(np.packbits(v, bitorder="little")) if nulls else None,
             pa.py_buffer(offsets[j]), pa.py_buffer(out[col_start[j]:col_start[j + 1]])],
            nulls)
        if typ == pa.string() and not ascii:
            try:
                arr.validate(full=True)  # UTF-8: text that is not goes to the careful decoder
            except pa.ArrowInvalid:
                return None
        arrays.append(arr)
    return pa.table(arrays, names=[f"c{j}" for j in range(ncols)])
