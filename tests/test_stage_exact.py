"""Staging is exact: every real dump in fixtures/ restored into the real server and staged by
dumpkit gives the same tables, the same rows, and per column the same non-NULL count and
value fingerprint (sum for numbers, characters for text, bytes for binary, non-zero dates)."""
from __future__ import annotations

from pathlib import Path

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
