"""The readers follow quoted names wherever a dump names a table: the MySQL statement
splitter, version comments, TRUNCATE and DROP TABLE lists; and two tables whose names
differ only in case stay two tables (DuckDB's names ignore case). The same cases against
the real servers: tests/test_hostile_names_server.py."""
from __future__ import annotations

import duckdb
import pytest

from dumpkit.read.inspect import inspect_dump
from dumpkit.stage import stage_dump
from tests.test_hostile_names import bq, tables_of

# names legal in MariaDB that a reader could take for the end of a statement, a comment or a string
NAMES = ["a;", "a;\nb", "it's", 'dq"x', "x -- y", "x /* y", "x */ y", "x\ny", "x`y", "a#b", "t'\n;", "e;\n-- z",
         "/*!40000 v", "m\\", "(x),"]


def stage_text(tmp_path, text: str) -> tuple[dict[str, int], list]:
    dump = tmp_path / "dump.sql"
    dump.write_text(text, encoding="utf-8")
    result = stage_dump(dump, tmp_path / "s.duckdb", workers=1)
    return tables_of(tmp_path / "s.duckdb"), result.issues


def mariadb_dump_table(name: str) -> str:
    """One table as mariadb-dump writes it (its version comments hold the name)."""
    t = bq(name)
    return (f"DROP TABLE IF EXISTS {t};\n/*!40101 SET @saved_cs_client = @@character_set_client */;\n"
            f"CREATE TABLE {t} (\n  `id` int(11) NOT NULL,\n  {bq('c' + name)} varchar(20) DEFAULT NULL,\n"
            f"  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
            f"LOCK TABLES {t} WRITE;\n/*!40000 ALTER TABLE {t} DISABLE KEYS */;\n"
            f"INSERT INTO {t} VALUES\n(1,'v;'),\n(2,'w');\n/*!40000 ALTER TABLE {t} ENABLE KEYS */;\nUNLOCK TABLES;\n")


@pytest.mark.parametrize("header", ["-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB\n", ""],
                         ids=["mariadb-dump", "hand-written"])
def test_the_splitter_follows_quoted_names(tmp_path, header):
    """Every statement splits where the server splits it: each table has its two rows."""
    trailer = "-- Dump completed on 2026-12-07\n" if header else ""
    staged, issues = stage_text(tmp_path, header + "".join(mariadb_dump_table(n) for n in NAMES) + trailer)
    assert staged == {n: 2 for n in NAMES}
    assert not issues


def test_version_comments_open_around_quoted_names(tmp_path):
    """`/*!...*/` holds SQL: a `*/` inside a quoted name does not close it; a CREATE TABLE read
    with and without its version comments keeps its names whole."""
    staged, issues = stage_text(tmp_path, (
        "/*!40101 SET NAMES utf8mb4 */;\n"
        "CREATE TABLE `p*/q` (`a*/` int, `/*!50100 b` int) /*!50100 PARTITION BY HASH (`a*/`) PARTITIONS 2 */;\n"
        "/*!40000 ALTER TABLE `p*/q` DISABLE KEYS */;\nINSERT INTO `p*/q` VALUES (1,2),(3,4);\n"))
    assert staged == {"p*/q": 2} and not issues
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert [r[0] for r in con.execute("SELECT column_name FROM dumpkit.columns ORDER BY position").fetchall()] == [
        "a*/", "/*!50100 b"]


@pytest.mark.parametrize("statement, gone, emptied", [
    ("TRUNCATE `a;b`;", [], ["a;b"]),
    ("TRUNCATE TABLE`a;b`;", [], ["a;b"]),
    ("TRUNCATE TABLE `shop`.`a;b`;", [], ["a;b"]),
    ("TRUNCATE TABLE shop . `x``y`;", [], ["x`y"]),
    ("TRUNCATE tabellé;", [], ["tabellé"]),
    ("/*!40000 TRUNCATE TABLE `p*/q` */;", [], ["p*/q"]),
    ("DROP TABLE IF EXISTS `a;b`, `x``y`;", ["a;b", "x`y"], []),
    ("DROP TABLE /* a, b */ `shop`.`a;b` , -- c\n `p*/q`, `never` CASCADE;", ["a;b", "p*/q"], []),
    ("DROP TABLE IF EXISTS `a, b`;", ["a, b"], []),
    ("DROP TABLES tabellé,`t\n;`;", ["tabellé", "t\n;"], []),
])
def test_truncate_and_drop_name_every_quoted_form(tmp_path, statement, gone, emptied):
    names = ["a;b", "x`y", "tabellé", "p*/q", "a, b", "a", "b", "t\n;"]
    text = "USE `shop`;\n" + "".join(f"CREATE TABLE {bq(n)} (`i` int);\nINSERT INTO {bq(n)} VALUES (1);\n" for n in names)
    staged, issues = stage_text(tmp_path, text + statement + "\n")
    assert staged == {n: 0 if n in emptied else 1 for n in names if n not in gone}
    assert sorted(i.table for i in issues if i.kind == "rows_removed") == sorted(gone + emptied)


def test_names_that_differ_in_case_stay_apart(tmp_path):
    """`Foo`, `foo` and `FOO` are three tables in MariaDB on Linux: three staged tables, the
    later ones under a recorded name; DROP TABLE and TRUNCATE reach only the one they name,
    and inspect names the tables as stage does."""
    text = "".join(f"CREATE TABLE {bq(n)} (`i` int);\nINSERT INTO {bq(n)} VALUES {rows};\n"
                   for n, rows in [("Foo", "(1)"), ("foo", "(1),(2)"), ("FOO", "(1),(2),(3)")])
    text += "TRUNCATE TABLE `FOO`;\nDROP TABLE `foo`;\nCREATE TABLE `fOO` (`i` int);\nINSERT INTO `fOO` VALUES (4);\n"
    text += "INSERT INTO `foO` VALUES (5);\n"  # no CREATE TABLE: a data-only table of its own
    staged, issues = stage_text(tmp_path, text)
    assert staged == {"Foo": 1, "FOO~3": 0, "fOO~2": 1, "foO~4": 1}
    renamed = {i.table: i.example for i in issues if i.kind == "table_renamed"}
    assert set(renamed) == {"foo~2", "FOO~3", "fOO~2", "foO~4"}
    assert "source table 'FOO'" in renamed["FOO~3"]
    inspected = {t.table: t.rows for t in inspect_dump([tmp_path / "dump.sql"]).tables}
    assert set(inspected) == {"Foo", "foo~2", "FOO~3", "fOO~2", "foO~4"}  # inspect counts INSERTs, not drops
    assert inspected["FOO~3"] == 3


def test_a_source_table_named_like_a_staging_temporary_survives(tmp_path):
    """The duplicate-key pass rewrites `t` through a scratch table: never one the dump has."""
    staged, _ = stage_text(tmp_path, (
        "CREATE TABLE `_dumpkit_t` (`i` int);\nINSERT INTO `_dumpkit_t` VALUES (7);\n"
        "CREATE TABLE `t` (`i` int PRIMARY KEY);\nINSERT INTO `t` VALUES (2),(1),(1);\n"))
    assert staged == {"_dumpkit_t": 1, "t": 2}


@pytest.mark.slow
def test_postgres_names_that_differ_in_case_stay_apart(postgres, tmp_path):
    """The same through pg_dump: quoted "Foo" and foo are two tables in PostgreSQL."""
    postgres.create_database("cases")
    with postgres.connect("cases") as conn:
        for name, rows in [("Foo", 1), ("foo", 2), ("a;\nb", 3), ("x'\"y", 1)]:
            q = '"' + name.replace('"', '""') + '"'
            conn.execute(f"CREATE TABLE {q} (i int PRIMARY KEY)")
            conn.execute(f"INSERT INTO {q} SELECT generate_series(1, {rows})")
    dump = postgres.dump("cases", tmp_path / "cases.sql")
    staged, issues = stage_text(tmp_path, dump.read_text(encoding="utf-8"))
    # pg_dump writes the tables in name order (C collation): "Foo" first
    assert staged == {"Foo": 1, "foo~2": 2, "a;\nb": 3, "x'\"y": 1}
    assert [i.table for i in issues if i.kind == "table_renamed"] == ["foo~2"]


def test_the_line_by_line_ddl_reader_keeps_quoted_names_whole():
    """What sqlglot cannot read is taken apart by hand: `` is one backtick, a comma or a space
    inside a name does not split it, a key column's prefix length is not a column."""
    from dumpkit.read.ddl import parse_create_table_loose

    t = parse_create_table_loose("CREATE TABLE `shop`.`a``b` (`x``y` int NOT NULL, `k,1` varchar(9) /* old */, "
                                 "CONSTRAINT `p k` PRIMARY KEY (`x``y`, `k,1`(5)))", 0)
    assert (t.table, [c.name for c in t.columns], t.primary_key) == ("a`b", ["x`y", "k,1"], ["x`y", "k,1"])


def test_migrate_maps_the_shop_beside_a_table_that_differs_in_case(tmp_path):
    """A `PS_PRODUCT` after the shop's `ps_product` neither replaces nor joins it: the shop
    migrates as it is, and the package's issues name the renamed table."""
    import json

    from dumpkit.migrate import migrate
    from tests.test_hostile_names import PS8

    text = PS8.read_text(encoding="utf-8").replace(
        "-- Dump completed", "CREATE TABLE `PS_PRODUCT` (`id_product` int NOT NULL);\n"
                             "INSERT INTO `PS_PRODUCT` VALUES (1),(2),(3);\n-- Dump completed")
    dump = tmp_path / "shop.sql"
    dump.write_text(text, encoding="utf-8")
    result = migrate(dump, tmp_path / "out", keep_currency=True)
    assert result.detection.prefix == "ps_" and result.counts["products"] == 19
    assert tables_of(tmp_path / "out" / "stage.duckdb")["PS_PRODUCT~2"] == 3
    issues = [json.loads(line) for line in (tmp_path / "out" / "issues.jsonl").read_text().splitlines()]
    assert [i for i in issues if i["code"] == "TABLE_RENAMED" and "'PS_PRODUCT'" in i["message"]]


def test_postgres_columns_that_differ_in_case_stay_apart(tmp_path):
    """"ID" beside id is legal in PostgreSQL and was an internal error (DuckDB refused the
    table): the later column is staged as `id~2`, reported, and the COPY rows follow it."""
    staged, issues = stage_text(tmp_path, (
        "--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\n"
        'CREATE TABLE public.t (\n    "ID" integer NOT NULL,\n    id integer,\n    "Id" text\n);\n'
        'COPY public.t (id, "Id", "ID") FROM stdin;\n2\tx\t1\n\\.\n'
        'ALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n'
        "\n--\n-- PostgreSQL database dump complete\n--\n"))
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT * FROM t").fetchall() == [(1, 2, "x")]
    assert [d[0] for d in con.description] == ["ID", "id~2", "Id~3"]
    assert sorted(i.column for i in issues if i.kind == "column_renamed") == ["Id~3", "id~2"]


HEADER = "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"


def structure_comment(name: str) -> str:
    """mariadb-dump's comment before a table: each line of the name gets its own '-- '."""
    return "--\n-- Table structure for table " + bq(name).replace("\n", "\n-- ") + "\n--\n\n"


def test_a_name_cannot_fake_the_dump_trailer(tmp_path):
    """A table named `x` + newline + `Dump completed on ...` puts the trailer's words in a comment
    line mid-dump: a dump cut after it is still reported as cut."""
    name = "x\nDump completed on 2026-12-07  5:00:00\ny"
    text = (HEADER + structure_comment(name) + f"CREATE TABLE {bq(name)} (`i` int);\nINSERT INTO {bq(name)} VALUES (1);\n"
            + "CREATE TABLE `later` (`i` int);\nINSERT INTO `later` VALUES (1),(2)")  # cut inside its INSERT
    dump = tmp_path / "dump.sql"
    dump.write_text(text, encoding="utf-8")
    result = stage_dump(dump, tmp_path / "s.duckdb", workers=1)
    assert result.partial
    whole = text[:text.rindex("CREATE TABLE `later`")]
    dump.write_text(whole, encoding="utf-8")  # cut between statements: the trailer is missing
    assert stage_dump(dump, tmp_path / "s.duckdb", workers=1).partial
    dump.write_text(whole + "-- Dump completed on 2026-12-07  5:00:00\n", encoding="utf-8")
    assert not stage_dump(dump, tmp_path / "s.duckdb", workers=1).partial


def test_a_name_cannot_fake_the_dump_header(tmp_path):
    """A hand-written dump has no trailer to miss: a name that puts mysqldump's header words in a
    comment mid-dump does not make it one."""
    name = "x\nMySQL dump 10.13  Distrib 8.0.36\ny"
    staged, issues = stage_text(tmp_path, "-- phpMyAdmin SQL Dump\nSET NAMES utf8mb4;\n" + structure_comment(name)
                                + f"CREATE TABLE {bq(name)} (`i` int);\nINSERT INTO {bq(name)} VALUES (1);\n")
    assert staged == {name: 1} and not issues


def test_on_duplicate_key_inside_a_string_is_a_value(tmp_path):
    staged, issues = stage_text(tmp_path, (
        "CREATE TABLE `t` (`id` int PRIMARY KEY, `v` text);\n"
        "INSERT INTO `t` VALUES (1,'a) ON DUPLICATE KEY UPDATE b');\n"
        "INSERT INTO `t` VALUES (2,'c) ON DUPLICATE KEY UPDATE d'),(1,'e') ON DUPLICATE KEY UPDATE `v`=VALUES(`v`);\n"))
    con = duckdb.connect(str(tmp_path / "s.duckdb"), read_only=True)
    assert con.execute("SELECT * FROM t ORDER BY id").fetchall() == [(1, "e"), (2, "c) ON DUPLICATE KEY UPDATE d")]
    assert not [i for i in issues if i.kind != "duplicate_key"]


def test_a_table_named_select_is_not_create_table_select(tmp_path):
    """The DDL sqlglot cannot read (a comment between columns) is read line by line, also when
    a quoted name holds the word SELECT."""
    staged, issues = stage_text(tmp_path, "CREATE TABLE `SELECT x` (`a` int, /* old */ `SELECT` int) AS_IF;\n"
                                          "INSERT INTO `SELECT x` VALUES (1,2);\n")
    assert staged == {"SELECT x": 1}
    assert {i.kind for i in issues} <= {"ddl_fallback"}


def test_a_schema_prefix_does_not_merge_two_tables(tmp_path):
    """PostgreSQL's `s.x` is staged as `s_x`; a `public.s_x` beside it is another table."""
    staged, issues = stage_text(tmp_path, (
        "--\n-- PostgreSQL database dump\n--\n\nSET client_encoding = 'UTF8';\nCREATE SCHEMA s;\n"
        "CREATE TABLE public.s_x (\n    i integer\n);\nCREATE TABLE s.x (\n    i integer\n);\n"
        "COPY public.s_x (i) FROM stdin;\n1\n\\.\nCOPY s.x (i) FROM stdin;\n2\n3\n\\.\n"
        "\n--\n-- PostgreSQL database dump complete\n--\n"))
    assert staged == {"s_x": 1, "s_x~2": 2}
    assert [(i.kind, i.table) for i in issues] == [("table_renamed", "s_x~2")]
    assert "'s.x'" in issues[0].example


def test_a_database_prefix_does_not_merge_two_tables(tmp_path):
    """mariadb-dump --databases a b: `b`.`t` is staged as `b_t`, beside a's own `b_t`; a DROP
    TABLE in b reaches b's table only."""
    staged, issues = stage_text(tmp_path, (
        "USE `a`;\nCREATE TABLE `b_t` (`i` int);\nINSERT INTO `b_t` VALUES (1);\n"
        "USE `b`;\nCREATE TABLE `t` (`i` int);\nINSERT INTO `t` VALUES (2),(3);\nCREATE TABLE `u` (`i` int);\n"
        "INSERT INTO a.b_t VALUES (4);\nDROP TABLE `t`;\n"))
    assert staged == {"b_t": 2, "b_u": 0}
    assert [(i.kind, i.table) for i in issues if i.kind == "table_renamed"] == [("table_renamed", "b_t~2")]
