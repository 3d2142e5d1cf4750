"""Demo migration: a reproducible, representative sample whose package is closed under its references."""
from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dumpkit.migrate import migrate
from dumpkit.package.schema import ENTITIES, REFERENCES
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


@pytest.mark.parametrize("shop", list(SHOPS))
def test_demo_is_closed_and_reproducible(shop, staged, tmp_path):
    full = migrate(staged(shop), tmp_path / "full", keep_currency=True)
    full_package = read(tmp_path / "full")
    demo = migrate(staged(shop), tmp_path / "demo", demo=True, seed=7, size=3)
    package = read(tmp_path / "demo")
    assert closure_problems(package) == []
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
    again = migrate(staged(shop), tmp_path / "again", demo=True, seed=7, size=3)
    assert again.manifest["options"]["picked"] == demo.manifest["options"]["picked"]
    for entity, table in package.items():
        assert pq.read_table(tmp_path / "again" / f"{entity}.parquet").equals(table), entity


@pytest.mark.parametrize("shop", ["prestashop-8", "woocommerce-hpos", "opencart-3-orders", "magento2-luma-no", "shopware-orders"])
def test_demo_sample_is_representative(shop, staged, tmp_path):
    migrate(staged(shop), tmp_path / "full", keep_currency=True)
    full = read(tmp_path / "full")
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
