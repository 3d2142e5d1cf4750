"""The review report, rendered in a real headless Chromium (Debian's, installed by .ci/setup)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.migrate import migrate
from dumpkit.report import render_report
from tests.servers import missing_requirement

FIXTURES = Path(__file__).parents[1] / "fixtures"
# the report is the same code for every platform: the bundled demo shop, and the two mapped last
SHOPS = {"prestashop-8": "prestashop/ps-8.1.7.sql", "magento2": "magento2/m2-2.4.7-luma-no.sql",
         "shopware6": "shopware6/sw-6.4-orders.sql"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=list(SHOPS))
def demo(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = migrate(FIXTURES / SHOPS[request.param], out, demo=True, seed=42, size=3)
    return out, result


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


def test_report_is_self_contained(demo):
    out, _ = demo
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<html" in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<link" not in html and "src=" not in html


def test_report_renders_with_the_package_counts(demo, browser, tmp_path):
    out, result = demo
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto((out / "report.html").as_uri())
    manifest = json.loads((out / "manifest.json").read_text())
    # the counts table: one row per key entity, with what the package holds
    for r in manifest["reconciliation"]:
        row = page.locator(f"#counts tr[data-entity='{r['entity']}'] td")
        assert row.nth(1).inner_text() == str(r["source"])
        assert row.nth(2).inner_text() == str(manifest["counts"][r["entity"]])
    # every file of the package listed with its rows
    assert page.locator("#files tbody tr").count() == len(manifest["counts"])
    # side by side: one card per product, customer and order in the demo
    for entity in ("products", "customers", "orders"):
        rows = pq.read_table(out / f"{entity}.parquet").num_rows
        assert page.locator(f"#review .card[data-entity='{entity}']").count() == rows
    assert page.locator("#review .card").count() > 0
    # the issue filter works
    total = page.locator("#issues tbody tr").count()
    page.fill("#issue-filter", "zzz-no-such-code")
    assert page.locator("#issues tbody tr:visible").count() == 0 and total > 0
    page.fill("#issue-filter", "")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert [c for c in console if c.startswith(("error", "pageerror"))] == []
    page.close()


def test_report_command_renders_the_same(demo):
    out, _ = demo
    assert render_report(out) == (out / "report.html").read_text(encoding="utf-8")
