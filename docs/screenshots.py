"""Make the README's pictures of report.html: what the shop owner sees.

    .venv/bin/pip install -e '.[docs]' && .venv/bin/python docs/screenshots.py

Migrates the bundled PrestaShop 8 shop as a demo (the README's main command), opens its report in
the headless Chromium the tests use, and writes docs/report-1440.png (a desktop's first screen),
docs/report-390.png (a phone's) and docs/report-print.png (the first page of the report printed
to A4 PDF), as small palette PNGs.
"""
from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dumpkit.migrate import migrate  # noqa: E402
from tests.test_report import CHROMIUM_ARGS  # noqa: E402


def small_png(png: bytes, path: Path, width: int | None = None) -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    if width and image.width > width:
        image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {image.width}x{image.height}, {path.stat().st_size // 1024} KB")


def main() -> None:
    import pypdfium2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo"
        migrate(ROOT / "fixtures/prestashop/ps-8.1.7.sql", out, demo=True, seed=42)
        url = (out / "report.html").as_uri()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            small_png(page.screenshot(), ROOT / "docs/report-1440.png", width=1080)
            page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1)
            page.goto(url + "#o-1")  # a phone opening an order card from the to-do list
            small_png(page.screenshot(), ROOT / "docs/report-390.png")
            page = browser.new_page()
            page.goto(url)
            pdf = page.pdf(format="A4")
            browser.close()
        first = pypdfium2.PdfDocument(pdf)[0].render(scale=1.4).to_pil()
        buffer = io.BytesIO()
        first.save(buffer, format="PNG")
        small_png(buffer.getvalue(), ROOT / "docs/report-print.png")


if __name__ == "__main__":
    main()
