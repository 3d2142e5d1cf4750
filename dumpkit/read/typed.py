"""Text values to the column types of the DDL, as the server would store them.

Readers split and unescape; this module gives each column its staged type, per
batch, so the rows go straight into their typed DuckDB table (it runs in the
stage's reader process, beside the stager).

Arrow's C++ casts take the common case. Where one refuses a column (a zero
date, '279.99' in an INT column, a type Arrow cannot parse) the column goes
through DuckDB's TRY_CAST instead (cast_sql, which also holds the zero-date rule
that mysql_tuples' scanner applies in C), so the result is always exactly DuckDB's;
zero dates become NULL and values that do not convert become NULL, both counted
per column with an example (the `notes` that mysql_values.with_notes carries).
"""
from __future__ import annotations

import re
import threading

import pyarrow as pa

from ..redact import mask_value
from ..sqlnames import sql_type

# staged DuckDB type -> the Arrow type Arrow's own cast can produce exactly
_ARROW = {
    "TINYINT": pa.int8(), "SMALLINT": pa.int16(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
    "UTINYINT": pa.uint8(), "USMALLINT": pa.uint16(), "UINTEGER": pa.uint32(), "UBIGINT": pa.uint64(),
    "FLOAT": pa.float32(), "DOUBLE": pa.float64(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
}
DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")
TEXT_TYPES = ("VARCHAR", "BLOB")
DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMPTZ")
# MySQL's zero dates and dates with a zero month or day (as SQL LIKE patterns)
_ZERO_LIKE = ("____-00-%", "____-__-00%")
_ZERO_DATE_SQL = " OR ".join(f"{{v}} LIKE '{p}'" for p in _ZERO_LIKE)

_local = threading.local()  # a private in-memory DuckDB per thread, for the columns Arrow refuses


def arrow_type(duck_type: str) -> pa.DataType | None:
    t = _ARROW.get(duck_type)
    if t is None:
        m = DECIMAL_TYPE.fullmatch(duck_type)
        if m and int(m.group(1)) <= 38:
            t = pa.decimal128(int(m.group(1)), int(m.group(2)))
    return t


INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


def is_text(col) -> bool:
    """Values still as the dump wrote them (text, or all NULL): not cast yet."""
    return pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_null(col.type)


def cast_sql(value: str, duck_type: str) -> tuple[str, str | None, str | None]:
    """DuckDB SQL for a text value as duck_type: (typed expression, condition for a bad
    value, condition for a zero date)."""
    if duck_type in TEXT_TYPES:
        return value, None, None
    expr = f"TRY_CAST({value} AS {sql_type(duck_type)})"
    if duck_type in DATE_TYPES:
        zero = _ZERO_DATE_SQL.format(v=value)
        return (f"CASE WHEN {zero} THEN NULL ELSE {expr} END",
                f"{value} IS NOT NULL AND NOT ({zero}) AND {expr} IS NULL", f"{value} IS NOT NULL AND ({zero})")
    return expr, f"{value} IS NOT NULL AND {expr} IS NULL", None


def cast_note(kind: str, example: str, type_name: str) -> str:
    """The issue text for values a cast turned into NULL. The example is masked (redact):
    a value that fails its cast may be anyone's birthday or phone number, and its shape
    ('**.**.****' for a DATE) says what went wrong."""
    shown = repr(mask_value(example))
    return f"{shown} staged as NULL" if kind == "zero_date" else f"{shown} is not a valid {type_name}; staged as NULL"


def cast_table(table: pa.Table, duck_types: list[str | None]) -> tuple[pa.Table, dict]:
    """Each column of `table` (text) as its duck_type (None: leave it).
    Returns the table and {"zero_date"|"bad_value": {column index: [count, example]}}."""
    notes: dict = {}
    cols = list(table.columns)
    slow = []
    for i, (col, t) in enumerate(zip(cols, duck_types)):
        if t is None or t in TEXT_TYPES:
            continue
        target = arrow_type(t)
        if target is not None and col.type == target:
            continue
        if not is_text(col):
            # numbers the scanner already read (int64): narrowed exactly, else judged as text
            if t == "HUGEINT" and pa.types.is_integer(col.type):
                continue  # DuckDB widens it on insert
            if target is None:
                slow.append(i)
                continue
            try:
                cols[i] = col.cast(target)
                continue
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                col = col.cast(pa.string())
                table = table.set_column(i, table.field(i).with_type(pa.string()), col)
        if target is None:
            slow.append(i)
            continue
        if pa.types.is_null(col.type):
            cols[i] = pa.nulls(len(col), target)
            continue
        try:
            cols[i] = col.cast(target)  # safe: refuses anything it cannot convert exactly
            continue
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            slow.append(i)  # a zero date, a value to round or to refuse: DuckDB's cast says which
    if slow:
        for i, typed in zip(slow, _duckdb_cast(table, slow, duck_types, notes)):
            cols[i] = typed
    return pa.table(cols, names=table.column_names), notes


def _duckdb_cast(table: pa.Table, positions: list[int], duck_types: list, notes: dict) -> list:
    _duck = getattr(_local, "duck", None)
    if _duck is None:
        import duckdb

        from ..sandbox import lock_down

        _duck = _local.duck = duckdb.connect()
        _duck.execute("SET threads = 1")
        lock_down(_duck)  # it reads the dump's values: no file access, whatever they say
    part = pa.table([table.column(i) for i in positions], names=[f"c{i}" for i in positions])
    exprs, checks = [], []
    for i in positions:
        expr, bad, zero = cast_sql(f"c{i}", duck_types[i])
        exprs.append(f"{expr} AS c{i}")
        if zero:
            checks.append(("zero_date", i, zero))
        if bad:
            checks.append(("bad_value", i, bad))
    _duck.register("_part", part)
    try:
        typed = _duck.sql(f"SELECT {', '.join(exprs)} FROM _part").to_arrow_table()
        if checks:
            aggs = ", ".join(f"count(*) FILTER (WHERE {cond}), CAST(any_value(c{i}) FILTER (WHERE {cond}) AS VARCHAR)"
                             for _, i, cond in checks)
            row = _duck.execute(f"SELECT {aggs} FROM _part").fetchall()[0]
            for k, (kind, i, _) in enumerate(checks):
                n, example = row[2 * k], row[2 * k + 1]
                if n:
                    notes.setdefault(kind, {})[str(i)] = [n, cast_note(kind, example, duck_types[i])]
    finally:
        _duck.unregister("_part")
    return typed.columns
