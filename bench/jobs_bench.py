"""The job queue's benchmark: 20 full migrations of mixed size through one machine's worker,
against the same migrations typed one after another.

    python bench/jobs_bench.py                 # results into bench/jobs_results.json
    python bench/jobs_bench.py --concurrency 2 # also the worker with two jobs at once

The 20 jobs are the ten mapped fixture shops (52 KB to 0.96 MB: WooCommerce, PrestaShop
1.6-8, OpenCart 1.5-4) twice each, in NOK (the rates of tests/test_jobs.py). Three runs:
1. by hand: `dumpkit migrate DUMP -o OUT` for each job, one after another;
2. the queue: one `dumpkit worker` (the default concurrency: one job per 2 cores) started,
   then the 20 `dumpkit submit --full` one after another, timed from the first submit to the
   last job done;
3. optionally the worker with `--concurrency N`.
The overhead per job is (queue wall time - by-hand wall time) / jobs; within it the job's
own inspect phase (a scan of the dump before staging, so a file that is no dump fails in
seconds) is counted apart from what the queue itself costs: the worker's time between its
first job's start and its last job's end (times the jobs it runs at once) not spent in a
phase, that is a process per job, the queue's polling and the job store's writes. A
`submit` is a command of its own (the Python start-up of the CLI), timed apart.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FX = ROOT / "fixtures"
SHOPS = ["woocommerce/wc-orders-hpos.sql", "woocommerce/wc-guest-order.sql", "prestashop/ps-1.6.1.sql",
         "prestashop/ps-1.7.7.sql", "prestashop/ps-8.1.7.sql", "opencart/oc-1.5.6.4.sql", "opencart/oc-2.3.0.2.sql",
         "opencart/oc-3.0.x.sql", "opencart/oc-4.0.2.3-data.sql", "opencart/oc-4.1.0.5-data.sql"]
RATES = ["--currency-rate", "EUR=11.70", "--currency-rate", "USD=10.80", "--currency-rate", "GBP=13.60"]
DUMPKIT = [sys.executable, "-m", "dumpkit.cli"]


def jobs() -> list[Path]:
    return [FX / s for s in SHOPS] * 2


def by_hand(base: Path) -> dict:
    start = time.perf_counter()
    for n, dump in enumerate(jobs()):
        done = subprocess.run([*DUMPKIT, "migrate", str(dump), "-o", str(base / f"hand-{n}"), *RATES],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    return {"wall_s": time.perf_counter() - start}


def through_queue(base: Path, concurrency: int | None) -> dict:
    sys.path.insert(0, str(ROOT))
    from dumpkit.jobs.store import FINISHED, JobStore

    work = base / f"work-{concurrency or 'default'}"
    env = {**os.environ, "DUMPKIT_WORK": str(work)}
    # the worker first, as at a desk: jobs run while the others are still being submitted
    worker = subprocess.Popen([*DUMPKIT, "worker", *(["--concurrency", str(concurrency)] if concurrency else [])],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    ids = []
    for n, dump in enumerate(jobs()):
        done = subprocess.run([*DUMPKIT, "submit", str(dump), "--shop", f"shop{n}", "--full", *RATES], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        ids.append(done.stdout.strip())
    submitted = time.perf_counter() - start
    store = JobStore(work)
    try:
        while not all(store.get(i).status in FINISHED for i in ids):
            time.sleep(0.1)
        wall = time.perf_counter() - start
    finally:
        worker.terminate()
        worker.wait()
    finished = [store.get(i) for i in ids]
    assert all(j.status == "done" for j in finished), [j.error for j in finished if j.status != "done"]
    phase = {name: sum(r.finished - r.started for j in finished for r in j.runs if r.name == name)
             for name in ("inspecting", "migrating")}
    first, last = min(j.runs[0].started for j in finished), max(j.runs[-1].finished for j in finished)
    return {"wall_s": wall, "submit_s": submitted, "inspect_s": phase["inspecting"], "migrate_s": phase["migrating"],
            "worker_busy_s": last - first, "concurrency": concurrency or max(1, (os.cpu_count() or 2) // 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=None, help="Also run the worker with this many jobs at once")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "jobs_results.json")
    args = parser.parse_args()
    dumps = jobs()
    mb = sum(d.stat().st_size for d in dumps) / 1e6
    base = Path(tempfile.mkdtemp(prefix="jobs-bench-"))
    try:
        results = {"jobs": len(dumps), "dump_mb": round(mb, 2), "cpus": os.cpu_count(),
                   "load_average_before": os.getloadavg()[0]}
        runs = {"by_hand": by_hand(base), "queue": through_queue(base, None)}
        if args.concurrency:
            runs[f"queue_concurrency_{args.concurrency}"] = through_queue(base, args.concurrency)
        results["load_average_after"] = os.getloadavg()[0]
        hand = runs["by_hand"]["wall_s"]
        for name, r in runs.items():
            r["jobs_per_min"] = round(len(dumps) / r["wall_s"] * 60, 2)
            r["mb_per_min"] = round(mb / r["wall_s"] * 60, 2)
            if name != "by_hand":
                r["overhead_per_job_s"] = round((r["wall_s"] - hand) / len(dumps), 2)
                r["inspect_per_job_s"] = round(r["inspect_s"] / len(dumps), 2)
                r["submit_per_job_s"] = round(r["submit_s"] / len(dumps), 2)
                # the rest of the worker's time: a process per job, the queue's polling, the job store
                r["queue_per_job_s"] = round((r["worker_busy_s"] * r["concurrency"] - r["migrate_s"] - r["inspect_s"])
                                             / len(dumps), 2)
            for k, v in list(r.items()):
                r[k] = round(v, 2) if isinstance(v, float) else v
        results["runs"] = runs
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(results, indent=1))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
