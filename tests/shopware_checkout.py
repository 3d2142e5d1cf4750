"""Orders in a real Shopware 6.4 shop, written the way Shopware 6.4.14 itself writes them.

The real Shopware dump we have (fixtures/shopware6/sw-6.4-happyware.sql, a 6.4.14 shop with the
official demo data) has empty order tables. `build()` restores it into the real MariaDB, replays
what the administration and the storefront checkout of Shopware 6.4.14 write for a few orders, and
dumps the database again with the real mariadb-dump: fixtures/shopware6/sw-6.4-orders.sql.

No PHP runs here, so each write is the one Shopware's own code makes, cited by its source file
(shopware/shopware at tag v6.4.14.0, the version whose last migration the dump ran:
Migration1657011337AddFillableInStorefront). Amounts are computed the way its calculators compute
them (PHP floats are IEEE doubles like Python's; PHP's round() is half-up on the shortest decimal
form), JSON is written the way its field serializers write it (json_encode with
JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION, keys in the order of each field's property
mapping). SQL that Shopware runs verbatim (stock, customer and promotion counters, the number
range) is run here verbatim. Ids are random in Shopware (Uuid::randomHex); here they are derived
from a name, so the fixture comes out the same every time. Session state (the cart, the
sales_channel_api_context token) is not written: it is gone once the customer's session ends.

What the fixture covers, with the scenario in SCENARIO below:
  administration: the Express shipping method gets a price (EUR and SEK), the chocolate gets the
    reduced rate and is activated, a variant gets its own price and stock, a product a list price,
    a promotion code SOMMER10 (10 % off the cart)
  10000  Kari Nordmann (registered: billing in Oslo, shipping in Bergen): a variant with its own
         price and a product with a list price, SOMMER10, Standard shipping (free), a comment;
         in progress
  10001  Max Mustermann (the demo customer): a variant at 19 % and chocolate at 7 %, Express
         shipping (its VAT split over both rates); shipped, paid, completed; then an edit of the
         order is started in the administration and never saved (a draft version)
  10002  Sven Svensson, a guest from Sweden, in SEK (Swedish VAT 25 % and 12 %), Express
  10003  Max Mustermann: a product with advanced prices (rule price 800 instead of 950); cancelled

Run: .venv/bin/python -m tests.shopware_checkout  (starts its own MariaDB, rewrites the fixture)
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "fixtures" / "shopware6" / "sw-6.4-happyware.sql"
TARGET = ROOT / "fixtures" / "shopware6" / "sw-6.4-orders.sql"

# src/Core/Defaults.php
LIVE_VERSION = "0fa91ce3e96a4bc2be4bd9ce752c3425"
LANGUAGE_SYSTEM = "2fbb5fe2e29a4d70aa5854ce7ce3e20b"
CURRENCY = "b7d2554b0ce847cd82f3ac9bd1c0dfca"
SALES_CHANNEL = "ec9a76492fd94717910e6bf4ec4788ca"  # the dump's storefront ("Storefront", http://localhost)
ADMIN = "8ad9e7253de648a4821a2d9c9b690f21"  # the dump's admin user
SEK = "3a424aea835f45a3af8de540106ba80c"
COUNTRY = {"NO": "12e7fe9c3a744a59825c494223f5d813", "SE": "8f452d1d50a74539980ee3d8656c7ebd"}
SALUTATION = {"mr": None, "mrs": None}  # looked up in the dump
TAX_STANDARD, TAX_REDUCED = "62051068e3384d9e9aa22b28c1399d3d", "46a6390e58a74e0ea7913c7ee388f545"
SHIPPING_STANDARD, SHIPPING_EXPRESS = "05d9ade5ea95409d8fc4770d35e549be", "d86b3e2c41a04b8e82eb0aea728b04cc"
PAYMENT = {"invoice": "f2baf1d38bf94685be5d2dd95287706e", "prepayment": "66e35435dee8448c84153301c90ebece",
           "cash": "eb4c7903443f49d09f4194a0220d129f"}
CUSTOMER_GROUP = "cfbd5018d38d41d8adca10d94fc8bdd6"
MAX = "6c97534c2c0747f39e8751e43cb2b013"
PRODUCT = {  # product_number -> id, from the dump
    "SWDEMO10001": "2a88d9b59d474c7e869d8071649be43c",  # Main product (495.95)
    "SWDEMO100013": "1901dc5e888f4b1ea4168c2c5f005540",  # Main product with reviews (chocolate, 1.99)
    "SWDEMO10002": "11dc680240b04f469ccba354cbf0b967",  # Main product with advanced prices (950; rule price 800)
    "SWDEMO10005.2": "e7beee8404b448feb066648a7cd0ceea",  # Variant product: Blue, XL
    "SWDEMO10007.2": "6b458373d80441a5aa88347daab5262b",  # Main product with properties: L
}
# the rules a storefront cart of a customer of the standard group matches on a weekday (rule table of the dump):
# All customers, Alle Kunden der Standard-Kundengruppe, the four "cart >= 0" rules, Always valid (Default)
RULES = ["155c54b8a92c4c30962d09910e952c24", "28caae75a5624f0d985abd0eb32aa160", "3858957016644de4ae48c0500bf3ccc8",
         "9065afc75eb84d7ba7e42cb6a6abcf1d", "9294c045a50746259a9d02739eef43d7", "e1378db7808a478f919e0d740d5d6c1a",
         "eb79085c845c4c6ebf9cfa90d7b95af7"]
KARI_PASSWORD = "$2y$10$prlgyqDVqNjQfQiFGpoxjOdth6HLlK2SuwHlvo3bqnInWBg2srUVK"  # password_hash('Fjordland-2022')


def uid(name: str) -> str:
    """A version-4 UUID as Shopware writes them (Uuid::randomHex), made from a name so every run agrees."""
    return uuid.UUID(bytes=hashlib.md5(f"dumpkit-shopware-fixture:{name}".encode()).digest(), version=4).hex


def b(hex_id: str | None) -> bytes | None:
    return None if hex_id is None else bytes.fromhex(hex_id)


def ts(value: dt.datetime) -> str:
    """Defaults::STORAGE_DATE_TIME_FORMAT (Y-m-d H:i:s.v), UTC."""
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"


# ------------------------------------------------------------------ PHP semantics

def php_round(x: float, places: int = 2) -> float:
    """PHP round(): half away from zero on the shortest decimal form of the double."""
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def cash_round(x: float) -> float:
    """CashRounding::cashRound with the shop's rounding (2 decimals, interval 0.01)."""
    multiplier = 100 / (0.01 * 100)
    return php_round(php_round(x) * multiplier, 0) / multiplier


def _php_float(x: float) -> str:
    text = repr(float(x))
    if "e" in text or "E" in text:  # PHP writes 1.0e-5
        mantissa, exponent = text.lower().split("e")
        if "." not in mantissa:
            mantissa += ".0"
        text = f"{mantissa}e{int(exponent):+d}".replace("e+", "e+")
    return text


def php_json(value) -> str:
    """json_encode(value, JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION), as
    JsonFieldSerializer::encodeJson writes every JSON column. PHP's empty array is []."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _php_float(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("/", "\\/")
    if isinstance(value, dict):
        if not value:
            return "[]"
        return "{" + ",".join(f"{php_json(str(k))}:{php_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(php_json(v) for v in value) + "]"
    raise TypeError(type(value))


# ------------------------------------------------------------------ prices (src/Core/Checkout/Cart/...)

@dataclass
class CalculatedTax:  # Tax/Struct/CalculatedTax.php
    tax: float
    taxRate: float
    price: float

    def json(self) -> dict:
        return {"tax": self.tax, "taxRate": self.taxRate, "price": self.price, "extensions": []}


@dataclass
class TaxRule:  # Tax/Struct/TaxRule.php
    taxRate: float
    percentage: float = 100.0

    def json(self) -> dict:
        return {"taxRate": self.taxRate, "percentage": self.percentage, "extensions": []}


@dataclass
class CalculatedPrice:  # Price/Struct/CalculatedPrice.php
    unitPrice: float
    totalPrice: float
    calculatedTaxes: list[CalculatedTax]
    taxRules: list[TaxRule]
    quantity: int = 1
    listPrice: dict | None = None

    def json(self) -> dict:
        """CalculatedPriceFieldSerializer: the keys of CalculatedPriceField's property mapping, no extensions."""
        return {"unitPrice": self.unitPrice, "totalPrice": self.totalPrice, "quantity": self.quantity,
                "calculatedTaxes": [t.json() for t in self.calculatedTaxes],
                "taxRules": [r.json() for r in self.taxRules], "referencePrice": None,
                "listPrice": self.listPrice, "regulationPrice": None}


def price_from_json(data: dict) -> CalculatedPrice:
    return CalculatedPrice(data["unitPrice"], data["totalPrice"],
                           [CalculatedTax(t["tax"], t["taxRate"], t["price"]) for t in data["calculatedTaxes"]],
                           [TaxRule(r["taxRate"], r["percentage"]) for r in data["taxRules"]], data["quantity"], data.get("listPrice"))


def merge_taxes(prices: list[CalculatedPrice]) -> list[CalculatedTax]:
    """PriceCollection::getCalculatedTaxes: one CalculatedTax per rate (keyed by (string) rate), incremented."""
    out: dict[float, CalculatedTax] = {}
    for p in prices:
        for t in p.calculatedTaxes:
            if t.taxRate in out:
                out[t.taxRate].tax += t.tax
                out[t.taxRate].price += t.price
            else:
                out[t.taxRate] = CalculatedTax(t.tax, t.taxRate, t.price)
    return list(out.values())


def merge_rules(prices: list[CalculatedPrice]) -> list[TaxRule]:
    """PriceCollection::getTaxRules: the first rule of each rate."""
    out: dict[float, TaxRule] = {}
    for p in prices:
        for r in p.taxRules:
            out.setdefault(r.taxRate, r)
    return list(out.values())


def price_sum(prices: list[CalculatedPrice]) -> CalculatedPrice:
    """PriceCollection::sum."""
    unit = total = 0.0
    for p in prices:
        unit += p.unitPrice
        total += p.totalPrice
    return CalculatedPrice(unit, total, merge_taxes(prices), merge_rules(prices))


def percentage_rules(price: CalculatedPrice) -> list[TaxRule]:
    """Tax/PercentageTaxRuleBuilder::buildRules: each rate's share of the price."""
    return [TaxRule(t.taxRate, t.price / price.totalPrice * 100 if price.totalPrice > 0 else 0)
            for t in price.calculatedTaxes]


def gross_price(price: float, rules: list[TaxRule], quantity: int = 1, list_price: float | None = None) -> CalculatedPrice:
    """Price/GrossPriceCalculator::calculate for a QuantityPriceDefinition that is calculated (gross)."""
    unit = cash_round(price)
    taxes = []
    for rule in rules:  # TaxCalculator::calculateGrossTaxes
        gross = unit / 100 * rule.percentage
        taxes.append(CalculatedTax(gross / ((100 + rule.taxRate) / 100) * (rule.taxRate / 100), rule.taxRate, gross))
    for tax in taxes:
        tax.tax = php_round(tax.tax * quantity)
        tax.price = tax.price * quantity
    total = cash_round(unit * quantity)
    listed = None
    if list_price:  # ListPrice::createFromUnitPrice (CalculatedPriceField maps price, discount, percentage)
        lp = cash_round(list_price)
        listed = {"price": lp, "discount": (lp - unit) * -1, "percentage": php_round(100 - unit / lp * 100)}
    return CalculatedPrice(unit, total, taxes, rules, quantity, listed)


def quantity_definition(price: float, rules: list[TaxRule], quantity: int, list_price: float | None = None) -> dict:
    """QuantityPriceDefinition::jsonSerialize (PriceDefinitionFieldSerializer stores it as it is)."""
    return {"price": price, "taxRules": [r.json() for r in rules], "quantity": quantity, "isCalculated": True,
            "referencePriceDefinition": None, "listPrice": list_price, "regulationPrice": None, "extensions": [],
            "type": "quantity"}


def cart_price(positions: list[CalculatedPrice], shipping: list[CalculatedPrice]) -> dict:
    """Price/AmountCalculator::calculateGrossAmount, horizontal tax calculation (the sales channel's),
    as CartPriceFieldSerializer stores it (CartPriceField's property mapping order)."""
    everything = positions + shipping
    total = price_sum(everything)
    taxes = merge_taxes(everything)
    for t in taxes:
        t.tax = php_round(t.tax)
    amount = 0.0
    for t in taxes:
        amount += t.tax
    return {"netPrice": php_round(total.totalPrice - amount), "totalPrice": cash_round(total.totalPrice),
            "calculatedTaxes": [t.json() for t in taxes], "taxRules": [r.json() for r in total.taxRules],
            "positionPrice": price_sum(positions).totalPrice, "rawTotal": total.totalPrice, "taxStatus": "gross"}


# ------------------------------------------------------------------ the shop

class Shop:
    """A cursor on the restored shop, with Shopware's writes as methods."""

    def __init__(self, cur):
        self.cur = cur

    def run(self, sql: str, **params) -> list[tuple]:
        """Run SQL the way Doctrine runs Shopware's: :name parameters, a list expands (PARAM_STR_ARRAY)."""
        values = []

        def one(m: re.Match) -> str:
            value = params[m.group(1)]
            if isinstance(value, list):
                values.extend(value)
                return ", ".join(["%s"] * len(value))
            values.append(value)
            return "%s"

        self.cur.execute(re.sub(r"(?<!:):([a-zA-Z_]+)", one, sql.replace("%", "%%")), values)
        return list(self.cur.fetchall() or [])

    def insert(self, table: str, row: dict) -> None:
        """An EntityWriteGateway insert: one row, every column the definition writes."""
        columns = ", ".join(f"`{c}`" for c in row)
        self.cur.execute(f"INSERT INTO `{table}` ({columns}) VALUES ({', '.join(['%s'] * len(row))})",
                         [php_json(v) if isinstance(v, (dict, list)) else v for v in row.values()])

    def update(self, table: str, key: dict, values: dict) -> None:
        sets = ", ".join(f"`{c}` = %s" for c in values)
        where = " AND ".join(f"`{c}` = %s" for c in key)
        self.cur.execute(f"UPDATE `{table}` SET {sets} WHERE {where}",
                         [php_json(v) if isinstance(v, (dict, list)) else v for v in values.values()] + list(key.values()))

    def one(self, sql: str, *args):
        self.cur.execute(sql, args)
        row = self.cur.fetchone()
        return None if row is None else row[0]

    # -------------------------------------------------------------- catalogue reads

    def product(self, product_id: str) -> dict:
        """The product as the storefront loads it: a variant's NULL fields are its parent's (inheritance)."""
        self.cur.execute("SELECT * FROM product WHERE id = %s AND version_id = %s", [b(product_id), b(LIVE_VERSION)])
        names = [d[0] for d in self.cur.description]
        row = dict(zip(names, self.cur.fetchone()))
        if row["parent_id"] is not None:
            self.cur.execute("SELECT * FROM product WHERE id = %s AND version_id = %s", [row["parent_id"], b(LIVE_VERSION)])
            parent = dict(zip(names, self.cur.fetchone()))
            row = {k: (parent[k] if v is None and k not in ("parent_id", "stock", "available_stock") else v) for k, v in row.items()}
            row["_parent"] = parent
        row["_name"] = self.translated("product_translation", "product_id", product_id, "name",
                                       fallback=row["parent_id"].hex() if row["parent_id"] else None)
        return row

    def translated(self, table: str, key: str, entity_id: str, column: str, fallback: str | None = None) -> str:
        value = self.one(f"SELECT `{column}` FROM `{table}` WHERE `{key}` = %s AND language_id = %s", b(entity_id), b(LANGUAGE_SYSTEM))
        if value is None and fallback:
            value = self.one(f"SELECT `{column}` FROM `{table}` WHERE `{key}` = %s AND language_id = %s", b(fallback), b(LANGUAGE_SYSTEM))
        return value

    def variation(self, product: dict) -> list[dict]:
        """SalesChannelProductEntity::getVariation: [{group, option}] of the variant's options, by group position."""
        if not product.get("option_ids"):
            return []
        ids = json.loads(product["option_ids"])
        self.cur.execute(f"""SELECT gt.name, ot.name FROM property_group_option o
            JOIN property_group_translation gt ON gt.property_group_id = o.property_group_id AND gt.language_id = %s
            JOIN property_group_option_translation ot ON ot.property_group_option_id = o.id AND ot.language_id = %s
            WHERE o.id IN ({', '.join(['%s'] * len(ids))}) ORDER BY gt.position, gt.name""",
                         [b(LANGUAGE_SYSTEM), b(LANGUAGE_SYSTEM), *[b(i) for i in ids]])
        return [{"group": g, "option": o} for g, o in self.cur.fetchall()]

    def cover_media(self, product: dict) -> str | None:
        media = self.one("SELECT media_id FROM product_media WHERE id = %s", product["product_media_id"])
        return media.hex() if media else None

    def tax_rate(self, tax_id: str, country: str) -> float:
        """TaxDetector / SalesChannelContext::buildTaxRules: the country's rule, else the tax's rate."""
        rate = self.one("""SELECT r.tax_rate FROM tax_rule r JOIN tax_rule_type t ON t.id = r.tax_rule_type_id
            WHERE r.tax_id = %s AND r.country_id = %s AND t.technical_name = 'entire_country'""", b(tax_id), b(COUNTRY.get(country, "00")))
        if rate is None:
            rate = self.one("SELECT tax_rate FROM tax WHERE id = %s", b(tax_id))
        return float(rate)

    def number(self, technical_name: str, now: dt.datetime) -> str:
        """NumberRangeValueGenerator with IncrementSqlStorage::reserve (pattern {n})."""
        self.cur.execute("""SELECT n.id, n.start FROM number_range n JOIN number_range_type t ON t.id = n.type_id
            WHERE t.technical_name = %s AND n.global = 1""", [technical_name])
        range_id, start = self.cur.fetchone()
        self.cur.execute("""INSERT `number_range_state` (`id`, `last_value`, `number_range_id`, `created_at`) VALUES (%s, %s, %s, %s)
                ON DUPLICATE KEY UPDATE `last_value` = @nr := IF(`last_value`+1 > %s, `last_value`+1, %s)""",
                         [b(uid(f"number_range_state:{technical_name}")), start, range_id, ts(now), start, start])
        last = self.one("SELECT last_value FROM number_range_state WHERE number_range_id = %s", range_id)
        return str(last)


# ------------------------------------------------------------------ administration writes

def setup_catalogue(shop: Shop, now: dt.datetime) -> None:
    """What the merchant does in the administration before the orders (the DAL writes of each save)."""
    # Settings > Shipping > Express: a price in EUR and one in SEK (ShippingMethodPriceDefinition, PriceFieldSerializer
    # keys the currency prices "c<currencyId>"; the administration sends net computed from gross at the default rate)
    shop.update("shipping_method_price", {"shipping_method_id": b(SHIPPING_EXPRESS)}, {
        "currency_price": {
            f"c{CURRENCY}": {"currencyId": CURRENCY, "gross": 5.9, "net": 5.9 / 1.19, "linked": True},
            f"c{SEK}": {"currencyId": SEK, "gross": 62.0, "net": 62.0 / 1.19, "linked": True}},
        "updated_at": ts(now)})
    # Catalogues > Products > "Main product with reviews" (chocolate): active, reduced rate; the linked net price follows
    chocolate = PRODUCT["SWDEMO100013"]
    shop.update("product", {"id": b(chocolate), "version_id": b(LIVE_VERSION)}, {
        "active": 1, "tax_id": b(TAX_REDUCED),
        "price": {f"c{CURRENCY}": {"currencyId": CURRENCY, "gross": 1.99, "net": 1.99 / 1.07, "linked": True}},
        "updated_at": ts(now)})
    # the variant Blue / XL gets a price and a stock of its own (ProductDefinition price, stock; ProductIndexer/
    # StockUpdater::update recompute available_stock)
    shop.update("product", {"id": b(PRODUCT["SWDEMO10005.2"]), "version_id": b(LIVE_VERSION)}, {
        "price": {f"c{CURRENCY}": {"currencyId": CURRENCY, "gross": 24.99, "net": 24.99 / 1.19, "linked": True}},
        "stock": 7, "available_stock": 7, "updated_at": ts(now)})
    # "Main product": a list price 549.00 ("before" price); PriceFieldSerializer adds the percentage
    shop.update("product", {"id": b(PRODUCT["SWDEMO10001"]), "version_id": b(LIVE_VERSION)}, {
        "price": {f"c{CURRENCY}": {
            "currencyId": CURRENCY, "gross": 495.95, "net": 495.95 / 1.19, "linked": True,
            "listPrice": {"currencyId": CURRENCY, "gross": 549.0, "net": 549.0 / 1.19, "linked": True},
            "percentage": {"net": php_round(100 - (495.95 / 1.19) / (549.0 / 1.19) * 100), "gross": php_round(100 - 495.95 / 549.0 * 100)}}},
        "updated_at": ts(now)})
    # Marketing > Promotions: SOMMER10, 10 % off the cart, for the storefront (PromotionDefinition and its children)
    promotion, discount = uid("promotion:SOMMER10"), uid("promotion_discount:SOMMER10")
    shop.insert("promotion", {"id": b(promotion), "active": 1, "valid_from": None, "valid_until": None,
                              "max_redemptions_global": None, "max_redemptions_per_customer": None, "priority": 1,
                              "order_count": 0, "orders_per_customer_count": None, "exclusive": 0, "code": "SOMMER10",
                              "use_codes": 1, "created_at": ts(now), "customer_restriction": 0, "prevent_combination": 0,
                              "exclusion_ids": [], "use_individual_codes": 0, "individual_code_pattern": None,
                              "use_setgroups": 0})
    for language, name in ((LANGUAGE_SYSTEM, "Summer sale 10 %"), ("0ed15e1599924b08823f60bb496f1e03", "Sommerrabatt 10 %")):
        shop.insert("promotion_translation", {"promotion_id": b(promotion), "language_id": b(language), "name": name,
                                              "created_at": ts(now)})
    shop.insert("promotion_sales_channel", {"id": b(uid("promotion_sales_channel:SOMMER10")), "promotion_id": b(promotion),
                                            "sales_channel_id": b(SALES_CHANNEL), "priority": 1, "created_at": ts(now)})
    shop.insert("promotion_discount", {"id": b(discount), "promotion_id": b(promotion), "scope": "cart", "type": "percentage",
                                       "value": 10.0, "consider_advanced_rules": 0, "max_value": None, "sorter_key": None,
                                       "applier_key": None, "usage_key": None, "picker_key": None, "created_at": ts(now)})


# ------------------------------------------------------------------ storefront: registration

@dataclass
class Address:
    first_name: str
    last_name: str
    street: str
    zipcode: str
    city: str
    country: str
    salutation: str = "mr"
    phone_number: str | None = None
    company: str | None = None
    id: str = ""


def register(shop: Shop, key: str, email: str, salutation: str, first: str, last: str, billing: Address,
             shipping: Address | None, now: dt.datetime, guest: bool = False, birthday: str | None = None) -> str:
    """Checkout/Customer/SalesChannel/RegisterRoute::register: the customer, its billing address and an
    optional shipping address (mapCustomerData, mapAddressData; CustomerDefinition defaults)."""
    customer = uid(f"customer:{key}")
    billing.id = uid(f"customer_address:{key}:billing")
    if shipping:
        shipping.id = uid(f"customer_address:{key}:shipping")
    shop.insert("customer", {
        "id": b(customer), "customer_group_id": b(CUSTOMER_GROUP), "requested_customer_group_id": None,
        "default_payment_method_id": b(PAYMENT["cash"]),  # the sales channel's default payment method
        "sales_channel_id": b(SALES_CHANNEL), "language_id": b(LANGUAGE_SYSTEM), "last_payment_method_id": None,
        "default_billing_address_id": b(billing.id), "default_shipping_address_id": b((shipping or billing).id),
        "customer_number": shop.number("customer", now), "salutation_id": b(SALUTATION[salutation]),
        "first_name": first, "last_name": last, "company": None, "password": None if guest else KARI_PASSWORD,
        "email": email, "title": None, "vat_ids": None, "active": 1, "double_opt_in_registration": 0,
        "guest": int(guest), "first_login": ts(now), "last_login": None, "newsletter": 0,
        "birthday": birthday, "affiliate_code": None, "campaign_code": None, "created_at": ts(now),
        "bound_sales_channel_id": None})
    for address in filter(None, (billing, shipping)):
        shop.insert("customer_address", {
            "id": b(address.id), "customer_id": b(customer), "country_id": b(COUNTRY[address.country]),
            "country_state_id": None, "company": address.company, "department": None,
            "salutation_id": b(SALUTATION[address.salutation]), "title": None, "first_name": address.first_name,
            "last_name": address.last_name, "street": address.street, "zipcode": address.zipcode, "city": address.city,
            "phone_number": address.phone_number, "additional_address_line1": None, "additional_address_line2": None,
            "created_at": ts(now)})
    remember_address(shop, customer, now)  # RegisterRoute dispatches CustomerLoginEvent too
    return customer


def remember_address(shop: Shop, customer: str, now: dt.datetime) -> None:
    """Checkout/Customer/Subscriber/CustomerRemoteAddressSubscriber on CustomerLoginEvent: the client's IP, which
    RemoteAddressField stores anonymised (core.loginRegistration.customerIpAddressesNotAnonymously is off)."""
    shop.update("customer", {"id": b(customer)}, {"remote_address": "127.0.0.0", "updated_at": ts(now)})


def login(shop: Shop, customer: str, now: dt.datetime) -> None:
    """Checkout/Customer/SalesChannel/LoginRoute::login writes the customer's lastLogin, then CustomerLoginEvent."""
    shop.update("customer", {"id": b(customer)}, {"last_login": ts(now), "updated_at": ts(now)})
    remember_address(shop, customer, now)


# ------------------------------------------------------------------ storefront: the checkout

@dataclass
class Line:
    number: str
    quantity: int


@dataclass
class Order:
    key: str
    customer: str
    lines: list[Line]
    shipping_method: str
    payment: str
    placed: dt.datetime
    currency: str = CURRENCY
    factor: float = 1.0
    promotion_code: str | None = None
    comment: str | None = None
    id: str = ""
    number: str = ""
    delivery: str = ""
    transaction: str = ""
    line_ids: list[str] = field(default_factory=list)


def customer_row(shop: Shop, customer: str) -> dict:
    shop.cur.execute("SELECT * FROM customer WHERE id = %s", [b(customer)])
    return dict(zip([d[0] for d in shop.cur.description], shop.cur.fetchone()))


def address_row(shop: Shop, address_id: bytes) -> dict:
    shop.cur.execute("SELECT a.*, c.iso FROM customer_address a JOIN country c ON c.id = a.country_id WHERE a.id = %s", [address_id])
    return dict(zip([d[0] for d in shop.cur.description], shop.cur.fetchone()))


def place_order(shop: Shop, order: Order) -> None:
    """Checkout/Cart/SalesChannel/CartOrderRoute::order: the calculated cart converted by
    Cart/Order/OrderConverter::convertToOrder (CartTransformer, CustomerTransformer, AddressTransformer,
    LineItemTransformer, DeliveryTransformer, TransactionTransformer) and written by OrderPersister, then
    the CheckoutOrderPlacedEvent subscribers (StockUpdater::orderPlaced, PromotionRedemptionUpdater)."""
    now = order.placed
    customer = customer_row(shop, order.customer)
    shipping_address = address_row(shop, customer["default_shipping_address_id"])
    billing_address = address_row(shop, customer["default_billing_address_id"])
    country = shipping_address["iso"]
    order.id = uid(f"order:{order.key}")

    # ---- the cart: product line items (ProductCartProcessor), the promotion (PromotionCalculator), the delivery
    items = []  # (line item id, identifier, product row, calculated price, definition)
    for n, line in enumerate(order.lines):
        product = shop.product(PRODUCT[line.number])
        rules = [TaxRule(shop.tax_rate(product["tax_id"].hex(), country))]
        prices = json.loads(product["price"])
        advanced = shop.run("""SELECT price, quantity_start FROM product_price WHERE product_id IN (:ids) AND rule_id IN (:rules)
            AND quantity_start <= :qty AND (quantity_end IS NULL OR quantity_end >= :qty) AND version_id = :version""",
                            ids=[product["id"]] + ([product["parent_id"]] if product["parent_id"] else []),
                            rules=[b(r) for r in RULES], qty=line.quantity, version=b(LIVE_VERSION))
        if advanced:  # ProductPriceCalculator: the rule price for this quantity replaces the price
            prices = json.loads(advanced[0][0])
        own = prices.get(f"c{order.currency}")
        entry = own or prices[f"c{CURRENCY}"]
        unit = float(entry["gross"]) * (1 if own else order.factor)
        listed = entry.get("listPrice")
        list_unit = float(listed["gross"]) * (1 if own else order.factor) if listed else None
        # ProductPriceCalculator rounds the unit price; ProductCartProcessor::buildPriceDefinition keeps that unit
        calculated_unit = gross_price(unit, rules, 1, list_unit)
        definition = quantity_definition(calculated_unit.unitPrice, rules, line.quantity,
                                         calculated_unit.listPrice["price"] if calculated_unit.listPrice else None)
        price = gross_price(calculated_unit.unitPrice, rules, line.quantity,
                            calculated_unit.listPrice["price"] if calculated_unit.listPrice else None)
        items.append((uid(f"order_line_item:{order.key}:{n}"), product["id"].hex(), product, price, definition))

    positions = [i[3] for i in items]
    promotion_item = None
    if order.promotion_code:
        promotion_id = shop.one("SELECT id FROM promotion WHERE code = %s", order.promotion_code).hex()
        discount_id, value = shop.one("SELECT id FROM promotion_discount WHERE promotion_id = %s", b(promotion_id)).hex(), 10.0
        affected = price_sum(positions)  # CartScopeDiscountPackager: every product of the cart
        # DiscountPercentageCalculator -> PercentagePriceCalculator::calculate(-10, ...)
        discount_price = gross_price(cash_round(affected.totalPrice / 100 * -value), percentage_rules(affected), 1)
        composition = [{"id": i[1], "quantity": i[3].quantity, "discount": i[3].quantity * i[3].unitPrice * (value / 100.0)}
                       for i in items]
        payload = {"promotionId": promotion_id, "discountId": discount_id, "discountType": "percentage",
                   "code": order.promotion_code, "value": "10", "promotionCodeType": "fixed", "maxValue": "",
                   "discountScope": "cart", "preventCombination": False, "exclusions": [], "groupId": "",
                   "setGroups": [], "filter": {"sorterKey": None, "applierKey": None, "usageKey": None, "pickerKey": None},
                   "composition": composition}
        promotion_item = (uid(f"order_line_item:{order.key}:promotion"), discount_id, promotion_id, discount_price, payload,
                          shop.translated("promotion_translation", "promotion_id", promotion_id, "name"))

    # DeliveryCalculator: free when every item ships free, else the method's price, taxed "auto" (each rate's share)
    goods = [i for i in items]
    shipping_free = all(i[2]["shipping_free"] for i in goods)
    method_prices = json.loads(shop.one("SELECT currency_price FROM shipping_method_price WHERE shipping_method_id = %s",
                                        b(order.shipping_method)))
    method_price = method_prices.get(f"c{order.currency}")
    cost = 0.0 if shipping_free else (float(method_price["gross"]) if method_price
                                      else float(method_prices[f"c{CURRENCY}"]["gross"]) * order.factor)
    shipping = gross_price(cost, percentage_rules(price_sum([g[3] for g in goods])), 1)
    all_positions = positions + ([promotion_item[3]] if promotion_item else [])
    total = cart_price(all_positions, [shipping])

    # ---- order (OrderDefinition via CartTransformer)
    order.number = shop.number("order", now)
    delivery_address = uid(f"order_address:{order.key}:shipping")
    same_address = customer["default_billing_address_id"] == customer["default_shipping_address_id"]
    billing_order_address = delivery_address if same_address else uid(f"order_address:{order.key}:billing")
    rounding = {"decimals": 2, "interval": 0.01, "roundForNet": True}
    shop.insert("order", {
        "id": b(order.id), "version_id": b(LIVE_VERSION),
        "state_id": shop.one("SELECT initial_state_id FROM state_machine WHERE technical_name = 'order.state'"),
        "order_number": order.number, "currency_id": b(order.currency), "language_id": b(LANGUAGE_SYSTEM),
        "currency_factor": order.factor, "sales_channel_id": b(SALES_CHANNEL),
        "billing_address_id": b(billing_order_address), "billing_address_version_id": b(LIVE_VERSION),
        "price": total, "order_date_time": ts(now), "shipping_costs": shipping.json(),
        "deep_link_code": hashlib.sha256(order.key.encode()).hexdigest()[:32],  # Random::getBase64UrlString(32)
        "custom_fields": None, "affiliate_code": None, "campaign_code": None, "customer_comment": order.comment,
        "created_at": ts(now), "item_rounding": rounding, "total_rounding": rounding, "rule_ids": RULES,
        "created_by_id": None, "updated_by_id": None})
    # order_customer (CustomerTransformer)
    shop.insert("order_customer", {
        "id": b(uid(f"order_customer:{order.key}")), "version_id": b(LIVE_VERSION), "customer_id": b(order.customer),
        "order_id": b(order.id), "order_version_id": b(LIVE_VERSION), "email": customer["email"],
        "salutation_id": customer["salutation_id"], "first_name": customer["first_name"], "last_name": customer["last_name"],
        "title": customer["title"], "vat_ids": None, "company": customer["company"], "customer_number": customer["customer_number"],
        "custom_fields": None, "created_at": ts(now), "remote_address": customer["remote_address"]})
    # order_address (AddressTransformer: the delivery address, and the billing address when it is another one)
    for address_id, source in ((delivery_address, shipping_address),) + (() if same_address else ((billing_order_address, billing_address),)):
        shop.insert("order_address", {
            "id": b(address_id), "version_id": b(LIVE_VERSION), "country_id": source["country_id"],
            "country_state_id": source["country_state_id"], "order_id": b(order.id), "order_version_id": b(LIVE_VERSION),
            "company": source["company"], "department": source["department"], "salutation_id": source["salutation_id"],
            "title": source["title"], "first_name": source["first_name"], "last_name": source["last_name"],
            "street": source["street"], "zipcode": source["zipcode"], "city": source["city"], "vat_id": None,
            "phone_number": source["phone_number"], "additional_address_line1": source["additional_address_line1"],
            "additional_address_line2": source["additional_address_line2"], "custom_fields": None, "created_at": ts(now)})
    # order_line_item (LineItemTransformer): products, then the promotion
    for position, (line_id, identifier, product, price, definition) in enumerate(items, 1):
        payload = {
            "isCloseout": bool(product["is_closeout"]), "customFields": None,  # the translation's, empty in the demo
            "createdAt": ts(product["created_at"]), "releaseDate": ts(product["release_date"]) if product["release_date"] else None,
            "isNew": product["release_date"] is not None and product["release_date"] > now - dt.timedelta(days=30),
            "markAsTopseller": None if product["mark_as_topseller"] is None else bool(product["mark_as_topseller"]),
            "purchasePrices": None,
            "productNumber": product["product_number"], "manufacturerId": product["product_manufacturer_id"].hex(),
            "taxId": product["tax_id"].hex(), "tagIds": None,
            "categoryIds": json.loads(product["category_tree"]) if product["category_tree"] else None,
            "propertyIds": json.loads(product["property_ids"]) if product["property_ids"] else None,
            "optionIds": json.loads(product["option_ids"]) if product["option_ids"] else None,
            "options": shop.variation(product), "streamIds": None,
            "parentId": product["parent_id"].hex() if product["parent_id"] else None, "stock": product["stock"]}
        shop.insert("order_line_item", {
            "id": b(line_id), "version_id": b(LIVE_VERSION), "order_id": b(order.id), "order_version_id": b(LIVE_VERSION),
            "parent_id": None, "parent_version_id": None, "identifier": identifier, "referenced_id": identifier,
            "product_id": b(identifier), "product_version_id": b(LIVE_VERSION), "promotion_id": None,
            "label": product["_name"], "description": None, "cover_id": b(shop.cover_media(product)),
            "quantity": price.quantity, "type": "product", "payload": payload, "price_definition": definition,
            "price": price.json(), "stackable": 1, "removable": 1, "good": 1, "position": position,
            "custom_fields": None, "created_at": ts(now)})
        order.line_ids.append(line_id)
    if promotion_item:
        line_id, discount_id, promotion_id, price, payload, name = promotion_item
        shop.insert("order_line_item", {
            "id": b(line_id), "version_id": b(LIVE_VERSION), "order_id": b(order.id), "order_version_id": b(LIVE_VERSION),
            "parent_id": None, "parent_version_id": None, "identifier": discount_id, "referenced_id": order.promotion_code,
            "product_id": None, "product_version_id": None, "promotion_id": b(promotion_id), "label": name,
            "description": name, "cover_id": None, "quantity": 1, "type": "promotion", "payload": payload,
            "price_definition": {"percentage": -10.0, "filter": None, "extensions": [], "type": "percentage"},
            "price": price.json(), "stackable": 0, "removable": 1, "good": 0, "position": len(items) + 1,
            "custom_fields": None, "created_at": ts(now)})
    # order_delivery and its positions (DeliveryTransformer; OrderDeliveryDefinition default trackingCodes [])
    order.delivery = uid(f"order_delivery:{order.key}")
    shop.insert("order_delivery", {
        "id": b(order.delivery), "version_id": b(LIVE_VERSION), "order_id": b(order.id), "order_version_id": b(LIVE_VERSION),
        "state_id": shop.one("SELECT initial_state_id FROM state_machine WHERE technical_name = 'order_delivery.state'"),
        "shipping_order_address_id": b(delivery_address), "shipping_order_address_version_id": b(LIVE_VERSION),
        "shipping_method_id": b(order.shipping_method), "tracking_codes": [],
        # DeliveryDate::createFromDeliveryTime: the method's delivery time, 1 - 3 days
        "shipping_date_earliest": ts(now + dt.timedelta(days=1)), "shipping_date_latest": ts(now + dt.timedelta(days=3)),
        "shipping_costs": shipping.json(), "custom_fields": None, "created_at": ts(now)})
    for n, (line_id, _, _, price, _) in enumerate(items):
        shop.insert("order_delivery_position", {
            "id": b(uid(f"order_delivery_position:{order.key}:{n}")), "version_id": b(LIVE_VERSION),
            "order_delivery_id": b(order.delivery), "order_delivery_version_id": b(LIVE_VERSION),
            "order_line_item_id": b(line_id), "order_line_item_version_id": b(LIVE_VERSION), "price": price.json(),
            "custom_fields": None, "created_at": ts(now)})
    # order_transaction (TransactionTransformer; the amount is the cart's total as a CalculatedPrice)
    order.transaction = uid(f"order_transaction:{order.key}")
    taxes = [CalculatedTax(t["tax"], t["taxRate"], t["price"]) for t in total["calculatedTaxes"]]
    rules = [TaxRule(r["taxRate"], r["percentage"]) for r in total["taxRules"]]
    shop.insert("order_transaction", {
        "id": b(order.transaction), "version_id": b(LIVE_VERSION), "order_id": b(order.id), "order_version_id": b(LIVE_VERSION),
        "state_id": shop.one("SELECT initial_state_id FROM state_machine WHERE technical_name = 'order_transaction.state'"),
        "payment_method_id": b(order.payment),
        "amount": CalculatedPrice(total["totalPrice"], total["totalPrice"], taxes, rules).json(),
        "custom_fields": None, "created_at": ts(now)})

    # ---- CheckoutOrderPlacedEvent subscribers
    # Content/Product/DataAbstractionLayer/StockUpdater::orderPlaced
    quantities: dict[str, int] = {}
    for _, identifier, _, price, _ in items:
        quantities[identifier] = quantities.get(identifier, 0) + price.quantity
    for product_id, quantity in quantities.items():
        shop.run("UPDATE product SET available_stock = available_stock - :quantity WHERE id = :id", id=b(product_id), quantity=quantity)
    update_available_flag(shop, list(quantities))
    # Checkout/Promotion/DataAbstractionLayer/PromotionRedemptionUpdater::orderPlaced
    if promotion_item:
        promotion_id = promotion_item[2]
        counts = json.loads(shop.one("SELECT orders_per_customer_count FROM promotion WHERE id = %s", b(promotion_id)) or "{}")
        counts[order.customer] = 1 + counts.get(order.customer, 0)
        shop.run("UPDATE promotion SET order_count = order_count + 1, orders_per_customer_count = :customerCount WHERE id = :id",
                 id=b(promotion_id), customerCount=json.dumps(counts))


def update_available_flag(shop: Shop, ids: list[str]) -> None:
    """StockUpdater::updateAvailableFlag, verbatim."""
    shop.run("""
            UPDATE product
            LEFT JOIN product parent
                ON parent.id = product.parent_id
                AND parent.version_id = product.version_id

            SET product.available = IFNULL((
                IFNULL(product.is_closeout, parent.is_closeout) * product.available_stock
                >=
                IFNULL(product.is_closeout, parent.is_closeout) * IFNULL(product.min_purchase, parent.min_purchase)
            ), 0)
            WHERE product.id IN (:ids)
            AND product.version_id = :version
        """, ids=[b(i) for i in ids], version=b(LIVE_VERSION))


def update_available_stock_and_sales(shop: Shop, ids: list[str], now: dt.datetime) -> None:
    """StockUpdater::updateAvailableStockAndSales, verbatim."""
    rows = shop.run("""
SELECT LOWER(HEX(order_line_item.product_id)) as product_id,
    IFNULL(
        SUM(IF(state_machine_state.technical_name = :completed_state, 0, order_line_item.quantity)),
        0
    ) as open_quantity,
    IFNULL(
        SUM(IF(state_machine_state.technical_name = :completed_state, order_line_item.quantity, 0)),
        0
    ) as sales_quantity
FROM order_line_item
    INNER JOIN `order`
        ON `order`.id = order_line_item.order_id
        AND `order`.version_id = order_line_item.order_version_id
    INNER JOIN state_machine_state
        ON state_machine_state.id = `order`.state_id
        AND state_machine_state.technical_name <> :cancelled_state
WHERE order_line_item.product_id IN (:ids)
    AND order_line_item.type = :type
    AND order_line_item.version_id = :version
    AND order_line_item.product_id IS NOT NULL
GROUP BY product_id;
        """, type="product", version=b(LIVE_VERSION), completed_state="completed", cancelled_state="cancelled",
                    ids=[b(i) for i in ids])
    found = {r[0]: (r[1], r[2]) for r in rows}
    for product_id in ids:
        open_quantity, sales = found.get(product_id, (0, 0))
        shop.run("UPDATE product SET available_stock = stock - :open_quantity, sales = :sales_quantity, updated_at = :now WHERE id = :id",
                 id=b(product_id), open_quantity=open_quantity, sales_quantity=sales, now=ts(now))


# ------------------------------------------------------------------ administration: state transitions

def transition(shop: Shop, entity: str, entity_id: str, action: str, now: dt.datetime) -> None:
    """System/StateMachine/StateMachineRegistry::transition: a state_machine_history row, the entity's new
    state (an upsert: updated_at, and updated_by for orders), then the StateMachineTransitionEvent subscribers
    (StockUpdater::stateChanged, CustomerMetaFieldSubscriber::fillCustomerMetaDataFields)."""
    machine = f"{entity}.state"
    machine_id, from_id, from_name = shop.run(f"""SELECT sm.id, s.id, s.technical_name FROM `{entity}` e
        JOIN state_machine_state s ON s.id = e.state_id JOIN state_machine sm ON sm.id = s.state_machine_id
        WHERE e.id = :id AND e.version_id = :version""", id=b(entity_id), version=b(LIVE_VERSION))[0]
    to_id, to_name = shop.run("""SELECT t.to_state_id, s.technical_name FROM state_machine_transition t
        JOIN state_machine_state s ON s.id = t.to_state_id
        WHERE t.state_machine_id = :machine AND t.from_state_id = :from AND t.action_name = :action""",
                              machine=machine_id, action=action, **{"from": from_id})[0]
    shop.insert("state_machine_history", {
        "id": b(uid(f"state_machine_history:{entity}:{entity_id}:{action}:{ts(now)}")), "state_machine_id": machine_id,
        "entity_name": entity, "entity_id": {"id": entity_id, "version_id": LIVE_VERSION},
        "from_state_id": from_id, "to_state_id": to_id, "action_name": action, "user_id": b(ADMIN), "created_at": ts(now)})
    values = {"state_id": to_id, "updated_at": ts(now)}
    if entity == "order":
        values["updated_by_id"] = b(ADMIN)
    shop.update(entity, {"id": b(entity_id), "version_id": b(LIVE_VERSION)}, values)
    if entity != "order":
        return
    products = shop.run("SELECT referenced_id, quantity FROM order_line_item WHERE type = :type AND order_id = :id AND version_id = :version",
                        type="product", id=b(entity_id), version=b(LIVE_VERSION))
    ids = [p[0] for p in products]
    if to_name == "completed" or from_name == "completed":  # StockUpdater::decreaseStock / increaseStock
        for referenced, quantity in products:
            shop.run("UPDATE product SET stock = stock + :quantity WHERE id = :id AND version_id = :version",
                     quantity=quantity * (-1 if to_name == "completed" else 1), id=b(referenced), version=b(LIVE_VERSION))
    if to_name in ("completed", "cancelled") or from_name in ("completed", "cancelled"):
        update_available_stock_and_sales(shop, ids, now)
        update_available_flag(shop, ids)
    if to_name == "completed" or from_name == "completed":  # CustomerMetaFieldSubscriber::updateCustomer
        customers = [r[0] for r in shop.run("""SELECT DISTINCT LOWER(HEX(customer_id)) FROM `order_customer` WHERE order_id IN (:ids)
            AND order_version_id = :version AND customer_id IS NOT NULL""", ids=[b(entity_id)], version=b(LIVE_VERSION))]
        data = shop.run("""
            SELECT `order_customer`.customer_id as id,
                   COUNT(`order`.id) as order_count,
                   SUM(`order`.amount_total) as order_total_amount,
                   MAX(`order`.order_date_time) as last_order_date
            FROM `order_customer`
            INNER JOIN `order`
                ON `order`.id = `order_customer`.order_id
                AND `order`.version_id = `order_customer`.order_version_id
                AND `order`.version_id = :version
            INNER JOIN `state_machine_state`
                ON `state_machine_state`.id = `order`.state_id
                AND `state_machine_state`.technical_name = :state
            WHERE `order_customer`.customer_id IN (:customerIds)
            GROUP BY `order_customer`.customer_id
        """, customerIds=[b(c) for c in customers], version=b(LIVE_VERSION), state="completed")
        for customer_id, count, amount, last in data or [(b(c), 0, 0, None) for c in customers]:
            shop.run("UPDATE `customer` SET order_count = :order_count, order_total_amount = :order_total_amount, "
                     "last_order_date = :last_order_date WHERE id = :id",
                     id=customer_id, order_count=count, order_total_amount=amount, last_order_date=last)


def add_tracking_code(shop: Shop, delivery: str, code: str, now: dt.datetime) -> None:
    """Orders > order > Details: a tracking code on the delivery (OrderDeliveryDefinition trackingCodes)."""
    shop.update("order_delivery", {"id": b(delivery), "version_id": b(LIVE_VERSION)},
                {"tracking_codes": [code], "updated_at": ts(now)})


# ------------------------------------------------------------------ administration: an edit never saved

VERSIONED_ORDER_TABLES = [  # OrderDefinition and its versioned children, cloned by VersionManager::cloneEntity
    ("order", "id = :order"), ("order_customer", "order_id = :order"), ("order_address", "order_id = :order"),
    ("order_line_item", "order_id = :order"), ("order_delivery", "order_id = :order"),
    ("order_delivery_position", "order_delivery_id IN (SELECT id FROM order_delivery WHERE order_id = :order)"),
    ("order_transaction", "order_id = :order")]


def start_order_edit(shop: Shop, order: Order, now: dt.datetime) -> str:
    """Framework/DataAbstractionLayer/VersionManager::createVersion, as the administration's order detail page
    calls it on "Edit": a version row, the order and its children cloned under the new version id
    (created_at now, updated_at null), and the audit log (version_commit, version_commit_data with action
    'clone'; its payload here only the primary key, not the whole cloned record). Then the merchant changes
    a quantity (RecalculationService::recalculateOrder in the draft) and leaves without saving: the live order
    stays as it was."""
    version = uid(f"version:{order.key}")
    shop.insert("version", {"id": b(version), "name": "draft", "created_at": ts(now)})
    commit = uid(f"version_commit:{order.key}")
    shop.insert("version_commit", {"id": b(commit), "is_merge": 0, "message": None, "user_id": b(ADMIN),
                                   "integration_id": None, "version_id": b(version), "created_at": ts(now)})
    for table, where in VERSIONED_ORDER_TABLES:
        # every column but the generated ones and the auto increment (AutoIncrementField is never written)
        columns = [r[0] for r in shop.run(f"SHOW COLUMNS FROM `{table}` WHERE Extra NOT LIKE '%GENERATED%' "
                                          "AND Extra NOT LIKE '%auto_increment%'")]
        # references to cloned records follow them into the version; the product stays the live one
        select = ", ".join(f"CASE WHEN `{c}` IS NULL THEN NULL ELSE :version END" if c.endswith("version_id") and c != "product_version_id"
                           else ":now" if c == "created_at" else "NULL" if c == "updated_at" else f"`{c}`" for c in columns)
        shop.run(f"INSERT INTO `{table}` ({', '.join(f'`{c}`' for c in columns)}) SELECT {select} FROM `{table}` "
                 f"WHERE {where} AND version_id = :live", version=b(version), now=ts(now), order=b(order.id),
                 live=b(LIVE_VERSION))
        for (row_id,) in shop.run(f"SELECT id FROM `{table}` WHERE {where} AND version_id = :version",
                                  order=b(order.id), version=b(version)):
            shop.insert("version_commit_data", {
                "id": b(uid(f"version_commit_data:{order.key}:{table}:{row_id.hex()}")), "version_commit_id": b(commit),
                "entity_name": table, "entity_id": {"id": row_id.hex(), "versionId": version},
                "action": "clone", "payload": {"id": row_id.hex(), "versionId": version}, "user_id": b(ADMIN),
                "integration_id": None, "created_at": ts(now)})
    # the draft: 5 of the first line instead of 2, recalculated in the version (Checkout/Cart/Order/RecalculationService::
    # recalculateOrder persists the recalculated cart into it: lines, delivery, order price); never saved
    draft = {"version": b(version)}
    lines = shop.run("SELECT id, price_definition, price FROM order_line_item WHERE order_id = :order AND version_id = :version "
                     "ORDER BY position", order=b(order.id), **draft)
    prices = []
    for line_id, definition, price in lines:
        definition = json.loads(definition)
        if line_id.hex() == order.line_ids[0]:
            definition["quantity"] = 5
            new = gross_price(definition["price"], [TaxRule(r["taxRate"], r["percentage"]) for r in definition["taxRules"]], 5)
            shop.run("UPDATE order_line_item SET quantity = 5, price_definition = :definition, price = :price, updated_at = :now "
                     "WHERE id = :id AND version_id = :version", definition=php_json(definition), price=php_json(new.json()),
                     now=ts(now), id=line_id, **draft)
            shop.run("UPDATE order_delivery_position SET price = :price, updated_at = :now WHERE order_line_item_id = :id "
                     "AND version_id = :version", price=php_json(new.json()), now=ts(now), id=line_id, **draft)
            prices.append(new)
        else:
            prices.append(price_from_json(json.loads(price)))
    method_price = json.loads(shop.one("SELECT currency_price FROM shipping_method_price WHERE shipping_method_id = %s",
                                       b(order.shipping_method)))[f"c{CURRENCY}"]
    shipping = gross_price(float(method_price["gross"]), percentage_rules(price_sum(prices)), 1)
    shop.run("UPDATE order_delivery SET shipping_costs = :costs, updated_at = :now WHERE order_id = :order AND version_id = :version",
             costs=php_json(shipping.json()), now=ts(now), order=b(order.id), **draft)
    shop.run("UPDATE `order` SET price = :price, shipping_costs = :costs, updated_at = :now WHERE id = :order AND version_id = :version",
             price=php_json(cart_price(prices, [shipping])), costs=php_json(shipping.json()), now=ts(now), order=b(order.id), **draft)
    return version


# ------------------------------------------------------------------ the scenario

def scenario(shop: Shop) -> dict[str, Order]:
    for key in SALUTATION:
        SALUTATION[key] = shop.one("SELECT id FROM salutation WHERE salutation_key = %s", key).hex()
    day = dt.datetime(2022, 8, 9, 7, 0)
    setup_catalogue(shop, day)

    kari = register(shop, "kari", "kari.nordmann@example.no", "mrs", "Kari", "Nordmann",
                    Address("Kari", "Nordmann", "Storgata 1", "0155", "Oslo", "NO", "mrs", "22 33 44 55"),
                    Address("Kari", "Nordmann", "Bryggen 5", "5003", "Bergen", "NO", "mrs", "987 65 432"),
                    day.replace(hour=10, minute=2, second=11, microsecond=345000), birthday="1985-04-17")
    orders = {
        "kari": Order("kari", kari, [Line("SWDEMO10005.2", 1), Line("SWDEMO10001", 1)], SHIPPING_STANDARD,
                      PAYMENT["prepayment"], day.replace(hour=10, minute=15, second=42, microsecond=120000),
                      promotion_code="SOMMER10", comment="Please ring the bell twice."),
        "max": Order("max", MAX, [Line("SWDEMO10007.2", 2), Line("SWDEMO100013", 3)], SHIPPING_EXPRESS, PAYMENT["invoice"],
                     day.replace(hour=11, minute=40, second=3, microsecond=501000)),
    }
    place_order(shop, orders["kari"])
    login(shop, MAX, orders["max"].placed - dt.timedelta(minutes=4))
    place_order(shop, orders["max"])

    next_day = day + dt.timedelta(days=1)
    sven = register(shop, "sven", "sven.svensson@example.se", "mr", "Sven", "Svensson",
                    Address("Sven", "Svensson", "Drottninggatan 12", "111 51", "Stockholm", "SE", "mr", "+46 8 123 456 78"),
                    None, next_day.replace(hour=14, minute=1, second=7, microsecond=9000), guest=True)
    orders["sven"] = Order("sven", sven, [Line("SWDEMO10001", 1), Line("SWDEMO100013", 2)], SHIPPING_EXPRESS,
                           PAYMENT["invoice"], next_day.replace(hour=14, minute=5, second=55, microsecond=876000),
                           currency=SEK, factor=10.51)
    place_order(shop, orders["sven"])
    login(shop, MAX, next_day.replace(hour=16, minute=17))
    orders["cancelled"] = Order("cancelled", MAX, [Line("SWDEMO10002", 1)], SHIPPING_STANDARD, PAYMENT["prepayment"],
                                next_day.replace(hour=16, minute=20, second=30, microsecond=2000))
    place_order(shop, orders["cancelled"])

    # the administration works through the orders
    at = next_day.replace(hour=8, minute=10)
    transition(shop, "order", orders["max"].id, "process", at)
    add_tracking_code(shop, orders["max"].delivery, "00340434161094042557", at + dt.timedelta(minutes=4))
    transition(shop, "order_delivery", orders["max"].delivery, "ship", at + dt.timedelta(minutes=5))
    transition(shop, "order", orders["kari"].id, "process", at + dt.timedelta(minutes=10))
    third = next_day + dt.timedelta(days=1)
    transition(shop, "order", orders["cancelled"].id, "cancel", third.replace(hour=9))
    transition(shop, "order_transaction", orders["cancelled"].transaction, "cancel", third.replace(hour=9, minute=1))
    transition(shop, "order_delivery", orders["cancelled"].delivery, "cancel", third.replace(hour=9, minute=2))
    transition(shop, "order_transaction", orders["max"].transaction, "paid", third.replace(hour=12))
    fourth = third + dt.timedelta(days=1)
    transition(shop, "order", orders["max"].id, "complete", fourth.replace(hour=9))
    start_order_edit(shop, orders["max"], fourth.replace(hour=10))
    return orders


def build(mariadb, out: Path = TARGET, source: Path = SOURCE, database: str = "shopware") -> Path:
    """Restore the real 6.4 dump, place the orders, dump with the real mariadb-dump."""
    restored = mariadb.restore(source, database)
    assert not restored.errors, restored.errors[:3]
    with mariadb.connect(database) as conn, conn.cursor() as cur:
        scenario(Shop(cur))
    return mariadb.dump(database, out)


if __name__ == "__main__":
    from tests.servers import start_mariadb

    with start_mariadb() as server:
        print(build(server))
