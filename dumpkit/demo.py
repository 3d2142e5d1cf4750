"""The demo migration: a random, reproducible sample and everything it needs, mapped only as
far as the sample needs, yet exactly as the full migration maps it.

1. One pass over the whole shop maps only what the sample is drawn from and what the generic
   steps read across records (refine.CROSS_RECORD_COLUMNS: ids, slugs and names of products,
   e-mails and dates of customers and orders...); the small entities (tax classes,
   manufacturers, categories, options) are mapped whole.
2. The sample is drawn from those rows: a product with variants, an order with several lines
   and a guest order when the shop has them, the rest at random (seeded). Its closure is
   worked out: the orders' customers, lines, their products and variants.
3. The same SQL mapping files run again for the closure only: the platform's [demo_sources]
   cut the big source tables down to the rows those records need (src.<table> becomes a view
   of those rows; a platform without them reads them whole, slower, same result), and the
   mapping's rows are kept for the closure's ids (two mappings at a time, as the full run's,
   the small entities first, over whole sources). The records outside it keep their narrow
   rows from step 1, so refine and check see the whole shop for what they read across records
   (numbering duplicate slugs, a guest's first order, customers sharing an e-mail) and change
   the closure's records as they would in the full run.
4. After refine and check the closure is worked out again from the final references (a guest
   order may now belong to a registered customer with its e-mail). If it needs a record that
   was mapped narrow, step 3 runs again with that record in it. Then everything outside the
   closure goes, and its issues with it.

So the demo package is the full package restricted to the demo's records, file by file
(tests/test_demo.py compares the Parquet bytes on every fixture).
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from .issues import IssueLog
from .map.refine import CROSS_RECORD_COLUMNS
from .map.runner import MappingJob, mapping_failed, run_platform_mappings
from .package.schema import ENTITIES
from .sqlnames import ident, literal, qualified, tables_in

SMALL = ("tax_classes", "manufacturers", "categories", "product_options", "product_option_values")  # mapped whole
OWNER = {  # rows that belong to one record of another entity: mapped with their owner
    "product_variants": ("product_source_id", "products"), "product_images": ("product_source_id", "products"),
    "product_specials": ("product_source_id", "products"), "order_lines": ("order_source_id", "orders"),
    "order_totals": ("order_source_id", "orders"), "order_status_history": ("order_source_id", "orders"),
}
INVENTED = "dumpkit:"  # ids of records refine makes (guest customers, the hidden category)


def _ids(con, sql: str, params: list | None = None) -> list[str]:
    return [r[0] for r in con.execute(sql, params or []).fetchall() if r[0] is not None]


def _working(entity: str) -> str:
    return f"(SELECT source_id FROM demo.working WHERE entity = {literal(entity)})"


@dataclass
class Sample:
    """A demo run's sample; built by step 1 and 2 of the module's doc, used by migrate.py for 3 and 4."""
    con: duckdb.DuckDBPyConnection
    platform: object
    entities: list[str]
    seed: int
    size: int
    log: IssueLog
    picked: dict[str, list[str]] = field(default_factory=dict)  # products/customers/orders drawn (before the closure)
    working: dict[str, set[str]] = field(default_factory=dict)  # records mapped in full (the closure, and more)
    kept: dict[str, set[str]] = field(default_factory=dict)  # every entity -> source ids in the demo
    full: dict[str, set[str]] = field(default_factory=dict)  # records of CROSS_RECORD_COLUMNS' entities mapped in full
    mapped: dict[str, int] = field(default_factory=dict)  # rows of the whole shop, for what was mapped whole
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.con.execute("CREATE SCHEMA IF NOT EXISTS demo")
        self.con.execute("CREATE OR REPLACE TABLE demo.working (entity VARCHAR, source_id VARCHAR)")
        # (not TEMP: the wide pass's mappings run on cursors of the connection, and read src views that call it)
        self.con.execute("CREATE OR REPLACE MACRO demo_ids(e) AS TABLE SELECT source_id FROM demo.working WHERE entity = e")
        self._whole = self._source_views()
        self._cut: bool | tuple = False  # False, or (the working set, copied?) the sources are cut down to
        self._cut_for = 0
        self._copied_for = -1  # the working set (its _cut_for) the sources were last copied for
        self._map_narrow()
        self._draw()
        self._close_over_picked()
        self.cut_sources(False)

    def manifest(self) -> dict:
        return {"demo": True, "seed": self.seed, "size": self.size, "picked": self.picked, "notes": self.notes}

    def _mapping(self, entity: str):
        return self.platform.mappings.get(entity) if entity in self.entities else None

    # ------------------------------------------------------------ 1. the whole shop, narrow
    def _map_narrow(self) -> None:
        # into pkg.<entity>, where later mappings and the draw read them; the wide pass replaces the
        # working set's rows (merge()). The issues are of records outside the sample: not the demo's.
        jobs = [MappingJob(e, narrow=CROSS_RECORD_COLUMNS.get(e)) for e in ENTITIES
                if self._mapping(e) is not None and (e in CROSS_RECORD_COLUMNS or e in SMALL)]
        for entity, result in run_platform_mappings(self.con, self.platform, jobs, IssueLog()).items():
            self.mapped[entity] = result.rows + sum(result.skipped.values())

    def _source_views(self) -> dict[str, str]:
        """The SELECT of each src view the platform cuts down for a demo, as prepare() left it."""
        views = {}
        for table in self.platform.demo_sources:
            row = self.con.execute("SELECT sql FROM duckdb_views() WHERE schema_name = 'src' AND view_name = ?", [table]).fetchall()
            if row:  # not staged: an optional table's empty stand-in (a table) is read whole
                views[table] = re.match(r"(?s)CREATE VIEW .*? AS (.*?);?\s*$", row[0][0]).group(1)
        return views

    def _whole_select(self, table: str) -> str:
        """A src table whole, for a condition that looks at more than its own rows."""
        if table in self._whole:
            return self._whole[table]
        return f'SELECT * FROM {qualified("src", table)}'  # not cut down for a demo: src has it whole

    def cut_sources(self, cut: bool, copy: bool = False) -> None:
        """src.<table> cut down to the working set's rows (the platform's [demo_sources]), or whole
        again. A view of them, or with `copy` the rows themselves, copied once (in the order the
        platform lists the tables, so a condition may read one cut before it): worth it for the
        wide pass, whose mappings read a table several times each."""
        state = (self._cut_for, copy) if cut else False
        if state == self._cut:
            return
        # copies made for this working set before (the wide pass's, again for reconcile and review): read them again
        copied = copy and self._copied_for == self._cut_for
        for table, select in self._whole.items():
            if not cut:
                self.con.execute(f'CREATE OR REPLACE VIEW {qualified("src", table)} AS {select}')
                continue
            condition = re.sub(r"\{whole:(\w+)\}", lambda m: f"({self._whole_select(m.group(1))})", self.platform.demo_sources[table])
            rows = f"SELECT * FROM ({select}) AS _whole WHERE {condition}"
            if copy:
                if not copied:
                    self.con.execute(f'CREATE OR REPLACE TABLE {qualified("demo", "cut_" + table)} AS {rows}')
                rows = f'SELECT * FROM {qualified("demo", "cut_" + table)}'
            self.con.execute(f'CREATE OR REPLACE VIEW {qualified("src", table)} AS {rows}')
        self._cut = state
        if copy:
            self._copied_for = self._cut_for

    # ------------------------------------------------------------ 2. the draw
    def _filtered(self, entity: str, select: str, where: str, ids: list[str], working: dict[str, set[str]],
                  kept_only: bool = True) -> list[tuple]:
        """Rows of a mapping for a few ids, before the wide pass maps it: over the sources cut down to
        `working` (over-including is harmless there); `kept_only`: rows the mapping does not skip."""
        mapping = self._mapping(entity)
        if mapping is None or not ids:
            return []
        self.working = working
        self._write_working()
        self.cut_sources(True)
        try:
            columns = self.con.sql(mapping.sql).columns
            kept = " AND _skip IS NULL" if kept_only and "_skip" in columns else ""
            return self.con.execute(f"SELECT {select} FROM ({mapping.sql}) AS _m WHERE {where} IN (SELECT unnest(?::VARCHAR[])){kept}",
                                    [ids]).fetchall()
        except duckdb.Error as e:
            raise mapping_failed(self.platform, entity, e) from None

    def _variants(self, column: str, where: str, ids: list[str]) -> set[str]:
        """`column` of the variants whose `where` is one of `ids`, from their narrow rows (the rows the
        mapping keeps, product_source_id mapped for the whole shop): no mapping to run again."""
        if "product_variants" not in self.mapped or not ids:
            return set()
        return set(_ids(self.con, f"SELECT DISTINCT {ident(column)} FROM pkg.product_variants "
                                  f"WHERE {ident(where)} IN (SELECT unnest(?::VARCHAR[]))", [ids]))

    def _with_variants(self, products: list[str]) -> set[str]:
        return self._variants("product_source_id", "product_source_id", products)

    def _multi_line(self, orders: list[str]) -> set[str]:
        lines = Counter(r[0] for r in self._filtered("order_lines", "order_source_id", "order_source_id", orders,
                                                     {"orders": set(orders)}))
        return {o for o, n in lines.items() if n > 1}

    def _draw(self) -> None:
        rng = random.Random(self.seed)
        tables = tables_in(self.con)

        def pool(entity: str) -> list[str]:
            if entity not in tables:
                return []
            return self.con.sql(f'SELECT source_id FROM {qualified("pkg", entity)} WHERE source_id IS NOT NULL ORDER BY source_id') \
                .to_arrow_table().column(0).to_pylist()

        products, customers, orders = pool("products"), pool("customers"), pool("orders")
        guest_orders = set(_ids(self.con, """SELECT source_id FROM pkg.orders WHERE customer_source_id IS NULL
            OR customer_source_id IN (SELECT source_id FROM pkg.customers WHERE is_guest)""")) \
            if orders and "customers" in tables else set()
        self.picked["products"] = _pick(rng, products, self.size, [self._with_variants])
        self.picked["customers"] = _pick(rng, customers, self.size, [])
        # (a shop without guest orders is not asked about them: that would shuffle every order in Python;
        # the shuffle's order, and so the sample, is the same however far it has gone)
        guests = [lambda ids: guest_orders & set(ids)] if guest_orders else []
        self.picked["orders"] = _pick(rng, orders, self.size, [*guests, self._multi_line])
        for entity, all_ids in (("products", products), ("customers", customers), ("orders", orders)):
            if entity in tables and len(all_ids) <= self.size:
                note = f"the shop has {len(all_ids)} {entity}, not more than {self.size}: all are in the demo"
                self.notes.append(note)
                self.log.add("map", entity, None, "info", "DEMO_TAKES_ALL", None, note)

    def _close_over_picked(self) -> None:
        """The records the picked ones need, as far as the narrow rows and their mappings tell (more
        does no harm: step 4 keeps only the closure)."""
        orders = set(self.picked.get("orders", []))
        customers = set(self.picked.get("customers", []))
        products = set(self.picked.get("products", []))
        if orders:
            customers |= set(_ids(self.con, "SELECT customer_source_id FROM pkg.orders WHERE source_id IN (SELECT unnest(?::VARCHAR[]))",
                                  [sorted(orders)]))
        lines = self._filtered("order_lines", "product_source_id, variant_source_id", "order_source_id", sorted(orders),
                               {"orders": orders, "products": products}, kept_only=False)
        products |= {p for p, _ in lines if p is not None}
        variants = {v for _, v in lines if v is not None}
        products |= self._variants("product_source_id", "source_id", sorted(variants))
        if "customers" in self.mapped:
            customers |= self._same_email(customers, orders)
        self.working = {"products": products, "customers": customers, "orders": orders, "product_variants": variants}
        self._write_working()

    def _same_email(self, customers: set[str], orders: set[str]) -> set[str]:
        """The customers refine will likely point these customers and guest orders at, by e-mail: the
        one kept of those sharing an e-mail (hygiene: registered first, then the oldest) and the
        registered one a guest order's e-mail belongs to (add_guest_customers). Only a head start:
        should refine decide otherwise, closed() notices and the working set grows."""
        return set(_ids(self.con, """
            WITH emails AS (
                SELECT lower(trim(email)) AS email FROM pkg.customers WHERE source_id IN (SELECT unnest(?::VARCHAR[]))
                UNION SELECT lower(trim(coalesce(customer_address_email, billing_address_email))) FROM pkg.orders
                WHERE customer_source_id IS NULL AND source_id IN (SELECT unnest(?::VARCHAR[]))
            ),
            sharing AS (SELECT c.source_id, c.is_guest, c.created_at, lower(trim(c.email)) AS email FROM pkg.customers c
                        WHERE lower(trim(c.email)) IN (SELECT email FROM emails))
            SELECT arg_min(source_id, (is_guest, created_at IS NULL, created_at, source_id)) FROM sharing GROUP BY email
            UNION SELECT min(source_id) FROM sharing WHERE NOT is_guest GROUP BY email""", [sorted(customers), sorted(orders)]))

    def _write_working(self) -> None:
        self._cut_for += 1  # sources cut before are for another working set
        rows = [(e, i) for e, ids in self.working.items() for i in sorted(ids)]
        self.con.register("_working", pa.table({"entity": pa.array([r[0] for r in rows], pa.string()),
                                                "source_id": pa.array([r[1] for r in rows], pa.string())}))
        self.con.execute("CREATE OR REPLACE TABLE demo.working AS SELECT * FROM _working")
        self.con.unregister("_working")

    # ------------------------------------------------------------ 3. the mappings, pushed down
    def wide_pass(self, entities: list[str]) -> list[tuple[bool, list[MappingJob]]]:
        """The wide pass's mappings of `entities`, in two batches: (whether the sources are cut down
        for it, its jobs). The small entities are mapped whole over whole sources, the others over
        the sources cut down to the working set, into their own table beside the narrow rows."""
        return [(cut, [MappingJob(e, where=self.where(e), target=self.target(e)) for e in entities if (e not in SMALL) == cut])
                for cut in (False, True)]

    def where(self, entity: str) -> str | None:
        """The rows of `entity` to map in full: the working set's (None: all of them)."""
        if entity in OWNER and entity in CROSS_RECORD_COLUMNS:
            # a product's variants and images come with it in full (the closure needs them all), and the
            # ones the working set names itself (an order line's variant)
            column, owner = OWNER[entity]
            return f"{column} IN {_working(owner)} OR source_id IN {_working(entity)}"
        if entity in CROSS_RECORD_COLUMNS:
            return f"source_id IN {_working(entity)}"
        if entity in OWNER:
            column, owner = OWNER[entity]
            return f"{column} IN {_working(owner)}"
        if entity == "redirects":
            return f"entity <> 'products' OR entity_source_id IN {_working('products')}"
        return None

    def target(self, entity: str) -> str | None:
        """Where the wide pass maps `entity` (None: pkg.<entity>): beside the narrow rows of the
        whole shop, for an entity that has them (merge() puts them together)."""
        return qualified("demo", "wide_" + entity) if entity in CROSS_RECORD_COLUMNS and entity in self.mapped else None

    def merge(self, entity: str) -> None:
        """After the wide pass mapped the working set's rows of `entity` into target(): they replace
        their narrow rows in pkg.<entity> (a few rows deleted and inserted, where copying the
        shop's narrow rows around them took longer than the mappings)."""
        wide = self.target(entity)
        if wide is None:
            return
        self.full[entity] = set(_ids(self.con, f"SELECT source_id FROM {wide}"))
        self.con.execute(f'DELETE FROM {qualified("pkg", entity)} WHERE source_id IN (SELECT source_id FROM {wide})')
        self.con.execute(f'INSERT INTO {qualified("pkg", entity)} BY NAME SELECT * FROM {wide}')
        self.con.execute(f"DROP TABLE {wide}")

    # ------------------------------------------------------------ 4. the closure, and the rest goes
    def closed(self) -> bool:
        """Whether every record of the closure was mapped in full; if not, the working set grows."""
        self.cut_sources(False)
        self.kept = expand(self.con, self.picked)
        grown = False
        for entity in CROSS_RECORD_COLUMNS:
            missing = {i for i in self.kept.get(entity, ()) if not i.startswith(INVENTED)} - self.full.get(entity, set())
            # (a record already in the working set that still came out narrow would not come out
            # otherwise the next time: no endless loop)
            working = self.working.setdefault(entity, set())
            if missing - working:
                working.update(missing)
                grown = True
        if grown:
            self._write_working()
            # refine changed the narrow rows (and the small entities they were mapped with): mapped again
            self._map_narrow()
        return not grown

    def restrict(self, log: IssueLog) -> None:
        """Only the closure stays in pkg, and only its issues (and those about the dump as a whole)."""
        tables = tables_in(self.con)
        for entity in tables - {"redirects"}:
            ids = sorted(self.kept.get(entity, set()))
            self.con.register("_keep", pa.table({"source_id": pa.array(ids, pa.string())}))
            self.con.execute(f'DELETE FROM {qualified("pkg", entity)} WHERE source_id NOT IN (SELECT source_id FROM _keep)')
            self.con.unregister("_keep")
        if "redirects" in tables:
            self.con.execute("""DELETE FROM pkg.redirects WHERE NOT (
                (entity = 'products' AND entity_source_id IN (SELECT source_id FROM pkg.products)) OR
                (entity = 'categories' AND entity_source_id IN (SELECT source_id FROM pkg.categories)) OR
                (entity = 'manufacturers' AND entity_source_id IN (SELECT source_id FROM pkg.manufacturers)))""")
        self.kept = {e: set(_ids(self.con, f'SELECT source_id FROM {qualified("pkg", e)}')) for e in tables_in(self.con)}
        log.keep_only(self.kept)


def _pick(rng: random.Random, pool: list[str], n: int, groups: list) -> list[str]:
    """n ids of `pool` in an order shuffled by `rng`: first, for each of `groups` (a function telling
    which of some ids belong to the group), the first id that belongs; then the first others. Groups
    are asked about growing slices of the shuffled order, so a big shop is asked about a few ids,
    and the order is shuffled only as far as it is read."""
    order = _Shuffled(rng, pool)
    picked: list[str] = []
    for group in groups:
        start, step = 0, 64
        while start < len(pool) and len(picked) < n:
            ids = [i for i in order[start:start + step] if i not in picked]
            members = group(ids)
            found = next((i for i in ids if i in members), None)
            if found is not None:
                picked.append(found)
                break
            start, step = start + step, step * 4
    i = 0
    while len(picked) < n and i < len(pool):
        if order[i] not in picked:
            picked.append(order[i])
        i += 1
    return sorted(picked)


class _Shuffled:
    """A Fisher-Yates shuffle of `pool`, done only as far as it is read (a big shop's pool is long,
    a sample reads a few)."""

    def __init__(self, rng: random.Random, pool: list[str]):
        self.rng, self.items, self.done = rng, list(pool), 0

    def __getitem__(self, index):
        stop = index.stop if isinstance(index, slice) else index + 1
        items, n, done = self.items, len(self.items), self.done
        # rng.randrange(done, n) is done + rng._randbelow(n - done), the same numbers without its
        # argument checks: a group no record of a big shop belongs to shuffles the whole pool
        randbelow = self.rng._randbelow
        while done < min(stop, n):
            j = done + randbelow(n - done)
            items[done], items[j] = items[j], items[done]
            done += 1
        self.done = done
        return items[index]


def expand(con: duckdb.DuckDBPyConnection, picked: dict[str, list[str]]) -> dict[str, set[str]]:
    """Source ids of every entity the picked records need to load and make sense."""
    tables = tables_in(con)
    keep: dict[str, set[str]] = {e: set() for e in tables}
    keep["orders"] = set(picked.get("orders", []))
    keep["products"] = set(picked.get("products", []))
    keep["customers"] = set(picked.get("customers", []))
    con.execute("CREATE OR REPLACE TEMP TABLE _ids (entity VARCHAR, source_id VARCHAR)")

    def ids_in(entity: str) -> str:
        rows = [(entity, i) for i in keep.get(entity, ())]
        con.execute("DELETE FROM _ids WHERE entity = ?", [entity])
        if rows:
            con.executemany("INSERT INTO _ids VALUES (?, ?)", rows)
        return f"(SELECT source_id FROM _ids WHERE entity = {literal(entity)})"

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
        keep["categories"] = {x for row in con.execute(f"SELECT category_source_ids FROM pkg.products WHERE source_id IN {products}")
                              .fetchall() for x in (row[0] or [])}
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
        keep["product_option_values"] = {x for row in con.execute(
            f"SELECT option_value_source_ids FROM pkg.product_variants WHERE source_id IN {variants}").fetchall() for x in (row[0] or [])}
        if "product_option_values" in tables:
            values = ids_in("product_option_values")
            keep["product_options"] = set(_ids(con, f"SELECT option_source_id FROM pkg.product_option_values WHERE source_id IN {values}"))
    return keep
