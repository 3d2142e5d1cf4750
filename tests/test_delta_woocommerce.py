"""`dumpkit delta` on a WooCommerce 8.9 shop (HPOS with sync on, NOK) that lives on after its
first migration.

wc-orders-hpos.sql is restored into the real MariaDB and dumped by the real mariadb-dump (dump 1),
then changed with the rows WooCommerce itself writes for a week of trade (below: with HPOS sync on
an order is written to wc_orders and its address and operational tables, and to posts and
postmeta), and dumped again (dump 2).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.helpers import (applied, changed, copy_rows, deleted, delta_rows, first_and_delta, live_dumps, new, owner_wins,
                           package, rows)

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "woocommerce" / "wc-orders-hpos.sql"
NOW = "'2024-06-10 10:00:00'"
P = "wp2_"


def _order(new_id: int, like: int, customer: int, email: str, first: str, last: str) -> list[str]:
    """WC_Checkout::create_order with HPOS sync on: the order in wc_orders, its addresses and
    operational data, the synced shop_order post and postmeta, its items and their meta; then
    wc_reduce_stock_levels takes the stock of each managed line."""
    k = new_id - 200
    who = f"first_name = '{first}', last_name = '{last}'"
    return [
        *copy_rows(f"{P}wc_orders", f"id = {like}",
                   f"id = {new_id}, status = 'wc-processing', customer_id = {customer}, billing_email = '{email}', "
                   f"date_created_gmt = {NOW}, date_updated_gmt = {NOW}, customer_note = ''"),
        *copy_rows(f"{P}wc_order_addresses", f"order_id = {like}",
                   f"id = id + {10 * k}, order_id = {new_id}, {who}, email = IF(address_type = 'billing', '{email}', email)"),
        *copy_rows(f"{P}wc_order_operational_data", f"order_id = {like}",
                   f"id = {k}, order_id = {new_id}, order_key = 'wc_order_new{new_id}', date_paid_gmt = {NOW}, "
                   "date_completed_gmt = NULL"),
        *copy_rows(f"{P}wc_orders_meta", f"order_id = {like}", f"id = id + {10 * k}, order_id = {new_id}"),
        *copy_rows(f"{P}posts", f"ID = {like}",
                   f"ID = {new_id}, post_status = 'wc-processing', post_date = {NOW}, post_date_gmt = {NOW}, "
                   f"post_modified = {NOW}, post_modified_gmt = {NOW}, post_name = 'order-{new_id}'"),
        *copy_rows(f"{P}postmeta", f"post_id = {like} AND meta_key NOT IN ('_date_completed', '_completed_date', '_customer_user')",
                   f"meta_id = meta_id + {10000 * k}, post_id = {new_id}"),
        f"""INSERT INTO {P}postmeta (post_id, meta_key, meta_value) VALUES ({new_id}, '_customer_user', '{customer}')""",
        f"UPDATE {P}postmeta SET meta_value = '{email}' WHERE post_id = {new_id} AND meta_key = '_billing_email'",
        f"UPDATE {P}postmeta SET meta_value = '{first}' WHERE post_id = {new_id} AND meta_key IN ('_billing_first_name', '_shipping_first_name')",
        f"UPDATE {P}postmeta SET meta_value = '{last}' WHERE post_id = {new_id} AND meta_key IN ('_billing_last_name', '_shipping_last_name')",
        *copy_rows(f"{P}woocommerce_order_itemmeta", f"order_item_id IN (SELECT order_item_id FROM {P}woocommerce_order_items WHERE order_id = {like})",
                   f"meta_id = meta_id + {1000 * k}, order_item_id = order_item_id + {100 * k}"),
        *copy_rows(f"{P}woocommerce_order_items", f"order_id = {like}", f"order_item_id = order_item_id + {100 * k}, order_id = {new_id}"),
        f"""UPDATE {P}postmeta s JOIN {P}woocommerce_order_items i ON i.order_id = {new_id} AND i.order_item_type = 'line_item'
            JOIN {P}woocommerce_order_itemmeta q ON q.order_item_id = i.order_item_id AND q.meta_key = '_qty'
            JOIN {P}woocommerce_order_itemmeta v ON v.order_item_id = i.order_item_id AND v.meta_key = '_variation_id'
            JOIN {P}woocommerce_order_itemmeta p ON p.order_item_id = i.order_item_id AND p.meta_key = '_product_id'
            SET s.meta_value = s.meta_value - q.meta_value
            WHERE s.post_id = IF(v.meta_value > 0, v.meta_value, p.meta_value) AND s.meta_key = '_stock'""",
    ]


def _saved_customer(user: int) -> list[str]:
    """WC_Checkout saves the customer's data on every order: last_update and wc_last_active move."""
    return [f"UPDATE {P}usermeta SET meta_value = '1718013600' WHERE user_id = {user} AND meta_key IN ('last_update', 'wc_last_active')"]


WEEK = [
    # Kari (user 2) orders two cups again, like order 201; her profile is saved with the same values
    *_order(205, 201, 2, "kari.nordmann@example.no", "Kari", "Nordmann"),
    *_saved_customer(2),
    # Per registers (wp_insert_user, the customer role, his billing address) and orders like Kari did
    *copy_rows(f"{P}users", "ID = 2", f"ID = 4, user_login = 'per.hansen', user_nicename = 'per-hansen', "
                                      f"user_email = 'per.hansen@example.no', display_name = 'Per Hansen', user_registered = {NOW}"),
    *copy_rows(f"{P}usermeta", "user_id = 2", "umeta_id = umeta_id + 100, user_id = 4"),
    f"UPDATE {P}usermeta SET meta_value = 'Per' WHERE user_id = 4 AND meta_key IN ('first_name', 'billing_first_name')",
    f"UPDATE {P}usermeta SET meta_value = 'Hansen' WHERE user_id = 4 AND meta_key IN ('last_name', 'billing_last_name')",
    f"UPDATE {P}usermeta SET meta_value = 'per.hansen' WHERE user_id = 4 AND meta_key = 'nickname'",
    f"UPDATE {P}usermeta SET meta_value = 'per.hansen@example.no' WHERE user_id = 4 AND meta_key = 'billing_email'",
    f"UPDATE {P}usermeta SET meta_value = 'Torget 3' WHERE user_id = 4 AND meta_key = 'billing_address_1'",
    f"UPDATE {P}usermeta SET meta_value = '' WHERE user_id = 4 AND meta_key = 'billing_address_2'",
    f"UPDATE {P}usermeta SET meta_value = '206' WHERE user_id = 4 AND meta_key = '_last_order'",
    *_saved_customer(4),
    *copy_rows(f"{P}wc_customer_lookup", "customer_id = 1", "customer_id = 4, user_id = 4, username = 'per.hansen', "
                                                             "first_name = 'Per', last_name = 'Hansen', email = 'per.hansen@example.no'"),
    *_order(206, 201, 4, "per.hansen@example.no", "Per", "Hansen"),
    # Lise checks out as a guest and buys the sweater in M (variation 103), like Ola's order 202
    *_order(207, 202, 0, "lise.gjest@example.no", "Lise", "Gjest"),
    *copy_rows(f"{P}wc_customer_lookup", "customer_id = 2", "customer_id = 5, first_name = 'Lise', last_name = 'Gjest', "
                                                             "email = 'lise.gjest@example.no'"),
    # order 203 paid: on hold -> processing, in wc_orders and the synced post, with WooCommerce's note
    f"UPDATE {P}wc_orders SET status = 'wc-processing', date_updated_gmt = {NOW} WHERE id = 203",
    f"UPDATE {P}posts SET post_status = 'wc-processing', post_modified = {NOW}, post_modified_gmt = {NOW} WHERE ID = 203",
    *copy_rows(f"{P}comments", "comment_ID = 2", f"comment_ID = 4, comment_date = {NOW}, comment_date_gmt = {NOW}, "
                                                 "comment_content = 'Ordrestatus endret fra På vent til Behandles.'"),
    # the cup costs 259 kr from now on (the expired sale left as it was)
    f"UPDATE {P}postmeta SET meta_value = '259' WHERE post_id = 104 AND meta_key = '_regular_price'",
    f"UPDATE {P}posts SET post_modified = {NOW}, post_modified_gmt = {NOW} WHERE ID = 104",
    # ten sweaters in S arrive (wc_update_product_stock writes the meta only)
    f"UPDATE {P}postmeta SET meta_value = '14' WHERE post_id = 102 AND meta_key = '_stock'",
    # the sweater renamed (the slug kept, as WordPress keeps a published post's)
    f"UPDATE {P}posts SET post_title = 'Strikket ullgenser, merino', post_modified = {NOW}, post_modified_gmt = {NOW} WHERE ID = 101",
    # the brown cheese deleted: WooCommerce's Delete moves it to the trash
    f"UPDATE {P}posts SET post_status = 'trash', post_modified = {NOW}, post_modified_gmt = {NOW} WHERE ID = 105",
    f"INSERT INTO {P}postmeta (post_id, meta_key, meta_value) VALUES (105, '_wp_trash_meta_status', 'publish'), "
    "(105, '_wp_trash_meta_time', '1718013600')",
    # a new product category "Tilbehør" (wp_insert_term and WooCommerce's order meta)
    f"INSERT INTO {P}terms (term_id, name, slug, term_group) VALUES (25, 'Tilbehør', 'tilbehor', 0)",
    f"INSERT INTO {P}term_taxonomy (term_taxonomy_id, term_id, taxonomy, description, parent, count) VALUES (25, 25, 'product_cat', '', 0, 0)",
    f"INSERT INTO {P}termmeta (meta_id, term_id, meta_key, meta_value) VALUES (12, 25, 'order', '4')",
    # Åse moved within Bergen (My account > Addresses > Billing)
    f"UPDATE {P}usermeta SET meta_value = 'Bryggen 7' WHERE user_id = 3 AND meta_key = 'billing_address_1'",
    f"UPDATE {P}usermeta SET meta_value = '1718013600' WHERE user_id = 3 AND meta_key = 'last_update'",
]


@pytest.fixture(scope="module")
def shop(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("wc-delta")
    return first_and_delta(live_dumps(mariadb, [FIXTURE], "wc_delta", [WEEK], work), work)


def test_exactly_the_changed_records_with_exactly_the_changed_fields(shop):
    _, delta = shop
    lise = "dumpkit:guest:" + hashlib.sha256(b"lise.gjest@example.no").hexdigest()[:16]
    expected = {
        **new("orders", "205", "206", "207"),
        **new("order_lines", "501", "601", "704"),
        **new("order_totals", *[f"{o}/{c}/1" for o in (205, 206, 207) for c in ("subtotal", "shipping", "tax", "total")]),
        # each new order's first status, and order 203's note of its new status
        **new("order_status_history", "205/0", "206/0", "207/0", "4"),
        ("orders", "203"): changed("order_status", "source_status", "updated_at"),
        **new("customers", "4", lise),
        ("customers", "3"): changed("billing_address_address", "updated_at"),
        # two orders of two cups each, and the new price; ten sweaters in S arrived, Lise took one in M
        ("products", "104"): changed("price", "price_gross", "quantity", "updated_at"),
        ("product_variants", "102"): changed("quantity"),
        ("product_variants", "103"): changed("quantity"),
        ("products", "101"): changed("name", "updated_at"),
        **deleted("products", "105"), **deleted("redirects", "/produkt/brunost-500-g/"),
        # order 203's line of the trashed cheese no longer has its product
        ("order_lines", "8"): changed("product_source_id"),
        **new("categories", "25"), **new("redirects", "/produktkategori/tilbehor/"),
    }
    assert delta_rows(delta.out) == expected
    # Kari's checkout saved her profile unchanged: last_update and wc_last_active moved alone
    assert ("customers", "2") not in delta_rows(delta.out)


def test_the_reasons_come_along_and_the_delta_applies_onto_the_first_package(shop):
    first, delta = shop
    reasons = {(i.code, i.entity, i.source_id) for i in delta.log.items}
    assert {("DELETED_IN_SOURCE", "products", "105"), ("PRODUCT_MISSING", "order_lines", "8")} <= reasons
    assert rows(delta, "customers")["4"]["is_guest"] is False
    assert applied(first.out, delta.out) == package(delta.out / "full")


def test_applied_to_the_first_shop_it_is_the_second_loaded_from_scratch_but_for_the_owners_edits(shop, tmp_path):
    """The owner's polish in Mystore after the first load: a price the dump changes too (a
    conflict), a phone number it leaves (kept); the deleted product stays, switched off."""
    first, delta = shop
    owner_wins(first.out, delta.out, tmp_path,
               [("products", "104", {"price": "99.0000"}), ("customers", "2", {"phone": "+47 900 00 000"})],
               ("products", "104", "price"), {("products", "105"), ("redirects", "/produkt/brunost-500-g/")})
