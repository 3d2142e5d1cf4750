"""A migration stages only the rows some platform's mappings read: the rest (logs, carts, search
index) are counted, not parsed or stored. The package must not notice: the same files as from a
staging of every row, and a staged file that left out what a platform reads is refused."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dumpkit.errors import DumpkitError
from dumpkit.map.platforms import load_platforms, rows_any_platform_reads
from dumpkit.migrate import migrate
from dumpkit.package.verify import ISSUES
from dumpkit.stage import stage_dump

FIXTURES = Path(__file__).parents[1] / "fixtures"
PS8 = FIXTURES / "prestashop" / "ps-8.1.7.sql"
# one shop of each mapped platform
SHOPS = {
    "prestashop": ["prestashop/ps-8.1.7.sql"],
    "woocommerce": ["woocommerce/wc-guest-order.sql"],
    "opencart": ["opencart/oc-3.0.x.sql", "opencart/oc-3-orders-data.sql"],
    "magento2": ["magento2/m2-2.4.7-luma-no.sql"],
    "shopware6": ["shopware6/sw-6.4-orders.sql"],
}


def table_rows(db: Path) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: (rows, left_out) for t, rows, left_out in
                con.execute("SELECT table_name, rows, rows_left_out FROM dumpkit.tables").fetchall()}
    finally:
        con.close()


def test_the_rows_no_platform_reads_are_counted_not_staged(tmp_path):
    keep = rows_any_platform_reads(load_platforms())
    # what a PrestaShop migration reads stays; the shop's traffic and search index go
    assert all(keep(t) for t in ("ps_product", "ps_orders", "ps_configuration", "ps_connections", "wp_posts",
                                 "oc_order_product", "catalog_product_entity_varchar", "product_translation"))
    assert not any(keep(t) for t in ("ps_search_index", "ps_cart", "ps_log", "ps_access", "wp_actionscheduler_logs"))

    everything = stage_dump(PS8, tmp_path / "all.duckdb")
    part = stage_dump(PS8, tmp_path / "part.duckdb", keep_rows=keep)
    full, cut = table_rows(tmp_path / "all.duckdb"), table_rows(tmp_path / "part.duckdb")
    assert full.keys() == cut.keys()  # every table is there, with its columns: detection sees the same shop
    left_out = {t for t, (_, n) in cut.items() if n}
    assert left_out and left_out == {t for t, (rows, _) in full.items() if rows and not keep(t)}
    for t in full:
        # a left-out table's rows are counted exactly; a kept one's staged as before
        assert cut[t] == ((0, full[t][0]) if t in left_out else full[t]), t
    assert part.left_out == {t: full[t][0] for t in left_out}
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp_path / 'all.duckdb'}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{tmp_path / 'part.duckdb'}' AS b (READ_ONLY)")
    for t in ("ps_product", "ps_orders", "ps_customer", "ps_connections"):
        assert con.execute(f"SELECT count(*) FROM (FROM a.{t} EXCEPT ALL FROM b.{t})").fetchone()[0] == 0
    assert part.seconds > 0 and everything.tables["ps_search_index"] and not part.tables["ps_search_index"]


def _without_left_out_notes(path: Path, left_out: set[str]) -> list[dict]:
    issues = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    # staging notes on a left-out table (a zero date, say) are not made: its values are never read
    return [i for i in issues if not (i["phase"] == "stage" and i.get("table") in left_out)]


@pytest.mark.parametrize("platform", SHOPS)
def test_a_migration_from_the_dump_equals_one_from_every_row_staged(tmp_path, platform):
    files = [FIXTURES / f for f in SHOPS[platform]]
    stage_dump(files, tmp_path / "all.duckdb")
    whole = migrate(tmp_path / "all.duckdb", tmp_path / "whole", keep_currency=True, report=False)
    direct = migrate(files, tmp_path / "direct", keep_currency=True, keep_stage=True, report=False)
    assert direct.detection.platform.name == platform
    counts = {t: n for t, (_, n) in table_rows(tmp_path / "direct" / "stage.duckdb").items() if n}
    left_out = set(counts)
    assert left_out, "the fixture has tables no platform reads"
    for name, entry in whole.manifest["files"].items():
        if name != ISSUES:
            assert direct.manifest["files"][name]["sha256"] == entry["sha256"], name
    ours = _without_left_out_notes(tmp_path / "direct" / ISSUES, left_out)
    assert ours == _without_left_out_notes(tmp_path / "whole" / ISSUES,
                                                                                            left_out)
    # each left-out table is named once in the issues file, a technical note with its row count
    issues = [json.loads(line) for line in (tmp_path / "direct" / ISSUES).read_text(encoding="utf-8").splitlines()]
    notes = {i["table"]: i for i in issues if i["code"] == "ROWS_NOT_STAGED"}
    assert set(notes) == left_out and all(n["technical"] and n["level"] == "info" for n in notes.values())
    assert direct.manifest["source"]["rows_left_out"] == {"tables": len(counts), "rows": sum(counts.values())}
    assert direct.staged.left_out == direct.manifest["source"]["rows_left_out"]

def test_a_staged_file_that_left_out_what_the_platform_reads_is_refused(tmp_path):
    stage_dump(PS8, tmp_path / "old.duckdb", keep_rows=lambda t: t != "ps_product_lang")
    with pytest.raises(DumpkitError, match=r"left out the rows of ps_product_lang, which the prestashop mappings read"):
        migrate(tmp_path / "old.duckdb", tmp_path / "out", keep_currency=True)
    proc = subprocess.run([sys.executable, "-c", "from dumpkit.cli import main; main()", "migrate",
                           str(tmp_path / "old.duckdb"), "-o", str(tmp_path / "out"), "--keep-currency"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "ps_product_lang" in proc.stderr and "stage it again" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_dropped_or_emptied_table_is_counted_as_the_server_would_keep_it(tmp_path):
    """After a DROP TABLE, rows for the name make a table of their own (staged, whatever keep_rows
    says); after a TRUNCATE, only the later rows count."""
    dump = tmp_path / "d.sql"
    dump.write_text("CREATE TABLE `x` (`id` int, `s` text);\nINSERT INTO `x` VALUES (1,'a'),(2,'b');\nDROP TABLE `x`;\n"
                    "INSERT INTO `x` VALUES (3,'c');\nCREATE TABLE `y` (`id` int);\nINSERT INTO `y` VALUES (1);\n"
                    "TRUNCATE TABLE `y`;\nINSERT INTO `y` VALUES (2),(3);\n")
    stage_dump(dump, tmp_path / "all.duckdb")
    stage_dump(dump, tmp_path / "none.duckdb", keep_rows=lambda t: False)
    assert table_rows(tmp_path / "all.duckdb") == {"x": (1, 0), "y": (2, 0)}
    assert table_rows(tmp_path / "none.duckdb") == {"x": (1, 0), "y": (0, 2)}


def test_rows_after_a_drop_and_an_unreadable_create_are_staged_both_ways(tmp_path):
    """A CREATE TABLE that cannot be read defines nothing: the rows after it are staged as the data-only
    table a full staging makes of them, not left out under the dropped table's old definition."""
    dump = tmp_path / "d.sql"
    dump.write_text("CREATE TABLE `x` (`id` int, `s` text);\nINSERT INTO `x` VALUES (1,'a'),(2,'b');\nDROP TABLE `x`;\n"
                    "CREATE TABLE `x` ;\nINSERT INTO `x` VALUES (3,'c');\n")
    stage_dump(dump, tmp_path / "all.duckdb")
    stage_dump(dump, tmp_path / "none.duckdb", keep_rows=lambda t: False)
    assert table_rows(tmp_path / "all.duckdb") == table_rows(tmp_path / "none.duckdb") == {"x": (1, 0)}
