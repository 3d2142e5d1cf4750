"""The Norwegian Luma shop (fixtures/magento2/m2-2.4.7-luma-no.sql) changed the way Magento's admin changes it.

The fixture is restored into the real MariaDB, changed with the SQL Magento runs for each action below,
dumped again by the real mariadb-dump and migrated once: store codes in the URLs, catalog prices per
website with a store view's own price, a deleted customer who had ordered, a deleted product that was
sold, an order put on hold and a shop's own order status.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from dumpkit.migrate import migrate
from tests.helpers import changed_dump, codes, rows

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "magento2" / "m2-2.4.7-luma-no.sql"
D = Decimal
PRICE = "(SELECT attribute_id FROM eav_attribute WHERE attribute_code = 'price' AND entity_type_id = 4)"

CHANGES = [
    # Stores > Configuration > General > Web > Url Options > Add Store Code to Urls: Yes (web/url/use_store)
    "INSERT INTO core_config_data (scope, scope_id, path, value) VALUES ('default', 0, 'web/url/use_store', '1')",
    # Catalog > Catalog > Price > Catalog Price Scope: Website; then Crown Summit Backpack at 40.00 in the Main
    # Website: Catalog/Model/Product/Attribute/Backend/Price.php writes the price for each of its store views
    "INSERT INTO core_config_data (scope, scope_id, path, value) VALUES ('default', 0, 'catalog/price/scope', '1')",
    f"INSERT INTO catalog_product_entity_decimal (attribute_id, store_id, entity_id, value) VALUES ({PRICE}, 1, 3, 40.00), ({PRICE}, 2, 3, 40.00)",
    # Customers > All Customers > Delete Veronica Costello (Customer/Model/ResourceModel/Customer.php): her addresses
    # go with her (foreign key CASCADE), her orders keep their data and lose their customer_id (SET NULL)
    "DELETE FROM customer_grid_flat WHERE entity_id = 1",
    "DELETE FROM customer_entity WHERE entity_id = 1",
    # Catalog > Products > Delete Fusion Backpack, sold in order 3 (as fixtures/magento2/make_fixtures.py TRIM)
    "DELETE FROM url_rewrite WHERE entity_type = 'product' AND entity_id = 6",
    "DELETE FROM inventory_source_item WHERE sku = '24-MB02'",
    "DELETE FROM catalog_product_entity WHERE entity_id = 6",
    # Sales > Orders > order 4 > Hold (Sales/Model/Order.php hold: the state and status before are kept)
    """UPDATE sales_order SET hold_before_state = state, hold_before_status = status, state = 'holded', status = 'holded',
        updated_at = '2024-06-06 08:00:00' WHERE entity_id = 4""",
    "UPDATE sales_order_grid SET status = 'holded' WHERE entity_id = 4",
    # Stores > Order Status > Create New Status "Klar for henting", assigned to the processing state, and order 5 set
    # to it with a comment (Sales/Model/Order/Status.php assignState; Sales/Controller/Adminhtml/Order/AddComment.php)
    "INSERT INTO sales_order_status (status, label) VALUES ('ready_for_pickup', 'Klar for henting')",
    "INSERT INTO sales_order_status_state (status, state, is_default, visible_on_front) VALUES ('ready_for_pickup', 'processing', 0, 1)",
    "UPDATE sales_order SET status = 'ready_for_pickup' WHERE entity_id = 5",
    """INSERT INTO sales_order_status_history (parent_id, is_customer_notified, is_visible_on_front, comment, status, created_at,
        entity_name) VALUES (5, 1, 1, 'Pakken kan hentes i butikken.', 'ready_for_pickup', '2024-06-11 09:00:00', 'order')""",
]


@pytest.fixture(scope="module")
def shop(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("m2-fidelity")
    with mariadb.connect() as conn, conn.cursor() as cur:  # the shop's database user: its triggers run as it
        cur.execute("CREATE USER IF NOT EXISTS 'magento2'@'%'")
        cur.execute("GRANT ALL ON *.* TO 'magento2'@'%'")
    dump = changed_dump(mariadb, [FIXTURE], "m2_fidelity", CHANGES, work / "m2-changed.sql")
    value_map = work / "statuses.toml"
    value_map.write_text('[order_status]\nready_for_pickup = "Under behandling"\n', encoding="utf-8")
    return migrate(dump, work / "out", currency_rates={"USD": D("10.00")}, value_map_file=value_map)


def test_everything_accounted_for(shop):
    assert all(r.ok for r in shop.reconciliation), [(r.entity, r.unaccounted) for r in shop.reconciliation]
    for code in ("ORDER_TOTAL_MISMATCH", "ORDER_LINES_MISMATCH", "NOT_ACCOUNTED_FOR", "UNMAPPED_VALUE"):
        assert code not in codes(shop), code


def test_store_codes_in_urls(shop):
    red = rows(shop, "redirects")
    assert (red["/default/iris-workout-top.html"]["language"], red["/no/iris-treningstopp.html"]["language"]) == ("en", "no")
    # the old URL key, kept as a 301 in the Norwegian store view, now with its code
    assert red["/no/iris-workout-top.html"]["redirect_to"] == "/products/iris-treningstopp"
    assert "/iris-workout-top.html" not in red


def test_website_price_scope(shop):
    # the default store view's 40.00 (with 25 % VAT), not the admin's 38.00: 32.00 net, 320.00 NOK
    p = rows(shop, "products")["3"]
    assert (p["price"], p["price_gross"]) == (D("320.0000"), D("40.0000"))


def test_deleted_customer_and_product(shop):
    guest = "dumpkit:guest:" + hashlib.sha256(b"roni_cost@example.com").hexdigest()[:16]
    orders = rows(shop, "orders")
    assert orders["1"]["customer_source_id"] == orders["2"]["customer_source_id"] == guest
    assert "CUSTOMER_DELETED" in codes(shop, "orders", "1") and "1" not in rows(shop, "customers")
    assert rows(shop, "customers")[guest]["is_guest"] is True
    # the backpack's line keeps its name, SKU and money; only the reference to the product is gone
    line = rows(shop, "order_lines")["4"]
    assert (line["product_source_id"], line["name"], line["sku"], line["line_total"]) == (None, "Fusion Backpack", "24-MB02", D("472.0000"))
    assert "PRODUCT_MISSING" in codes(shop, "order_lines", "4") and "6" not in rows(shop, "products")


def test_hold_and_a_shops_own_status(shop):
    orders = rows(shop, "orders")
    assert (orders["4"]["order_status"], orders["4"]["source_status"]) == ("Under behandling", "On Hold")
    assert (orders["5"]["order_status"], orders["5"]["source_status"]) == ("Under behandling", "Klar for henting")
    history = sorted((h for h in rows(shop, "order_status_history").values() if h["order_source_id"] == "5"),
                     key=lambda h: h["created_at"])
    assert [(h["source_status"], h["comments"]) for h in history] == [
        ("Pending", None), ("Processing", None), ("Klar for henting", "Pakken kan hentes i butikken.")]
