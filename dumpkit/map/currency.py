"""Amounts in NOK: the package's money is converted here, in one place, for every platform.

The contract says money is NOK. A shop that sells in another currency gets its amounts
converted with the rate the user gives (`--currency-rate EUR=11.70`: NOK for one unit of the
currency), exactly (DECIMAL, half up to 4 decimals, common.sql at_rate()). The loaded money
fields are converted; the `*_gross` audit fields keep the source's own figures, in the source
currency, so the conversion can be checked. Orders get `currency_value`, the rate from NOK to
the currency the customer saw (osCommerce's meaning: units of that currency for 1 NOK).

Without a rate for a currency the amounts are in, a demo runs with a prominent warning and a
full migration stops, unless `--keep-currency` says the amounts go in unconverted on purpose.

Where the amounts of an order are: the shop's currency (PrestaShop and OpenCart convert an
order placed in another currency themselves; their `currency_value` is the rate from the
shop's currency to the order's), or the order's own currency when the platform's parameter
`order_amounts_in_order_currency` is true (WooCommerce keeps no rate).
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pyarrow as pa

from ..errors import DumpkitError
from ..issues import IssueLog
from ..sqlnames import tables_in
from ..package.schema import ENTITIES, MONEY

NOK = "NOK"
_CODE = re.compile(r"^[A-Z]{3}$")
_MAX_DECIMALS = 8

# the money fields that are loaded: every MONEY field but the *_gross audit figures; a weight has
# money's Arrow type (decimal(18,4)) but is grams, never converted
CONVERTED = {entity: [f.name for f in schema if f.type == MONEY and f.name != "weight" and not f.name.endswith("_gross")]
             for entity, schema in ENTITIES.items()}
CONVERTED = {entity: fields for entity, fields in CONVERTED.items() if fields}


def _rate(code: str, text: str, where: str) -> tuple[str, Decimal]:
    code = code.strip().upper()
    if not _CODE.match(code):
        raise DumpkitError(f"{where}: {code!r} is not a currency code (three letters, ISO 4217, e.g. EUR)")
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise DumpkitError(f"{where}: rate {text!r} for {code} is not a number (NOK for one {code}, e.g. {code}=11.70)") from None
    if not rate.is_finite() or rate <= 0:
        raise DumpkitError(f"{where}: the rate for {code} must be a positive number of NOK for one {code}")
    if -rate.as_tuple().exponent > _MAX_DECIMALS:
        raise DumpkitError(f"{where}: the rate for {code} has more than {_MAX_DECIMALS} decimals")
    if code == NOK and rate != 1:
        raise DumpkitError(f"{where}: NOK is the target currency; its rate is 1")
    return code, rate


def parse_rates(values: list[str] | None = None, file: Path | None = None) -> dict[str, Decimal]:
    """Rates from `--currency-rate EUR=11.70` options and a `--currency-rate-file`: lines
    `EUR=11.70` (# comments), or a .json / .toml table {"EUR": 11.70}."""
    rates: dict[str, Decimal] = {}
    pairs: list[tuple[str, str, str]] = []
    if file is not None:
        file = Path(file)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise DumpkitError(f"--currency-rate-file {file}: {e.strerror or e}") from None
        if file.suffix.lower() in (".json", ".toml"):
            try:
                table = json.loads(text) if file.suffix.lower() == ".json" else tomllib.loads(text)
            except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
                raise DumpkitError(f"{file}: not valid {file.suffix[1:].upper()} ({e})") from None
            if not isinstance(table, dict):
                raise DumpkitError(f"{file}: expected a table of currency code to rate, e.g. {{\"EUR\": 11.70}}")
            pairs += [(str(k), str(v), str(file)) for k, v in table.items()]
        else:
            for n, line in enumerate(text.splitlines(), 1):
                line = line.split("#", 1)[0].strip()
                if line:
                    code, sep, rate = line.partition("=")
                    if not sep:
                        raise DumpkitError(f"{file}, line {n}: expected CODE=RATE (NOK for one unit), e.g. EUR=11.70")
                    pairs.append((code, rate, f"{file}, line {n}"))
    for value in values or []:
        code, sep, rate = value.partition("=")
        if not sep:
            raise DumpkitError(f"--currency-rate {value!r}: expected CODE=RATE (NOK for one unit), e.g. EUR=11.70")
        pairs.append((code, rate, f"--currency-rate {value}"))
    for code, rate, where in pairs:
        code, value = _rate(code, rate, where)
        if code in rates and rates[code] != value:
            raise DumpkitError(f"{where}: a second, different rate for {code} ({rates[code]} and {value})")
        rates[code] = value
    return rates


def _hint(codes: list[str]) -> str:
    return " ".join(f"--currency-rate {c}=<NOK for one {c}>" for c in codes)


@dataclass
class CurrencyPlan:
    """What happens to the money: known right after the platform's parameters."""
    shop_currency: str
    rates: dict[str, Decimal]
    keep: bool
    demo: bool
    missing: list[str] = field(default_factory=list)  # currencies amounts are in that have no rate

    def manifest(self) -> dict:
        converted = {c: str(r) for c, r in sorted(self.rates.items()) if c != NOK}
        amounts = NOK if not self.keep and not self.missing else self.shop_currency
        return {"amounts": amounts, "shop_currency": self.shop_currency, "rates": converted,
                "kept": self.keep, "not_converted": self.missing}


def plan(con: duckdb.DuckDBPyConnection, log: IssueLog, rates: dict[str, Decimal], keep: bool, demo: bool) -> CurrencyPlan:
    """Check the options against the shop's currency (a full migration without a rate stops
    here, before any mapping runs)."""
    shop = str(con.execute("SELECT getvariable('shop_currency')").fetchall()[0][0] or NOK).strip().upper() or NOK
    if keep and rates:
        raise DumpkitError("--keep-currency loads the amounts unconverted; it cannot go with --currency-rate")
    rates = dict(_rate(code, str(rate), "currency rate") for code, rate in rates.items())  # library callers too
    p = CurrencyPlan(shop, {NOK: Decimal(1), **rates}, keep, demo)
    if shop != NOK and not keep and shop not in p.rates:
        _missing(p, log, [shop], "the shop's amounts are")
    return p


def _missing(p: CurrencyPlan, log: IssueLog, codes: list[str], what: str) -> None:
    if not p.demo:
        raise DumpkitError(f"{what} in {', '.join(codes)}, not NOK: give the rate with {_hint(codes)} "
                           f"(or --currency-rate-file), or load them unconverted with --keep-currency")
    p.missing += [c for c in codes if c not in p.missing]
    log.add("map", None, None, "warning", "CURRENCY_NOT_CONVERTED", None,
            f"DEMO ONLY: {what} in {', '.join(codes)}, not NOK, and no rate was given: they are written unconverted. "
            f"A full migration stops here; give {_hint(codes)}")


def convert(con: duckdb.DuckDBPyConnection, log: IssueLog, p: CurrencyPlan) -> pa.Table | None:
    """Convert the mapped rows in pkg to NOK (after the mappings, before the checks). Returns the
    rate each converted order's amounts were multiplied by (a cent of the source is rate x 0.01 NOK),
    as a table of `oid` and `rate`, or None when no order was converted."""
    tables = tables_in(con)
    con.register("_fx", pa.table({"currency": list(p.rates), "rate": pa.array(list(p.rates.values()), pa.decimal128(20, 10))}))
    try:
        if p.keep:
            log.add("map", None, None, "warning", "CURRENCY_KEPT", None,
                    f"--keep-currency: the amounts are written as the shop has them, in {p.shop_currency}"
                    + ("" if p.shop_currency == NOK else ", not NOK"))
        elif p.shop_currency != NOK and p.shop_currency in p.rates:
            rate = p.rates[p.shop_currency]
            for entity in ("products", "product_variants", "product_specials"):
                if entity in tables:
                    sets = ", ".join(f'"{f}" = at_rate("{f}", ?)' for f in CONVERTED[entity])
                    con.execute(f'UPDATE pkg."{entity}" SET {sets}', [rate] * len(CONVERTED[entity]))
            log.add("map", None, None, "info", "CURRENCY_CONVERTED", None,
                    f"the shop's amounts in {p.shop_currency} are converted to NOK at {rate} NOK per {p.shop_currency} "
                    f"(100 {p.shop_currency} = {(100 * rate).normalize():f} NOK); the *_gross audit fields keep the "
                    f"source's figures in {p.shop_currency}")
        if "orders" in tables:
            return _convert_orders(con, log, p, tables)
        return None
    finally:
        con.unregister("_fx")


def _convert_orders(con, log: IssueLog, p: CurrencyPlan, tables: set[str]) -> pa.Table | None:
    # the currency each order's amounts are in, and its rate (NULL: none given)
    con.execute("""CREATE OR REPLACE TEMP TABLE _order_fx AS
        SELECT o.source_id, o.currency, x.currency AS amounts_in, fx.rate
        FROM pkg.orders o
        CROSS JOIN LATERAL (SELECT CASE WHEN coalesce(TRY_CAST(getvariable('order_amounts_in_order_currency') AS BOOLEAN), false)
                                         AND blank_null(o.currency) IS NOT NULL THEN upper(trim(o.currency)) ELSE ? END AS currency) x
        LEFT JOIN _fx fx ON fx.currency = x.currency""", [p.shop_currency])
    if not p.keep:
        missing = [r[0] for r in con.execute(
            "SELECT DISTINCT amounts_in FROM _order_fx WHERE rate IS NULL AND amounts_in <> ? ORDER BY 1", [p.shop_currency]).fetchall()]
        if missing:
            _missing(p, log, missing, "orders have their amounts")
        for sid, cur in con.execute("SELECT source_id, amounts_in FROM _order_fx WHERE rate IS NULL AND amounts_in <> ? "
                                    "ORDER BY source_id", [p.shop_currency]).fetchall():
            log.add("map", "orders", sid, "warning", "FOREIGN_CURRENCY", "currency_value",
                    f"order placed in {cur}, not the shop's {p.shop_currency}; no rate for {cur}: its amounts are not converted")
        con.execute("DELETE FROM _order_fx WHERE rate IS NULL OR amounts_in = 'NOK'")
    else:
        for sid, cur in con.execute("SELECT source_id, amounts_in FROM _order_fx WHERE amounts_in <> ? ORDER BY source_id",
                                    [p.shop_currency]).fetchall():
            log.add("map", "orders", sid, "warning", "FOREIGN_CURRENCY", "currency_value",
                    f"order placed in {cur}, not the shop's {p.shop_currency}; kept unconverted (--keep-currency)")
        return None
    for entity, key in (("order_lines", "order_source_id"), ("order_totals", "order_source_id")):
        if entity not in tables:
            continue
        sets = ", ".join(f'"{f}" = at_rate(t."{f}", x.rate)' for f in CONVERTED[entity] if f != "unit_price")
        if entity == "order_lines":
            # unit_price stays line_total / quantity
            sets += (', "unit_price" = CASE WHEN t.quantity <> 0 THEN div4(at_rate(t.line_total, x.rate), t.quantity) '
                     'ELSE at_rate(t.unit_price, x.rate) END')
        con.execute(f'UPDATE pkg."{entity}" AS t SET {sets} FROM _order_fx x WHERE t."{key}" = x.source_id')
    # the rate from NOK to what the customer saw: (amounts' currency -> order currency) / (NOK per amounts' currency)
    con.execute("""UPDATE pkg.orders AS o SET currency_value = CAST(CAST(div_int(scaled_int(o.currency_value) * 1000000,
            scaled_int(x.rate)) AS DECIMAL(38,0)) * CAST(0.000001 AS DECIMAL(7,6)) AS DECIMAL(14,6))
        FROM _order_fx x WHERE o.source_id = x.source_id""")
    return con.sql("SELECT source_id AS oid, rate FROM _order_fx").to_arrow_table()
