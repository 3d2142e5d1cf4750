"""Render report.html from a load package folder, for the shop owner first and the engineer last.

Top: a Norwegian summary (the whole shop's counts next to the demo's, a verdict, the few things
to decide or fix), then the issues grouped must / check / info in the owner's words
(catalogue.py), then - for a demo - one card per sampled product, customer and order, old
shop against Mystore (cards.py), then sections other parts of dumpkit add (EXTRA_SECTIONS),
and last the technical section (hash, prefix, options, files, every cause of an issue).

A full run's report reads only the manifest and the issues (grouped one cause per line, as
they stream by); a demo's also reads its package, which holds only the sample, and
review.json. The page is one file: CSS and a few lines of script inline, no external asset.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from ..issues import Issue, IssueLog, group_issues
from ..package.schema import ENTITIES, file_name
from ..package.verify import REVIEW, check_package
from ..package.write import read_package
from . import values as v
from .cards import CARD_ENTITIES, Shop, build_cards, tax_text
from .catalogue import GROUPS
from .model import Section
from .summary import (GROUP_MARK, GROUP_TITLE, SPECIAL_IDS, amount, bar, build_summary, example_label, issue_anchor,
                      owner_issues)
from .words import ENTITY, OPTION

# Sections other parts of dumpkit add to the report, after the cards and before the technical
# section: each is called with the package folder and its manifest and returns a Section (its
# `html` a markupsafe.Markup its producer escaped; a plain str is shown as text) or None when it
# has nothing to show.
# The loader's verify section (OUT/load/verify.json, written by `dumpkit verify`) is one.
EXTRA_SECTIONS: list[Callable[[Path, dict], Section | None]] = []


def verify_section(out: Path, manifest: dict) -> Section | None:
    """The shop read back after `dumpkit load`, entity by entity (OUT/load/verify.json)."""
    path = Path(out) / "load" / "verify.json"
    if not path.exists():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    columns = ("in_package", "as_sent", "differing", "explained", "missing", "extra_in_shop")
    rows = [Markup("<tr data-entity=\"{}\"><td>{}</td>{}<td class=\"{}\">{}</td></tr>").format(
                e["entity"], ENTITY.get(e["entity"], (e["entity"], e["entity"]))[1].capitalize(),
                Markup("").join(Markup("<td class=\"n\">{}</td>").format(int(e[k])) for k in columns),
                "ok" if e["ok"] else "bad", "✓" if e["ok"] else "✗") for e in result.get("entities", [])]
    html = Markup("<p>Butikken lest tilbake gjennom API-et og sammenlignet felt for felt med pakken.</p>"
                  "<table id=\"verify-table\"><thead><tr><th>Entitet</th><th class=\"n\">I pakken</th>"
                  "<th class=\"n\">I butikken som sendt</th><th class=\"n\">Avvikende felt</th>"
                  "<th class=\"n\">Forklart i avvik</th><th class=\"n\">Mangler</th><th class=\"n\">Ekstra i butikken</th>"
                  "<th>Avstemt</th></tr></thead><tbody>") + Markup("").join(rows) + Markup("</tbody></table>")
    return Section("verify", f"Lastet inn i Mystore: {result.get('shop')}", html)


EXTRA_SECTIONS.append(verify_section)

CARD_SECTIONS = [("products", "Produkter", "Produkt"), ("customers", "Kunder", "Kunde"), ("orders", "Ordrer", "Ordre")]


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("dumpkit.report", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=False, lstrip_blocks=False)
    env.globals.update(amount=amount, bar=bar, group_title=GROUP_TITLE, group_mark=GROUP_MARK)
    # an extra section's html is shown as markup only when its producer made it Markup (escaped)
    env.filters["markup"] = lambda html: html if isinstance(html, Markup) else escape(html)
    return env


def _asset(name: str) -> str:
    return _environment().loader.get_source(_environment(), name)[0]


def read_issues(path: Path) -> Iterator[Issue]:
    """issues.jsonl one issue at a time (a full run's file is never held whole)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield Issue(**json.loads(line))


def platform_title(name: str | None) -> str:
    """The platform's name as its makers write it (platform.toml `title`)."""
    from ..map.platforms import load_platforms

    try:
        platforms = load_platforms()
    except Exception:  # the report never fails on the mappings folder
        platforms = {}
    return platforms[name].title if name in platforms else (name or "ukjent plattform").capitalize()


@dataclass
class Technical:
    facts: list[tuple[str, str]]
    options: list[tuple[str, str]]
    files: list[tuple[str, str, str]]
    lines: list[str]
    staging: list[str] = field(default_factory=list)


def technical(manifest: dict, groups, platform: str) -> Technical:
    source = manifest.get("source", {})
    currency = manifest.get("currency") or {}
    facts = [("Kildefil", source.get("file_name") or ""), ("Størrelse", f"{v.number(source.get('size') or 0, 0)} byte"),
             ("SHA-256", source.get("sha256") or "(flere filer)"), ("Dumpet med", source.get("producer") or "ukjent"),
             ("Plattform", f"{platform} {manifest.get('platform_version') or ''}".strip()),
             ("Tabellprefiks", repr(manifest.get("table_prefix", ""))),
             ("Beløpene i pakken er i", currency.get("amounts") or ""),
             ("Pakkeformat", str(manifest.get("schema_version", ""))),
             ("Laget", f"{manifest.get('created_at', '')} av dumpkit {manifest.get('dumpkit_version', '')}")]
    if source.get("partial"):
        facts.append(("Ufullstendig dump", "ja (--allow-partial)"))
    options = []
    for k, val in (manifest.get("options") or {}).items():
        if val in (None, [], {}, "") or k == "picked":
            continue
        text = ", ".join(f"{a}={b}" for a, b in val.items()) if isinstance(val, dict) else \
            "; ".join(map(str, val)) if isinstance(val, list) else str(val)
        options.append((f"{OPTION.get(k, k)} ({k})", text))
    counts = manifest.get("counts", {})
    files = [(file_name(e), v.number(counts.get(e, 0), 0),
              v.number((manifest.get("files", {}).get(file_name(e)) or {}).get("size", 0), 0)) for e in ENTITIES]
    lines = [g.line() for g in groups if not g.technical]
    staging = [g.line() for g in groups if g.technical]
    return Technical(facts, options, files, lines, staging)


def render_report(out: Path, log: IssueLog | None = None) -> str:
    """The report of the package at `out`; `log`: the migration's own issues, in file order (else
    issues.jsonl is read)."""
    out = Path(out)
    manifest = check_package(out)  # a package mixed from two runs, or changed, is refused
    options = manifest.get("options", {})
    demo = bool(options.get("demo"))
    platform = platform_title(manifest.get("platform"))
    if demo:  # a sample's issues, each shown on its card
        issues = log.items if log is not None else list(read_issues(out / "issues.jsonl"))
        groups = group_issues(issues)
    else:  # a whole shop's: counted by DuckDB, never one Python object each
        issues, groups = None, (log if log is not None else IssueLog.read(out / "issues.jsonl")).groups()
    cards: dict = {}
    label_of = example_label
    if demo:
        review = json.loads((out / REVIEW).read_text(encoding="utf-8")) if (out / REVIEW).exists() else {}
        shop = Shop(read_package(out), review, issues, manifest, issue_anchor)
        cards = build_cards(shop)
        label_of = _demo_labels(shop, cards)
    owner = owner_issues(groups, manifest, label_of)
    changed = sum(c.changed for cs in cards.values() for c in cs)
    summary = build_summary(manifest, owner, changed)
    extra = [s for s in (make(out, manifest) for make in EXTRA_SECTIONS) if s is not None]

    title = f"{'Demomigrering' if demo else 'Migrering'} fra {platform} til Mystore"
    subtitle = (f"{platform} {manifest.get('platform_version') or ''}".strip() + " · "
                + f"laget {v.long_day(manifest.get('created_at'))}" + " · "
                + ("et utvalg av butikken, for kontroll før full migrering" if demo else "hele butikken"))
    toc = [("sammendrag", "Sammendrag")]
    toc += [(f"avvik-{g}", f"{GROUP_TITLE[g]} ({len(owner[g])})") for g in GROUPS]
    toc += [(e, f"{heading} ({len(cards[e])})") for e, heading, _ in CARD_SECTIONS if cards.get(e)]
    toc += [(s.id, s.title) for s in extra] + [("teknisk", "Teknisk")]
    return _environment().get_template("report.html").render(
        title=title, subtitle=subtitle, toc=toc, summary=summary, issues=owner, cards=cards,
        card_sections=CARD_SECTIONS, why=_card_leads(summary), extra_sections=extra, technical=technical(manifest, groups, platform),
        css=_asset("report.css"), script=_asset("report.js"))


def _card_leads(summary) -> dict[str, str]:
    """A line above each section of cards: how many were drawn, and why the others are there."""
    leads = {}
    for r in summary.counts:
        if r.demo is None or r.picked is None:
            continue
        text = f"{r.picked} trukket tilfeldig blant {v.number(r.moved, 0)} i butikken."
        if r.demo > r.picked:
            text += f" {r.demo - r.picked} til er med fordi ordrene i demoen har dem (det står på kortet)."
        leads[r.entity] = text + " Klikk på et kort for å se den gamle butikken mot Mystore."
    return leads


def _demo_labels(shop: Shop, cards: dict):
    """An example of an issue in a demo: the card it is on (linked), else the record's name."""
    titles = {(c.entity, c.source_id): (c.title, "#" + c.anchor) for cs in cards.values() for c in cs}

    def label_of(entity: str, source_id: str):
        owner = shop.card_of(entity, source_id)
        if owner in titles:
            return titles[owner]
        row = shop.by_id.get(entity, {}).get(source_id)
        if row is not None and entity in ("tax_classes", "manufacturers", "categories"):
            if entity == "tax_classes":
                return tax_text(v.text(row["title"]), row["tax_rate"]), None
            if entity == "categories":
                return shop.category_path(source_id), None
            return v.text(row["name"]), None
        if source_id in SPECIAL_IDS or source_id.startswith("dumpkit:") or entity not in CARD_ENTITIES:
            return example_label(entity, source_id)
        return f"{ENTITY.get(entity, ('post',))[0]} {source_id} (ikke i demoen)", None
    return label_of


def write_report(out: Path, log: IssueLog | None = None) -> Path:
    """report.html in the package folder, replaced in one step (a reader never sees half of it)."""
    path = Path(out) / "report.html"
    part = path.with_name(f".{path.name}.dumpkit-part-{os.getpid()}")
    try:
        part.write_text(render_report(out, log), encoding="utf-8")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path
