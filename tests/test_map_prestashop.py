"""PrestaShop mappings (mappings/prestashop/) on the three real dumps: 1.6.1, 1.7.7 and 8.1.7.

Each dump is staged once and migrated once per module. The expected values were read by hand
from the dump files (fixtures/prestashop/*.sql, the INSERT lines quoted in the comments).
The dumps have no guest checkout, no deleted customer, one language, no order in a foreign
currency and (8.1.7) no tax rules; `scenario` adds exactly those to a copy of the staged 8.1.7
dump with the SQL in SCENARIO, so the paths the real data never takes are tested too.
"""
from __future__ import annotations

import hashlib
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.issues import group_issues
from tests.helpers import codes, migrate_copy as _migrate, rows, stage_each

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "prestashop"
VERSIONS = ["8.1.7", "1.6.1", "1.7.7"]
D = Decimal


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> dict[str, Path]:
    return stage_each(tmp_path_factory, "ps", {v: [FIXTURES / f"ps-{v}.sql"] for v in VERSIONS})


@pytest.fixture(scope="module")
def runs(staged, tmp_path_factory):
    return {v: _migrate(staged[v], tmp_path_factory.mktemp(f"ps-{v}")) for v in VERSIONS}


# ---------------------------------------------------------------------------------------------
# every fixture

COUNTS = {
    # 8.1.7: no tax rules in the dump (products use group 1, which is not there): refine's 25 % class.
    # 8.1.7 and 1.7.7: customer 1 is the GDPR module's placeholder 'anonymous@psgdpr.com', not a customer
    "8.1.7": {"tax_classes": 1, "manufacturers": 2, "categories": 7, "product_options": 4, "product_option_values": 25,
              "products": 19, "product_variants": 39, "product_images": 23 + 39, "product_specials": 2, "customers": 1,
              "orders": 5, "order_lines": 7, "order_totals": 5 * 3 + 4, "order_status_history": 7,
              # 1.7.2+ product URLs carry the combination: two more per combination (with and without category)
              "redirects": 19 + 19 + 2 * 39 + 7 + 2},
    # 1.6.1: friendly URLs off, so one index.php redirect per product, category and manufacturer
    "1.6.1": {"tax_classes": 1, "manufacturers": 1, "categories": 9, "product_options": 3, "product_option_values": 24,
              "products": 7, "product_variants": 45, "product_images": 23 + 63, "product_specials": 2, "customers": 1,
              "orders": 5, "order_lines": 15, "order_totals": 5 * 3, "order_status_history": 7,
              "redirects": 7 + 9 + 1},
    # 1.7.7: 52 US tax groups; 4 combination images point at image 0 (none); one special is per combination
    "1.7.7": {"tax_classes": 52, "manufacturers": 2, "categories": 7, "product_options": 4, "product_option_values": 25,
              "products": 19, "product_variants": 39, "product_images": 23 + 35, "product_specials": 2, "customers": 1,
              "orders": 5, "order_lines": 7, "order_totals": 5 * 3, "order_status_history": 7,
              "redirects": 19 + 19 + 2 * 39 + 7 + 2},
}


@pytest.mark.parametrize("version", VERSIONS)
def test_counts(runs, version):
    assert runs[version].counts == COUNTS[version]


@pytest.mark.parametrize("version", VERSIONS)
def test_everything_accounted_for(runs, version):
    r = runs[version]
    assert r.detection.platform.name == "prestashop"
    assert all(rec.ok for rec in r.reconciliation), [(rec.entity, rec.unaccounted) for rec in r.reconciliation]
    assert {rec.entity for rec in r.reconciliation} == {"tax_classes", "manufacturers", "categories", "products", "customers", "orders"}
    assert "NOT_ACCOUNTED_FOR" not in codes(r)
    # nothing dropped, no money that does not add up, every status mapped
    assert [i for i in r.log.items if i.level == "error" and i.phase != "stage"] == []
    for code in ("ORDER_TOTAL_MISMATCH", "ORDER_LINES_MISMATCH", "UNMAPPED_VALUE", "REFERENCE_MISSING", "PRODUCT_MISSING",
                 "VARIANT_MISSING"):
        assert code not in codes(r), code
    # Root and Home are structure, skipped with their reason
    assert codes(r, "categories").count("ROOT_CATEGORY") == 2
    # ps_customer (1,...,'Anonymous','Anonymous','anonymous@psgdpr.com',...): psgdpr's placeholder, not a customer
    assert codes(r, "customers", "1") == (["PLACEHOLDER_ACCOUNT"] if version != "1.6.1" else [])


def test_versions_detected(runs):
    assert {v: runs[v].detection.version for v in VERSIONS} == {"8.1.7": "8.1.7", "1.6.1": "1.6.1.24", "1.7.7": "1.7.7.0"}


@pytest.mark.parametrize("version", VERSIONS)
def test_order_money_adds_up(runs, version):
    totals = rows(runs[version], "order_totals")
    lines = rows(runs[version], "order_lines")
    for oid in {t["order_source_id"] for t in totals.values()}:
        mine = [t for t in totals.values() if t["order_source_id"] == oid]
        total = sum(t["value"] for t in mine if t["class"] == "total")
        assert sum(t["value"] for t in mine if t["class"] != "total") == total
        subtotal = sum(t["value"] for t in mine if t["class"] == "subtotal")
        assert sum(line["line_total"] for line in lines.values() if line["order_source_id"] == oid) == subtotal


# ---------------------------------------------------------------------------------------------
# PrestaShop 8.1.7, by hand

def test_817_order_with_lines_and_totals(runs):
    r = runs["8.1.7"]
    # ps_orders (1,'XKBKNABJK',...,current_state 6,...,'Payment by check',1.000000,'ps_checkpayment',...,
    #   total_paid_tax_incl 68.200000, total_paid_tax_excl 66.800000, ..., total_products 59.800000, ...,
    #   total_shipping_tax_incl 8.400000, total_shipping_tax_excl 7.000000, ...)
    order = rows(r, "orders")["1"]
    assert (order["reference"], order["customer_source_id"], order["order_status"], order["source_status"]) == (
        "XKBKNABJK", "2", "Kansellert", "Canceled")
    assert (order["payment_method"], order["payment_module"], order["shipping_method"]) == (
        "Payment by check", "ps_checkpayment", "My carrier")
    assert (order["currency"], order["currency_value"]) == ("EUR", D("1.000000"))
    assert (order["customer_address_name"], order["customer_address_city"], order["customer_address_state"],
            order["customer_address_country"], order["customer_address_email"]) == (
        "John DOE", "Miami", "Florida", "US", "pub@prestashop.com")
    assert order["shipping_address_address"] == "16, Main street, 2nd floor"
    # ps_order_detail (1,1,...,1,1,0,'Hummingbird printed t-shirt - Color : White, Size : S',1,...,'demo_1',...,23.900000 x4)
    #                 (2,1,...,2,9,0,'Hummingbird printed sweater - Color : White, Size : S',1,...,'demo_3',...,35.900000 x4)
    lines = sorted((x for x in rows(r, "order_lines").values() if x["order_source_id"] == "1"), key=lambda x: x["source_id"])
    assert [(x["product_source_id"], x["variant_source_id"], x["sku"], x["quantity"], x["unit_price"], x["line_total"], x["tax_rate"])
            for x in lines] == [("1", "1", "demo_1", 1, D("23.9000"), D("23.9000"), D("0.00")),
                                ("2", "9", "demo_3", 1, D("35.9000"), D("35.9000"), D("0.00"))]
    assert lines[0]["name"] == "Hummingbird printed t-shirt - Color : White, Size : S"
    assert dict(lines[0]["options"]) == {"Color": "White", "Size": "S"}
    totals = {t["class"]: t for t in rows(r, "order_totals").values() if t["order_source_id"] == "1"}
    assert {c: t["value"] for c, t in totals.items()} == {
        "subtotal": D("59.8000"), "shipping": D("7.0000"), "tax": D("1.4000"), "total": D("68.2000")}
    # the shipping VAT: 8.40 / 7.00 = 20 %
    assert (totals["shipping"]["tax_rate"], totals["tax"]["tax_rate"], totals["tax"]["title"]) == (D("20.00"), D("20.00"), "MVA 20%")
    # ps_order_history (1,0,1,1,...) (6,1,1,6,...): awaiting check payment, then canceled
    history = sorted((h for h in rows(r, "order_status_history").values() if h["order_source_id"] == "1"), key=lambda h: int(h["source_id"]))
    assert [(h["source_id"], h["order_status"], h["source_status"]) for h in history] == [
        ("1", "Venter på betaling", "Awaiting check payment"), ("6", "Kansellert", "Canceled")]


def test_817_order_options_from_a_name_without_dash(runs):
    # (5,3,...,16,28,0,'Mountain fox notebook Style : Ruled',...): the catalogue calls the group "Paper Type"
    line = rows(runs["8.1.7"], "order_lines")["5"]
    assert dict(line["options"]) == {"Style": "Ruled"}
    assert line["variant_source_id"] == "28"
    assert rows(runs["8.1.7"], "order_lines")["4"]["options"] is None  # a mug, no combination


def test_817_product(runs):
    p = rows(runs["8.1.7"], "products")["1"]
    # ps_product_shop price 23.900000 (net), wholesale 5.490000; ps_product weight 0.300000 (kg)
    assert (p["price"], p["cost"], p["weight"]) == (D("23.9000"), D("5.4900"), D("300.0000"))
    assert (p["sku"], p["ean"], p["manufacturer_source_id"], p["status"]) == ("demo_1", None, "1", 1)
    # ps_category_product (3,1),(4,1),(2,1), default category 4; Home (2) is not a category in Mystore
    assert p["category_source_ids"] == ["4", "3"]
    # ps_stock_available (.., 1, 0, 1, 0, 2400, ...)
    assert p["quantity"] == 2400
    assert dict(p["name"]) == {"no": "Hummingbird printed t-shirt"}
    assert dict(p["slug"]) == {"no": "hummingbird-printed-t-shirt"}
    # ps_product_lang: description_short '<p>Regular fit, round neckline, ...' is the first paragraph of the
    # description (it was dropped because a long description exists)
    description = dict(p["description"])["no"]
    assert description.startswith("<p>Regular fit, round neckline") and "Symbol of lightness and delicacy" in description
    # no tax rules in the dump: refine gives the shop's 25 % class and says why, in one line for the 19 products
    assert p["tax_class_source_id"] == "dumpkit:vat25"
    assert "TAX_CLASS_MISSING" in codes(runs["8.1.7"], "products", "1")
    [line] = [g for g in group_issues(runs["8.1.7"].log.items) if g.code == "TAX_CLASS_MISSING"]
    assert (line.count, line.text) == (19, "tax class 1 is not in the dump; the product gets MVA 25 % (class dumpkit:vat25)")
    # the pack, the customizable mug and the downloadable graphics are loaded, with what is lost said
    assert "PACK_PRODUCT" in codes(runs["8.1.7"], "products", "15")
    assert "CUSTOMIZATION_DROPPED" in codes(runs["8.1.7"], "products", "19")
    assert "VIRTUAL_PRODUCT" in codes(runs["8.1.7"], "products", "12")


def test_817_variants_options_images(runs):
    r = runs["8.1.7"]
    variants = rows(r, "product_variants")
    # ps_product_attribute_combination (1,1),(8,1): S and White; ps_stock_available (.., 1, 1, 1, 0, 300, ...)
    v1 = variants["1"]
    assert (v1["product_source_id"], v1["option_value_source_ids"], v1["quantity"], v1["price_difference"], v1["disabled"]) == (
        "1", ["1", "8"], 300, D("0.0000"), False)
    # the combination's reference 'demo_1' is the product's, copied: no article number of its own
    assert v1["sku"] is None
    # ps_product_attribute_shop (15, ..., price 50.000000): 80x120cm costs 50 more, net
    assert variants["15"]["price_difference"] == D("50.0000")
    assert variants["15"]["option_value_source_ids"] == ["21"]
    options = rows(r, "product_options")
    assert dict(options["1"]["name"]) == {"no": "Size"} and options["1"]["track_stock"] is True
    assert dict(rows(r, "product_option_values")["8"]["name"]) == {"no": "White"}
    images = rows(r, "product_images")
    # ps_image (1,1,1,1),(2,1,2,NULL): cover first; image 10 lives in img/p/1/0/10.jpg
    assert [(i["source_id"], i["position"], i["source_url"]) for i in sorted(
        (i for i in images.values() if i["product_source_id"] == "1" and i["variant_source_id"] is None), key=lambda i: i["position"])] == [
        ("1", 1, "img/p/1/1.jpg"), ("2", 2, "img/p/2/2.jpg")]
    assert images["10"]["source_url"] == "img/p/1/0/10.jpg"
    assert images["1"]["filename"] == "hummingbird-printed-t-shirt-1.jpg"
    # ps_product_attribute_image (1,2): combination 1 (White) shows image 2
    assert [i["source_id"] for i in images.values() if i["variant_source_id"] == "1"] == ["2/variant/1"]
    # 62 rows, 23 files: one name per file, the variant rows share their file's name, no two files share one
    names = {(i["source_url"], i["filename"]) for i in images.values()}
    assert len(images) == 62 and len(names) == len({u for u, _ in names}) == len({n for _, n in names}) == 23
    assert images["2/variant/1"]["filename"] == images["2"]["filename"] == "hummingbird-printed-t-shirt-2.jpg"


def test_817_specials(runs):
    # ps_specific_price (1,0,0,1,0,0,0,0,0,0,0,-1.000000,1,0.200000,1,'percentage',...): 20 % off 23.90
    specials = rows(runs["8.1.7"], "product_specials")
    assert (specials["1"]["product_source_id"], specials["1"]["specials_price"], specials["1"]["status"]) == ("1", D("19.1200"), 1)
    assert specials["2"]["specials_price"] == D("28.7200")  # 35.90 x 0.8


def test_817_customer(runs):
    c = rows(runs["8.1.7"], "customers")["2"]
    # ps_customer (2,...,'John','DOE','pub@prestashop.com',...,'1970-01-15',1,...): first address 2 (Paris),
    # the latest order's invoice address 5 (Miami) is the billing address
    assert (c["email"], c["name"], c["lastname"], c["gender"], c["dob"].isoformat(), c["newsletter"], c["is_guest"]) == (
        "pub@prestashop.com", "John", "DOE", "m", "1970-01-15", True, False)
    assert (c["address_address"], c["address_zipcode"], c["address_city"], c["address_country"]) == (
        "16, Main street, 2nd floor", "75002", "Paris", "FR")
    assert (c["billing_address_city"], c["billing_address_state"], c["billing_address_country"]) == ("Miami", "Florida", "US")
    assert c["extra_addresses"] is None


def test_817_redirects(runs):
    red = rows(runs["8.1.7"], "redirects")
    assert red["/1-hummingbird-printed-t-shirt.html"]["redirect_to"] == "/products/hummingbird-printed-t-shirt"
    assert red["/men/1-hummingbird-printed-t-shirt.html"]["entity_source_id"] == "1"
    # the URL of a combination (1.7.2+ route {category:/}{id}{-:id_product_attribute}-{rewrite}{-:ean13}.html)
    assert red["/men/1-1-hummingbird-printed-t-shirt.html"]["redirect_to"] == "/products/hummingbird-printed-t-shirt"
    assert red["/1-1-hummingbird-printed-t-shirt.html"]["entity_source_id"] == "1"
    assert (red["/3-clothes"]["redirect_to"], red["/3-clothes"]["entity"]) == ("/categories/clothes", "categories")
    assert red["/1_studio-design"]["redirect_to"] == "/manufacturers/studio-design"
    assert "/2-home" not in red and all(r["code"] == 301 for r in red.values())


# ---------------------------------------------------------------------------------------------
# PrestaShop 1.6.1 and 1.7.7, by hand

def test_161_net_price_stock_and_categories(runs):
    r = runs["1.6.1"]
    products = rows(r, "products")
    # ps_product_shop (2,1,7,1,...,26.999852,8.100000,...): net with 6 decimals, rounded half-up to 4
    assert (products["2"]["price"], products["2"]["cost"]) == (D("26.9999"), D("8.1000"))
    # ps_product ean13 '0' means none; so does weight 0.000000 (ps_product (1,...,0.000000,...)): not set, not 0 g
    assert products["2"]["ean"] is None and "INVALID_EAN" not in codes(r)
    assert products["1"]["weight"] is None
    # ps_category_product of product 4: 10 (default), 8, 3, 2 (Home)
    assert products["4"]["category_source_ids"] == ["10", "3", "8"]
    # two products called 'printed-dress': the second gets -1
    assert dict(products["4"]["slug"]) == {"no": "printed-dress-1"}
    # ps_stock_available (8,1,1,1,0,299,0,2): combination 1 has 299
    assert rows(r, "product_variants")["1"]["quantity"] == 299
    # product 2's cover is its third image (ps_image (7,2,3,1))
    images = sorted((i for i in rows(r, "product_images").values() if i["product_source_id"] == "2" and i["variant_source_id"] is None),
                    key=lambda i: i["position"])
    assert [i["source_id"] for i in images] == ["7", "5", "6"]
    # 'Shoes Size' is shown to customers as 'Size'
    assert dict(rows(r, "product_options")["2"]["name"]) == {"no": "Size"}


def test_161_orders(runs):
    r = runs["1.6.1"]
    # ps_orders (4,'FFATNOMMJ',...,total_paid_tax_incl 89.890000,...,total_products 87.890000,...,shipping 2.000000)
    totals = {t["class"]: t["value"] for t in rows(r, "order_totals").values() if t["order_source_id"] == "4"}
    assert totals == {"subtotal": D("87.8900"), "shipping": D("2.0000"), "total": D("89.8900")}
    # (11,4,...,5,19,'Printed Summer Dress - Color : Yellow, Size : S',1,...,30.506321,5.00,...,28.980000 x4)
    line = rows(r, "order_lines")["11"]
    assert (line["unit_price"], line["line_total"], dict(line["options"])) == (
        D("28.9800"), D("28.9800"), {"Color": "Yellow", "Size": "S"})
    assert rows(r, "orders")["5"]["order_status"] == "Venter på betaling"  # 'Awaiting bank wire payment'
    # friendly URLs are off in this shop
    red = rows(r, "redirects")
    assert red["/index.php?id_product=2&controller=product"]["redirect_to"] == "/products/blouse"
    assert red["/index.php?id_category=3&controller=category"]["redirect_to"] == "/categories/women"


def test_177_broken_line_total_and_foreign_rates(runs):
    r = runs["1.7.7"]
    # (3,2,...,4,18,0,'The adventure begins Framed poster - Size : 80x120cm',2,...,
    #  total_price_tax_incl 158.000000, total_price_tax_excl 79.000000, unit 79.000000 x2): the excl. total is broken
    line = rows(r, "order_lines")["3"]
    assert (line["quantity"], line["unit_price"], line["line_total"], line["tax_rate"]) == (2, D("79.0000"), D("158.0000"), D("0.00"))
    assert "LINE_TOTAL_INCONSISTENT" in codes(r, "order_lines", "3")
    # and the order's subtotal (total_products 169.900000) agrees with the repaired lines
    assert {t["class"]: t["value"] for t in rows(r, "order_totals").values() if t["order_source_id"] == "2"}["subtotal"] == D("169.9000")
    # US state taxes: 'US-FL Rate (6%)' becomes 25 % with a warning, 'US-AK Rate (0%)' stays 0. A 25 % class is no
    # longer titled "(6%)": 'MVA 25%', the source title in the description
    classes = rows(r, "tax_classes")
    assert (classes["9"]["title"], classes["9"]["tax_rate"], classes["2"]["tax_rate"]) == ("MVA 25%", D("25.00"), D("0.00"))
    assert classes["9"]["description"] == "US-FL Rate (6%): the source rate 6 % is not Norwegian"
    assert classes["2"]["title"] == "US-AK Rate (0%)"
    # the products use group 9 only: its rate is a warning, the other 45 foreign rates are info, said in one line
    assert [i.level for i in r.log.items if i.code == "VAT_RATE_NOT_NORWEGIAN" and i.source_id == "9"] == ["warning"]
    unused = [i for i in r.log.items if i.code == "VAT_RATE_NOT_NORWEGIAN" and i.source_id != "9"]
    assert len(unused) == 45 and {i.level for i in unused} == {"info"} and len({i.message for i in unused}) == 1
    p = rows(r, "products")["1"]
    # 23.90 net at Florida's 6 %: 25.334 -> 25.33 as the shop showed it
    assert (p["tax_class_source_id"], p["price"], p["price_gross"]) == ("9", D("23.9000"), D("25.3300"))
    # ps_product_shop (1,1,4,9,...,23.900000,0.000000,...): a wholesale price of 0 is "not set", so no cost (was 0.0000)
    assert p["cost"] is None and rows(r, "product_variants")["1"]["cost"] is None
    # (3,0,0,3,1,0,1,8,1,0,13,-1.000000,2,2.500000,1,'amount',...): one combination, from 2, for one group
    assert "COMBINATION_SPECIAL" in codes(r, "product_specials", "3")
    assert set(rows(r, "product_specials")) == {"1", "2"}


def test_same_dump_same_package(staged, runs, tmp_path):
    again = _migrate(staged["8.1.7"], tmp_path)
    for entity in runs["8.1.7"].counts:
        assert pq.read_table(again.out / f"{entity}.parquet").equals(pq.read_table(runs["8.1.7"].out / f"{entity}.parquet")), entity


# ---------------------------------------------------------------------------------------------
# what the dumps lack, added to a copy of 8.1.7

SCENARIO = """
-- a second active language (Swedish) with its own product and category names
INSERT INTO ps_lang (id_lang, name, active, iso_code, language_code) VALUES (2, 'Svenska (Swedish)', 1, 'sv', 'sv-se');
INSERT INTO ps_product_lang SELECT * REPLACE (2 AS id_lang, 'Kolibri t-shirt' AS name, 'kolibri-t-shirt' AS link_rewrite)
    FROM ps_product_lang WHERE id_product = 1 AND id_lang = 1;
INSERT INTO ps_category_lang SELECT * REPLACE (2 AS id_lang, 'Kläder' AS name, 'klader' AS link_rewrite)
    FROM ps_category_lang WHERE id_category = 3 AND id_lang = 1;
-- Norway is the shop's country; VAT 25 % (group 1, every product) and 12 %
UPDATE ps_configuration SET value = '23' WHERE name = 'PS_COUNTRY_DEFAULT';
INSERT INTO ps_tax (id_tax, rate, active, deleted) VALUES (1, 25.000, 1, 0), (2, 12.000, 1, 0);
INSERT INTO ps_tax_rules_group (id_tax_rules_group, name, active, deleted) VALUES (1, 'NO MVA 25%', 1, 0), (2, 'NO MVA 12%', 1, 0);
INSERT INTO ps_tax_rule (id_tax_rule, id_tax_rules_group, id_country, id_state, zipcode_from, zipcode_to, id_tax, behavior, description)
    VALUES (1, 1, 23, 0, '0', '0', 1, 0, ''), (2, 2, 23, 0, '0', '0', 2, 0, '');
-- EANs: a valid one and a broken one
UPDATE ps_product SET ean13 = '4006381333931' WHERE id_product = 5;
UPDATE ps_product SET ean13 = '123' WHERE id_product = 6;
-- specials: a gross amount, a net amount, a group price, a quantity discount
INSERT INTO ps_specific_price SELECT * REPLACE (3 AS id_specific_price, 3 AS id_product, 2.5 AS reduction, 1 AS reduction_tax,
    'amount' AS reduction_type, TIMESTAMP '2025-01-01 00:00:00' AS "from", TIMESTAMP '2025-12-31 23:59:59' AS "to")
    FROM ps_specific_price WHERE id_specific_price = 1;
INSERT INTO ps_specific_price SELECT * REPLACE (4 AS id_specific_price, 4 AS id_product, 2.5 AS reduction, 0 AS reduction_tax,
    'amount' AS reduction_type) FROM ps_specific_price WHERE id_specific_price = 1;
INSERT INTO ps_specific_price SELECT * REPLACE (5 AS id_specific_price, 5 AS id_product, 3 AS id_group) FROM ps_specific_price WHERE id_specific_price = 1;
INSERT INTO ps_specific_price SELECT * REPLACE (6 AS id_specific_price, 6 AS id_product, 3 AS from_quantity) FROM ps_specific_price WHERE id_specific_price = 1;
-- a guest checkout (PrestaShop makes a customer row with is_guest = 1) with a Norwegian address
INSERT INTO ps_customer SELECT * REPLACE (3 AS id_customer, 2 AS id_gender, 'Kari' AS firstname, 'Nordmann' AS lastname,
    ' Kari.Nordmann@Example.NO ' AS email, 1 AS is_guest, 0 AS newsletter, NULL AS birthday, '' AS siret) FROM ps_customer WHERE id_customer = 2;
INSERT INTO ps_address SELECT * REPLACE (7 AS id_address, 23 AS id_country, 0 AS id_state, 3 AS id_customer, '' AS company,
    'Kari' AS firstname, 'Nordmann' AS lastname, 'Storgata 1' AS address1, '' AS address2, '150' AS postcode, 'Oslo' AS city,
    '22 33 44 55' AS phone, '' AS phone_mobile, 'NO 923 609 016 MVA' AS vat_number) FROM ps_address WHERE id_address = 5;
-- a deleted customer with an order
INSERT INTO ps_customer SELECT * REPLACE (4 AS id_customer, 'Ola' AS firstname, 'Gone' AS lastname, 'gone@example.com' AS email,
    1 AS deleted) FROM ps_customer WHERE id_customer = 2;
-- a third address of customer 2 (main: 2 in Paris; billing: 5 in Miami, the latest order's invoice address)
INSERT INTO ps_address SELECT * REPLACE (8 AS id_address, 23 AS id_country, 0 AS id_state, 'Bryggen 2' AS address1, '' AS address2,
    '5003' AS postcode, 'Bergen' AS city, '55 55 55 55' AS phone) FROM ps_address WHERE id_address = 5;
-- order 6: the guest, in USD (conversion_rate 1.047735), lines at 25 % and 12 %, taxed shipping, a discount
INSERT INTO ps_orders SELECT * REPLACE (6 AS id_order, 'GUESTUSD' AS reference, 3 AS id_customer, 2 AS id_currency,
    7 AS id_address_delivery, 7 AS id_address_invoice, 4 AS current_state, 1.047735 AS conversion_rate,
    90.00 AS total_products, 111.20 AS total_products_wt, 8.00 AS total_shipping_tax_excl, 10.00 AS total_shipping_tax_incl,
    10.00 AS total_shipping, 25.000 AS carrier_tax_rate, 5.00 AS total_discounts_tax_excl, 6.25 AS total_discounts_tax_incl,
    6.25 AS total_discounts, 93.00 AS total_paid_tax_excl, 114.95 AS total_paid_tax_incl, 114.95 AS total_paid,
    TIMESTAMP '2025-03-05 10:00:00' AS date_add, TIMESTAMP '2025-03-06 12:00:00' AS date_upd) FROM ps_orders WHERE id_order = 1;
INSERT INTO ps_order_detail SELECT * REPLACE (8 AS id_order_detail, 6 AS id_order, 3 AS product_id, 14 AS product_attribute_id,
    'The best is yet to come'' Framed poster - Size : 60x90cm' AS product_name, 2 AS product_quantity, 'demo_6' AS product_reference,
    100.00 AS total_price_tax_incl, 80.00 AS total_price_tax_excl, 50.00 AS unit_price_tax_incl, 40.00 AS unit_price_tax_excl)
    FROM ps_order_detail WHERE id_order_detail = 1;
INSERT INTO ps_order_detail SELECT * REPLACE (9 AS id_order_detail, 6 AS id_order, 6 AS product_id, 0 AS product_attribute_id,
    'Mug The best is yet to come' AS product_name, 1 AS product_quantity, 'demo_11' AS product_reference,
    11.20 AS total_price_tax_incl, 10.00 AS total_price_tax_excl, 11.20 AS unit_price_tax_incl, 10.00 AS unit_price_tax_excl)
    FROM ps_order_detail WHERE id_order_detail = 1;
INSERT INTO ps_order_detail_tax VALUES (8, 1, 10.00, 20.00), (9, 2, 1.20, 1.20);
INSERT INTO ps_order_history SELECT * REPLACE (8 AS id_order_history, 6 AS id_order, 10 AS id_order_state,
    TIMESTAMP '2025-03-05 10:00:00' AS date_add) FROM ps_order_history WHERE id_order_history = 1;
INSERT INTO ps_order_history SELECT * REPLACE (9 AS id_order_history, 6 AS id_order, 2 AS id_order_state,
    TIMESTAMP '2025-03-05 11:00:00' AS date_add) FROM ps_order_history WHERE id_order_history = 1;
INSERT INTO ps_order_history SELECT * REPLACE (10 AS id_order_history, 6 AS id_order, 4 AS id_order_state,
    TIMESTAMP '2025-03-06 12:00:00' AS date_add) FROM ps_order_history WHERE id_order_history = 1;
INSERT INTO ps_message (id_message, id_cart, id_customer, id_employee, id_order, message, private, date_add)
    VALUES (1, 0, 3, 0, 6, 'Ring the bell twice', 0, TIMESTAMP '2025-03-05 10:00:00');
INSERT INTO ps_order_carrier SELECT * REPLACE (6 AS id_order_carrier, 6 AS id_order, 'TRACK-123' AS tracking_number)
    FROM ps_order_carrier WHERE id_order = 1;
-- order 7: of the deleted customer, no history, in an order state no map knows
INSERT INTO ps_order_state SELECT * REPLACE (14 AS id_order_state) FROM ps_order_state WHERE id_order_state = 2;
INSERT INTO ps_order_state_lang SELECT * REPLACE (14 AS id_order_state, 'Waiting for the moon' AS name)
    FROM ps_order_state_lang WHERE id_order_state = 2;
INSERT INTO ps_orders SELECT * REPLACE (7 AS id_order, 'DELETEDC' AS reference, 4 AS id_customer, 14 AS current_state)
    FROM ps_orders WHERE id_order = 4;
INSERT INTO ps_order_detail SELECT * REPLACE (10 AS id_order_detail, 7 AS id_order) FROM ps_order_detail WHERE id_order_detail = 6;
-- product 1 also in category 99, which the dump does not have (a category deleted without its links)
INSERT INTO ps_category_product (id_category, id_product, position) VALUES (99, 1, 7);
"""


@pytest.fixture(scope="module")
def scenario(staged, tmp_path_factory):
    return _migrate(staged["8.1.7"], tmp_path_factory.mktemp("ps-scenario"), SCENARIO)


def _nok(amount: str) -> Decimal:
    """An amount in USD in the shop's currency: / conversion_rate, half-up to 4 decimals."""
    return (D(amount) / D("1.047735")).quantize(D("0.0001"), rounding=ROUND_HALF_UP)


def test_scenario_accounted_for(scenario):
    assert all(rec.ok for rec in scenario.reconciliation)
    assert scenario.reconciliation[[r.entity for r in scenario.reconciliation].index("customers")].skipped == {
        "DELETED_IN_SOURCE": 1, "PLACEHOLDER_ACCOUNT": 1}
    assert "ORDER_TOTAL_MISMATCH" not in codes(scenario) and "ORDER_LINES_MISMATCH" not in codes(scenario)


def test_scenario_a_category_not_in_the_dump_is_reported_and_left_out(scenario):
    products = rows(scenario, "products")
    assert "99" not in products["1"]["category_source_ids"] and products["1"]["category_source_ids"]
    assert [(i["entity"], i["source_id"], i["field"], i["message"]) for i in scenario_issues(scenario)
            if i["code"] == "REFERENCE_MISSING"] == [("products", "1", "category_source_ids", "category_source_ids points at categories 99 not in the package; reference removed")]


def scenario_issues(run) -> list[dict]:
    return [json.loads(line) for line in (run.out / "issues.jsonl").read_text(encoding="utf-8").splitlines()]


def test_scenario_guest_checkout_keeps_its_customer(scenario):
    customers = rows(scenario, "customers")
    kari = customers["3"]
    assert (kari["is_guest"], kari["email"], kari["gender"], kari["newsletter"]) == (True, "kari.nordmann@example.no", "f", False)
    # Norwegian address: postcode with its leading zero, phone in E.164, org.nr without NO/MVA/spaces
    assert (kari["address_zipcode"], kari["phone"], kari["address_company_number"], kari["address_country"]) == (
        "0150", "+4722334455", "923609016", "NO")
    order = rows(scenario, "orders")["6"]
    assert (order["customer_source_id"], order["customer_address_email"], order["customer_address_zipcode"],
            order["customer_address_phone"], order["company_number"], order["tracking_number"]) == (
        "3", "kari.nordmann@example.no", "0150", "+4722334455", "923609016", "TRACK-123")


def test_scenario_deleted_customer_order_becomes_guest_order(scenario):
    guest = "dumpkit:guest:" + hashlib.sha256(b"gone@example.com").hexdigest()[:16]
    order = rows(scenario, "orders")["7"]
    assert order["customer_source_id"] == guest
    assert rows(scenario, "customers")[guest]["is_guest"] is True
    assert "4" not in rows(scenario, "customers")
    assert "CUSTOMER_DELETED" in codes(scenario, "orders", "7")
    # a state no map knows keeps its name and is reported; an order without history gets one row
    assert order["order_status"] == "Waiting for the moon" and "UNMAPPED_VALUE" in codes(scenario, "orders")
    assert [h["source_id"] for h in rows(scenario, "order_status_history").values() if h["order_source_id"] == "7"] == ["7/1"]


def test_scenario_foreign_currency_and_vat_rows(scenario):
    order = rows(scenario, "orders")["6"]
    assert (order["currency"], order["currency_value"], order["order_status"], order["source_status"]) == (
        "USD", D("1.047735"), "Sendt", "Shipped")
    assert order["finished_at"].isoformat() == "2025-03-06T11:00:00+00:00"  # shipped 12:00 in Oslo
    lines = rows(scenario, "order_lines")
    assert (lines["8"]["line_total"], lines["8"]["line_total_gross"], lines["8"]["tax_rate"], lines["8"]["unit_price"]) == (
        _nok("80.00"), _nok("100.00"), D("25.00"), D("38.1776"))
    assert (lines["9"]["line_total"], lines["9"]["tax_rate"]) == (_nok("10.00"), D("12.00"))
    totals = {(t["class"], t["tax_rate"]): t["value"] for t in rows(scenario, "order_totals").values() if t["order_source_id"] == "6"}
    vat = _nok("114.95") - _nok("93.00")
    vat12 = _nok("11.20") - _nok("10.00")
    assert totals == {
        ("subtotal", None): _nok("90.00"),
        ("discount", None): -_nok("5.00"),
        ("shipping", D("25.00")): _nok("8.00"),
        ("tax", D("25.00")): vat - vat12,
        ("tax", D("12.00")): vat12,
        ("total", None): _nok("114.95"),
    }
    history = sorted((h for h in rows(scenario, "order_status_history").values() if h["order_source_id"] == "6"),
                     key=lambda h: h["created_at"])
    assert [(h["order_status"], h["comments"]) for h in history] == [
        ("Venter på betaling", "Ring the bell twice"), ("Ikke behandlet", None), ("Sendt", None)]


def test_scenario_specials_and_taxes(scenario):
    specials = rows(scenario, "product_specials")
    # 29.00 net minus 2.50 incl. 25 % VAT (2.00 net)
    assert (specials["3"]["specials_price"], specials["3"]["price_gross"]) == (D("27.0000"), D("33.7500"))
    assert specials["3"]["expires_at"].isoformat() == "2025-12-31T22:59:59+00:00"
    # 29.00 net minus 2.50 net
    assert (specials["4"]["specials_price"], specials["4"]["price_gross"]) == (D("26.5000"), D("33.1300"))
    assert "5" not in specials and "GROUP_SPECIAL" in codes(scenario, "product_specials", "5")
    assert "6" not in specials and "QUANTITY_DISCOUNT" in codes(scenario, "product_specials", "6")
    classes = rows(scenario, "tax_classes")
    assert {k: v["tax_rate"] for k, v in classes.items()} == {"1": D("25.00"), "2": D("12.00")}
    p = rows(scenario, "products")["1"]
    assert (p["tax_class_source_id"], p["price"], p["price_gross"]) == ("1", D("23.9000"), D("29.8800"))


def test_scenario_languages_eans_addresses(scenario):
    products = rows(scenario, "products")
    assert dict(products["1"]["name"]) == {"no": "Hummingbird printed t-shirt", "sv": "Kolibri t-shirt"}
    assert dict(products["1"]["slug"]) == {"no": "hummingbird-printed-t-shirt", "sv": "kolibri-t-shirt"}
    assert dict(rows(scenario, "categories")["3"]["name"]) == {"no": "Clothes", "sv": "Kläder"}
    assert products["5"]["ean"] == "4006381333931"
    assert products["6"]["ean"] is None and "INVALID_EAN" in codes(scenario, "products", "6")
    # two active languages: every old path has its language in front; the product URL carries the EAN
    red = rows(scenario, "redirects")
    assert red["/sv/1-kolibri-t-shirt.html"]["language"] == "sv"
    assert red["/en/1-hummingbird-printed-t-shirt.html"]["language"] == "no"
    assert red["/en/art/5-today-is-a-good-day-framed-poster-4006381333931.html"]["entity_source_id"] == "5"
    assert "/1-hummingbird-printed-t-shirt.html" not in red
    extra = json.loads(rows(scenario, "customers")["2"]["extra_addresses"])
    assert [(a["source_id"], a["city"], a["country"], a["phone"]) for a in extra] == [("8", "Bergen", "NO", "+4755555555")]


def fill_route(rule: str | None, values: dict | None) -> str | None:
    """PrestaShop's route rule filled, as Dispatcher::createUrl does: {prefix:keyword:suffix} only
    when the keyword has a value (not NULL, empty or '0')."""
    if rule is None:
        return None
    values = dict(values or {})

    def one(m: re.Match) -> str:
        value = values.get(m.group(2))
        return f"{m.group(1) or ''}{value}{m.group(3) or ''}" if value not in (None, "", "0") else ""

    return re.sub(r"\{(?:([^{}:]*):)?([a-z0-9_]+)(?::([^{}]*))?\}", one, rule)


def test_route_macro_fills_the_rule_as_prestashop_does():
    """The product route compiled into SQL (functions.route_macro) writes what the rule filled row by
    row writes, for hostile rules too (quotes, SQL, keywords that are no parameter), and no path for
    a rule too long to be one."""
    import random

    import duckdb

    from dumpkit.map import functions

    keywords = ["id", "id_product_attribute", "rewrite", "ean13", "category"]
    rules = ["{category:/}{id}{-:id_product_attribute}-{rewrite}{-:ean13}.html", "{id}{-:id_product_attribute}-{rewrite}.html",
             "x{unknown}y", "plain", "{a:id:b}{{id}}", "", None, "it's{'; DROP TABLE x; --:id:\"'}",
             "{\\:rewrite:'')}/{id}') || getenv('HOME", "{category:/}" * 300, "x" * (functions.MAX_ROUTE_RULE + 1)]
    values = [None, "", "0", "00", "1", "abc", "é/ø", "'; SELECT 1; --"]
    rnd = random.Random(7)
    con = duckdb.connect()
    for rule in rules:
        con.execute(functions.route_macro("product_path", rule, keywords))
        cases = [{k: rnd.choice(values) for k in keywords} for _ in range(200)]
        got = [con.execute("SELECT product_path(?, ?, ?, ?, ?)", [c[k] for k in keywords]).fetchall()[0][0] for c in cases]
        want = [None if rule is not None and len(rule) > functions.MAX_ROUTE_RULE else fill_route(rule, c) for c in cases]
        assert got == want, rule
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchall()[0][0] == 0
