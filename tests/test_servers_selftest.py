"""Proves the server test helpers themselves, without the dumpkit stager:
hand-written dumps go into real servers, the in-server fingerprints must be
the numbers worked out by hand below, and a hand-built DuckDB file with the
same data must compare equal (and a changed value must be reported)."""
from __future__ import annotations

import gzip
from decimal import Decimal

import duckdb
import pytest

from tests.servers import (
    compare_fingerprints,
    detect_mysql_charset,
    duckdb_fingerprint,
    pg_dump_format,
    server_fingerprint,
)

# OpenCart-style dash line, osCommerce-style `#` comment and now(), a
# statement that fails (restore must go on past it).
MYSQL_DUMP = """\
# hand-written test dump
-- a normal comment
SET NAMES utf8mb4;
DROP TABLE IF EXISTS `items`;
CREATE TABLE `items` (
  `id` int(10) unsigned NOT NULL,
  `price` decimal(10,4) DEFAULT NULL,
  `weight` double DEFAULT NULL,
  `name` varchar(100) NOT NULL,
  `code` char(5) DEFAULT NULL,
  `status` enum('on','off') DEFAULT NULL,
  `data` blob,
  `added` datetime DEFAULT NULL,
  `flags` bit(8) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
-----------------------------------------------------------
INSERT INTO `items` VALUES
 (4294967295,'12.3456',0.1,'O\\'Brien 😀','ab','off',X'00FF10','2024-01-02 03:04:05',b'101'),
 (1,'-0.0001',0.2,'plain','abcde','on',X'','0000-00-00 00:00:00',NULL),
 (2,NULL,NULL,'',NULL,NULL,NULL,NULL,NULL);
INSERT INTO `no_such_table` VALUES (1);
INSERT INTO items (id, name, added) VALUES (3, 'x', now());
"""

# What the server must say about MYSQL_DUMP, worked out by hand.
MYSQL_EXPECTED = {
    "id": (4, 4294967295 + 1 + 2 + 3),
    "price": (2, Decimal("12.3455")),
    "weight": (2, 0.1 + 0.2),
    "name": (4, 9 + 5 + 0 + 1),  # "O'Brien 😀" is 9 characters
    "code": (2, 2 + 5),  # MySQL CHAR drops trailing spaces
    "status": (2, 3 + 2),
    "data": (2, 3 + 0),
    "added": (2, 2),  # the zero date does not count, now() does
    "flags": (1, 5),
}

# No SET NAMES, latin1 bytes: must be detected and restored as latin1.
LATIN1_DUMP = (
    "# osCommerce 2.2 style\n"
    "CREATE TABLE t (id int NOT NULL, name varchar(50)) ENGINE=MyISAM;\n"
    "INSERT INTO t VALUES (1,'Caf\xe9 cr\xe8me');\n"
).encode("latin1")

# pg_dump-style plain dump made with -C, plus non-pg_dump lines.
PG_DUMP = """\
--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE user shopowner;
CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8'
    LOCALE = 'C';
ALTER DATABASE shop OWNER TO shopowner;
\\connect shop
CREATE SCHEMA catalog;
CREATE TABLE public.items (
    id integer NOT NULL,
    price numeric(10,4),
    weight double precision,
    name character varying(100),
    code character(5),
    data bytea,
    added timestamp without time zone,
    active boolean,
    uid uuid
);
ALTER TABLE public.items OWNER TO shopowner;
CREATE TABLE catalog.products (id bigint, title text);
COPY public.items (id, price, weight, name, code, data, added, active, uid) FROM stdin;
1	12.3456	0.1	O'Brien 😀	ab	\\\\x00ff10	2024-01-02 03:04:05	t	a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
2	-0.0001	0.2	plain\\ttab	abcde	\\\\x	\\N	f	\\N
3	\\N	\\N		\\N	\\N	\\N	\\N	\\N
\\.
COPY catalog.products (id, title) FROM stdin;
9000000000	Ünïcode
\\.
LOCK TABLES `items` WRITE;
"""

PG_EXPECTED = {
    "items": {
        "id": (3, 6),
        "price": (2, Decimal("12.3455")),
        "weight": (2, 0.1 + 0.2),
        "name": (3, 9 + 9 + 0),  # COPY's \t is one tab character; '' is not NULL
        "code": (2, 5 + 5),  # char(5) as pg_dump writes it: padded
        "data": (2, 3 + 0),
        "added": (1, 1),
        "active": (2, 1),
        "uid": (1, 36),
    },
    "catalog_products": {"id": (1, 9000000000), "title": (1, 7)},
}


def assert_fingerprint(fp: dict, table: str, rows: int, expected: dict) -> None:
    assert list(fp[table]) == list(expected), "columns in source order"
    for col, (nonnull, value) in expected.items():
        got = fp[table][col]
        assert got["rows"] == rows, col
        assert got["nonnull"] == nonnull, col
        if isinstance(value, float):
            assert got["fp"] == pytest.approx(value, rel=1e-12), col
        else:
            assert got["fp"] == value and type(got["fp"]) is type(value), (col, got["fp"])


@pytest.mark.slow
def test_mariadb_restore_and_fingerprint(mariadb, tmp_path):
    dump = tmp_path / "shop.sql"
    dump.write_text(MYSQL_DUMP, encoding="utf-8")
    result = mariadb.restore(dump, "selftest_shop")
    # --force: the client exits 0 but the failed statement is on stderr
    assert not result.ok and len(result.errors) == 1 and "no_such_table" in result.errors[0], result.stderr

    with mariadb.connect("selftest_shop") as conn:
        fp = server_fingerprint(conn, "mysql", "selftest_shop")
    assert list(fp) == ["items"]
    assert_fingerprint(fp, "items", 4, MYSQL_EXPECTED)

    # Same data staged by hand: the zero date becomes NULL, row order differs
    # (float sums in another order must still match).
    duck_path = tmp_path / "staged.duckdb"
    con = duckdb.connect(str(duck_path))
    con.execute(
        "CREATE TABLE items (id UINTEGER, price DECIMAL(10,4), weight DOUBLE, name VARCHAR, code VARCHAR,"
        " status VARCHAR, data BLOB, added TIMESTAMP, flags UTINYINT)"
    )
    con.execute(
        "INSERT INTO items VALUES"
        " (3, NULL, NULL, 'x', NULL, NULL, NULL, TIMESTAMP '2030-01-01 00:00:00', NULL),"
        " (1, -0.0001, 0.2, 'plain', 'abcde', 'on', ''::BLOB, NULL, NULL),"
        " (2, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL),"
        " (4294967295, 12.3456, 0.1, 'O''Brien 😀', 'ab', 'off', '\\x00\\xFF\\x10'::BLOB,"
        "  TIMESTAMP '2024-01-02 03:04:05', 5)"
    )
    con.execute("CREATE SCHEMA dumpkit")
    con.execute("CREATE TABLE dumpkit.problems (kind VARCHAR)")  # metadata: ignored
    con.close()
    assert compare_fingerprints(fp, duckdb_fingerprint(duck_path)) == []

    with duckdb.connect(str(duck_path)) as con:
        con.execute("UPDATE items SET name = 'OBrien 😀', price = 12.3457 WHERE id = 4294967295")
    assert compare_fingerprints(fp, duckdb_fingerprint(duck_path)) == [
        "items.price: fp (number) server=12.3455 staged=12.3456",
        "items.name: fp (text) server=15 staged=14",
    ]


@pytest.mark.slow
def test_mariadb_latin1_and_round_trip(mariadb, tmp_path):
    dump = tmp_path / "oscommerce.sql"
    dump.write_bytes(LATIN1_DUMP)
    assert detect_mysql_charset(dump) == "latin1"
    result = mariadb.restore(dump, "selftest_latin1")
    assert result.ok, result.stderr
    with mariadb.connect("selftest_latin1") as conn:
        fp = server_fingerprint(conn, "mysql", "selftest_latin1")
    assert fp["t"]["name"]["fp"] == len("Café crème")

    # A data-only file loads on top of its schema file with fresh=False.
    data = tmp_path / "more.sql"
    data.write_text("INSERT INTO t VALUES (2, 'x');\n")
    assert mariadb.restore(data, "selftest_latin1", fresh=False).ok
    with mariadb.connect("selftest_latin1") as conn:
        assert server_fingerprint(conn, "mysql", "selftest_latin1")["t"]["id"]["rows"] == 2

    # mariadb-dump output (SET NAMES, /*!...*/, locks), gzip-compressed,
    # restores to the same fingerprint.
    dump = tmp_path / "shop.sql"
    dump.write_text(MYSQL_DUMP, encoding="utf-8")
    mariadb.restore(dump, "selftest_rt_src")
    plain = mariadb.dump("selftest_rt_src", tmp_path / "rt.sql")
    gz = tmp_path / "rt.sql.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    result = mariadb.restore(gz, "selftest_rt_dst")
    assert result.ok, result.stderr
    with mariadb.connect() as conn:
        src = server_fingerprint(conn, "mysql", "selftest_rt_src")
        dst = server_fingerprint(conn, "mysql", "selftest_rt_dst")
    assert src and compare_fingerprints(src, dst) == []


@pytest.mark.slow
def test_postgres_restore_and_fingerprint(postgres, tmp_path):
    dump = tmp_path / "shop.sql"
    dump.write_text(PG_DUMP, encoding="utf-8")
    result = postgres.restore(dump, "selftest_shop")
    # Only the MySQL-ism fails; CREATE DATABASE/\connect went to our database.
    assert len(result.errors) == 1 and "LOCK" in result.stderr, result.stderr
    with postgres.connect("postgres") as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'shop'").fetchone()[0] == 0

    with postgres.connect("selftest_shop") as conn:
        fp = server_fingerprint(conn, "postgres", "selftest_shop")
    assert sorted(fp) == ["catalog_products", "items"]
    assert_fingerprint(fp, "items", 3, PG_EXPECTED["items"])
    assert_fingerprint(fp, "catalog_products", 1, PG_EXPECTED["catalog_products"])

    duck_path = tmp_path / "staged.duckdb"
    with duckdb.connect(str(duck_path)) as con:
        con.execute(
            "CREATE TABLE items (id INTEGER, price DECIMAL(10,4), weight DOUBLE, name VARCHAR, code VARCHAR,"
            " data BLOB, added TIMESTAMP, active BOOLEAN, uid UUID)"
        )
        con.execute(
            "INSERT INTO items VALUES"
            " (1, 12.3456, 0.1, 'O''Brien 😀', 'ab   ', '\\x00\\xFF\\x10'::BLOB, TIMESTAMP '2024-01-02 03:04:05',"
            "  true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),"
            " (2, -0.0001, 0.2, 'plain' || chr(9) || 'tab', 'abcde', ''::BLOB, NULL, false, NULL),"
            " (3, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL)"
        )
        con.execute("CREATE TABLE catalog_products (id BIGINT, title VARCHAR)")
        con.execute("INSERT INTO catalog_products VALUES (9000000000, 'Ünïcode')")
    assert compare_fingerprints(fp, duckdb_fingerprint(duck_path)) == []

    with duckdb.connect(str(duck_path)) as con:
        con.execute("UPDATE items SET active = true WHERE id = 2")
        con.execute("DELETE FROM catalog_products")
    assert compare_fingerprints(fp, duckdb_fingerprint(duck_path)) == [
        "catalog_products: rows server=1 staged=0",
        "catalog_products.id: nonnull server=1 staged=0",
        "catalog_products.id: fp (number) server=9000000000 staged=0",
        "catalog_products.title: nonnull server=1 staged=0",
        "catalog_products.title: fp (text) server=7 staged=0",
        "items.active: fp (bool) server=1 staged=2",
    ]

    # pg_dump -Fc of what we restored goes through pg_restore to the same fingerprint.
    custom = postgres.dump("selftest_shop", tmp_path / "shop.dump", fmt="custom")
    assert pg_dump_format(custom) == "custom"
    result = postgres.restore(custom, "selftest_custom")
    assert result.ok, result.stderr
    with postgres.connect("selftest_custom") as conn:
        again = server_fingerprint(conn, "postgres", "selftest_custom")
    assert compare_fingerprints(fp, again) == []


def _fp(rows, nonnull, fp, kind):
    return {"rows": rows, "nonnull": nonnull, "fp": fp, "kind": kind}


def test_compare_fingerprints_reports_each_kind_of_difference():
    server = {
        "Orders": {"id": _fp(2, 2, 3, "number"), "total": _fp(2, 2, 0.30000000000000004, "number"),
                   "amount": _fp(2, 2, Decimal("1.0001"), "number"), "note": _fp(2, 1, 4, "text"),
                   "at": _fp(2, 1, 1, "time")},
        "gone": {"id": _fp(5, 5, 15, "number")},
    }
    staged = {
        "orders": {"ID": _fp(2, 2, 3, "number"), "total": _fp(2, 2, 0.3, "number"),
                   "amount": _fp(2, 2, Decimal("1.0002"), "number"), "at": _fp(2, 1, 8, "text"),
                   "new": _fp(2, 0, 0, "text")},
        "extra": {"id": _fp(1, 1, 1, "number")},
    }
    assert compare_fingerprints(server, staged) == [
        "extra table extra (1 rows staged)",
        "missing table gone (5 rows on the server)",
        "Orders.note: missing column",
        "Orders.new: extra column",
        "Orders.amount: fp (number) server=1.0001 staged=1.0002",
        "Orders.at: kind server=time staged=text (fingerprints not comparable)",
    ]
    assert compare_fingerprints(server, server) == []


def kinds_and_values(fp: dict, table: str) -> dict:
    return {col: (v["kind"], v["nonnull"], v["fp"]) for col, v in fp[table].items()}


@pytest.mark.slow
def test_mariadb_every_type_has_a_fingerprint(mariadb, tmp_path):
    dump = tmp_path / "types.sql"
    dump.write_text(
        """
CREATE TABLE t (
  b tinyint(1), s smallint, m mediumint, u bigint unsigned, f float, y year, bt bit(1),
  j json, st set('a','b'), tx text, c char(3), vb varbinary(10), lb longblob,
  d date, ts timestamp NULL, tm time, uu uuid, ip inet6, pt point
) DEFAULT CHARSET=utf8mb4;
INSERT INTO t VALUES (1, -5, 7, 18446744073709551615, 1.5, 2024, b'1',
  '{"a": 1}', 'a,b', 'héllo', 'x', X'0102', 'abc', '2024-02-29', '2024-01-01 00:00:00',
  '-838:59:59', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '::1', ST_GeomFromText('POINT(1 2)'));
INSERT INTO t (d) VALUES ('2010-00-00'), ('0000-00-00');
""",
        encoding="utf-8",
    )
    result = mariadb.restore(dump, "selftest_types")
    assert result.ok, result.stderr
    with mariadb.connect("selftest_types") as conn:
        fp = server_fingerprint(conn, "mysql", "selftest_types")
    assert kinds_and_values(fp, "t") == {
        "b": ("number", 1, 1), "s": ("number", 1, -5), "m": ("number", 1, 7),
        "u": ("number", 1, 18446744073709551615), "f": ("number", 1, 1.5), "y": ("number", 1, 2024),
        "bt": ("number", 1, 1), "j": ("text", 1, 8), "st": ("text", 1, 3), "tx": ("text", 1, 5),
        "c": ("text", 1, 1), "vb": ("binary", 1, 2), "lb": ("binary", 1, 3),
        "d": ("date", 1, 1),  # partial and full zero dates are not dates
        "ts": ("date", 1, 1), "tm": ("time", 1, 1), "uu": ("other", 1, 36), "ip": ("other", 1, 3),
        "pt": ("binary", 1, 25),  # SRID + WKB
    }


@pytest.mark.slow
def test_postgres_every_type_has_a_fingerprint(postgres, tmp_path):
    dump = tmp_path / "types.sql"
    dump.write_text(
        """
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TABLE t (s smallint, r real, bt bit(3), iv interval, tz time with time zone,
  tstz timestamp with time zone, j jsonb, arr integer[], ip inet, e mood, ch "char", x xml);
INSERT INTO t VALUES (-2, 0.1, B'101', '1 day', '01:02:03+02', '2024-01-01 00:00:00+00',
  '{"a":1}', '{1,2}', '10.0.0.1', 'happy', 'a', '<a/>'), (NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL);
""",
        encoding="utf-8",
    )
    result = postgres.restore(dump, "selftest_types")
    assert result.ok, result.stderr
    with postgres.connect("selftest_types") as conn:
        fp = server_fingerprint(conn, "postgres", "selftest_types")
    assert kinds_and_values(fp, "t") == {
        "s": ("number", 1, -2), "r": ("number", 1, float.fromhex("0x1.99999ap-4")),  # float4 0.1
        "bt": ("other", 1, 3), "iv": ("time", 1, 1), "tz": ("time", 1, 1), "tstz": ("date", 1, 1),
        "j": ("text", 1, 8), "arr": ("other", 1, 5), "ip": ("other", 1, 8), "e": ("other", 1, 5),
        "ch": ("text", 1, 1), "x": ("text", 1, 4),
    }


def test_duckdb_every_type_has_a_fingerprint(tmp_path):
    path = tmp_path / "types.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')")
        con.execute(
            "CREATE TABLE t (h HUGEINT, ub UBIGINT, f FLOAT, d DECIMAL(38,10), b BOOLEAN, v VARCHAR, bl BLOB,"
            " dt DATE, ts TIMESTAMP, tstz TIMESTAMPTZ, tm TIME, iv INTERVAL, u UUID, j JSON, e mood,"
            " l INTEGER[])"
        )
        con.execute(
            "INSERT INTO t VALUES (-1, 18446744073709551615, 0.5, 1.25, true, 'héllo', 'ab'::BLOB,"
            " DATE '2024-02-29', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMPTZ '2024-01-01 00:00:00+00',"
            " TIME '01:02:03', INTERVAL 1 DAY, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\":1}', 'sad',"
            " [1, 2])"
        )
        con.execute("CREATE VIEW not_a_table AS SELECT 1 AS x")
    fp = duckdb_fingerprint(path)
    assert list(fp) == ["t"]
    assert kinds_and_values(fp, "t") == {
        "h": ("number", 1, -1), "ub": ("number", 1, 18446744073709551615), "f": ("number", 1, 0.5),
        "d": ("number", 1, Decimal("1.25")), "b": ("bool", 1, 1), "v": ("text", 1, 5),
        "bl": ("binary", 1, 2), "dt": ("date", 1, 1), "ts": ("date", 1, 1), "tstz": ("date", 1, 1),
        "tm": ("time", 1, 1), "iv": ("time", 1, 1), "u": ("other", 1, 36), "j": ("other", 1, 7),
        "e": ("other", 1, 3), "l": ("other", 1, 6),
    }
