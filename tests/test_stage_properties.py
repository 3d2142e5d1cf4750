"""Property test of the whole MySQL path: hypothesis makes a table of awkward
values, it is written exactly as a dump tool writes it (mysqldump extended or
one-row INSERTs, mariadb-dump one tuple per line, phpMyAdmin with spaces, an
installer file with raw newlines; blobs as --hex-blob, _binary or plain
strings), staged, and every value read back from DuckDB must equal the
original."""
from __future__ import annotations

from decimal import Decimal

import duckdb
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dumpkit.stage import stage_dump
from tests.test_read_mysql_values import INT64, UINT64, blob_literal, blobs, decimals, floats, quote, texts

COLUMNS = ["id", "s", "n", "i", "u", "d", "f", "b"]
DDL = """CREATE TABLE `t` (
  `id` int NOT NULL,
  `s` mediumtext,
  `n` varchar(10) DEFAULT NULL,
  `i` bigint DEFAULT NULL,
  `u` bigint unsigned DEFAULT NULL,
  `d` decimal(30,6) DEFAULT NULL,
  `f` double DEFAULT NULL,
  `b` blob,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""
LAYOUTS = ["mysqldump", "one_row", "mariadb_lines", "phpmyadmin", "raw_newlines"]

rows_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), texts),
        st.one_of(st.none(), st.sampled_from(["NULL", "", "null", "N"])),
        st.one_of(st.none(), INT64),
        st.one_of(st.none(), UINT64),
        st.one_of(st.none(), decimals),
        st.one_of(st.none(), floats),
        st.one_of(st.none(), blobs),
    ),
    min_size=1,
    max_size=12,
)


def render_dump(rows: list[tuple], layout: str, blob_style: str) -> bytes:
    """The rows as a complete dump in the given layout."""
    style = "raw" if layout == "raw_newlines" else "mysqldump"

    def lit(col: str, v) -> bytes:
        if v is None:
            return b"NULL"
        if col == "b":
            return blob_literal(v, blob_style)
        if col in ("s", "n"):
            return quote(v, style)
        return repr(v).encode() if col == "f" else str(v).encode()

    tuples = [[lit(c, v) for c, v in zip(COLUMNS, (i + 1, *row))] for i, row in enumerate(rows)]
    names = b"(" + b", ".join(b"`" + c.encode() + b"`" for c in COLUMNS) + b")"
    head, tail = b"", b""
    if layout in ("mysqldump", "one_row", "mariadb_lines"):
        head = (b"-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n"
                b"/*!40101 SET NAMES utf8mb4 */;\n/*!40103 SET TIME_ZONE='+00:00' */;\n")
        tail = b"-- Dump completed on 2024-05-01 10:00:00\n"
    elif layout == "phpmyadmin":
        head = b"-- phpMyAdmin SQL Dump\n-- version 5.2.1\n\nSET NAMES utf8mb4;\n"
    out = [head, DDL.encode(), b"LOCK TABLES `t` WRITE;\n" if layout == "mysqldump" else b""]
    if layout == "mysqldump":
        out.append(b"INSERT INTO `t` VALUES " + b",".join(b"(" + b",".join(t) + b")" for t in tuples) + b";\n")
    elif layout == "one_row":
        out += [b"INSERT INTO `t` " + names + b" VALUES (" + b",".join(t) + b");\n" for t in tuples]
    elif layout == "mariadb_lines":
        out.append(b"INSERT INTO `t` VALUES\n" + b",\n".join(b"(" + b",".join(t) + b")" for t in tuples) + b";\n")
    else:
        out.append(b"INSERT INTO `t` " + names + b" VALUES\n" + b",\n".join(b"(" + b", ".join(t) + b")" for t in tuples) + b";\n")
    out += [b"UNLOCK TABLES;\n" if layout == "mysqldump" else b"", tail]
    return b"".join(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, layout=st.sampled_from(LAYOUTS), blob_style=st.sampled_from(["hex", "_binary", "plain"]))
@example(rows=[("),('\\\x00\r\n\t😀", "NULL", -2**63, 2**64 - 1, Decimal("-0.000001"), -0.0, b"\x00'\\\xff")],
         layout="mysqldump", blob_style="plain")
@example(rows=[("a\nb", None, 0, 0, Decimal("0"), 0.0, b"")] * 2, layout="raw_newlines", blob_style="hex")
def test_values_survive_staging(tmp_path_factory, rows, layout, blob_style):
    tmp = tmp_path_factory.mktemp("prop")
    dump = tmp / "dump.sql"
    dump.write_bytes(render_dump(rows, layout, blob_style))
    result = stage_dump(dump, tmp / "s.duckdb", workers=1)
    assert not result.partial and not [i for i in result.issues if i.kind != "value_computed"], result.issues
    con = duckdb.connect(str(tmp / "s.duckdb"), read_only=True)
    got = con.execute("SELECT s, n, i, u, d, f, b FROM t ORDER BY id").fetchall()
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 't'").fetchall())
    con.close()
    assert types["u"] == "HUGEINT" and types["d"] == "DECIMAL(30,6)" and types["b"] == "BLOB"
    assert len(got) == len(rows)
    for want, have in zip(rows, got):
        s, n, i, u, d, f, b = want
        assert have[0] == s
        assert have[1] == n  # 'NULL' the string is not NULL
        assert have[2] == i and have[3] == u
        assert have[4] == d
        assert have[5] == f and (f is None or str(have[5])[0] == str(f)[0])  # -0.0 keeps its sign
        assert have[6] == b
