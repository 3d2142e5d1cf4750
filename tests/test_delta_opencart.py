"""`dumpkit delta` on a real OpenCart 3 shop with orders that lives on after its first migration.

The installer dump plus the retailCRM orders are restored into the real MariaDB and dumped by the
real mariadb-dump (dump 1, migrated with USD at 10.50 NOK), then changed with the SQL OpenCart's
own models run (catalog/model/checkout/order.php, admin/model/catalog/*.php) and dumped again.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import (applied, changed, copy_rows, deleted, delta_rows, first_and_delta, live_dumps, new, owner_wins,
                           package, rows)

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opencart"
NOW = "'2024-06-10 10:00:00'"


def _order(new_id: int, like: int, customer: int, email: str, first: str, last: str) -> list[str]:
    """model/checkout/order.php addOrder (the order, its products, options and totals) and
    addOrderHistory (the first history row; the stock of products with `subtract` taken)."""
    return [
        *copy_rows("oc_order", f"order_id = {like}",
                   f"order_id = {new_id}, customer_id = {customer}, email = '{email}', firstname = '{first}', "
                   f"lastname = '{last}', payment_firstname = '{first}', payment_lastname = '{last}', "
                   f"shipping_firstname = '{first}', shipping_lastname = '{last}', order_status_id = 1, "
                   f"date_added = {NOW}, date_modified = {NOW}"),
        *copy_rows("oc_order_product", f"order_id = {like}", f"order_product_id = order_product_id + 100 * {new_id}, order_id = {new_id}"),
        *copy_rows("oc_order_option", f"order_id = {like}",
                   f"order_option_id = order_option_id + 100 * {new_id}, order_product_id = order_product_id + 100 * {new_id}, order_id = {new_id}"),
        *copy_rows("oc_order_total", f"order_id = {like}", f"order_total_id = order_total_id + 100 * {new_id}, order_id = {new_id}"),
        f"""INSERT INTO oc_order_history (order_id, order_status_id, notify, comment, date_added)
            VALUES ({new_id}, 1, 0, '', {NOW})""",
        f"""UPDATE oc_product p JOIN oc_order_product op ON op.product_id = p.product_id AND op.order_id = {new_id}
            SET p.quantity = p.quantity - op.quantity WHERE p.subtract = 1""",
    ]


WEEK = [
    # the customer Test (1) orders an iPhone again, like order 1
    *_order(3, 1, 1, "test@mail.ru", "Test", "Test"),
    # Nina registers (account/customer addCustomer: the customer and her address) and orders the camera, like order 2
    *copy_rows("oc_customer", "customer_id = 1", f"customer_id = 2, email = 'nina.berg@example.no', firstname = 'Nina', "
                                                 f"lastname = 'Berg', address_id = 2, date_added = {NOW}"),
    *copy_rows("oc_address", "address_id = 1", "address_id = 2, customer_id = 2, firstname = 'Nina', lastname = 'Berg', "
                                               "address_1 = 'Strandgata 4', city = 'Tromsø', postcode = '9008', country_id = 160, zone_id = 0"),
    *_order(4, 2, 2, "nina.berg@example.no", "Nina", "Berg"),
    # a guest buys the camera too
    *_order(5, 2, 0, "guest.ny@example.no", "Guest", "Ny"),
    # order 1 shipped (sale/order history: the status and a history row)
    f"UPDATE oc_order SET order_status_id = 3, date_modified = {NOW} WHERE order_id = 1",
    f"INSERT INTO oc_order_history (order_id, order_status_id, notify, comment, date_added) VALUES (1, 3, 1, 'Sendt', {NOW})",
    # Catalog > Products > edit (editProduct writes the whole product and date_modified): a new price for product 43,
    # 200 more of product 31, product 41 renamed; product 42 saved unchanged
    f"UPDATE oc_product SET price = 450.0000, date_modified = {NOW} WHERE product_id = 43",
    f"UPDATE oc_product SET quantity = 1200, date_modified = {NOW} WHERE product_id = 31",
    "UPDATE oc_product_description SET name = 'iMac 24\"' WHERE product_id = 41",
    f"UPDATE oc_product SET date_modified = {NOW} WHERE product_id = 41",
    f"UPDATE oc_product SET date_modified = {NOW} WHERE product_id = 42",
    # product 49 deleted (deleteProduct: every table that names it)
    *[f"DELETE FROM oc_{t} WHERE product_id = 49" for t in (
        "product", "product_attribute", "product_description", "product_discount", "product_filter", "product_image",
        "product_option", "product_option_value", "product_related", "product_reward", "product_special",
        "product_to_category", "product_to_download", "product_to_layout", "product_to_store", "review")],
    "DELETE FROM oc_seo_url WHERE query = 'product_id=49'",
    # a new category "Gaming" under Desktops (addCategory: the category, its text, path, store and SEO URL)
    *copy_rows("oc_category", "category_id = 26", f"category_id = 59, sort_order = 3, date_added = {NOW}, date_modified = {NOW}"),
    *copy_rows("oc_category_description", "category_id = 26", "category_id = 59, name = 'Gaming', meta_title = 'Gaming'"),
    "INSERT INTO oc_category_path (category_id, path_id, level) VALUES (59, 20, 0), (59, 59, 1)",
    "INSERT INTO oc_category_to_store (category_id, store_id) VALUES (59, 0)",
    "INSERT INTO oc_seo_url (store_id, language_id, query, keyword) VALUES (0, 1, 'category_id=59', 'gaming')",
    # the customer Test moved (account/address editAddress)
    "UPDATE oc_address SET address_1 = 'Address 2', city = 'Town', postcode = '222222' WHERE address_id = 1",
]


@pytest.fixture(scope="module")
def shop(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("oc-delta")
    dumps = live_dumps(mariadb, [FIXTURES / "oc-3.0.x.sql", FIXTURES / "oc-3-orders-data.sql"], "oc_delta", [WEEK], work)
    return first_and_delta(dumps, work, currency_rates={"USD": Decimal("10.50")})


def test_exactly_the_changed_records_with_exactly_the_changed_fields(shop):
    _, delta = shop
    guest = "dumpkit:guest:" + hashlib.sha256(b"guest.ny@example.no").hexdigest()[:16]
    expected = {
        **new("orders", "3", "4", "5"),
        **new("order_lines", "354", "455", "555"),
        **new("order_totals", "461", "462", "463", "564", "565", "566", "664", "665", "666"),
        # the new orders' first rows (AUTO_INCREMENT 20-22) and order 1's 'Sendt' (23)
        **new("order_status_history", "20", "21", "22", "23"),
        ("orders", "1"): changed("order_status", "source_status", "finished_at", "updated_at"),
        **new("customers", "2", guest),
        ("customers", "1"): changed("address_address", "address_city", "address_zipcode"),
        # stock taken by the orders (an iPhone; two cameras), and product 31 restocked in the product form
        ("products", "40"): changed("quantity"),
        ("products", "30"): changed("quantity"),
        ("products", "31"): changed("quantity", "updated_at"),
        ("products", "41"): changed("name", "updated_at"),
        ("products", "43"): changed("price", "updated_at"),
        **deleted("products", "49"),
        **deleted("product_images", "49/1", *[str(i) for i in range(2322, 2328)]),
        **deleted("redirects", "/samsung-galaxy-tab-10-1", "/tablet/samsung-galaxy-tab-10-1",
                  "/index.php?route=product/product&product_id=49", "/index.php?route=product/product&path=57&product_id=49"),
        **new("categories", "59"),
        **new("redirects", "/desktops/gaming", "/index.php?route=product/category&path=20_59"),
    }
    assert delta_rows(delta.out) == expected
    # product 42 was saved without a change: date_modified moved alone
    assert ("products", "42") not in delta_rows(delta.out)


def test_new_records_bring_their_new_references_and_the_delta_applies_onto_the_first_package(shop):
    first, delta = shop
    # order 4's customer and orders 3-5's lines' products: new customers come with the delta, products are in the shop
    assert delta.brought_along["orders.customer_source_id"] == 2
    assert "order_lines.product_source_id" not in delta.brought_along
    assert delta.brought_along["order_lines.order_source_id"] == 3
    assert rows(delta, "categories")["59"]["parent_source_id"] == "20"
    assert applied(first.out, delta.out) == package(delta.out / "full")


def test_applied_to_the_first_shop_it_is_the_second_loaded_from_scratch_but_for_the_owners_edits(shop, tmp_path):
    """The owner's polish in Mystore after the first load: a price the dump changes too (a
    conflict), a phone number it leaves (kept); the deleted product stays, switched off."""
    first, delta = shop
    owner_wins(first.out, delta.out, tmp_path,
               [("products", "43", {"price": "99.0000"}), ("customers", "1", {"phone": "+47 900 00 000"})],
               ("products", "43", "price"), {("products", "49"), *(("redirects", r) for r in (
                   "/samsung-galaxy-tab-10-1", "/tablet/samsung-galaxy-tab-10-1", "/index.php?route=product/product&product_id=49",
                   "/index.php?route=product/product&path=57&product_id=49"))})
