"""Magento 2 mappings (mappings/magento2/) on the real Magento 2.4.7 Luma shop.

Two fixtures (fixtures/SOURCES.md, made by fixtures/magento2/make_fixtures.py through the real MariaDB):
`luma` is the Luma sample shop as its owner dumped it, trimmed to Gear and the women's tees (English,
US tax, catalog prices without VAT, two sample orders); `luma-no` is that shop set up for Norway in the
admin (a Norwegian store view, NO VAT 25 % and 15 % with prices including VAT, manufacturers, special and
tier prices, a virtual and a downloadable product, a registered customer with two addresses) and with five
orders placed the way Magento's checkout writes them: two VAT rates, a guest's variant with free shipping, a
coupon, a cancelled order and an order in euros. Each is staged once and migrated once per module; the
expected values were read by hand from the dumps (the rows quoted in the comments). The amounts are checked
as the dumps have them (US dollars, --keep-currency); tests/test_currency.py converts them.
"""
from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from dumpkit.errors import DumpkitError
from dumpkit.map.platforms import detect, load_platforms
from dumpkit.migrate import migrate
from dumpkit.package.schema import ENTITIES
from dumpkit.report import render_report
from tests.helpers import codes, migrate_copy, rows, stage_each

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHOPS = {"luma": FIXTURES / "magento2" / "m2-2.4.7-luma.sql", "luma-no": FIXTURES / "magento2" / "m2-2.4.7-luma-no.sql"}
D = Decimal


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> dict[str, Path]:
    return stage_each(tmp_path_factory, "m2", {name: [path] for name, path in SHOPS.items()})


@pytest.fixture(scope="module")
def runs(staged, tmp_path_factory):
    return {name: migrate_copy(staged[name], tmp_path_factory.mktemp(f"m2-{name}")) for name in SHOPS}


@pytest.fixture(scope="module")
def no(runs):
    return runs["luma-no"]


def of_order(result, entity: str, order: str) -> list[dict]:
    return sorted((r for r in rows(result, entity).values() if r["order_source_id"] == order), key=lambda r: r["source_id"])


# ---------------------------------------------------------------------------------------------
# both shops

COUNTS = {
    # 238 products: 44 Gear simple products, the bundle and the grouped one, 12 configurable tees and their 180
    # children (variants, not products); 40 categories less the root catalog and "Default Category"
    "luma": {"tax_classes": 2, "manufacturers": 0, "categories": 38, "product_options": 2, "product_option_values": 32,
             "products": 56, "product_variants": 180, "product_images": 332, "product_specials": 1, "customers": 1,
             "orders": 2, "order_lines": 2, "order_totals": 8, "order_status_history": 2, "redirects": 249},
    # + a food, a virtual and a downloadable product, two manufacturers, Kari and the guest Ola, five orders
    "luma-no": {"tax_classes": 3, "manufacturers": 2, "categories": 38, "product_options": 2, "product_option_values": 32,
                "products": 59, "product_variants": 180, "product_images": 332, "product_specials": 3, "customers": 3,
                "orders": 7, "order_lines": 8, "order_totals": 30, "order_status_history": 10, "redirects": 270},
}


@pytest.mark.parametrize("shop", list(SHOPS))
def test_counts_all_fifteen_entities(runs, shop):
    assert runs[shop].counts == COUNTS[shop]
    assert list(runs[shop].counts) == list(ENTITIES)


@pytest.mark.parametrize("shop", list(SHOPS))
def test_everything_accounted_for(runs, shop):
    r = runs[shop]
    assert r.detection.platform.name == "magento2" and r.detection.version == "2.4.7"
    assert all(rec.ok for rec in r.reconciliation), [(rec.entity, rec.unaccounted) for rec in r.reconciliation]
    assert {rec.entity for rec in r.reconciliation} == {"tax_classes", "manufacturers", "categories", "products", "customers", "orders"}
    # nothing dropped, money that adds up, every status mapped, every reference found
    assert [i for i in r.log.items if i.level == "error"] == []
    for code in ("NOT_ACCOUNTED_FOR", "ORDER_TOTAL_MISMATCH", "ORDER_LINES_MISMATCH", "UNMAPPED_VALUE", "REFERENCE_MISSING",
                 "PRODUCT_MISSING", "VARIANT_MISSING", "TAX_CLASS_MISSING", "LANGUAGE_FALLBACK"):
        assert code not in codes(r), code
    # the root catalog and the store's root category are structure; the 180 tee sizes are variants
    assert codes(r, "categories").count("ROOT_CATEGORY") == 2
    assert codes(r, "products").count("CONFIGURABLE_CHILD") == 180
    products = rows(r, "products")
    assert "45" not in products and codes(r, "products", "45") == ["BUNDLE_PRODUCT"]  # Sprite Yoga Companion Kit
    assert "46" not in products and codes(r, "products", "46") == ["GROUPED_PRODUCT"]  # Set of Sprite Yoga Straps


@pytest.mark.parametrize("shop", list(SHOPS))
def test_order_money_adds_up(runs, shop):
    totals, lines = rows(runs[shop], "order_totals"), rows(runs[shop], "order_lines")
    for oid in {t["order_source_id"] for t in totals.values()}:
        mine = [t for t in totals.values() if t["order_source_id"] == oid]
        total = sum(t["value"] for t in mine if t["class"] == "total")
        assert sum(t["value"] for t in mine if t["class"] != "total") == total, oid
        assert sum(x["line_total"] for x in lines.values() if x["order_source_id"] == oid) == sum(
            t["value"] for t in mine if t["class"] == "subtotal"), oid


def test_report(no):
    # report.html is written with the package and renders again from it the same (the browser test is test_report.py)
    html = (no.out / "report.html").read_text(encoding="utf-8")
    assert "<html" in html and "2.4.7" in html
    assert render_report(no.out) == html


def test_same_dump_same_package(staged, runs, tmp_path):
    again = migrate_copy(staged["luma-no"], tmp_path)
    for entity in ENTITIES:
        assert pq.read_table(again.out / f"{entity}.parquet").equals(pq.read_table(runs["luma-no"].out / f"{entity}.parquet")), entity


# ---------------------------------------------------------------------------------------------
# the Luma shop as it was dumped

def test_luma_languages_prices_and_taxes(runs):
    r = runs["luma"]
    # core_config_data general/locale/code en_US, no other store view: English is Mystore's 'no'
    assert r.manifest["options"]["languages"] == {"en_US": "no"}
    assert r.manifest["options"]["timezone"] == "America/Sao_Paulo"
    p = rows(r, "products")["1428"]
    # catalog_product_entity (1428,...,'configurable','WS03',...); price 29.000000, no VAT in the price (the
    # shop's default), Taxable Goods (2) at US-MI-*-Rate 1 8.25 %: 31.39 as the shop showed it
    assert (p["sku"], p["price"], p["price_gross"], p["tax_class_source_id"]) == ("WS03", D("29.0000"), D("31.3900"), "2")
    assert dict(p["name"]) == {"no": "Iris Workout Top"} and dict(p["slug"]) == {"no": "iris-workout-top"}
    # tax_calculation_rate (3,'US',33,'*','US-MI-*-Rate 1',8.2500): not a Norwegian rate, 25 % with the reason
    classes = rows(r, "tax_classes")
    assert (classes["2"]["tax_rate"], classes["2"]["description"]) == (D("25.00"), "Taxable Goods (US-MI-*-Rate 1)")
    assert "VAT_RATE_NOT_NORWEGIAN" in codes(r, "tax_classes", "2")
    # Joust Duffle Bag has no tax_class_id value at all: Magento charges no VAT, class '0' at 0 %
    assert rows(r, "products")["1"]["tax_class_source_id"] == "0" and classes["0"]["tax_rate"] == D("0.00")


def test_luma_sample_order_without_child_row(runs):
    r = runs["luma"]
    # sales_order (1,'processing','processing',...,base_grand_total 36.3900, base_shipping_amount 5.0000, base_subtotal
    # 29.0000, base_tax_amount 2.3900,...,'000000001',...,'roni_cost@example.com','Veronica','Costello',...)
    order = rows(r, "orders")["1"]
    assert (order["reference"], order["customer_source_id"], order["order_status"], order["source_status"]) == (
        "000000001", "1", "Under behandling", "Processing")
    assert (order["payment_method"], order["payment_module"], order["shipping_method"]) == (
        "Check / Money order", "checkmo", "Flat Rate - Fixed")
    assert (order["customer_address_name"], order["customer_address_city"], order["customer_address_state"],
            order["customer_address_zipcode"], order["customer_address_country"]) == (
        "Veronica Costello", "Calder", "Michigan", "49628-7978", "US")
    # sales_order_item (1,1,NULL,...,1428,'configurable','{..."simple_sku":"WS03-XS-Red"...}',...): the sample data
    # wrote no child row: the variant is the simple product with that SKU (1415)
    [line] = of_order(r, "order_lines", "1")
    assert (line["product_source_id"], line["variant_source_id"], line["sku"], line["quantity"]) == ("1428", "1415", "WS03-XS-Red", 1)
    assert dict(line["options"]) == {"Size": "XS", "Color": "Red"}
    assert (line["unit_price"], line["line_total"], line["line_total_gross"], line["tax_rate"]) == (
        D("29.0000"), D("29.0000"), D("31.3900"), D("8.25"))
    assert {t["class"]: t["value"] for t in of_order(r, "order_totals", "1")} == {
        "subtotal": D("29.0000"), "shipping": D("5.0000"), "tax": D("2.3900"), "total": D("36.3900")}
    # order 2 was refunded: closed, with the credit memo's comment (sales_order_status_history (1,2,1,0,'We refunded
    # $39.64 offline.','closed',...))
    [history] = of_order(r, "order_status_history", "2")
    assert (history["order_status"], history["comments"], history["customer_notified"]) == (
        "Returnert", "We refunded $39.64 offline.", True)


# ---------------------------------------------------------------------------------------------
# the Norwegian shop, by hand

def test_languages_from_store_view_locales(no):
    # store (2,'no',1,1,'Norsk',1,1) with general/locale/code nb_NO (stores, 2): Norwegian is 'no', the default store
    # view's English keeps its code
    assert no.manifest["options"]["languages"] == {"nb_NO": "no", "en_US": "en"}
    assert no.manifest["options"]["timezone"] == "Europe/Oslo"
    p = rows(no, "products")["1428"]
    # catalog_product_entity_varchar (…,73,2,1428,'Iris treningstopp'), (…,121,2,1428,'iris-treningstopp')
    assert dict(p["name"]) == {"en": "Iris Workout Top", "no": "Iris treningstopp"}
    assert dict(p["slug"]) == {"en": "iris-workout-top", "no": "iris-treningstopp"}
    assert dict(p["description"])["no"] == "<p>Iris treningstopp er ermeløs, tettsittende og fukttransporterende.</p>"
    # what the Norwegian store view does not override, it shows in the admin's words
    assert dict(rows(no, "products")["3"]["name"]) == {"en": "Crown Summit Backpack", "no": "Crown Summit Backpack"}
    assert dict(rows(no, "categories")["4"]["name"]) == {"en": "Bags", "no": "Vesker"}
    assert dict(rows(no, "product_options")["93"]["name"]) == {"en": "Color", "no": "Farge"}
    assert dict(rows(no, "product_option_values")["58"]["name"]) == {"en": "Red", "no": "Rød"}


def test_configurable_product_with_options_stock_and_price_differences(no):
    p = rows(no, "products")["1428"]
    # the children's price 29.00 with 25 % VAT (tax/calculation/price_includes_tax 1): 23.20 net
    assert (p["price"], p["price_gross"], p["quantity"], p["manufacturer_source_id"]) == (D("23.2000"), D("29.0000"), None, "212")
    assert p["category_source_ids"] == ["25", "35", "33"]  # Tees (Women > Tops), Performance Fabrics, Promotions > Tees
    variants = {sid: v for sid, v in rows(no, "product_variants").items() if v["product_source_id"] == "1428"}
    assert len(variants) == 15
    # WS03-XL-Red (1427): size XL (170), color Red (58); 32.00 with VAT is 25.60 net, 2.40 above the product;
    # inventory_source_item 100, one piece reserved for the guest's unpaid order (inventory_reservation -1)
    xl_red = variants["1427"]
    assert (xl_red["option_value_source_ids"], xl_red["sku"], xl_red["price_difference"], xl_red["price_gross"],
            xl_red["quantity"], xl_red["disabled"]) == (["170", "58"], "WS03-XL-Red", D("2.4000"), D("32.0000"), 100, False)
    assert "STOCK_RESERVED" in codes(no, "product_variants", "1427")
    # WS03-XS-Red (1415): 99 after the sample order's shipment; WS03-XS-Green (1414) is disabled
    assert (variants["1415"]["quantity"], variants["1415"]["price_difference"]) == (99, D("0.0000"))
    assert variants["1414"]["disabled"] is True
    # a variant's images are its own child's gallery (/w/s/ws03-red_main_1.jpg for the red ones)
    images = [i for i in rows(no, "product_images").values() if i["variant_source_id"] == "1427"]
    assert [(i["position"], i["source_url"]) for i in sorted(images, key=lambda i: i["position"])][0] == (
        1, "pub/media/catalog/product/w/s/ws03-red_main_1.jpg")
    assert codes(no, "products", "1427") == ["CONFIGURABLE_CHILD"]


def test_category_path(no):
    cats = rows(no, "categories")
    # catalog_category_entity path 1/2/20/21/25: Tees < Tops < Women, whose parent "Default Category" (2) is the
    # store's root: Women is top-level in Mystore
    assert [cats["25"]["parent_source_id"], cats["21"]["parent_source_id"], cats["20"]["parent_source_id"]] == ["21", "20", None]
    assert "1" not in cats and "2" not in cats
    assert dict(cats["25"]["slug"]) == {"en": "tees-women", "no": "tees-women"}
    assert (cats["25"]["status"], cats["25"]["sort"]) == (1, 3)


def test_customer_with_two_addresses(no):
    c = rows(no, "customers")["2"]
    # customer_entity Kari Nordmann, default_shipping = address 3 (Bergen), default_billing = address 2 (Oslo)
    assert (c["email"], c["name"], c["lastname"], c["gender"], c["dob"].isoformat(), c["newsletter"], c["is_guest"]) == (
        "kari.nordmann@example.no", "Kari", "Nordmann", "f", "1985-03-14", True, False)
    assert (c["address_address"], c["address_zipcode"], c["address_city"], c["address_country"], c["phone"]) == (
        "Bryggen 2, Leilighet 3", "5003", "Bergen", "NO", "+4755555555")
    # the billing address: postcode '150' with its leading zero, 'NO 923 609 016 MVA' as an org.nr
    assert (c["billing_address_company"], c["billing_address_company_number"], c["billing_address_address"],
            c["billing_address_zipcode"], c["billing_address_city"]) == ("Nordmann Design AS", "923609016", "Storgata 1", "0150", "Oslo")
    assert c["last_login"].isoformat() == "2024-06-10T09:55:00+00:00" and c["extra_addresses"] is None


def test_order_with_two_vat_rates_to_the_ore(no):
    # order 3: 2 x Proteinbar sjokolade 39.00 (Matvarer, 15 %) + Fusion Backpack 59.00 (25 %), flat rate 3 x 5.00 (25 %)
    lines = of_order(no, "order_lines", "3")
    assert [(x["sku"], x["quantity"], x["unit_price"], x["line_total"], x["line_total_gross"], x["tax_rate"]) for x in lines] == [
        ("NO-PB01", 2, D("33.9150"), D("67.8300"), D("78.0000"), D("15.00")),  # 78.00 - 10.17 VAT
        ("24-MB02", 1, D("47.2000"), D("47.2000"), D("59.0000"), D("25.00"))]
    totals = {(t["class"], t["tax_rate"]): t["value"] for t in of_order(no, "order_totals", "3")}
    assert totals == {("subtotal", None): D("115.0300"), ("shipping", D("25.00")): D("12.0000"),
                      ("tax", D("25.00")): D("14.8000"), ("tax", D("15.00")): D("10.1700"), ("total", None): D("152.0000")}
    order = rows(no, "orders")["3"]
    # invoiced, shipped with a tracking number and commented: complete
    assert (order["order_status"], order["tracking_number"], order["finished_at"].isoformat()) == (
        "Sendt", "70712345678901234", "2024-06-04T09:05:00+00:00")
    assert (order["shipping_address_city"], order["billing_address_city"], order["company_number"]) == ("Bergen", "Oslo", "923609016")
    history = of_order(no, "order_status_history", "3")
    assert [(h["order_status"], h["comments"], h["customer_notified"]) for h in history] == [
        ("Venter på betaling", None, True), ("Sendt", "Pakken er sendt med Bring.", True)]


def test_guest_order_of_a_variant_with_free_shipping(no):
    order = rows(no, "orders")["4"]
    guest = "dumpkit:guest:" + hashlib.sha256(b"ola.nordmann@example.no").hexdigest()[:16]
    assert (order["customer_source_id"], order["order_status"], order["shipping_method"], order["customer_address_zipcode"],
            order["customer_address_phone"]) == (guest, "Venter på betaling", "Free Shipping - Free", "0555", "+4798765432")
    assert rows(no, "customers")[guest]["is_guest"] is True
    # a configurable line and its child line are one order line: the product and the chosen variant, the options
    # as the Norwegian store view showed them
    [line] = of_order(no, "order_lines", "4")
    assert (line["product_source_id"], line["variant_source_id"], line["name"], line["sku"]) == (
        "1428", "1427", "Iris treningstopp", "WS03-XL-Red")
    assert dict(line["options"]) == {"Farge": "Rød", "Størrelse": "XL"}
    assert {t["class"]: t["value"] for t in of_order(no, "order_totals", "4")} == {
        "subtotal": D("25.6000"), "shipping": D("0.0000"), "tax": D("6.4000"), "total": D("32.0000")}


def test_discount_cancelled_and_foreign_currency_orders(no):
    # order 5: 2 x 32.00, coupon SOMMER10 takes 6.40 off the price with VAT: 5.12 net, 1.28 less VAT
    totals = {(t["class"], t["tax_rate"]): (t["title"], t["value"]) for t in of_order(no, "order_totals", "5")}
    assert totals == {("subtotal", None): ("Delsum", D("51.2000")), ("discount", None): ("Rabatt (SOMMER10)", D("-5.1200")),
                      ("shipping", D("25.00")): ("Frakt", D("8.0000")), ("tax", D("25.00")): ("MVA 25%", D("13.5200")),
                      ("total", None): ("Totalt", D("67.6000"))}
    # the shop's private comment is kept, not loaded
    assert rows(no, "orders")["5"]["internal_note"] == "Kunden ba om levering etter kl. 17."
    assert "ORDER_NOTE_NOT_LOADED" in codes(no, "orders", "5")
    # order 6 was cancelled in the admin: its amounts stay what was ordered
    cancelled = rows(no, "orders")["6"]
    assert (cancelled["order_status"], cancelled["source_status"]) == ("Kansellert", "Canceled")
    assert [h["order_status"] for h in of_order(no, "order_status_history", "6")] == ["Venter på betaling", "Kansellert"]
    # order 7 was placed in EUR (base_to_order_rate 0.7067): the base amounts, the currency and its rate
    euro = rows(no, "orders")["7"]
    assert (euro["currency"], euro["currency_value"], euro["reference"]) == ("EUR", D("0.706700"), "000000003")
    assert {t["class"]: t["value"] for t in of_order(no, "order_totals", "7")}["total"] == D("37.0000")


def test_products_of_every_kind(no):
    products = rows(no, "products")
    # Proteinbar sjokolade: the food class at 15 %, 60 g (0.06 kg), 48 in stock after the shipped order
    food = products["2041"]
    assert (food["tax_class_source_id"], food["price"], food["weight"], food["quantity"]) == ("4", D("33.9130"), D("60.0000"), 48)
    assert "VIRTUAL_PRODUCT" in codes(no, "products", "2042") and products["2042"]["status"] == 1
    assert "DOWNLOADABLE_PRODUCT" in codes(no, "products", "2043") and products["2043"]["quantity"] is None
    # Overnight Duffle is "not visible individually" on its own: inactive, said once
    assert products["13"]["status"] == 0 and codes(no, "products", "13") == ["PRODUCT_HIDDEN"]
    assert {m["source_id"]: m["name"] for m in rows(no, "manufacturers").values()} == {"212": "Luma", "213": "Sprite Yoga"}
    classes = {k: (c["title"], c["tax_rate"]) for k, c in rows(no, "tax_classes").items()}
    assert classes == {"0": ("MVA 0%", D("0.00")), "2": ("Taxable Goods", D("25.00")), "4": ("Matvarer", D("15.00"))}


def test_special_and_tier_prices(no):
    specials = rows(no, "product_specials")
    # Crown Summit Backpack: special_price 30.00 from 2024-06-01 to 2024-06-30 (Oslo days): 24.00 net, until July
    s = specials["3/special"]
    assert (s["specials_price"], s["price_gross"], s["starts_at"].isoformat(), s["expires_at"].isoformat()) == (
        D("24.0000"), D("30.0000"), "2024-05-31T22:00:00+00:00", "2024-06-30T22:00:00+00:00")
    # Joust Duffle Bag's tier prices: everyone from one piece is a special (no VAT: no tax class); from 3 pieces and
    # for the Wholesale group they are not
    assert specials["tier/3"]["specials_price"] == D("32.0000")
    assert codes(no, "product_specials", "tier/1") == ["TIER_PRICE"] and codes(no, "product_specials", "tier/2") == ["GROUP_PRICE"]
    assert codes(no, "product_specials", "catalogrule/1") == ["CATALOG_PRICE_RULE"]
    # Luma's own special prices equal their prices: no reduction
    assert codes(no, "product_specials", "2/special") == ["NO_REDUCTION"]


def test_redirects(no):
    red = rows(no, "redirects")
    # url_rewrite: the English page and, in the Norwegian store view, the new URL key and the old one kept as a 301
    assert (red["/iris-workout-top.html"]["redirect_to"], red["/iris-workout-top.html"]["language"]) == (
        "/products/iris-workout-top", "en")
    assert (red["/iris-treningstopp.html"]["redirect_to"], red["/iris-treningstopp.html"]["language"]) == (
        "/products/iris-treningstopp", "no")
    assert red["/gear/vesker.html"]["redirect_to"] == "/categories/vesker"
    assert red["/gear/bags/wayfarer-messenger-bag.html"]["entity_source_id"] == "4"
    # Magento's own route and the URL it builds for a product the rewrites lack
    assert red["/catalog/product/view/id/1428"]["entity_source_id"] == "1428"
    assert red["/proteinbar-sjokolade.html"]["redirect_to"] == "/products/proteinbar-sjokolade"
    assert codes(no, "redirects", "/sprite-yoga-companion-kit.html") == ["TARGET_NOT_MIGRATED"]
    assert all(r["code"] == 301 for r in red.values())


def test_password_hashes_stay_out(no):
    written = [json.dumps(r, default=str) for f in no.out.glob("*.parquet") for r in pq.read_table(f).to_pylist()]
    assert not [w for w in written if "3_32_2_67108864" in w or "0X94VuSMRWRFamyad0Fr9cSRaFP30593" in w]


# ---------------------------------------------------------------------------------------------
# what the dumps do not have, made on a staged copy

# Magento Commerce (content staging): every product and category row gets a row_id of its own (here entity_id +
# 10000), created_in/updated_in version bounds, and the EAV, super link, gallery and tier price tables point at
# the row_id; Iris Workout Top has a scheduled update in 2030 (a second row with another name and price)
COMMERCE = """
ALTER TABLE catalog_product_entity ADD COLUMN row_id BIGINT;
ALTER TABLE catalog_product_entity ADD COLUMN created_in BIGINT;
ALTER TABLE catalog_product_entity ADD COLUMN updated_in BIGINT;
UPDATE catalog_product_entity SET row_id = entity_id + 10000, created_in = 1, updated_in = 2147483647;
ALTER TABLE catalog_category_entity ADD COLUMN row_id BIGINT;
ALTER TABLE catalog_category_entity ADD COLUMN created_in BIGINT;
ALTER TABLE catalog_category_entity ADD COLUMN updated_in BIGINT;
UPDATE catalog_category_entity SET row_id = entity_id + 10000, created_in = 1, updated_in = 2147483647;
""" + "".join(f"""
ALTER TABLE {t} RENAME COLUMN entity_id TO row_id;
UPDATE {t} SET row_id = row_id + 10000;
""" for t in ("catalog_product_entity_varchar", "catalog_product_entity_int", "catalog_product_entity_decimal",
              "catalog_product_entity_text", "catalog_product_entity_datetime", "catalog_product_entity_tier_price",
              "catalog_product_entity_media_gallery_value", "catalog_product_entity_media_gallery_value_to_entity",
              "catalog_category_entity_varchar", "catalog_category_entity_int")) + """
UPDATE catalog_product_super_link SET parent_id = parent_id + 10000;
UPDATE catalog_product_super_attribute SET product_id = product_id + 10000;
UPDATE catalog_product_entity SET updated_in = 1893456000 WHERE entity_id = 1428;
INSERT INTO catalog_product_entity SELECT * REPLACE (50000 AS row_id, 1893456000 AS created_in, 2147483647 AS updated_in)
    FROM catalog_product_entity WHERE entity_id = 1428;
INSERT INTO catalog_product_entity_varchar SELECT * REPLACE (50000 AS row_id, 'Iris 2030' AS value)
    FROM catalog_product_entity_varchar WHERE row_id = 11428;
"""


@pytest.fixture(scope="module")
def commerce(staged, tmp_path_factory):
    return migrate_copy(staged["luma-no"], tmp_path_factory.mktemp("m2-commerce"), COMMERCE)


def test_commerce_row_ids_are_detected(no, commerce):
    assert commerce.detection.version == "2.4.7 Commerce"
    assert all(rec.ok for rec in commerce.reconciliation)
    # the live version of each product, not the one scheduled for 2030: the same package as Open Source's
    for entity in ("products", "product_variants", "product_images", "product_specials", "categories", "product_options"):
        assert rows(commerce, entity) == rows(no, entity), entity
    assert dict(rows(commerce, "products")["1428"]["name"])["en"] == "Iris Workout Top"


# without MSI (inventory_source_item empty: the modules disabled), the legacy stock item is the stock
LEGACY_STOCK = """
DELETE FROM inventory_source_item;
UPDATE cataloginventory_stock_item SET qty = 7 WHERE product_id = 2041;
UPDATE cataloginventory_stock_item SET use_config_manage_stock = 0, manage_stock = 0 WHERE product_id = 6;
"""


def test_legacy_stock_without_msi(staged, tmp_path):
    r = migrate_copy(staged["luma-no"], tmp_path, LEGACY_STOCK)
    products = rows(r, "products")
    assert (products["2041"]["quantity"], products["6"]["quantity"], products["2"]["quantity"]) == (7, None, 100)
    assert "STOCK_RESERVED" not in codes(r)


def test_version_from_the_schema_when_the_admin_never_said(staged, tmp_path):
    """Without Magento_AdminAnalytics' version log, the schema tells 2.4 (login_as_customer) from 2.3 (patch_list)."""
    db = tmp_path / "stage.duckdb"
    db.write_bytes(staged["luma"].read_bytes())
    con = duckdb.connect(str(db))
    try:
        versions = []
        for table in ("admin_analytics_usage_version_log", "login_as_customer_assistance_allowed", "login_as_customer"):
            con.execute(f"DROP TABLE {table}")
            versions.append(detect(con, load_platforms()).version)
        assert versions == ["2.4", "2.4", "2.3"]
    finally:
        con.close()


def test_magento_1_is_refused(tmp_path):
    # mysqldump --no-data of a stock Magento 1.9.2.1 (core_store, sales_flat_order, catalog_product_entity...)
    with pytest.raises(DumpkitError) as e:
        migrate(FIXTURES / "magento1" / "m1-1.9.2.1-schema.sql", tmp_path / "out")
    assert str(e.value).startswith("this is a dump of Magento 1") and "Magento 2.3 and 2.4" in str(e.value)
    assert "\n" not in str(e.value)
