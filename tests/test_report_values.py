"""Values in the owner's terms and the rules that say old and new are the same (dumpkit/report/values.py,
compare.py): Norwegian numbers, money with its currency, prices net and gross, Oslo time, and
comparisons that mark only real changes."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dumpkit.report import compare as cmp
from dumpkit.report import values as v
from dumpkit.report.model import CHANGED, FORMAT, SAME, UNKNOWN

D = Decimal


def test_numbers_and_money_in_norwegian_form():
    assert v.number(D("1234567.5")) == "1\u00a0234\u00a0567,50"
    assert v.number(D("-0.005")) == "-0,01"  # half up, away from zero
    assert v.money(D("199.2"), "NOK") == "kr\u00a0199,20"
    assert v.money("19.9", "EUR") == "EUR\u00a019,90"
    assert v.percent(D("25.00")) == "25\u00a0%" and v.percent(D("11.11")) == "11,11\u00a0%"


def test_a_price_is_net_and_gross_with_its_rate_and_currency():
    assert v.price(D("199.2"), None, D("25"), "NOK") == "kr\u00a0199,20 eks. mva / 249,00 inkl. 25\u00a0% mva"
    assert v.price(D("23.9"), None, None, "EUR") == "EUR\u00a023,90 eks. mva (sats ukjent)"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_an_amount_reads_back_from_its_text(d):
    assert v.amount_value(v.money(d, "NOK")) == d


def test_times_are_norwegian_local_time_summer_and_winter():
    assert v.when("2025-03-04 07:17:58+00:00") == "04.03.2025 kl. 08:17"
    assert v.when(datetime(2024, 6, 3, 18, 45, tzinfo=timezone.utc)) == "03.06.2024 kl. 20:45"
    assert v.day(date(1970, 1, 15)) == "15.01.1970"
    assert v.long_day("2024-06-03 22:30:00+00:00") == "4. juni 2024"  # after midnight in Oslo


def test_equal_instants_are_the_same_whatever_their_zone():
    assert cmp.instants("2025-03-04 08:17:58+01:00", datetime(2025, 3, 4, 7, 17, 58, tzinfo=timezone.utc)) == (SAME, "")
    assert cmp.instants("2025-03-04 08:17:58+00:00", datetime(2025, 3, 4, 7, 17, 58, tzinfo=timezone.utc))[0] == CHANGED


def test_yes_no_spacing_case_and_phone_forms_are_no_change():
    assert cmp.flags(1, True) == (SAME, "") and cmp.flags("0", False) == (SAME, "")
    assert cmp.texts("Paris ", "Paris") == (SAME, "")
    assert cmp.texts("Ase.Bjornstad@Example.no", "ase.bjornstad@example.no") == (SAME, "")
    assert cmp.phones("912 34 567", "+4791234567")[0] == FORMAT
    assert cmp.phones("912 34 567", "+4791234568")[0] == CHANGED


def test_not_collected_is_not_empty():
    assert cmp.texts(v.NOT_COLLECTED, "x") == (UNKNOWN, "")
    assert cmp.texts(None, "x") == (CHANGED, "fylt ut i Mystore")
    assert cmp.texts("", None) == (SAME, "")


def test_money_is_compared_after_the_conversion_the_run_made():
    money = cmp.Money({"currency": {"amounts": "NOK", "rates": {"EUR": "11.70"}}})
    assert money.compare("19.90", "EUR", D("232.83"))[0] == FORMAT  # 19.90 x 11.70
    assert money.compare("19.90", "EUR", D("19.90"))[0] == CHANGED
    assert money.compare("79.00", "NOK", D("158.00"))[0] == CHANGED
    assert money.compare("79.004", "NOK", D("79.00")) == (SAME, "")
    kept = cmp.Money({"currency": {"amounts": "EUR", "rates": {}}})
    assert kept.compare("19.90", "EUR", D("19.90")) == (SAME, "")


def test_addresses_are_compared_as_blocks():
    old = [("Fakturaadresse", {"kind": "billing", "name": "Kari Nordmann", "street": "Storgata 1 / Leil. H0203",
                                "zipcode": "155", "city": "Oslo", "country": "NO"}),
           ("Leveringsadresse", {"kind": "shipping", "name": "", "street": ""})]
    main = {"role": "main", "name": "Kari Nordmann", "street": "Storgata 1, Leil. H0203", "zipcode": "0155",
            "city": "Oslo", "country": "NO"}
    pairs = cmp.match_blocks(old, [("Hovedadresse", main)])
    assert len(pairs) == 1  # the empty shipping block is no address
    assert pairs[0][4] == FORMAT and "hovedadresse" in pairs[0][5]  # moved, not lost and invented
    moved_city = dict(main, city="Bergen")
    assert cmp.match_blocks(old, [("Hovedadresse", moved_city)])[0][4:] == (CHANGED, "forskjell i sted")


def test_categories_are_compared_as_paths_and_a_change_says_which():
    assert cmp.sets(["Clothes > Men", "Clothes"], ["Clothes", "clothes > men"]) == (SAME, "")
    assert cmp.sets(["Clothes > Men"], ["Ukategorisert (skjult)"]) == (
        CHANGED, "ikke i Mystore: Clothes > Men; ny i Mystore: Ukategorisert (skjult)")
