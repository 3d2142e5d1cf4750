"""Values in the owner's terms, and the rules that say when an old and a new value are the same.

Numbers in Norwegian form (1 234,50), money with its currency ("kr 199,20", "EUR 19,90"), prices
net and gross with the VAT rate, instants in Norwegian local time, yes/no in words. Values are
compared after normalising (the same instant, the same text with other spacing or case, 1 and
true), so only real changes are marked.
"""
from __future__ import annotations

import html
import re
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from .words import MONTHS

OSLO = ZoneInfo("Europe/Oslo")
NBSP = "\u00a0"
CENT = Decimal("0.01")


class NotCollected:
    """The old shop's value was not collected for the review (distinct from an empty value)."""

    def __repr__(self) -> str:
        return "NOT_COLLECTED"


NOT_COLLECTED = NotCollected()
NOT_COLLECTED_TEXT = "ikke hentet"
EMPTY_TEXT = "tom"


def is_empty(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, (list, tuple, dict)) and not v)


def to_decimal(v) -> Decimal | None:
    if v is None or v is NOT_COLLECTED or isinstance(v, bool):
        return None
    if isinstance(v, Decimal):
        return v
    try:
        return Decimal(str(v).strip())
    except (InvalidOperation, ValueError):
        return None


def to_bool(v) -> bool | None:
    if v is None or v is NOT_COLLECTED:
        return None
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("1", "true", "yes", "ja", "y", "on", "publish"):
        return True
    if s in ("0", "false", "no", "nei", "n", "off", ""):
        return False
    return None


def to_instant(v) -> datetime | None:
    """An aware datetime from a package value or a review value ('2025-03-04 07:17:58+00:00');
    a naive one is UTC (the package and the review queries hold instants)."""
    if isinstance(v, datetime):
        dt = v
    elif isinstance(v, str) and v.strip():
        try:
            dt = datetime.fromisoformat(v.strip())
        except ValueError:
            return None
    else:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def to_day(v) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str) and v.strip():
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    return None


def number(d: Decimal | int | None, places: int = 2) -> str:
    """1234.5 -> '1 234,50' (non-breaking space between thousands, half up)."""
    if d is None:
        return ""
    q = Decimal(d).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places else Decimal(d).quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + NBSP.join(groups) + ("," + frac if frac else "")


def amount_value(text: str) -> Decimal:
    """The inverse of number() for one amount in a text ('kr 1 234,50' -> 1234.50)."""
    m = re.search(r"-?\d[\d\u00a0 ]*(?:,\d+)?", text)
    if not m:
        raise ValueError(f"no amount in {text!r}")
    return Decimal(m.group(0).replace(NBSP, "").replace(" ", "").replace(",", "."))


def currency_prefix(currency: str | None) -> str:
    return "kr" if (currency or "NOK").upper() == "NOK" else (currency or "").upper()


def money(amount, currency: str | None) -> str:
    d = to_decimal(amount)
    return "" if d is None else f"{currency_prefix(currency)}{NBSP}{number(d)}"


def percent(rate) -> str:
    d = to_decimal(rate)
    if d is None:
        return ""
    d = d.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{number(d, 0 if d == d.to_integral_value() else 2)}{NBSP}%"


def gross_of(net: Decimal | None, rate: Decimal | None) -> Decimal | None:
    if net is None or rate is None:
        return None
    return (net * (100 + rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def price(net, gross, rate, currency: str | None) -> str:
    """'kr 199,20 eks. mva / 249,00 inkl. 25 % mva' (without a known rate: net only)."""
    net, gross, rate = to_decimal(net), to_decimal(gross), to_decimal(rate)
    if net is None and gross is None:
        return ""
    if net is None:
        return f"{money(gross, currency)} inkl. mva"
    if gross is None and rate is not None:
        gross = gross_of(net, rate)
    if gross is None or rate is None:
        return f"{money(net, currency)} eks. mva (sats ukjent)"
    return f"{money(net, currency)} eks. mva / {number(gross)} inkl. {percent(rate)} mva"


def when(v) -> str:
    """An instant in Norwegian local time: '04.03.2025 kl. 08:17'."""
    dt = to_instant(v)
    if dt is None:
        return ""
    return f"{dt.astimezone(OSLO):%d.%m.%Y} kl. {dt.astimezone(OSLO):%H:%M}"


def day(v) -> str:
    d = to_day(v)
    return "" if d is None else f"{d:%d.%m.%Y}"


def long_day(v) -> str:
    """'4. mars 2025' (a date in running text)."""
    d = to_day(to_instant(v).astimezone(OSLO) if to_instant(v) else v)
    return "" if d is None else f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def yes_no(v) -> str:
    b = to_bool(v)
    return "" if b is None else ("ja" if b else "nei")


def text(v) -> str:
    """Text as the owner reads it: HTML entities decoded, whitespace collapsed."""
    if v is None or v is NOT_COLLECTED:
        return ""
    if isinstance(v, (list, tuple)):
        return ", ".join(t for t in (text(x) for x in v) if t)
    return re.sub(r"\s+", " ", html.unescape(str(v))).strip()


def same_text(a, b) -> bool:
    return text(a).casefold() == text(b).casefold()


def phone_digits(v) -> str:
    """A phone number's digits without a Norwegian country code (+47 912 34 567 -> 91234567)."""
    d = re.sub(r"\D", "", text(v))
    for cc in ("0047", "47"):
        if d.startswith(cc) and len(d) == len(cc) + 8:
            return d[len(cc):]
    return d


GRAMS = {"g": Decimal(1), "gr": Decimal(1), "gram": Decimal(1), "kg": Decimal(1000), "kilogram": Decimal(1000),
         "lb": Decimal("453.59237"), "lbs": Decimal("453.59237"), "oz": Decimal("28.349523125")}


def grams(value, unit: str | None) -> Decimal | None:
    d = to_decimal(value)
    factor = GRAMS.get((unit or "").strip().lower())
    return None if d is None or factor is None else d * factor


def weight(value, unit: str | None) -> str:
    d = to_decimal(value)
    if d is None:
        return ""
    d = d.normalize()
    places = max(0, min(3, -d.as_tuple().exponent))
    return f"{number(d, places)}{NBSP}{unit or ''}".strip()
