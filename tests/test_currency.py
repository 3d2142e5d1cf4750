"""Amounts in NOK (dumpkit/map/currency.py) on the real shops that do not sell in NOK: PrestaShop
8.1.7 (EUR), OpenCart 3 with orders (USD), the WooCommerce 4.9 guest-order shop (GBP) and the Magento
2.4.7 Luma shop set up for Norway (base currency USD, an order paid in EUR).

Each shop is migrated twice from the same staged dump: with --keep-currency (the amounts as the
dump has them) and with a rate; every loaded money field of the second must be the first times
the rate, half up to 4 decimals, and the *_gross audit fields must stay the source's figures.
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from dumpkit.errors import DumpkitError
from dumpkit.map.currency import CONVERTED, parse_rates
from tests.helpers import codes, migrate_copy, rows, stage_each

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHOPS = {
    "ps": (["prestashop/ps-8.1.7.sql"], "EUR", Decimal("11.70")),
    "oc": (["opencart/oc-3.0.x.sql", "opencart/oc-3-orders-data.sql"], "USD", Decimal("10.4321")),
    "wc": (["woocommerce/wc-guest-order.sql"], "GBP", Decimal("13.5")),
    "m2": (["magento2/m2-2.4.7-luma-no.sql"], "USD", Decimal("10.6543")),
}
D = Decimal


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    return stage_each(tmp_path_factory, "fx", {k: [FIXTURES / f for f in v[0]] for k, v in SHOPS.items()})


@pytest.fixture(scope="module")
def runs(staged, tmp_path_factory):
    out = {}
    for shop, (_, code, rate) in SHOPS.items():
        kept = migrate_copy(staged[shop], tmp_path_factory.mktemp(f"{shop}-kept"), keep_currency=True)
        converted = migrate_copy(staged[shop], tmp_path_factory.mktemp(f"{shop}-nok"), currency_rates={code: rate})
        out[shop] = (kept, converted)
    return out


def nok(amount: Decimal | None, rate: Decimal) -> Decimal | None:
    return None if amount is None else (amount * rate).quantize(D("0.0001"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("shop", list(SHOPS))
def test_every_money_field_converted_exactly(runs, shop):
    kept, converted = runs[shop]
    code, rate = SHOPS[shop][1:]
    checked = 0
    for entity, fields in CONVERTED.items():
        before, after = rows(kept, entity), rows(converted, entity)
        assert set(before) == set(after), entity
        for sid, row in after.items():
            for f in fields:
                if entity == "order_lines" and f == "unit_price" and row["quantity"]:
                    # unit_price stays line_total / quantity, half up
                    expected = (row["line_total"] / row["quantity"]).quantize(D("0.0001"), rounding=ROUND_HALF_UP)
                else:
                    expected = nok(before[sid][f], rate)
                assert row[f] == expected, (entity, sid, f, before[sid][f], row[f])
                checked += row[f] is not None
            # the audit fields keep the source's own figures
            for f in ("price_gross", "line_total_gross"):
                if f in row:
                    assert row[f] == before[sid][f], (entity, sid, f)
    assert checked > 0
    for sid, order in rows(converted, "orders").items():
        old = rows(kept, "orders")[sid]["currency_value"]
        # the rate from NOK to what the customer saw, 6 decimals
        assert order["currency_value"] == (old / rate).quantize(D("0.000001"), rounding=ROUND_HALF_UP)
    assert all(r.ok for r in converted.reconciliation)
    assert "ORDER_TOTAL_MISMATCH" not in codes(converted) and "ORDER_LINES_MISMATCH" not in codes(converted)
    assert converted.manifest["currency"] == {"amounts": "NOK", "shop_currency": code, "rates": {code: str(rate)},
                                              "kept": False, "not_converted": []}
    assert kept.manifest["currency"]["amounts"] == code and "CURRENCY_KEPT" in codes(kept)
    assert codes(converted).count("CURRENCY_CONVERTED") == 1


def test_prestashop_values_by_hand(runs):
    kept, converted = runs["ps"]
    # ps_product_shop price 23.900000 EUR net, wholesale 5.49: 279.63 and 64.233 NOK at 11.70
    p = rows(converted, "products")["1"]
    assert (p["price"], p["cost"]) == (D("279.6300"), D("64.2330"))
    assert p["weight"] == rows(kept, "products")["1"]["weight"] == D("300")  # 0.3 kg is 300 g, not 3510
    # order 1: total_paid_tax_incl 68.20 EUR -> 797.94 NOK; placed in the shop's EUR: 1 NOK = 1/11.70 EUR
    o = rows(converted, "orders")["1"]
    assert (o["currency"], o["currency_value"]) == ("EUR", D("0.085470"))
    totals = {t["class"]: t["value"] for t in rows(converted, "order_totals").values() if t["order_source_id"] == "1"}
    assert totals["total"] == D("797.9400") and totals["subtotal"] == D("699.6600")


def test_full_migration_without_a_rate_stops_with_one_line(staged, tmp_path):
    with pytest.raises(DumpkitError) as e:
        migrate_copy(staged["ps"], tmp_path, keep_currency=False)
    message = str(e.value)
    assert "EUR" in message and "--currency-rate EUR=" in message and "--keep-currency" in message and "\n" not in message
    assert not (tmp_path / "out" / "products.parquet").exists()


def test_demo_without_a_rate_runs_with_a_prominent_warning(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "dumpkit.cli", "migrate", str(FIXTURES / "prestashop/ps-8.1.7.sql"),
                           "-o", str(tmp_path / "demo"), "--demo", "--seed", "3", "--size", "2"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING: the amounts in this package are in EUR, not NOK" in proc.stderr
    manifest = json.loads((tmp_path / "demo" / "manifest.json").read_text())
    assert manifest["currency"]["amounts"] == "EUR" and manifest["currency"]["not_converted"] == ["EUR"]
    issues = [json.loads(line) for line in (tmp_path / "demo" / "issues.jsonl").read_text().splitlines()]
    assert [i["code"] for i in issues].count("CURRENCY_NOT_CONVERTED") == 1


def test_cli_rate_options(tmp_path):
    rates = tmp_path / "rates.txt"
    rates.write_text("# NOK for one unit\nEUR=11.70\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "dumpkit.cli", "migrate", str(FIXTURES / "prestashop/ps-8.1.7.sql"),
                           "-o", str(tmp_path / "out"), "--currency-rate-file", str(rates), "--only", "products"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["currency"]["rates"] == {"EUR": "11.70"}
    bad = subprocess.run([sys.executable, "-m", "dumpkit.cli", "migrate", str(FIXTURES / "prestashop/ps-8.1.7.sql"),
                          "-o", str(tmp_path / "bad"), "--currency-rate", "EUR=11,70"], capture_output=True, text=True)
    lines = [line for line in bad.stderr.splitlines() if line.strip()]
    assert bad.returncode == 1 and len(lines) == 1 and "not a number" in lines[0], bad.stderr


def test_parse_rates(tmp_path):
    assert parse_rates(["EUR=11.70", "usd = 10.5", "NOK=1"]) == {"EUR": D("11.70"), "USD": D("10.5"), "NOK": D("1")}
    (tmp_path / "r.json").write_text('{"SEK": "0.98"}', encoding="utf-8")
    (tmp_path / "r.toml").write_text('DKK = 1.55\n', encoding="utf-8")
    assert parse_rates(["EUR=11.7"], tmp_path / "r.json") == {"SEK": D("0.98"), "EUR": D("11.7")}
    assert parse_rates(None, tmp_path / "r.toml") == {"DKK": D("1.55")}
    for bad, why in [("EURO=11", "not a currency code"), ("EUR=-1", "positive"), ("EUR=x", "not a number"),
                     ("EUR11", "CODE=RATE"), ("NOK=2", "target currency"), ("EUR=1.123456789", "decimals")]:
        with pytest.raises(DumpkitError, match=why):
            parse_rates([bad])
    with pytest.raises(DumpkitError, match="second, different rate"):
        parse_rates(["EUR=11", "EUR=12"])


def test_keep_currency_and_a_rate_exclude_each_other(staged, tmp_path):
    with pytest.raises(DumpkitError, match="cannot go with --currency-rate"):
        migrate_copy(staged["ps"], tmp_path, keep_currency=True, currency_rates={"EUR": D("11.7")})
