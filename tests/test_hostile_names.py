"""A dump is written by a stranger: its names never become code, its text never
drives the terminal, and its customers' data stays in the staging file.

Each name below is a DuckDB statement in disguise (quotes of every kind, `;`, `--`,
newlines); the payloads write a file or create a table, so a test sees at once
whether anything ran.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.migrate import migrate
from dumpkit.sqlnames import ident, literal, sql_type
from dumpkit.stage import stage_dump

ROOT = Path(__file__).resolve().parent.parent
PS8 = ROOT / "fixtures" / "prestashop" / "ps-8.1.7.sql"


def hostile_names(pwned: Path) -> list[str]:
    """Names that run a statement when pasted between double quotes, backticks or single
    quotes."""
    return [
        f"""ps_x" AS SELECT 1; COPY (SELECT 'x') TO '{pwned}'; --""",  # the issue's example
        f"""x`; ATTACH '{pwned}' AS p; --""",
        f"""x'); COPY (SELECT 1) TO '{pwned}' (FORMAT csv); --""",
        'ps_x" AS SELECT 1;\nCREATE TABLE main.injected (i INTEGER);\n--',
        'x" ("c" INT); DROP SCHEMA IF EXISTS dumpkit CASCADE; --',
        f"x');\nCOPY (SELECT 1) TO '{pwned}';\n-- ",
    ]


def bq(name: str) -> str:
    """A MySQL identifier in backticks (a backtick inside is doubled)."""
    return "`" + name.replace("`", "``") + "`"


def dq(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables_of(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
        return {n: con.execute(f"SELECT count(*) FROM main.{ident(n)}").fetchall()[0][0] for n in names}
    finally:
        con.close()


# ---------------------------------------------------------------------------
# SQL injection through identifiers


def mysql_dump_with(name: str, column: str) -> str:
    """Every staging path that builds SQL with a table or column name: CREATE TABLE,
    AUTO_INCREMENT ids, the duplicate-key pass (REPLACE), a column list, a data-only table
    (ADD COLUMN, ALTER COLUMN ... BLOB, type inference), TRUNCATE and DROP TABLE."""
    t, c, k = bq(name), bq(column), bq(column + "#key")
    data, gone, emptied = bq(name + "_data"), bq(name + "_gone"), bq(name + "_emptied")
    return f"""
CREATE TABLE {t} ({k} int NOT NULL AUTO_INCREMENT, {c} varchar(20), `n` int, PRIMARY KEY ({k})) AUTO_INCREMENT=10;
INSERT INTO {t} VALUES (1,'a',1),(2,'b','x'),(NULL,'c',3);
INSERT INTO {t} ({c}, `n`) VALUES ('d',4);
REPLACE INTO {t} VALUES (1,'a2',5);
INSERT INTO {data} ({c}) VALUES ('12'),('13');
INSERT INTO {data} ({c}, `b`) VALUES ('14', 0x41);
CREATE TABLE {gone} (`i` int);
INSERT INTO {gone} VALUES (1);
DROP TABLE {gone};
CREATE TABLE {emptied} (`i` int);
INSERT INTO {emptied} VALUES (1);
TRUNCATE TABLE {emptied};
"""


def test_hostile_table_and_column_names_stage_as_names(tmp_path):
    pwned = tmp_path / "pwned"
    names = hostile_names(pwned)
    dump = tmp_path / "hostile.sql"
    dump.write_text("".join(mysql_dump_with(n, n[::-1]) for n in names), encoding="utf-8")
    result = stage_dump(dump, tmp_path / "s.duckdb")
    assert not pwned.exists()
    staged = tables_of(tmp_path / "s.duckdb")
    assert "injected" not in staged
    for n in names:
        assert staged[n] == 4, n  # 1 (replaced), 2, AUTO_INCREMENT 10, 11
        assert staged[n + "_data"] == 3
        assert staged[n + "_emptied"] == 0 and n + "_gone" not in staged
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    for n in names:
        column, key = ident(n[::-1]), ident(n[::-1] + "#key")
        assert con.execute(f"SELECT {key}, {column}, n FROM main.{ident(n)} ORDER BY 1").fetchall() == [
            (1, "a2", 5), (2, "b", None), (10, "c", 3), (11, "d", 4)]
        assert con.execute(f"SELECT typeof({column}), typeof(b) FROM main.{ident(n + '_data')} LIMIT 1").fetchall() == [
            ("BIGINT", "BLOB")]
    assert {r[0] for r in con.execute("SELECT DISTINCT table_name FROM dumpkit.issues").fetchall()} >= set(names)
    con.close()
    assert not result.partial


def test_hostile_postgres_schema_table_and_column_names(tmp_path):
    """PostgreSQL names a schema as well: `<schema>.t` is staged as `<schema>_t`."""
    pwned = tmp_path / "pwned"
    names = hostile_names(pwned)
    parts = []
    for n in names:
        table = f"{dq(n)}.{dq('t' + n)}"
        parts.append(f"CREATE SCHEMA {dq(n)};\nCREATE TABLE {table} (\n    {dq(n)} integer NOT NULL,\n    v text\n);\n"
                     f"COPY {table} ({dq(n)}, v) FROM stdin;\n1\tone\n2\t\\N\n\\.\n"
                     f"ALTER TABLE ONLY {table}\n    ADD CONSTRAINT k PRIMARY KEY ({dq(n)});\n")
    dump = tmp_path / "hostile.sql"
    dump.write_text("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n" + "".join(parts)
                    + "\n--\n-- PostgreSQL database dump complete\n--\n", encoding="utf-8")
    stage_dump(dump, tmp_path / "s.duckdb")
    assert not pwned.exists()
    staged = tables_of(tmp_path / "s.duckdb")
    assert staged == {f"{n}_t{n}": 2 for n in names}


def hostile_shop(tmp_path: Path, prefix: str) -> Path:
    """The PrestaShop 8 fixture with every table under `prefix` instead of `ps_`."""
    dump = tmp_path / "shop.sql"
    dump.write_text(PS8.read_text(encoding="utf-8").replace("`ps_", "`" + prefix.replace("`", "``")), encoding="utf-8")
    return dump


@pytest.fixture(scope="module")
def ps8(tmp_path_factory):
    """The PrestaShop 8 fixture staged once, and what its demo migration writes."""
    base = tmp_path_factory.mktemp("ps8")
    stage_dump(PS8, base / "stage.duckdb")
    return base / "stage.duckdb", migrate(PS8, base / "out", demo=True, seed=7, keep_currency=True).counts


def staged_copy(ps8, tmp_path: Path, rename) -> Path:
    """A copy of the staged shop with its tables renamed (`migrate` takes a staged file as
    input, so its names are as hostile as a dump's, and no reader stands in the way)."""
    db = tmp_path / "staged.duckdb"
    db.write_bytes(ps8[0].read_bytes())
    con = duckdb.connect(str(db))
    for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall():
        if rename(t) != t:
            con.execute(f"ALTER TABLE main.{ident(t)} RENAME TO {ident(rename(t))}")
    con.close()
    return db


def assert_nothing_ran(tmp_path: Path, db: Path) -> None:
    assert not (tmp_path / "pwned").exists()
    assert "injected" not in tables_of(db)


@pytest.mark.parametrize("k", range(5))
def test_hostile_table_prefix_migrates_as_a_name(tmp_path, ps8, k):
    """The prefix reaches detection, the `src` views, every mapping, the demo's review
    queries and the package: the shop migrates exactly as under `ps_`."""
    prefix = hostile_names(tmp_path / "pwned")[k] + "[/]ps_"
    db = staged_copy(ps8, tmp_path, lambda t: prefix + t[3:] if t.startswith("ps_") else t)
    result = migrate(db, tmp_path / "out", demo=True, seed=7, keep_currency=True)
    assert_nothing_ran(tmp_path, db)
    assert result.detection.prefix == prefix and result.manifest["table_prefix"] == prefix
    assert result.counts == ps8[1]
    assert (tmp_path / "out" / "review.json").exists()


def test_hostile_table_prefix_in_the_dump_text(tmp_path, ps8):
    """The same through the MySQL reader, from the dump's own text."""
    prefix = hostile_names(tmp_path / "pwned")[0] + "[/]ps_"
    result = migrate(hostile_shop(tmp_path, prefix), tmp_path / "out", demo=True, seed=7, keep_currency=True,
                     keep_stage=True)
    assert_nothing_ran(tmp_path, tmp_path / "out" / "stage.duckdb")
    assert result.detection.prefix == prefix and result.counts == ps8[1]


@pytest.mark.parametrize("k", range(5))
def test_hostile_table_beside_the_shop(tmp_path, ps8, k):
    """The issue's case: one more table with the shop's prefix, named to close the `src`
    view's quote and run a statement after it."""
    name = "ps_" + hostile_names(tmp_path / "pwned")[k].removeprefix("ps_")
    db = staged_copy(ps8, tmp_path, lambda t: name if t == "ps_access" else t)
    result = migrate(db, tmp_path / "out", demo=True, seed=7, keep_currency=True)
    assert_nothing_ran(tmp_path, db)
    assert result.detection.prefix == "ps_" and result.counts == ps8[1]
    # the migration never writes to a staged file (it is attached read-only): the table is as it was
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute(f"SELECT count(*) FROM main.{ident(name)}").fetchall()[0][0] > 0
    con.close()


def test_hostile_table_beside_the_shop_in_the_dump_text(tmp_path):
    pwned = tmp_path / "pwned"
    name = hostile_names(pwned)[0]
    text = PS8.read_text(encoding="utf-8").replace(
        "-- Dump completed", f"CREATE TABLE {bq(name)} (`id` int NOT NULL);\nINSERT INTO {bq(name)} VALUES (1);\n"
                             "-- Dump completed")
    dump = tmp_path / "shop.sql"
    dump.write_text(text, encoding="utf-8")
    result = migrate(dump, tmp_path / "out", keep_currency=True)
    assert_nothing_ran(tmp_path, tmp_path / "out" / "stage.duckdb")
    assert result.detection.prefix == "ps_" and result.counts["products"] == 19


def test_a_column_type_from_the_ddl_never_becomes_sql(tmp_path):
    """A type is the one part of a column that cannot be quoted: only the types staging
    gives a column get into SQL."""
    pwned = tmp_path / "pwned"
    dump = tmp_path / "types.sql"
    dump.write_text(f"CREATE TABLE `t` (`a` int, `b` decimal(10,2) COMMENT 'x''); COPY (SELECT 1) TO ''{pwned}''; --');\n"
                    f"INSERT INTO `t` VALUES (1, 'x'),(2, '3.5');\n"
                    f"CREATE TABLE `u` (`a` int); COPY (SELECT 1) TO '{pwned}'; --, `b` int);\n"
                    f"INSERT INTO `u` VALUES (1);\n", encoding="utf-8")
    stage_dump(dump, tmp_path / "s.duckdb")
    assert not pwned.exists()
    for bad in ("INTEGER); COPY (SELECT 1) TO 'f'; --", "DECIMAL(10,2) ", "VARCHAR[]", "STRUCT(a INT)", "integer"):
        with pytest.raises(ValueError):
            sql_type(bad)
    for good in ("INTEGER", "UBIGINT", "HUGEINT", "DECIMAL(38,10)", "TIMESTAMPTZ", "TIMETZ", "BLOB", "INTERVAL"):
        assert sql_type(good) == good


def test_quoting_helpers():
    con = duckdb.connect()
    for text in ['a"b', "it's", "x`; --", "line\nbreak", 'x" AS SELECT 1; --', "\\'", "\x00"]:
        assert con.execute(f"SELECT {literal(text)} AS {ident(text)}").fetchall() == [(text,)]
        assert con.execute(f"SELECT {literal(text)} AS {ident(text)}").description[0][0] == text


def test_a_source_id_is_a_value_not_sql(tmp_path):
    """Source ids are the dump's text too (a WooCommerce tax class is a slug): the standard
    class given to products without one goes into SQL as a parameter."""
    from dumpkit.issues import IssueLog
    from dumpkit.map.refine import add_default_tax_class

    pwned = tmp_path / "pwned"
    slug = f"x'; COPY (SELECT 1) TO '{pwned}'; --"
    con = duckdb.connect()
    con.execute("CREATE SCHEMA pkg")
    con.execute("CREATE TABLE pkg.tax_classes (source_id VARCHAR, title VARCHAR, description VARCHAR, tax_rate DECIMAL(9,4))")
    con.execute("INSERT INTO pkg.tax_classes VALUES (?, 'MVA', '', 25)", [slug])
    con.execute("CREATE TABLE pkg.products (source_id VARCHAR, tax_class_source_id VARCHAR)")
    con.execute("INSERT INTO pkg.products VALUES ('1', NULL), ('2', ?)", [slug])
    add_default_tax_class(con, IssueLog())
    assert not pwned.exists()
    assert con.execute("SELECT source_id, tax_class_source_id FROM pkg.products ORDER BY 1").fetchall() == [
        ("1", slug), ("2", slug)]


# ---------------------------------------------------------------------------
# the terminal: text from a dump prints as text

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[1A\r"  # window title, clear screen, cursor up, carriage return


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """A wide terminal, so that a table cell holds a whole name."""
    return subprocess.run([sys.executable, "-c", "from dumpkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300, cwd=cwd, env={**os.environ, "COLUMNS": "250"})


def test_plain_shows_control_characters_and_escapes_markup():
    from rich.console import Console

    from dumpkit.terminal import plain

    assert plain("a\x1b[2Jb\nc\t\u202ed\x9b") == "a\\x1b[2Jb\\nc\\t\\u202ed\\x9b"
    console = Console(record=True, width=200, emoji=False)
    for text in ["[/]ps_", "[bold red]x[/bold red]", "x\\", "[link=file:///etc/passwd]y[/link]", ":warning:", ESCAPES]:
        console.print(f"[bold]{plain(text)}[/bold]")
    shown = console.export_text().splitlines()
    assert shown == ["[/]ps_", "[bold red]x[/bold red]", "x\\", "[link=file:///etc/passwd]y[/link]", ":warning:",
                     "\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\r"]


def test_inspect_and_stage_print_names_as_text(tmp_path):
    """Table and column names, and the producer line, print as themselves: no escape sequence
    reaches the terminal, and markup is shown, not applied."""
    name = f"{ESCAPES}[/]ps_[bold]x"
    dump = tmp_path / "dump.sql"
    dump.write_text(f"-- MySQL dump 10.13 {ESCAPES}[/]\n"
                    f"CREATE TABLE {bq(name)} ({bq(name)} int);\nINSERT INTO {bq(name)} VALUES (1),('x');\n"
                    f"INSERT INTO {bq(name)} VALUES (2) garbage;\n-- Dump completed\n", encoding="utf-8")
    shown = "\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\r[/]ps_[bold]x"
    inspect = run_cli("inspect", str(dump))
    stage = run_cli("stage", str(dump), "--db", str(tmp_path / "s.duckdb"))
    for proc in (inspect, stage):
        assert proc.returncode == 0, proc.stderr
        assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr
    assert shown in inspect.stdout
    assert f"{shown}.{shown} @" in stage.stdout  # an issue's table.column


def test_migrate_prints_a_markup_prefix(tmp_path, ps8):
    """A prefix like `[/]ps_` made rich raise after the package was written."""
    prefix = f"[/]{ESCAPES}ps_"
    db = staged_copy(ps8, tmp_path, lambda t: prefix + t[3:] if t.startswith("ps_") else t)
    proc = run_cli("migrate", str(db), "-o", str(tmp_path / "out"), "--keep-currency")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr
    assert "table prefix '[/]\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\rps_'" in proc.stdout


def test_an_error_prints_its_names_as_text(tmp_path):
    """A one-line error names the file: a name from a zip or an upload is as hostile as a table's."""
    bad = tmp_path / f"{ESCAPES}[bold]dump.sql"
    bad.write_bytes(bytes(range(256)) * 8)
    proc = run_cli("stage", str(bad), "--db", str(tmp_path / "s.duckdb"))
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "\\x1b]0;owned\\x07\\x1b[2J\\x1b[1A\\r[bold]dump.sql" in proc.stderr


# ---------------------------------------------------------------------------
# the second wall: connections that touch a dump's text have no file access


def refused_statements(pwned: Path) -> list[str]:
    return [
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        f"COPY (SELECT 1) TO '{pwned}'",
        f"ATTACH '{pwned}' AS elsewhere",
        "INSTALL httpfs",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "SET memory_limit = '64GB'",
        "SET allowed_paths = ['/etc/passwd']",
    ]


def assert_locked(con: duckdb.DuckDBPyConnection, pwned: Path) -> None:
    for sql in refused_statements(pwned):
        with pytest.raises(duckdb.Error):
            con.execute(sql).fetchall()
    assert not pwned.exists()


def test_the_stager_connection_is_locked_from_the_first_table_to_the_end(tmp_path, monkeypatch):
    """Checked on a cursor: the same database and settings, in a transaction of its own (a
    refused statement aborts the transaction it runs in)."""
    from dumpkit.stage.writer import StageWriter

    seen = []
    table_def, finish = StageWriter.table_def, StageWriter.finish

    def checked_table_def(self, ev):
        if not seen:
            assert_locked(self.con.cursor(), tmp_path / "pwned")
        seen.append("table_def")
        return table_def(self, ev)

    def checked_finish(self, info):
        assert_locked(self.con.cursor(), tmp_path / "pwned")
        seen.append("finish")
        return finish(self, info)

    monkeypatch.setattr(StageWriter, "table_def", checked_table_def)
    monkeypatch.setattr(StageWriter, "finish", checked_finish)
    stage_dump(PS8, tmp_path / "s.duckdb")
    assert seen[0] == "table_def" and seen[-1] == "finish"
    assert tables_of(tmp_path / "s.duckdb")["ps_product"] == 19


def test_the_migrate_connection_is_locked(tmp_path, ps8, monkeypatch):
    """Mappings, checks, the demo and the package writer work on it (pyarrow writes the files)."""
    import dumpkit.migrate as M

    detect, seen = M.detect, []

    def checked_detect(con, *args):
        assert_locked(con, tmp_path / "pwned")
        seen.append(con)
        return detect(con, *args)

    monkeypatch.setattr(M, "detect", checked_detect)
    # the mappings run on cursors of it, two at a time: each as locked
    import dumpkit.map.runner as R

    cursor, cursors = R._cursor, []

    def checked_cursor(con, variables):
        made = cursor(con, variables)
        assert_locked(made, tmp_path / "pwned")
        cursors.append(made)
        return made

    monkeypatch.setattr(R, "_cursor", checked_cursor)
    db = staged_copy(ps8, tmp_path, lambda t: t)
    result = migrate(db, tmp_path / "out", demo=True, seed=7, keep_currency=True)
    assert seen and cursors and result.counts == ps8[1]


def test_the_cast_connection_is_locked(tmp_path):
    import pyarrow as pa

    from dumpkit.read import typed

    table, notes = typed.cast_table(pa.table({"c0": ["279.99", "x", "0000-00-00"]}), ["INTEGER"])
    assert table.column(0).to_pylist() == [280, None, None] and notes["bad_value"]["0"][0] == 2
    assert_locked(typed._local.duck, tmp_path / "pwned")


def test_a_locked_connection_still_spills_to_disk(tmp_path):
    """DuckDB's own temp files are not 'external access': a sort beyond the memory limit
    still runs (the stager's bound on memory depends on it)."""
    from dumpkit.sandbox import lock_down

    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute("SET memory_limit = '40MB'")
    con.execute("SET threads = 1")
    lock_down(con)
    con.execute("CREATE TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(1500000)")
    assert con.execute("SELECT count(DISTINCT s), min(s) < max(s) FROM (SELECT * FROM t ORDER BY s DESC, i)").fetchall() == [
        (1500000, True)]
    assert list((tmp_path / "x.duckdb.tmp").iterdir())  # DuckDB's spill file
    con.close()


# ---------------------------------------------------------------------------
# personal data: an issue shows where a statement broke, not the customer's data


EMAIL, HASH, NAME = "kari.nordmann@hemmelig-post.no", "$2y$10$Qm9yZ2V0TWVOb3RTZWNyZXRIYXNoT2ZLYXJpTm9yZG1hbm4", "Nordmann"
SECRETS = (EMAIL, HASH, "hemmelig", "Qm9yZ2V0", NAME)


def customer_row(i: int, email: str = EMAIL, tail: str = "") -> str:
    """A PrestaShop 8 ps_customer row (33 columns)."""
    return (f"({i},1,1,1,3,1,0,'','','','Kari','{NAME}','{email}','{HASH}'{tail},'2025-03-04 02:17:58','1970-01-15',1,'',"
            "'2013-12-13 08:19:15',1,'',0.000000,0,0,'e228e8fb93a48716bb2fffc1f2918bd1','',1,0,0,"
            "'2025-03-04 08:17:58','2025-03-04 08:17:58','','0000-00-00 00:00:00')")


def shop_with(tmp_path: Path, statements: str) -> Path:
    dump = tmp_path / "shop.sql"
    dump.write_text(PS8.read_text(encoding="utf-8").replace("-- Dump completed", statements + "-- Dump completed"),
                    encoding="utf-8")
    return dump


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text[max(0, text.find(secret) - 200):text.find(secret) + 100])


def staged_texts(db: Path) -> str:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return "\n".join(str(r) for t in ("issues", "skipped") for r in con.execute(f"SELECT * FROM dumpkit.{t}").fetchall())
    finally:
        con.close()


def test_an_unparsable_customer_insert_keeps_the_customer_in_the_staging_file(tmp_path):
    """A broken row right after the e-mail and the password hash: the issue says which table,
    at which byte, and shows the statement's shape with every literal masked; stdout,
    issues.jsonl, dumpkit.issues and report.html hold neither."""
    broken = customer_row(4, tail=" garbage")
    dump = shop_with(tmp_path, f"INSERT INTO `ps_customer` VALUES {customer_row(3, 'kari@example.org')},{broken};\n"
                               f"UPDATE `ps_customer` SET `email` = '{EMAIL}', `passwd` = '{HASH}' WHERE `id_customer` = 2;\n"
                               f"INSERT INTO `ps_customer` VALUES {customer_row(5)}\n")  # never closed: ';' missing
    refused = run_cli("migrate", str(dump), "-o", str(tmp_path / "out"), "--keep-currency")  # cut short: exit 4, masked too
    assert refused.returncode == 4, refused.stderr
    assert_no_secrets(refused.stdout, refused.stderr)
    proc = run_cli("migrate", str(dump), "-o", str(tmp_path / "out"), "--allow-partial", "--keep-currency")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "out"
    assert_no_secrets(proc.stdout, proc.stderr, staged_texts(out / "stage.duckdb"),
                      *[(out / f).read_text(encoding="utf-8") for f in ("issues.jsonl", "report.html", "manifest.json")])
    issues = [json.loads(line) for line in (out / "issues.jsonl").read_text(encoding="utf-8").splitlines()]
    stage = {i["code"]: i for i in issues if i["phase"] == "stage" and i["table"] == "ps_customer"}
    unparsable = stage["UNPARSABLE_STATEMENT"]["message"]
    assert "'$**$**$***" in unparsable and "' ***" in unparsable  # the hash's shape, then the stray word
    text = dump.read_bytes()
    row_4 = text.index(b"),(4,1,1,1")  # the broken row is found by its byte offset
    assert row_4 <= int(re.search(r"\(byte (\d+)\)", unparsable).group(1)) <= text.index(b" garbage")
    assert (f"UPDATE `ps_customer` SET `email` = '{'*' * 4}.{'*' * 8}@{'*' * 8}-{'*' * 4}.**', `passwd` = '$**$**$"
            in stage["UNSUPPORTED_STATEMENT"]["message"])
    con = duckdb.connect(str(out / "stage.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM ps_customer WHERE email = 'kari@example.org' AND passwd = ?",
                       [HASH]).fetchall() == [(1,)]  # the row before the broken one is staged, hash and all
    con.close()


def test_values_that_fail_their_cast_show_their_shape(tmp_path):
    dump = tmp_path / "d.sql"
    dump.write_text("CREATE TABLE `c` (`id` int, `phone` int, `born` date, `name` varchar(20));\n"
                    f"INSERT INTO `c` VALUES (1, '+47 912 34 567', '31.12.1980', '{NAME}'), (2, 5, '1980-00-00', 'x');\n"
                    "INSERT INTO `c` VALUES (3, 6, 'x', 'Bj\xf8rn');\n".encode("latin-1").decode("latin-1"),
                    encoding="latin-1")
    result = stage_dump(dump, tmp_path / "s.duckdb")
    examples = {(i.kind, i.column): i.example for i in result.issues}
    assert examples[("bad_value", "phone")] == "'+** *** ** ***' is not a valid INTEGER; staged as NULL"
    assert examples[("bad_value", "born")] == "'**.**.****' is not a valid DATE; staged as NULL"
    assert examples[("zero_date", "born")] == "'****-**-**' staged as NULL"
    assert examples[("charset_guessed", "name")].endswith("e.g. '*****'")  # Bjørn
    assert_no_secrets(staged_texts(tmp_path / "s.duckdb"))
    assert "912" not in staged_texts(tmp_path / "s.duckdb") and "1980" not in staged_texts(tmp_path / "s.duckdb")


def test_postgres_problems_show_no_values(tmp_path):
    from dumpkit.redact import mask_value

    dump = tmp_path / "pg.sql"
    dump.write_text("--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n"
                    "CREATE TABLE public.customer (id integer, email text, pass text, photo bytea);\n"
                    "COPY public.customer (id, email, pass, photo) FROM stdin;\n"
                    f"1\tok@example.org\tx\t\\N\n2\t{EMAIL}\t{HASH}\n3\t{EMAIL}\t{HASH}\t\\\\xZZ{NAME}\n\\.\n"
                    f"INSERT INTO public.customer VALUES (4, '{EMAIL}', '{HASH}', NULL) garbage;\n"
                    f"INSERT INTO public.customer VALUES (5, E'it\\'s {EMAIL}', $q${HASH}$q$, NULL) garbage;\n"
                    f"UPDATE public.customer SET email = '{EMAIL}' WHERE id = 1;\n"
                    "\n--\n-- PostgreSQL database dump complete\n--\n", encoding="utf-8")
    result = stage_dump(dump, tmp_path / "s.duckdb")
    kinds = {i.kind for i in result.issues}
    assert {"bad_row", "bad_value", "unparsable_statement", "unsupported_statement"} <= kinds, result.issues
    assert_no_secrets(staged_texts(tmp_path / "s.duckdb"))
    bad_row = next(i for i in result.issues if i.kind == "bad_row")
    assert bad_row.example == "3 fields for 4 columns: *\t" + mask_value(EMAIL) + "\t$**$**$" + "*" * (len(HASH) - 7)


@pytest.mark.parametrize("sql, masked", [
    ("INSERT INTO `t` VALUES (3,'Kari','k@x.no','$2y$10$ab') x", "INSERT INTO `t` VALUES (3,'****','*@*.**','$**$**$**') x"),
    ("VALUES ('it''s', \"dq\", 'a\\'b') -- it's\n, 'c'", "VALUES ('**''*', \"**\", '*\\'*') -- **'*\n, '*'"),
    ("VALUES ('C:\\', 'secret')", "VALUES ('*:\\', '******')"),  # NO_BACKSLASH_ESCAPES or not: hidden either way
    ("/* it's */ INSERT INTO `it's` VALUES ('x')", "/* **'* */ INSERT INTO `it's` VALUES ('*')"),
    ("/*!40000 ALTER TABLE `t` DISABLE KEYS */", "/*!40000 ALTER TABLE `t` DISABLE KEYS */"),
    ("expected ',' but found b'secret' (near byte 4: \"'a' b\")", "expected ',' but found b'******' (near byte 4: \"'*' *\")"),
])
def test_mask_literals(sql, masked):
    from dumpkit.redact import mask_literals

    assert mask_literals(sql) == masked


def test_mask_literals_postgres():
    from dumpkit.redact import mask_literals, mask_window

    assert mask_literals("INSERT INTO \"Kunde\" VALUES ('a', $$b c$$, $x$d$x$, E'\\'e')", "postgres") == \
        "INSERT INTO \"Kunde\" VALUES ('*', $$* *$$, $x$*$x$, E'\\'*')"
    sql = "INSERT INTO t VALUES ('aaa bbb', 1)"
    assert mask_window(sql, 25, 40) == "* ***', 1)"  # a fragment that starts inside a literal


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def statements(draw, dialect: str):
    """SQL as a dump writes it, with the spans of its literals' contents: names, numbers,
    comments, and string literals of any text, escaped the way the dialect's tools escape."""
    parts, spans, pos = [], [], 0
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["name", "number", "literal", "comment", "line comment", "punct"]))
        text = draw(_TEXT)
        if kind == "literal":
            if dialect == "mysql":
                quote = draw(st.sampled_from(["'", '"']))
                body = text.replace("\\", "\\\\").replace(quote, draw(st.sampled_from(["\\", quote])) + quote)
            else:
                quote, body = "'", text.replace("'", "''")
            spans.append((pos + 1, pos + 1 + len(body)))
            piece = quote + body + quote
        elif kind == "name":
            q = "`" if dialect == "mysql" else '"'
            piece = q + text.replace(q, q + q) + q
        elif kind == "comment":
            piece = "/* " + text.replace("*/", "") + " */"
        elif kind == "line comment":
            piece = "-- " + re.sub(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", text) + "\n"
        elif kind == "number":
            piece = str(draw(st.integers(-10**6, 10**6)))
        else:
            piece = draw(st.sampled_from([", ", "(", ")", " VALUES ", ";\n"]))
        parts.append(piece)
        pos += len(piece)
    return "".join(parts), spans


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["mysql", "postgres"]).flatmap(lambda d: st.tuples(st.just(d), statements(d))))
def test_mask_literals_hides_every_literal(case):
    """Whatever a literal holds (quotes, backslashes, comment marks, newlines), no letter or
    digit of it survives, and the text keeps its length."""
    from dumpkit.redact import mask_literals

    dialect, (sql, spans) = case
    masked = mask_literals(sql, dialect)
    assert len(masked) == len(sql)
    for a, b in spans:
        assert not any(ch.isalnum() for ch in masked[a:b]), (sql, masked[a:b])


def fixture_sets() -> dict[str, list[Path]]:
    sets = {p.stem: [p] for d in ("prestashop", "woocommerce", "opencart", "shopware6") for p in sorted((ROOT / "fixtures" / d).glob("*.sql"))
            if p.stem not in ("wp-adminer", "oc-3-orders-data")}
    sets["m2-2.4.7-luma-no"] = [ROOT / "fixtures" / "magento2" / "m2-2.4.7-luma-no.sql"]
    sets["oc-3.0.x+orders"] = [ROOT / "fixtures" / "opencart" / "oc-3.0.x.sql", ROOT / "fixtures" / "opencart" / "oc-3-orders-data.sql"]
    return sets


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(fixture_sets()))
def test_password_hashes_never_leave_the_staging_file(tmp_path, name):
    """Every value of a password or salt column of the fixture is looked for in everything a
    demo migration that keeps the whole shop writes: the Parquet files (each value), the
    issues, the manifest, the review data and the report."""
    import pyarrow.parquet as pq

    out, db = tmp_path / "out", tmp_path / "stage.duckdb"
    stage_dump(fixture_sets()[name], db)
    con = duckdb.connect(str(db), read_only=True)
    columns = con.execute("""SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'
        AND (column_name ILIKE '%pass%' OR column_name ILIKE '%salt%') AND data_type IN ('VARCHAR', 'BLOB')""").fetchall()
    # hashes and salts, not a demo shop's plain 'prestashop' (which is the platform's name, in the manifest)
    secrets = {str(v) for t, c in columns
               for (v,) in con.execute(f"SELECT DISTINCT CAST({ident(c)} AS VARCHAR) FROM main.{ident(t)}").fetchall()
               if v is not None and len(str(v)) >= 20}
    con.close()
    if not secrets:
        pytest.skip(f"{name} holds no password hashes")
    migrate(db, out, demo=True, seed=1, size=10**6, keep_currency=True)

    def strings(value):
        if isinstance(value, dict):
            yield from (s for v in value.values() for s in strings(v))
        elif isinstance(value, (list, tuple)):
            yield from (s for v in value for s in strings(v))
        elif value is not None:
            yield str(value)

    written = [s for f in sorted(out.glob("*.parquet")) for row in pq.read_table(f).to_pylist() for s in strings(row)]
    written += [(out / f).read_text(encoding="utf-8") for f in ("issues.jsonl", "manifest.json", "review.json", "report.html")]
    leaked = {s for s in secrets if any(s in w for w in written)}
    assert not leaked
