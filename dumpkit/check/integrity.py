"""References between entities, and order money that adds up.

A reference to something not in the package is repaired where the target can
live without it (an order line keeps its product's name, SKU and price) and
the row is dropped where it cannot (an order without its customer); either
way the issues file says so.
"""
from __future__ import annotations

import duckdb

from ..issues import IssueLog
from ..package.schema import REFERENCES
from ..sqlnames import ident, qualified

# child entity -> (reference column, what happens when the target is missing)
_DROP = {("orders", "customer_source_id"), ("order_lines", "order_source_id"), ("order_totals", "order_source_id"),
         ("order_status_history", "order_source_id"), ("product_variants", "product_source_id"),
         ("product_images", "product_source_id"), ("product_specials", "product_source_id"),
         ("product_option_values", "option_source_id")}
_CODES = {("order_lines", "product_source_id"): "PRODUCT_MISSING", ("order_lines", "variant_source_id"): "VARIANT_MISSING",
          ("orders", "customer_source_id"): "ORDER_WITHOUT_CUSTOMER"}


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='pkg'").fetchall()}


def check_references(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    tables = _tables(con)
    # parents before children, so a dropped order takes its lines with it
    for (entity, column), target in REFERENCES.items():
        if entity not in tables or target not in tables:
            continue
        col_type = con.execute("SELECT data_type FROM information_schema.columns WHERE table_schema='pkg' "
                               "AND table_name = ? AND column_name = ?", [entity, column]).fetchall()
        col_type = col_type[0] if col_type else None
        if col_type is None:
            continue
        # names are the package's own (REFERENCES), quoted all the same
        child, parent, col = qualified("pkg", entity), qualified("pkg", target), ident(column)
        if col_type[0].endswith("[]"):
            # list references (product categories, variant option values): drop the unknown items
            # DuckDB 2 allows no subquery inside a lambda: the known ids come in as one list
            known = f"(SELECT coalesce(list(source_id), []::VARCHAR[]) AS known FROM {parent}) AS _k"
            bad = con.execute(f"""SELECT source_id, list_filter({col}, lambda x: NOT list_contains(_k.known, x))
                FROM {child}, {known} WHERE len(list_filter({col}, lambda x: NOT list_contains(_k.known, x))) > 0""").fetchall()
            for sid, missing in bad:
                log.add("check", entity, sid, "warning", "REFERENCE_MISSING", column,
                        f"{column} points at {target} {', '.join(missing)} not in the package; reference removed")
            if bad:
                con.execute(f"UPDATE {child} SET {col} = list_filter({col}, lambda x: list_contains(_k.known, x)) FROM {known}")
            continue
        bad = con.execute(f"""SELECT source_id, {col} FROM {child}
            WHERE {col} IS NOT NULL AND {col} NOT IN (SELECT source_id FROM {parent})""").fetchall()
        if not bad:
            continue
        code = _CODES.get((entity, column), "REFERENCE_MISSING")
        if (entity, column) in _DROP:
            for sid, ref in bad:
                log.add("check", entity, sid, "error", code, column,
                        f"{column} {ref} is not in the package ({target}); row left out")
            con.execute(f"DELETE FROM {child} WHERE {col} NOT IN (SELECT source_id FROM {parent})")
        else:
            for sid, ref in bad:
                log.add("check", entity, sid, "warning", code, column,
                        f"{column} {ref} is not in the package ({target}); reference cleared, the row keeps its own data")
            con.execute(f"UPDATE {child} SET {col} = NULL WHERE {col} NOT IN (SELECT source_id FROM {parent})")


def check_order_money(con: duckdb.DuckDBPyConnection, log: IssueLog, tolerance: float = 0.01,
                      rates: dict | None = None) -> None:
    """Lines plus shipping and fees minus discounts (net) plus VAT equal the order total, per order,
    within a cent of the currency the source's amounts were in (`rates`: NOK for one unit of it, for
    the orders converted to NOK: a cent of EUR is 0.117 NOK at 11.70)."""
    tables = _tables(con)
    if "order_totals" not in tables:
        return
    rows = con.execute("""
        SELECT order_source_id,
               sum(value) FILTER (WHERE class <> 'total') AS parts,
               max(value) FILTER (WHERE class = 'total') AS total,
               sum(value) FILTER (WHERE class = 'subtotal') AS subtotal
        FROM pkg.order_totals GROUP BY 1 ORDER BY 1""").fetchall()
    lines = {}
    if "order_lines" in tables:
        lines = dict(con.execute("SELECT order_source_id, sum(line_total) FROM pkg.order_lines GROUP BY 1").fetchall())
    for oid, parts, total, subtotal in rows:
        tolerance_here = tolerance * float((rates or {}).get(oid, 1))
        if total is None:
            log.add("check", "orders", oid, "warning", "ORDER_TOTAL_MISSING", "order_totals", "order has no total row")
            continue
        if parts is not None and abs(parts - total) > tolerance_here:
            log.add("check", "orders", oid, "warning", "ORDER_TOTAL_MISMATCH", "order_totals",
                    f"subtotal + shipping + fees - discounts + VAT = {parts:.2f}, order total = {total:.2f} "
                    f"(difference {total - parts:+.2f})")
        if subtotal is not None and oid in lines and abs(lines[oid] - subtotal) > tolerance_here:
            log.add("check", "orders", oid, "warning", "ORDER_LINES_MISMATCH", "order_lines",
                    f"order lines add up to {lines[oid]:.2f}, subtotal is {subtotal:.2f} (difference {subtotal - lines[oid]:+.2f})")
