"""Benchmark: `dumpkit stage` / `dumpkit inspect` against restoring the same dump into the real server.

    python bench/stage_bench.py                  # 200 MB dumps (built once, cached in bench/work/)
    python bench/stage_bench.py --size-mb 1000   # the 1 GB variant (peak RSS must stay < 500 MB)

Builds (or reuses) a real mariadb-dump of a grown PrestaShop 8 shop, the same
dump with mysqldump's one-line-per-INSERT layout, and a pg_dump of the same
data (see shopgen.py); then runs, each in its own process:

* `python -m dumpkit.cli stage DUMP --db X.duckdb` (default: a reader process with one parser
  thread per core but one, and the stager; and --workers 2)
* `python -m dumpkit.cli inspect DUMP --json`
* `mariadb shop < shop.sql` and `psql -f shop.pg.sql` into fresh throwaway servers

and reports wall seconds, MB/s (dump bytes / wall seconds) and the peak
memory of the whole process tree (the reader process included; for a restore the
client plus the server). Prints a table and writes bench/results.json.
Not part of the test suite: nothing here is timed in CI.
"""
from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_servers  # noqa: E402  (puts the repo root on sys.path)
import shopgen  # noqa: E402

ROOT = bench_servers.ROOT
WORK = HERE / "work"
RESULTS = HERE / "results.json"
GOALS = {"mysql_mb_per_s": 80, "restore_ratio": 10, "peak_rss_mb": 500}

try:
    import psutil
except ImportError:  # pragma: no cover
    sys.exit("psutil is needed to measure peak memory: pip install psutil")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- measuring
def _tree(p: psutil.Process) -> list[psutil.Process]:
    try:
        return [p, *p.children(recursive=True)]
    except psutil.Error:
        return []


def _busy(t) -> float:
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "steal", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)


def _tree_cpu(roots: list[psutil.Process]) -> float:
    """CPU seconds of live processes in the trees, including their reaped children."""
    total = 0.0
    for r in roots:
        for p in _tree(r):
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                pass
    return total


QUIET_WAIT = 0.0  # --quiet-wait
QUIET_CORES = 0.3


def wait_quiet() -> dict:
    """Wait (up to QUIET_WAIT s) until the other processes on this machine use
    less than QUIET_CORES cores: this machine may be shared (test suites of
    other sessions), and a benchmark on a busy machine measures the neighbours."""
    start = time.perf_counter()
    while True:
        a = _busy(psutil.cpu_times())
        time.sleep(2)
        cores = (_busy(psutil.cpu_times()) - a) / 2
        waited = time.perf_counter() - start
        if cores < QUIET_CORES or waited >= QUIET_WAIT:
            if waited > 3:
                log(f"  waited {waited:.0f} s for a quiet machine; others use {cores:.2f} cores now")
            return {"waited_s": round(waited, 1), "others_cores_before": round(cores, 2), "vm_probe_ms": vm_probe_ms()}


def vm_probe_ms() -> float:
    """Milliseconds of a fixed pure-Python loop, just before a run. A VM's CPU speed drifts by
    20-30 % from one minute to the next with nothing else running on it; this says how fast the
    machine was when a figure was taken (lower is faster; it read 99-265 ms on 2026-11-27)."""
    start = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i * i
    return round((time.perf_counter() - start) * 1000, 1)


def measure(cmd: list[str], *, stdin: Path | None = None, watch: list[int] = (), env: dict | None = None,
            interval: float = 0.05) -> dict:
    """Run cmd; wall seconds, CPU seconds and peak memory of its process tree
    plus the trees of the `watch` pids (a server). rss: sum of RSS (counts pages
    shared by forked workers or server backends once per process: an upper
    bound); pss: sum of PSS (shared pages split between the processes that map
    them). others_cores: CPU the rest of the machine used meanwhile, in cores."""
    quiet = wait_quiet()
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    watched = [psutil.Process(pid) for pid in watch]
    base_rss = sum(p.memory_info().rss for w in watched for p in _tree(w))
    server_cpu0 = _tree_cpu(watched)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = psutil.Process()
    me0 = sum(me.cpu_times()[:2])
    busy0 = _busy(psutil.cpu_times())
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=fin, stdout=out, stderr=err, env=env, cwd=SRC)
    root = psutil.Process(proc.pid)
    peak_rss = peak_pss = 0
    last_pss = 0.0
    while proc.poll() is None:
        procs = _tree(root) + [p for w in watched for p in _tree(w)]
        rss = 0
        for p in procs:
            try:
                rss += p.memory_info().rss
            except psutil.Error:
                pass
        peak_rss = max(peak_rss, rss)
        now = time.perf_counter()
        if now - last_pss >= 0.25:
            last_pss = now
            pss = 0
            for p in procs:
                try:
                    pss += p.memory_full_info().pss
                except psutil.Error:
                    pass
            peak_pss = max(peak_pss, pss)
        time.sleep(interval)
    seconds = time.perf_counter() - start
    busy = _busy(psutil.cpu_times()) - busy0 - (sum(me.cpu_times()[:2]) - me0)  # minus this script's polling
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    server_cpu = _tree_cpu(watched) - server_cpu0 if watched else 0.0
    if stdin:
        fin.close()
    out.seek(0)
    err.seek(0)
    return {
        "cmd": " ".join(str(c) for c in cmd) + (f" < {stdin.name}" if stdin else ""),
        "rc": proc.returncode,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(client_cpu + server_cpu, 2),
        "server_cpu_seconds": round(server_cpu, 2) if watched else None,
        "others_cores": round(max(0.0, busy - client_cpu - server_cpu) / seconds, 2) if seconds else None,
        **quiet,
        "peak_rss_mb": round(peak_rss / 1e6, 1),
        "peak_pss_mb": round(peak_pss / 1e6, 1),
        "server_rss_before_mb": round(base_rss / 1e6, 1) if watch else None,
        "stdout": out.read().decode(errors="replace"),
        "stderr": err.read().decode(errors="replace"),
    }


def dumpkit_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "dumpkit.cli", *args]


# the dumpkit under test: the repo's, or a snapshot given with --src (so that a
# tree others are editing does not change between the runs of one benchmark)
SRC = ROOT
DUMPKIT_ENV = {**os.environ, "COLUMNS": "300", "PYTHONPATH": str(ROOT)}


def tree_sha1(src: Path) -> str:
    """A fingerprint of the dumpkit sources measured (commit ids miss uncommitted edits)."""
    import hashlib

    h = hashlib.sha1()
    for p in sorted((src / "dumpkit").rglob("*.py")):
        h.update(str(p.relative_to(src)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def run_stage(dump: Path, db: Path, workers: int | None, expected_rows: dict | None) -> dict:
    args = ["stage", str(dump), "--db", str(db)]
    if workers is not None:
        args += ["--workers", str(workers)]
    r = measure(dumpkit_cmd(*args), env=DUMPKIT_ENV)
    text = " ".join(r["stdout"].split())
    m = re.search(r"staged (\d+) tables, ([\d,]+) rows .*? in ([\d.]+) s \(([\d.]+) MB/s\)", text)
    if m:
        r["tables"] = int(m.group(1))
        r["rows"] = int(m.group(2).replace(",", ""))
        r["internal_seconds"] = float(m.group(3))
    r["issues"] = [ln.strip() for ln in r["stdout"].splitlines() if ln.startswith("│") and ln.strip("│ ")][:20]
    if r["rc"] == 0 and expected_rows and db.exists():
        r["row_check"] = check_rows(db, expected_rows)
    return r


def repeated(n: int, run) -> dict:
    """The median of n runs (by wall time; a VM's speed drifts by 20 % from minute to minute),
    with every run's seconds and the highest peak memory of them all."""
    results = [run() for _ in range(max(1, n))]
    ok = [r for r in results if r["rc"] in (0, 4)] or results
    median = sorted(ok, key=lambda r: r["seconds"])[(len(ok) - 1) // 2]
    median["runs_seconds"] = [round(r["seconds"], 2) for r in results]
    for k in ("peak_rss_mb", "peak_pss_mb"):
        median[k] = max(r[k] for r in results)
    return median


def check_rows(db: Path, expected: dict) -> dict:
    """Staged row counts against the server's COUNT(*) when the dump was made."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        staged = dict(con.execute("SELECT table_name, rows FROM dumpkit.tables").fetchall())
    finally:
        con.close()
    wrong = {t: [n, staged.get(t)] for t, n in expected.items() if staged.get(t) != n}
    return {"tables": len(expected), "rows": sum(expected.values()), "mismatched": wrong}


def run_inspect(dump: Path) -> dict:
    r = measure(dumpkit_cmd("inspect", str(dump), "--json"), env=DUMPKIT_ENV)
    if r["rc"] == 0:
        try:
            data = json.loads(r["stdout"])
            r["tables"] = len(data["tables"])
            r["rows"] = sum(t["rows"] for t in data["tables"])
            r["internal_seconds"] = round(data["seconds"], 3)
        except (ValueError, KeyError) as e:
            r["parse_error"] = str(e)
    return r


def restore_mariadb(dump: Path) -> dict:
    with bench_servers.mariadb() as server:
        server.create_database("shop")
        r = measure(bench_servers.mariadb_client(server, "shop"), stdin=dump, watch=[server.proc.pid])
        r["server"] = "MariaDB " + _one(server.connect(), "SELECT VERSION()")
        conn = server.connect("shop")
        with conn.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop'")
            tables = [t for (t,) in cur.fetchall()]
            rows = 0
            for t in tables:
                cur.execute(f"SELECT COUNT(*) FROM `{t}`")
                rows += cur.fetchone()[0]
        conn.close()
        r["tables"], r["rows"] = len(tables), rows
        r["server_options"] = " ".join(server._server_opts())
    return r


def restore_postgres(dump: Path) -> dict:
    with bench_servers.postgres() as server:
        server.create_database("shop")
        cmd = bench_servers.psql_client(server, "shop", "-v", "ON_ERROR_STOP=1", "-f", str(dump))
        r = measure(cmd, watch=[server.proc.pid])
        with server.connect("shop") as conn:
            r["server"] = "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0]
            tables = [t for (t,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()]
            r["tables"] = len(tables)
            r["rows"] = sum(conn.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0] for t in tables)
        r["server_options"] = "tests/servers.py defaults (fsync=off, synchronous_commit=off, full_page_writes=off) + " + \
            ", ".join(f"{k}={v}" for k, v in bench_servers.POSTGRES_TUNING.items())
    return r


def _one(conn, q: str):
    with conn.cursor() as cur:
        cur.execute(q)
        v = cur.fetchone()[0]
    conn.close()
    return v


# ---------------------------------------------------------------------- machine
def machine_info() -> dict:
    import duckdb
    import numpy
    import pyarrow

    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def git(*a: str) -> str:
        try:
            return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pyarrow": pyarrow.__version__,
        "numpy": numpy.__version__,
        "repo_head": git("rev-parse", "--short", "HEAD") + (" (dumpkit/ modified)" if git("status", "--porcelain", "dumpkit") else ""),
        "dumpkit_measured": str(SRC),
        "dumpkit_tree_sha1": tree_sha1(SRC),
    }


# ---------------------------------------------------------------------- report
def row(tool: str, dump: str, mb: float, r: dict | None, restore_s: float | None = None, note: str = "") -> dict:
    if r is None or r.get("skipped"):
        return {"tool": tool, "dump": dump, "mb": round(mb, 1), "skipped": (r or {}).get("skipped", note)}
    ok = r["rc"] == 0 or (r["rc"] == 4 and "stage" in tool)  # 4: staged, but the dump is incomplete
    out = {"tool": tool, "dump": dump, "mb": round(mb, 1), "seconds": r["seconds"],
           "mb_per_s": round(mb / r["seconds"], 1) if r["seconds"] else None,
           "cpu_seconds": r.get("cpu_seconds"), "peak_rss_mb": r["peak_rss_mb"], "peak_pss_mb": r["peak_pss_mb"],
           "others_cores": r.get("others_cores"), "ok": ok, "runs_seconds": r.get("runs_seconds"),
           "vm_probe_ms": r.get("vm_probe_ms")}
    if restore_s and "dumpkit" in tool:
        out["ratio"] = round(restore_s / r["seconds"], 1)
    if note:
        out["note"] = note
    if not ok:
        out["error"] = (r["stderr"].strip().splitlines() or ["(no stderr)"])[-1][:300]
    return out


def print_table(rows: list[dict]) -> None:
    head = ["tool", "dump", "MB", "seconds", "MB/s", "peak RSS MB", "ratio", "CPU s", "peak PSS MB", "others' load", "runs s",
            "probe ms"]
    lines = []
    for r in rows:
        if r.get("skipped"):
            lines.append([r["tool"], r["dump"], f"{r['mb']:.1f}", "skipped: " + r["skipped"], *[""] * (len(head) - 4)])
            continue
        lines.append([
            r["tool"] + ("" if r["ok"] else "  FAILED"), r["dump"], f"{r['mb']:.1f}", f"{r['seconds']:.1f}",
            f"{r['mb_per_s']:.1f}", f"{r['peak_rss_mb']:.0f}", f"{r['ratio']:.1f}x" if r.get("ratio") else "",
            f"{r['cpu_seconds']:.1f}", f"{r['peak_pss_mb']:.0f}", f"{r['others_cores']:.2f} cores",
            "–".join(f"{x:.1f}" for x in (min(r["runs_seconds"]), max(r["runs_seconds"]))) if r.get("runs_seconds") else "",
            f"{r['vm_probe_ms']:.0f}" if r.get("vm_probe_ms") else "",
        ])
    widths = [max(len(str(x[i])) for x in [head, *lines]) for i in range(len(head))]
    fmt = lambda cells: "  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for ln in lines:
        if ln[3].startswith("skipped"):
            print("  ".join([ln[0].ljust(widths[0]), ln[1].ljust(widths[1]), ln[2].rjust(widths[2]), ln[3]]))
        else:
            print(fmt(ln))
    for r in rows:
        if r.get("error"):
            print(f"  {r['tool']} ({r['dump']}): {r['error']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=200, help="size of the generated dumps (default 200)")
    ap.add_argument("--keep", action="store_true", help="keep the staged .duckdb files in bench/work/")
    ap.add_argument("--skip-server", action="store_true", help="do not time the MariaDB / PostgreSQL restores")
    ap.add_argument("--skip-pg", action="store_true", help="no pg_dump part")
    ap.add_argument("--skip-variant", action="store_true", help="no mysqldump-layout (one line per INSERT) variant")
    ap.add_argument("--repeat", type=int, default=3,
                    help="run each dumpkit command this many times and report the median (default 3)")
    ap.add_argument("--src", type=Path, default=ROOT,
                    help="measure the dumpkit package in this folder (a copy of the repo's dumpkit/), default the repo")
    ap.add_argument("--quiet-wait", type=float, default=30,
                    help="before each run, wait up to this many seconds for other processes to go quiet (default 30)")
    ap.add_argument("--nice", type=int, default=0,
                    help="scheduling priority for the benchmark and everything it starts (dumpkit, servers, clients); "
                         "e.g. -10 on a machine shared with other jobs (needs root)")
    args = ap.parse_args()
    global SRC, QUIET_WAIT
    QUIET_WAIT = args.quiet_wait
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    SRC = args.src.resolve()
    if not (SRC / "dumpkit" / "cli.py").exists():
        ap.error(f"no dumpkit package in {SRC}")
    DUMPKIT_ENV["PYTHONPATH"] = str(SRC)
    # measure dumpkit as installed (pip writes the bytecode), not compiling itself on every
    # command as it would where PYTHONDONTWRITEBYTECODE is set
    compileall.compile_dir(str(SRC / "dumpkit"), quiet=1)

    WORK.mkdir(exist_ok=True)
    stem = "shop" if args.size_mb == 200 else f"shop-{args.size_mb}mb"
    my_dump, my_line, pg_dump = WORK / f"{stem}.sql", WORK / f"{stem}.mysqldump.sql", WORK / f"{stem}.pg.sql"
    staged = lambda name: WORK / f"{name}.duckdb"  # noqa: E731
    info = machine_info()
    info["nice"] = os.getpriority(os.PRIO_PROCESS, 0)
    info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    log(f"{info['cores']} cores, {info['cpu_model']}; python {info['python']}, duckdb {info['duckdb']}")

    my_meta = shopgen.build_mysql_dump(my_dump, args.size_mb, log)
    line_meta = None if args.skip_variant else shopgen.build_single_line_variant(my_dump, my_line, my_meta, log)
    mb = lambda p: p.stat().st_size / 1e6  # noqa: E731
    raw: dict[str, dict] = {}

    # ---- dumpkit on the mariadb-dump file (and its mysqldump layout)
    runs = [("stage", my_dump, None), ("stage", my_dump, 2), ("inspect", my_dump, None)]
    if line_meta:
        runs += [("stage", my_line, None), ("stage", my_line, 2), ("inspect", my_line, None)]
    for kind, dump, workers in runs:
        key = f"{kind}:{dump.name}:{workers or 'default'}"
        log(f"dumpkit {kind} {dump.name}" + (f" --workers {workers}" if workers else " (default)"))
        if kind == "stage":
            db = staged(f"{dump.name}.w{workers or 'default'}")
            raw[key] = repeated(args.repeat, lambda: run_stage(dump, db, workers, my_meta["rows"]))
            if not (args.keep or (dump == my_dump and workers is None and not args.skip_pg)):
                db.unlink(missing_ok=True)
        else:
            raw[key] = repeated(args.repeat, lambda: run_inspect(dump))
        r = raw[key]
        log(f"  {r['seconds']:.1f} s (median of {r['runs_seconds']}), {mb(dump) / r['seconds']:.1f} MB/s, "
            f"peak RSS {r['peak_rss_mb']:.0f} MB, rc {r['rc']}"
            + (f", rows off in {len(r['row_check']['mismatched'])} tables" if r.get("row_check", {}).get("mismatched") else ""))

    # ---- pg_dump
    pg_meta = None
    pg_reader = importlib.util.find_spec("dumpkit.read.postgres") is not None
    if not args.skip_pg:
        main_db = staged(f"{my_dump.name}.wdefault")
        try:
            pg_meta = shopgen.build_pg_dump(pg_dump, args.size_mb, my_dump, my_meta, main_db, log)
        except Exception as e:  # report, go on with the rest
            log(f"  building the pg_dump failed: {type(e).__name__}: {e}")
            raw["pg_build"] = {"skipped": f"building the pg_dump failed: {e}"}
        if not args.keep:
            main_db.unlink(missing_ok=True)
        if pg_meta:
            for kind, workers in [("stage", None), ("inspect", None)]:
                key = f"{kind}:{pg_dump.name}:{workers or 'default'}"
                if not pg_reader:
                    raw[key] = {"skipped": "PostgreSQL reader (dumpkit/read/postgres.py) not there yet"}
                    continue
                log(f"dumpkit {kind} {pg_dump.name}" + (f" --workers {workers}" if workers else ""))
                if kind == "stage":
                    db = staged(f"{pg_dump.name}.w{workers or 'default'}")
                    raw[key] = repeated(args.repeat, lambda: run_stage(pg_dump, db, workers, None))
                    if not args.keep:
                        db.unlink(missing_ok=True)
                else:
                    raw[key] = repeated(args.repeat, lambda: run_inspect(pg_dump))
                r = raw[key]
                log(f"  {r['seconds']:.1f} s (median of {r['runs_seconds']}), {mb(pg_dump) / r['seconds']:.1f} MB/s, "
                    f"peak RSS {r['peak_rss_mb']:.0f} MB, rc {r['rc']}")

    # ---- the servers
    if not args.skip_server:
        log(f"mariadb shop < {my_dump.name} (fresh server)")
        raw["restore:mariadb"] = restore_mariadb(my_dump)
        r = raw["restore:mariadb"]
        log(f"  {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, rc {r['rc']}, {r['rows']:,} rows")
        if pg_meta:
            log(f"psql -f {pg_dump.name} (fresh server)")
            raw["restore:postgres"] = restore_postgres(pg_dump)
            r = raw["restore:postgres"]
            log(f"  {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, rc {r['rc']}, {r['rows']:,} rows")

    # ---- report
    my_restore = raw.get("restore:mariadb", {}).get("seconds")
    pg_restore = raw.get("restore:postgres", {}).get("seconds")
    rows = []
    names = {my_dump.name: "mariadb-dump", my_line.name: "mysqldump layout", pg_dump.name: "pg_dump"}
    for key, r in raw.items():
        if not key.startswith(("stage:", "inspect:")):
            continue
        kind, name, w = key.split(":")
        dump = WORK / name
        tool = f"dumpkit {kind}" + (f" ({w} parser threads)" if kind == "stage" and w != "default" else "")
        restore = pg_restore if name == pg_dump.name else my_restore
        note = "ratio vs. restoring shop.sql (same data)" if name == my_line.name else ""
        size = mb(dump) if dump.exists() else 0.0
        rows.append(row(tool, f"{name} ({names[name]})", size, r, restore, note))
    if "restore:mariadb" in raw:
        rows.append(row("mariadb < dump (client+server)", f"{my_dump.name} (mariadb-dump)", mb(my_dump), raw["restore:mariadb"]))
    if "restore:postgres" in raw:
        rows.append(row("psql -f dump (client+server)", f"{pg_dump.name} (pg_dump)", mb(pg_dump), raw["restore:postgres"]))
    elif not args.skip_pg and not pg_meta:
        rows.append(row("psql -f dump", pg_dump.name, 0.0, raw.get("pg_build", {"skipped": "no pg_dump"})))

    print()
    print(f"dumpkit staging benchmark, {args.size_mb} MB dumps, {info['cores']} cores ({info['cpu_model']}), {info['date']}")
    print_table(rows)
    stage_main = raw.get(f"stage:{my_dump.name}:default", {})
    verdict = {
        "mysql_mb_per_s": round(mb(my_dump) / stage_main["seconds"], 1) if stage_main.get("seconds") else None,
        "restore_ratio": round(my_restore / stage_main["seconds"], 1) if my_restore and stage_main.get("seconds") else None,
        "peak_rss_mb": max((r.get("peak_rss_mb", 0) for k, r in raw.items() if k.startswith(("stage:", "inspect:"))), default=None),
    }
    print("\ngoals (issue): >= {mysql_mb_per_s} MB/s on mariadb-dump extended inserts, >= {restore_ratio}x faster than the "
          "MariaDB restore, peak RSS < {peak_rss_mb} MB".format(**GOALS))
    ratio = f"{verdict['restore_ratio']}x" if verdict["restore_ratio"] else "(no restore timed)"
    print(f"measured:      {verdict['mysql_mb_per_s']} MB/s, {ratio}, "
          f"max peak RSS of any dumpkit run {verdict['peak_rss_mb']} MB")
    for key, r in raw.items():
        mism = r.get("row_check", {}).get("mismatched")
        if mism:
            print(f"  row counts differ from the server's in {len(mism)} tables for {key}: "
                  + ", ".join(f"{t} {a}!={b}" for t, (a, b) in list(mism.items())[:5]))

    # ---- JSON
    all_results = {}
    if RESULTS.exists():
        try:
            all_results = json.loads(RESULTS.read_text())
        except ValueError:
            all_results = {}
    for r in raw.values():  # keep the JSON readable: outputs only when something failed
        if r.get("rc") in (0, None):
            r.pop("stdout", None)
            r.pop("stderr", None)
        else:
            r["stdout"] = r.get("stdout", "")[-2000:]
            r["stderr"] = r.get("stderr", "")[-2000:]
    all_results[f"{args.size_mb}mb"] = {
        "machine": info,
        "goals": GOALS,
        "measured": verdict,
        "table": rows,
        "dumps": {
            my_dump.name: {k: v for k, v in my_meta.items() if k != "rows"} | {"rows_total": sum(my_meta["rows"].values())},
            **({my_line.name: {k: v for k, v in line_meta.items() if k != "rows"}} if line_meta else {}),
            **({pg_dump.name: pg_meta} if pg_meta else {}),
        },
        "runs": raw,
    }
    RESULTS.write_text(json.dumps(all_results, indent=2, ensure_ascii=False) + "\n")
    log(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
