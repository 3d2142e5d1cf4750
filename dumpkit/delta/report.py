"""DELTA/report.html: the review of a delta before anything is applied.

Per entity the new, changed and deleted records; for the changed ones which fields moved and
how often; the new records the delta's new orders and products bring along; a sample of each
kind side by side (the base package's value, the newer dump's); the issues, one line per
cause. Rendered from the delta package alone (manifest.json, review.json, issues.jsonl), in
Norwegian for the shop owner and in the look of the migration report (a style of its own,
so the two modules change apart). No network, no external assets.
"""
from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path

from ..issues import IssueLog
from ..package.schema import ENTITIES, REFERENCES
from ..package.verify import REVIEW, check_package

ENTITY_NO = {
    "tax_classes": "Avgiftsklasser", "manufacturers": "Produsenter", "categories": "Kategorier",
    "product_options": "Produktvalg", "product_option_values": "Verdier for produktvalg", "products": "Produkter",
    "product_variants": "Varianter", "product_images": "Produktbilder", "product_specials": "Tilbudspriser",
    "customers": "Kunder", "orders": "Ordrer", "order_lines": "Ordrelinjer", "order_totals": "Ordresummer",
    "order_status_history": "Ordrehistorikk", "redirects": "Videresendinger (301)",
}
CHANGE_NO = {"new": "Nye", "changed": "Endrede", "deleted": "Slettede"}
KEPT_NO = "beholdes i Mystore (ordrer og kunder slettes aldri)"

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#12325a;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.5rem}header p{margin:.3rem 0 0;opacity:.85}
main{padding:1rem 2rem 3rem;max-width:1200px}
section{background:#fff;border-radius:8px;padding:1rem 1.4rem;margin:1rem 0;box-shadow:0 1px 2px #0002}
h2{font-size:1.15rem;margin:.2rem 0 .8rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef1f5;font-weight:600}.n{text-align:right;font-variant-numeric:tabular-nums}
.old{background:#fdecea}.new{background:#e8f5ec}.note{color:#b54708}
.card{border:1px solid #e3e6ea;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}.kv dt{font-weight:600}
code{font-size:.85em;background:#eef1f5;padding:0 .25em;border-radius:3px}
"""


def _text(v) -> str:
    """A value as review.json holds it (JSON: maps as [key, value] pairs, decimals and times as text)."""
    if v is None or v == [] or v == "":
        return "—"
    if isinstance(v, bool):
        return "ja" if v else "nei"
    if isinstance(v, list) and all(isinstance(x, list) and len(x) == 2 for x in v):  # a map
        return "; ".join(f"{k}: {_text(x)}" for k, x in sorted(v, key=lambda kv: (kv[0] != "no", kv[0])))
    if isinstance(v, list):
        return ", ".join(_text(x) for x in v)
    return str(v)


def _label(record: dict) -> str:
    """What a person recognises a record by."""
    for key in ("name", "reference", "email", "title", "redirect_from"):
        value = record.get(key)
        if isinstance(value, list) and value and isinstance(value[0], list):
            value = dict(value).get("no") or value[0][1]
        if value:
            return str(value)
    return record["source_id"]


def _table(head: list[str], rows: list[list[str]], attrs: str = "") -> str:
    """Cells are HTML already escaped by the caller; numbers right-aligned by class."""
    h = [f"<table{attrs}><thead><tr>" + "".join(f"<th>{x}</th>" for x in head) + "</tr></thead><tbody>"]
    h += ["<tr>" + "".join(cells) + "</tr>" for cells in rows]
    return "".join(h) + "</tbody></table>"


def render_delta_report(out: Path) -> str:
    out = Path(out)
    manifest = check_package(out)
    delta = manifest.get("delta", {})
    per_entity = delta.get("entities", {})
    base = manifest.get("base", {})
    review = json.loads((out / REVIEW).read_text(encoding="utf-8")).get("delta", {}) if (out / REVIEW).exists() else {}
    log = IssueLog.read(out / "issues.jsonl")
    source = manifest.get("source", {})
    title = f"Endringer siden migreringen ({manifest.get('platform', '?').capitalize()})"
    h = [f"<!DOCTYPE html><html lang=\"no\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
         f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}</style></head><body>",
         f"<header><h1>{escape(title)}</h1><p>Gjennomgå før noe sendes til Mystore &middot; laget "
         f"{escape(manifest.get('created_at', ''))} av dumpkit {escape(manifest.get('dumpkit_version', ''))}</p></header><main>"]
    base_source = (base.get("source") or {}).get("file_name")
    kv = [("Ny dump", f"{source.get('file_name')} ({source.get('size', 0) / 1e6:,.2f} MB)"),
          ("Sammenlignet med", f"{base.get('path')} (pakke laget {base.get('created_at')} fra {base_source})"),
          ("Grunnpakkens manifest (SHA-256)", base.get("manifest_sha256")),
          ("Hele den nye pakken", f"{manifest.get('full', {}).get('path', 'full')}/")]
    h.append("<section><h2>Grunnlag</h2><dl class=\"kv\">"
             + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v or '—'))}</dd>" for k, v in kv) + "</dl></section>")

    rows = []
    for entity in ENTITIES:
        c = per_entity.get(entity)
        if not c or not (c["new"] or c["changed"] or c["deleted"]):
            continue
        kept = f" <span class=\"note\">{KEPT_NO}</span>" if c["deleted"] and entity in ("orders", "customers") else ""
        rows.append([f"<td>{escape(ENTITY_NO[entity])}</td>",
                     *(f"<td class=\"n\" data-change=\"{k}\">{c[k]:,}</td>" for k in ("new", "changed", "deleted")),
                     f"<td>{kept}</td>"])
    h.append("<section id=\"counts\"><h2>Endringer per entitet</h2>")
    h.append(_table(["Entitet", "<span class=\"n\">Nye</span>", "<span class=\"n\">Endrede</span>",
                     "<span class=\"n\">Slettede</span>", ""], rows) if rows else "<p>Ingen endringer.</p>")
    h.append(_brought_along(delta.get("brought_along", {})) + "</section>")

    fields = [(e, c["fields"]) for e, c in per_entity.items() if c.get("fields")]
    if fields:
        h.append("<section id=\"fields\"><h2>Hvilke felt som er endret</h2><p>Antall endrede poster der feltet har ny "
                 "verdi. <code>updated_at</code> og andre følgefelt alene gjør ingen endring.</p>")
        for entity, counts in fields:
            h.append(f"<h3>{escape(ENTITY_NO[entity])}</h3>" + _table(
                ["Felt", "<span class=\"n\">Poster</span>"],
                [[f"<td><code>{escape(f)}</code></td>", f"<td class=\"n\">{n:,}</td>"] for f, n in counts.items()],
                f" data-entity=\"{entity}\""))
        h.append("</section>")

    if review:
        h.append("<section id=\"samples\"><h2>Eksempler side om side</h2><p>De første postene av hver sort: verdien i "
                 "pakken som ble migrert, og verdien i den nye dumpen.</p>")
        for entity in ENTITIES:
            h.append(_samples(entity, review.get(entity) or {}))
        h.append("</section>")

    groups = log.groups()
    h.append("<section id=\"issues\"><h2>Avvik og merknader</h2><p>Alle ligger i <code>issues.jsonl</code>.</p>")
    h.append(_table(["Nivå", "Kode", "Entitet", "<span class=\"n\">Antall</span>", "Melding (f.eks. kilde-id)"], [[
        f"<td>{escape(g.level)}</td>", f"<td><code>{escape(g.code)}</code></td>", f"<td>{escape(g.entity or '')}</td>",
        f"<td class=\"n\">{g.count:,}</td>",
        f"<td>{escape(g.text[:300])}{escape(' (' + ', '.join(g.examples) + ')') if g.examples else ''}</td>"]
        for g in groups if not g.technical]) if groups else "<p>Ingen avvik.</p>")
    h.append("</section>")
    h.append(_applied(out / "load" / "issues.jsonl"))
    h.append("</main></body></html>")
    return "".join(h)


def _applied(path: Path) -> str:
    """Once the delta is loaded (dumpkit load): what was kept back - the conflicts with the owner's
    edits, with the three values, and the deletions Mystore keeps."""
    if not path.exists():
        return ""
    with open(path, encoding="utf-8") as f:
        issues = [json.loads(line) for line in f if line.strip()]
    conflicts = [i for i in issues if i["code"] == "DELTA_CONFLICT"]
    kept = [i for i in issues if i["code"] == "DELETED_IN_SOURCE_KEPT"]
    shop = issues[0].get("shop", "") if issues else ""
    h = [f"<section id=\"applied\"><h2>Lagt inn i Mystore {escape(shop)}</h2>"]
    if conflicts:
        h.append(f"<p>{len(conflicts):,} felt endret både i Mystore og i den nye dumpen (<code>DELTA_CONFLICT</code>): "
                 "verdien i Mystore er beholdt.</p>")
        h.append(_table(["Entitet", "Kilde-id", "Felt", "Verdier"], [[
            f"<td>{escape(ENTITY_NO.get(i['entity'], i['entity']))}</td>", f"<td><code>{escape(i['source_id'])}</code></td>",
            f"<td><code>{escape(i['field'] or '')}</code></td>", f"<td>{escape(i['message'])}</td>"] for i in conflicts],
            " id=\"conflicts\""))
    else:
        h.append("<p>Ingen konflikter med endringer gjort i Mystore.</p>")
    if kept:
        h.append(f"<p>{len(kept):,} slettede poster er beholdt i Mystore (se <code>load/issues.jsonl</code>).</p>")
    return "".join(h) + "</section>"


def _brought_along(closure: dict[str, int]) -> str:
    if not closure:
        return ""
    items = []
    for key, n in closure.items():
        entity, column = key.split(".", 1)
        target = REFERENCES.get((entity, column), "")
        items.append(f"<li>{escape(ENTITY_NO.get(entity, entity))} viser til {n:,} nye "
                     f"{escape(ENTITY_NO.get(target, target).lower())} (<code>{escape(column)}</code>), som er med</li>")
    return "<h3>Tatt med</h3><ul id=\"brought-along\">" + "".join(items) + "</ul>"


def _samples(entity: str, kinds: dict) -> str:
    h = []
    for r in kinds.get("changed", []):
        rows = [[f"<td><code>{escape(f)}</code></td>", f"<td class=\"old\">{escape(_text(old))}</td>",
                 f"<td class=\"new\">{escape(_text(new))}</td>"] for f, (old, new) in r["fields"].items()]
        h.append(f"<div class=\"card\" data-entity=\"{entity}\" data-change=\"changed\" data-source-id=\"{escape(r['source_id'])}\">"
                 f"<strong>{escape(_label(r['record']))}</strong> <code>{escape(r['source_id'])}</code>"
                 + _table(["Felt", "Før", "Nå"], rows) + "</div>")
    for kind in ("new", "deleted"):
        records = kinds.get(kind, [])
        if records:
            h.append(f"<p data-entity=\"{entity}\" data-change=\"{kind}\">{CHANGE_NO[kind]}: " + ", ".join(
                f"{escape(_label(r['record']))} <code>{escape(r['source_id'])}</code>" for r in records) + "</p>")
    return (f"<h3>{escape(ENTITY_NO[entity])}</h3>" + "".join(h)) if h else ""


def write_delta_report(out: Path) -> Path:
    """report.html in the delta folder, replaced in one step."""
    path = Path(out) / "report.html"
    part = path.with_name(f".{path.name}.dumpkit-part-{os.getpid()}")
    try:
        part.write_text(render_delta_report(out), encoding="utf-8")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path
