"""The top of the report: the shop's size next to the demo's, the verdict, the to-do list, and
the issues grouped for the owner (must fix / should check / for information).

Reads only the manifest and the issues, one cause per line (issues.group_issues): for a full
run of a large shop that is all the report reads besides the package check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..issues import LEVEL_ORDER, IssueGroup
from ..package.schema import ENTITIES, KEY_ENTITIES
from . import values as v
from .catalogue import GROUPS, entry
from .model import OwnerIssue
from .words import CURRENCY_NAME, ENTITY, entity_count

GROUP_TITLE = {"must": "Må avgjøres eller rettes", "check": "Bør sjekkes", "info": "Til informasjon"}
GROUP_MARK = {"must": "!", "check": "?", "info": "i"}
SPECIAL_IDS = {"dumpkit:vat25": "MVA 25 %", "dumpkit:uncategorized": "Ukategorisert", "dumpkit:no-tax": "uten MVA"}


def issue_anchor(code: str, entity: str | None) -> str:
    return "issue-" + re.sub(r"[^a-z0-9-]", "-", f"{code.lower()}-{entity or 'all'}")


def words_context(manifest: dict) -> dict:
    cur = manifest.get("currency") or {}
    code = ((cur.get("not_converted") or [None])[0] or cur.get("shop_currency") or cur.get("amounts")
            or manifest.get("options", {}).get("shop_currency") or "NOK").upper()
    return {"valuta": code, "valutanavn": CURRENCY_NAME.get(code, code)}


def fill(text: str, context: dict) -> str:
    try:
        return text.format_map(context)
    except (KeyError, ValueError):
        return text


@dataclass
class CountRow:
    entity: str
    label: str
    shop: int | None  # in the old shop (a demo: the whole shop; a full run: the source records)
    moved: int  # what a full migration moves
    left_out: int
    reasons: list[str]
    demo: int | None = None  # in the demo
    picked: int | None = None  # drawn at random (the rest is what the drawn records need)
    unaccounted: int = 0


@dataclass
class Summary:
    demo: bool
    verdict_level: str  # stop | check | ok
    verdict: str
    facts: list[str]
    todo: list[OwnerIssue]
    todo_title: str
    counts: list[CountRow]
    also: list[str]  # the other files' rows, in words
    issues: dict[str, list[OwnerIssue]] = field(default_factory=dict)


def owner_issues(groups: list[IssueGroup], manifest: dict, label_of) -> dict[str, list[OwnerIssue]]:
    """The issue groups for the owner: one entry per code and entity (technical ones are left to
    the technical section), in the catalogue's words, sorted must / check / info, biggest first.
    `label_of(entity, source_id)` gives an example's label and link."""
    context = words_context(manifest)
    merged: dict[tuple, dict] = {}
    for g in groups:
        if g.technical:
            continue
        # a cause that names no record (the demo took every customer, every order) is one line
        key = (g.code, g.entity if g.examples and g.first.source_id else None)
        m = merged.setdefault(key, {"level": g.level, "ids": [], "more": 0, "stage": False})
        m["more"] += g.more
        m["stage"] = m["stage"] or g.first.phase == "stage"
        if LEVEL_ORDER[g.level] < LEVEL_ORDER[m["level"]]:
            m["level"] = g.level
        for e in g.examples:
            if e not in m["ids"]:
                m["ids"].append(e)
    out: dict[str, list[OwnerIssue]] = {k: [] for k in GROUPS}
    for (code, entity), m in merged.items():
        e = entry(code, m["level"])
        examples = [] if m["stage"] or not entity else [label_of(entity, sid) for sid in m["ids"][:5]]
        n_ids = len(m["ids"]) + m["more"]
        count_text = entity_count(entity, n_ids) if entity and not m["stage"] and n_ids else ""
        out[e.group].append(OwnerIssue(issue_anchor(code, entity), code, e.group, fill(e.title, context),
                                       fill(e.consequence, context), fill(e.action, context), count_text,
                                       [x for x in examples if x], max(0, n_ids - len(examples)), m["level"], n_ids))
    for items in out.values():
        items.sort(key=lambda i: (LEVEL_ORDER[i.level], -i.records, i.title))
    return out



def example_label(entity: str, source_id: str) -> tuple[str, None]:
    """A record of a full run, named without its package id: 'produkt 12', 'gjestekunde'."""
    if source_id in SPECIAL_IDS:
        return SPECIAL_IDS[source_id], None
    if source_id.startswith("dumpkit:guest:"):
        return "gjestekunde", None
    if source_id.startswith("dumpkit:"):
        return "lagt til av migreringen", None
    return f"{ENTITY.get(entity, ('post',))[0]} {source_id}", None


def count_rows(manifest: dict) -> list[CountRow]:
    """The six key entities: the whole shop next to the demo (a demo), or the reconciliation."""
    demo = bool(manifest.get("options", {}).get("demo"))
    recon = {r["entity"]: r for r in manifest.get("reconciliation", [])}
    whole = {r["entity"]: r for r in manifest.get("summary", [])}
    picked = manifest.get("options", {}).get("picked") or {}
    counts = manifest.get("counts", {})
    rows = []
    for e in KEY_ENTITIES:
        if e not in recon and e not in whole:
            continue  # not chosen with --only
        r = whole.get(e) if demo and e in whole else recon.get(e) or whole.get(e)
        skipped = r.get("skipped") or {}
        reasons = [f"{n} {entry(code, 'info').title.lower()}" for code, n in sorted(skipped.items(), key=lambda kv: -kv[1])]
        # records the migration adds (guest customers made from orders, the 25 % tax class)
        added = counts.get(e, 0) - recon.get(e, {}).get("written", counts.get(e, 0))
        if added > 0:
            reasons.append(f"{'i demoen ' if demo else ''}{entity_count(e, added)} lagt til av migreringen")
        rows.append(CountRow(e, upper_first(ENTITY[e][1]), r.get("source"), r.get("written", counts.get(e, 0)),
                             sum(skipped.values()), reasons,
                             counts.get(e, 0) if demo else None, len(picked[e]) if demo and e in picked else None,
                             0 if demo else recon.get(e, {}).get("unaccounted", 0)))
    return rows


def other_counts(manifest: dict) -> list[str]:
    counts = manifest.get("counts", {})
    demo = bool(manifest.get("options", {}).get("demo"))
    whole = {r["entity"]: r for r in manifest.get("summary", [])}
    out = []
    for e in ENTITIES:
        if e in KEY_ENTITIES or e in ("product_options", "product_option_values", "order_totals"):
            continue
        n = (whole.get(e, {}).get("written") if demo else counts.get(e)) or 0
        if n:
            out.append(entity_count(e, n))
    return out


def build_summary(manifest: dict, issues: dict[str, list[OwnerIssue]], changed_fields: int = 0) -> Summary:
    demo = bool(manifest.get("options", {}).get("demo"))
    rows = count_rows(manifest)
    must, check = issues.get("must", []), issues.get("check", [])
    if must:
        level = "stop"
        verdict = f"Ikke klar for full migrering ennå: {len(must)} ting må avgjøres eller rettes først."
    elif check:
        level = "check"
        verdict = f"Ingenting stopper full migrering, men {len(check)} {'punkt' if len(check) == 1 else 'punkter'} bør sjekkes."
    else:
        level = "ok"
        verdict = "Klar for full migrering: ingen avvik krever handling."
    facts = []
    by = {r.entity: r for r in rows}
    shop_parts = [entity_count(e, by[e].moved) for e in ("products", "customers", "orders") if e in by]
    if demo:
        if shop_parts:
            facts.append("Butikken har " + join_words(shop_parts) + " som blir med i en full migrering.")
        demo_parts = []
        for e in ("products", "customers", "orders"):
            if e in by and by[e].demo is not None:
                text = entity_count(e, by[e].demo)
                extra = (by[e].demo or 0) - (by[e].picked or 0)
                if by[e].picked is not None and extra > 0:
                    text += f" ({by[e].picked} trukket tilfeldig, {extra} fordi ordrene i demoen har dem)"
                demo_parts.append(text)
        if demo_parts:
            facts.append("Demoen viser " + join_words(demo_parts) + ".")
        if changed_fields:
            facts.append(f"På kortene under er {changed_fields} {'verdi' if changed_fields == 1 else 'verdier'} markert "
                         "som endret, hver med grunnen.")
    elif shop_parts:
        facts.append("Migreringen flytter " + join_words(shop_parts) + ".")
    unaccounted = sum(r.unaccounted for r in rows)
    if unaccounted:
        facts.append(f"{unaccounted} poster fra den gamle butikken mangler uten forklaring: det er en feil i migreringen.")
    else:
        facts.append("Alt fra den gamle butikken er gjort rede for: hver post er flyttet, eller utelatt med en grunn "
                     "(se «Utelates»).")
    if must:
        todo, title = must, "Dette må du avgjøre eller rette"
    else:
        todo, title = check[:3], "Dette bør du se på" if check else ""
    return Summary(demo, level, verdict, facts, todo, title, rows, other_counts(manifest), issues)


def upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def join_words(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


def bar(row: CountRow, top: int) -> tuple[float, float]:
    """Widths (percent of the widest row) of the moved and the left-out part of a count bar."""
    total = max(top, 1)
    return round(100 * row.moved / total, 1), round(100 * row.left_out / total, 1)


def amount(n: int | None) -> str:
    return "" if n is None else v.number(n, 0)
