"""Staging MySQL/MariaDB dumps: inputs by content (compression, zip, folders),
dump dialects, types, duplicate keys, charsets, cut and broken input, metadata."""
from __future__ import annotations

import bz2
import gzip
import lzma
import re
import tracemalloc
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import zstandard

from dumpkit.read import inspect_parts, read_events
from dumpkit.read.events import Problem, RowCount
from dumpkit.stage import stage_dump
from tests.test_read_mysql_coverage import count_tuples, split_statements

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MAGENTO = FIXTURES / "magento2" / "m2-categories-sequelpro.sql"
WC = FIXTURES / "woocommerce" / "wc-serial-numbers.sql"
SHOPWARE = FIXTURES / "shopware6" / "demo-data-2019"


def stage(tmp_path: Path, *inputs, name: str = "s.duckdb", **kw):
    return stage_dump(list(inputs), tmp_path / name, workers=kw.pop("workers", 1), **kw)


def snapshot(db: Path) -> dict:
    """Every staged table's rows (and types), to compare two stagings."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        out = {}
        for t in tables:
            cols = con.execute(f"SELECT column_name, data_type FROM information_schema.columns "
                               f"WHERE table_schema = 'main' AND table_name = '{t}' ORDER BY ordinal_position").fetchall()
            out[t] = (cols, con.execute(f'SELECT * FROM "{t}"').fetchall())
        return out
    finally:
        con.close()


def query(db: Path, sql: str) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


# ------------------------------------------------------------------ inputs detected by content

@pytest.fixture(scope="module")
def magento_reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    result = stage(tmp, MAGENTO)
    return result, snapshot(result.db_path)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_compressed_inputs_stage_identically(tmp_path, magento_reference):
    ref_result, ref = magento_reference
    data = MAGENTO.read_bytes()
    assert sum(ref_result.tables.values()) == 299 and len(ref) == 6
    # names say nothing: detection is by content
    variants = {
        "gzip.bin": gzip.compress(data),
        "bzip2.sql": bz2.compress(data),
        "xz.dat": lzma.compress(data),
        "zstd.gz": zstandard.ZstdCompressor().compress(data),
        "twomembers.gz": gzip.compress(data[:5000]) + gzip.compress(data[5000:]),
    }
    for name, blob in variants.items():
        result = stage(tmp_path, write(tmp_path / name, blob), name=name + ".duckdb")
        assert snapshot(result.db_path) == ref, name
        assert not result.partial and result.info.extra["compression"] in name or name.startswith("twomembers")
    # zip with the dump, a readme that is not SQL, and a macOS resource folder
    z = _zip(tmp_path / "dump.zip", {"shop/dump.sql": data, "readme.txt": b"hello", "__MACOSX/._dump.sql": b"\x00\x05"})
    assert snapshot(stage(tmp_path, z, name="zip.duckdb").db_path) == ref
    # zip holding a gzipped dump
    z = _zip(tmp_path / "dump2.zip", {"dump.sql.gz": gzip.compress(data)})
    assert snapshot(stage(tmp_path, z, name="zipgz.duckdb").db_path) == ref


def _split_by_table(data: bytes) -> list[bytes]:
    """A dump cut into per-table files at its `DROP TABLE` statements."""
    cuts = [m.start() for m in re.finditer(rb"^DROP TABLE", data, re.M)]
    return [data[a:b] for a, b in zip([0] + cuts, cuts + [len(data)])]


def test_several_files_a_folder_and_a_zip_of_parts(tmp_path, magento_reference):
    _, ref = magento_reference
    pieces = _split_by_table(MAGENTO.read_bytes())
    assert len(pieces) == 7
    folder = tmp_path / "parts"
    folder.mkdir()
    # numbered as per-table dump folders are: 2 sorts before 10
    files = [write(folder / f"{i * 5 if i else 0}-part.sql", p) for i, p in enumerate(pieces)]
    write(folder / "README.md", "# notes\nnot a dump\n")
    write(folder / ".hidden.sql", "garbage")
    result = stage(tmp_path, folder, name="folder.duckdb")
    assert snapshot(result.db_path) == ref
    # the README is reported, not silently dropped
    assert [(i.kind, i.fatal) for i in result.issues if i.kind == "not_a_dump"] == [("not_a_dump", False)]
    assert snapshot(stage(tmp_path, *files, name="files.duckdb").db_path) == ref
    z = _zip(tmp_path / "parts.zip", {f.name: f.read_bytes() for f in files})
    assert snapshot(stage(tmp_path, z, name="partszip.duckdb").db_path) == ref


def test_shopware_per_table_folder(tmp_path):
    """INSERT IGNORE, UNHEX('..') binary ids, TAB-separated values, DELETE FROM, numbered files."""
    expected: dict[str, int] = {}
    for f in SHOPWARE.glob("*.sql"):
        for s in split_statements(f.read_bytes()):
            m = re.match(rb"\s*INSERT\s+IGNORE\s+INTO\s+`(\w+)`", s)
            if m:
                expected[m.group(1).decode()] = expected.get(m.group(1).decode(), 0) + count_tuples(s)
    result = stage(tmp_path, SHOPWARE)
    assert result.tables == expected
    assert query(result.db_path, "SELECT count(*), min(octet_length(id)), max(octet_length(id)) FROM product") == [(16, 16, 16)]
    assert query(result.db_path, "SELECT data_type FROM information_schema.columns WHERE table_name='product' "
                                 "AND column_name='id'") == [("BLOB",)]
    assert query(result.db_path, "SELECT hex(id) FROM product WHERE product_number = 'SW10002'") == [
        ("11DC680240B04F469CCBA354CBF0B967",)]
    kinds = {i.kind for i in result.issues}
    assert {"types_inferred", "unsupported_statement"} <= kinds  # the UPDATEs of 50-fix-dependencies.sql
    assert "charset_guessed" not in kinds and "bad_encoding" not in kinds
    assert result.skipped["truncate"] == 33  # DELETE FROM without WHERE, before any row


# ------------------------------------------------------------------ dialects and statements

MYSQLDUMP_HEAD = ("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n"
                  "/*!40101 SET NAMES utf8mb4 */;\n")
TRAILER = "-- Dump completed on 2024-05-01 10:00:00\n"


def test_types(tmp_path):
    dump = write(tmp_path / "types.sql", MYSQLDUMP_HEAD + """
CREATE TABLE `t` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,
  `price` decimal(15,4) NOT NULL DEFAULT '0.0000',
  `big` bigint(20) unsigned DEFAULT NULL,
  `tiny` tinyint(3) unsigned DEFAULT NULL,
  `flag` tinyint(1) NOT NULL DEFAULT 0,
  `yes` boolean,
  `kind` enum('simple','configurable') NOT NULL DEFAULT 'simple',
  `tags` set('a','b','c') DEFAULT NULL,
  `data` longblob,
  `uuid` binary(16) DEFAULT NULL,
  `bits` bit(3) DEFAULT NULL,
  `added` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  `day` date DEFAULT NULL,
  `dur` time DEFAULT NULL,
  `yr` year(4) DEFAULT NULL,
  `js` json DEFAULT NULL,
  `ratio` float DEFAULT NULL,
  `loc` point DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `t` VALUES (1,12.3400,18446744073709551615,255,1,2,'configurable','a,c',_binary '\\0\\Z\\'',0x0102030405060708090A0B0C0D0E0F10,b'101','0000-00-00 00:00:00','2024-02-29','-838:59:59',1901,'{\\"k\\": [1]}',0.5,NULL),(2,0.0000,NULL,NULL,0,NULL,'simple','',NULL,NULL,NULL,'2024-01-01 10:11:12.5',NULL,'12:00:00',NULL,NULL,NULL,NULL);
""" + TRAILER)
    result = stage(tmp_path, dump)
    types = dict(query(result.db_path, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name='t'"))
    assert types == {"id": "BIGINT", "price": "DECIMAL(15,4)", "big": "HUGEINT", "tiny": "SMALLINT", "flag": "TINYINT",
                     "yes": "TINYINT", "kind": "VARCHAR", "tags": "VARCHAR", "data": "BLOB", "uuid": "BLOB",
                     "bits": "UBIGINT", "added": "TIMESTAMP", "day": "DATE", "dur": "VARCHAR", "yr": "SMALLINT",
                     "js": "VARCHAR", "ratio": "FLOAT", "loc": "BLOB"}
    rows = query(result.db_path, "SELECT * FROM t ORDER BY id")
    assert rows[0][:10] == (1, Decimal("12.3400"), 2**64 - 1, 255, 1, 2, "configurable", "a,c", b"\x00\x1a'", bytes(range(1, 17)))
    assert rows[0][10:] == (5, None, __import__("datetime").date(2024, 2, 29), "-838:59:59", 1901, '{"k": [1]}', 0.5, None)
    assert rows[1][11].microsecond == 500000
    zero = [i for i in result.issues if i.kind == "zero_date"]
    assert [(i.table, i.column, i.count) for i in zero] == [("t", "added", 1)]


def test_duplicate_keys_first_wins_replace_last(tmp_path):
    dump = write(tmp_path / "dupes.sql", """
CREATE TABLE a (id int NOT NULL, v varchar(5), PRIMARY KEY (id));
INSERT INTO a VALUES (1,'first'),(2,'x'),(1,'second');
INSERT IGNORE INTO a VALUES (2,'ignored'),(3,'new');
REPLACE INTO a VALUES (3,'repl1');
REPLACE INTO a VALUES (3,'repl2'),(4,'r');
INSERT INTO a VALUES ('01','typed dup');
CREATE TABLE b (x int NOT NULL, y varchar(3) NOT NULL, v int, PRIMARY KEY (x, y));
INSERT INTO b VALUES (1,'a',1),(1,'b',2),(1,'a',3);
INSERT INTO b (x, y, v) VALUES (1,'b',4) ON DUPLICATE KEY UPDATE v = VALUES(v);
""")
    result = stage(tmp_path, dump)
    assert query(result.db_path, "SELECT * FROM a ORDER BY id") == [(1, "first"), (2, "x"), (3, "repl2"), (4, "r")]
    assert query(result.db_path, "SELECT * FROM b ORDER BY x, y") == [(1, "a", 1), (1, "b", 4)]
    dup = {i.table: i.count for i in result.issues if i.kind == "duplicate_key"}
    assert dup == {"a": 5, "b": 2}
    assert result.tables == {"a": 4, "b": 2}


def test_conditional_comments_lock_use_views_and_routines(tmp_path):
    dump = write(tmp_path / "dbs.sql", MYSQLDUMP_HEAD + """
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
USE `shop`;
DROP TABLE IF EXISTS `t`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `t` (`id` int NOT NULL, `name` varchar(20), PRIMARY KEY (`id`)) /*!50100 PARTITION BY HASH (id) PARTITIONS 2 */;
LOCK TABLES `t` WRITE;
/*!40000 ALTER TABLE `t` DISABLE KEYS */;
INSERT INTO `t` VALUES (1,'one'),(2,'two');
/*!40000 ALTER TABLE `t` ENABLE KEYS */;
UNLOCK TABLES;
--
-- Temporary table structure for view `v` (mysqldump 5.x)
--
DROP TABLE IF EXISTS `v`;
/*!50001 DROP VIEW IF EXISTS `v`*/;
/*!50001 CREATE TABLE `v` (
  `id` tinyint NOT NULL
) ENGINE=MyISAM */;
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW BEGIN
  SET NEW.name = concat(NEW.name, ';');
END */;;
DELIMITER ;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `other`;
USE `other`;
CREATE TABLE `t` (`id` int NOT NULL, PRIMARY KEY (`id`));
INSERT INTO `t` VALUES (7);
INSERT INTO `shop`.`t` VALUES (3,'three');
USE `shop`;
/*!50001 DROP TABLE IF EXISTS `v`*/;
/*!50001 DROP VIEW IF EXISTS `v`*/;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `v` AS select `t`.`id` AS `id` from `t` */;
DELIMITER $$
CREATE DEFINER=`root`@`%` PROCEDURE `p1`(IN x INT)
BEGIN
  SELECT x; SELECT x + 1;
END$$
CREATE FUNCTION `f1`() RETURNS int RETURN 1$$
DELIMITER ;
""" + TRAILER)
    result = stage(tmp_path, dump)
    assert result.tables == {"t": 3, "other_t": 1}
    assert query(result.db_path, "SELECT * FROM t ORDER BY id") == [(1, "one"), (2, "two"), (3, "three")]
    assert not result.issues and not result.partial
    skipped = dict(((k, (n, names)) for k, n, names in query(
        result.db_path, "SELECT kind, statements, names FROM dumpkit.skipped")))
    assert skipped["trigger"] == (1, "trg")
    assert skipped["procedure"] == (1, "p1") and skipped["function"] == (1, "f1")
    assert skipped["view"][1] == "v" and skipped["lock_tables"][0] == 2 and skipped["use"][0] == 3
    assert skipped["delimiter"][0] == 4


def test_phpmyadmin_adminer_and_installer_layouts(tmp_path):
    dump = write(tmp_path / "pma.sql", """-- phpMyAdmin SQL Dump
-- version 5.2.1
# a hash comment
SET SQL_MODE = "NO_AUTO_VALUE_ON_ZERO";
START TRANSACTION;
CREATE TABLE `c` (
  `id` int(11) NOT NULL,
  `body` text NOT NULL COMMENT 'has ; and '' inside',
  `at` datetime NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO `c` (`id`, `body`, `at`) VALUES
(1, 'line one
line two; with a semicolon;
INSERT INTO `c` VALUES (99, ''not a statement'', now());', '2020-01-01 00:00:00'),
(2, 'it''s\\r\\n', now());
-------------------------------------------------------
INSERT INTO `c` VALUES (3,'a',NOW()); INSERT INTO `c` VALUES (4,'b;',NOW() - INTERVAL 1 DAY);
ALTER TABLE `c`
  ADD PRIMARY KEY (`id`);
COMMIT;
""")
    result = stage(tmp_path, dump)
    rows = query(result.db_path, "SELECT id, body, c.at IS NOT NULL FROM c ORDER BY id")
    assert rows == [(1, "line one\nline two; with a semicolon;\nINSERT INTO `c` VALUES (99, 'not a statement', now());", True),
                    (2, "it's\r\n", True), (3, "a", True), (4, "b;", True)]
    assert {i.kind for i in result.issues} == {"value_computed"}  # now() is when the dump is read


def test_latin1_dump_without_set_names(tmp_path):
    result = stage(tmp_path, FIXTURES / "oscommerce" / "osc-2.2rc2a-latin1.sql")
    rows = dict(query(result.db_path, "SELECT products_name, products_description FROM products_description "
                                      "WHERE products_id = 1 AND language_id = 2"))
    assert rows["Matrox G200 MMS"].startswith("<b>Unterstützung für zwei bzw. vier analoge oder digitale Monitore")
    assert query(result.db_path, "SELECT count(*) FROM products_description WHERE products_description LIKE '%Ã%'") == [(0,)]
    assert ("Größe",) in query(result.db_path, "SELECT products_options_name FROM products_options")
    guessed = [i for i in result.issues if i.kind == "charset_guessed"]
    assert guessed and all(i.table and i.column and i.count for i in guessed)


def test_charsets_set_names_and_table_charsets(tmp_path):
    text = "Müller € 😀"
    utf8 = MYSQLDUMP_HEAD + "CREATE TABLE `u` (`s` varchar(20)) DEFAULT CHARSET=latin1;\n" \
        f"INSERT INTO `u` VALUES ('{text}');\n" + TRAILER
    latin1 = ("/*!40101 SET NAMES latin1 */;\nCREATE TABLE `l` (`s` varchar(20)) DEFAULT CHARSET=latin1;\n"
              "INSERT INTO `l` VALUES ('Müller €');\n").encode("cp1252")
    mixed = b"SET NAMES utf8mb4;\nCREATE TABLE `m` (`s` text, `b` blob);\nINSERT INTO `m` VALUES ('ok \xc3\xbc','\xff'),('bad \xfc','\xfe');\n"
    for name, data, table, want in [("utf8", utf8.encode(), "u", [text]), ("latin1", latin1, "l", ["Müller €"]),
                                    ("mixed", mixed, "m", ["ok ü", "bad ü"])]:
        result = stage(tmp_path, write(tmp_path / f"{name}.sql", data), name=f"{name}.duckdb")
        assert [r[0] for r in query(result.db_path, f"SELECT s FROM {table}")] == want, name
    assert query(result.db_path, "SELECT b FROM m") == [(b"\xff",), (b"\xfe",)]
    bad = [(i.kind, i.table, i.column, i.count) for i in result.issues]
    assert bad == [("bad_encoding", "m", "s", 1)]


def test_data_only_dump_infers_types(tmp_path):
    result = stage(tmp_path, FIXTURES / "opencart" / "oc-3-orders-data.sql")
    assert result.tables["oc_order"] == 2
    types = dict(query(result.db_path, "SELECT column_name, data_type FROM information_schema.columns "
                                       "WHERE table_name = 'oc_order'"))
    assert types["order_id"] == "BIGINT" and types["total"].startswith("DECIMAL") and types["date_added"] == "TIMESTAMP"
    assert types["telephone"] == "VARCHAR" and types["email"] == "VARCHAR"
    inferred = {i.table for i in result.issues if i.kind == "types_inferred"}
    assert "oc_order" in inferred
    dump = write(tmp_path / "zip.sql", "INSERT INTO z VALUES ('01234', '12', 1.5, '2020-01-02'), ('99999', '7', 2, NULL);\n")
    result = stage(tmp_path, dump, name="z.duckdb")
    assert query(result.db_path, "SELECT * FROM z ORDER BY 1") == [
        ("01234", 12, Decimal("1.5"), __import__("datetime").date(2020, 1, 2)), ("99999", 7, Decimal("2.0"), None)]


def test_integer_limits_and_out_of_range(tmp_path):
    """Integers are read at their column's width; the limits fit, a value beyond them is NULL
    and counted (as DuckDB's cast has it), in that column only."""
    dump = write(tmp_path / "r.sql", """
CREATE TABLE t (a int, b tinyint, c smallint, d bigint);
INSERT INTO t VALUES (1,2,3,4),(3000000000,-128,32767,5),(NULL,NULL,-32768,NULL),(-2147483648,127,0,9223372036854775807);
""")
    result = stage(tmp_path, dump)
    assert query(result.db_path, "SELECT * FROM t") == [
        (1, 2, 3, 4), (None, -128, 32767, 5), (None, None, -32768, None), (-2147483648, 127, 0, 9223372036854775807)]
    assert [(i.kind, i.column, i.count) for i in result.issues] == [("bad_value", "a", 1)]


def test_data_only_inserts_with_different_column_lists(tmp_path):
    """Without DDL the table is the union of the columns the INSERTs name, in the order first
    named; a column an INSERT leaves out is NULL, whatever the statement (REPLACE included)."""
    dump = write(tmp_path / "d.sql", """
INSERT INTO `t` (`a`, `b`) VALUES (1, 'x');
REPLACE INTO `t` (`a`, `b`) VALUES (2, 'y');
INSERT INTO `t` (`a`, `c`) VALUES (3, 0x4142);
INSERT INTO `t` (`c`, `a`) VALUES ('z', 4);
""")
    result = stage(tmp_path, dump)
    assert query(result.db_path, "SELECT * FROM t ORDER BY a") == [
        (1, "x", None), (2, "y", None), (3, None, b"AB"), (4, None, b"z")]
    assert [c[0] for c in query(result.db_path, "DESCRIBE t")] == ["a", "b", "c"]


def test_truncate_and_drop_replay_on_staged_rows(tmp_path):
    dump = write(tmp_path / "t.sql", """
CREATE TABLE a (id int PRIMARY KEY);
INSERT INTO a VALUES (1),(2);
TRUNCATE TABLE a;
INSERT INTO a VALUES (3);
CREATE TABLE b (id int PRIMARY KEY);
INSERT INTO b VALUES (1);
DELETE FROM b;
DROP TABLE IF EXISTS a;
CREATE TABLE a (id int PRIMARY KEY, x int);
INSERT INTO a VALUES (4, 4);
DELETE FROM b WHERE id = 1;
""")
    result = stage(tmp_path, dump)
    assert result.tables == {"a": 1, "b": 0}
    assert query(result.db_path, "SELECT * FROM a") == [(4, 4)]
    removed = sorted((i.table, i.count) for i in result.issues if i.kind == "rows_removed")
    assert removed == [("a", 1), ("a", 2), ("b", 1)]
    assert [i.kind for i in result.issues if i.kind.startswith("unsupported")] == ["unsupported_statement"]


# ------------------------------------------------------------------ cut and broken input

@pytest.fixture(scope="module")
def wc_reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wc")
    result = stage(tmp, WC)
    return result, snapshot(result.db_path)


def _cut_inside_insert(data: bytes) -> tuple[int, str, int]:
    """A cut point in the middle of the longest INSERT line: (offset, table, complete rows before it)."""
    lines = data.split(b"\n")
    i = max(range(len(lines)), key=lambda k: len(lines[k]) if lines[k].startswith(b"INSERT") else 0)
    start = sum(len(x) + 1 for x in lines[:i])
    line = lines[i]
    seps = [m.start() for m in re.finditer(rb"\),\(", line)]
    cut = seps[len(seps) // 2] + 10  # inside the tuple after that separator
    return start + cut, re.match(rb"INSERT INTO `(\w+)`", line).group(1).decode(), len(seps) // 2 + 1


def test_cut_mid_insert_keeps_every_complete_row(tmp_path, wc_reference):
    ref_result, ref = wc_reference
    data = WC.read_bytes()
    offset, table, complete = _cut_inside_insert(data)
    cut = write(tmp_path / "cut.sql", data[:offset])
    result = stage(tmp_path, cut)
    assert result.partial
    trunc = [i for i in result.issues if i.kind == "truncated"]
    assert len(trunc) == 1 and trunc[0].fatal and trunc[0].table == table and trunc[0].offset == offset
    got = snapshot(result.db_path)
    order = list(ref)
    assert result.tables[table] == complete
    for name in got:  # every table before the cut is complete
        if name != table:
            assert got[name] == ref[name], name
    assert got[table][1] == ref[table][1][:complete]
    assert not set(got) - set(ref) and order.index(table) < len(order)


def test_cut_between_statements_is_noticed(tmp_path, wc_reference):
    _, ref = wc_reference
    data = WC.read_bytes()
    offset = data.index(b"UNLOCK TABLES;", len(data) // 2) + len(b"UNLOCK TABLES;\n")
    result = stage(tmp_path, write(tmp_path / "cut.sql", data[:offset]))
    assert result.partial
    trunc = [i for i in result.issues if i.kind == "truncated"]
    assert len(trunc) == 1 and trunc[0].offset == offset and "Dump completed" in trunc[0].example
    got = snapshot(result.db_path)
    assert all(got[t] == ref[t] for t in got)


def test_cut_gzip_stages_what_it_holds(tmp_path, wc_reference):
    data = WC.read_bytes()
    gz = gzip.compress(data)
    cut_gz = write(tmp_path / "cut.sql.gz", gz[: len(gz) * 2 // 3])
    readable = zlib.decompressobj(wbits=31).decompress(gz[: len(gz) * 2 // 3])  # what the cut file holds
    from_gz = stage(tmp_path, cut_gz, name="gz.duckdb")
    from_plain = stage(tmp_path, write(tmp_path / "prefix.sql", readable), name="plain.duckdb")
    assert from_gz.partial and from_plain.partial
    assert snapshot(from_gz.db_path) == snapshot(from_plain.db_path)
    assert sum(from_gz.tables.values()) > 0
    messages = " ".join(i.example for i in from_gz.issues if i.kind == "truncated")
    assert "gzip data ends early" in messages


def test_unbalanced_quote_bad_statement_and_bad_encoding_are_reported(tmp_path):
    dump = write(tmp_path / "bad.sql", b"""-- phpMyAdmin SQL Dump
SET NAMES utf8mb4;
CREATE TABLE `a` (`id` int, `s` text);
INSERT INTO `a` (`id`, `s`) VALUES
(1, 'fine'),
(2, 'broken),
(3, 'lost');
CREATE TABLE `b` (`id` int, `s` text);
INSERT INTO `b` (`id`, `s`) VALUES
(1, 'after the broken one');
THIS IS NOT SQL AT ALL;
INSERT INTO `b` VALUES (2, 'caf\xe9');
INSERT INTO `b` VALUES (3, 'ok'), (4 'missing comma'), (5, 'x');
INSERT INTO `b` VALUES (6, 'still staged');
""")
    result = stage(tmp_path, dump)
    assert query(result.db_path, "SELECT * FROM a") == [(1, "fine")]
    assert query(result.db_path, "SELECT * FROM b ORDER BY id") == [
        (1, "after the broken one"), (2, "café"), (3, "ok"), (6, "still staged")]
    issues = {i.kind: i for i in result.issues}
    text = dump.read_bytes()
    broken = [i for i in result.issues if i.kind == "unparsable_statement"]
    assert [i.table for i in broken] == ["a", None, "b"]
    assert broken[0].offset == text.index(b"(2, 'broken") and "never closed" in broken[0].example
    assert broken[1].offset == text.index(b"THIS IS") and "THIS IS NOT SQL" in broken[1].example
    # the snippet shows where it broke; the literals' letters are masked (customers' data)
    assert broken[2].offset == text.index(b"4 'missing comma'") and "'******* *****'" in broken[2].example
    assert issues["bad_encoding"].table == "b" and issues["bad_encoding"].column == "s"
    assert not result.partial


def test_unclosed_quote_does_not_swallow_the_rest(tmp_path, monkeypatch):
    """An unclosed string is cut where the next statement plainly starts once the statement
    outgrows the limit: reported while most of the input is still unread, and all after it stages."""
    import dumpkit.read.mysql as reader

    monkeypatch.setattr(reader, "STATEMENT_LIMIT", 4000)
    monkeypatch.setattr(reader, "READ_BYTES", 1 << 20)  # smaller than the file
    lines = ["CREATE TABLE `a` (`id` int, `s` text);", "INSERT INTO `a` VALUES (1,'ok'),(2,'never closed);",
             "CREATE TABLE `b` (`id` int, `s` text);"]
    lines += [f"INSERT INTO `b` VALUES ({i},'row {i} of b, padded to make the file larger than one read');"
              for i in range(30000)]
    dump = write(tmp_path / "q.sql", "\n".join(lines) + "\n")
    read = [0]
    parts, info = inspect_parts([dump])
    problem = next(ev for ev in read_events(parts, info, on_read=lambda n: read.__setitem__(0, read[0] + n))
                   if isinstance(ev, Problem))
    assert problem.table == "a" and "never closed" in problem.example
    assert read[0] < dump.stat().st_size / 2
    result = stage(tmp_path, dump)
    assert result.tables == {"a": 1, "b": 30000}


@pytest.mark.parametrize("read_bytes", [5, 64, 1 << 20])
def test_one_tuple_per_line_across_read_blocks(tmp_path, monkeypatch, read_bytes):
    """mariadb-dump's layout: an INSERT's end is found line by line wherever the read blocks
    fall; an INSERT whose lines are not all tuples (here CRLF line ends) goes to the careful scan."""
    import dumpkit.read.mysql as reader

    monkeypatch.setattr(reader, "READ_BYTES", read_bytes)
    tuples = ",\n".join(f"({i},'row {i}; with a semicolon,\\n and (parens)')" for i in range(1, 40))
    dump = write(tmp_path / "m.sql", (
        "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n"
        "CREATE TABLE `t` (`id` int NOT NULL, `s` text, PRIMARY KEY (`id`));\n"
        f"INSERT INTO `t` VALUES\n{tuples};\n"
        "INSERT INTO `t` VALUES\r\n(100,'crlf'),\r\n(101,'lines');\r\n"
        "INSERT INTO `t` VALUES\n(200,'last');\n"
        "-- Dump completed on 2026-11-26\n"))
    result = stage(tmp_path, dump)
    rows = query(result.db_path, "SELECT id, s FROM t ORDER BY id")
    assert [r[0] for r in rows] == [*range(1, 40), 100, 101, 200]
    assert rows[0][1] == "row 1; with a semicolon,\n and (parens)" and rows[-2][1] == "lines"
    assert not result.partial and not [i for i in result.issues if i.kind == "unparsable_statement"]


def test_workers_give_the_same_result(tmp_path, wc_reference):
    _, ref = wc_reference
    assert snapshot(stage(tmp_path, WC, workers=2).db_path) == ref


def test_metadata_tables(tmp_path, wc_reference):
    result, _ = wc_reference
    db = result.db_path
    tables = query(db, "SELECT table_name, rows, source_bytes, seconds, columns FROM dumpkit.tables")
    by_name = {t[0]: t for t in tables}
    assert {t: r for t, r, *_ in tables} == result.tables
    # source bytes are the dump's INSERT statements for the table
    data = WC.read_bytes()
    posts = sum(len(s) for s in re.findall(rb"^INSERT INTO `wp_posts` .*;\n?", data, re.M))
    assert abs(by_name["wp_posts"][2] - posts) <= 2
    assert all(t[3] >= 0 for t in tables)
    cols = [r[0] for r in query(db, "SELECT column_name FROM information_schema.columns WHERE table_schema='dumpkit' "
                                    "AND table_name='issues' ORDER BY ordinal_position")]
    assert cols[:6] == ["kind", "table_name", "column_name", "count", "byte_offset", "example"]
    skipped = dict(query(db, "SELECT kind, statements FROM dumpkit.skipped"))
    assert skipped == result.skipped and skipped["lock_tables"] > 0
    dump = dict(query(db, "SELECT key, value FROM dumpkit.dump"))
    assert dump["producer"] == "mysqldump" and dump["compression"] == "none"


def _scan_peak(path: Path, copies: int) -> tuple[int, int]:
    row = b"(%d,'" + b"x" * 80 + b"',NULL,12.5)"
    line = b"INSERT INTO `big` VALUES " + b",".join(row % i for i in range(2000)) + b";\n"
    with open(path, "wb") as f:
        f.write(b"CREATE TABLE `big` (`id` int, `s` text, `n` int, `d` decimal(5,1));\n")
        for _ in range(copies):
            f.write(line)
    parts, info = inspect_parts([path])
    tracemalloc.start()
    rows = sum(ev.rows for ev in read_events(parts, info, count_only=True) if isinstance(ev, RowCount))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, peak


def test_reading_streams_in_bounded_memory(tmp_path):
    """Peak memory is set by the batch size, not the file size: 12 MB and 36 MB dumps peak alike."""
    rows1, peak1 = _scan_peak(tmp_path / "a.sql", 60)
    rows3, peak3 = _scan_peak(tmp_path / "b.sql", 180)
    assert (rows1, rows3) == (120_000, 360_000)
    assert peak3 < peak1 * 1.3 and peak3 < 40e6, (peak1, peak3)


def test_not_a_dump_inputs(tmp_path):
    from dumpkit.errors import NotADumpError

    cases = {"empty.sql": b"", "blank.sql": b"  \n\n", "page.sql": b"<!DOCTYPE html><html><body>502</body></html>",
             "binary.sql": bytes(range(256)) * 10, "text.sql": b"just some notes\nnothing else\n",
             "comments.sql": b"-- only\n# comments\n", "tar.gz": gzip.compress(b"a.sql".ljust(257, b"\0") + b"ustar  \0" + b"\0" * 300)}
    for name, data in cases.items():
        with pytest.raises(NotADumpError):
            stage(tmp_path, write(tmp_path / name, data), name=name + ".duckdb")
    empty = tmp_path / "empty_dir"
    empty.mkdir()
    with pytest.raises(NotADumpError):
        stage(tmp_path, empty, name="dir.duckdb")
    # UTF-16 (PowerShell's `mysqldump > dump.sql`) is read, not refused
    utf16 = write(tmp_path / "ps.sql", "\ufeffCREATE TABLE t (s text);\r\nINSERT INTO t VALUES ('Müller');\r\n".encode("utf-16-le"))
    assert query(stage(tmp_path, utf16, name="u16.duckdb").db_path, "SELECT s FROM t") == [("Müller",)]


def test_problems_carry_table_offset_and_snippet(tmp_path):
    """Reader level: the statement problems of a broken dump, as events."""
    data = b"CREATE TABLE t (id int);\nINSERT INTO t VALUES (1),(2,3);\nCREATE TABLE ((;\n"
    parts, info = inspect_parts([write(tmp_path / "p.sql", data)])
    problems = [e for e in read_events(parts, info) if isinstance(e, Problem)]
    assert [(p.kind, p.table) for p in problems] == [("unparsable_statement", "t"), ("unparsable_statement", None)]
    assert problems[0].offset == data.index(b"(2,3)") and "row has 2 values" in problems[0].example
    assert problems[1].offset == data.index(b"CREATE TABLE ((") and problems[1].example


@pytest.mark.parametrize("fixture", ["opencart/oc-3.0.x.sql", "woocommerce/wp-adminer.sql"])
def test_installer_and_adminer_fixtures(tmp_path, fixture):
    path = FIXTURES / fixture
    result = stage(tmp_path, path)
    expected: dict[str, int] = {}
    for s in split_statements(path.read_bytes()):
        m = re.match(rb"(?:\s|--[^\n]*\n)*INSERT\s+INTO\s+`?(\w+)`?", s)
        if m:
            expected[m.group(1).decode()] = expected.get(m.group(1).decode(), 0) + count_tuples(s)
    assert {t: n for t, n in result.tables.items() if n} == expected
    assert not result.partial and not [i for i in result.issues if i.kind.startswith("unparsable")]


def test_fixture_dirs_untouched():
    assert not list(FIXTURES.rglob("*.duckdb"))


def test_reader_process_leaves_nothing_behind(tmp_path, monkeypatch):
    """The reader process and the batches it hands over in shared memory are gone after
    staging, and also when the stager fails half-way (the error reaches the caller)."""
    import multiprocessing
    import tempfile

    import dumpkit.stage.reader_process as reader_process
    from dumpkit.stage import writer

    made: list[str] = []
    mkdtemp = tempfile.mkdtemp
    monkeypatch.setattr(reader_process.tempfile, "mkdtemp", lambda **kw: made.append(mkdtemp(**kw)) or made[-1])
    assert stage(tmp_path, WC).tables
    assert len(made) == 1 and not Path(made[0]).exists()

    def disk_full(self, ev, nbytes=0):
        raise OSError("disk full")

    monkeypatch.setattr(writer.StageWriter, "row_batch", disk_full)
    with pytest.raises(OSError, match="disk full"):
        stage(tmp_path, WC, name="t.duckdb")
    assert len(made) == 2 and not Path(made[1]).exists()
    assert not [p for p in multiprocessing.active_children() if p.name == "dumpkit-reader"]
