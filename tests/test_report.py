"""The review report as the shop owner sees it, rendered in a real headless Chromium (Debian's,
installed by .ci/setup): demos of the PrestaShop, WooCommerce and OpenCart fixtures, a demo with a
corrected order line, and a full run. On a phone, on paper (a real PDF), with the package's money
and the manifest's counts, and no code or column name where the owner reads."""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.issues import IssueLog
from dumpkit.migrate import migrate
from dumpkit.package.schema import ENTITIES, KEY_ENTITIES
from dumpkit.report import render_report
from dumpkit.report import render as render_module
from dumpkit.report.catalogue import ISSUES, entry
from dumpkit.report.values import amount_value, currency_prefix, number
from dumpkit.stage import stage_dump
from tests.helpers import migrate_copy
from tests.servers import missing_requirement

FIXTURES = Path(__file__).parents[1] / "fixtures"
# the report is the same code for every platform: every mapped platform's bundled shop
SHOPS = {
    "prestashop": [FIXTURES / "prestashop/ps-8.1.7.sql"],
    "woocommerce": [FIXTURES / "woocommerce/wc-orders-hpos.sql"],
    "opencart": [FIXTURES / "opencart/oc-3.0.x.sql", FIXTURES / "opencart/oc-3-orders-data.sql"],
    "magento2": [FIXTURES / "magento2/m2-2.4.7-luma-no.sql"],
    "shopware6": [FIXTURES / "shopware6/sw-6.4-orders.sql"],
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# the package's column names an owner would recognise as such (with an underscore)
COLUMNS = sorted({f.name for schema in ENTITIES.values() for f in schema if "_" in f.name}, key=len, reverse=True)
OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true)"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    base = tmp_path_factory.mktemp("staged")
    out = {}
    for shop, files in SHOPS.items():
        out[shop] = base / f"{shop}.duckdb"
        stage_dump(files, out[shop])
    return out


@pytest.fixture(scope="module")
def demos(staged, tmp_path_factory):
    """One demo package per platform (the PrestaShop shop sells in EUR, without a rate: the demo warns)."""
    out = {}
    for shop, db in staged.items():
        out[shop] = tmp_path_factory.mktemp(f"demo-{shop}") / "out"
        migrate(db, out[shop], demo=True, seed=42)
    return out


@pytest.fixture(scope="module")
def full(staged, tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "out"
    migrate(staged["prestashop"], out, currency_rates={"EUR": Decimal("11.70")})
    return out


@pytest.fixture(scope="module")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing_requirement("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, out: Path, width: int = 1280, media: str = "screen"):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors = []
    page.on("console", lambda m: page.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
    page.emulate_media(media=media)
    page.goto((out / "report.html").as_uri())
    return page


def owner_text(page) -> str:
    """What the owner reads: the page without the technical section and the small code tags."""
    return page.evaluate("""() => { const b = document.body.cloneNode(true);
        b.querySelectorAll('#teknisk, .code-tag, script, style').forEach(e => e.remove());
        b.querySelectorAll('details').forEach(d => d.open = true);
        return b.textContent; }""")


@pytest.mark.parametrize("shop", SHOPS)
def test_demo_report_is_self_contained_and_without_console_errors(demos, browser, shop):
    html = (demos[shop] / "report.html").read_text(encoding="utf-8")
    assert "<link" not in html and " src=" not in html and "@import" not in html and "url(" not in html
    # the only links leave to an http(s) URL the dump gave (a product image), never a script
    for href in re.findall(r'href="([^"#][^"]*)"', html):
        assert href.startswith(("http://", "https://")), href
    page = open_page(browser, demos[shop])
    page.evaluate(OPEN_ALL)
    page.click("#avvik a[href^='#']") if page.locator("#avvik a[href^='#']").count() else None
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("shop", SHOPS)
def test_on_a_phone_nothing_is_wider_than_the_screen(demos, browser, shop):
    page = open_page(browser, demos[shop], width=390)
    page.evaluate(OPEN_ALL)
    wider = page.evaluate("""() => { const w = document.documentElement.clientWidth; const out = [];
        document.querySelectorAll('body *').forEach(el => { const r = el.getBoundingClientRect();
          if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5)) out.push(el.tagName + '.' + el.className); });
        return [w, document.documentElement.scrollWidth, out]; }""")
    assert wider[0] == 390 and wider[1] == 390 and wider[2] == []
    page.close()


@pytest.mark.parametrize("shop", SHOPS)
def test_every_order_card_shows_the_packages_total(demos, browser, shop):
    out = demos[shop]
    totals = {r["order_source_id"]: r["value"] for r in pq.read_table(out / "order_totals.parquet").to_pylist()
              if r["class"] == "total"}
    currency = json.loads((out / "manifest.json").read_text())["currency"]["amounts"]
    page = open_page(browser, out)
    cards = page.locator("details.card[data-entity='orders']")
    assert cards.count() == pq.read_table(out / "orders.parquet").num_rows > 0
    for k in range(cards.count()):
        card = cards.nth(k)
        oid = card.get_attribute("data-source-id")
        # the closed card says it too; opened (a click), its amounts show the package's total
        assert number(totals[oid]) in card.locator("summary").inner_text()
        card.locator("summary").click()
        shown = card.locator("tr.total td.new").inner_text()
        assert shown.startswith(currency_prefix(currency)), shown
        assert amount_value(shown) == totals[oid].quantize(Decimal("0.01")), (oid, shown)
    page.close()


@pytest.mark.parametrize("shop", SHOPS)
def test_the_summary_shows_the_whole_shops_counts(demos, browser, shop):
    out = demos[shop]
    manifest = json.loads((out / "manifest.json").read_text())
    page = open_page(browser, out)
    whole = {r["entity"]: r for r in manifest["summary"] if r["entity"] in KEY_ENTITIES}
    assert whole
    for entity, r in whole.items():
        row = page.locator(f"#counts tr[data-entity='{entity}']")
        assert row.locator("[data-count='shop']").inner_text() == number(r["source"], 0)
        assert row.locator("[data-count='moved']").inner_text() == number(r["written"], 0)
        assert row.locator("[data-count='demo']").inner_text() == number(manifest["counts"][entity], 0)
    # in words, at the top: the shop's size, then what the demo shows
    summary = page.locator("#sammendrag").inner_text()
    assert f"Butikken har {number(whole['products']['written'], 0)} produkt" in summary
    assert f"Demoen viser {number(manifest['counts']['products'], 0)} produkt" in summary
    page.close()


@pytest.mark.parametrize("shop", SHOPS)
def test_no_issue_code_or_column_name_where_the_owner_reads(demos, browser, shop):
    out = demos[shop]
    page = open_page(browser, out)
    text = owner_text(page)
    codes = set(ISSUES) | {i.code for i in IssueLog.read(out / "issues.jsonl").items}
    assert [c for c in codes if re.search(rf"\b{c}\b", text)] == []
    assert [c for c in COLUMNS if re.search(rf"(?<![\w-]){c}(?![\w-])", text)] == []
    assert "dumpkit:" not in text
    # the codes are small tags on the issues only, for the engineer
    assert page.locator(".code-tag").count() == page.locator("#avvik .code-tag").count() > 0
    # every field a card names is in words
    names = {f.name for schema in ENTITIES.values() for f in schema}
    labels = set(page.locator("table.fields th[scope=row]").all_inner_texts())
    assert labels and not labels & names
    page.close()


@pytest.mark.parametrize("shop", SHOPS)
def test_only_real_changes_are_marked_each_with_its_reason(demos, browser, shop):
    page = open_page(browser, demos[shop])
    page.evaluate(OPEN_ALL)
    changed = page.locator("tr.changed")
    for k in range(changed.count()):
        note = changed.nth(k).locator("td.note").inner_text()
        assert re.sub(r"^≠\s*endret:?\s*", "", note).strip(), changed.nth(k).inner_text()
    # equal instants are equal: no creation time is marked
    for label in ("Opprettet", "Registrert", "Bestilt"):
        rows = page.locator(f"table.fields tr:has(th:text-is('{label}'))")
        assert rows.count() == 0 or page.locator(f"table.fields tr.changed:has(th:text-is('{label}'))").count() == 0
    # 'ikke hentet' (not collected) is not 'tom' (empty): each says which
    assert page.locator("td.nc").count() == page.locator("td.nc:text-is('ikke hentet')").count()
    page.close()


@pytest.mark.parametrize("shop", SHOPS)
def test_on_paper_titles_are_dark_cards_whole_and_short(demos, browser, shop, tmp_path):
    from pypdf import PdfReader

    out = demos[shop]
    page = open_page(browser, out, media="print")
    # dark title text on paper (the screen header is white on blue)
    for selector in ("header h1", "#sammendrag h2", "details.card summary .title"):
        rgb = page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).color")
        r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b < 60, (selector, rgb)
    cards = page.evaluate("""() => [...document.querySelectorAll('details.card')].map(c =>
        [c.querySelector('summary .title').textContent, c.querySelector('.id').textContent])""")
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.close()
    # the PDF's text without spacing and ligatures (ﬀ is ff)
    pages = [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.extract_text())) for p in PdfReader(pdf).pages]
    def flat(text: str) -> str:  # as the PDF's text is compared (™ is TM)
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))

    ends = [flat(end) for _, end in cards]
    for title, end in cards:
        title, end = flat(title), flat(end)
        # the card's last line, and its title above it on the same page, with no other card between
        found = [(n, m.start()) for n, p in enumerate(pages) for m in re.finditer(re.escape(end) + r"(?!\d)", p)]
        assert len(found) == 1, (end, found)
        n, at = found[0]
        start = pages[n].rfind(title, 0, at)
        assert start >= 0, f"card {title} is split across pages {n} and {n + 1}"
        assert not any(re.search(re.escape(e) + r"(?!\d)", pages[n][start:at]) for e in ends if e != end)
    # compact: the whole report, summary and technical section included, has no more pages than cards
    assert len(pages) <= len(cards)


def test_a_corrected_order_line_is_on_its_orders_card(staged, browser, tmp_path):
    """A PrestaShop order line whose total excl. VAT is not unit price x quantity (a broken row seen in
    real dumps) is corrected; the order's card shows the line before and after, with the reason."""
    broken = """UPDATE main.ps_order_detail SET product_quantity = 2, total_price_tax_incl = 2 * unit_price_tax_incl
                WHERE id_order_detail = 1"""
    result = migrate_copy(staged["prestashop"], tmp_path, broken, demo=True, seed=42)
    line = next(i for i in result.log.items if i.code == "LINE_TOTAL_INCONSISTENT")
    order = pq.read_table(result.out / "order_lines.parquet").to_pylist()
    oid = next(r["order_source_id"] for r in order if r["source_id"] == line.source_id)
    page = open_page(browser, result.out)
    card = page.locator(f"details.card[data-entity='orders'][data-source-id='{oid}']")
    # the issue points at the order's card, not at a line id; following it opens the card
    link = page.locator(f"#avvik a[href='#{card.get_attribute('id')}']")
    assert link.count() >= 1
    link.first.click()
    assert card.evaluate("c => c.open") and card.is_visible()
    row = card.locator("table.lines tr.changed")
    assert row.count() == 1
    assert "før: EUR\u00a023,90" in row.inner_text() and "EUR\u00a047,80" in row.inner_text()
    assert entry("LINE_TOTAL_INCONSISTENT", "warning").title in row.locator("td.note").inner_text()
    assert page.errors == []
    page.close()


def test_a_full_runs_report_reads_the_manifest_and_the_issues_only(full, browser, monkeypatch):
    def no_parquet(*a, **k):
        raise AssertionError("a full run's report read the package's Parquet files")

    monkeypatch.setattr(render_module, "read_package", no_parquet)
    assert render_report(full) == (full / "report.html").read_text(encoding="utf-8")
    manifest = json.loads((full / "manifest.json").read_text())
    page = open_page(browser, full)
    assert page.locator("details.card").count() == 0
    for r in manifest["reconciliation"]:
        row = page.locator(f"#counts tr[data-entity='{r['entity']}']")
        assert row.locator("[data-count='shop']").inner_text() == number(r["source"], 0)
        assert row.locator("[data-count='moved']").inner_text() == number(r["written"], 0)
        added = manifest["counts"][r["entity"]] - r["written"]
        assert added <= 0 or "lagt til av migreringen" in row.inner_text()  # the default tax class, guests
    text = owner_text(page)
    assert [c for c in ISSUES if re.search(rf"\b{c}\b", text)] == [] and "dumpkit:" not in text
    assert "Migrering fra PrestaShop" in page.locator("h1").inner_text()
    assert page.errors == []
    page.close()


def test_report_command_renders_the_same(demos):
    for out in demos.values():
        assert render_report(out) == (out / "report.html").read_text(encoding="utf-8")


def test_values_from_the_dump_stay_text(staged, browser, tmp_path):
    """A product name with markup and a site URL with a script: shown as text, never run, never a link."""
    hostile = """UPDATE main.wp2_posts SET post_title = '<img src=x onerror="window.pwned=1">Kopp<script>window.pwned=2</script>'
                 WHERE ID = 104;
                 UPDATE main.wp2_options SET option_value = 'javascript:window.pwned=3;//' WHERE option_name = 'siteurl'"""
    result = migrate_copy(staged["woocommerce"], tmp_path, hostile, demo=True, seed=42)
    page = open_page(browser, result.out)
    page.evaluate(OPEN_ALL)
    hrefs = [a.get_attribute("href") for a in page.locator("a").all()]
    assert hrefs and all(h.startswith(("#", "http://", "https://")) for h in hrefs)
    assert "javascript:window.pwned=3;" in page.locator("#p-104").inner_text()  # the image's source, as text
    assert page.evaluate("window.pwned") is None
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("#p-104 summary .title").inner_text().startswith('<img src=x onerror="window.pwned=1">Kopp')
    assert page.errors == []
    page.close()
