"""References between entities, and order money that adds up.

A reference to something not in the package is repaired where the target can
live without it (an order line keeps its product's name, SKU and price) and
the row is dropped where it cannot (an order without its customer); either
way the issues file says so.
"""
from __future__ import annotations

import duckdb
import pyarrow as pa

from ..issues import IssueLog
from ..map.refine import drop_unknown_references
from ..package.schema import REFERENCES
from ..sqlnames import ident, qualified, tables_in

# child entity -> (reference column, what happens when the target is missing)
_DROP = {("orders", "customer_source_id"), ("order_lines", "order_source_id"), ("order_totals", "order_source_id"),
         ("order_status_history", "order_source_id"), ("product_variants", "product_source_id"),
         ("product_images", "product_source_id"), ("product_specials", "product_source_id"),
         ("product_option_values", "option_source_id")}
_CODES = {("order_lines", "product_source_id"): "PRODUCT_MISSING", ("order_lines", "variant_source_id"): "VARIANT_MISSING",
          ("orders", "customer_source_id"): "ORDER_WITHOUT_CUSTOMER"}


def check_references(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    tables = tables_in(con)
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
            drop_unknown_references(con, log, entity, column, target)
            continue
        outside = f"{col} IS NOT NULL AND {col} NOT IN (SELECT source_id FROM {parent})"
        code = _CODES.get((entity, column), "REFERENCE_MISSING")
        drop = (entity, column) in _DROP
        bad = log.add_query(con, f"""SELECT 'check', ?, source_id, ?, ?, ?,
            ? || ' ' || {col} || ' is not in the package (' || ? || '); ' || ?
            FROM {child} WHERE {outside}""", [entity, "error" if drop else "warning", code, column, column, target,
                                              "row left out" if drop else "reference cleared, the row keeps its own data"])
        if not bad:
            continue
        if drop:
            con.execute(f"DELETE FROM {child} WHERE {col} NOT IN (SELECT source_id FROM {parent})")
        else:
            con.execute(f"UPDATE {child} SET {col} = NULL WHERE {col} NOT IN (SELECT source_id FROM {parent})")


def check_order_money(con: duckdb.DuckDBPyConnection, log: IssueLog, tolerance: float = 0.01,
                      rates: pa.Table | None = None) -> None:
    """Lines plus shipping and fees minus discounts (net) plus VAT equal the order total, per order,
    within a cent of the currency the source's amounts were in (`rates`, from currency.convert: NOK
    for one unit of it (`rate`) for each order (`oid`) converted to NOK: a cent of EUR is 0.117 NOK
    at 11.70). Amounts in the messages are
    rounded half to even, as Python formats a Decimal."""
    tables = tables_in(con)
    if "order_totals" not in tables:
        return
    lines = "SELECT order_source_id, sum(line_total) AS lines FROM pkg.order_lines GROUP BY 1" if "order_lines" in tables \
        else "SELECT NULL::VARCHAR AS order_source_id, NULL::DECIMAL(38,4) AS lines WHERE false"
    con.register("_rates", rates if rates is not None else pa.table({"oid": pa.array([], pa.string()),
                                                                      "rate": pa.array([], pa.float64())}))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _money AS
        SELECT t.*, l.lines, ? * coalesce(r.rate, 1) AS tolerance FROM (
            SELECT order_source_id AS oid,
                   sum(value) FILTER (WHERE class <> 'total') AS parts,
                   max(value) FILTER (WHERE class = 'total') AS total,
                   sum(value) FILTER (WHERE class = 'subtotal') AS subtotal
            FROM pkg.order_totals GROUP BY 1) t
        LEFT JOIN ({lines}) l ON l.order_source_id = t.oid
        LEFT JOIN (SELECT oid, CAST(rate AS DOUBLE) AS rate FROM _rates) r ON r.oid = t.oid""", [tolerance])
    con.unregister("_rates")
    con.execute("""CREATE OR REPLACE TEMP MACRO _cents(x) AS CAST(CAST(round_even(x, 2) AS DECIMAL(38,2)) AS VARCHAR)""")
    con.execute("""CREATE OR REPLACE TEMP MACRO _signed_cents(x) AS CASE WHEN x >= 0 THEN '+' ELSE '' END || _cents(x)""")
    log.add_query(con, """SELECT 'check', 'orders', oid, 'warning', 'ORDER_TOTAL_MISSING', 'order_totals', 'order has no total row'
        FROM _money WHERE total IS NULL""")
    log.add_query(con, """SELECT 'check', 'orders', oid, 'warning', 'ORDER_TOTAL_MISMATCH', 'order_totals',
        'subtotal + shipping + fees - discounts + VAT = ' || _cents(parts) || ', order total = ' || _cents(total)
        || ' (difference ' || _signed_cents(total - parts) || ')'
        FROM _money WHERE total IS NOT NULL AND parts IS NOT NULL AND abs(parts - total) > tolerance""")
    log.add_query(con, """SELECT 'check', 'orders', oid, 'warning', 'ORDER_LINES_MISMATCH', 'order_lines',
        'order lines add up to ' || _cents(lines) || ', subtotal is ' || _cents(subtotal)
        || ' (difference ' || _signed_cents(subtotal - lines) || ')'
        FROM _money WHERE total IS NOT NULL AND subtotal IS NOT NULL AND lines IS NOT NULL AND abs(lines - subtotal) > tolerance""")
    con.execute("DROP TABLE _money")
