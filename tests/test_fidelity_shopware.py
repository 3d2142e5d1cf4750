"""Shopware 6 through the real MariaDB: the orders fixture is what its script makes, and the same shop
changed the way Shopware changes it migrates as Mystore needs it.

One restore per module: the real 6.4 dump goes into the real MariaDB, tests/shopware_checkout.py
places its orders there (the fixture sw-6.4-orders.sql must come out again, but for mariadb-dump's
date line), then the shop is changed as below and dumped again by the real mariadb-dump:
- the merchant makes it a Norwegian shop: Norsk (nb-NO) added as a language with a domain of its own
  (http://localhost/no) and made the storefront's, a few texts translated, Norway as the shop's
  country with its VAT (25 %, food 15 %) as tax rules;
- the shop is updated to Shopware 6.5: the migrations that change tables the mappings read run as
  Shopware wrote them (state_machine_history gets referenced_id generated from entity_id, a column
  mariadb-dump leaves out; customer.newsletter and customer_address.vat_id are dropped; media.path is
  added and filled by its indexer; tax rates get three decimals).
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from dumpkit.migrate import migrate
from tests.helpers import codes, rows
from tests.shopware_checkout import LANGUAGE_SYSTEM, SALES_CHANNEL, TARGET, build, uid

pytestmark = pytest.mark.slow
D = Decimal
NB = uid("language:nb-NO")
NORWAY = "12e7fe9c3a744a59825c494223f5d813"
VARIANT_PRODUCT, MAIN_PRODUCT, CHOCOLATE = "43a23e0c03bf4ceabc6055a2185faa87", "2a88d9b59d474c7e869d8071649be43c", "1901dc5e888f4b1ea4168c2c5f005540"
CLOTHING, MEN = "a515ae260223466f8e37471d279e6406", "2185182cbbd4462ea844abeb2a438b33"
COLOUR, BLUE = "269c7e40a54a462e884edb004c5f7bc8", "2bfd278e87204807a890da4a3e81dd90"
LIVE = "0FA91CE3E96A4BC2BE4BD9CE752C3425"
NOW = "'2022-08-15 09:00:00.000'"


def hexid(value: str) -> str:
    return f"UNHEX('{value.upper()}')"


NORWEGIAN = [
    # Settings > Languages > Add: Norsk, locale and translation code nb-NO (LanguageDefinition)
    f"""INSERT INTO language (id, name, parent_id, locale_id, translation_code_id, created_at)
        SELECT {hexid(NB)}, 'Norsk', NULL, id, id, {NOW} FROM locale WHERE code = 'nb-NO'""",
    # Sales Channels > Storefront: Norsk as a language, the default one, with its domain (SalesChannelDefinition)
    f"INSERT INTO sales_channel_language (sales_channel_id, language_id) VALUES ({hexid(SALES_CHANNEL)}, {hexid(NB)})",
    f"UPDATE sales_channel SET language_id = {hexid(NB)}, country_id = {hexid(NORWAY)}, updated_at = {NOW} WHERE id = {hexid(SALES_CHANNEL)}",
    f"""INSERT INTO sales_channel_domain (id, sales_channel_id, language_id, url, currency_id, snippet_set_id, hreflang_use_only_locale, created_at)
        SELECT {hexid(uid('sales_channel_domain:no'))}, {hexid(SALES_CHANNEL)}, {hexid(NB)}, 'http://localhost/no', currency_id, snippet_set_id, 0, {NOW}
        FROM sales_channel_domain WHERE sales_channel_id = {hexid(SALES_CHANNEL)} AND language_id = {hexid(LANGUAGE_SYSTEM)}""",
    # texts in Norsk (each entity's translation definition); the rest shows the system language's (English)
    f"""INSERT INTO product_translation (product_id, product_version_id, language_id, name, description, created_at)
        VALUES ({hexid(VARIANT_PRODUCT)}, {hexid(LIVE)}, {hexid(NB)}, 'Skjorte med varianter', '<p>Skjorte i bomull.</p>', {NOW})""",
    f"""INSERT INTO category_translation (category_id, category_version_id, language_id, name, created_at)
        VALUES ({hexid(CLOTHING)}, {hexid(LIVE)}, {hexid(NB)}, 'Klær', {NOW}), ({hexid(MEN)}, {hexid(LIVE)}, {hexid(NB)}, 'Herre', {NOW})""",
    f"""INSERT INTO property_group_translation (property_group_id, language_id, name, position, created_at)
        VALUES ({hexid(COLOUR)}, {hexid(NB)}, 'Farge', 1, {NOW})""",
    f"""INSERT INTO property_group_option_translation (property_group_option_id, language_id, name, position, created_at)
        VALUES ({hexid(BLUE)}, {hexid(NB)}, 'Blå', 1, {NOW})""",
    # the SEO URL indexer writes the new domain's URLs (Content/Seo/SeoUrlUpdater; Shopware slugifies each part): two here
    *[f"""INSERT INTO seo_url (id, language_id, sales_channel_id, foreign_key, route_name, path_info, seo_path_info, is_canonical,
            is_modified, is_deleted, created_at)
        VALUES ({hexid(uid('seo_url:no:' + key))}, {hexid(NB)}, {hexid(SALES_CHANNEL)}, {hexid(key)}, 'frontend.navigation.page',
                '/navigation/{key}', '{path}', 1, 0, 0, {NOW})""" for key, path in ((CLOTHING, "Klaer/"), (MEN, "Klaer/Herre/"))],
    # Settings > Tax: Norway's rates as country rules of Standard rate (25 %) and Reduced rate (15 %, food) (TaxRuleDefinition)
    *[f"""INSERT INTO tax_rule (id, tax_id, tax_rule_type_id, country_id, tax_rate, data, created_at)
        SELECT {hexid(uid('tax_rule:NO:' + tax))}, {hexid(tax)}, id, {hexid(NORWAY)}, {rate}, NULL, {NOW}
        FROM tax_rule_type WHERE technical_name = 'entire_country'"""
      for tax, rate in (("62051068e3384d9e9aa22b28c1399d3d", 25), ("46a6390e58a74e0ea7913c7ee388f545", 15))],
]

# Shopware 6.5's migrations on the tables the mappings read, their SQL as written in shopware/shopware at v6.5.0.0
# (src/Core/Migration/V6_5/...), and the migration table's record of them
UPDATE_TO_65 = [
    # Migration1663402842AddPathToMedia (+ the media.path.post_update indexer: the path the "id" strategy gives)
    "ALTER TABLE `media` ADD `path` VARCHAR(2048) NULL",
    """UPDATE media SET path = CONCAT('media/', REPLACE(SUBSTR(MD5(LOWER(HEX(id))), 1, 2), 'ad', 'g0'), '/',
            REPLACE(SUBSTR(MD5(LOWER(HEX(id))), 3, 2), 'ad', 'g0'), '/', REPLACE(SUBSTR(MD5(LOWER(HEX(id))), 5, 2), 'ad', 'g0'), '/',
            FLOOR(UNIX_TIMESTAMP(uploaded_at)), '/', file_name, '.', file_extension) WHERE file_name IS NOT NULL""",
    # Migration1673426317ImproveStateMachineHistoryQueryPerformance
    """ALTER TABLE `state_machine_history`
                ADD COLUMN `referenced_id` BINARY(16)
                GENERATED ALWAYS AS (
                    COALESCE(UNHEX(JSON_UNQUOTE(JSON_EXTRACT(`entity_id`, '$.id'))), 0x0)
                ) STORED""",
    """ALTER TABLE `state_machine_history`
                ADD COLUMN `referenced_version_id` BINARY(16)
                GENERATED ALWAYS AS (
                    COALESCE(UNHEX(JSON_UNQUOTE(JSON_EXTRACT(`entity_id`, '$.version_id'))), 0x0)
                ) STORED""",
    # Migration1675082889DropUnusedTables (updateDestructive)
    "ALTER TABLE `customer_address` DROP COLUMN `vat_id`",
    "ALTER TABLE `customer` DROP COLUMN `newsletter`",
    # Migration1676272000AddAccountTypeToCustomer
    "ALTER TABLE `customer` ADD COLUMN `account_type` VARCHAR(255) NOT NULL DEFAULT 'private'",
    # Migration1676274910ChangeColumnTaxRateAllowThreeDecimal
    "ALTER TABLE tax MODIFY COLUMN `tax_rate` DECIMAL(10,3)",
    "ALTER TABLE tax_rule MODIFY COLUMN `tax_rate` DOUBLE(10,3)",
    *[f"""INSERT INTO migration (class, creation_timestamp, `update`, update_destructive, message)
        VALUES ('Shopware\\\\Core\\\\Migration\\\\V6_5\\\\{name}', {name[9:19]}, {NOW}, {NOW}, NULL)"""
      for name in ("Migration1663402842AddPathToMedia", "Migration1673426317ImproveStateMachineHistoryQueryPerformance",
                   "Migration1675082889DropUnusedTables", "Migration1676272000AddAccountTypeToCustomer",
                   "Migration1676274910ChangeColumnTaxRateAllowThreeDecimal")],
]


@pytest.fixture(scope="module")
def shop(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("sw-fidelity")
    made = build(mariadb, work / "orders.sql")  # into the database "shopware", as the fixture was made (its header names it)
    with mariadb.connect("shopware") as conn, conn.cursor() as cur:
        for statement in NORWEGIAN + UPDATE_TO_65:
            cur.execute(statement)
    changed = mariadb.dump("shopware", work / "sw-changed.sql")
    return made, migrate(changed, work / "out", currency_rates={"EUR": D("11.70")})


def without_date(path: Path) -> bytes:
    return re.sub(rb"-- Dump completed on [^\n]*\n", b"", path.read_bytes())


def test_the_orders_fixture_is_what_its_script_makes(shop):
    made, _ = shop
    assert without_date(made) == without_date(TARGET)


def test_everything_accounted_for(shop):
    _, result = shop
    assert (result.detection.platform.name, result.detection.version) == ("shopware6", "6.5")
    assert all(r.ok for r in result.reconciliation), [(r.entity, r.unaccounted) for r in result.reconciliation]
    for code in ("NOT_ACCOUNTED_FOR", "ORDER_TOTAL_MISMATCH", "ORDER_LINES_MISMATCH", "UNMAPPED_VALUE", "VAT_RATE_NOT_NORWEGIAN"):
        assert code not in codes(result), code
    assert result.counts["orders"] == 4 and result.counts["order_status_history"] == 9


def test_norwegian_is_no_and_the_system_language_fills_what_it_lacks(shop):
    _, result = shop
    assert result.manifest["options"]["languages"] == {"nb-NO": "no", "de-DE": "de", "en-GB": "en"}
    products = rows(result, "products")
    assert dict(products[VARIANT_PRODUCT]["name"]) == {"no": "Skjorte med varianter", "en": "Variant product", "de": "Variantenprodukt"}
    assert dict(products[VARIANT_PRODUCT]["description"])["no"] == "<p>Skjorte i bomull.</p>"
    # no Norwegian name for "Main product": Shopware shows the system language's, so does Mystore, with a warning
    assert dict(products[MAIN_PRODUCT]["name"])["no"] == "Main product"
    fallback = {(i.entity, i.source_id, i.field) for i in result.log.items if i.code == "LANGUAGE_FALLBACK"}
    assert ("products", MAIN_PRODUCT, "name") in fallback and ("products", VARIANT_PRODUCT, "name") not in fallback
    assert [i.message for i in result.log.items if i.code == "LANGUAGE_FALLBACK"][0].endswith("the English (en) text is copied to 'no'")
    categories = rows(result, "categories")
    assert (dict(categories[CLOTHING]["name"])["no"], dict(categories[CLOTHING]["slug"])["no"]) == ("Klær", "klaer")
    assert dict(rows(result, "product_options")[COLOUR]["name"]) == {"no": "Farge", "en": "Colour", "de": "Farbe"}
    assert dict(rows(result, "product_option_values")[BLUE]["name"])["no"] == "Blå"
    # the Norwegian domain's SEO URL, and the English one still there
    redirects = rows(result, "redirects")
    assert (redirects["/no/Klaer/Herre/"]["redirect_to"], redirects["/no/Klaer/Herre/"]["language"]) == ("/categories/herre", "no")
    assert (redirects["/Clothing/Men/"]["redirect_to"], redirects["/Clothing/Men/"]["language"]) == ("/categories/men", "en")


def test_norwegian_vat_from_the_tax_rules(shop):
    _, result = shop
    classes = rows(result, "tax_classes")
    assert (classes["62051068e3384d9e9aa22b28c1399d3d"]["tax_rate"], classes["46a6390e58a74e0ea7913c7ee388f545"]["tax_rate"]) == (
        D("25.00"), D("15.00"))
    # the chocolate: 1.99 gross with 15 % VAT is 1.7304 EUR net, 20.2457 NOK (1.99 / 1.15 x 11.70, half up)
    chocolate = rows(result, "products")[CHOCOLATE]
    assert (chocolate["price"], chocolate["price_gross"]) == (D("20.2457"), D("1.9900"))


def test_the_65_schema(shop):
    _, result = shop
    # media.path from the indexer: the same file as 6.4's id strategy gives
    assert rows(result, "product_images")["55a1e7d9f9e84400a17e2b86d7a3fc89"]["source_url"] == \
        "media/f9/0d/df/1659370055/shirt_600x600.jpg"
    # referenced_id is generated (mariadb-dump leaves it out): the history is read from entity_id
    cancelled = [o for o in rows(result, "orders").values() if o["reference"] == "10003"][0]
    history = sorted((h for h in rows(result, "order_status_history").values() if h["order_source_id"] == cancelled["source_id"]),
                     key=lambda h: h["created_at"])
    assert [h["order_status"] for h in history] == ["Ikke behandlet", "Kansellert"]
    # customer.newsletter is gone: nobody subscribed (no newsletter_recipient)
    assert {c["newsletter"] for c in rows(result, "customers").values()} == {False}
