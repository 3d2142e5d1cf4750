"""Issue 14 on a real OpenCart 3 shop with orders (the installer dump plus the retailCRM orders),
restored into the real MariaDB, changed the way OpenCart's admin changes it, dumped again by the
real mariadb-dump and migrated once (USD converted at 10.50 NOK per USD): Norwegian added as a
translation of the English shop, and a product taken out of the default store.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dumpkit.migrate import migrate
from tests.helpers import changed_dump, codes, rows

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opencart"
D = Decimal

# System > Localisation > Languages > Add (admin/model/localisation/language.php addLanguage): the language row,
# then every description of the default language copied for it; then the merchant translates.
COPY = """INSERT INTO oc_{table} ({columns}) SELECT {select} FROM oc_{table} WHERE language_id = 1"""
TABLES = {
    "product_description": "product_id, name, description, tag, meta_title, meta_description, meta_keyword",
    "category_description": "category_id, name, description, meta_title, meta_description, meta_keyword",
    "option_description": "option_id, name",
    "option_value_description": "option_value_id, option_id, name",
    "order_status": "order_status_id, name",
    "weight_class_description": "weight_class_id, title, unit",
}
CHANGES = [
    """INSERT INTO oc_language (language_id, name, code, locale, image, directory, sort_order, status)
        VALUES (2, 'Norsk', 'nb-no', 'nb-NO,nb_NO.UTF-8,nb_NO,norwegian', 'no.png', 'norwegian', 2, 1)""",
    *[COPY.format(table=t, columns=f"language_id, {c}", select=f"2, {c}") for t, c in TABLES.items()],
    "UPDATE oc_product_description SET name = 'iPhone (norsk)' WHERE product_id = 40 AND language_id = 2",
    "UPDATE oc_category_description SET name = 'Bærbare &amp; notisbøker' WHERE category_id = 18 AND language_id = 2",
    # Catalog > Products > Links > Stores: "Default" unticked for the Canon EOS 5D
    "DELETE FROM oc_product_to_store WHERE product_id = 30 AND store_id = 0",
]


@pytest.fixture(scope="module")
def shop(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("oc-fidelity")
    dump = changed_dump(mariadb, [FIXTURES / "oc-3.0.x.sql", FIXTURES / "oc-3-orders-data.sql"], "oc_fidelity", CHANGES,
                        work / "oc-changed.sql")
    return migrate(dump, work / "out", currency_rates={"USD": D("10.50")})


def test_everything_accounted_for(shop):
    assert all(r.ok for r in shop.reconciliation), [(r.entity, r.unaccounted) for r in shop.reconciliation]
    assert "ORDER_TOTAL_MISMATCH" not in codes(shop)


def test_norwegian_translation_is_no_and_english_keeps_its_code(shop):
    products = rows(shop, "products")
    assert dict(products["40"]["name"]) == {"no": "iPhone (norsk)", "en": "iPhone"}
    # copied by OpenCart when the language was added: the English text, under both keys
    assert dict(products["42"]["name"]) == {"no": 'Apple Cinema 30"', "en": 'Apple Cinema 30"'}
    assert dict(rows(shop, "categories")["18"]["name"]) == {"no": "Bærbare & notisbøker", "en": "Laptops & Notebooks"}
    assert shop.manifest["options"]["languages"] == {"nb-no": "no", "en-gb": "en"}
    assert "LANGUAGE_FALLBACK" not in codes(shop)


def test_product_outside_the_default_store_is_inactive(shop):
    products = rows(shop, "products")
    assert products["30"]["status"] == 0 and products["31"]["status"] == 1
    assert [(i.source_id, i.level) for i in shop.log.items if i.code == "PRODUCT_HIDDEN"] == [("30", "info")]


def test_money_in_nok_and_the_comment_kept(shop):
    # oc_product (29, ..., '279.9900', ...) USD net: 2939.8950 NOK
    assert rows(shop, "products")["29"]["price"] == D("2939.8950")
    order = rows(shop, "orders")["1"]
    # placed in USD (currency_value 1.00000000 from the shop's USD): 1 NOK = 1/10.50 USD
    assert (order["currency"], order["currency_value"]) == ("USD", D("0.095238"))
    totals = {t["class"]: t["value"] for t in rows(shop, "order_totals").values() if t["order_source_id"] == "1"}
    assert totals["total"] == D("1113.0000")       # 106.00 USD
    # the checkout comment is the first history row's comment
    assert rows(shop, "order_status_history")["18"]["comments"] == "test comment"
