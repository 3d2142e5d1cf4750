"""`dumpkit delta` on a real PrestaShop 8.1.7 shop that lives on after its first migration.

The fixture is restored into the real MariaDB and dumped by the real mariadb-dump (dump 1,
migrated with EUR at 11.70 NOK), then changed with the SQL PrestaShop's own code runs for what
a live shop does in a week (below) and dumped again (dump 2). The delta must hold exactly the
records that changed, with exactly the fields that changed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from dumpkit.delta import make_delta
from dumpkit.errors import DumpkitError
from dumpkit.package.verify import sha256_file
from tests.helpers import (applied, applied_and_from_scratch, changed, copy_rows, deleted, delta_rows,
                           first_and_delta, live_dumps, load_issues, new, package, real_differences, rows,
                           shop_differences)
from tests.test_report import browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "prestashop" / "ps-8.1.7.sql"
NOW = "'2025-04-02 10:00:00'"


def _order(new_id: int, like: int, customer: int, address: int, reference: str, state: int) -> list[str]:
    """PaymentModule::validateOrder: the order, its lines (order_detail), its carrier row and its
    first history row, copied from an order of the fixture with the same cart contents."""
    return [
        *copy_rows("ps_orders", f"id_order = {like}",
                   f"id_order = {new_id}, reference = '{reference}', id_customer = {customer}, id_cart = {new_id}, "
                   f"id_address_delivery = {address}, id_address_invoice = {address}, current_state = {state}, "
                   f"date_add = {NOW}, date_upd = {NOW}"),
        *copy_rows("ps_order_detail", f"id_order = {like}",
                   f"id_order_detail = id_order_detail + {new_id * 100}, id_order = {new_id}"),
        *copy_rows("ps_order_carrier", f"id_order = {like}", f"id_order_carrier = {new_id}, id_order = {new_id}, date_add = {NOW}"),
        f"""INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add)
            VALUES ({new_id * 100}, 0, {new_id}, {state}, {NOW})""",
        # StockAvailable::updateQuantity: the combination's stock and the product's (the sum of its combinations)
        f"""UPDATE ps_stock_available sa JOIN ps_order_detail od ON od.product_id = sa.id_product
            AND sa.id_product_attribute IN (0, od.product_attribute_id)
            SET sa.quantity = sa.quantity - od.product_quantity WHERE od.id_order = {new_id}""",
    ]


def _customer(new_id: int, address: int, email: str, first: str, last: str, guest: int) -> list[str]:
    """A registration (or a guest checkout: is_guest 1) and the address typed at checkout, in Norway."""
    return [
        *copy_rows("ps_customer", "id_customer = 2",
                   f"id_customer = {new_id}, email = '{email}', firstname = '{first}', lastname = '{last}', "
                   f"is_guest = {guest}, newsletter = 0, birthday = NULL, date_add = {NOW}, date_upd = {NOW}"),
        *copy_rows("ps_address", "id_address = 2",
                   f"id_address = {address}, id_customer = {new_id}, firstname = '{first}', lastname = '{last}', "
                   f"company = '', address1 = 'Storgata 1', address2 = '', postcode = '0155', city = 'Oslo', "
                   f"id_country = 23, id_state = 0, phone = '22 33 44 55', date_add = {NOW}, date_upd = {NOW}"),
    ]


WEEK = [
    # John DOE (customer 2) orders again: product 1 (combination 1) and product 2 (combination 9), like order 1
    *_order(6, 1, 2, 5, "NEWJOHN06", 2),
    # Kari registers and orders a cushion (product 10, combination 25), like order 5
    *_customer(3, 7, "kari.nordmann@example.no", "Kari", "Nordmann", 0),
    *_order(7, 5, 3, 7, "NEWKARI07", 2),
    # Ola checks out as a guest (a customer row with is_guest 1) and buys a notebook (product 16, combination 28)
    *_customer(4, 8, "ola.guest@example.no", "Ola", "Gjest", 1),
    *_order(8, 3, 4, 8, "NEWOLA008", 2),
    # order 2 is shipped: its state and a history row
    f"UPDATE ps_orders SET current_state = 4, date_upd = {NOW} WHERE id_order = 2",
    f"INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add) VALUES (900, 1, 2, 4, {NOW})",
    # Catalog > Products: a new price for product 3 (Product::update writes product and product_shop)
    f"UPDATE ps_product SET price = 32.000000, date_upd = {NOW} WHERE id_product = 3",
    f"UPDATE ps_product_shop SET price = 32.000000, date_upd = {NOW} WHERE id_product = 3",
    # stock received for product 6 (Stock > Movements): StockAvailable only
    "UPDATE ps_stock_available SET quantity = 500 WHERE id_product = 6 AND id_product_attribute = 0",
    # product 5 renamed (the friendly URL kept, as PrestaShop keeps it unless asked)
    f"UPDATE ps_product_lang SET name = 'Today is a great day Framed poster' WHERE id_product = 5",
    f"UPDATE ps_product SET date_upd = {NOW} WHERE id_product = 5",
    f"UPDATE ps_product_shop SET date_upd = {NOW} WHERE id_product = 5",
    # product 4 saved without a change: only date_upd moves
    f"UPDATE ps_product SET date_upd = {NOW} WHERE id_product = 4",
    f"UPDATE ps_product_shop SET date_upd = {NOW} WHERE id_product = 4",
    # product 19 deleted (Product::delete: the product, its shop and language rows, categories, stock, images)
    *[f"DELETE FROM ps_{t} WHERE id_product = 19" for t in (
        "product", "product_shop", "product_lang", "category_product", "stock_available", "image_shop", "image",
        "specific_price", "feature_product", "product_tag")],
    "DELETE FROM ps_image_lang WHERE id_image = 22",
    # a new category "Caps" under Clothes (Category::add: category, its language, shop and group rows)
    *copy_rows("ps_category", "id_category = 4", f"id_category = 10, position = 2, nleft = 19, nright = 20, date_add = {NOW}, date_upd = {NOW}"),
    *copy_rows("ps_category_lang", "id_category = 4", "id_category = 10, name = 'Caps', link_rewrite = 'caps'"),
    *copy_rows("ps_category_shop", "id_category = 4", "id_category = 10, position = 2"),
    *copy_rows("ps_category_group", "id_category = 4", "id_category = 10"),
    # John moves: his address 2 is used by no order, so Address::update changes it in place
    f"UPDATE ps_address SET address1 = '10 rue de Rivoli', postcode = '75004', date_upd = {NOW} WHERE id_address = 2",
]


LATER = "'2025-04-09 10:00:00'"
NEXT_WEEK = [
    # John's new order 6 shipped; product 3 dearer again; Kari subscribes to the newsletter (My account)
    f"UPDATE ps_orders SET current_state = 4, date_upd = {LATER} WHERE id_order = 6",
    f"INSERT INTO ps_order_history (id_order_history, id_employee, id_order, id_order_state, date_add) VALUES (901, 1, 6, 4, {LATER})",
    f"UPDATE ps_product SET price = 34.000000, date_upd = {LATER} WHERE id_product = 3",
    f"UPDATE ps_product_shop SET price = 34.000000, date_upd = {LATER} WHERE id_product = 3",
    f"UPDATE ps_customer SET newsletter = 1, newsletter_date_add = {LATER}, date_upd = {LATER} WHERE id_customer = 3",
]


@pytest.fixture(scope="module")
def dumps(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("ps-delta-dumps")
    return live_dumps(mariadb, [FIXTURE], "ps_delta", [WEEK, NEXT_WEEK], work)


@pytest.fixture(scope="module")
def shop(dumps, tmp_path_factory):
    return first_and_delta(dumps, tmp_path_factory.mktemp("ps-delta"), currency_rates={"EUR": Decimal("11.70")})


def test_exactly_the_changed_records_with_exactly_the_changed_fields(shop):
    _, delta = shop
    qty = {"quantity"}
    expected = {
        **new("orders", "6", "7", "8"),
        **new("order_lines", "601", "602", "707", "805"),
        **new("order_totals", *[f"{o}/{c}/1" for o in (6, 7, 8) for c in ("subtotal", "shipping", "tax", "total")]),
        **new("order_status_history", "600", "700", "800", "900"),
        # shipped: the Mystore status, the source's, when it was finished, and the order's date_upd
        ("orders", "2"): changed("order_status", "source_status", "finished_at", "updated_at"),
        **new("customers", "3", "4"),
        ("customers", "2"): changed("address_address", "address_zipcode"),
        # the stock the three orders took (product and combination), and the restocked product 6
        **{("products", p): changed(*qty) for p in ("1", "2", "10", "16", "6")},
        **{("product_variants", v): changed(*qty) for v in ("1", "9", "25", "28")},
        ("products", "3"): changed("price", "updated_at"),
        ("products", "5"): changed("name", "updated_at"),
        **deleted("products", "19"), **deleted("product_images", "22"),
        **deleted("redirects", "/19-customizable-mug.html", "/home-accessories/19-customizable-mug.html"),
        **new("categories", "10"), **new("redirects", "/10-caps"),
    }
    assert delta_rows(delta.out) == expected
    # product 4 was saved without a change: its date_upd moved alone
    assert ("products", "4") not in delta_rows(delta.out)


def test_the_guest_is_a_guest_and_the_delta_applies_onto_the_first_package(shop):
    first, delta = shop
    assert rows(delta, "customers")["4"]["is_guest"] is True and rows(delta, "customers")["3"]["is_guest"] is False
    assert applied(first.out, delta.out) == package(delta.out / "full")


@pytest.fixture(scope="module")
def later(shop, dumps, tmp_path_factory):
    _, delta = shop
    return make_delta(delta.out, dumps[2], tmp_path_factory.mktemp("ps-delta-later") / "later")


def test_the_next_week_against_this_delta(shop, later):
    _, delta = shop
    assert later.manifest["base"]["manifest_sha256"] == sha256_file(delta.out / "manifest.json")
    assert delta_rows(later.out) == {
        ("orders", "6"): changed("order_status", "source_status", "finished_at", "updated_at"),
        **new("order_status_history", "901"),
        ("products", "3"): changed("price", "updated_at"),
        ("customers", "3"): changed("newsletter", "updated_at"),
    }
    # the report's sample: the price and date_upd of dump 2 against dump 3's (EUR 32 and 34 at 11.70)
    review = json.loads((later.out / "review.json").read_text(encoding="utf-8"))["delta"]
    assert [r["fields"] for r in review["products"]["changed"]] == [{"price": ["374.4000", "397.8000"], "updated_at": [
        "2025-04-02 08:00:00+00:00", "2025-04-09 08:00:00+00:00"]}]


def test_the_same_dump_again_changes_nothing(shop, dumps, tmp_path):
    first, _ = shop
    same = make_delta(first.out, dumps[0], tmp_path / "same")
    assert delta_rows(same.out) == {} and same.brought_along == {}


def test_the_review_report(shop, browser):
    _, delta = shop
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((delta.out / "report.html").as_uri())
    products = page.locator("#counts tr", has_text="Produkter").locator("td")
    assert [products.nth(i).inner_text() for i in (1, 2, 3)] == ["0", "7", "1"]
    orders = page.locator("#counts tr", has_text="Ordrer").first.locator("td")
    assert [orders.nth(i).inner_text() for i in (1, 2, 3)] == ["3", "1", "0"]
    assert page.locator("#fields table[data-entity='products'] tr", has_text="quantity").locator("td").nth(1).inner_text() == "5"
    # product 3 side by side: 29 EUR and 32 EUR net, in NOK at 11.70
    card = page.locator("#samples .card[data-entity='products'][data-source-id='3']")
    assert card.locator("tr", has_text="price").locator("td").all_inner_texts()[1:] == ["339.3000", "374.4000"]
    assert "Customizable mug" in page.locator("#samples p[data-entity='products'][data-change='deleted']").inner_text()
    assert page.locator("#brought-along li").count() >= 1
    assert errors == []
    page.close()


# the owner's polish in Mystore after the first load: product 3's price (which the dump changes too)
# and product 1's name (which the dump leaves; its stock changes)
EDITS = [("products", "3", {"price": "350.0000"}), ("products", "1", {"name": {"no": "Kolibri-t-skjorte"}})]
OWNER = {("products", "3"): {"price"}, ("products", "1"): {"name"}}


def test_applied_to_the_first_shop_it_is_the_second_loaded_from_scratch_but_for_the_owners_edits(shop, later, tmp_path):
    first, delta = shop
    a, b, loads = applied_and_from_scratch(first.out, [delta.out], tmp_path, EDITS)
    # the owner's values stay; every other difference is an updated_at that moved alone (product 4)
    assert real_differences(a, b) == OWNER
    assert a[("products", "3")]["attributes"]["price"] == "350.0000"
    assert a[("products", "1")]["attributes"]["name"] == {"no": "Kolibri-t-skjorte"}
    assert a[("products", "1")]["attributes"]["quantity"] == b[("products", "1")]["attributes"]["quantity"] == 2399
    assert shop_differences(a, b)[("products", "4")] == {"updated_at"}
    # what the shop has and a fresh load has not: the deleted product switched off, its image link and redirects
    assert a.keys() - b.keys() == {("products", "19"), ("redirects", "/19-customizable-mug.html"),
                                   ("redirects", "/home-accessories/19-customizable-mug.html")}
    assert a[("products", "19")]["attributes"]["status"] == 0 and not b.keys() - a.keys()
    # the conflict, with the three values; the owner's name was no conflict (the dump left it)
    conflicts = load_issues(delta.out, "DELTA_CONFLICT")
    assert list(conflicts) == [("products", "3", "price")]
    assert '"339.3000"' in conflicts[("products", "3", "price")] and '"350.0000"' in conflicts[("products", "3", "price")]
    assert '"374.4000"' in conflicts[("products", "3", "price")]
    stats = loads[0].stats
    assert (stats["orders"].created, stats["orders"].updated, stats["customers"].created) == (3, 1, 2)
    report = (delta.out / "report.html").read_text(encoding="utf-8")
    conflicts_table = report[report.index('id="conflicts"'):]
    assert "DELTA_CONFLICT" in report and all(v in conflicts_table for v in ("339.3000", "350.0000", "374.4000"))


def test_deltas_in_a_row_and_a_delta_onto_the_wrong_shop(shop, later, tmp_path):
    first, delta = shop
    with pytest.raises(DumpkitError, match="was never loaded into shop 'shop'"):
        applied_and_from_scratch(first.out, [later.out], tmp_path / "wrong")
    a, b, _ = applied_and_from_scratch(first.out, [delta.out, later.out], tmp_path / "row", EDITS)
    assert real_differences(a, b) == OWNER
    # the dump changed product 3's price again: still Mystore's, again a conflict (32 -> 34 EUR against 350)
    conflict = load_issues(later.out, "DELTA_CONFLICT")[("products", "3", "price")]
    assert '"374.4000"' in conflict and '"350.0000"' in conflict and '"397.8000"' in conflict


def test_prefer_dump_and_delete(shop, tmp_path):
    first, delta = shop
    a, b, loads = applied_and_from_scratch(first.out, [delta.out], tmp_path, EDITS, prefer_dump={"products"}, delete=True)
    # the dump's price wins; the name the dump never changed stays the owner's
    assert real_differences(a, b) == {("products", "1"): {"name"}}
    assert not load_issues(delta.out, "DELTA_CONFLICT")
    # product 19 deleted in Mystore as well
    assert ("products", "19") not in a and loads[0].stats["products"].updated >= 1


def test_the_load_command_applies_a_delta_and_refuses_in_one_line(shop, later, tmp_path):
    from dumpkit.mystore.simulator import SimServer, package_statuses
    from tests.helpers import SIM_RATE, SIM_TOKEN, sim_load

    first, delta = shop
    env = {**os.environ, "MYSTORE_TOKEN": SIM_TOKEN, "DUMPKIT_DEBUG": ""}
    statuses = tuple(dict.fromkeys(package_statuses(first.out) + package_statuses(delta.out / "full")))
    with SimServer(tmp_path / "sim.sqlite", rate=SIM_RATE, order_statuses=statuses) as sim:
        sim_load(first.out, sim, tmp_path / "state")

        def load(out: Path, *options: str):
            return subprocess.run([sys.executable, "-m", "dumpkit.cli", "load", str(out), "--shop", "shop", "--api-url",
                                   sim.url, "--state", str(tmp_path / "state"), "--rate", str(SIM_RATE), *options],
                                  env=env, capture_output=True, text=True, timeout=300)
        wrong, bad_prefer, full_with_delete = load(later.out), load(delta.out, "--prefer", "dump:product"), \
            load(first.out, "--delete")
        applied_ = load(delta.out, "--prefer", "dump:products,customers", "--delete")
        product_19 = [r for r in sim.app.shop.db.execute("SELECT id FROM records WHERE type='products'")]
    for r, says in [(wrong, "was never loaded into shop 'shop'"), (bad_prefer, "--prefer dump:product: expected"),
                    (full_with_delete, "is a full package: --delete and --prefer apply to a delta")]:
        assert r.returncode == 1 and says in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr
    assert applied_.returncode == 0, applied_.stderr
    assert not load_issues(delta.out, "DELTA_CONFLICT")
    assert len(product_19) == len(rows(first, "products")) - 1  # product 19 deleted (--delete)


def test_orders_and_customers_deleted_in_the_source_stay_and_are_reported(shop, dumps, tmp_path):
    """The old shop purges the week (its orders and customers deleted, the mug back): dump 1
    again, after dump 2. Mystore keeps the orders and customers, each a warning; the mug is active."""
    first, delta = shop
    undone = make_delta(delta.out, dumps[0], tmp_path / "undone")
    a, b, _ = applied_and_from_scratch(first.out, [delta.out, undone.out], tmp_path / "shops")
    gone = {("orders", s) for s in ("6", "7", "8")} | {("customers", "3"), ("customers", "4")}
    assert gone <= a.keys() - b.keys()
    kept = {k[:2] for k in load_issues(undone.out, "DELETED_IN_SOURCE_KEPT")}
    assert gone <= kept and not {k for k in kept if k[0] in ("orders", "customers")} - gone
    assert a[("products", "19")]["attributes"]["status"] == b[("products", "19")]["attributes"]["status"] == 1
    assert real_differences(a, b) == {}
