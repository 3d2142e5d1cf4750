"""The demo's cards: each sampled product, customer and order, the old shop against Mystore.

The old side is review.json (mappings/<platform>/review/*.sql: the old shop's values in the
owner's terms, per record and, for lines, variants, specials, images and totals, per parent);
the new side is the package's rows, with ids turned into names (category paths, manufacturer,
tax class and rate, the customer). A demo package holds only the sample, so reading its
Parquet files reads only the sampled rows.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from decimal import Decimal

from ..map.functions import slugify
from . import compare as cmp
from . import values as v
from .catalogue import entry
from .model import CHANGED, FORMAT, SAME, UNKNOWN, Card, Cell, Note, Row, Table
from .words import (ADDRESS_KIND, CUSTOMER_FIELDS, GENDER, ISSUE_FIELD, NEW_ADDRESS, ORDER_FIELDS, PRODUCT_FIELDS,
                    TOTAL_CLASS)

CARD_ENTITIES = ("products", "customers", "orders")
PARENT = {  # child entity -> (card entity, the child's reference to it)
    "product_variants": ("products", "product_source_id"), "product_images": ("products", "product_source_id"),
    "product_specials": ("products", "product_source_id"), "order_lines": ("orders", "order_source_id"),
    "order_totals": ("orders", "order_source_id"), "order_status_history": ("orders", "order_source_id"),
}
PREFIX = {"products": "p", "customers": "c", "orders": "o"}


def anchor(entity: str, source_id: str) -> str:
    """A card's element id: safe characters only (source ids come from the dump)."""
    return f"{PREFIX[entity]}-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f".{ord(m.group(0)):x}.", source_id)


def loc(value) -> str | None:
    """The Norwegian text of a localised value (a map read from Parquet is a list of pairs)."""
    if isinstance(value, list):
        value = dict(value)
    if isinstance(value, dict):
        return value.get("no") or next(iter(value.values()), None)
    return value


def http_url(url) -> str | None:
    """A link only to an absolute http(s) URL (a dump's value never becomes a javascript: link)."""
    s = v.text(url)
    return s if re.match(r"^https?://[^\s\"'<>]+$", s, re.I) else None


def file_name(url) -> str:
    return v.text(url).rsplit("/", 1)[-1]


def source_cell(url) -> Cell:
    """Where an image is fetched from: a link when the dump gives a URL, else the path in the shop."""
    link = http_url(url)
    return Cell(file_name(url), href=link) if link else Cell(v.text(url))


def cell(value: str) -> Cell:
    if value is v.NOT_COLLECTED:
        return Cell(v.NOT_COLLECTED_TEXT, "nc")
    return Cell(value) if value else Cell(v.EMPTY_TEXT, "empty")


class Shop:
    """The demo package's rows, indexed, and what the cards need to name them."""

    def __init__(self, package: dict, review: dict, issues: list, manifest: dict, issue_anchor):
        self.rows = {e: t.to_pylist() for e, t in package.items()}
        self.by_id = {e: {r["source_id"]: r for r in rows} for e, rows in self.rows.items()}
        self.children: dict[str, dict[str, list]] = {}
        for child, (_, ref) in PARENT.items():
            grouped = defaultdict(list)
            for r in self.rows.get(child, []):
                grouped[r[ref]].append(r)
            self.children[child] = grouped
        self.review = review
        self.money = cmp.Money(manifest)
        self.picked = {e: set(ids) for e, ids in (manifest.get("options", {}).get("picked") or {}).items()}
        self.orders_of: dict[str, dict[str, set]] = {"products": defaultdict(set), "customers": defaultdict(set)}
        for line in self.rows.get("order_lines", []):
            self.orders_of["products"][line.get("product_source_id")].add(line["order_source_id"])
        for order in self.rows.get("orders", []):
            self.orders_of["customers"][order.get("customer_source_id")].add(order["source_id"])
        self.issue_anchor = issue_anchor
        # issues per card record: children's issues go to their parent's card
        self.issues: dict[tuple[str, str], list] = defaultdict(list)
        self.by_record: dict[tuple[str, str], list] = defaultdict(list)
        for i in issues:
            if i.technical or not i.entity or i.source_id is None:
                continue
            self.by_record[(i.entity, i.source_id)].append(i)
            owner = self.card_of(i.entity, i.source_id)
            if owner:
                self.issues[owner].append(i)

    def card_of(self, entity: str, source_id: str) -> tuple[str, str] | None:
        if entity in CARD_ENTITIES:
            return (entity, source_id) if source_id in self.by_id.get(entity, {}) else None
        if entity in PARENT:
            parent, ref = PARENT[entity]
            row = self.by_id.get(entity, {}).get(source_id)
            if row and row.get(ref) in self.by_id.get(parent, {}):
                return parent, row[ref]
        return None

    def record_issue(self, entity: str, source_id: str) -> str:
        """The owner's title of the first issue on a record (a variant left out, say)."""
        found = self.by_record.get((entity, source_id))
        return entry(found[0].code, found[0].level).title if found else ""

    # names instead of ids ------------------------------------------------------------------
    def category_path(self, cid: str) -> str:
        names, seen = [], set()
        while cid and cid not in seen:
            seen.add(cid)
            row = self.by_id.get("categories", {}).get(cid)
            if row is None:
                break
            names.insert(0, "Ukategorisert (skjult)" if cid == "dumpkit:uncategorized" else v.text(loc(row["name"])))
            cid = row.get("parent_source_id")
        return " > ".join(names)

    def tax(self, tid: str | None) -> tuple[str, Decimal | None]:
        row = self.by_id.get("tax_classes", {}).get(tid or "")
        return (v.text(row["title"]), row["tax_rate"]) if row else ("", None)

    def why_in_demo(self, entity: str, source_id: str) -> str:
        """Why a record the draw did not pick is in the demo: an order in the demo needs it."""
        if entity not in self.picked or source_id in self.picked[entity]:
            return ""
        orders = sorted(self.orders_of[entity].get(source_id, ()), key=natural)
        refs = [v.text(self.by_id["orders"][o].get("reference")) or o for o in orders[:3]]
        return f"med fordi ordre {', '.join(refs)} har {'den' if entity == 'products' else 'kunden'}" if refs else ""

    def customer_name(self, cid: str | None) -> str:
        row = self.by_id.get("customers", {}).get(cid or "")
        if not row:
            return ""
        return " ".join(x for x in (v.text(row.get("name")), v.text(row.get("lastname"))) if x and x != "N/A") or \
            v.text(row.get("email"))

    def option_text(self, value_ids: list | None) -> str:
        parts = []
        for vid in value_ids or []:
            val = self.by_id.get("product_option_values", {}).get(vid)
            if val is None:
                continue
            opt = self.by_id.get("product_options", {}).get(val["option_source_id"])
            parts.append(f"{v.text(loc(opt['name'])) if opt else ''}: {v.text(loc(val['name']))}")
        return ", ".join(parts)

    # the owner's notes on a record ---------------------------------------------------------
    def notes(self, entity: str, source_id: str, shown: set[str]) -> list[Note]:
        """The record's issues, once per code, that no row of the card already explains."""
        out, seen = [], set()
        for i in self.issues.get((entity, source_id), []):
            if i.code in seen:
                continue
            seen.add(i.code)
            e = entry(i.code, i.level)
            if e.title in shown:
                continue
            out.append(Note(e.title, e.consequence, "#" + self.issue_anchor(i.code, i.entity), e.group))
        return out

    def field_reasons(self, entity: str, source_id: str, child: tuple[str, str] | None = None) -> dict[str, str]:
        """Card field -> the owner's reason from the record's issues on that field (a child's
        issues when `child` is (entity, source_id))."""
        ent, sid = child or (entity, source_id)
        reasons = {}
        for i in self.issues.get((entity, source_id), []):
            if i.entity == ent and i.source_id == sid and i.field:
                reasons.setdefault(ISSUE_FIELD.get(i.field, i.field), entry(i.code, i.level).title)
        return reasons


class Fields:
    """A card's field rows, old against new, with the reasons the record's issues give."""

    def __init__(self, shop: Shop, entity: str, row: dict, labels: dict[str, str]):
        self.old = shop.review.get(entity, {}).get(row["source_id"])
        self.reasons = shop.field_reasons(entity, row["source_id"])
        self.labels = labels
        self.rows: list[Row] = []

    def get(self, key: str):
        """The old shop's value, or NOT_COLLECTED when the review query did not collect it."""
        return self.old[key] if self.old is not None and key in self.old else v.NOT_COLLECTED

    def add(self, field: str, old, new_text: str, state_reason: tuple[str, str], old_text: str | None = None) -> None:
        state, reason = state_reason
        if self.reasons.get(field):
            state, reason = (CHANGED if state == CHANGED else FORMAT if state == SAME else state), self.reasons[field]
        old_cell = Cell(v.NOT_COLLECTED_TEXT, "nc") if old is v.NOT_COLLECTED else \
            cell(old_text if old_text is not None else v.text(old))
        self.rows.append(Row([Cell(self.labels[field]), old_cell, cell(new_text)], state, reason))

    def text(self, field: str, new_value, old_key: str | None = None) -> None:
        old = self.get(old_key or field)
        self.add(field, old, v.text(new_value), cmp.texts(old, new_value))

    def instant(self, field: str, new_value) -> None:
        old = self.get(field)
        self.add(field, old, v.when(new_value), cmp.instants(old, new_value),
                 None if old is v.NOT_COLLECTED else v.when(old))

    def table(self) -> Table:
        """A field empty in Mystore and empty or not collected in the old shop says nothing: left out."""
        rows = [r for r in self.rows if not (r.state in (SAME, UNKNOWN) and r.cells[2].kind == "empty"
                                             and r.cells[1].kind in ("empty", "nc"))]
        return Table("", ["Felt", "Gammel butikk", "Mystore", "Merknad"], rows, "fields")


# ---------------------------------------------------------------------------------------------
# products

def product_card(shop: Shop, p: dict) -> Card:
    sid = p["source_id"]
    f = Fields(shop, "products", p, PRODUCT_FIELDS)
    money, old = shop.money, f.old
    name = v.text(loc(p["name"]))
    f.text("name", name)
    for field in ("sku", "ean", "manufacturer_sku"):
        f.text(field, p.get(field))
    tax_title, rate = shop.tax(p.get("tax_class_source_id"))
    old_rate = v.to_decimal(f.get("tax_rate")) if f.get("tax_rate") is not v.NOT_COLLECTED else None
    new_price = v.price(p.get("price"), None, rate, money.amounts)
    if f.get("price_net") is v.NOT_COLLECTED:
        f.add("price", v.NOT_COLLECTED, new_price, (UNKNOWN, ""))
    else:
        state = money.compare(old.get("price_net"), old.get("currency"), p.get("price"))
        if state[0] != CHANGED and old_rate is not None and rate is not None and old_rate != rate:
            state = (CHANGED, f"MVA endret fra {v.percent(old_rate)} til {v.percent(rate)}: prisen med MVA endres")
        f.add("price", old, new_price, state,
              v.price(old.get("price_net"), old.get("price_gross"), old.get("tax_rate"), old.get("currency")))
    old_cost = f.get("cost")
    if p.get("cost") is not None or (old_cost is not v.NOT_COLLECTED and v.to_decimal(old_cost)):
        zero_is_unset = None if v.to_decimal(old_cost) == 0 else old_cost
        f.add("cost", old_cost, v.money(p.get("cost"), money.amounts),
              (UNKNOWN, "") if old_cost is v.NOT_COLLECTED else money.compare(zero_is_unset, old.get("currency"), p.get("cost")),
              None if old_cost is v.NOT_COLLECTED else v.money(old_cost, old.get("currency")))
    if f.get("tax_rate") is v.NOT_COLLECTED:
        f.add("tax", v.NOT_COLLECTED, tax_text(tax_title, rate), (UNKNOWN, ""))
    else:
        why = shop.record_issue("tax_classes", p.get("tax_class_source_id") or "") or "annen MVA-sats, " + cmp.UNEXPLAINED
        f.add("tax", old, tax_text(tax_title, rate), (SAME, "") if old_rate == rate else (CHANGED, why),
              tax_text(v.text(old.get("tax_class")), old_rate))
    f.text("manufacturer", (shop.by_id.get("manufacturers", {}).get(p.get("manufacturer_source_id") or "") or {}).get("name"))
    paths = [shop.category_path(c) for c in p.get("category_source_ids") or []]
    old_paths = f.get("categories")
    state = cmp.sets(old_paths, paths)
    if state[0] == CHANGED and any("Ukategorisert" in x for x in paths) and not old_paths:
        state = (CHANGED, "uten kategori i den gamle butikken")
    f.add("categories", old_paths, "\n".join(paths), state,
          None if old_paths is v.NOT_COLLECTED else "\n".join(v.text(x) for x in old_paths or []))
    stock_row(f, p.get("quantity"))
    old_status = f.get("status")
    f.add("status", old_status, "ja" if p.get("status") == 1 else "nei",
          (CHANGED, f.reasons["status"]) if f.reasons.get("status") else cmp.flags(old_status, p.get("status") == 1),
          None if old_status is v.NOT_COLLECTED else v.yes_no(old_status))
    weight_row(f, v.to_decimal(p.get("weight")))
    slug = v.text(loc(p.get("slug")))
    state = cmp.texts(f.get("slug"), slug)
    if state[0] == CHANGED and slug and slugify(v.text(f.get("slug"))) == slug:
        state = (FORMAT, "i Mystores form: små bokstaver, bindestrek, uten æøå")
    f.add("slug", f.get("slug"), slug, state)
    for field in ("date_available", "created_at"):
        if p.get(field) is not None or (old and old.get(field)):
            f.instant(field, p.get(field))

    tables = [f.table()] + [t for t in (variants_table(shop, sid), specials_table(shop, sid, rate), images_table(shop, sid)) if t]
    variants = len(shop.children["product_variants"].get(sid, []))
    facts = [new_price.split(" /")[0]] + ([f"{variants} varianter"] if variants else []) + [shop.why_in_demo("products", sid)]
    return Card("products", sid, anchor("products", sid), name or sid, facts, tables, shop.notes("products", sid, shown(tables)))


def shown(tables: list[Table]) -> set[str]:
    """The reasons a card's rows already give (its notes do not repeat them)."""
    return {r.reason for t in tables for r in t.rows}


def stock_row(f: Fields, new_q) -> None:
    def stock(q, tracked=True):
        return "lagerføres ikke" if q is None or tracked is False else f"{q} stk"
    old_q = f.get("quantity")
    if old_q is v.NOT_COLLECTED:
        f.add("quantity", old_q, stock(new_q), (UNKNOWN, ""))
        return
    tracked = f.old.get("stock_tracked")
    same = (new_q is None and (tracked is False or old_q is None)) or (tracked is not False and v.to_decimal(old_q) == new_q)
    f.add("quantity", old_q, stock(new_q), (SAME, "") if same else (CHANGED, cmp.UNEXPLAINED), stock(old_q, tracked))


def weight_row(f: Fields, new_w) -> None:
    """The old weight in the shop's unit against grams: the same weight is no change."""
    new_weight = v.weight(new_w, "g") if new_w is not None else ""
    if f.get("weight") is v.NOT_COLLECTED:
        f.add("weight", v.NOT_COLLECTED, new_weight, (UNKNOWN, ""))
        return
    old = f.old
    old_g = v.grams(old.get("weight"), old.get("weight_unit")) or None  # 0 is "not set"
    if old_g is None and new_w is None:
        state = (SAME, "")
    elif old_g is not None and new_w is not None and abs(old_g - new_w) < Decimal("0.01"):
        state = (SAME, "") if (old.get("weight_unit") or "").lower() == "g" else (FORMAT, "i gram")
    else:
        state = (CHANGED, cmp.UNEXPLAINED)
    f.add("weight", old, new_weight, state, "" if old_g is None else v.weight(old.get("weight"), old.get("weight_unit")))


def paired(shop: Shop, child: str, sid: str) -> tuple[list[dict], dict[str, dict]]:
    """A card's rows of a child entity in the package, and the old shop's by source id."""
    new = sorted(shop.children[child].get(sid, []), key=lambda r: natural(r["source_id"]))
    return new, {r["source_id"]: r for r in shop.review.get(child, {}).get(sid, [])}


def tax_text(title: str, rate) -> str:
    """'Standard, 25 %' (a title that names its rate, 'MVA 25%', is shown as it is)."""
    if not rate and rate != 0 or "%" in title:
        return title or v.percent(rate)
    return ", ".join(x for x in (title, v.percent(rate)) if x)


def variants_table(shop: Shop, sid: str) -> Table | None:
    new, old = paired(shop, "product_variants", sid)
    product_sku = v.text((shop.review.get("products", {}).get(sid) or {}).get("sku"))
    if not new and not old:
        return None
    money = shop.money
    rows = []
    for r in new:
        o = old.pop(r["source_id"], None)
        opts = shop.option_text(r.get("option_value_source_ids"))
        reasons = shop.field_reasons("products", sid, ("product_variants", r["source_id"]))
        states = []
        c_opts = Cell(opts or v.EMPTY_TEXT, "" if opts else "empty")
        c_sku = Cell(v.text(r.get("sku")) or v.EMPTY_TEXT, "" if r.get("sku") else "empty")
        c_qty = Cell("lagerføres ikke" if r.get("quantity") is None else str(r["quantity"]), "num")
        c_diff = Cell(signed_money(r.get("price_difference"), money.amounts), "num")
        if o is not None:
            sku_state = cmp.texts(o.get("sku"), r.get("sku"))
            if sku_state[0] == CHANGED and not r.get("sku") and product_sku and v.text(o.get("sku")) == product_sku:
                sku_state = (FORMAT, "samme som produktets artikkelnummer (arvet)")
            qty_state = (SAME, "") if o.get("quantity") is None and r.get("quantity") is None \
                else cmp.numbers(o.get("quantity"), r.get("quantity"))
            for key, c, s in (("options", c_opts, cmp.options(o.get("options"), opts)), ("sku", c_sku, sku_state),
                              ("quantity", c_qty, qty_state)):
                if s[0] == CHANGED:
                    c.before = "før: " + (v.text(o.get(key)) or v.EMPTY_TEXT)
                states.append(s)
            if "price_difference" in o:
                s = money.compare(o.get("price_difference"), o.get("currency"), r.get("price_difference"))
            elif o.get("price") is not None:
                s = (FORMAT, f"egen pris i den gamle butikken: {v.money(o['price'], o.get('currency'))}"
                     + (" inkl. mva" if o.get("price_includes_tax") else " eks. mva"))
            else:
                s = (SAME, "")
            if s[0] == CHANGED:
                c_diff.before = "før: " + signed_money(o.get("price_difference"), o.get("currency"))
            states.append(s)
        else:
            states.append((UNKNOWN, ""))
        state, reason = worst(states)
        if reasons:
            reason = "; ".join(dict.fromkeys(reasons.values()))
            state = CHANGED if state == CHANGED or any(k in reasons for k in ("sku", "quantity")) else FORMAT
        rows.append(Row([c_opts, c_sku, c_qty, c_diff], state, reason))
    for o in sorted(old.values(), key=lambda r: natural(r["source_id"])):
        issue = shop.record_issue("product_variants", o["source_id"])
        rows.append(Row([Cell(v.text(o.get("options")) or v.EMPTY_TEXT), Cell(v.text(o.get("sku"))),
                         Cell("" if o.get("quantity") is None else str(o["quantity"]), "num"),
                         Cell(signed_money(o.get("price_difference"), o.get("currency")) if "price_difference" in o
                              else v.money(o.get("price"), o.get("currency")), "num")],
                        CHANGED, issue or "ikke med i Mystore"))
    return Table(f"Varianter ({len(new)})", ["Valg", "Artikkelnummer", "Lager", "Pristillegg (eks. mva)"], rows, "list")


def signed_money(amount, currency) -> str:
    d = v.to_decimal(amount)
    if d is None:
        return ""
    return ("+ " if d > 0 else "− " if d < 0 else "") + v.money(abs(d), currency)


def worst(states: list[tuple[str, str]]) -> tuple[str, str]:
    for wanted in (CHANGED, FORMAT, UNKNOWN):
        for s in states:
            if s[0] == wanted:
                return s
    return SAME, ""


def specials_table(shop: Shop, sid: str, rate) -> Table | None:
    new, old = paired(shop, "product_specials", sid)
    if not new and not old:
        return None
    money = shop.money
    rows = []
    for r in new:
        o = old.pop(r["source_id"], None)
        reasons = shop.field_reasons("products", sid, ("product_specials", r["source_id"]))
        active = "aktiv" if r.get("status") == 1 else "inaktiv"
        cells = [Cell(v.price(r.get("specials_price"), None, rate, money.amounts)), Cell(v.when(r.get("starts_at")) or "nå", "date"),
                 Cell(v.when(r.get("expires_at")) or "ingen sluttdato", "date"), Cell(active)]
        state, reason = (UNKNOWN, "") if o is None else (FORMAT, "før: " + old_special(o))
        if o is not None and o.get("price") is not None and not v.to_decimal(o.get("reduction")):
            # a fixed price: the same one, net, or as the shop entered it with VAT (the audit figure)
            new_value = r.get("price_gross") if o.get("price_includes_tax") else r.get("specials_price")
            new_currency = o.get("currency") if o.get("price_includes_tax") else money.amounts
            if money.compare(o["price"], o.get("currency"), new_value, new_currency)[0] == SAME:
                state, reason = SAME, ""
        if o is not None and cmp.instants(o.get("expires_at"), r.get("expires_at"))[0] == CHANGED:
            state, reason = CHANGED, "annen sluttdato; før: " + old_special(o)
        if reasons:
            state, reason = FORMAT if state != CHANGED else state, "; ".join(dict.fromkeys(reasons.values()))
        rows.append(Row(cells, state, reason))
    for o in sorted(old.values(), key=lambda r: natural(r["source_id"])):
        rows.append(Row([Cell(old_special(o)), Cell(v.when(o.get("starts_at")) or "nå", "date"),
                         Cell(v.when(o.get("expires_at")) or "ingen sluttdato", "date"),
                         Cell("ikke med")], CHANGED,
                        "ikke med i Mystore" + (f" (gjaldt bare {v.text(o['only_for'])})" if o.get("only_for") else "")))
    return Table(f"Tilbudspriser ({len(new)})", ["Tilbudspris", "Fra", "Til", "Status"], rows, "list")


def old_special(o: dict) -> str:
    """A special as the old shop defined it: a price, a percentage off or an amount off."""
    cur = o.get("currency")
    parts = []
    if o.get("price") is not None:
        parts.append(v.money(o["price"], cur) + (" inkl. mva" if o.get("price_includes_tax") else " eks. mva"))
    red = v.to_decimal(o.get("reduction"))
    if red:
        if o.get("reduction_type") == "percentage":
            parts.append(f"{v.percent(red * 100)} rabatt")
        else:
            parts.append(f"{v.money(red, cur)} rabatt" + (" inkl. mva" if o.get("reduction_includes_tax") else " eks. mva"))
    return ", ".join(parts) or "tilbud"


def images_table(shop: Shop, sid: str) -> Table | None:
    new = sorted((r for r in shop.children["product_images"].get(sid, []) if not r.get("variant_source_id")),
                 key=lambda r: r.get("position") or 0)
    old = sorted(shop.review.get("product_images", {}).get(sid, []), key=lambda r: (not r.get("is_main"), r.get("position") or 0))
    if not new and not old:
        return None
    rows = []
    for r in new:
        url = r.get("source_url")
        rows.append(Row([Cell(str(r.get("position")), "num"), Cell(v.text(r.get("filename")) or file_name(url)),
                         source_cell(url)],
                        CHANGED if (r.get("position") or 0) > 8 else SAME,
                        "vises ikke (bilde nummer 9 eller senere)" if (r.get("position") or 0) > 8 else ""))
    new_urls = {v.text(r.get("source_url")) for r in new}
    for o in old:
        if v.text(o.get("url")) not in new_urls:
            rows.append(Row([Cell(str(o.get("position") or ""), "num"), Cell("ikke med", "empty"),
                             source_cell(o.get("url"))], CHANGED, "ikke med i Mystore"))
    if old:
        same = len(old) == len(new)
        note = f"{len(old)} i den gamle butikken, {len(new)} i Mystore" + ("" if same else " - sjekk bildene")
    else:
        note = f"{len(new)} i Mystore (antallet i den gamle butikken er ikke hentet)"
    return Table(f"Bilder ({len(new)})", ["Nr.", "Fil i Mystore", "Hentes fra"], rows, "list images", note)


# ---------------------------------------------------------------------------------------------
# customers

def customer_card(shop: Shop, c: dict) -> Card:
    sid = c["source_id"]
    f = Fields(shop, "customers", c, CUSTOMER_FIELDS)
    for field in ("name", "lastname", "email"):
        f.text(field, c.get(field))
    f.add("phone", f.get("phone"), v.text(c.get("phone")), cmp.phones(f.get("phone"), c.get("phone")))
    kind = "gjest" if c.get("is_guest") else "registrert kunde"
    old_guest = f.get("is_guest")
    if sid.startswith("dumpkit:guest:"):
        f.add("is_guest", "", kind, (FORMAT, "laget av gjesteordrer (samme e-post)"), "finnes ikke (gjesteordre)")
    else:
        f.add("is_guest", old_guest, kind, cmp.flags(old_guest, c.get("is_guest")),
              None if old_guest is v.NOT_COLLECTED else ("gjest" if v.to_bool(old_guest) else "registrert kunde"))
    old_gender = f.get("gender")
    if c.get("gender") or old_gender not in (None, v.NOT_COLLECTED):
        f.add("gender", old_gender, GENDER.get(c.get("gender") or "", ""), cmp.texts(old_gender, c.get("gender")),
              None if old_gender is v.NOT_COLLECTED else GENDER.get(old_gender or "", ""))
    old_dob = f.get("dob")
    if c.get("dob") or old_dob not in (None, v.NOT_COLLECTED):
        f.add("dob", old_dob, v.day(c.get("dob")), cmp.days(old_dob, c.get("dob")),
              None if old_dob is v.NOT_COLLECTED else v.day(old_dob))
    old_news = f.get("newsletter")
    f.add("newsletter", old_news, v.yes_no(bool(c.get("newsletter"))), cmp.flags(old_news, bool(c.get("newsletter"))),
          None if old_news is v.NOT_COLLECTED else v.yes_no(old_news))
    f.instant("created_at", c.get("created_at"))

    new_blocks = [(NEW_ADDRESS["main"], customer_block(c, "address_", "main"))]
    billing = customer_block(c, "billing_address_", "billing")
    if not cmp.block_empty(billing):
        new_blocks.append((NEW_ADDRESS["billing"], billing))
    for extra in extra_addresses(c.get("extra_addresses")):
        new_blocks.append((NEW_ADDRESS["extra"], extra))
    tables = [f.table(), address_table(f.old, new_blocks, "Faktura er samme som hovedadressen" if cmp.block_empty(billing) else "")]
    title = " ".join(x for x in (v.text(c.get("name")), v.text(c.get("lastname"))) if x and x != "N/A") or v.text(c.get("email"))
    return Card("customers", sid, anchor("customers", sid), title,
                [v.text(c.get("email")), kind, shop.why_in_demo("customers", sid)], tables,
                shop.notes("customers", sid, shown(tables)))


def customer_block(c: dict, prefix: str, role: str) -> dict:
    name = " ".join(x for x in (v.text(c.get(prefix + "name")), v.text(c.get(prefix + "lastname"))) if x)
    return {"role": role, "name": name, "company": c.get(prefix + "company"), "street": c.get(prefix + "address"),
            "zipcode": c.get(prefix + "zipcode"), "city": c.get(prefix + "city"),
            "region": c.get(prefix + "region") or c.get(prefix + "state"), "country": c.get(prefix + "country")}


def extra_addresses(raw) -> list[dict]:
    try:
        items = json.loads(raw) if raw else []
    except ValueError:
        return []
    out = []
    for a in items if isinstance(items, list) else []:
        if isinstance(a, dict):
            name = " ".join(x for x in (v.text(a.get("name")), v.text(a.get("lastname"))) if x)
            out.append({"role": "extra", "name": name, "company": a.get("company"), "street": a.get("address"), "zipcode": a.get("zipcode"),
                        "city": a.get("city"), "region": a.get("region") or a.get("state"), "country": a.get("country")})
    return out


def address_table(old: dict | None, new_blocks: list[tuple[str, dict]], note: str) -> Table:
    if old is None or "addresses" not in old:
        rows = [Row([Cell(label), Cell(v.NOT_COLLECTED_TEXT, "nc"), cell(cmp.block_text(b))], UNKNOWN)
                for label, b in new_blocks if not cmp.block_empty(b)]
        return Table("Adresser", ["Adresse", "Gammel butikk", "Mystore", "Merknad"], rows, "fields addresses", note)
    old_blocks = []
    for b in old.get("addresses") or []:
        label = ADDRESS_KIND.get(b.get("kind"), "Adresse")
        if b.get("alias"):
            label += f" ({v.text(b['alias'])})"
        old_blocks.append((label, b))
    rows = []
    for old_label, ob, new_label, nb, state, reason in cmp.match_blocks(old_blocks, new_blocks):
        rows.append(Row([Cell(new_label or old_label), cell(cmp.block_text(ob)) if ob is not None else Cell("ingen", "empty"),
                         cell(cmp.block_text(nb)) if nb is not None else Cell("ingen", "empty")], state, reason))
    return Table("Adresser", ["Adresse", "Gammel butikk", "Mystore", "Merknad"], rows, "fields addresses", note)


# ---------------------------------------------------------------------------------------------
# orders

def order_card(shop: Shop, o: dict) -> Card:
    sid = o["source_id"]
    f = Fields(shop, "orders", o, ORDER_FIELDS)
    f.text("reference", o.get("reference"))
    f.instant("created_at", o.get("created_at"))
    status, old_status = v.text(o.get("order_status")), f.get("order_status")
    state = cmp.texts(old_status, status)
    if state[0] == CHANGED and not v.is_empty(old_status) and not v.is_empty(status):
        state = (FORMAT, "oversatt til Mystores status")
    f.add("order_status", old_status, status, state)
    customer = shop.customer_name(o.get("customer_source_id")) or v.text(o.get("customer_address_name"))
    state = cmp.texts(f.get("customer"), customer)
    if (o.get("customer_source_id") or "").startswith("dumpkit:guest:"):
        customer += " (gjest)"
        state = (FORMAT, "gjestekunde i Mystore") if state[0] == SAME else state
    f.add("customer", f.get("customer"), customer, state)
    f.text("customer_email", o.get("customer_address_email"))
    for field in ("payment_method", "shipping_method", "currency"):
        f.text(field, o.get(field))

    blocks = [(NEW_ADDRESS["customer"], order_block(o, "customer_address_", "customer"))]
    billing = order_block(o, "billing_address_", "billing")
    if not cmp.block_empty(billing) and cmp.block_diff(billing, blocks[0][1]):
        blocks.append((NEW_ADDRESS["billing"], billing))
    blocks.append((NEW_ADDRESS["shipping"], order_block(o, "shipping_address_", "shipping")))
    tables = [f.table(), address_table(f.old, [b for b in blocks if not cmp.block_empty(b[1])], "")]
    totals, total = totals_table(shop, sid)
    tables += [t for t in (lines_table(shop, sid), totals) if t]
    facts = [v.long_day(o.get("created_at")), customer, f"totalt {total}" if total else "uten total"]
    return Card("orders", sid, anchor("orders", sid), f"Ordre {v.text(o.get('reference')) or sid}", facts, tables,
                shop.notes("orders", sid, shown(tables)))


def order_block(o: dict, prefix: str, role: str) -> dict:
    return {"role": role, "name": o.get(prefix + "name"), "company": o.get(prefix + "company"), "street": o.get(prefix + "address"),
            "zipcode": o.get(prefix + "zipcode"), "city": o.get(prefix + "city"),
            "region": o.get(prefix + "region") or o.get(prefix + "state"), "country": o.get(prefix + "country")}


def lines_table(shop: Shop, sid: str) -> Table | None:
    new, old = paired(shop, "order_lines", sid)
    if not new and not old:
        return None
    money = shop.money
    rows = []
    for r in new:
        o = old.pop(r["source_id"], None)
        options = ", ".join(f"{k}: {val}" for k, val in (dict(r["options"]) if r.get("options") else {}).items())
        shown_in_name = all(str(val).casefold() in v.text(r.get("name")).casefold()
                            for val in (dict(r["options"]) if r.get("options") else {}).values())
        name = Cell(v.text(r.get("name")), before="" if shown_in_name else options)
        cells = [name, Cell(v.text(r.get("sku"))), Cell(str(r.get("quantity") or 0), "num"),
                 Cell(v.money(r.get("unit_price"), money.amounts), "num"), Cell(v.money(r.get("line_total"), money.amounts), "num"),
                 Cell(v.percent(r.get("tax_rate")), "num")]
        reasons = shop.field_reasons("orders", sid, ("order_lines", r["source_id"]))
        if o is None:
            rows.append(Row(cells, UNKNOWN, "; ".join(dict.fromkeys(reasons.values()))))
            continue
        states = []
        for k, (key, new_value) in ((3, ("unit_price", r.get("unit_price"))), (4, ("line_total", r.get("line_total")))):
            s = money.compare(o.get(key), o.get("currency"), new_value)
            if s[0] != SAME:
                cells[k].before = "før: " + v.money(o.get(key), o.get("currency"))
            states.append(s)
        if v.to_decimal(o.get("quantity")) != v.to_decimal(r.get("quantity")):
            cells[2].before = "før: " + v.text(o.get("quantity"))
            states.append((CHANGED, "annet antall"))
        old_rate, new_rate = v.to_decimal(o.get("tax_rate")), v.to_decimal(r.get("tax_rate"))
        if old_rate is not None and new_rate is not None and abs(old_rate - new_rate) >= Decimal("0.05"):
            cells[5].before = "før: " + v.percent(old_rate)
            states.append((CHANGED, "annen MVA-sats"))
        state, reason = worst(states)
        if reasons:
            state, reason = (state if state != SAME else FORMAT), "; ".join(dict.fromkeys(reasons.values()))
        rows.append(Row(cells, state, reason))
    for o in sorted(old.values(), key=lambda r: natural(r["source_id"])):
        rows.append(Row([Cell(v.text(o.get("name"))), Cell(v.text(o.get("sku"))), Cell(v.text(o.get("quantity")), "num"),
                         Cell(v.money(o.get("unit_price"), o.get("currency")), "num"),
                         Cell(v.money(o.get("line_total"), o.get("currency")), "num"), Cell(v.percent(o.get("tax_rate")), "num")],
                        CHANGED, "ikke med i Mystore"))
    return Table(f"Ordrelinjer ({len(new)})", ["Vare", "Art.nr.", "Antall", "Pris per stk.", "Sum", "MVA"], rows,
                 "list lines", "Priser og summer uten MVA.")


def totals_table(shop: Shop, sid: str) -> tuple[Table | None, str]:
    """Subtotal, discount, shipping, fees, VAT per rate and total, old against new; and the new
    total as the card's summary shows it."""
    new = shop.children["order_totals"].get(sid, [])
    old = shop.review.get("order_totals", {}).get(sid)
    if not new and not old:
        return None, ""
    money = shop.money
    reasons = [entry(i.code, i.level).title for i in shop.issues.get(("orders", sid), [])
               if i.code in ("ORDER_TOTAL_MISMATCH", "LINE_TOTAL_INCONSISTENT", "TAX_ROWS_MISSING", "ORDER_LINES_MISMATCH")]
    rows, total_text = [], ""

    def amount_sum(items, key="value"):
        ds = [v.to_decimal(i.get(key)) for i in items]
        return sum(d for d in ds if d is not None) if any(d is not None for d in ds) else None

    old_currency = next((x.get("currency") for x in old or [] if x.get("currency")), None)
    classes = ("subtotal", "discount", "shipping", "fee", "tax", "total")
    for cls in classes:
        n_items = [t for t in new if t["class"] == cls]
        o_items = [t for t in (old or []) if t.get("class") == cls]
        if not n_items and not o_items:
            continue
        if cls == "tax":
            old_rates = {v.to_decimal(t.get("tax_rate")) for t in o_items}
            by_rate = old is not None and o_items and None not in old_rates
            keys = sorted({v.to_decimal(t.get("tax_rate")) for t in n_items} | (old_rates if by_rate else set()),
                          key=lambda d: -(d or 0)) if by_rate else [None]
            for rate in keys:
                nn = [t for t in n_items if rate is None or v.to_decimal(t.get("tax_rate")) == rate]
                oo = [t for t in o_items if rate is None or v.to_decimal(t.get("tax_rate")) == rate]
                label = f"MVA {v.percent(rate)}" if rate is not None else "MVA"
                if rate is None and len({v.to_decimal(t.get('tax_rate')) for t in nn}) > 1:
                    label = "MVA i alt"
                detail = ", ".join(f"{v.percent(t.get('tax_rate'))}: {v.money(t.get('value'), money.amounts)}"
                                   for t in sorted(nn, key=lambda t: -(v.to_decimal(t.get('tax_rate')) or 0))) \
                    if rate is None and len(nn) > 1 else ""
                rows.append(total_row(money, label, oo if old is not None else None, nn, old_currency, amount_sum, reasons,
                                      detail))
            continue
        rows.append(total_row(money, TOTAL_CLASS[cls], o_items if old is not None else None, n_items, old_currency,
                              amount_sum, reasons, "", cls))
        if cls == "total":
            total_text = rows[-1].cells[2].text
    return Table("Beløp", ["Beløp", "Gammel butikk", "Mystore", "Merknad"], rows, "fields totals"), total_text


def total_row(money, label, old_items, new_items, old_currency, amount_sum, reasons, detail="", cls="") -> Row:
    new_value = amount_sum(new_items)
    new_cell = Cell(v.money(new_value, money.amounts) if new_value is not None else v.EMPTY_TEXT,
                    "num" if new_value is not None else "empty", before=detail, cls=cls)
    if old_items is None:
        return Row([Cell(label), Cell(v.NOT_COLLECTED_TEXT, "nc"), new_cell], UNKNOWN, "", cls)
    old_value = amount_sum(old_items)
    old_cell = Cell(v.money(old_value, old_currency), "num") if old_value is not None else Cell(v.EMPTY_TEXT, "empty")
    # no row is no amount: VAT 0,00 in the old shop and no VAT row in Mystore are the same
    state = money.compare(old_value or 0, old_currency, new_value or 0)
    if state[0] == CHANGED and reasons:
        state = (CHANGED, "; ".join(dict.fromkeys(reasons)))
    return Row([Cell(label), old_cell, new_cell], state[0], state[1], cls)


def natural(s: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", s or "") if t]


def hoist_common_reason(table: Table) -> Table:
    """A quiet reason every row of a list shares is said once, above the list."""
    reasons = {(r.state, r.reason) for r in table.rows}
    if len(table.rows) > 1 and len(reasons) == 1 and next(iter(reasons))[0] == FORMAT:
        table.note = " ".join(x for x in (table.note, "Alle: " + next(iter(reasons))[1] + ".") if x)
        for r in table.rows:
            r.state, r.reason = SAME, ""
    return table


def build_cards(shop: Shop) -> dict[str, list[Card]]:
    cards = {}
    for entity, build in (("products", product_card), ("customers", customer_card), ("orders", order_card)):
        cards[entity] = [build(shop, r) for r in sorted(shop.rows.get(entity, []), key=lambda r: natural(r["source_id"]))]
        for card in cards[entity]:
            for t in card.tables:
                if "fields" not in t.cls:
                    hoist_common_reason(t)
    return cards
