"""Shopware 6 mappings (mappings/shopware6/) on the real 6.4 shop and on the same shop with orders.

`6.4` is the real phpMyAdmin dump of a Shopware 6.4.14 shop with the official demo data
(fixtures/shopware6/sw-6.4-happyware.sql, no orders); `orders` is that shop restored into the real
MariaDB with orders placed the way Shopware 6.4.14 writes them and dumped by mariadb-dump
(sw-6.4-orders.sql, made by tests/shopware_checkout.py, see fixtures/SOURCES.md). Each is staged
once and migrated once per module; `orders` as a real migration, its EUR amounts converted at
11.70 NOK per EUR. The expected values were worked out by hand from the dump rows quoted in the
comments (prices are the JSON of the product and order rows).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dumpkit.errors import DumpkitError
from dumpkit.migrate import migrate
from tests.helpers import codes, migrate_copy, rows, stage_each

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopware6"
D = Decimal
EUR = D("11.70")

# ids of the dump (lower-case hex of the binary(16) keys)
VARIANT_PRODUCT = "43a23e0c03bf4ceabc6055a2185faa87"  # "Variant product" SWDEMO10005: 6 variants, colour x size
BLUE_XL = "e7beee8404b448feb066648a7cd0ceea"  # SWDEMO10005.2
MAIN_PRODUCT = "2a88d9b59d474c7e869d8071649be43c"  # "Main product" SWDEMO10001, 495.95
CHOCOLATE = "1901dc5e888f4b1ea4168c2c5f005540"  # "Main product with reviews" SWDEMO100013
MEN, CLOTHING, ROOT = "2185182cbbd4462ea844abeb2a438b33", "a515ae260223466f8e37471d279e6406", "9a97371a0fdb40deaaa0646ac075ab21"
STANDARD_RATE, REDUCED_RATE = "62051068e3384d9e9aa22b28c1399d3d", "46a6390e58a74e0ea7913c7ee388f545"
MAX = "6c97534c2c0747f39e8751e43cb2b013"
COLOUR, SIZE = "269c7e40a54a462e884edb004c5f7bc8", "75f353b589d04bf48e8a9ab1f5422b0e"
BLUE, XL = "2bfd278e87204807a890da4a3e81dd90", "acfd7586d02848f1ac801f4776efa414"


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> dict[str, Path]:
    return stage_each(tmp_path_factory, "sw", {"6.4": [FIXTURES / "sw-6.4-happyware.sql"],
                                               "orders": [FIXTURES / "sw-6.4-orders.sql"]})


@pytest.fixture(scope="module")
def runs(staged, tmp_path_factory):
    return {"6.4": migrate_copy(staged["6.4"], tmp_path_factory.mktemp("sw-6.4")),
            "orders": migrate_copy(staged["orders"], tmp_path_factory.mktemp("sw-orders"), currency_rates={"EUR": EUR})}


def by_reference(result) -> dict[str, dict]:
    return {o["reference"]: o for o in rows(result, "orders").values()}


def of_order(result, entity: str, order_id: str) -> list[dict]:
    return [r for r in rows(result, entity).values() if r["order_source_id"] == order_id]


# ---------------------------------------------------------------------------------------------
# both fixtures

COUNTS = {
    # 9 categories less the root; 2 property groups are variant dimensions (3 more are properties only);
    # 16 product rows = 6 products + 10 variants; 23 SEO URLs of the storefront (the headless channel has
    # no http domain) and the 23 technical /detail/, /navigation/ paths
    "6.4": {"tax_classes": 3, "manufacturers": 4, "categories": 8, "product_options": 2, "product_option_values": 7,
            "products": 6, "product_variants": 10, "product_images": 6, "product_specials": 0, "customers": 1,
            "orders": 0, "order_lines": 0, "order_totals": 0, "order_status_history": 0, "redirects": 46},
    # 2 registered customers more (Kari, the guest Sven); 4 orders, 7 product lines (the promotion is a discount),
    # totals: 4 x (subtotal, shipping, total) + 6 VAT rows + 1 discount; history: 4 placed + 5 transitions
    "orders": {"tax_classes": 3, "manufacturers": 4, "categories": 8, "product_options": 2, "product_option_values": 7,
               "products": 6, "product_variants": 10, "product_images": 6, "product_specials": 0, "customers": 3,
               "orders": 4, "order_lines": 7, "order_totals": 19, "order_status_history": 9, "redirects": 46},
}


@pytest.mark.parametrize("shop", list(COUNTS))
def test_counts(runs, shop):
    assert runs[shop].counts == COUNTS[shop]


@pytest.mark.parametrize("shop", list(COUNTS))
def test_everything_accounted_for(runs, shop):
    r = runs[shop]
    assert (r.detection.platform.name, r.detection.version, r.detection.prefix) == ("shopware6", "6.4", "")
    assert all(rec.ok for rec in r.reconciliation), [(rec.entity, rec.unaccounted) for rec in r.reconciliation]
    assert {rec.entity for rec in r.reconciliation} == {"tax_classes", "manufacturers", "categories", "products", "customers", "orders"}
    assert [i for i in r.log.items if i.level == "error" and i.phase != "stage"] == []
    for code in ("NOT_ACCOUNTED_FOR", "ORDER_TOTAL_MISMATCH", "ORDER_LINES_MISMATCH", "UNMAPPED_VALUE", "REFERENCE_MISSING",
                 "PRODUCT_MISSING", "VARIANT_MISSING", "TAX_CLASS_MISSING", "NO_CATEGORY", "EMPTY_NAME"):
        assert code not in codes(r), code
    # "Catalogue #1" (category 9a97371a..., parent_id NULL) is the storefront's navigation root
    assert codes(r, "categories") == ["ROOT_CATEGORY"]
    assert codes(r, "categories", ROOT) == ["ROOT_CATEGORY"]


@pytest.mark.parametrize("shop", list(COUNTS))
def test_order_money_adds_up(runs, shop):
    totals, lines = rows(runs[shop], "order_totals"), rows(runs[shop], "order_lines")
    for oid in {t["order_source_id"] for t in totals.values()}:
        mine = [t for t in totals.values() if t["order_source_id"] == oid]
        total = sum(t["value"] for t in mine if t["class"] == "total")
        assert abs(sum(t["value"] for t in mine if t["class"] != "total") - total) <= D("0.01") * EUR
        subtotal = sum(t["value"] for t in mine if t["class"] == "subtotal")
        assert sum(line["line_total"] for line in lines.values() if line["order_source_id"] == oid) == subtotal


# ---------------------------------------------------------------------------------------------
# the catalogue, by hand

def test_a_product_with_variants_their_options_stock_and_price_differences(runs):
    r = runs["orders"]
    # product 43a23e0c...: price {"cb7d...": {"net": 16.8, "gross": 19.99, "linked": true}}, tax 19 % (Standard rate).
    # The shop shows gross prices: 19.99 is kept, net of Mystore's 25 % (the class's rate): 15.992 EUR = 187.1064 NOK
    product = rows(r, "products")[VARIANT_PRODUCT]
    assert (product["sku"], product["price"], product["price_gross"], product["tax_class_source_id"]) == (
        "SWDEMO10005", D("187.1064"), D("19.9900"), STANDARD_RATE)
    assert dict(product["name"]) == {"no": "Variant product", "de": "Variantenprodukt"}
    variants = {v["sku"]: v for v in rows(r, "product_variants").values() if v["product_source_id"] == VARIANT_PRODUCT}
    assert sorted(variants) == [f"SWDEMO10005.{n}" for n in range(1, 7)]
    # SWDEMO10005.2 (product_option: Blue, XL) got its own price 24.99 and stock 7 in the administration; one is in
    # the open order 10000, so 6 can still be sold (available_stock). (24.99 - 19.99) / 1.25 = 4.00 EUR = 46.80 NOK
    blue_xl = variants["SWDEMO10005.2"]
    assert (blue_xl["source_id"], blue_xl["option_value_source_ids"], blue_xl["quantity"], blue_xl["price_difference"],
            blue_xl["price_gross"], blue_xl["disabled"]) == (BLUE_XL, [BLUE, XL], 6, D("46.8000"), D("24.9900"), False)
    # the others inherit the price (price NULL) and keep their stock of 50
    assert {(v["price_difference"], v["price_gross"], v["quantity"]) for s, v in variants.items() if s != "SWDEMO10005.2"} == {
        (D("0.0000"), D("19.9900"), 50)}
    options = rows(r, "product_options")
    assert (dict(options[COLOUR]["name"]), dict(options[SIZE]["name"])) == ({"no": "Colour", "de": "Farbe"}, {"no": "Size", "de": "Größe"})
    values = rows(r, "product_option_values")
    assert (values[XL]["option_source_id"], dict(values[XL]["name"])) == (SIZE, {"no": "XL", "de": "XL"})
    # Size sorts alphanumerically (property_group.sorting_type): L, M, S, XL
    sizes = sorted((v for v in values.values() if v["option_source_id"] == SIZE), key=lambda v: v["sort"])
    assert [dict(v["name"])["no"] for v in sizes] == ["L", "M", "S", "XL"]


def test_a_multi_language_name_and_the_system_language_as_main(runs):
    r = runs["6.4"]
    # English is the system language (2fbb5fe2...) and the shop has no Norwegian: English is 'no', German 'de'
    assert r.manifest["options"]["languages"] == {"en-GB": "no", "de-DE": "de"}
    product = rows(r, "products")[MAIN_PRODUCT]
    assert dict(product["name"]) == {"no": "Main product", "de": "Hauptartikel"}
    assert dict(product["slug"]) == {"no": "main-product", "de": "hauptartikel"}
    assert "LANGUAGE_FALLBACK" not in codes(r)


def test_a_category_path(runs):
    categories = rows(runs["6.4"], "categories")
    # Catalogue #1 > Clothing > Men: the root is left out, Clothing is top-level, Men under it (second after Women)
    assert ROOT not in categories
    assert (categories[CLOTHING]["parent_source_id"], dict(categories[CLOTHING]["name"])) == (None, {"no": "Clothing", "de": "Bekleidung"})
    men = categories[MEN]
    assert (men["parent_source_id"], dict(men["name"]), dict(men["slug"]), men["status"], men["sort"]) == (
        CLOTHING, {"no": "Men", "de": "Herren"}, {"no": "men", "de": "herren"}, 1, 2)
    # "Food" is inactive in the dump (its children are active)
    assert categories["77b959cf66de4c1590c7f9b7da3982f3"]["status"] == 0
    # the product "Main product, free shipping with highlighting" is in Men (product_category)
    assert rows(runs["6.4"], "products")["3ac014f329884b57a2cce5a29f34779c"]["category_source_ids"] == [MEN]


def test_tax_classes_for_the_shops_country(runs):
    classes = rows(runs["orders"], "tax_classes")
    # tax_rule for the storefront's country Germany: 19 % and 7 %, not Norwegian rates: 25 % with a warning
    assert {(c["title"], c["tax_rate"]) for c in classes.values()} == {
        ("Standard rate", D("25.00")), ("Reduced rate", D("25.00")), ("Reduced rate 2", D("0.00"))}
    assert codes(runs["orders"], "tax_classes", STANDARD_RATE) == ["VAT_RATE_NOT_NORWEGIAN"]
    # the chocolate was moved to the reduced rate in the administration
    assert rows(runs["orders"], "products")[CHOCOLATE]["tax_class_source_id"] == REDUCED_RATE


def test_list_and_advanced_prices_are_reported(runs):
    r = runs["orders"]
    [listed] = [i for i in r.log.items if i.code == "LIST_PRICE_NOT_MIGRATED"]
    assert (listed.source_id, listed.level) == (MAIN_PRODUCT, "warning")
    assert "549.00" in listed.message
    # product_price: rule "Alle Kunden der Standard-Kundengruppe" 800.00 from 1 and 750.00 from 12 pieces
    [advanced] = [i for i in r.log.items if i.code == "ADVANCED_PRICES_NOT_MIGRATED"]
    assert advanced.source_id == "11dc680240b04f469ccba354cbf0b967"
    assert advanced.message.startswith("2 advanced prices (Alle Kunden der Standard-Kundengruppe, from 1 pcs: 800.00")
    assert rows(r, "products")["11dc680240b04f469ccba354cbf0b967"]["price_gross"] == D("950.0000")


def test_images_are_media_paths_from_the_shop_root(runs):
    images = rows(runs["6.4"], "product_images")
    # product_media 55a1e7d9... (the cover of product 43a23e0c...) is media 102ac62b..., shirt_600x600.jpg uploaded
    # 2022-08-01 16:07:35 UTC: media/ + md5('102ac62ba27347a688030a05c1790db7') in three folders + the upload time
    shirt = images["55a1e7d9f9e84400a17e2b86d7a3fc89"]
    assert (shirt["product_source_id"], shirt["position"], shirt["source_url"], shirt["filename"]) == (
        VARIANT_PRODUCT, 1, "media/f9/0d/df/1659370055/shirt_600x600.jpg", "shirt-600x600.jpg")


def test_redirects_from_the_seo_urls(runs):
    redirects = rows(runs["6.4"], "redirects")
    assert redirects["/Clothing/Men/"]["redirect_to"] == "/categories/men"
    assert redirects[f"/navigation/{MEN}"]["redirect_to"] == "/categories/men"
    # a variant's URLs lead to its product
    variant = redirects["/Variant-product/SWDEMO10005.2"]
    assert (variant["redirect_to"], variant["entity"], variant["entity_source_id"], variant["language"]) == (
        "/products/variant-product", "products", VARIANT_PRODUCT, "no")
    assert redirects[f"/detail/{BLUE_XL}"]["entity_source_id"] == VARIANT_PRODUCT


# ---------------------------------------------------------------------------------------------
# customers and orders, by hand

def test_a_customer_with_two_addresses(runs):
    customers = rows(runs["orders"], "customers")
    [kari] = [c for c in customers.values() if c["email"] == "kari.nordmann@example.no"]
    # registered with a billing address in Oslo and a shipping address in Bergen: the shipping address is the main one
    assert (kari["name"], kari["lastname"], kari["gender"], str(kari["dob"]), kari["is_guest"]) == ("Kari", "Nordmann", "f", "1985-04-17", False)
    assert (kari["address_address"], kari["address_zipcode"], kari["address_city"], kari["address_country"], kari["phone"]) == (
        "Bryggen 5", "5003", "Bergen", "NO", "+4798765432")
    assert (kari["billing_address_address"], kari["billing_address_zipcode"], kari["billing_address_city"]) == ("Storgata 1", "0155", "Oslo")
    # the demo customer Max has one address, in "MM" as the demo data has it
    assert (customers[MAX]["address_city"], customers[MAX]["address_country"], customers[MAX]["billing_address_city"]) == (
        "Musterstadt", "MM", None)


def test_an_orders_lines_and_totals_to_the_ore(runs):
    r = runs["orders"]
    order = by_reference(r)["10001"]
    assert (order["customer_source_id"], order["order_status"], order["source_status"]) == (
        MAX, "Sendt", "Done (payment: Paid, delivery: Shipped)")
    assert (order["payment_method"], order["shipping_method"], order["tracking_number"], order["currency"]) == (
        "Invoice", "Express", "00340434161094042557", "EUR")
    # order_line_item price JSON: 2 x 19.99 = 39.98 with 6.38 VAT at 19 %; 3 x 1.99 = 5.97 with 0.39 at 7 %
    lines = sorted(of_order(r, "order_lines", order["source_id"]), key=lambda l: l["sku"])
    assert [(l["sku"], l["quantity"], l["unit_price"], l["line_total"], l["tax_rate"], l["line_total_gross"]) for l in lines] == [
        ("SWDEMO100013", 3, D("21.7620"), D("65.2860"), D("7.00"), D("5.9700")),      # 5.58 EUR net
        ("SWDEMO10007.2", 2, D("196.5600"), D("393.1200"), D("19.00"), D("39.9800"))]  # 33.60 EUR net
    assert (lines[1]["product_source_id"], lines[1]["variant_source_id"], dict(lines[1]["options"])) == (
        "c7bca22753c84d08b6178a50052b4146", "6b458373d80441a5aa88347daab5262b", {"Size": "L"})
    # Express 5.90, its VAT split by the lines' shares (87.0 % at 19 %: 0.82, 13.0 % at 7 %: 0.05): 5.03 net;
    # the order's calculatedTaxes: 19 % 6.38 + 0.82 = 7.20, 7 % 0.39 + 0.05 = 0.44; total 51.85 EUR
    totals = {(t["class"], t["tax_rate"]): t["value"] for t in of_order(r, "order_totals", order["source_id"])}
    assert totals == {("subtotal", None): D("458.4060"), ("shipping", None): D("58.8510"), ("tax", D("19.00")): D("84.2400"),
                      ("tax", D("7.00")): D("5.1480"), ("total", None): D("606.6450")}
    assert totals[("total", None)] == D("51.85") * EUR


def test_an_order_edit_never_saved_is_not_migrated(runs):
    r = runs["orders"]
    order = by_reference(r)["10001"]
    # the draft version has 5 of the variant and another total (111.82): the live order has 2
    assert [l["quantity"] for l in of_order(r, "order_lines", order["source_id"]) if l["sku"] == "SWDEMO10007.2"] == [2]
    assert codes(r, "orders", order["source_id"]) == ["ORDER_DRAFT_VERSION"]


def test_a_discount_and_free_shipping(runs):
    r = runs["orders"]
    order = by_reference(r)["10000"]
    assert (order["order_status"], order["shipping_method"], order["customer_address_city"], order["shipping_address_city"]) == (
        "Under behandling", "Standard", "Oslo", "Bergen")
    # 24.99 (the variant) + 495.95 = 520.94; SOMMER10: -52.09 with -8.32 VAT; Standard shipping costs 0
    totals = {t["class"]: t for t in of_order(r, "order_totals", order["source_id"])}
    assert {c: t["value"] for c, t in totals.items()} == {
        "subtotal": (D("21.00") + D("416.76")) * EUR, "discount": D("-43.77") * EUR, "shipping": D("0.0000"),
        "tax": D("74.86") * EUR, "total": D("468.85") * EUR}
    assert (totals["discount"]["title"], totals["discount"]["tax_rate"]) == ("Rabatt (Summer sale 10 %)", D("19.00"))
    # the checkout comment is the first history row's
    history = sorted(of_order(r, "order_status_history", order["source_id"]), key=lambda h: h["created_at"])
    assert [(h["order_status"], h["comments"]) for h in history] == [
        ("Ikke behandlet", "Please ring the bell twice."), ("Under behandling", None)]


def test_a_guest_order_in_another_currency(runs):
    r = runs["orders"]
    order = by_reference(r)["10002"]
    guest = rows(r, "customers")[order["customer_source_id"]]
    assert (guest["is_guest"], guest["email"], guest["address_country"]) == (True, "sven.svensson@example.se", "SE")
    # placed in SEK at currency_factor 10.51 (SEK per EUR): the rate from NOK is 10.51 / 11.70
    assert (order["currency"], order["currency_value"]) == ("SEK", D("0.898291"))
    # SEK amounts: 5212.43 (25 %) + 2 x 20.91 (12 %) + 62.00 Express = 5316.25 SEK; in EUR / 10.51, then x 11.70
    totals = {(t["class"], t["tax_rate"]): t["value"] for t in of_order(r, "order_totals", order["source_id"])}
    assert totals[("total", None)] == D("5918.1853")  # 5316.25 / 10.51 = 505.8278 EUR
    assert totals[("tax", D("25.00"))] == D("1174.2190") and totals[("tax", D("12.00"))] == D("5.0427")
    assert sorted(l["tax_rate"] for l in of_order(r, "order_lines", order["source_id"])) == [D("12.00"), D("25.00")]


def test_a_cancelled_order_and_its_history(runs):
    r = runs["orders"]
    order = by_reference(r)["10003"]
    assert (order["order_status"], order["source_status"]) == ("Kansellert", "Cancelled (payment: Cancelled, delivery: Cancelled)")
    # the advanced price of the customer group: 800.00 instead of 950.00
    [line] = of_order(r, "order_lines", order["source_id"])
    assert (line["line_total_gross"], line["line_total"]) == (D("800.0000"), D("672.27") * EUR)
    history = sorted(of_order(r, "order_status_history", order["source_id"]), key=lambda h: h["created_at"])
    assert [(h["order_status"], h["source_status"], h["customer_notified"]) for h in history] == [
        ("Ikke behandlet", "Open", True), ("Kansellert", "Cancelled", True)]
    # order 10001: placed, in progress, shipped (the delivery), completed
    done = by_reference(r)["10001"]
    history = sorted(of_order(r, "order_status_history", done["source_id"]), key=lambda h: h["created_at"])
    assert [(h["order_status"], h["source_status"]) for h in history] == [
        ("Ikke behandlet", "Open"), ("Under behandling", "In Progress"), ("Sendt", "Delivery: Shipped"), ("Sendt", "Done")]
    assert str(done["finished_at"]) == "2022-08-12 09:00:00+00:00"


# ---------------------------------------------------------------------------------------------
# dumps that cannot be migrated, and versions

def test_the_2019_demo_data_files_are_a_data_only_dump(tmp_path):
    # SwagPlatformDemoData's SQL: INSERTs into 33 tables of a 6.0 shop, no CREATE TABLE, no language or sales channel
    # (the shared views are made before the settings: the first is the languages, views/10_languages.sql)
    with pytest.raises(DumpkitError, match=r"^the shopware6 view 'languages' cannot be made from this dump: the dump "
                                           r"has no table language; the dump has no CREATE TABLE for 33 of its 33 tables"):
        migrate(FIXTURES / "demo-data-2019", tmp_path / "out")


def test_a_dump_without_media_migrates_without_images(staged, tmp_path):
    # media left out of the dump (or a data-only dump of a shop without any): platform.toml [optional_tables]
    result = migrate_copy(staged["6.4"], tmp_path, "DROP TABLE media")
    assert (result.counts["product_images"], result.counts["products"]) == (0, 6)


def test_shopware_66_history_and_customer_columns(staged, tmp_path):
    """6.6 keeps the history's record in referenced_id (6.5 generated it from entity_id, 6.6 dropped entity_id), and
    6.5 dropped customer.newsletter (newsletter_recipient instead): the same shop with 6.6's columns."""
    result = migrate_copy(staged["orders"], tmp_path, """
        ALTER TABLE state_machine_history ADD COLUMN referenced_id BLOB;
        ALTER TABLE state_machine_history ADD COLUMN referenced_version_id BLOB;
        UPDATE state_machine_history SET referenced_id = unhex(json_extract_string(entity_id, '$.id')),
            referenced_version_id = unhex(json_extract_string(entity_id, '$.version_id'));
        ALTER TABLE state_machine_history DROP COLUMN entity_id;
        ALTER TABLE customer DROP COLUMN newsletter;
        INSERT INTO newsletter_recipient (id, email, status, hash, language_id, sales_channel_id, created_at)
            VALUES (unhex('00000000000000000000000000000001'), 'Kari.Nordmann@example.no', 'optIn', 'x',
                    unhex('2FBB5FE2E29A4D70AA5854CE7CE3E20B'), unhex('EC9A76492FD94717910E6BF4EC4788CA'), now())""",
                          currency_rates={"EUR": EUR})
    assert result.counts == COUNTS["orders"]
    history = sorted(of_order(result, "order_status_history", by_reference(result)["10003"]["source_id"]), key=lambda h: h["created_at"])
    assert [h["order_status"] for h in history] == ["Ikke behandlet", "Kansellert"]
    newsletter = {c["email"]: c["newsletter"] for c in rows(result, "customers").values()}
    assert newsletter == {"kari.nordmann@example.no": True, "test@example.com": False, "sven.svensson@example.se": False}

