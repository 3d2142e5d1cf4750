"""Fuzzing the VALUES readers against each other and against MariaDB.

Real VALUES snippets (the first rows of every table's first INSERT in the MySQL fixtures,
with the table's columns) are mutated - a value swapped for an awkward number, literal,
expression or hostile call, bytes inserted, deleted or cut - and each case is read

* by the C scanner (mysql_tuples; under test, a build with -fsanitize=address,undefined),
* by the slow path (mysql_values + mysql_expr),
* by MariaDB: the same INSERT into a table of the same column types, in strict mode, with
  now() pinned to the staging clock,

and the results, cast to the staged types as staging does (typed.cast_table), are compared.
A case ends as one of

    agree        dumpkit stages what the server stores, with no issue
    refused      dumpkit refuses the statement (reports it as unparsable); the server is
                 not asked
    reported     the server's values differ, or it refuses, and dumpkit reports it (a bad
                 value / zero date / charset note on the column)
    unsigned     the server refuses a number out of an UNSIGNED column's range, which
                 staging's wider integer type keeps (a staging rule, not the readers')
    date_text    a date column's text is not YYYY-MM-DD[ hh:mm:ss]: the server reads more
                 forms than staging's cast (typed.py), which stages NULL for them
    cast         the server (strict) refuses a string literal's text for a column that
                 DuckDB's cast reads ('0_0000' as a DECIMAL): typed.py's rule, not the readers'
                 (they passed the literal on unchanged)
    C_SLOW       FINDING: the C scanner returned rows that differ from the slow path's
    MISMATCH     FINDING: dumpkit staged values that differ from the server's, unreported
    CRASH        FINDING: an exception other than a reported error

and a sanitizer report aborts the process. The server's column types are widened where
staging deliberately does not enforce the source type (string lengths and ENUM members,
UNSIGNED ranges, TIMESTAMP's range, YEAR's two-digit years): this compares reading values,
not column constraints.

Short seeded round: tests/test_fuzz_values.py (CI). A long run (builds the sanitized scanner
into a temp dir and starts its own MariaDB):

    .venv/bin/python -m tests.fuzz_values --cases 200000 --seed 7

(`--socket PATH` uses a running server; `--no-sanitize` the installed scanner; findings are
printed with the case, and `--seed S --only I` repeats case I.)
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import importlib.util
import json
import math
import os
import random
import re
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOURCE = ROOT / "dumpkit" / "read" / "_tuples.c"
CORPUS_FILES = ["prestashop/ps-8.1.7.sql", "prestashop/ps-1.6.1.sql", "opencart/oc-3.0.x.sql", "opencart/oc-1.5.6.4.sql",
                "oscommerce/osc-2.3.4.1.sql", "woocommerce/wc-serial-numbers.sql", "woocommerce/wp-adminer.sql",
                "magento2/m2-categories-sequelpro.sql", "shopware6/demo-data-2019/16-product.sql",
                "shopware6/demo-data-2019/24-product-price.sql"]
# the fixtures hold no INSERT into binary, BIT, DOUBLE or TIME columns: seeds as dump tools write them
# (mysqldump --hex-blob, _binary, BIT as b'..', Shopware's UNHEX ids)
EXTRA_SEEDS = [
    (["binary(16)", "varchar(255)", "int(11)"], [b"(0x0102030405060708090A0B0C0D0E0F10,'x',1)", b"(UNHEX('AA'),'y',2)"]),
    (["blob", "bit(1)", "double", "time"], [b"(_binary 'a\\0b',b'1',1.5,'10:00:00')", b"(0x00FF,b'0',-0.5,'838:59:59')",
                                            b"('',NULL,1e-7,NULL)"]),
]
RESTORE_TIME = "2024-05-01 10:00:00"  # the staging clock; the server's SET timestamp
FINDINGS = ("C_SLOW", "MISMATCH", "CRASH")

# ---------------------------------------------------------------- the sanitized scanner

SANITIZE_FLAGS = ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def build_sanitized(out_dir: Path) -> Path:
    """_tuples.c built with AddressSanitizer and UBSan (any UB aborts) into out_dir."""
    target = out_dir / ("_tuples" + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(["gcc", "-shared", "-fPIC", *SANITIZE_FLAGS, "-I" + sysconfig.get_paths()["include"],
                    str(SOURCE), "-o", str(target)], check=True, capture_output=True)
    return target


def libasan() -> Path | None:
    """gcc's AddressSanitizer runtime, or None when gcc has none."""
    try:
        out = subprocess.run(["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return None
    return Path(out) if os.path.isabs(out) and Path(out).exists() else None


def sanitizer_env() -> dict:
    """The environment for a Python that loads a sanitized extension: the interpreter is not
    built with ASan, so its runtime must come first (LD_PRELOAD); CPython's own allocations
    would read as leaks, so leak detection is off."""
    return {**os.environ, "LD_PRELOAD": str(libasan()), "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}


def load_scanner(path: Path) -> None:
    """Make dumpkit use the scanner at `path` (import before anything of dumpkit.read)."""
    spec = importlib.util.spec_from_file_location("dumpkit.read._tuples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["dumpkit.read._tuples"] = module


# ---------------------------------------------------------------- the corpus

def corpus(files: list[str] = CORPUS_FILES, rows_per_table: int = 3) -> list[tuple[list[str], list[bytes]]]:
    """(the columns' source types, the row texts) of each table's first INSERT in the fixtures."""
    from dumpkit.read import inspect_parts, read_events
    from dumpkit.read.events import TableDef
    from dumpkit.read.mysql import _INSERT, MySQLReader, _split_ident, _unquote

    out = []
    for rel in files:
        parts, info = inspect_parts([FIXTURES / rel])
        tables = {e.table: e for e in read_events(parts, info, count_only=True) if isinstance(e, TableDef)}
        seen = set()
        with parts[0].open(None) as stream:
            for _, text, status in MySQLReader(stream, info).statements():
                m = _INSERT.match(text)
                if status or not m:
                    continue
                table = _split_ident(m.group(3))[1]
                if table in seen or table not in tables:
                    continue
                seen.add(table)
                names = [_unquote(c) for c in re.findall(rb"`[^`]+`|[\w$]+", m.group(4) or b"")] or None
                cols = tables[table].columns_for(names)
                rows = split_rows(text[m.end():].rstrip().rstrip(b";").rstrip())
                if rows and None not in cols:
                    out.append(([c.source_type for c in cols], rows[:rows_per_table]))
    return out


def split_rows(values: bytes) -> list[bytes]:
    """The tuples of a VALUES list, each as written."""
    from dumpkit.read.mysql_values import _TOKEN

    rows, depth, start, pos = [], 0, None, 0
    while pos < len(values):
        m = _TOKEN.match(values, pos)
        if not m:
            return []
        pos = m.end()
        tok = m.group(0)
        if tok == b"(":
            if depth == 0:
                start = m.start()
            depth += 1
        elif tok == b")":
            depth -= 1
            if depth == 0:
                rows.append(values[start:pos])
    return rows


# ---------------------------------------------------------------- mutations

NUMBERS = [b"0", b"-0", b"-0.0", b"007", b"+5", b"1.", b".5", b"1e3", b"1E-3", b"1.e3", b"2.5e0", b"-2.5e0", b"0.5e0",
           b"3.5", b"-2.5", b"9223372036854775807", b"9223372036854775808", b"-9223372036854775808",
           b"-9223372036854775809", b"18446744073709551615", b"18446744073709551616", b"99999999999999999999",
           b"123456789012345678", b"1234567890123456789", b"-1234567890123456789", b"1e308", b"1e309", b"5e-324",
           b"0.1", b"12.345", b"-12.34567", b"1e15", b"1e16", b"123456789012345678901234567890.5", b"1.04.7735",
           b"E115", b"-", b"5-3", b"10-1", b"--5", b"- 5", b"- -5", b"+-5", b"1e", b"1x", b"0x41", b"0x", b"0x4",
           b"0x4G", b"X'41'", b"x''", b"b'101'", b"0b101", b"NULL", b"null", b"TRUE", b"FALSE"]
STRINGS = [b"''", b"'a''b'", b"'a\\'b'", b"'\\\\'", b"'\\n\\t\\0\\Z\\%\\_\\b\\r\\x'", b"'x' 'y'", b"'x' \"y\"",
           b"_binary'ab'", b"_binary 'a\\0b'", b"_utf8mb4'\xc3\xa9'", b"_latin1'\xe9'", b"N'n'", b"\"dq\"", b"\"d\"\"q\"",
           b"'2020-02-29'", b"'2019-02-29'", b"'0000-00-00'", b"'0000-00-00 00:00:00'", b"'2020-01-01 10:00:00'",
           b"'2020-01-01 10:00:00.123456'", b"'abc'", b"'12abc'", b"' 12'", b"'1e3'", b"'-0'", b"'\xc3\xa6\xc3\xb8'",
           b"'\xff\xfe'", b"'NULL'", b"'),('", b"'--'", b"/* c */ 'x'", b"-- c\n'x'", b"# c\n'x'"]
# (not SYSDATE(): the server's ignores SET timestamp; test_read_mysql_values checks it reads the staging clock)
EXPRESSIONS = [b"now()", b"NOW()", b"CURRENT_TIMESTAMP", b"CURRENT_TIMESTAMP()", b"CURDATE()", b"CURRENT_DATE",
               b"LOCALTIMESTAMP", b"CURTIME()", b"NOW() + INTERVAL 90 DAY", b"now() - interval 1 hour",
               b"DATE_ADD('2020-01-31', INTERVAL 1 MONTH)", b"DATE_SUB('2020-03-31', INTERVAL 1 MONTH)",
               b"ADDDATE(CURDATE(), INTERVAL 10 DAY)", b"SUBDATE(CURDATE(), 3)", b"subdate(current_date, 3)",
               b"'2020-01-01' + INTERVAL 1 DAY", b"INTERVAL 1 DAY + '2020-12-31'",
               b"DATE_ADD('2020-01-01', INTERVAL 36 HOUR)",
               b"DATE_ADD('2020-01-01', INTERVAL '3' DAY)", b"DATE_ADD('9999-12-31', INTERVAL 1 DAY)",
               b"DATE_ADD('2020-02-29', INTERVAL 1 YEAR)", b"DATE_ADD('2020-01-31', INTERVAL -1 QUARTER)",
               b"YEAR(CURDATE())", b"YEAR('2021-05-06')", b"MONTH(NOW())", b"DAY('2020-02-29')", b"DATE(NOW())",
               b"CONCAT('INV-', YEAR(CURDATE()), '-00')", b"CONCAT('a', 1, 1.50, -2)", b"CONCAT('a', NULL)",
               b"CONCAT_WS('-', 'a', NULL, 'b')", b"CONCAT(1e0*3, '|', 0.1+0.2, '|', 1e0*0.1, '|', 1e20*1)",
               b"CONCAT(NOW(), '')", b"CONCAT(_binary'a', 'b')", b"UNHEX('4142')", b"UNHEX('414')", b"UNHEX('zz')",
               b"FROM_BASE64('QUJD')", b"CHAR(65,66)", b"CHAR(256)", b"CHAR(65, NULL)", b"MD5('a')", b"SHA1('a')",
               b"SHA('a')", b"SHA2('a', 256)", b"SHA2('a', 1)", b"PASSWORD('a')", b"PASSWORD('')",
               b"FROM_UNIXTIME(1600000000)", b"FROM_UNIXTIME(-1)", b"5*3", b"-(-5)", b"1+1.5", b"1e0*3", b"0.1+0.2",
               b"1.5*1.25", b"2.5e0*1", b"9223372036854775807+1", b"18446744073709551615-1", b"1-9223372036854775808",
               b"-(9223372036854775808)", b"- - 9223372036854775808", b"(((1)))", b"3-5", b"-3*-5", b"1e308*10",
               b"0.000000000000000000000000000001*0.00000000001", b"TRUE+1", b"NULL+1", b"-NULL"]
HOSTILE = [b"(SELECT 1)", b"(SELECT COLUMNS('content') FROM read_text('/etc/passwd'))", b"read_text('/etc/passwd')",
           b"read_csv('/etc/passwd')", b"query('SELECT 1')", b"getenv('HOME')", b"@a", b"@@version", b"'5'+1",
           b"1/2", b"10 DIV 3", b"7 % 2", b"UUID()", b"x", b"`c0`", b"1 = 1", b"NOT 1", b"CAST('1' AS SIGNED)",
           b"CONVERT('a' USING utf8)", b"UTC_TIMESTAMP()", b"NOW(6)", b"?", b":a", b"(1, 2)", b"(, 2)", b"CONCAT('a',)",
           b"UNHEX('41','42')", b"DATE_ADD(NOW(), INTERVAL 1)", b"MD5('a', 'b')", b"YEAR()", b"CURDATE", b"NOW",
           b"concat(" * 70 + b"'a'" + b")" * 70, b"- " * 70 + b"1", b"(" * 70 + b"1" + b")" * 70]
INSERTS = [b"'", b'"', b"\\", b"(", b")", b",", b"-", b"+", b".", b"e", b"E", b"x", b" ", b"\n", b"0", b"9", b"\x00",
           b"\xff", b"\xc3", b"N", b"_", b"''", b"\\'", b"),(", b"*", b"#", b"--"]
POOL = NUMBERS + STRINGS + EXPRESSIONS + HOSTILE


def mutate(rng: random.Random, rows: list[bytes]) -> bytes:
    """One case: some of the rows, with one to three mutations."""
    from dumpkit.read.mysql_values import _TOKEN

    rows = rows[:rng.randint(1, len(rows))]
    text = b",".join(rows)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        spans = [m.span() for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "punct")]
        how = rng.random()
        if how < 0.55 and spans:  # a value becomes another
            a, b = rng.choice(spans)
            text = text[:a] + rng.choice(POOL) + text[b:]
        elif how < 0.65 and spans:  # a value inside an expression
            a, b = rng.choice(spans)
            v = text[a:b]
            wrap = rng.choice([b"CONCAT(%s, 'x')", b"-(%s)", b"%s + 1", b"(%s)", b"%s * 2", b"- %s",
                               b"CONCAT_WS(',', %s, %s)",
                               b"UNHEX(%s)", b"MD5(%s)", b"YEAR(%s)", b"DATE_ADD(%s, INTERVAL 1 DAY)"])
            text = text[:a] + wrap.replace(b"%s", v) + text[b:]
        elif how < 0.9 and text:  # bytes
            i = rng.randrange(len(text) + 1)
            op = rng.choice(["insert", "delete", "dup", "replace"])
            ins = rng.choice(INSERTS)
            if op == "insert":
                text = text[:i] + ins + text[i:]
            elif op == "delete":
                text = text[:i] + text[i + rng.randint(1, 3):]
            elif op == "dup":
                text = text[:i] + text[i:i + 4] + text[i:]
            else:
                text = text[:i] + ins + text[i + 1:]
        elif text:  # cut
            text = text[:rng.randrange(len(text))]
    return text


# ---------------------------------------------------------------- the oracle

_SERVER_TYPES = {"TINYINT": "TINYINT", "SMALLINT": "SMALLINT", "INTEGER": "INT", "BIGINT": "BIGINT",
                 "HUGEINT": "BIGINT UNSIGNED", "FLOAT": "FLOAT", "DOUBLE": "DOUBLE", "DATE": "DATE",
                 "TIMESTAMP": "DATETIME(6)", "BOOLEAN": "TINYINT"}


def server_type(col) -> str:
    """The column type the server gets: the type staging gives the column, in MariaDB's
    words - so the wider integers for INT UNSIGNED and smaller, text for string lengths,
    ENUM, SET and TIME (staged as written), BIT(64) for BIT's width, DATETIME(6) for TIMESTAMP's range and DATETIME's
    rounding of fractions (neither is modelled by staging; see the module docstring)."""
    if col.source_type.lower().startswith("bit"):
        return "BIT(64)"
    if col.binary:
        return "LONGBLOB"
    if col.duck_type.startswith("DECIMAL"):
        return col.duck_type
    return _SERVER_TYPES.get(col.duck_type, "LONGTEXT")


class Server:
    """INSERTs into a scratch table of the given types, each rolled back after its rows are read."""

    def __init__(self, socket: str):
        import pymysql
        from pymysql.constants import CLIENT

        # INSERT and SELECT in one round trip (the server's latency is most of a case's time)
        self.conn = pymysql.connect(unix_socket=socket, user="root", password="", charset="utf8mb4", autocommit=False,
                                    binary_prefix=True, client_flag=CLIENT.MULTI_STATEMENTS)
        epoch = int((_dt.datetime.fromisoformat(RESTORE_TIME) - _dt.datetime(1970, 1, 1)).total_seconds())
        with self.conn.cursor() as cur:
            cur.execute("CREATE DATABASE IF NOT EXISTS dumpkit_fuzz")
            cur.execute("USE dumpkit_fuzz")
            cur.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_VALUE_ON_ZERO', time_zone = '+00:00', "
                        f"timestamp = {epoch}")
        self.tables: dict[tuple, str] = {}

    def insert(self, columns: list, values: bytes):
        """(rows, None) as the server stores them, or (None, its error)."""
        import pymysql

        cols = tuple(server_type(c) for c in columns)
        with self.conn.cursor() as cur:
            table = self.tables.get(cols)
            if table is None:  # one table per column layout, named by it (runs at once may share a server)
                table = self.tables[cols] = "fz_" + hashlib.sha1(repr(cols).encode()).hexdigest()[:16]
                cur.execute(f"CREATE TABLE IF NOT EXISTS {table} (" + ", ".join(f"c{i} {t}" for i, t in enumerate(cols))
                            + ", _n INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4")
            select = ", ".join(f"c{i} + 0" if t.lower().startswith("bit") else f"c{i}" for i, t in enumerate(cols))
            names = ", ".join(f"c{i}" for i in range(len(cols)))
            insert = f"INSERT INTO {table} ({names}) VALUES ".encode() + values
            try:
                if b";" in values:  # the text might end the INSERT: one statement per call
                    cur.execute(insert)
                    cur.execute(f"SELECT {select} FROM {table} ORDER BY _n")
                else:
                    # (a newline first: the text may end in a -- or # comment)
                    cur.execute(insert + f"\n; SELECT {select} FROM {table} ORDER BY _n".encode())
                    cur.nextset()
                return [list(r) for r in cur.fetchall()], None
            except pymysql.MySQLError as e:
                return None, str(e)[:160]
            finally:
                self.conn.rollback()


def read_dumpkit(values: bytes, tdef):
    """(C scanner's rows, slow path's rows, staging's rows): each (values, problem kinds per
    column) after the casts staging does, or an exception; the C scanner's None if it declines."""
    from dumpkit.read.events import TableDef
    from dumpkit.read.mysql import MySQLReader, _parse_values
    from dumpkit.read.mysql_values import ValuesError, parse_values_fast, parse_values_slow
    from dumpkit.read.typed import cast_table

    types = tdef.columns
    binary, bits, numeric, infer, cast = MySQLReader._kinds(None, tdef, None)
    cast_types = TableDef.cast_types(tdef.columns)

    def staged(table):
        if table is None or isinstance(table, Exception):
            return table
        if table.num_columns != len(types):
            return ValuesError(f"{table.num_columns} values for {len(types)} columns", 0)
        from dumpkit.read.mysql_values import table_notes

        notes = table_notes(table)
        raw = [_pylist(c) for c in table.columns]
        typed, cast_notes = cast_table(table, cast_types)
        problems = [set() for _ in types]
        for found in (notes, cast_notes):
            for kind, per_col in found.items():
                for col in per_col:
                    if kind != "value_computed":
                        problems[int(col)].add(kind)
        return [_pylist(c) for c in typed.columns], problems, raw

    fast = parse_values_fast(values, binary, cast) if not bits else None
    try:
        slow = parse_values_slow(values, "utf-8", binary, bits, numeric, infer, cast)
    except ValuesError as e:
        slow = e
    whole = _parse_values(values, "utf-8", binary, bits, numeric, infer, cast)
    return staged(fast), staged(slow), staged(whole)


def _pylist(col) -> list:
    try:
        return col.to_pylist()
    except (OverflowError, ValueError):  # a date past year 9999 (DuckDB's cast takes one): as text
        return col.cast("string").to_pylist()


_TABLES: dict = {}


def table_def(types: tuple):
    """dumpkit's TableDef for columns of these source types."""
    from dumpkit.read.ddl import parse_create_table

    if types not in _TABLES:
        ddl = "CREATE TABLE t (" + ", ".join(f"`c{i}` {t}" for i, t in enumerate(types)) + ")"
        _TABLES[types] = parse_create_table(ddl, "mysql", 0)
    return _TABLES[types]


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-6) or float(a) == float(b)
        except (TypeError, ValueError):
            return False
    if isinstance(a, (bytes, bytearray)) and isinstance(b, int):
        a = int.from_bytes(a, "big")
    if isinstance(b, (bytes, bytearray)) and isinstance(a, int):
        b = int.from_bytes(b, "big")
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except ArithmeticError:
            return False
    if isinstance(a, _dt.timedelta) or isinstance(b, _dt.timedelta):
        return str(a) == str(b)
    return a == b


def judge(values: bytes, types: list[str], server: Server | None) -> tuple[str, str]:
    """(outcome, detail) of one case."""
    from dumpkit.read.mysql_values import ValuesError

    tdef = table_def(tuple(types))
    try:
        fast, slow, whole = read_dumpkit(values, tdef)
    except Exception:
        return "CRASH", traceback.format_exc(limit=8)
    for name, got in (("fast", fast), ("slow", slow), ("staging", whole)):
        if isinstance(got, Exception) and not isinstance(got, ValuesError):
            return "CRASH", f"{name}: {type(got).__name__}: {got}"
    if fast is not None:
        if isinstance(slow, Exception) != isinstance(fast, Exception):
            return "C_SLOW", f"C {fast} but slow {slow}"
        if not isinstance(slow, Exception) and (not _rows_equal(fast[0], slow[0]) or fast[1] != slow[1]):
            return "C_SLOW", f"C {fast} != slow {slow}"
    if isinstance(whole, Exception):
        return "refused", str(whole)[:160]  # reported, whatever the server makes of it
    if server is None:
        return "agree", ""
    rows, error = server.insert(tdef.columns, values)
    cols, problems, raw = whole
    if error:
        if any(problems):
            return "reported", error
        m = re.search(r"\(1264, \"Out of range value for column 'c(\d+)'", error)
        if m and "unsigned" in types[int(m.group(1))].lower():
            return "unsigned", error  # staging's wider integer keeps what UNSIGNED refuses (not the readers' concern)
        m = re.search(r"Incorrect (?:date|datetime) value: .* for column `[^`]+`.`[^`]+`.`c(\d+)`", error)
        if m and _odd_date(raw[int(m.group(1))]):
            return "date_text", error
        m = re.search(r"(?:Incorrect \w+ value: .* for column `[^`]+`.`[^`]+`.`|Data truncated for column ')c(\d+)", error)
        if m and _as_written(raw[int(m.group(1))], values):
            # the readers passed the literal's text on unchanged; DuckDB's cast takes what strict MariaDB refuses
            return "cast", error
        return "MISMATCH", f"server refuses ({error}); staged {cols}"
    want = [list(c) for c in zip(*rows)] if rows else [[] for _ in types]
    for j, (a, b) in enumerate(zip(cols, want)):
        if len(a) != len(b) or not all(_same(x, y) for x, y in zip(a, b)):
            if problems[j]:
                return "reported", f"column {j}: {sorted(problems[j])}"
            if tdef.columns[j].duck_type in ("DATE", "TIMESTAMP") and _odd_date(raw[j]):
                # '20-03-04', '2020-1-1': the server's lenient date reading, not DuckDB's cast (typed.py)
                return "date_text", f"column {j}: {raw[j]!r}"
            return "MISMATCH", f"column {j} ({types[j]}): staged {a!r}, server {b!r}"
    return ("reported" if any(problems) else "agree"), ""


_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d(?:\.\d{1,6})?)?")


def _as_written(texts: list, values: bytes) -> bool:
    return any(isinstance(v, str) and v and ("'" + v + "'").encode() in values for v in texts)


def _odd_date(texts: list) -> bool:
    return not all(v is None or not isinstance(v, str) or _ISO_DATE.fullmatch(v) for v in texts)


def _rows_equal(a: list, b: list) -> bool:
    return len(a) == len(b) and all(len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y)) for x, y in zip(a, b))


def check_scanner_edges() -> None:
    """The C scanner's own limits, called directly (they need no server): a negative or too
    large position for tuple_lines is refused, and a 19-digit number in an integer column
    stays text (UBSan aborts here when the scanner multiplies into an overflow)."""
    from dumpkit.read.mysql_tuples import tuple_lines
    from dumpkit.read.mysql_values import parse_values_fast

    for pos in (-1, -(1 << 40), 10, 1 << 40):
        try:
            tuple_lines(b"(1)\n(2);\n", pos)
        except ValueError:
            continue
        raise AssertionError(f"tuple_lines accepted position {pos}")
    t = parse_values_fast(b"(9999999999999999999,-9999999999999999999,1234567890123456789)", frozenset(), ("BIGINT",) * 3)
    assert t.column(0).to_pylist() == ["9999999999999999999"], t


def run(cases: int, seed: int, socket: str | None, only: int | None = None, progress: bool = False) -> Counter:
    """Run `cases` cases of round `seed` (case i is the same in every run); print findings."""
    os.environ["DUMPKIT_RESTORE_TIME"] = RESTORE_TIME
    check_scanner_edges()
    snippets = corpus() + EXTRA_SEEDS
    server = Server(socket) if socket else None
    outcomes: Counter = Counter()
    t0 = time.monotonic()
    for i in range(cases) if only is None else [only]:
        rng = random.Random(f"{seed}:{i}")
        types, rows = rng.choice(snippets)
        values = mutate(rng, rows)
        outcome, detail = judge(values, types, server)
        outcomes[outcome] += 1
        if outcome in FINDINGS or only is not None:
            print(f"{outcome} seed {seed} case {i}: types {types}\n  values {values[:400]!r}\n  {detail[:1200]}", flush=True)
        if progress and i and i % 5000 == 0:
            print(f"{i} cases, {time.monotonic() - t0:.0f} s: {dict(outcomes)}", flush=True)
    return outcomes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", type=int, help="run only this case of the round (and show it)")
    ap.add_argument("--socket", help="a running MariaDB's unix socket (default: start one)")
    ap.add_argument("--no-server", action="store_true", help="compare the C scanner and the slow path only")
    ap.add_argument("--no-sanitize", action="store_true", help="use the installed scanner")
    ap.add_argument("--json", action="store_true", help="end with the outcomes as one JSON line")
    ap.add_argument("--scanner", type=Path, help="a sanitized build of the scanner to use (default: build one)")
    args = ap.parse_args()
    if not args.no_sanitize and args.scanner is None:
        with tempfile.TemporaryDirectory(prefix="dumpkit-fuzz-") as tmp:
            scanner = build_sanitized(Path(tmp))
            cmd = [sys.executable, "-m", "tests.fuzz_values", *sys.argv[1:], "--scanner", str(scanner)]
            return subprocess.run(cmd, cwd=ROOT, env=sanitizer_env()).returncode
    if args.scanner:
        load_scanner(args.scanner)
    if args.no_server or args.socket:
        outcomes = run(args.cases, args.seed, args.socket, args.only, progress=True)
    else:
        sys.path.insert(0, str(ROOT))
        from tests.servers import start_mariadb

        with start_mariadb() as server:
            outcomes = run(args.cases, args.seed, str(server.socket), args.only, progress=True)
    print(json.dumps(dict(outcomes)) if args.json else f"outcomes: {dict(outcomes)}")
    return 1 if any(outcomes[f] for f in FINDINGS) else 0


if __name__ == "__main__":
    sys.exit(main())
