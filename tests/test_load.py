"""dumpkit load / verify / mystore-check against the Mystore simulator, a real HTTP server.

Every fixture of the mapped platforms is migrated, loaded and read back: nothing duplicated,
nothing missing, every field as sent. Then the hard cases: kill -9 at seeded moments and a
rerun, injected 5xx / slow answers / connections dropped after the commit, a dry run, the
token in no file, a changed package row, a refused record, the rate limit.
"""
from __future__ import annotations

import http.server
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dumpkit.errors import DumpkitError
from dumpkit.load.loader import load
from dumpkit.load.verify import verify
from dumpkit.migrate import migrate
from dumpkit.mystore import api
from dumpkit.mystore.mystore_check import mystore_check
from dumpkit.mystore.simulator import Faults, SimServer, package_statuses

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / "fixtures"
FIXTURES = {
    "ps-1.6.1": [FX / "prestashop/ps-1.6.1.sql"], "ps-1.7.7": [FX / "prestashop/ps-1.7.7.sql"],
    "ps-8.1.7": [FX / "prestashop/ps-8.1.7.sql"],
    "wc-guest-order": [FX / "woocommerce/wc-guest-order.sql"], "wc-orders-hpos": [FX / "woocommerce/wc-orders-hpos.sql"],
    "wc-serial-numbers": [FX / "woocommerce/wc-serial-numbers.sql"],
    "oc-1.5.6.4": [FX / "opencart/oc-1.5.6.4.sql"], "oc-2.3.0.2": [FX / "opencart/oc-2.3.0.2.sql"],
    "oc-3.0.x": [FX / "opencart/oc-3.0.x.sql"], "oc-4.0.2.3": [FX / "opencart/oc-4.0.2.3-data.sql"],
    "oc-3.0.x+orders": [FX / "opencart/oc-3.0.x.sql", FX / "opencart/oc-3-orders-data.sql"],
}
FAST = 600_000  # requests per minute for the tests that are not about the limit
TOKEN = "tok-e2c7d1f0-not-a-real-token"
pytestmark = pytest.mark.slow


statuses = package_statuses  # the shop is configured with the statuses the package maps to


# NOK for one unit of each currency the fixture shops sell in (illustrative rates)
RATES = {"EUR": "11.70", "USD": "10.80", "GBP": "13.60"}


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, Path]:
    cache: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in cache:
            out = tmp_path_factory.mktemp(name) / "out"
            migrate(FIXTURES[name], out, currency_rates=RATES)  # a package to load is in NOK
            cache[name] = out
        return cache[name]
    return get


def copy_package(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True)
    for f in src.iterdir():
        if f.is_file():
            (dst / f.name).write_bytes(f.read_bytes())
    return dst


def rewrite_products(out: Path, rows: list[dict], schema) -> None:
    """products.parquet changed as a new migration would write it: the manifest lists the new file."""
    from dumpkit.package.verify import describe_files

    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out / "products.parquet")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"].update(describe_files(out, ["products.parquet"]))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def run_load(out, sim, state, shop="shop", **kw):
    kw.setdefault("rate_per_minute", FAST)
    return load(out, shop, token=TOKEN, api_url=sim.url, state_dir=state, progress=False, **kw)


def run_verify(out, sim, state, shop="shop"):
    return verify(out, shop, token=TOKEN, api_url=sim.url, state_dir=state, rate_per_minute=FAST)


def assert_exact(result):
    """Every package record is in the shop as sent or explained; nothing missing, nothing extra."""
    for c in result.checks:
        assert (c.missing, c.extra_in_shop, c.differing) == (0, 0, 0), (c.entity, c.examples)
        assert c.as_sent + c.explained == c.in_package, c.entity


@pytest.mark.parametrize("name", list(FIXTURES))
def test_every_fixture_loads_exactly_once(name, packages, tmp_path):
    out = copy_package(packages(name), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim:
        result = run_load(out, sim, tmp_path / "state")
        assert sum(s.failed for s in result.stats.values()) == 0
        checked = run_verify(out, sim, tmp_path / "state")
        assert_exact(checked)
        loaded = {c.entity: c.as_sent for c in checked.checks}
        counts = sim.app.shop.counts("shop")
        for entity, resource in api.RESOURCES.items():
            assert counts.get(resource.type, 0) == loaded.get(entity, 0), entity
        # the records Mystore needs every order for are there
        assert loaded["orders"] == pq.read_metadata(out / "orders.parquet").num_rows
        before = sim.app.stats.requests
        again = run_load(out, sim, tmp_path / "state")
        assert again.requests == 0 and sim.app.stats.requests == before  # a finished load sends nothing
        assert sum(s.unchanged for s in again.stats.values()) == sum(s.created for s in result.stats.values())
    assert (out / "load" / "issues.jsonl").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "verify-table" not in html  # the report gets the section when `dumpkit verify` (the CLI) renders it


def test_kill_9_at_random_moments_then_rerun_gives_exactly_one_copy(packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    rng = random.Random(12)
    env = {**os.environ, "MYSTORE_TOKEN": TOKEN, "DUMPKIT_STATE": str(tmp_path / "state")}
    # 50 ms a request, 4 in flight: the whole load takes about ten seconds, so every kill below cuts it
    # however fast the machine is (at 10 ms a load could end before the first kill)
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, latency=0.05, order_statuses=statuses(out)) as sim:
        cmd = [sys.executable, "-m", "dumpkit.cli", "load", str(out), "--shop", "shop", "--api-url", sim.url,
               "--rate", str(FAST), "--concurrency", "4"]
        kills = 0
        for _ in range(4):
            proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(1.0, 2.5))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
        assert kills >= 2  # the load was really cut, more than once
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert_exact(run_verify(out, sim, tmp_path / "state"))


@pytest.mark.parametrize("batch", [False, True], ids=["record", "batch"])
def test_5xx_slow_and_dropped_after_commit_make_no_duplicates(batch, packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    faults = Faults(error=0.1, slow=0.05, slow_seconds=0.3, drop=0.1, seed=7)
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, faults=faults, order_statuses=statuses(out)) as sim:
        result = run_load(out, sim, tmp_path / "state", batch=batch)
        assert result.retries > 0
        sim.app.faults = Faults()
        assert_exact(run_verify(out, sim, tmp_path / "state"))


def test_batch_sends_fewer_requests_and_loads_the_same(packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim:
        single = run_load(out, sim, tmp_path / "a", shop="a")
        batched = run_load(out, sim, tmp_path / "b", shop="b", batch=True)
        assert batched.requests * 3 < single.requests
        assert_exact(run_verify(out, sim, tmp_path / "b", shop="b"))
        assert sim.app.shop.counts("a") == sim.app.shop.counts("b")


def test_dry_run_sends_nothing_and_writes_every_request(packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=FAST) as sim:
        result = load(out, "shop", token=None, api_url=sim.url, state_dir=tmp_path / "state", dry_run=True,
                      progress=False)
        assert sim.app.stats.requests == 0
    lines = [json.loads(x) for x in (out / "load" / "requests.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == result.requests > 200
    assert {x["method"] for x in lines} == {"POST"}
    first = next(x for x in lines if x["path"] == "products")
    assert first["body"]["data"]["type"] == "products" and first["body"]["data"]["relationships"]["categories"]
    assert not (tmp_path / "state").exists()  # no ledger written


def test_the_token_is_in_no_file_and_no_output(packages, tmp_path):
    out = copy_package(packages("wc-orders-hpos"), tmp_path / "pkg")
    state = tmp_path / "state"
    env = {**os.environ, "MYSTORE_TOKEN": TOKEN, "DUMPKIT_DEBUG": ""}
    token_file = tmp_path / "secrets" / "token"
    token_file.parent.mkdir()
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, tokens={TOKEN}, faults=Faults(error=0.05, drop=0.05, seed=3),
                   order_statuses=statuses(out)) as sim:
        base = [sys.executable, "-m", "dumpkit.cli"]
        runs = [subprocess.run(base + ["load", str(out), "--shop", "shop", "--api-url", sim.url, "--state", str(state),
                                       "--rate", str(FAST)], env=env, capture_output=True, text=True),
                subprocess.run(base + ["verify", str(out), "--shop", "shop", "--api-url", sim.url, "--state", str(state),
                                       "--rate", str(FAST), "--token-file", str(token_file)],
                               env={k: v for k, v in env.items() if k != "MYSTORE_TOKEN"}, capture_output=True, text=True),
                subprocess.run(base + ["load", str(out), "--shop", "shop", "--dry-run", "--state", str(state)],
                               env=env, capture_output=True, text=True),
                subprocess.run(base + ["mystore-check", "--shop", "shop", "--api-url", sim.url,
                                       "--json", str(tmp_path / "check.json")], env=env, capture_output=True, text=True)]
        # a wrong token: the error names no token
        bad = subprocess.run(base + ["load", str(out), "--shop", "other", "--api-url", sim.url, "--state", str(state)],
                             env={**env, "MYSTORE_TOKEN": TOKEN + "-wrong"}, capture_output=True, text=True)
    assert [r.returncode for r in runs] == [0, 0, 0, 0], [r.stderr for r in runs]
    assert bad.returncode != 0 and "Token has expired or is invalid" in bad.stderr + bad.stdout
    written = [p for p in list(out.rglob("*")) + list(state.rglob("*")) + [tmp_path / "check.json"] if p.is_file()]
    assert any(p.name == "ledger.sqlite" for p in written) and any(p.name == "requests.jsonl" for p in written)
    for p in written:
        assert TOKEN.encode() not in p.read_bytes(), p
    for r in runs + [bad]:
        assert TOKEN not in r.stdout + r.stderr


def test_a_changed_package_row_is_patched_and_nothing_else_sent(packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim:
        run_load(out, sim, tmp_path / "state")
        table = pq.read_table(out / "products.parquet")
        rows = table.to_pylist()
        rows[0]["price"] = rows[0]["price"] + 100
        rows[0]["name"] = [("no", "Ny pris")]
        rewrite_products(out, rows, table.schema)
        before = sim.app.stats.by_method.copy()
        again = run_load(out, sim, tmp_path / "state")
        assert again.stats["products"].updated == 1 and again.requests == 1
        assert sim.app.stats.by_method.get("PATCH", 0) - before.get("PATCH", 0) == 1
        assert sim.app.stats.by_method.get("POST", 0) == before.get("POST", 0)
        assert_exact(run_verify(out, sim, tmp_path / "state"))


def test_a_refused_record_fails_alone_and_its_children_are_left_out_with_the_reason(packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    table = pq.read_table(out / "products.parquet")
    rows = table.to_pylist()
    rows[1]["slug"] = rows[0]["slug"]  # Mystore keeps product slugs unique: a 422 for one of the two
    rewrite_products(out, rows, table.schema)
    refused = rows[1]["source_id"]
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim:
        result = run_load(out, sim, tmp_path / "state")
        assert result.stats["products"].failed == 1
        assert result.stats["products"].created == len(rows) - 1
        issues = [json.loads(x) for x in (out / "load" / "issues.jsonl").read_text(encoding="utf-8").splitlines()]
        mine = [i for i in issues if i["entity"] == "products" and i["source_id"] == refused]
        assert mine and mine[0]["phase"] == "load" and "slug" in mine[0]["message"] and "taken" in mine[0]["message"]
        variants = pq.read_table(out / "product_variants.parquet").to_pylist()
        orphans = {v["source_id"] for v in variants if v["product_source_id"] == refused}
        skipped = {i["source_id"] for i in issues if i["entity"] == "product_variants" and i["code"] == "PARENT_NOT_LOADED"}
        assert orphans and orphans <= skipped
        assert_exact(run_verify(out, sim, tmp_path / "state"))
        before = sim.app.stats.requests
        run_load(out, sim, tmp_path / "state")  # refused with the same values: not sent again
        assert sim.app.stats.requests == before


def test_the_limiter_keeps_under_the_limit_with_no_429(packages, tmp_path):
    """A scaled-down limit (10 requests per 1 s window, the same shape as 120 per minute), the
    loader paced at 9 a second: the client's margin under a real one-minute window (1 %: 0.6 s)
    is 10 ms in a one-second one, less than the jitter of a loaded machine (CI failed on it once)."""
    out = copy_package(packages("wc-orders-hpos"), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=10, window=1.0, order_statuses=statuses(out)) as sim:
        result = run_load(out, sim, tmp_path / "state", rate_per_minute=540)
        assert sim.app.stats.rejected_429 == 0 and result.throttled == []
        assert result.requests > 40


def test_429_retry_after_is_honoured(packages, tmp_path):
    out = copy_package(packages("wc-guest-order"), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=4, window=1.0, order_statuses=statuses(out)) as sim:
        result = run_load(out, sim, tmp_path / "state", rate_per_minute=FAST)
        assert sim.app.stats.rejected_429 > 0 and len(result.throttled) == sim.app.stats.rejected_429
        assert_exact(run_verify(out, sim, tmp_path / "state"))


@pytest.mark.parametrize("source", ["folder", "url"])
def test_images_from_the_old_shop_are_uploaded_and_a_missing_one_is_an_issue(source, packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    images = pq.read_table(out / "product_images.parquet").to_pylist()
    folder = tmp_path / "oldshop"
    urls = [i["source_url"] for i in images]
    missing = next(u for u in urls if urls.count(u) == 1)
    for img in images:
        if img["source_url"] == missing:
            continue
        path = folder / img["source_url"].lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\xff\xd8\xff" + img["source_id"].encode())
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim, \
            _serve_folder(folder) as base_url:
        run_load(out, sim, tmp_path / "state", images_from=str(folder) if source == "folder" else base_url)
        uploaded = sim.app.shop.images("shop")
        assert len(uploaded) > 40  # each carried by a product slot or an option-value link (verify below)
        first = next(p for p in sim.app.shop.query("shop", "products", {}, 100, 0)[0]
                     if p["attributes"].get("image2"))
        assert first["attributes"]["image2"].startswith("media/")
        issues = (out / "load" / "issues.jsonl").read_text(encoding="utf-8")
        assert "IMAGE_MISSING" in issues and missing in issues
        assert_exact(run_verify(out, sim, tmp_path / "state"))


@contextmanager
def _serve_folder(folder: Path):
    """The old shop's web server: the folder over HTTP on 127.0.0.1."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_readme_main_job_ends_in_the_shop_with_the_verify_table(packages, tmp_path):
    """`dumpkit load OUT --into-sim`: a simulator started for it, the load, the read-back, the report."""
    out = copy_package(packages("wc-orders-hpos"), tmp_path / "pkg")
    env = {k: v for k, v in os.environ.items() if k != "MYSTORE_TOKEN"}
    r = subprocess.run([sys.executable, "-m", "dumpkit.cli", "load", str(out), "--shop", "demo", "--into-sim"],
                       env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Shop demo against the package" in r.stdout and "in shop as sent" in r.stdout
    assert "verify-table" in (out / "report.html").read_text(encoding="utf-8")
    verified = json.loads((out / "load" / "verify.json").read_text(encoding="utf-8"))
    assert verified["ok"] and verified["entities"]
    again = subprocess.run([sys.executable, "-m", "dumpkit.cli", "load", str(out), "--shop", "demo", "--into-sim"],
                           env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "0 requests in" in again.stdout  # the same command again: nothing to send


def test_refusals_in_one_line(packages, tmp_path):
    out = copy_package(packages("wc-guest-order"), tmp_path / "pkg")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim:
        run_load(out, sim, tmp_path / "state", shop="a")
        # a ledger that belongs to another shop
        (tmp_path / "state" / "b").mkdir()
        (tmp_path / "state" / "b" / "ledger.sqlite").write_bytes((tmp_path / "state" / "a" / "ledger.sqlite").read_bytes())
        with pytest.raises(DumpkitError, match="ledger of shop 'a', not 'b'"):
            run_load(out, sim, tmp_path / "state", shop="b")
        assert (tmp_path / "state" / "a" / "ledger.sqlite.bak").exists()
        for change, message in [({"schema_version": "2.0"}, "schema_version '2.0'"),
                                ({"reconciliation": [{"entity": "orders", "unaccounted": 3}]}, "unaccounted")]:
            (out / "manifest.json").write_text(json.dumps({**manifest, **change}), encoding="utf-8")
            with pytest.raises(DumpkitError, match=message) as e:
                run_load(out, sim, tmp_path / "state", shop="a")
            assert "\n" not in str(e.value)
        (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with pytest.raises(DumpkitError, match="MYSTORE_TOKEN"):
            load(out, "a", token=None, api_url=sim.url, state_dir=tmp_path / "state", progress=False)


def test_mystore_check_reads_one_record_of_each_resource_and_writes_nothing(packages, tmp_path):
    out = copy_package(packages("ps-8.1.7"), tmp_path / "pkg")
    with SimServer(tmp_path / "sim.sqlite", rate=FAST, order_statuses=statuses(out)) as sim:
        run_load(out, sim, tmp_path / "state")
        before = dict(sim.app.stats.by_method)
        checks = mystore_check("shop", TOKEN, sim.url, rate_per_minute=FAST)
        assert set(sim.app.stats.by_method) == set(before) | {"GET"}
        assert sim.app.stats.by_method.get("POST") == before.get("POST")
    by = {c.resource: c for c in checks}
    assert {r.path for r in api.RESOURCES.values()} <= set(by)
    for c in checks:
        assert c.status == 200 and c.not_returned == [] and c.unexpected == [], c
    assert "rel categories" in by["products"].confirmed and "sku" in by["products"].confirmed
    assert by["orders/{id}/order-products"].confirmed
    assert by["products"].headers.get("x-ratelimit-limit") == str(FAST)
