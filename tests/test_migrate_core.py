"""The platform-independent parts of `migrate`: money, names, PHP values, entity choice."""
from __future__ import annotations

import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dumpkit.errors import DumpkitError
from dumpkit.map.functions import php_to_json, php_unserialize, slugify
from dumpkit.map.refine import clean_org_number, org_number_valid
from dumpkit.map.runner import define_common
from dumpkit.migrate import load_value_maps, resolve_entities


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("SET VARIABLE main_language = 'en'")
    define_common(c)
    return c


def expected_net(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross / (1 + rate / 100)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("gross,rate,net", [
    ("125", "25", "100.0000"),
    ("100", "25", "80.0000"),
    ("99.99", "25", "79.9920"),
    ("19.90", "11.11", "17.9102"),
    ("0.0000625", "25", "0.0001"),     # exactly half a unit: rounds up
    ("-0.0000625", "25", "-0.0001"),   # and away from zero for credits
    ("149", "15", "129.5652"),
    ("0", "25", "0.0000"),
])
def test_net_of_gross_rounds_half_up(con, gross, rate, net):
    assert con.execute("SELECT net(?::DECIMAL(18,7), ?::DECIMAL(5,2))", [gross, rate]).fetchall()[0][0] == Decimal(net)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal("-100000"), max_value=Decimal("1000000"), places=6),
       st.sampled_from([Decimal("25"), Decimal("15"), Decimal("12"), Decimal("11.11"), Decimal("0")]))
def test_net_matches_exact_decimal_arithmetic(con, gross, rate):
    got = con.execute("SELECT net(?::DECIMAL(18,6), ?::DECIMAL(5,2))", [str(gross), str(rate)]).fetchall()[0][0]
    assert got == expected_net(gross, rate)


def test_net_price_keeps_net_prices(con):
    assert con.execute("SELECT net_price(100, 25, false), net_price(125, 25, true)").fetchall()[0] == (
        Decimal("100.0000"), Decimal("100.0000"))


def test_lang_key_puts_norwegian_under_no(con):
    # a shop without Norwegian: its main language stands in for it
    con.execute("SET VARIABLE no_language = 'en'")
    assert con.execute("SELECT lang_key('en'), lang_key('EN'), lang_key('fr-FR')").fetchall()[0] == ("no", "no", "fr")
    # an English shop with a Norwegian translation: Norwegian is 'no', English 'en' (it was the other way round, 'nb')
    con.execute("SET VARIABLE no_language = 'nb-NO'")
    assert con.execute("SELECT lang_key('nb-NO'), lang_key('en-gb'), lang_key('no'), lang_key('nn')").fetchall()[0] == (
        "no", "en", "nb", "nn")


@pytest.mark.parametrize("main,languages,chosen", [
    ("en", ["en", "nb"], "nb"),                  # a Norwegian translation wins over the main language
    ("nb", ["en", "nb"], "nb"),
    ("en-gb", ["en-gb", "nn-no", "no-no"], "no-no"),  # Bokmål before Nynorsk
    ("nb_NO", ["nb_NO"], "nb_NO"),
    ("en", ["en", "sv"], "en"),                  # no Norwegian: the main language
])
def test_which_language_becomes_no(main, languages, chosen):
    from dumpkit.map.languages import choose_norwegian

    assert choose_norwegian(main, languages) == chosen


def test_utc_converts_oslo_wall_clock(con):
    summer, winter = con.execute(
        "SELECT utc(TIMESTAMP '2024-07-01 12:00')::VARCHAR, utc(TIMESTAMP '2024-01-01 12:00')::VARCHAR").fetchall()[0]
    assert summer.startswith("2024-07-01 10:00") and winter.startswith("2024-01-01 11:00")


@pytest.mark.parametrize("number,valid", [
    ("914083095", True),          # Mystore.no AS
    ("914 083 095", True),
    ("NO 914 083 095 MVA", True),
    ("914083096", False),
    ("12345678", False),
    ("", False),
])
def test_org_number_mod11(number, valid):
    assert org_number_valid(clean_org_number(number) or "") is valid


def test_slugify_norwegian_letters():
    assert slugify("Blåbær & Søtsaker") == "blabaer-sotsaker"
    assert slugify("  Ærlig talt!  ") == "aerlig-talt"
    assert slugify("") is None


def test_php_unserialize_counts_bytes_and_survives_broken_lengths():
    # PHP counts bytes: "Blåbær" is 6 characters, 8 UTF-8 bytes
    assert php_unserialize('a:1:{s:4:"name";s:8:"Blåbær";}') == {"name": "Blåbær"}
    # a length broken by re-encoding (latin1 length 6) still decodes
    assert php_unserialize('a:1:{s:4:"name";s:6:"Blåbær";}') == {"name": "Blåbær"}
    assert php_unserialize('a:2:{i:0;s:1:"a";i:1;s:1:"b";}') == ["a", "b"]
    assert php_unserialize('O:8:"stdClass":1:{s:1:"x";b:1;}') == {"x": True}
    assert php_to_json("not php") is None
    assert php_to_json('a:1:{s:1:"x";') is None


def test_orders_need_customers_and_products():
    with pytest.raises(DumpkitError, match="orders cannot be migrated without their customers and products"):
        resolve_entities(["orders"])
    with pytest.raises(DumpkitError, match="without their products"):
        resolve_entities(["orders", "customers"])
    entities, implied = resolve_entities(["products", "categories"])
    assert "tax_classes" in entities and implied == ["tax_classes"]
    assert "orders" not in entities and "product_variants" in entities
    with pytest.raises(DumpkitError, match="unknown entity"):
        resolve_entities(["prodcts"])


def test_value_map_file(tmp_path):
    f = tmp_path / "maps.toml"
    f.write_text('[order_status]\n"wc-on-hold" = "Venter på betaling"\n5 = "Sendt"\n', encoding="utf-8")
    assert load_value_maps(f) == {"order_status": {"wc-on-hold": "Venter på betaling", "5": "Sendt"}}
    bad = tmp_path / "bad.toml"
    bad.write_text("order_status = 3\n")
    with pytest.raises(DumpkitError):
        load_value_maps(bad)


def test_cli_only_orders_is_one_clear_line(tmp_path):
    fixture = Path(__file__).parents[1] / "fixtures/opencart/oc-2.3.0.2.sql"
    proc = subprocess.run([sys.executable, "-m", "dumpkit.cli", "migrate", str(fixture),
                           "-o", str(tmp_path / "out"), "--only", "orders"], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "orders cannot be migrated without their customers and products" in lines[0]


@pytest.mark.parametrize("fixture,name", [
    ("oscommerce/osc-2.3.4.1.sql", "osCommerce"),
    ("spree-storedog.sql", "Spree/Solidus"),
])
def test_unmapped_platforms_are_named(fixture, name, tmp_path):
    from dumpkit.migrate import migrate

    with pytest.raises(DumpkitError, match=f"dump of {name}, which dumpkit has no mappings for yet"):
        migrate(Path(__file__).parents[1] / "fixtures" / fixture, tmp_path / "out")
