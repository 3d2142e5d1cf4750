"""Benchmark: `dumpkit delta` between two dumps of the ~200 MB benchmark shop.

    python bench/delta_bench.py            # builds (or reuses) bench/work/shop.sql and shop-week.sql

shop.sql is shopgen.py's grown PrestaShop 8 shop (a real mariadb-dump). shop-week.sql is the same
shop a week later: shop.sql restored into a throwaway MariaDB, changed with PrestaShop's own SQL
at the scale of a busy week (WEEK below: a thousand new orders, some by new customers and
guests, the stock they took, price changes, restocks, renamed, deleted and touched products, new
categories, moved customers, shipped orders) and dumped again by mariadb-dump (cached next to a
.meta.json). Then, each in its own process:

* `dumpkit migrate shop.sql -o base` (the first migration: the base),
* `dumpkit stage shop-week.sql --db X` (staging the newer dump alone),
* `dumpkit migrate shop-week.sql -o full` (migrating the newer dump: what a delta must do anyway),
* `dumpkit delta base shop-week.sql -o delta` (its output says how long the comparison took),

with wall seconds and the peak memory of the process tree (stage_bench.measure). Prints a table
and writes bench/delta_results.json. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_servers  # noqa: E402
import shopgen  # noqa: E402
import stage_bench  # noqa: E402
from stage_bench import WORK, dumpkit_cmd, log, machine_info, measure  # noqa: E402

RESULTS = HERE / "delta_results.json"
WEEK_VERSION = 1  # bump when WEEK changes
NOW = "'2026-12-01 10:00:00'"
PRODUCT_TABLES = ("product", "product_shop", "product_lang", "category_product", "stock_available", "image_shop",
                  "image", "specific_price", "feature_product", "product_attribute", "product_attribute_shop")


def _copy(table: str, select: str, changes: str) -> list[str]:
    return [f"CREATE TEMPORARY TABLE t_copy AS {select}", f"UPDATE t_copy SET {changes}",
            f"INSERT INTO {table} SELECT * FROM t_copy", "DROP TEMPORARY TABLE t_copy"]


# a busy week of the grown shop, in the SQL PrestaShop runs (see tests/test_delta_prestashop.py for the
# same changes one by one); @o, @d, @h, @c, @a: the largest ids before the week
WEEK = [
    "SET @o = (SELECT max(id_order) FROM ps_orders), @d = (SELECT max(id_order_detail) FROM ps_order_detail)",
    "SET @h = (SELECT max(id_order_history) FROM ps_order_history), @c = (SELECT max(id_customer) FROM ps_customer)",
    "SET @a = (SELECT max(id_address) FROM ps_address), @k = (SELECT max(id_order_carrier) FROM ps_order_carrier)",
    # 500 new customers (copies of the last 500, two in five checking out as guests) with their addresses
    "CREATE TABLE t_new_customers AS SELECT id_customer FROM ps_customer ORDER BY id_customer DESC LIMIT 500",
    *_copy("ps_customer", "SELECT * FROM ps_customer WHERE id_customer IN (SELECT id_customer FROM t_new_customers)",
           f"id_customer = id_customer + @c, email = concat('week', id_customer, '@example.no'), is_guest = id_customer % 5 < 2, "
           f"date_add = {NOW}, date_upd = {NOW}"),
    *_copy("ps_address", "SELECT * FROM ps_address WHERE id_customer IN (SELECT id_customer FROM t_new_customers)",
           f"id_address = id_address + @a, id_customer = id_customer + @c, date_add = {NOW}, date_upd = {NOW}"),
    # 1000 new orders (copies of the last 1000): those of the copied customers are the new customers' orders
    "CREATE TABLE t_new_orders AS SELECT id_order FROM ps_orders ORDER BY id_order DESC LIMIT 1000",
    *_copy("ps_orders", "SELECT * FROM ps_orders WHERE id_order IN (SELECT id_order FROM t_new_orders)",
           "id_order = id_order + @o, reference = concat('W', id_order), "
           "id_address_delivery = IF(id_customer IN (SELECT id_customer FROM t_new_customers), id_address_delivery + @a, id_address_delivery), "
           "id_address_invoice = IF(id_customer IN (SELECT id_customer FROM t_new_customers), id_address_invoice + @a, id_address_invoice), "
           f"id_customer = IF(id_customer IN (SELECT id_customer FROM t_new_customers), id_customer + @c, id_customer), "
           f"current_state = 2, date_add = {NOW}, date_upd = {NOW}"),
    *_copy("ps_order_detail", "SELECT * FROM ps_order_detail WHERE id_order IN (SELECT id_order FROM t_new_orders)",
           "id_order_detail = id_order_detail + @d, id_order = id_order + @o"),
    *_copy("ps_order_carrier", "SELECT * FROM ps_order_carrier WHERE id_order IN (SELECT id_order FROM t_new_orders)",
           f"id_order_carrier = id_order_carrier + @k, id_order = id_order + @o, date_add = {NOW}"),
    f"""INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add)
        SELECT @h + id_order, 0, id_order + @o, 2, {NOW} FROM t_new_orders""",
    # the stock they took, combination and product
    """CREATE TABLE t_taken AS SELECT product_id, product_attribute_id, sum(product_quantity) AS q
        FROM ps_order_detail WHERE id_order > @o GROUP BY product_id, product_attribute_id""",
    """UPDATE ps_stock_available sa JOIN t_taken t ON t.product_id = sa.id_product AND t.product_attribute_id = sa.id_product_attribute
        SET sa.quantity = sa.quantity - t.q WHERE sa.id_product_attribute > 0""",
    """UPDATE ps_stock_available sa JOIN (SELECT product_id, sum(q) AS q FROM t_taken GROUP BY product_id) t
        ON t.product_id = sa.id_product SET sa.quantity = sa.quantity - t.q WHERE sa.id_product_attribute = 0""",
    # every 50th older order shipped
    f"UPDATE ps_orders SET current_state = 4, date_upd = {NOW} WHERE id_order <= @o AND id_order % 50 = 1",
    f"""INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add)
        SELECT @h + @o + id_order, 1, id_order, 4, {NOW} FROM ps_orders WHERE id_order <= @o AND id_order % 50 = 1""",
    # 1 % of the products dearer, 1 % restocked, 1 in 300 renamed, 1 in 30 saved unchanged (date_upd alone)
    f"UPDATE ps_product SET price = round(price * 1.05, 6), date_upd = {NOW} WHERE id_product % 100 = 7",
    f"UPDATE ps_product_shop SET price = round(price * 1.05, 6), date_upd = {NOW} WHERE id_product % 100 = 7",
    "UPDATE ps_stock_available SET quantity = quantity + 50 WHERE id_product % 100 = 13 AND id_product_attribute = 0",
    "UPDATE ps_product_lang SET name = concat(name, ' (ny)') WHERE id_product % 300 = 11",
    f"UPDATE ps_product SET date_upd = {NOW} WHERE id_product % 300 = 11 OR id_product % 30 = 17",
    f"UPDATE ps_product_shop SET date_upd = {NOW} WHERE id_product % 300 = 11 OR id_product % 30 = 17",
    # 1 in 500 products deleted (none that was ever ordered)
    """CREATE TABLE t_gone AS SELECT id_product FROM ps_product WHERE id_product % 500 = 23
        AND id_product NOT IN (SELECT product_id FROM ps_order_detail)""",
    *[f"DELETE FROM ps_{t} WHERE id_product IN (SELECT id_product FROM t_gone)" for t in PRODUCT_TABLES],
    # five new categories under Clothes, and one customer in a hundred moved
    *[s for n in range(5) for s in (
        *_copy("ps_category", "SELECT * FROM ps_category WHERE id_category = 4", f"id_category = {100 + n}, position = {2 + n}"),
        *_copy("ps_category_lang", "SELECT * FROM ps_category_lang WHERE id_category = 4",
               f"id_category = {100 + n}, name = 'Ny kategori {n}', link_rewrite = 'ny-kategori-{n}'"),
        *_copy("ps_category_shop", "SELECT * FROM ps_category_shop WHERE id_category = 4", f"id_category = {100 + n}"))],
    f"UPDATE ps_address SET address1 = concat(address1, ' B'), date_upd = {NOW} WHERE id_customer % 100 = 3 AND deleted = 0",
    # the helper tables are not the shop's (MariaDB cannot read a temporary table twice in one statement)
    "DROP TABLE t_new_customers, t_new_orders, t_taken, t_gone",
]


def build_week_dump(shop: Path, out: Path, shop_meta: dict) -> dict:
    want = {"week": WEEK_VERSION, "base_bytes": shop_meta["bytes"], "base_made": shop_meta["made"]}
    meta = shopgen.cached(out, want)
    if meta:
        log(f"using cached {out.name} ({meta['bytes'] / 1e6:.1f} MB, made {meta['made']})")
        return meta
    started = time.perf_counter()
    log(f"building {out.name}: {shop.name} restored, a week of changes, mariadb-dump")
    with bench_servers.mariadb() as server:
        restored = server.restore(shop, shopgen.DATABASE)
        if not restored.ok:
            raise RuntimeError(f"restoring {shop.name} failed: {restored.errors[:3]}")
        with server.connect(shopgen.DATABASE) as conn, conn.cursor() as cur:
            for statement in WEEK:
                cur.execute(statement)
        tmp = out.with_name(out.name + ".tmp")
        with open(tmp, "wb") as fh:
            subprocess.run([server.bins["dump"], "--no-defaults", f"--socket={server.socket}", "--user=root",
                            shopgen.DATABASE], stdout=fh, check=True)
    tmp.replace(out)
    meta = {**want, "bytes": out.stat().st_size, "made": time.strftime("%Y-%m-%d %H:%M:%S"),
            "seconds_to_build": round(time.perf_counter() - started, 1)}
    out.with_name(out.name + ".meta.json").write_text(json.dumps(meta, indent=2))
    return meta


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quiet-wait", type=float, default=30, help="wait up to this long for the machine to go quiet before each run")
    ap.add_argument("--keep-base", action="store_true", help="reuse bench/work/delta/base from an earlier run (not timed again)")
    args = ap.parse_args()
    stage_bench.QUIET_WAIT = args.quiet_wait
    WORK.mkdir(exist_ok=True)
    shop, week = WORK / "shop.sql", WORK / "shop-week.sql"
    shop_meta = shopgen.build_mysql_dump(shop, 200, log)
    week_meta = build_week_dump(shop, week, shop_meta)
    out = WORK / "delta"
    keep_base = args.keep_base and (out / "base" / "manifest.json").exists()
    for d in ("full", "delta") if keep_base else ("base", "full", "delta"):
        subprocess.run(["rm", "-rf", str(out / d)], check=True)
    out.mkdir(exist_ok=True)
    runs = {
        **({} if keep_base else {"migrate shop.sql (the base)": dumpkit_cmd("migrate", str(shop), "-o", str(out / "base"),
                                                                            "--keep-currency")}),
        "stage shop-week.sql": dumpkit_cmd("stage", str(week), "--db", str(out / "week.duckdb")),
        "migrate shop-week.sql": dumpkit_cmd("migrate", str(week), "-o", str(out / "full"), "--keep-currency"),
        "delta base shop-week.sql": dumpkit_cmd("delta", str(out / "base"), str(week), "-o", str(out / "delta")),
    }
    results = {}
    for name, cmd in runs.items():
        log(name)
        r = measure(cmd, env=stage_bench.DUMPKIT_ENV)
        if r["rc"] != 0:
            raise RuntimeError(f"{name} failed ({r['rc']}): {r['stderr'][-1000:]}")
        compared = re.search(r"compared in ([\d.]+) s", r["stdout"].replace("\n", " "))
        results[name] = {k: r[k] for k in ("seconds", "cpu_seconds", "peak_rss_mb", "peak_pss_mb", "vm_probe_ms")}
        if compared:
            results[name]["compare_seconds"] = float(compared.group(1))
        log(f"  {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB" + (f", compared in {compared.group(1)} s" if compared else ""))
    (out / "week.duckdb").unlink(missing_ok=True)
    manifest = json.loads((out / "delta" / "manifest.json").read_text())
    changes = {e: c for e, c in manifest["delta"]["entities"].items() if c["new"] or c["changed"] or c["deleted"]}
    print(f"\n{'run':32} {'seconds':>8} {'peak RSS MB':>12}")
    for name, r in results.items():
        print(f"{name:32} {r['seconds']:8.1f} {r['peak_rss_mb']:12.0f}")
    delta, newer = results["delta base shop-week.sql"], results["migrate shop-week.sql"]
    print(f"\ndelta - migrating the newer dump: {delta['seconds'] - newer['seconds']:+.1f} s; the comparison itself "
          f"(15 joins, the delta written, its report): {delta.get('compare_seconds')} s")
    print("changes: " + ", ".join(f"{e} {c['new']}/{c['changed']}/{c['deleted']}" for e, c in changes.items()))
    RESULTS.write_text(json.dumps({"machine": machine_info(), "dumps": {"shop.sql": shop_meta["bytes"], "shop-week.sql": week_meta},
                                   "runs": results, "changes": changes}, indent=2, default=str) + "\n")
    log(f"wrote {RESULTS.relative_to(bench_servers.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
