"""`dumpkit delta`: the first run's options repeated, what counts as a change declared once, bad
bases refused in one line. (The deltas of real shops changed through the real server are in
test_delta_prestashop.py, test_delta_woocommerce.py and test_delta_opencart.py.)"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.delta import make_delta
from dumpkit.delta.rules import COMPANIONS, counting_fields, rules_markdown
from dumpkit.errors import DumpkitError
from dumpkit.migrate import migrate
from dumpkit.package.schema import ENTITIES
from dumpkit.package.verify import PackageRefused, check_package, sha256_file
from dumpkit.stage import stage_dump

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DOC = Path(__file__).resolve().parents[1] / "docs" / "load-package.md"
EUR = {"EUR": Decimal("11.70")}


@pytest.fixture(scope="module")
def staged(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("ps-staged") / "ps.duckdb"
    stage_dump([FIXTURES / "prestashop" / "ps-8.1.7.sql"], db)
    return db


def _totals(result) -> dict[str, tuple[int, int, int]]:
    return {e.entity: (e.new, e.changed, e.deleted) for e in result.entities if e.total}


def test_every_option_of_the_first_run_is_repeated(staged, tmp_path):
    value_map = tmp_path / "statuses.toml"
    value_map.write_text('[order_status]\n"Canceled" = "Avbrutt"\n"Payment error" = "Betalingsfeil"\n', encoding="utf-8")
    base = migrate(staged, tmp_path / "base", value_map_file=value_map, shop_country="SE", timezone="America/New_York",
                   currency_rates=EUR)
    # each option shapes the package: a delta that forgot one would change every order or timestamp
    statuses = {r["order_status"] for r in pq.read_table(base.out / "orders.parquet").to_pylist()}
    assert {"Avbrutt", "Betalingsfeil"} <= statuses
    assert base.manifest["options"]["value_maps"] == {"order_status": {"Canceled": "Avbrutt",
                                                                       "Payment error": "Betalingsfeil"}}
    value_map.unlink()  # the map is in the manifest: the file may be gone by the time of the delta
    delta = make_delta(base.out, staged, tmp_path / "delta")
    assert _totals(delta) == {} and sum(delta.counts.values()) == 0
    again = delta.migrate.manifest["options"]
    # the platform detected the first time is the one asked for now; the map's file name is not needed
    assert again["platform"] == base.manifest["platform"] == "prestashop"
    assert {**again, "value_map": None, "platform": None} == {**base.manifest["options"], "value_map": None, "platform": None}
    assert delta.manifest["base"]["manifest_sha256"] == sha256_file(base.out / "manifest.json")
    assert delta.manifest["currency"] == base.manifest["currency"]


def test_only_is_repeated_and_a_demo_is_no_base(staged, tmp_path):
    base = migrate(staged, tmp_path / "base", only=["products"], keep_currency=True)
    delta = make_delta(base.out, staged, tmp_path / "delta")
    assert _totals(delta) == {}
    assert delta.migrate.counts["customers"] == 0 and delta.migrate.counts["products"] == base.counts["products"] > 0
    demo = migrate(staged, tmp_path / "demo", demo=True, seed=1, size=2, keep_currency=True)
    with pytest.raises(DumpkitError, match="is a demo migration; a delta compares full migrations"):
        make_delta(demo.out, staged, tmp_path / "delta-of-demo")


def test_a_base_that_is_not_whole_is_refused_in_one_line(staged, tmp_path):
    base = migrate(staged, tmp_path / "base", currency_rates=EUR)
    with pytest.raises(DumpkitError, match="the base package .* or inside it"):
        make_delta(base.out, staged, base.out / "delta")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PackageRefused, match="no manifest.json"):
        make_delta(tmp_path / "empty", staged, tmp_path / "delta")
    with open(base.out / "products.parquet", "ab") as f:
        f.write(b"edited")
    with pytest.raises(PackageRefused, match="products.parquet is not the file manifest.json lists"):
        make_delta(base.out, staged, tmp_path / "delta")
    assert not (tmp_path / "delta").exists()


def test_a_delta_is_the_base_of_the_next_and_its_full_package_is_checked(staged, tmp_path):
    base = migrate(staged, tmp_path / "base", currency_rates=EUR)
    second = make_delta(base.out, staged, tmp_path / "second")
    third = make_delta(second.out, staged, tmp_path / "third")
    assert _totals(third) == {}
    assert third.manifest["base"]["path"] == str((tmp_path / "second").resolve())
    # the delta names the full package it holds; one swapped in from elsewhere is refused
    shutil.rmtree(second.out / "full")
    shutil.copytree(base.out, second.out / "full")
    with pytest.raises(DumpkitError, match="is not the package the delta .* was made with"):
        make_delta(second.out, staged, tmp_path / "fourth")


def test_another_shop_is_no_newer_dump(staged, tmp_path):
    base = migrate(staged, tmp_path / "base", currency_rates=EUR)
    with pytest.raises(DumpkitError) as e:
        make_delta(base.out, FIXTURES / "woocommerce" / "wc-orders-hpos.sql", tmp_path / "delta")
    assert "\n" not in str(e.value)


def test_the_command(staged, tmp_path):
    base = migrate(staged, tmp_path / "base", currency_rates=EUR)
    run = subprocess.run([sys.executable, "-m", "dumpkit.cli", "delta", str(base.out), str(staged), "-o", str(tmp_path / "d")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "no changes since the base package" in run.stdout and (tmp_path / "d" / "report.html").is_file()
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["full"]["path"] == "full" and check_package(tmp_path / "d" / "full")
    bad = subprocess.run([sys.executable, "-m", "dumpkit.cli", "delta", str(staged.parent), str(staged), "-o", str(tmp_path / "e")],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_what_counts_is_declared_once_and_documented():
    for entity, fields in COMPANIONS.items():
        for field in fields:
            assert entity == "*" or field in ENTITIES[entity].names, (entity, field)
    assert "updated_at" not in counting_fields("products") and "quantity" in counting_fields("products")
    assert "price" in counting_fields("products") and "last_login" not in counting_fields("customers")
    assert rules_markdown() in DOC.read_text(encoding="utf-8")
