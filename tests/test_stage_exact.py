"""Staging is exact: every real dump in fixtures/ restored into the real server and staged by
dumpkit gives the same tables, the same rows, and per column the same non-NULL count and
value fingerprint (sum for numbers, characters for text, bytes for binary, non-zero dates)."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dumpkit.stage import stage_dump
from tests.servers import compare_fingerprints, duckdb_fingerprint, server_fingerprint

FIXTURES = Path(__file__).parents[1] / "fixtures"

# dumps with their schema: restorable on their own
MYSQL_DUMPS = [
    "prestashop/ps-8.1.7.sql",
    "prestashop/ps-1.6.1.sql",
    "prestashop/ps-1.7.7.sql",
    "woocommerce/wc-serial-numbers.sql",
    "woocommerce/wc-guest-order.sql",
    "woocommerce/wp-adminer.sql",
    "opencart/oc-1.5.6.4.sql",
    "opencart/oc-2.3.0.2.sql",
    "opencart/oc-3.0.x.sql",
    "oscommerce/osc-2.2rc2a-latin1.sql",
    "oscommerce/osc-2.3.4.1.sql",
    "magento2/m2-categories-sequelpro.sql",
    "magento2/m2-2.4.7-luma-no.sql",
    "shopware6/sw-6.4-orders.sql",
]
# a data-only dump restored on top of its schema, as the shop's two files are used together
MYSQL_COMBINED = [("opencart/oc-3.0.x.sql", "opencart/oc-3-orders-data.sql")]
POSTGRES_DUMPS = ["spree-storedog.sql"]

pytestmark = pytest.mark.slow


def _db_name(rel: str) -> str:
    return "t_" + "".join(c if c.isalnum() else "_" for c in Path(rel).stem)[:50]


def assert_stages_like(server: dict, paths: list[Path], tmp_path: Path) -> None:
    staged = stage_dump(paths, tmp_path / "stage.duckdb")
    assert not staged.partial
    diffs = compare_fingerprints(server, duckdb_fingerprint(tmp_path / "stage.duckdb"))
    assert diffs == [], "\n".join(diffs[:20])


@pytest.mark.parametrize("rel", MYSQL_DUMPS)
def test_mysql_dump_stages_like_mariadb(rel, mariadb, tmp_path):
    db = _db_name(rel)
    result = mariadb.restore(FIXTURES / rel, db)
    assert not result.errors, f"MariaDB could not restore {rel}: {result.errors[:3]}"
    with mariadb.connect(db) as conn:
        assert_stages_like(server_fingerprint(conn, "mysql", db), [FIXTURES / rel], tmp_path)


@pytest.mark.parametrize("schema,data", MYSQL_COMBINED)
def test_schema_plus_data_only_dump_stages_like_mariadb(schema, data, mariadb, tmp_path):
    db = _db_name(data)
    assert not mariadb.restore(FIXTURES / schema, db).errors
    assert not mariadb.restore(FIXTURES / data, db, fresh=False).errors
    with mariadb.connect(db) as conn:
        assert_stages_like(server_fingerprint(conn, "mysql", db), [FIXTURES / schema, FIXTURES / data], tmp_path)


@pytest.mark.parametrize("rel", POSTGRES_DUMPS)
def test_pg_dump_stages_like_postgresql(rel, postgres, tmp_path):
    db = _db_name(rel)
    postgres.restore(FIXTURES / rel, db)
    with postgres.connect(db) as conn:
        assert_stages_like(server_fingerprint(conn, "postgres", db), [FIXTURES / rel], tmp_path)


AUTO_IDS = """
CREATE TABLE `a` (`id` int NOT NULL AUTO_INCREMENT, `s` varchar(20), PRIMARY KEY (`id`)) AUTO_INCREMENT=5;
INSERT INTO `a` VALUES (0,'zero'),(7,'seven'),(0,'zero again'),(NULL,'null'),(3,'three'),(0,'last');
INSERT INTO `a` (`s`) VALUES ('left out');
SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
CREATE TABLE `b` (`id` int NOT NULL AUTO_INCREMENT, `s` varchar(20), PRIMARY KEY (`id`));
INSERT INTO `b` VALUES (0,'kept'),(NULL,'null');
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='' */;
CREATE TABLE `c` (`id` int NOT NULL AUTO_INCREMENT, `s` varchar(20), PRIMARY KEY (`id`)) AUTO_INCREMENT=3;
INSERT INTO `c` VALUES (0,'auto'),(5,'five');
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
INSERT INTO `c` VALUES (0,'kept again');
"""


def test_auto_increment_ids_like_mariadb(mariadb, tmp_path):
    """Installer SQL: a 0 or NULL id, or none, gets the next id from a counter that starts at the
    table's AUTO_INCREMENT=N, unless the sql_mode has NO_AUTO_VALUE_ON_ZERO (as every dump tool
    sets it, and restores it at the end)."""
    dump = tmp_path / "ids.sql"
    dump.write_text(AUTO_IDS)
    assert not mariadb.restore(dump, "t_auto_ids").errors
    staged = stage_dump([dump], tmp_path / "ids.duckdb")
    with duckdb.connect(str(staged.db_path), read_only=True) as con, \
            mariadb.connect("t_auto_ids") as conn, conn.cursor() as cur:
        for table in "abc":
            cur.execute(f"SELECT id, s FROM `{table}` ORDER BY id")
            server = [tuple(r) for r in cur.fetchall()]
            assert con.execute(f"SELECT id, s FROM {table} ORDER BY id").fetchall() == server, table
        # (the server: 0 -> 5, 7, 0 -> 8, NULL -> 9, 3, 0 -> 10, left out -> 11)
        assert [r[0] for r in con.execute("SELECT id FROM a ORDER BY id").fetchall()] == [3, 5, 7, 8, 9, 10, 11]
