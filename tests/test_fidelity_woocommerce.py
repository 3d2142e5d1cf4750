"""Issue 14 on WooCommerce shops restored into the real MariaDB, changed the way WooCommerce writes
them and dumped again by the real mariadb-dump.

- wc-orders-hpos.sql (a NOK shop): order 203 placed in EUR, as a multi-currency plugin stores it
  (the order's currency in wc_orders and, synced, _order_currency; the amounts in EUR); a weight and
  a GTIN of 0.
- wc-serial-numbers.sql (a catalogue without orders), dumped data-only: its empty order tables are
  not in such a dump, so it looked like "WordPress without WooCommerce". The same data with a
  schema dump must give the same package as the whole dump.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.errors import DumpkitError
from dumpkit.migrate import migrate
from dumpkit.package.schema import ENTITIES
from tests.helpers import changed_dump, codes, rows

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "woocommerce"
D = Decimal


@pytest.fixture(scope="module")
def dumps(mariadb, tmp_path_factory):
    work = tmp_path_factory.mktemp("wc-fidelity")
    out = {}
    out["eur_order"] = changed_dump(mariadb, [FIXTURES / "wc-orders-hpos.sql"], "wc_hpos", [
        "UPDATE wp2_wc_orders SET currency = 'EUR' WHERE id = 203",
        "UPDATE wp2_postmeta SET meta_value = 'EUR' WHERE post_id = 203 AND meta_key = '_order_currency'",
        # a weight and a GTIN of 0 typed into the product form: WooCommerce saves them as they are
        "UPDATE wp2_postmeta SET meta_value = '0' WHERE post_id = 105 AND meta_key = '_weight'",
        "UPDATE wp2_postmeta SET meta_value = '0000000000000' WHERE post_id = 104 AND meta_key = '_global_unique_id'"],
        work / "hpos-eur.sql")
    assert mariadb.restore(FIXTURES / "wc-serial-numbers.sql", "wc_serial").ok
    out["whole"] = mariadb.dump("wc_serial", work / "serial.sql")
    out["data"] = mariadb.dump("wc_serial", work / "serial-data.sql", "--no-create-info")
    out["data_named"] = mariadb.dump("wc_serial", work / "serial-data-named.sql", "--no-create-info", "--complete-insert")
    out["schema"] = mariadb.dump("wc_serial", work / "serial-schema.sql", "--no-data")
    return out


def test_an_order_in_another_currency_is_converted_at_its_own_rate(dumps, tmp_path):
    before = migrate(dumps["eur_order"], tmp_path / "kept", keep_currency=True)
    r = migrate(dumps["eur_order"], tmp_path / "nok", currency_rates={"EUR": D("11.70")})
    orders = rows(r, "orders")
    assert (orders["203"]["currency"], orders["203"]["currency_value"]) == ("EUR", D("0.085470"))
    assert (orders["201"]["currency"], orders["201"]["currency_value"]) == ("NOK", D("1.000000"))
    total = {t["order_source_id"]: t["value"] for t in rows(r, "order_totals").values() if t["class"] == "total"}
    kept = {t["order_source_id"]: t["value"] for t in rows(before, "order_totals").values() if t["class"] == "total"}
    assert total["203"] == (kept["203"] * D("11.70")).quantize(D("0.0001"), rounding=ROUND_HALF_UP) == D("13103.0640")
    assert total["201"] == kept["201"]
    # the shop sells in NOK: its catalogue is untouched, and no order line of the NOK orders says anything
    assert rows(r, "products")["104"]["price"] == rows(before, "products")["104"]["price"]
    assert "FOREIGN_CURRENCY" not in codes(r) and "ORDER_TOTAL_MISMATCH" not in codes(r)
    # zero means unset: no weight, no EAN, and no "invalid GTIN" either
    assert (rows(r, "products")["105"]["weight"], rows(r, "products")["104"]["ean"]) == (None, None)
    assert "INVALID_GTIN" not in codes(r)
    # without the rate: the kept run says so for that order alone, a full migration stops naming the option
    assert [i.source_id for i in before.log.items if i.code == "FOREIGN_CURRENCY"] == ["203"]
    with pytest.raises(DumpkitError, match=r"orders have their amounts in EUR, not NOK: give the rate with --currency-rate EUR="):
        migrate(dumps["eur_order"], tmp_path / "stop")


@pytest.mark.parametrize("dump", ["data", "data_named"])
def test_a_data_only_dump_says_what_to_do(dumps, dump, tmp_path):
    with pytest.raises(DumpkitError) as e:
        migrate(dumps[dump], tmp_path / "out", keep_currency=True)
    message = str(e.value)
    assert "no CREATE TABLE" in message and "mariadb-dump --no-data" in message and "WordPress without WooCommerce" not in message
    assert ("do not name their columns" in message) == (dump == "data") and "\n" not in message


def test_the_data_with_a_schema_dump_is_the_whole_dump(dumps, tmp_path):
    whole = migrate(dumps["whole"], tmp_path / "whole", keep_currency=True)
    for parts, name in (([dumps["schema"], dumps["data"]], "two"), ([dumps["schema"], dumps["data_named"]], "named")):
        r = migrate(parts, tmp_path / name, keep_currency=True)
        assert r.counts == whole.counts and whole.counts["products"] == 17
        for entity in ENTITIES:
            assert pq.read_table(r.out / f"{entity}.parquet").equals(pq.read_table(whole.out / f"{entity}.parquet")), entity
