"""Issue 14 on a real PrestaShop 8.1.7 shop changed the way PrestaShop itself changes it.

The fixture is restored into the real MariaDB, changed with the SQL PrestaShop's own code runs
for each case (below), dumped again by the real mariadb-dump and migrated once (EUR converted at
11.70 NOK per EUR): a Norwegian translation added to the English shop, a product hidden from the
shop, Norway with a 15 % tax rules group and a product at 11.90 net (13.685 gross, a rounding tie),
an order with a private note, a checkout message and a thread, and an order the GDPR module moved
to its placeholder customer.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from dumpkit.issues import group_issues
from dumpkit.migrate import migrate
from tests.helpers import changed_dump, codes, rows

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "prestashop" / "ps-8.1.7.sql"
D = Decimal

# Localization > Languages > Add: PrestaShop adds the language, links it to the shop and copies every
# text of the default language for it (Language::copyLanguageData); then the merchant translates.
COPY_LANG = """CREATE TEMPORARY TABLE t_{table} AS SELECT * FROM ps_{table} WHERE id_lang = 1;
UPDATE t_{table} SET id_lang = 2;
INSERT INTO ps_{table} SELECT * FROM t_{table};
DROP TEMPORARY TABLE t_{table}"""
CHANGES = ";\n".join([
    """INSERT INTO ps_lang (id_lang, name, active, iso_code, language_code, locale, date_format_lite, date_format_full, is_rtl)
        VALUES (2, 'Norsk bokmål (Norwegian Bokmål)', 1, 'no', 'no-no', 'no-NO', 'd.m.Y', 'd.m.Y H:i:s', 0)""",
    "INSERT INTO ps_lang_shop (id_lang, id_shop) VALUES (2, 1)",
    *[COPY_LANG.format(table=t) for t in ("product_lang", "category_lang", "attribute_lang", "attribute_group_lang",
                                          "manufacturer_lang", "order_state_lang", "tax_lang")],
    "UPDATE ps_product_lang SET name = 'Kolibri-t-skjorte', link_rewrite = 'kolibri-t-skjorte' WHERE id_product = 1 AND id_lang = 2",
    "UPDATE ps_category_lang SET name = 'Klær', link_rewrite = 'klaer' WHERE id_category = 3 AND id_lang = 2",
    # a Norwegian description nobody has written yet
    "UPDATE ps_product_lang SET description = '', description_short = '' WHERE id_product = 2 AND id_lang = 2",
    # Catalog > Product > Options > Visibility "Nowhere": both the product and its shop row
    "UPDATE ps_product SET visibility = 'none' WHERE id_product = 7",
    "UPDATE ps_product_shop SET visibility = 'none' WHERE id_product = 7",
    # International > Taxes: Norway is the shop's country; tax rules group 1 (every product's) charges 15 %
    "UPDATE ps_configuration SET value = '23' WHERE name = 'PS_COUNTRY_DEFAULT'",
    "INSERT INTO ps_tax (id_tax, rate, active, deleted) VALUES (1, 15.000, 1, 0)",
    "INSERT INTO ps_tax_lang (id_tax, id_lang, name) VALUES (1, 1, 'MVA 15%'), (1, 2, 'MVA 15%')",
    """INSERT INTO ps_tax_rules_group (id_tax_rules_group, name, active, deleted, date_add, date_upd)
        VALUES (1, 'NO Næringsmidler 15%', 1, 0, '2025-03-05 10:00:00', '2025-03-05 10:00:00')""",
    "INSERT INTO ps_tax_rules_group_shop (id_tax_rules_group, id_shop) VALUES (1, 1)",
    """INSERT INTO ps_tax_rule (id_tax_rules_group, id_country, id_state, zipcode_from, zipcode_to, id_tax, behavior, description)
        VALUES (1, 23, 0, '0', '0', 1, 0, '')""",
    # 11.90 net at 15 % is 13.685: half up 13.69 (floating point made it 13.68)
    "UPDATE ps_product SET price = 11.900000 WHERE id_product = 8",
    "UPDATE ps_product_shop SET price = 11.900000 WHERE id_product = 8",
    # Orders > order 1: the private note, the checkout message (Message, copied into a customer thread by
    # PaymentModule::validateOrder), the shop's answer to the customer and a private message in the thread
    "UPDATE ps_orders SET note = 'Stamkunde: legg ved en vareprøve' WHERE id_order = 1",
    """INSERT INTO ps_message (id_cart, id_customer, id_employee, id_order, message, private, date_add)
        VALUES (1, 2, 0, 1, 'Please leave the parcel by the door', 0, '2025-03-04 08:20:00')""",
    """INSERT INTO ps_customer_thread (id_customer_thread, id_shop, id_lang, id_contact, id_customer, id_order, id_product, status,
        email, token, date_add, date_upd)
        VALUES (1, 1, 1, 0, 2, 1, 0, 'open', 'pub@prestashop.com', 'abcdefghijkl', '2025-03-04 08:20:00', '2025-03-04 09:05:00')""",
    """INSERT INTO ps_customer_message (id_customer_thread, id_employee, message, date_add, date_upd, private, `read`) VALUES
        (1, 0, 'Please leave the parcel by the door', '2025-03-04 08:20:00', '2025-03-04 08:20:00', 0, 1),
        (1, 1, 'We will, thank you!', '2025-03-04 09:00:00', '2025-03-04 09:00:00', 0, 1),
        (1, 1, 'Called the carrier about the door', '2025-03-04 09:05:00', '2025-03-04 09:05:00', 1, 1)""",
    # the GDPR module (psgdpr) erased a customer: their order now belongs to its placeholder customer 1
    # ('anonymous@psgdpr.com') and address 1, as PrestaShop's DeleteCustomerDataCommand leaves it
    "CREATE TEMPORARY TABLE t_orders AS SELECT * FROM ps_orders WHERE id_order = 5",
    "UPDATE t_orders SET id_order = 6, reference = 'ANONYMIZE', id_customer = 1, id_address_delivery = 1, id_address_invoice = 1",
    "INSERT INTO ps_orders SELECT * FROM t_orders",
    "CREATE TEMPORARY TABLE t_detail AS SELECT * FROM ps_order_detail WHERE id_order = 5",
    "UPDATE t_detail SET id_order_detail = id_order_detail + 100, id_order = 6",
    "INSERT INTO ps_order_detail SELECT * FROM t_detail",
    "CREATE TEMPORARY TABLE t_history AS SELECT * FROM ps_order_history WHERE id_order = 5",
    "UPDATE t_history SET id_order_history = id_order_history + 100, id_order = 6",
    "INSERT INTO ps_order_history SELECT * FROM t_history",
])


@pytest.fixture(scope="module")
def shop(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("ps-fidelity")
    dump = changed_dump(mariadb, [FIXTURE], "ps_fidelity", CHANGES.split(";\n"), work / "ps-changed.sql")
    return migrate(dump, work / "out", currency_rates={"EUR": D("11.70")})


def test_everything_accounted_for(shop):
    assert all(r.ok for r in shop.reconciliation), [(r.entity, r.unaccounted) for r in shop.reconciliation]
    assert "ORDER_TOTAL_MISMATCH" not in codes(shop) and "NOT_ACCOUNTED_FOR" not in codes(shop)


def test_norwegian_translation_is_no_and_english_keeps_its_code(shop):
    products = rows(shop, "products")
    assert dict(products["1"]["name"]) == {"no": "Kolibri-t-skjorte", "en": "Hummingbird printed t-shirt"}
    assert dict(products["1"]["slug"]) == {"no": "kolibri-t-skjorte", "en": "hummingbird-printed-t-shirt"}
    assert dict(rows(shop, "categories")["3"]["name"]) == {"no": "Klær", "en": "Clothes"}
    assert shop.manifest["options"]["languages"] == {"no": "no", "en": "en"}
    # the empty Norwegian description of product 2 gets the English one, said once per record and field
    assert dict(products["2"]["description"])["no"] == dict(products["2"]["description"])["en"]
    fallback = [i for i in shop.log.items if i.code == "LANGUAGE_FALLBACK"]
    assert {(i.source_id, i.field) for i in fallback} == {("2", "description")}
    assert fallback[0].message == "no Norwegian description: the English (en) text is copied to 'no'"
    # both languages' old URLs, each to its own language's slug
    redirects = rows(shop, "redirects")
    assert (redirects["/no/1-kolibri-t-skjorte.html"]["language"], redirects["/no/1-kolibri-t-skjorte.html"]["redirect_to"]) == (
        "no", "/products/kolibri-t-skjorte")
    assert redirects["/en/1-hummingbird-printed-t-shirt.html"]["redirect_to"] == "/products/hummingbird-printed-t-shirt"


def test_hidden_product_is_inactive(shop):
    products = rows(shop, "products")
    assert products["7"]["status"] == 0 and products["6"]["status"] == 1
    [hidden] = [i for i in shop.log.items if i.code == "PRODUCT_HIDDEN"]
    assert (hidden.source_id, hidden.level) == ("7", "info")


def test_gross_price_at_a_rounding_tie_and_money_in_nok(shop):
    p = rows(shop, "products")["8"]
    # 11.90 EUR net: 139.23 NOK net; the audit gross is the shop's own 13.69 EUR (11.90 x 1.15 = 13.685, half up)
    assert (p["price"], p["price_gross"], p["tax_class_source_id"]) == (D("139.2300"), D("13.6900"), "1")
    assert rows(shop, "tax_classes")["1"]["tax_rate"] == D("15.00")
    assert "TAX_CLASS_MISSING" not in codes(shop)
    assert shop.manifest["currency"]["amounts"] == "NOK"


def test_order_messages_and_private_note(shop):
    history = sorted((h for h in rows(shop, "order_status_history").values() if h["order_source_id"] == "1"),
                     key=lambda h: (h["created_at"], h["source_id"]))
    # what the customer wrote (once, though PrestaShop stores it twice) and the shop's answer to them
    assert history[0]["comments"] == "Please leave the parcel by the door\n\nWe will, thank you!"
    assert all(h["comments"] is None for h in history[1:])
    # the private note and the private message: kept, not loaded, said so
    order = rows(shop, "orders")["1"]
    assert order["internal_note"] == "Stamkunde: legg ved en vareprøve\n\nCalled the carrier about the door"
    assert [(i.source_id, i.level) for i in shop.log.items if i.code == "ORDER_NOTE_NOT_LOADED"] == [("1", "info")]


def test_gdpr_placeholder_is_not_a_customer(shop):
    customers = rows(shop, "customers")
    assert "1" not in customers and "PLACEHOLDER_ACCOUNT" in codes(shop, "customers", "1")
    order = rows(shop, "orders")["6"]
    guest = "dumpkit:guest:" + hashlib.sha256(b"anonymous@psgdpr.com").hexdigest()[:16]
    assert order["customer_source_id"] == guest and customers[guest]["is_guest"] is True
    assert "ANONYMISED_CUSTOMER" in codes(shop, "orders", "6")
    # John DOE's own orders stay his
    assert rows(shop, "orders")["1"]["customer_source_id"] == "2"


def test_summary_reads_one_line_per_cause(shop):
    lines = [g.line() for g in group_issues(shop.log.items)]
    assert len(lines) == len({(g.level, g.code, g.entity, g.text) for g in group_issues(shop.log.items)})
    assert not [g for g in group_issues(shop.log.items) if g.code == "FOREIGN_CURRENCY"]


@pytest.fixture(scope="module")
def plain(shop, mariadb, tmp_path_factory):
    """The same shop with friendly URLs switched off (Traffic & SEO), dumped again."""
    work = tmp_path_factory.mktemp("ps-fidelity-plain")
    with mariadb.connect("ps_fidelity") as conn, conn.cursor() as cur:
        cur.execute("UPDATE ps_configuration SET value = '0' WHERE name = 'PS_REWRITING_SETTINGS'")
    return migrate(mariadb.dump("ps_fidelity", work / "ps-plain.sql"), work / "out", currency_rates={"EUR": D("11.70")})


def test_combination_urls_in_every_language(shop):
    redirects = rows(shop, "redirects")
    # ps_product_attribute 1 of product 1 (White, S): /<iso>/<category>/<id>-<combination>-<rewrite>.html
    for path, language, slug in (("/en/men/1-1-hummingbird-printed-t-shirt.html", "en", "hummingbird-printed-t-shirt"),
                                 ("/no/men/1-1-kolibri-t-skjorte.html", "no", "kolibri-t-skjorte"),
                                 ("/no/1-1-kolibri-t-skjorte.html", "no", "kolibri-t-skjorte")):
        assert (redirects[path]["language"], redirects[path]["redirect_to"]) == (language, f"/products/{slug}"), path


def test_plain_urls_carry_the_combination_and_language(plain):
    redirects = rows(plain, "redirects")
    # Dispatcher::createUrl without routes: id_product, id_product_attribute (0 without one), rewrite (8.x),
    # controller, and id_lang with several languages
    for path in ("/index.php?id_product=1&id_product_attribute=1&rewrite=kolibri-t-skjorte&controller=product&id_lang=2",
                 "/index.php?id_product=1&id_product_attribute=1&controller=product&id_lang=1",
                 "/index.php?id_product=6&id_product_attribute=0&controller=product&id_lang=1",
                 "/index.php?id_product=6&controller=product"):
        assert redirects[path]["entity_source_id"] in ("1", "6"), path
    assert not [r for r in redirects if r.startswith("/en/")]
