"""Render report.html from a load package folder (manifest, issues, Parquet files, review.json).

Norwegian wording for the shop owner; data shown as it is. No network and no
external assets: CSS, the SVG chart and a few lines of script are inline.
"""
from __future__ import annotations

import json
import os
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path

from ..issues import IssueLog
from ..package.schema import ENTITIES, KEY_ENTITIES
from ..package.verify import check_package
from ..package.write import read_package

NAMES_NO = {
    "tax_classes": "Avgiftsklasser (MVA)", "manufacturers": "Produsenter", "categories": "Kategorier",
    "product_options": "Produktvalg", "product_option_values": "Verdier for produktvalg", "products": "Produkter",
    "product_variants": "Varianter", "product_images": "Produktbilder", "product_specials": "Tilbudspriser",
    "customers": "Kunder", "orders": "Ordrer", "order_lines": "Ordrelinjer", "order_totals": "Ordresummer",
    "order_status_history": "Ordrehistorikk", "redirects": "Videresendinger (301)",
    "product_attributes": "Variantverdier per produkt", "order_line_attributes": "Valg på ordrelinjer",
}
LEVEL_NO = {"error": "Feil", "warning": "Advarsel", "info": "Merknad"}

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
header{background:#12325a;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.5rem}
header p{margin:.3rem 0 0;opacity:.85}main{padding:1rem 2rem 3rem;max-width:1200px}
section{background:#fff;border-radius:8px;padding:1rem 1.4rem;margin:1rem 0;box-shadow:0 1px 2px #0002}
h2{font-size:1.15rem;margin:.2rem 0 .8rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#17803d;font-weight:600}.bad{color:#b42318;font-weight:600}
.lvl-error{color:#b42318}.lvl-warning{color:#b54708}.lvl-info{color:#475467}
tr.diff td{background:#fff4e5}tr.diff td.note{color:#b54708}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;font-size:.9rem}.kv dt{font-weight:600}
.card{border:1px solid #e3e6ea;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0}
code{font-size:.85em;background:#eef1f5;padding:0 .25em;border-radius:3px}input{padding:.3rem;width:20rem}
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
"""

SCRIPT = """
document.getElementById('issue-filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase();
  document.querySelectorAll('#issues tbody tr').forEach(function (tr) {
    tr.style.display = tr.textContent.toLowerCase().indexOf(q) === -1 ? 'none' : '';
  });
});
"""


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_fmt(x)}" for k, x in sorted(v.items(), key=lambda kv: (kv[0] != "no", kv[0])))
    if isinstance(v, (list, tuple)):
        if v and isinstance(v[0], tuple) and len(v[0]) == 2:  # a map read from Parquet
            return _fmt(dict(v))
        return ", ".join(_fmt(x) for x in v) or "—"
    if isinstance(v, Decimal):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v % 1 else f"{v:.2f}"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M") + (" UTC" if v.tzinfo else "")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, bool):
        return "ja" if v else "nei"
    return str(v)


def _main_text(v):
    if isinstance(v, list) and v and isinstance(v[0], tuple):
        v = dict(v)
    if isinstance(v, dict):
        return v.get("no")
    return v


def _same(source, target) -> bool:
    a, b = _main_text(source), _main_text(target)
    if a is None or b is None:
        return (a in (None, "")) == (b in (None, ""))
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) < Decimal("0.00005")
    except ArithmeticError:
        pass
    except Exception:
        pass
    return str(a).strip() == str(b).strip()


def _why(field: str, target) -> str:
    """Why a value differs, in the owner's words."""
    if field in ("order_status",):
        return "status oversatt til Mystore"
    if field.endswith("_at") or field in ("date_available", "last_login"):
        return "tidssone omregnet til UTC"
    if field in ("price", "specials_price", "unit_price", "line_total", "price_difference", "cost"):
        return "netto pris (uten MVA)"
    if field == "slug":
        return "URL-navn endret"
    if field == "weight":
        return "vekt i gram"
    if field == "customer_source_id" and str(target).startswith("dumpkit:guest:"):
        return "gjestekunde laget"
    if field in ("name", "lastname") and target == "N/A":
        return "tomt navn fylt ut"
    return "endret"


def _chart(rows: list[dict]) -> str:
    """Horizontal bars per key entity: in the source, migrated, left out."""
    width, bar, gap, label_w = 720, 12, 10, 190
    top = max([max(r["source"] or 0, r["written"]) for r in rows] + [1])
    scale = (width - label_w - 60) / top
    height = len(rows) * (3 * bar + gap) + 10
    parts = [f'<svg role="img" aria-label="Antall per entitet" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg" font-size="12">']
    y = 5
    for r in rows:
        parts.append(f'<text x="0" y="{y + bar * 1.8}">{escape(NAMES_NO.get(r["entity"], r["entity"]))}</text>')
        for i, (key, color) in enumerate((("source", "#98a2b3"), ("written", "#2e90fa"), ("skipped", "#f79009"))):
            n = r[key] or 0
            parts.append(f'<rect x="{label_w}" y="{y + i * bar}" width="{max(n * scale, 1 if n else 0):.1f}" height="{bar - 2}" fill="{color}"/>')
            parts.append(f'<text x="{label_w + n * scale + 4:.1f}" y="{y + i * bar + bar - 3}">{n:,}</text>')
        y += 3 * bar + gap
    parts.append("</svg>")
    legend = ('<p class="legend"><span><i class="sw" style="background:#98a2b3"></i>i kilden</span>'
              '<span><i class="sw" style="background:#2e90fa"></i>migrert</span>'
              '<span><i class="sw" style="background:#f79009"></i>utelatt</span></p>')
    return "".join(parts) + legend


def render_report(out: Path) -> str:
    out = Path(out)
    manifest = check_package(out)  # a package mixed from two runs, or changed, is refused
    log = IssueLog.read(out / "issues.jsonl")
    package = read_package(out)
    review = json.loads((out / "review.json").read_text(encoding="utf-8")) if (out / "review.json").exists() else {}
    options = manifest.get("options", {})
    demo = bool(options.get("demo"))
    source = manifest.get("source", {})
    counts = manifest.get("counts", {})
    recon = {r["entity"]: r for r in manifest.get("reconciliation", [])}
    by_record = defaultdict(list)
    for i in log.items:
        if i.source_id:
            by_record[(i.entity, i.source_id)].append(i)

    title = f"{'Demomigrering' if demo else 'Migrering'} fra {manifest.get('platform', '?').capitalize()} {manifest.get('platform_version') or ''}".strip()
    h = [f"<!DOCTYPE html><html lang=\"no\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
         f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{CSS}</style></head><body>"]
    h.append(f"<header><h1>{escape(title)}</h1><p>Rapport for gjennomgang med butikkeieren &middot; "
             f"laget {escape(manifest.get('created_at', ''))} av dumpkit {escape(manifest.get('dumpkit_version', ''))}</p></header><main>")

    # the source and the run
    kv = [("Kilde", source.get("file_name")), ("Størrelse", f"{source.get('size', 0) / 1e6:,.2f} MB"),
          ("SHA-256", source.get("sha256")), ("Dumpet med", source.get("producer")),
          ("Plattform", f"{manifest.get('platform')} {manifest.get('platform_version') or ''}"),
          ("Tabellprefiks", repr(manifest.get("table_prefix", ""))),
          ("Valg", ", ".join(f"{k}={v}" for k, v in options.items() if k not in ("picked", "notes") and v not in (None, [], "")))]
    if demo:
        kv.insert(0, ("Utvalg", f"{options.get('size')} tilfeldige produkter, kunder og ordrer, seed {options.get('seed')}"))
    h.append("<section><h2>Kilde og kjøring</h2><dl class=\"kv\">" +
             "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v or '—'))}</dd>" for k, v in kv) + "</dl>")
    for note in options.get("notes", []):
        h.append(f"<p>{escape(note)}</p>")
    h.append("</section>")

    # counts
    warn = defaultdict(int)
    for i in log.items:
        if i.level == "warning" and i.entity:
            warn[i.entity] += 1
    rows = []
    for e in KEY_ENTITIES:
        r = recon.get(e)
        if r is None:  # not chosen with --only
            continue
        skipped = sum((r or {}).get("skipped", {}).values())
        rows.append({"entity": e, "source": r["source"], "written": counts.get(e, 0), "skipped": skipped,
                     "reasons": r.get("skipped", {}), "unaccounted": r.get("unaccounted", 0)})
    h.append("<section><h2>Antall per entitet</h2>" + _chart(rows))
    h.append("<table id=\"counts\"><thead><tr><th>Entitet</th><th class=\"n\">I kilden</th><th class=\"n\">Migrert</th>"
             "<th class=\"n\">Utelatt</th><th>Årsak</th><th class=\"n\">Advarsler</th><th>Avstemt</th></tr></thead><tbody>")
    for r in rows:
        reasons = ", ".join(f"{n} {code}" for code, n in sorted(r["reasons"].items()))
        ok = r["unaccounted"] == 0
        h.append(f"<tr data-entity=\"{r['entity']}\"><td>{escape(NAMES_NO[r['entity']])}</td>"
                 f"<td class=\"n\">{'' if r['source'] is None else r['source']}</td><td class=\"n\">{r['written']}</td>"
                 f"<td class=\"n\">{r['skipped']}</td><td>{escape(reasons)}</td><td class=\"n\">{warn[r['entity']]}</td>"
                 f"<td class=\"{'ok' if ok else 'bad'}\">{'✓ alt gjort rede for' if ok else str(r['unaccounted']) + ' mangler'}</td></tr>")
    h.append("</tbody></table><h3>Alle filer i pakken</h3><table id=\"files\"><thead><tr><th>Fil</th><th class=\"n\">Rader</th></tr></thead><tbody>")
    for e in ENTITIES:
        h.append(f"<tr><td>{escape(NAMES_NO.get(e, e))} <code>{e}.parquet</code></td><td class=\"n\">{counts.get(e, 0)}</td></tr>")
    h.append("</tbody></table></section>")

    # issues grouped by code and entity
    groups = defaultdict(list)
    for i in log.items:
        groups[(i.level, i.code, i.entity or "")].append(i)
    order = {"error": 0, "warning": 1, "info": 2}
    h.append("<section><h2>Avvik og merknader</h2><p>Hver rad er en type avvik; alle ligger i <code>issues.jsonl</code>. "
             "<input id=\"issue-filter\" placeholder=\"Filtrer...\" aria-label=\"Filtrer avvik\"></p>"
             "<table id=\"issues\"><thead><tr><th>Nivå</th><th>Kode</th><th>Entitet</th><th class=\"n\">Antall</th>"
             "<th>Eksempler (kilde-id)</th><th>Melding (første)</th></tr></thead><tbody>")
    for (level, code, entity), items in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1], kv[0][2])):
        ids = ", ".join(sorted({i.source_id for i in items if i.source_id})[:5])
        h.append(f"<tr class=\"lvl-{level}\"><td>{LEVEL_NO[level]}</td><td><code>{escape(code)}</code></td><td>{escape(entity)}</td>"
                 f"<td class=\"n\">{len(items)}</td><td>{escape(ids)}</td><td>{escape(items[0].message[:200])}</td></tr>")
    if not groups:
        h.append("<tr><td colspan=\"6\">Ingen avvik.</td></tr>")
    h.append("</tbody></table></section>")

    h.append(_verify_section(out))
    if demo:
        h.append(_side_by_side(package, review, by_record))
    h.append(f"</main><script>{SCRIPT}</script></body></html>")
    return "".join(h)


def _side_by_side(package: dict, review: dict, by_record: dict) -> str:
    h = ["<section id=\"review\"><h2>Utvalget side om side</h2><p>Hvert produkt, hver kunde og ordre i demoen: verdien i den gamle "
         "butikken mot det Mystore får. Markerte rader er endret (netto mot brutto pris, tomme navn fylt ut, "
         "endrede adresser i URL, statuser oversatt).</p>"]
    for entity in ("products", "customers", "orders"):
        table = package.get(entity)
        if table is None or table.num_rows == 0:
            continue
        h.append(f"<h3>{NAMES_NO[entity]} ({table.num_rows})</h3>")
        sources = review.get(entity, {})
        for row in table.to_pylist():
            sid = row["source_id"]
            src = sources.get(sid, {})
            notes = by_record.get((entity, sid), [])
            h.append(f"<div class=\"card\" data-entity=\"{entity}\" data-source-id=\"{escape(sid)}\"><strong>{escape(_fmt(_main_text(row.get('name')) or row.get('email') or row.get('reference') or sid))}</strong>"
                     f" <code>{escape(sid)}</code>")
            h.append("<table class=\"fields\"><thead><tr><th>Felt</th><th>I gammel butikk</th><th>I Mystore</th><th>Merknad</th></tr></thead><tbody>")
            for field, value in row.items():
                if field == "source_id" or (value in (None, [], {}) and field not in src):
                    continue
                codes = [i.code for i in notes if i.field == field]
                if field in src:
                    same = _same(src[field], value)
                    note = ", ".join(codes) or ("" if same else _why(field, value))
                    cls = "" if same and not codes else " class=\"diff\""
                    h.append(f"<tr{cls}><td>{field}</td><td>{escape(_fmt(src[field]))}</td><td>{escape(_fmt(value))}</td>"
                             f"<td class=\"note\">{escape(note)}</td></tr>")
                else:
                    cls = " class=\"diff\"" if codes else ""
                    h.append(f"<tr{cls}><td>{field}</td><td>—</td><td>{escape(_fmt(value))}</td><td class=\"note\">{escape(', '.join(codes))}</td></tr>")
            other = [i for i in notes if not i.field or i.field not in row]
            for i in other:
                h.append(f"<tr class=\"diff\"><td>{escape(i.field or '')}</td><td colspan=\"2\">{escape(i.message)}</td><td class=\"note\">{escape(i.code)}</td></tr>")
            h.append("</tbody></table></div>")
    h.append("</section>")
    return "".join(h)


def _verify_section(out: Path) -> str:
    """The shop read back after `dumpkit load` (OUT/load/verify.json, written by `dumpkit verify`)."""
    path = Path(out) / "load" / "verify.json"
    if not path.exists():
        return ""
    v = json.loads(path.read_text(encoding="utf-8"))
    h = [f"<section id=\"verify\"><h2>Lastet inn i Mystore: {escape(str(v.get('shop')))}</h2>"
         "<p>Butikken lest tilbake gjennom API-et og sammenlignet felt for felt med pakken.</p>"
         "<table id=\"verify-table\"><thead><tr><th>Entitet</th><th class=\"n\">I pakken</th>"
         "<th class=\"n\">I butikken som sendt</th><th class=\"n\">Avvikende felt</th>"
         "<th class=\"n\">Forklart i avvik</th><th class=\"n\">Mangler</th><th class=\"n\">Ekstra i butikken</th>"
         "<th>Avstemt</th></tr></thead><tbody>"]
    for e in v.get("entities", []):
        h.append(f"<tr data-entity=\"{escape(e['entity'])}\"><td>{escape(NAMES_NO.get(e['entity'], e['entity']))}</td>"
                 + "".join(f"<td class=\"n\">{int(e[k])}</td>" for k in
                           ("in_package", "as_sent", "differing", "explained", "missing", "extra_in_shop"))
                 + f"<td class=\"{'ok' if e['ok'] else 'bad'}\">{'✓' if e['ok'] else '✗'}</td></tr>")
    h.append("</tbody></table></section>")
    return "".join(h)


def write_report(out: Path) -> Path:
    """report.html in the package folder, replaced in one step (a reader never sees half of it)."""
    path = Path(out) / "report.html"
    part = path.with_name(f".{path.name}.dumpkit-part-{os.getpid()}")
    try:
        part.write_text(render_report(out), encoding="utf-8")
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return path
