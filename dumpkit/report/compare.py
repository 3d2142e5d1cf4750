"""Old against new, one kind of value at a time: each rule returns the state and, for a real
change, the reason in the owner's words (model.SAME / FORMAT / CHANGED / UNKNOWN)."""
from __future__ import annotations

import re
from decimal import Decimal

from . import values as v
from .model import CHANGED, FORMAT, SAME, UNKNOWN
from .words import ADDRESS_PARTS, CURRENCY_NAME


# a change no issue and no rule explains: the owner should look (never just "changed")
UNEXPLAINED = "uten kjent grunn, sjekk"


class Money:
    """The package's currency and the rates it was converted with (manifest.currency)."""

    def __init__(self, manifest: dict):
        cur = manifest.get("currency") or {}
        self.amounts = (cur.get("amounts") or manifest.get("options", {}).get("shop_currency") or "NOK").upper()
        self.rates = {k.upper(): v.to_decimal(r) for k, r in (cur.get("rates") or {}).items() if v.to_decimal(r)}

    def compare(self, old, old_currency: str | None, new, new_currency: str | None = None) -> tuple[str, str]:
        """Two amounts, each in its currency: equal to the øre after the conversion the run made."""
        old_d, new_d = v.to_decimal(old), v.to_decimal(new)
        new_currency = (new_currency or self.amounts).upper()
        old_currency = (old_currency or new_currency).upper()
        if old is v.NOT_COLLECTED:
            return UNKNOWN, ""
        if old_d is None and new_d is None:
            return SAME, ""
        if old_d is None or new_d is None:
            return CHANGED, "mangler i Mystore" if new_d is None else "mangler i den gamle butikken"
        if old_currency == new_currency:
            return (SAME, "") if abs(old_d - new_d) < Decimal("0.005") else (CHANGED, "annet beløp, " + UNEXPLAINED)
        rate = self.rates.get(old_currency) if new_currency == "NOK" else None
        if rate is None:
            return FORMAT, f"i {CURRENCY_NAME.get(old_currency, old_currency)}, ikke regnet om"
        if abs(old_d * rate - new_d) <= Decimal("0.01"):
            return FORMAT, f"regnet om fra {old_currency} med kurs {v.number(rate, max(2, -rate.as_tuple().exponent))}"
        return CHANGED, "beløpet er ikke det gamle regnet om med kursen"


def texts(old, new) -> tuple[str, str]:
    if old is v.NOT_COLLECTED:
        return UNKNOWN, ""
    if v.is_empty(old) and v.is_empty(new):
        return SAME, ""
    if v.same_text(old, new):
        return SAME, ""
    if v.is_empty(new):
        return CHANGED, "tom i Mystore"
    if v.is_empty(old):
        return CHANGED, "fylt ut i Mystore"
    return CHANGED, UNEXPLAINED


def _equal_as(convert):
    """A rule comparing old and new after `convert` (1 and true, two forms of one instant)."""
    def rule(old, new) -> tuple[str, str]:
        if old is v.NOT_COLLECTED:
            return UNKNOWN, ""
        a, b = convert(old), convert(new)
        return (SAME, "") if a == b else (CHANGED, "tom i Mystore" if b is None else UNEXPLAINED)
    return rule


flags = _equal_as(v.to_bool)
instants = _equal_as(v.to_instant)
days = _equal_as(v.to_day)
numbers = _equal_as(v.to_decimal)


def phones(old, new) -> tuple[str, str]:
    if old is v.NOT_COLLECTED:
        return UNKNOWN, ""
    if v.is_empty(old) and v.is_empty(new):
        return SAME, ""
    if v.text(old) == v.text(new):
        return SAME, ""
    if v.phone_digits(old) and v.phone_digits(old) == v.phone_digits(new):
        return FORMAT, "samme nummer, skrevet med landskode"
    return CHANGED, UNEXPLAINED


def sets(old, new) -> tuple[str, str]:
    """Lists compared as sets of texts (category paths, option values)."""
    if old is v.NOT_COLLECTED:
        return UNKNOWN, ""
    a = {v.text(x).casefold(): v.text(x) for x in (old or []) if v.text(x)}
    b = {v.text(x).casefold(): v.text(x) for x in (new or []) if v.text(x)}
    if a.keys() == b.keys():
        return SAME, ""
    gone = [a[k] for k in a if k not in b]
    added = [b[k] for k in b if k not in a]
    return CHANGED, "; ".join(x for x in ((f"ikke i Mystore: {', '.join(gone)}" if gone else ""),
                                          (f"ny i Mystore: {', '.join(added)}" if added else "")) if x)


def options(old, new) -> tuple[str, str]:
    """'Size: S, Color: White' against 'Color: White, Size: S'."""
    if old is v.NOT_COLLECTED:
        return UNKNOWN, ""

    def parts(s):
        return {re.sub(r"\s*:\s*", ": ", p.strip()).casefold() for p in v.text(s).split(",") if p.strip()}
    return (SAME, "") if parts(old) == parts(new) else (CHANGED, "andre valg")


# ---------------------------------------------------------------------------------------------
# addresses, compared as blocks

BLOCK_PARTS = ("name", "company", "street", "zipcode", "city", "country")


def block_key(block: dict) -> dict:
    """What makes two address blocks the same place: parts without case, spacing, separators."""
    def norm(part: str, value) -> str:
        s = v.text(value).casefold()
        if part == "street":
            s = ", ".join(p.strip() for p in re.split(r"\s*[,/;]\s*|\n", s) if p.strip())
        if part == "zipcode":
            s = s.replace(" ", "")
        return s
    key = {p: norm(p, block.get(p)) for p in BLOCK_PARTS}
    if key["zipcode"].isdigit() and len(key["zipcode"]) == 3 and key["country"] in ("no", ""):
        key["zipcode"] = "0" + key["zipcode"]
    return key


def block_empty(block: dict | None) -> bool:
    return not block or not any(v.text(block.get(p)) for p in BLOCK_PARTS)


def block_text(block: dict | None) -> str:
    """The block as an envelope shows it."""
    if block_empty(block):
        return ""
    lines = [v.text(block.get("name")), v.text(block.get("company")), v.text(block.get("street")),
             " ".join(x for x in (v.text(block.get("zipcode")), v.text(block.get("city"))) if x),
             ", ".join(x for x in (v.text(block.get("region")), v.text(block.get("country"))) if x)]
    return "\n".join(x for x in lines if x)


def block_diff(old: dict, new: dict) -> list[str]:
    a, b = block_key(old), block_key(new)
    return [ADDRESS_PARTS[p] for p in BLOCK_PARTS if a[p] != b[p]]


# an old block's kind -> the new blocks that play the same part (moving elsewhere is noted)
SAME_PART = {"billing": {"billing", "customer"}, "shipping": {"shipping", "main"}, "address": {"main", "billing", "extra"}}


def match_blocks(old: list[tuple[str, dict]], new: list[tuple[str, dict]]):
    """Pairs (old label, old block, new label, new block, state, reason) for the address table:
    each new block with the old block that is the same place (or the closest one), then the old
    blocks that went nowhere. An old block says its part in `kind` (billing, shipping, address),
    a new one in `role` (main, billing, extra, customer, shipping): the same place in another
    part is a move, noted quietly, not a loss in one row and an invention in the next."""
    old = [(label, b) for label, b in old if not block_empty(b)]
    used: set[int] = set()
    pairs = []
    for new_label, nb in new:
        best, best_diff = None, None
        for i, (_, ob) in enumerate(old):
            if i in used:
                continue
            diff = block_diff(ob, nb)
            if best_diff is None or len(diff) < len(best_diff):
                best, best_diff = i, diff
        if best is not None and len(best_diff) <= 3:
            used.add(best)
            old_label, ob = old[best]
            if not best_diff:
                moved = nb.get("role") not in SAME_PART.get(ob.get("kind"), {nb.get("role")})
                state, reason = (FORMAT, f"samme adresse, nå som {new_label.lower()}") if moved else (SAME, "")
            else:
                state, reason = CHANGED, "forskjell i " + ", ".join(best_diff)
            pairs.append((old_label, ob, new_label, nb, state, reason))
        else:
            pairs.append(("", None, new_label, nb, CHANGED, "ny i Mystore"))
    for i, (old_label, ob) in enumerate(old):
        if i not in used:
            same_as = next((p for p in pairs if p[3] is not None and not block_diff(ob, p[3])), None)
            if same_as:
                pairs.append((old_label, ob, "", None, FORMAT, f"samme som {same_as[2].lower()}"))
            else:
                pairs.append((old_label, ob, "", None, CHANGED, "ikke med i Mystore"))
    return pairs
