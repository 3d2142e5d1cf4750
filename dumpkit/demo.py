"""The demo migration: a random, reproducible sample and everything it needs.

The sample is drawn from the mapped rows (so a demo goes through exactly the
mappings of a full run), expanded to its closure - categories up to the root,
manufacturers, tax classes, options, variants, images, specials of sampled
products; each sampled order's customer and the products and variants on its
lines - and the rest is removed before the same checks and writer run.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import duckdb

from .issues import IssueLog
from .sqlnames import qualified


@dataclass
class DemoSample:
    seed: int
    size: int
    picked: dict[str, list[str]]  # products/customers/orders drawn (before expansion)
    kept: dict[str, set[str]] = field(default_factory=dict)  # every entity -> source ids in the demo
    notes: list[str] = field(default_factory=list)

    def manifest(self) -> dict:
        return {"demo": True, "seed": self.seed, "size": self.size, "picked": self.picked, "notes": self.notes}


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='pkg'").fetchall()}


def _ids(con, sql: str) -> list[str]:
    return [r[0] for r in con.execute(sql).fetchall() if r[0] is not None]


def _draw(rng: random.Random, pool: list[str], n: int, must: list[list[str]]) -> list[str]:
    """n ids from pool: first one from each non-empty `must` group (representative), then at random."""
    picked: list[str] = []
    for group in must:
        choices = sorted(set(group) - set(picked))
        if choices and len(picked) < n:
            picked.append(rng.choice(choices))
    rest = sorted(set(pool) - set(picked))
    picked += rng.sample(rest, min(n - len(picked), len(rest)))
    return sorted(picked)


def draw_sample(con: duckdb.DuckDBPyConnection, log: IssueLog, seed: int, size: int) -> DemoSample:
    rng = random.Random(seed)
    tables = _tables(con)
    picked: dict[str, list[str]] = {}
    notes = []

    def pool(entity: str, sql: str | None = None) -> list[str]:
        return sorted(_ids(con, sql or f"SELECT source_id FROM pkg.{entity}")) if entity in tables else []

    products = pool("products")
    with_variants = pool("products", "SELECT DISTINCT product_source_id FROM pkg.product_variants") if "product_variants" in tables else []
    picked["products"] = _draw(rng, products, size, [with_variants])
    customers = pool("customers")
    picked["customers"] = _draw(rng, customers, size, [])
    orders = pool("orders")
    guest_orders = pool("orders", """SELECT source_id FROM pkg.orders WHERE customer_source_id IS NULL
        OR customer_source_id IN (SELECT source_id FROM pkg.customers WHERE is_guest)""") if orders and "customers" in tables else []
    multi_line = pool("orders", "SELECT order_source_id FROM pkg.order_lines GROUP BY 1 HAVING count(*) > 1") \
        if orders and "order_lines" in tables else []
    picked["orders"] = _draw(rng, orders, size, [guest_orders, multi_line])
    for entity, all_ids in (("products", products), ("customers", customers), ("orders", orders)):
        if entity in tables and len(all_ids) <= size:
            note = f"the shop has {len(all_ids)} {entity}, not more than {size}: all are in the demo"
            notes.append(note)
            log.add("map", entity, None, "info", "DEMO_TAKES_ALL", None, note)
    if with_variants and not set(picked["products"]) & set(with_variants):
        notes.append("no product with variants could be included")
    return DemoSample(seed, size, picked, notes=notes)


def _list_ids(con, sql: str) -> set[str]:
    return {x for row in con.execute(sql).fetchall() for x in (row[0] or [])}


def expand(con: duckdb.DuckDBPyConnection, sample: DemoSample) -> dict[str, set[str]]:
    """Source ids of every entity the sample needs to load and make sense."""
    tables = _tables(con)
    keep: dict[str, set[str]] = {e: set() for e in tables}
    keep["orders"] = set(sample.picked.get("orders", []))
    keep["products"] = set(sample.picked.get("products", []))
    keep["customers"] = set(sample.picked.get("customers", []))
    con.execute("CREATE OR REPLACE TEMP TABLE _ids (entity VARCHAR, source_id VARCHAR)")

    def ids_in(entity: str) -> str:
        rows = [(entity, i) for i in keep.get(entity, ())]
        con.execute("DELETE FROM _ids WHERE entity = ?", [entity])
        if rows:
            con.executemany("INSERT INTO _ids VALUES (?, ?)", rows)
        return f"(SELECT source_id FROM _ids WHERE entity = '{entity}')"

    if "orders" in tables:
        orders = ids_in("orders")
        keep["customers"] |= set(_ids(con, f"SELECT customer_source_id FROM pkg.orders WHERE source_id IN {orders}"))
        if "order_lines" in tables:
            keep["products"] |= set(_ids(con, f"SELECT product_source_id FROM pkg.order_lines WHERE order_source_id IN {orders}"))
            keep["product_variants"] = set(_ids(con, f"SELECT variant_source_id FROM pkg.order_lines WHERE order_source_id IN {orders}"))
        for child in ("order_lines", "order_totals", "order_status_history"):
            if child in tables:
                keep[child] = set(_ids(con, f"SELECT source_id FROM pkg.{child} WHERE order_source_id IN {orders}"))
    if "product_variants" in tables and keep.get("product_variants"):
        variants = ids_in("product_variants")
        keep["products"] |= set(_ids(con, f"SELECT product_source_id FROM pkg.product_variants WHERE source_id IN {variants}"))
    if "products" in tables:
        products = ids_in("products")
        keep["tax_classes"] = set(_ids(con, f"SELECT tax_class_source_id FROM pkg.products WHERE source_id IN {products}"))
        keep["manufacturers"] = set(_ids(con, f"SELECT manufacturer_source_id FROM pkg.products WHERE source_id IN {products}"))
        keep["categories"] = _list_ids(con, f"SELECT category_source_ids FROM pkg.products WHERE source_id IN {products}")
        for child in ("product_variants", "product_images", "product_specials"):
            if child in tables:
                keep[child] = keep.get(child, set()) | set(
                    _ids(con, f"SELECT source_id FROM pkg.{child} WHERE product_source_id IN {products}"))
    if "categories" in tables:
        # up to the root, so the tree stays whole
        frontier = set(keep.get("categories", ()))
        while frontier:
            ids_in("categories")
            parents = set(_ids(con, "SELECT parent_source_id FROM pkg.categories WHERE source_id IN "
                                    "(SELECT source_id FROM _ids WHERE entity = 'categories')"))
            frontier = parents - keep["categories"]
            keep["categories"] |= parents
    if "product_variants" in tables and keep.get("product_variants"):
        variants = ids_in("product_variants")
        keep["product_option_values"] = _list_ids(
            con, f"SELECT option_value_source_ids FROM pkg.product_variants WHERE source_id IN {variants}")
        if "product_option_values" in tables:
            values = ids_in("product_option_values")
            keep["product_options"] = set(_ids(con, f"SELECT option_source_id FROM pkg.product_option_values WHERE source_id IN {values}"))
    return keep


def apply_sample(con: duckdb.DuckDBPyConnection, log: IssueLog, seed: int, size: int) -> DemoSample:
    """Reduce the mapped rows in `pkg` to the demo sample and its closure."""
    sample = draw_sample(con, log, seed, size)
    keep = expand(con, sample)
    for entity in _tables(con):
        if entity == "redirects":
            continue
        ids = keep.get(entity, set())
        con.execute("CREATE OR REPLACE TEMP TABLE _keep (source_id VARCHAR)")
        if ids:
            con.executemany("INSERT INTO _keep VALUES (?)", [(i,) for i in ids])
        con.execute(f"DELETE FROM {qualified('pkg', entity)} WHERE source_id NOT IN (SELECT source_id FROM _keep)")
    if "redirects" in _tables(con):
        con.execute("""DELETE FROM pkg.redirects WHERE NOT (
            (entity = 'products' AND entity_source_id IN (SELECT source_id FROM pkg.products)) OR
            (entity = 'categories' AND entity_source_id IN (SELECT source_id FROM pkg.categories)) OR
            (entity = 'manufacturers' AND entity_source_id IN (SELECT source_id FROM pkg.manufacturers)))""")
    sample.kept = {e: set(_ids(con, f"SELECT source_id FROM {qualified('pkg', e)}")) for e in _tables(con)}
    return sample
