"""Demo migration: a reproducible, representative sample whose package is closed under its references."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dumpkit.map.runner import run_script
from dumpkit.migrate import migrate
from dumpkit.package.schema import ENTITIES, REFERENCES, conform
from dumpkit.package.write import write_parquet
from dumpkit.stage import stage_dump

FIXTURES = Path(__file__).parents[1] / "fixtures"
SHOPS = {
    "prestashop-8": ["prestashop/ps-8.1.7.sql"],
    "prestashop-1.6": ["prestashop/ps-1.6.1.sql"],
    "prestashop-1.7": ["prestashop/ps-1.7.7.sql"],
    "woocommerce-catalogue": ["woocommerce/wc-serial-numbers.sql"],
    "woocommerce-guest-order": ["woocommerce/wc-guest-order.sql"],
    "woocommerce-hpos": ["woocommerce/wc-orders-hpos.sql"],
    "opencart-1.5": ["opencart/oc-1.5.6.4.sql"],
    "opencart-2.3": ["opencart/oc-2.3.0.2.sql"],
    "opencart-3-orders": ["opencart/oc-3.0.x.sql", "opencart/oc-3-orders-data.sql"],
    "opencart-4": ["opencart/oc-4.0.2.3-data.sql"],
    "magento2-luma-no": ["magento2/m2-2.4.7-luma-no.sql"],
    "shopware-6.4": ["shopware6/sw-6.4-happyware.sql"],
    "shopware-orders": ["shopware6/sw-6.4-orders.sql"],
}


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    """Each shop staged once; migrate() reuses the DuckDB file."""
    cache = {}

    def get(shop: str) -> Path:
        if shop not in cache:
            db = tmp_path_factory.mktemp(shop) / "stage.duckdb"
            stage_dump([FIXTURES / f for f in SHOPS[shop]], db)
            cache[shop] = db
        return cache[shop]

    return get


def read(out: Path) -> dict:
    return {e: pq.read_table(out / f"{e}.parquet") for e in ENTITIES}


def closure_problems(package: dict) -> list[str]:
    problems = []
    ids = {e: set(t.column("source_id").to_pylist()) for e, t in package.items()}
    for (entity, column), target in REFERENCES.items():
        values = package[entity].column(column)
        if str(values.type).startswith("list"):
            values = pc.list_flatten(values)
        outside = {v for v in values.to_pylist() if v is not None} - ids[target]
        if outside:
            problems.append(f"{entity}.{column} -> {target} not in the demo: {sorted(outside)[:5]}")
    return problems


def guests(package: dict) -> set:
    c = package["customers"]
    return set(c.filter(c.column("is_guest")).column("source_id").to_pylist())


@pytest.fixture(scope="module")
def full_runs(staged, tmp_path_factory):
    """Each shop's full migration (its result; the package in .out), made once for the tests below."""
    cache = {}

    def get(shop: str):
        if shop not in cache:
            cache[shop] = migrate(staged(shop), tmp_path_factory.mktemp(f"{shop}-full") / "out", keep_currency=True)
        return cache[shop]

    return get


@pytest.fixture(scope="module")
def full_packages(full_runs):
    """Each shop's full package folder."""
    return lambda shop: full_runs(shop).out


@pytest.mark.parametrize("shop", list(SHOPS))
def test_demo_is_closed_and_reproducible(shop, staged, full_runs, tmp_path):
    full = full_runs(shop)
    full_package = read(full.out)
    demo = migrate(staged(shop), tmp_path / "demo", demo=True, seed=7, size=3, keep_currency=True)
    package = read(tmp_path / "demo")
    assert closure_problems(package) == []
    assert_demo_is_full_restricted(full.out, tmp_path / "demo")
    # customers are drawn before refine makes guest customers of guest orders; a source's own guest accounts count
    made = {g for g in guests(full_package) if g.startswith("dumpkit:guest:")}
    pools = {"products": full.counts["products"], "orders": full.counts["orders"],
             "customers": full.counts["customers"] - len(made)}
    for entity, pool in pools.items():
        picked = demo.manifest["options"]["picked"][entity]
        assert len(picked) == min(3, pool), entity  # the asked size, or all when the shop has less
        assert set(picked) <= set(package[entity].column("source_id").to_pylist())
    # sampling itself breaks no reference: whatever the demo had to clear, the full run cleared too
    codes = ("REFERENCE_MISSING", "PRODUCT_MISSING", "VARIANT_MISSING", "ORDER_WITHOUT_CUSTOMER")
    lost = {(i.entity, i.source_id, i.code) for i in demo.log.items if i.code in codes}
    assert lost <= {(i.entity, i.source_id, i.code) for i in full.log.items}
    assert all(r.ok for r in demo.reconciliation)
    # same seed, same sample, same files
    again = migrate(staged(shop), tmp_path / "again", demo=True, seed=7, size=3, keep_currency=True)
    assert again.manifest["options"]["picked"] == demo.manifest["options"]["picked"]
    for entity, table in package.items():
        assert pq.read_table(tmp_path / "again" / f"{entity}.parquet").equals(table), entity


@pytest.mark.parametrize("shop", ["prestashop-8", "woocommerce-hpos", "opencart-3-orders", "magento2-luma-no", "shopware-orders"])
def test_demo_sample_is_representative(shop, staged, full_runs, tmp_path):
    full = read(full_runs(shop).out)
    with_variants = set(full["product_variants"].column("product_source_id").to_pylist())
    lines = full["order_lines"].column("order_source_id").to_pylist()
    multi_line = {o for o in lines if lines.count(o) > 1}
    guest_orders = {o["source_id"] for o in full["orders"].to_pylist() if o["customer_source_id"] in guests(full)}
    assert with_variants or multi_line or guest_orders, "the fixture has something to be representative of"
    for seed in (1, 2, 3):
        result = migrate(staged(shop), tmp_path / f"demo{seed}", demo=True, seed=seed, size=2)
        picked = result.manifest["options"]["picked"]
        if with_variants:
            assert with_variants & set(picked["products"]), "a product with variants"
        if multi_line:
            assert multi_line & set(picked["orders"]), "an order with several lines"
        if guest_orders:
            assert guest_orders & set(picked["orders"]), "a guest order"


def restricted(full: Path, entity: str, ids: list[str]) -> bytes:
    """The full package's file of `entity` with only the rows of `ids`, written as the package writer writes."""
    table = pq.read_table(full / f"{entity}.parquet")
    table = table.filter(pc.is_in(table.column("source_id"), pa.array(ids, pa.string())))
    sink = pa.BufferOutputStream()
    write_parquet(conform(entity, table), sink)
    return sink.getvalue().to_pybytes()


def assert_demo_is_full_restricted(full: Path, demo: Path) -> None:
    for entity in ENTITIES:
        ids = pq.read_table(demo / f"{entity}.parquet").column("source_id").to_pylist()
        assert (demo / f"{entity}.parquet").read_bytes() == restricted(full, entity, ids), entity




@pytest.mark.parametrize("shop", list(SHOPS))
@pytest.mark.parametrize("seed,size", [(1, 1)])
def test_demo_equals_the_full_package_restricted_to_its_records(shop, seed, size, staged, full_packages, tmp_path):
    """The demo maps only its sample's closure, yet byte for byte as the full migration does (for
    one record of each; test_demo_is_closed_and_reproducible checks it for three)."""
    migrate(staged(shop), tmp_path / "demo", demo=True, seed=seed, size=size, keep_currency=True)
    assert_demo_is_full_restricted(full_packages(shop), tmp_path / "demo")


# Every product shares its slug and SKU with the others; customers 3 and 4 (copies of 2) share
# the e-mail of customer 1 and are merged into it, with their orders; customer 2 is deleted, so
# its orders are guest orders with that e-mail, which belong to customer 1 too. What a demo's
# records become depends on records outside the sample.
SHARED = """
UPDATE ps_product_lang SET link_rewrite = 'same-slug';
UPDATE ps_product SET reference = 'SAME-REF';
INSERT INTO ps_customer SELECT * REPLACE (3 AS id_customer) FROM ps_customer WHERE id_customer = 2;
INSERT INTO ps_customer SELECT * REPLACE (4 AS id_customer) FROM ps_customer WHERE id_customer = 2;
UPDATE ps_customer SET email = 'same@example.com';
UPDATE ps_customer SET deleted = 1 WHERE id_customer = 2;
UPDATE ps_orders SET id_customer = 3 WHERE id_order IN (1, 2);
UPDATE ps_orders SET id_customer = 4 WHERE id_order = 3;
"""


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_demo_records_depend_on_the_whole_shop_as_in_the_full_run(seed, staged, tmp_path):
    db = tmp_path / "shared.duckdb"
    shutil.copy(staged("prestashop-8"), db)
    con = duckdb.connect(str(db))
    run_script(con, SHARED)
    con.close()
    full = migrate(db, tmp_path / "full", keep_currency=True)
    codes = {i.code for i in full.log.items}
    assert {"SLUG_CHANGED", "DUPLICATE_SKU", "DUPLICATE_EMAIL", "GUEST_ORDER_OF_CUSTOMER"} <= codes
    migrate(db, tmp_path / "demo", demo=True, seed=seed, size=2, keep_currency=True)
    assert_demo_is_full_restricted(tmp_path / "full", tmp_path / "demo")
