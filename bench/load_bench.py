"""How fast `dumpkit load` moves a large shop into Mystore (the simulator), and how long a
50,000-product / 100,000-order shop takes at Mystore's 120 requests a minute.

1. The shop: bench/work/shop.sql from shopgen (a real PrestaShop 8 dump grown in MariaDB,
   200 MB: ~33k products with combinations, ~62k orders), migrated by dumpkit.
2. Dry runs, record by record and with --batch: the exact requests per record per entity.
3. Limited: the simulator at 120/min (fixed one-minute window), `dumpkit load` for a few
   minutes with a simulated network round trip; the achieved rate as a share of the limit and
   every 429 (the goal: >= 95 %, no 429 after the first minute). Then the load is killed.
4. Full: the simulator restarted on the same state with the limit raised; the same command
   continues from the ledger to the end; `dumpkit verify` reads the whole shop back.
5. The projection for 50,000 products / 100,000 orders at 120/min, both modes, from 2.

    python bench/load_bench.py [--size-mb 200] [--limited-minutes 3] [--full-mode batch|records]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shopgen  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
TOKEN = "bench-token"
PRODUCTS, ORDERS = 50_000, 100_000
sys.path.insert(0, str(ROOT))


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def dumpkit(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "MYSTORE_TOKEN": TOKEN, "COLUMNS": "140"}
    return subprocess.run([PY, "-m", "dumpkit.cli", *args], env=env, capture_output=True, text=True, **kw)


def package(size_mb: int) -> Path:
    dump = WORK / ("shop.sql" if size_mb == 200 else f"shop-{size_mb}mb.sql")
    shopgen.build_mysql_dump(dump, size_mb, log)
    out = WORK / f"load-pkg-{size_mb}"
    if not (out / "manifest.json").exists() or (out / "manifest.json").stat().st_mtime < dump.stat().st_mtime:
        log(f"migrating {dump.name}")
        t0 = time.perf_counter()
        r = dumpkit("migrate", str(dump), "-o", str(out))
        if r.returncode != 0:
            raise SystemExit(r.stderr[-2000:])
        log(f"  migrated in {time.perf_counter() - t0:.0f} s")
    return out


def dry_run(out: Path, batch: bool) -> dict:
    from dumpkit.load.loader import load

    t0 = time.perf_counter()
    result = load(out, "bench-dry", token=None, state_dir=WORK / "dry-state", dry_run=True, batch=batch, progress=False)
    log(f"  dry run{' --batch' if batch else ''}: {result.requests:,} requests in {time.perf_counter() - t0:.0f} s")
    return {s.entity: s.requests for s in result.stats.values()}


def counts(out: Path) -> dict[str, int]:
    return json.loads((out / "manifest.json").read_text())["counts"]


def per_record(requests: dict[str, int], n: dict[str, int]) -> dict:
    """Requests per product (options, values, variants, links, specials, images folded in) and per
    order (lines, options, totals, history folded in), and the rest."""
    product_side = ("product_options", "product_option_values", "products", "product_images", "product_attributes",
                    "product_variants", "product_specials", "tax_classes", "manufacturers", "categories", "redirects")
    order_side = ("orders", "order_lines", "order_line_attributes", "order_totals", "order_status_history")
    return {"per_product": sum(requests.get(e, 0) for e in product_side) / max(1, n["products"]),
            "per_customer": requests.get("customers", 0) / max(1, n["customers"]),
            "per_order": sum(requests.get(e, 0) for e in order_side) / max(1, n["orders"]),
            "by_entity": {e: {"requests": r, "records": n.get(e), "per_record": round(r / n[e], 3) if n.get(e) else None}
                          for e, r in requests.items()}}


def projection(rates: dict, customers_per_order: float, share: float) -> dict:
    requests = (PRODUCTS * rates["per_product"] + ORDERS * rates["per_order"]
                + ORDERS * customers_per_order * rates["per_customer"])
    hours = requests / (120 * share) / 60
    return {"requests": round(requests), "hours_at_120_per_min": round(hours, 1), "days": round(hours / 24, 2)}


def limited_phase(out: Path, state: Path, sim_state: Path, minutes: float, latency: float) -> dict:
    from dumpkit.mystore.simulator import SimServer, package_statuses

    statuses = package_statuses(out)
    with SimServer(sim_state, rate=120, latency=latency, order_statuses=statuses) as sim:
        env = {**os.environ, "MYSTORE_TOKEN": TOKEN, "DUMPKIT_STATE": str(state)}
        proc = subprocess.Popen([PY, "-m", "dumpkit.cli", "load", str(out), "--shop", "bench", "--api-url", sim.url],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(minutes * 60)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        st = sim.app.stats
        span = (st.last_request - st.first_request) if st.first_request else 0.0
        after_first = [t for t in st.throttle_times if t - st.first_request > 60]
        return {"minutes": minutes, "latency_s": latency, "requests": st.requests, "seconds": round(span, 1),
                "rate_per_min": round(st.requests / span * 60, 1) if span else 0,
                "share_of_limit": round(st.requests / span * 60 / 120, 4) if span else 0,
                "throttled_429": st.rejected_429, "throttled_after_first_minute": len(after_first)}


def full_phase(out: Path, state: Path, sim_state: Path, batch: bool, rate: int) -> dict:
    from dumpkit.mystore.simulator import SimServer, package_statuses

    with SimServer(sim_state, rate=rate, order_statuses=package_statuses(out)) as sim:
        env = {**os.environ, "MYSTORE_TOKEN": TOKEN, "DUMPKIT_STATE": str(state), "COLUMNS": "140"}
        args = [PY, "-m", "dumpkit.cli", "load", str(out), "--shop", "bench", "--api-url", sim.url, "--rate", str(rate),
                "--concurrency", "16"] + (["--batch"] if batch else [])
        t0 = time.perf_counter()
        r = subprocess.run(args, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
        if r.returncode != 0:
            raise SystemExit(r.stderr[-2000:])
        print(r.stdout)
        summary = json.loads((out / "load" / "load.json").read_text())
        t0 = time.perf_counter()
        v = subprocess.run([PY, "-m", "dumpkit.cli", "verify", str(out), "--shop", "bench", "--api-url", sim.url,
                            "--rate", str(rate)], env=env, capture_output=True, text=True)
        print(v.stdout)
        verify = json.loads((out / "load" / "verify.json").read_text())
        return {"batch": batch, "seconds": round(seconds, 1), "requests": summary["requests"],
                "rate_per_min": round(summary["requests"] / seconds * 60), "entities": summary["entities"],
                "verify_ok": verify["ok"], "verify_seconds": round(time.perf_counter() - t0, 1),
                "verify": [{k: e[k] for k in ("entity", "in_package", "as_sent", "differing", "explained", "missing",
                                              "extra_in_shop")} for e in verify["entities"]]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=200)
    ap.add_argument("--limited-minutes", type=float, default=3.0)
    ap.add_argument("--latency", type=float, default=0.15, help="simulated round trip in the limited phase (s)")
    ap.add_argument("--full-mode", choices=("batch", "records"), default="batch")
    ap.add_argument("--full-rate", type=int, default=1_000_000, help="raised limit for the full run (per minute)")
    ap.add_argument("--skip-full", action="store_true")
    args = ap.parse_args()

    out = package(args.size_mb)
    n = counts(out)
    log("records: " + ", ".join(f"{e} {c:,}" for e, c in n.items()))
    results: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "records": n}
    for batch in (False, True):
        requests = dry_run(out, batch)
        results["batch" if batch else "records"] = per_record(requests, n)
    cpo = n["customers"] / max(1, n["orders"])
    for mode in ("records", "batch"):
        results[mode]["projection_50k_100k"] = projection(results[mode], cpo, 1.0)
        log(f"{mode}: {results[mode]['per_product']:.2f} requests per product, {results[mode]['per_order']:.2f} per "
            f"order -> {results[mode]['projection_50k_100k']}")
    state, sim_state = WORK / "load-state", WORK / "load-sim.sqlite"
    for p in (sim_state, Path(str(sim_state) + "-wal"), Path(str(sim_state) + "-shm")):
        p.unlink(missing_ok=True)
    import shutil
    shutil.rmtree(state, ignore_errors=True)
    log(f"limited phase: 120/min for {args.limited_minutes} min, {args.latency * 1000:.0f} ms round trip")
    results["limited"] = lim = limited_phase(out, state, sim_state, args.limited_minutes, args.latency)
    log(f"  {lim['requests']} requests in {lim['seconds']} s = {lim['rate_per_min']}/min "
        f"({lim['share_of_limit']:.1%} of 120), 429: {lim['throttled_429']} ({lim['throttled_after_first_minute']} after "
        f"the first minute)")
    for mode in ("records", "batch"):
        results[mode]["projection_at_measured_share"] = projection(results[mode], cpo, lim["share_of_limit"] or 1.0)
    if not args.skip_full:
        log(f"full phase ({args.full_mode}), limit raised to {args.full_rate:,}/min, continuing from the ledger")
        results["full"] = full = full_phase(out, state, sim_state, args.full_mode == "batch", args.full_rate)
        log(f"  {full['requests']:,} requests in {full['seconds']:.0f} s ({full['rate_per_min']:,}/min); verify ok: "
            f"{full['verify_ok']} in {full['verify_seconds']} s")
    (ROOT / "bench" / "load_results.json").write_text(json.dumps(results, indent=1) + "\n")
    log("written bench/load_results.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
