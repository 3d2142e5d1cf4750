"""OpenCart mappings (mappings/opencart/) on the real installer dumps 1.5.6.4, 2.3.0.2, 3.0.x and
4.0.2.3 (data only, types inferred), and on 3.0.x staged together with the retailCRM orders
fixture (data only: 1 customer, 1 address, 2 orders) as "an OpenCart 3 shop with orders".

Each dump is staged once and migrated once per module. The expected values were read by hand
from fixtures/opencart/*.sql (the INSERT rows are quoted in the comments). The dumps have one
language, no OpenCart 4 variant product, no missing (abandoned) order, no guest with an e-mail of
its own, no address book with several addresses and no coupon; the scenario tests add exactly
those to a copy of a staged dump with the SQL below, so the paths the real data never takes are
tested too.
"""
from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.migrate import migrate
from tests.helpers import codes, migrate_copy as _migrate, rows, stage_each

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opencart"
DUMPS = {
    "1.5": ["oc-1.5.6.4.sql"],
    "2.3": ["oc-2.3.0.2.sql"],
    "3.0": ["oc-3.0.x.sql"],
    "4.0": ["oc-4.0.2.3-data.sql"],
    "3.0+orders": ["oc-3.0.x.sql", "oc-3-orders-data.sql"],
}
D = Decimal


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> dict[str, Path]:
    return stage_each(tmp_path_factory, "oc", {name: [FIXTURES / f for f in files] for name, files in DUMPS.items()})


@pytest.fixture(scope="module")
def runs(staged, tmp_path_factory):
    return {name: _migrate(staged[name], tmp_path_factory.mktemp(f"oc-{name}")) for name in DUMPS}


# ---------------------------------------------------------------------------------------------
# every fixture

CATALOGUE = {
    # 2 tax classes, 6 manufacturers, 38 categories, 19 products in every installer
    "tax_classes": 2, "manufacturers": 6, "categories": 38,
    # select, radio, checkbox and "Size" (select); text/textarea/file/date/time/datetime/"Delivery Date" left out
    "product_options": 4, "product_option_values": 14,
    "products": 19,
    # the values of the select/radio options: product 30 (2), 35 (3), 42 (4 + 3)
    "product_variants": 12,
    # 19 main images (product 35 has none: 18) + 61 product_image rows
    "product_images": 18 + 61,
    # 419, 438, 439 (all for the default customer group)
    "product_specials": 3,
    "customers": 0, "orders": 0, "order_lines": 0, "order_totals": 0, "order_status_history": 0,
}
# Redirects: the plain URL of every product, category and manufacturer (they work with SEO URLs on or off), the
# SEO URL where keywords exist, and (1.5-3.x) a product as each of its 30 product_to_category listings links it:
# plain with &path=, and with the category's keyword path when every keyword is there
PLAIN = 19 + 38 + 6 + 30
COUNTS = {
    # 1.5: url_alias has keywords for 2 products, 4 categories, 1 manufacturer; 3 listings have whole keyword paths
    "1.5": {**CATALOGUE, "redirects": PLAIN + 2 + 4 + 1 + 3},
    "2.3": {**CATALOGUE, "redirects": PLAIN + 19 + 38 + 6 + 30},
    "3.0": {**CATALOGUE, "redirects": PLAIN + 19 + 38 + 6 + 30},
    # 4.0: seo_url holds two 'path' keywords for category 30 (printer, component/printers): both redirect; its
    # SEO URLs carry no category path of a product
    "4.0": {**CATALOGUE, "redirects": 19 + 38 + 6 + 19 + 39 + 6},
    # the retailCRM data: 1 customer, 2 orders with 1 line, 3 totals and 1 history row each; its two
    # specials (440 for customer group 2, left out; 441 for the default group) come on top
    "3.0+orders": {**CATALOGUE, "product_specials": 4, "customers": 1, "orders": 2, "order_lines": 2,
                   "order_totals": 6, "order_status_history": 2, "redirects": PLAIN + 19 + 38 + 6 + 30},
}


@pytest.mark.parametrize("name", DUMPS)
def test_counts(runs, name):
    assert runs[name].counts == COUNTS[name]


@pytest.mark.parametrize("name", DUMPS)
def test_everything_accounted_for(runs, name):
    r = runs[name]
    assert r.detection.platform.name == "opencart"
    assert r.detection.prefix == "oc_"
    assert all(rec.ok for rec in r.reconciliation), [(rec.entity, rec.unaccounted) for rec in r.reconciliation]
    assert {rec.entity for rec in r.reconciliation} == {"tax_classes", "manufacturers", "categories", "products", "customers", "orders"}
    assert "NOT_ACCOUNTED_FOR" not in codes(r)
    assert [i for i in r.log.items if i.level == "error" and i.phase != "stage"] == []
    for code in ("ORDER_TOTAL_MISMATCH", "ORDER_LINES_MISMATCH", "UNMAPPED_VALUE", "REFERENCE_MISSING", "PRODUCT_MISSING",
                 "VARIANT_MISSING", "SLUG_CHANGED", "NAME_FALLBACK"):
        assert code not in codes(r), code
    # the free-input options are reported once each, and on the products that use them
    assert codes(r, "product_options").count("OPTION_TYPE_UNSUPPORTED") == 7
    assert "OPTION_NOT_MIGRATED" in codes(r, "products", "42")


def test_versions_detected(runs):
    assert {n: runs[n].detection.version for n in DUMPS} == {
        "1.5": "1.5", "2.3": "2.x", "3.0": "3.x", "4.0": "4.0", "3.0+orders": "3.x"}


@pytest.mark.parametrize("name", DUMPS)
def test_redirects_point_at_the_final_slugs(runs, name):
    r = runs[name]
    slugs = {e: {k: dict(v["slug"])["no"] for k, v in rows(r, e).items()} for e in ("products", "categories", "manufacturers")}
    for red in rows(r, "redirects").values():
        assert red["redirect_to"] == f"/{red['entity']}/{slugs[red['entity']][red['entity_source_id']]}", red
        assert red["source_id"] == red["redirect_from"] and red["redirect_from"].startswith("/")


# ---------------------------------------------------------------------------------------------
# catalogue, by hand (the same demo data in every version)

@pytest.mark.parametrize("name", DUMPS)
def test_product_42(runs, name):
    # oc_product (42, 'Product 15', '', ..., 990, 5, 'catalog/demo/apple_cinema_30.jpg', 8, 1, '100.0000', 400, 9,
    #   '2009-02-04', '12.50000000', 1, ...): weight class 1 = kilogram
    p = rows(runs[name], "products")["42"]
    assert (p["sku"], p["price"], p["quantity"], p["weight"], p["manufacturer_source_id"], p["status"]) == (
        "Product 15", D("100.0000"), 990, D("12500.0000"), "8", 1)
    # oc_product_to_category (42, 20), (42, 28)
    assert p["category_source_ids"] == ["20", "28"]
    # oc_product_description (42, 1, 'Apple Cinema 30&quot;', ...): stored HTML-escaped
    assert dict(p["name"]) == {"no": 'Apple Cinema 30"'}
    assert dict(p["description"])["no"].startswith("<p>")
    # three checkbox/radio/select problems and the quantity discounts are reported
    assert {"CHECKBOX_OPTION", "MULTIPLE_VARIANT_OPTIONS", "DISCOUNT_NOT_MIGRATED"} <= set(codes(runs[name], "products", "42"))


@pytest.mark.parametrize("name", DUMPS)
def test_prices_net_as_stored(runs, name):
    # OpenCart prices are net: (29, 'Product 2', ..., '279.9900', ...), (49, 'SAM1', ..., '199.9900', ...).
    # In the 4.0 data-only dump the column type is inferred from the text: it must stay a decimal.
    products = rows(runs[name], "products")
    assert (products["29"]["price"], products["29"]["price_gross"]) == (D("279.9900"), None)
    assert products["49"]["price"] == D("199.9900")
    # (28, 'Product 1', ..., '146.40', 2, ...): weight class 2 = gram
    assert products["28"]["weight"] == D("146.4000")
    # (30, 'Product 3', ..., '0.00000000', 1, ...): a weight of 0 is OpenCart's "no weight", not 0 g
    assert products["30"]["weight"] is None
    # (48, 'product 20', 'test 1', ..., 'test 2', ...): sku is the SKU field when set, else the model
    assert (products["48"]["sku"], products["48"]["location"], products["31"]["sku"]) == ("test 1", "test 2", "Product 4")
    # (28, ..., '2009-02-03 16:06:50', ...): 1.5 and 2.x have no config_timezone, the shop's time is taken as Oslo (CET);
    # 3.0 and 4.0 say config_timezone 'UTC'
    assert products["28"]["created_at"].isoformat() == (
        "2009-02-03T15:06:50+00:00" if name in ("1.5", "2.3") else "2009-02-03T16:06:50+00:00")


@pytest.mark.parametrize("name", DUMPS)
def test_variants_stock_and_surcharge(runs, name):
    variants = rows(runs[name], "product_variants")
    # oc_product_option_value (4, 217, 42, 5, 39, 92, 1, '4.0000', '+', ...): Red, 92 in stock, +4
    assert (variants["4"]["product_source_id"], variants["4"]["option_value_source_ids"], variants["4"]["quantity"],
            variants["4"]["price_difference"]) == ("42", ["39"], 92, D("4.0000"))
    # (1, 217, 42, 5, 41, 100, 0, '1.0000', '+', ...): subtract 0, OpenCart never checks that stock
    assert (variants["1"]["quantity"], variants["1"]["price_difference"]) == (None, D("1.0000"))
    # (12, 224, 35, 11, 46, 0, 1, '5.0000', '+', ...): "Size" Small, sold out
    assert (variants["12"]["product_source_id"], variants["12"]["quantity"]) == ("35", 0)
    # the checkbox values (8-11) make no variants
    assert not {"8", "9", "10", "11"} & set(variants)
    options = rows(runs[name], "product_options")
    assert {k: (dict(v["name"])["no"], v["track_stock"]) for k, v in options.items()} == {
        "1": ("Radio", True), "2": ("Checkbox", False), "5": ("Select", True), "11": ("Size", True)}


@pytest.mark.parametrize("name", DUMPS)
def test_categories(runs, name):
    cats = rows(runs[name], "categories")
    # oc_category_description (18, 1, 'Laptops &amp; Notebooks', '&lt;p&gt;...'); oc_category (18, 'catalog/demo/hp_2.jpg', 0, 1, 0, 2, 1, ...)
    assert dict(cats["18"]["name"]) == {"no": "Laptops & Notebooks"}
    assert (cats["18"]["parent_source_id"], cats["18"]["sort"], cats["18"]["status"]) == (None, 2, 1)
    assert cats["18"]["image_source_url"].endswith("/demo/hp_2.jpg")
    # (46, '', 18, 0, 0, 0, 1, ...): Macs under Laptops
    assert cats["46"]["parent_source_id"] == "18"


def test_slugs_and_redirects_15(runs):
    r = runs["1.5"]
    # oc_url_alias (704, 'product_id=48', 'ipod_classic'), (768, 'product_id=42', 'test')
    products = rows(r, "products")
    assert (dict(products["48"]["slug"]), dict(products["42"]["slug"])) == ({"no": "ipod-classic"}, {"no": "test"})
    redirects = rows(r, "redirects")
    assert redirects["/ipod_classic"]["redirect_to"] == "/products/ipod-classic"
    # (773, 'category_id=20', 'desktops'), (505, 'category_id=27', 'mac'): the path of keywords
    assert redirects["/desktops/mac"]["entity_source_id"] == "27"
    # (536, 'category_id=36', 'Normal') sits under 28, which has no keyword: OpenCart writes no SEO URL
    assert redirects["/index.php?route=product/category&path=25_28_36"]["redirect_to"] == "/categories/normal"
    assert redirects["/index.php?route=product/product&product_id=40"]["redirect_to"] == "/products/iphone"
    # the plain URL works next to a keyword, and a product as its category listing links it
    assert redirects["/index.php?route=product/product&product_id=48"]["redirect_to"] == "/products/ipod-classic"
    assert redirects["/index.php?route=product/category&path=20_27"]["entity_source_id"] == "27"
    assert redirects["/apple"]["redirect_to"] == "/manufacturers/apple"


def test_product_urls_in_a_category_listing(runs):
    # oc_product_to_category (41, 27): iMac listed under Desktops > Mac links /desktops/mac/imac, plain
    # index.php?route=product/product&path=20_27&product_id=41
    redirects = rows(runs["3.0"], "redirects")
    for path in ("/desktops/mac/imac", "/imac", "/index.php?route=product/product&path=20_27&product_id=41",
                 "/index.php?route=product/product&product_id=41"):
        assert (redirects[path]["entity_source_id"], redirects[path]["redirect_to"]) == ("41", "/products/imac"), path


def test_slugs_and_redirects_40(runs):
    redirects = rows(runs["4.0"], "redirects")
    # oc_seo_url (0, 1, 'language', 'en-gb', 'en-gb', -2), ('route', 'product/product', 'product', -1),
    #   ('product_id', '40', 'iphone', 1), ('path', '20_27', 'desktops/mac', 0), ('route', 'product/category', 'catalog', -1)
    assert redirects["/en-gb/product/iphone"]["entity_source_id"] == "40"
    assert redirects["/en-gb/catalog/desktops/mac"]["redirect_to"] == "/categories/mac"
    # a stale row ('path', '30', 'printer') next to ('path', '25_30', 'component/printers'): the slug is the one that fits the tree
    assert redirects["/en-gb/catalog/printer"]["redirect_to"] == redirects["/en-gb/catalog/component/printers"]["redirect_to"] \
        == "/categories/printers"
    # ('manufacturer_id', '8', 'apple', 0) and no keyword for the route product/manufacturer.info
    assert redirects["/en-gb/apple?route=product/manufacturer.info"]["redirect_to"] == "/manufacturers/apple"


@pytest.mark.parametrize("name", DUMPS)
def test_tax_classes(runs, name):
    r = runs[name]
    taxes = rows(r, "tax_classes")
    # oc_tax_rate (86, 3, 'VAT (20%)', '20.0000', 'P', ...) (87, 3, 'Eco Tax (-2.00)', '2.0000', 'F', ...);
    # oc_tax_rule (128, 9, 86, 'shipping', 1), (127, 9, 87, 'shipping', 2); UK (222) is the shop's country.
    # 1.5 ships VAT (17.5%). Neither is Norwegian: 25 % with a warning; the fixed eco tax is dropped, said so.
    assert {k: (v["title"], v["tax_rate"]) for k, v in taxes.items()} == {
        "9": ("Taxable Goods", D("25.00")), "10": ("Downloadable Products", D("25.00"))}
    assert {"TAX_RATE_CONVERTED", "FIXED_TAX_DROPPED"} <= set(codes(r, "tax_classes", "9"))
    # (45, 'Product 18', ..., tax_class_id 100): no such class; refine gives the 25 % class
    assert rows(r, "products")["45"]["tax_class_source_id"] == "10"
    assert "TAX_CLASS_MISSING" in codes(r, "products", "45")


def test_tax_rate_value_map(staged, tmp_path):
    shutil.copy(staged["3.0"], tmp_path / "stage.duckdb")
    vm = tmp_path / "map.toml"
    vm.write_text('[tax_rate]\n"20" = "15"\n', encoding="utf-8")
    r = migrate(tmp_path / "stage.duckdb", tmp_path / "out", value_map_file=vm, keep_currency=True)
    assert rows(r, "tax_classes")["9"]["tax_rate"] == D("15.00")
    assert "TAX_RATE_CONVERTED" not in codes(r, "tax_classes")


@pytest.mark.parametrize("name", DUMPS)
def test_specials(runs, name):
    specials = rows(runs[name], "product_specials")
    # oc_product_special (438, 30, 1, 1, '80.0000', ...), (439, 30, 1, 2, '90.0000', ...): 438 always wins
    assert (specials["438"]["specials_price"], specials["438"]["status"]) == (D("80.0000"), 1)
    assert (specials["439"]["specials_price"], specials["439"]["status"]) == (D("90.0000"), 0)
    assert "SPECIAL_SUPERSEDED" in codes(runs[name], "product_specials", "439")
    assert (specials["419"]["product_source_id"], specials["419"]["expires_at"]) == ("42", None)


@pytest.mark.parametrize("name", DUMPS)
def test_images(runs, name):
    images = sorted((i for i in rows(runs[name], "product_images").values() if i["product_source_id"] == "30"),
                    key=lambda i: i["position"])
    # oc_product (30, ..., 'catalog/demo/canon_eos_5d_1.jpg', ...) then oc_product_image 2344, 2345 (1.5: data/demo/...)
    assert [(i["source_id"], i["position"]) for i in images] == [("30/1", 1), ("2344", 2), ("2345", 3)]
    assert images[0]["source_url"] in ("image/catalog/demo/canon_eos_5d_1.jpg", "image/data/demo/canon_eos_5d_1.jpg")


# ---------------------------------------------------------------------------------------------
# the OpenCart 3 shop with orders (retailCRM fixture), by hand

def test_order_with_lines_and_totals(runs):
    r = runs["3.0+orders"]
    # oc_order ('1', '0', 'INV-2016-00', '0', 'Opencart', ..., customer_id '1', ..., 'Test', 'Test', 'test@mail.ru',
    #   '+7 (000) 000-00-00', ..., 'Address', 'Address 2', 'Test', '111111', 'Russian Federation', '176', 'Rostov-na-Donu', ...,
    #   'Cash on delivery', 'cod', ..., 'Flat Rate', 'flat.flat', 'test comment', '106.0000', order_status_id '1', ..., 'USD', '1.00000000', ...
    #   '2018-06-07 13:51:10', '2018-06-07 13:51:23')
    order = rows(r, "orders")["1"]
    assert (order["reference"], order["customer_source_id"], order["order_status"], order["source_status"]) == (
        "1", "1", "Ikke behandlet", "Pending")
    assert (order["customer_address_name"], order["customer_address_address"], order["customer_address_city"],
            order["customer_address_zipcode"], order["customer_address_region"], order["customer_address_country"],
            order["customer_address_email"], order["customer_address_phone"]) == (
        "Test Test", "Address, Address 2", "Test", "111111", "Rostov-na-Donu", "RU", "test@mail.ru", "+7 (000) 000-00-00")
    assert (order["payment_method"], order["payment_module"], order["shipping_method"]) == ("Cash on delivery", "cod", "Flat Rate")
    assert (order["currency"], order["currency_value"]) == ("USD", D("1.000000"))
    # the OpenCart 3 installer sets config_timezone 'UTC': the shop wrote its dates in UTC
    assert order["created_at"].isoformat() == "2018-06-07T13:51:10+00:00"
    assert r.manifest["options"]["timezone"] == "UTC"
    # oc_order_product ('54', '1', '40', 'iPhone', 'product 11', '1', '101.0000', '101.0000', '18.0000', '20')
    line = rows(r, "order_lines")["54"]
    assert (line["order_source_id"], line["product_source_id"], line["variant_source_id"], line["name"], line["sku"],
            line["quantity"], line["unit_price"], line["line_total"], line["tax_rate"], line["line_total_gross"]) == (
        "1", "40", None, "iPhone", "product 11", 1, D("101.0000"), D("101.0000"), D("17.82"), D("119.0000"))
    # oc_order_total ('161', '1', 'sub_total', 'Sub-Total', '101.0000', '1'), ('162', ..., 'shipping', 'Flat Rate', '5.0000', '3'),
    #                ('163', '1', 'total', 'Total', '106.0000', '9'): no tax row although the line carries VAT; said so
    totals = {t["class"]: (t["title"], t["value"]) for t in rows(r, "order_totals").values() if t["order_source_id"] == "1"}
    assert totals == {"subtotal": ("Sub-Total", D("101.0000")), "shipping": ("Flat Rate", D("5.0000")), "total": ("Total", D("106.0000"))}
    assert "TAX_ROWS_MISSING" in codes(r, "orders", "1")
    # oc_order_history ('18', '1', '1', '0', '', '2018-06-07 13:51:23'): the checkout comment goes on it
    h = rows(r, "order_status_history")["18"]
    assert (h["order_source_id"], h["order_status"], h["source_status"], h["customer_notified"], h["comments"]) == (
        "1", "Ikke behandlet", "Pending", False, "test comment")


def test_guest_order_and_variant_line(runs):
    r = runs["3.0+orders"]
    # oc_order ('2', ..., customer_id '0', ..., 'test@mail.ru', ...): a guest checkout with the e-mail of customer 1
    assert rows(r, "orders")["2"]["customer_source_id"] == "1"
    assert "GUEST_ORDER_OF_CUSTOMER" in codes(r, "orders", "2")
    # oc_order_option ('15', '2', '55', '226', '15', 'Select', 'Red', 'select'): the variant is product_option_value 15
    line = rows(r, "order_lines")["55"]
    assert (line["product_source_id"], line["variant_source_id"], dict(line["options"])) == ("30", "15", {"Select": "Red"})
    assert rows(r, "product_variants")["15"]["quantity"] == 2  # (15, 226, 30, 5, 39, 2, 1, '0.0000', '+', ...)


def test_customer(runs):
    r = runs["3.0+orders"]
    # oc_customer ('1', '1', '0', '1', 'Test', 'Test', 'test@mail.ru', '+7 (000) 000-00-00', ..., newsletter '0', address_id '1', ...)
    # oc_address (1, 1, 'Test', 'Test', '', 'Address 1', '', 'City', '111111', '176', '99', ''): zone 99 is Naama, not Russian
    c = rows(r, "customers")["1"]
    assert (c["email"], c["name"], c["lastname"], c["phone"], c["newsletter"], c["is_guest"]) == (
        "test@mail.ru", "Test", "Test", "+7 (000) 000-00-00", False, False)
    assert (c["address_address"], c["address_city"], c["address_zipcode"], c["address_country"], c["address_region"],
            c["extra_addresses"]) == ("Address 1", "City", "111111", "RU", None, None)
    assert "ZONE_COUNTRY_MISMATCH" in codes(r, "customers", "1")
    # the specials of the data file: ('42', '2', ...) for customer group 2 is left out, ('40', '1', '1', '50.000', ...) kept
    assert "CUSTOMER_GROUP_SPECIAL" in codes(r, "product_specials", "440")
    assert rows(r, "product_specials")["441"]["specials_price"] == D("50.0000")


# ---------------------------------------------------------------------------------------------
# scenarios: what the real dumps do not hold

ORDERS_SCENARIO = """
INSERT INTO oc_customer (customer_id, customer_group_id, store_id, language_id, firstname, lastname, email, telephone, newsletter,
    address_id, status, date_added) VALUES
 (2, 1, 0, 1, 'Kari', 'Nordmann', ' Kari@Example.NO ', '22 33 44 55', 1, 3, 1, '2020-05-01 10:00:00'),
 (3, 1, 0, 1, 'No', 'Mail', '', '', 0, 0, 1, '2020-05-02 10:00:00');
INSERT INTO oc_address (address_id, customer_id, firstname, lastname, company, address_1, address_2, city, postcode, country_id, zone_id,
    custom_field) VALUES
 (2, 2, 'Kari', 'Nordmann', '', 'Storgata 1', '', 'Oslo', '150', 160, 0, ''),
 (3, 2, 'Kari', 'Nordmann', 'Firma &amp; Co', 'Hytteveien 2', 'Boks 3', 'Geilo', '3580', 160, 0, '');
INSERT INTO oc_order (order_id, invoice_prefix, store_id, customer_id, customer_group_id, firstname, lastname, email, telephone,
    payment_firstname, payment_lastname, payment_company, payment_address_1, payment_address_2, payment_city, payment_postcode,
    payment_country, payment_country_id, payment_zone, payment_zone_id, payment_method, payment_code, shipping_firstname,
    shipping_lastname, shipping_address_1, shipping_city, shipping_country, shipping_country_id, shipping_method, shipping_code,
    comment, total, order_status_id, currency_code, currency_value, date_added, date_modified) VALUES
 (3, 'INV', 0, 0, 1, 'Ola', 'Gjest', 'ola@gjest.no', '99887766', 'Ola', 'Gjest', '', 'Gata 5', '', 'Bergen', '5003', 'Norway', 160,
  'Hordaland', 0, 'Bank Transfer', 'bank_transfer', '', '', '', '', '', 0, '', '', '', 150, 5, 'NOK', 1,
  '2020-06-01 12:00:00', '2020-06-02 12:00:00'),
 (4, 'INV', 0, 0, 1, 'Abandoned', 'Cart', 'x@y.no', '', '', '', '', '', '', '', '', '', 0, '', 0, '', '', '', '', '', '', '', 0, '', '',
  '', 10, 0, 'NOK', 1, '2020-06-03 12:00:00', '2020-06-03 12:00:00');
INSERT INTO oc_order_product (order_product_id, order_id, product_id, name, model, quantity, price, total, tax, reward) VALUES
 (56, 3, 999, 'Gone &amp; Forgotten', 'OLD-1', 3, 40, 120, 10, 0),
 (57, 4, 40, 'iPhone', 'product 11', 1, 10, 10, 0, 0);
INSERT INTO oc_order_option (order_option_id, order_id, order_product_id, product_option_id, product_option_value_id, name, value, type) VALUES
 (16, 3, 56, 223, 8, 'Checkbox', 'Checkbox 1', 'checkbox'),
 (17, 3, 56, 223, 9, 'Checkbox', 'Checkbox 2', 'checkbox');
INSERT INTO oc_order_total (order_total_id, order_id, code, title, value, sort_order) VALUES
 (167, 3, 'sub_total', 'Sub-Total', 120, 1),
 (168, 3, 'coupon', 'Coupon (X)', -10, 2),
 (169, 3, 'shipping', 'Frakt', 10, 3),
 (170, 3, 'tax', 'VAT (20%)', 30, 5),
 (171, 3, 'total', 'Total', 150, 9),
 (172, 3, 'weird', 'Gebyr', 0, 6)
"""


def test_scenario_orders(staged, tmp_path):
    r = _migrate(staged["3.0+orders"], tmp_path, ORDERS_SCENARIO)
    assert all(rec.ok for rec in r.reconciliation)
    customers, orders = rows(r, "customers"), rows(r, "orders")
    # no e-mail: left out with its reason; the missing order (status 0) too, with its line
    assert "NO_EMAIL" in codes(r, "customers", "3") and "3" not in customers
    assert "MISSING_ORDER" in codes(r, "orders", "4") and "4" not in orders and "57" not in rows(r, "order_lines")
    # address_id 3 is the main address, the other one goes to extra_addresses
    kari = customers["2"]
    assert (kari["email"], kari["address_address"], kari["address_company"], kari["address_zipcode"], kari["address_country"]) == (
        "kari@example.no", "Hytteveien 2, Boks 3", "Firma & Co", "3580", "NO")
    assert json.loads(kari["extra_addresses"]) == [{
        "source_id": "2", "name": "Kari", "lastname": "Nordmann", "company": None, "company_number": None,
        "address": "Storgata 1", "zipcode": "150", "city": "Oslo", "region": None, "country": "NO"}]
    # a guest with an e-mail of its own: a guest customer, made by refine
    guest = orders["3"]["customer_source_id"]
    assert guest.startswith("dumpkit:guest:") and customers[guest]["email"] == "ola@gjest.no" and customers[guest]["is_guest"]
    # complete (5) without history: one history row, finished at its last change
    assert (orders["3"]["order_status"], orders["3"]["shipping_address_name"], orders["3"]["shipping_address_country"]) == (
        "Sendt", None, None)
    assert orders["3"]["finished_at"].isoformat() == "2020-06-02T12:00:00+00:00"
    assert rows(r, "order_status_history")["3/1"]["source_status"] == "Complete"
    # the product is gone: the line keeps its name, SKU and money; two checkbox values joined
    line = rows(r, "order_lines")["56"]
    assert (line["product_source_id"], line["name"], line["sku"], line["unit_price"], line["tax_rate"], line["line_total_gross"],
            dict(line["options"])) == (None, "Gone & Forgotten", "OLD-1", D("40.0000"), D("25.00"), D("150.0000"),
                                       {"Checkbox": "Checkbox 1, Checkbox 2"})
    # coupon -> discount (negative), an unknown code of 0 -> fee with a warning; the order adds up
    totals = {t["source_id"]: (t["class"], t["value"], t["tax_rate"]) for t in rows(r, "order_totals").values() if t["order_source_id"] == "3"}
    assert totals == {"167": ("subtotal", D("120.0000"), None), "168": ("discount", D("-10.0000"), None),
                      "169": ("shipping", D("10.0000"), None), "170": ("tax", D("30.0000"), D("20.00")),
                      "171": ("total", D("150.0000"), None), "172": ("fee", D("0.0000"), None)}
    assert "UNKNOWN_TOTAL_CODE" in codes(r, "order_totals", "172")
    assert "ORDER_TOTAL_MISMATCH" not in codes(r)


LANGUAGE_SCENARIO = """
-- a Norwegian shop that kept English as a second language
INSERT INTO oc_language (language_id, name, code, locale, image, directory, sort_order, status) VALUES
 (2, 'Norsk', 'nb-no', 'nb-NO,nb_NO.UTF-8,norwegian', 'no.png', 'norwegian', 0, 1);
UPDATE oc_setting SET value = 'nb-no' WHERE key = 'config_language';
INSERT INTO oc_product_description (product_id, language_id, name, description, tag, meta_title, meta_description, meta_keyword)
 SELECT product_id, 2, name || ' på norsk', '&lt;p&gt;Beskrivelse&lt;/p&gt;', '', 'Kjøp ' || name, '', '' FROM oc_product_description;
INSERT INTO oc_category_description (category_id, language_id, name, description, meta_title, meta_description, meta_keyword)
 SELECT category_id, 2, replace(name, 'Laptops &amp; Notebooks', 'Bærbare &amp; notisbøker'), '', '', '', '' FROM oc_category_description;
INSERT INTO oc_option_description (option_id, language_id, name) SELECT option_id, 2, name FROM oc_option_description;
INSERT INTO oc_option_value_description (option_value_id, language_id, option_id, name)
 SELECT option_value_id, 2, option_id, replace(name, 'Red', 'Rød') FROM oc_option_value_description;
INSERT INTO oc_seo_url (seo_url_id, store_id, language_id, query, keyword) VALUES (900, 0, 2, 'product_id=40', 'iphone-norsk');
-- and weighs the iPhone in pounds
UPDATE oc_product SET weight = 2, weight_class_id = 5 WHERE product_id = 40
"""


def test_scenario_second_language(staged, tmp_path):
    r = _migrate(staged["3.0"], tmp_path, LANGUAGE_SCENARIO)
    p = rows(r, "products")["40"]
    assert dict(p["name"]) == {"no": "iPhone på norsk", "en": "iPhone"}
    assert dict(p["meta_title"]) == {"no": "Kjøp iPhone", "en": "iPhone"}
    assert dict(p["description"])["no"] == "<p>Beskrivelse</p>"
    # seo_url per language: (900, 0, 2, 'product_id=40', 'iphone-norsk') and the English (.., 1, 'product_id=40', 'iphone')
    assert dict(p["slug"]) == {"no": "iphone-norsk", "en": "iphone"}
    assert rows(r, "redirects")["/iphone-norsk"]["redirect_to"] == "/products/iphone-norsk"
    assert dict(rows(r, "categories")["18"]["name"]) == {"no": "Bærbare & notisbøker", "en": "Laptops & Notebooks"}
    assert dict(rows(r, "product_option_values")["39"]["name"]) == {"no": "Rød", "en": "Red"}
    assert "NAME_FALLBACK" not in codes(r)
    # weight class 5 is the pound (unit 'lb'): 2 lb = 907.18474 g, rounded to 4 decimals
    assert p["weight"] == D("907.1847")


VARIANT_SCENARIO = """
-- OpenCart 4.0 variants: product 100 is the red Apple Cinema, a variant of master 42 ({"217": "4"}: option 217 = value row 4 = Red)
ALTER TABLE oc_product ADD COLUMN master_id BIGINT DEFAULT 0;
INSERT INTO oc_product BY NAME SELECT * REPLACE (100 AS product_id, 42 AS master_id, '{"217":"4"}' AS variant, 'CIN-RED' AS sku,
    7 AS quantity, 110.5 AS price, '5901234123457' AS ean, 'catalog/demo/red.jpg' AS image) FROM oc_product WHERE product_id = 42;
INSERT INTO oc_product_description BY NAME SELECT * REPLACE (100 AS product_id, 'Apple Cinema 30&quot; Red' AS name)
    FROM oc_product_description WHERE product_id = 42;
INSERT INTO oc_seo_url BY NAME SELECT * REPLACE ('100' AS value, 'apple-cinema-red' AS keyword) FROM oc_seo_url
    WHERE key = 'product_id' AND value = '42'
"""


def test_scenario_oc4_variant_product(staged, tmp_path):
    r = _migrate(staged["4.0"], tmp_path, VARIANT_SCENARIO)
    assert all(rec.ok for rec in r.reconciliation)
    assert "100" not in rows(r, "products") and "VARIANT_PRODUCT" in codes(r, "products", "100")
    variants = rows(r, "product_variants")
    v = variants["product:100"]
    assert (v["product_source_id"], v["option_value_source_ids"], v["sku"], v["ean"], v["quantity"], v["price_difference"]) == (
        "42", ["39"], "CIN-RED", "5901234123457", 7, D("10.5000"))
    # the master's own row for Red gives way to the variant product
    assert "4" not in variants and "REPLACED_BY_VARIANT_PRODUCT" in codes(r, "product_variants", "4")
    image = rows(r, "product_images")["100/1"]
    assert (image["product_source_id"], image["variant_source_id"], image["position"]) == ("42", "product:100", 1)
    assert rows(r, "redirects")["/en-gb/product/apple-cinema-red"]["redirect_to"] == "/products/apple-cinema"


def test_deterministic(staged, tmp_path):
    a = _migrate(staged["3.0+orders"], tmp_path / "a")
    b = _migrate(staged["3.0+orders"], tmp_path / "b")
    for entity in a.counts:
        assert pq.read_table(a.out / f"{entity}.parquet").equals(pq.read_table(b.out / f"{entity}.parquet")), entity
