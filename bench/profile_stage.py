"""Where does `stage_dump` spend its time? Two views of the same question.

    python bench/profile_stage.py bench/work/shop.sql --workers 1 --cprofile
    python bench/profile_stage.py bench/work/shop.sql --workers 2 --py-spy

--cprofile: runs stage_dump(dump, tmp.duckdb, workers=N) in this process under
  cProfile and sums the inclusive time of the pipeline's stages (exact
  call counts, but the per-call overhead of cProfile inflates the
  many-small-calls parts such as line splitting).
--py-spy: samples `python -m dumpkit.cli stage` (with --subprocesses, so
  the parser workers are seen too, and --idle, so waiting counts) and puts
  each sample of each process in the stage of its deepest known frame.
  Needs `pip install py-spy`.

Only reads dumpkit; writes nothing outside a temp dir (and the .txt/.json
files under bench/work/profile/).
"""
from __future__ import annotations

import argparse
import collections
import cProfile
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT  # the dumpkit measured (--src: a snapshot of it)
OUT = HERE / "work" / "profile"

# (stage, file suffix, function): a sample / call belongs to the deepest frame that matches
STAGES = [
    ("finalize: writer.finish (typed tables, casts, dedupe, metadata)", "stage/writer.py", "finish"),
    ("DuckDB insert: writer.row_batch", "stage/writer.py", "row_batch"),
    ("VALUES fast parse: parse_values_fast", "read/mysql_values.py", "parse_values_fast"),
    ("VALUES slow parse: parse_values_slow", "read/mysql_values.py", "parse_values_slow"),
    ("parse_pending (transcode, dispatch)", "read/mysql.py", "parse_pending"),
    ("wait for parser workers (Future.result)", "concurrent/futures/_base.py", "result"),
    ("submit to workers (pickling the VALUES text)", "concurrent/futures/process.py", "submit"),
    ("INSERT gathering: MySQLReader._insert / _flush", "read/mysql.py", "_insert"),
    ("INSERT gathering: MySQLReader._insert / _flush", "read/mysql.py", "_flush"),
    ("statement end check: _statement_end", "read/mysql.py", "_statement_end"),
    ("line splitting: MySQLReader.statements", "read/mysql.py", "statements"),
    ("other statements: MySQLReader._statement (DDL, SET, ...)", "read/mysql.py", "_statement"),
    ("postgres reader", "read/postgres.py", ""),
    ("header sniff: inspect_parts", "read/__init__.py", "inspect_parts"),
    ("startup, imports", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("worker: idle, waiting for work", "multiprocessing/queues.py", "get"),
    ("worker: idle, waiting for work", "multiprocessing/connection.py", "recv_bytes"),
]


def _match(filename: str, func: str) -> str | None:
    func = func.rsplit(".", 1)[-1]  # py-spy says Class.method
    for stage, suffix, name in STAGES:
        if filename.endswith(suffix) and (not name or func == name):
            return stage
    return None


# ---------------------------------------------------------------------------- cProfile
def run_cprofile(dump: Path, workers: int) -> dict:
    from dumpkit.stage import stage_dump

    tmp = Path(tempfile.mkdtemp(prefix="dumpkit-prof-"))
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    result = stage_dump([dump], tmp / "p.duckdb", workers=workers)
    prof.disable()
    wall = time.perf_counter() - start
    shutil.rmtree(tmp, ignore_errors=True)
    st = pstats.Stats(prof)
    # inclusive time per stage function; nested stages are subtracted so the parts add up
    incl: dict[str, float] = collections.defaultdict(float)
    calls: dict[str, int] = collections.defaultdict(int)
    for (filename, _line, func), (cc, nc, tt, ct, callers) in st.stats.items():
        stage = _match(filename, func)
        if stage:
            incl[stage] += ct
            calls[stage] += nc
    order = [s for s, _, _ in STAGES]
    # nesting, outermost first: statements > _statement_end; _insert > _flush > parse_pending > parse_values_*;
    # row_batch and finish are called by stage_dump directly; Future.result by _drain (under statements' caller)
    excl = dict(incl)
    nest = {
        "INSERT gathering: MySQLReader._insert / _flush": ["parse_pending (transcode, dispatch)",
                                                           "submit to workers (pickling the VALUES text)"],
        "parse_pending (transcode, dispatch)": ["VALUES fast parse: parse_values_fast", "VALUES slow parse: parse_values_slow"],
        "line splitting: MySQLReader.statements": ["statement end check: _statement_end"],
    }
    for outer, inner in nest.items():
        for i in inner:
            excl[outer] = excl.get(outer, 0) - incl.get(i, 0)
    top = []
    st.sort_stats("tottime")
    for (filename, line, func), (cc, nc, tt, ct, callers) in sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:25]:
        top.append({"function": f"{Path(filename).name}:{line}({func})", "calls": nc, "tottime": round(tt, 3),
                    "cumtime": round(ct, 3)})
    parts = {s: round(excl[s], 3) for s in order if s in excl}
    return {"mode": "cprofile", "workers": workers, "wall_seconds": round(wall, 2),
            "stage_dump_seconds": round(result.seconds, 2), "mb_per_s": round(result.mb_per_s, 1),
            "note": "inclusive seconds per stage, nested stages subtracted; cProfile overhead included",
            "stages": parts, "calls": {s: calls[s] for s in parts}, "top_tottime": top}


# ---------------------------------------------------------------------------- py-spy
_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>.+?)(?::(?P<line>\d+))?\)$")


def run_pyspy(dump: Path, workers: int, rate: int) -> dict:
    pyspy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    tmp = Path(tempfile.mkdtemp(prefix="dumpkit-prof-"))
    raw = tmp / "stacks.txt"
    cmd = [pyspy, "record", "--subprocesses", "--idle", "--nonblocking", "--rate", str(rate), "--format", "raw",
           "-o", str(raw), "--",
           sys.executable, "-m", "dumpkit.cli", "stage", str(dump), "--db", str(tmp / "p.duckdb"), "--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=SRC,
                          env={**os.environ, "COLUMNS": "300", "PYTHONPATH": str(SRC)})
    wall = time.perf_counter() - start
    if proc.returncode != 0 or not raw.exists():
        shutil.rmtree(tmp, ignore_errors=True)
        return {"mode": "py-spy", "error": (proc.stderr or proc.stdout)[-1500:]}
    per_proc: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    leaves: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    threads: dict[str, set] = collections.defaultdict(set)
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        proc_name = "main"
        if frames and frames[0].startswith("process "):
            m = re.match(r"process (\d+):?\s*(.*)", frames[0])
            proc_name = m.group(1) if m else frames[0]
            frames = frames[1:]
        if frames and frames[0].startswith("thread "):
            threads[proc_name].add(frames[0])
            frames = frames[1:]
        stage = None
        for fr in frames:  # root first: keep the deepest match
            m = _FRAME.match(fr)
            if m:
                s = _match(m.group("file"), m.group("func"))
                if s:
                    stage = s
        per_proc[proc_name][stage or "other"] += int(count)
        # the deepest dumpkit frame: which line of dumpkit the time is under
        for fr in reversed(frames):
            if "dumpkit/" in fr:
                leaves[proc_name][fr] += int(count)
                break
        else:
            leaves[proc_name][frames[-1] if frames else "?"] += int(count)
    (OUT).mkdir(parents=True, exist_ok=True)
    keep = OUT / f"pyspy-{dump.stem}-w{workers}.txt"
    shutil.copy(raw, keep)
    shutil.rmtree(tmp, ignore_errors=True)
    # the process with the most samples under stage_dump is the main one
    procs = {}
    for name, counter in per_proc.items():
        total = sum(counter.values())
        procs[name] = {"samples": total, "seconds_at_rate": round(total / rate, 1),
                       "threads": len(threads.get(name, ())) or None,
                       "stages": {s: {"samples": n, "share": round(n / total, 3)} for s, n in counter.most_common()},
                       "top_dumpkit_lines": {f: n for f, n in leaves[name].most_common(15)}}
    return {"mode": "py-spy", "workers": workers, "wall_seconds": round(wall, 2), "rate": rate,
            "note": "samples per process (all its threads, idle included); share = of that process's samples",
            "stdout_tail": " ".join(proc.stdout.split())[-300:], "raw_stacks": str(keep.relative_to(ROOT)),
            "processes": procs}


# ---------------------------------------------------------------------------- DuckDB insert probe
def run_insert_probe(dump: Path) -> dict:
    """Read the dump once (workers=1), keep every RowBatch in memory, then time
    only the DuckDB side - StageWriter.row_batch for all batches and
    StageWriter.finish - under a few connection setups. Shows what the insert
    and finalize steps cost by themselves and what a transaction or an
    in-memory database would change."""
    import duckdb

    from dumpkit.read import inspect_parts, read_events
    from dumpkit.read.events import RowBatch, TableDef
    from dumpkit.stage.writer import StageWriter

    parts, info = inspect_parts([dump])
    start = time.perf_counter()
    tdefs, batches = [], []
    for ev in read_events(parts, info, None):
        if isinstance(ev, TableDef):
            tdefs.append(ev)
        elif isinstance(ev, RowBatch):
            batches.append(ev)
    read_s = time.perf_counter() - start
    out = {"mode": "insert-probe", "read_and_parse_seconds_workers1": round(read_s, 2), "batches": len(batches),
           "rows": sum(b.data.num_rows for b in batches),
           "arrow_mb": round(sum(b.data.nbytes for b in batches) / 1e6, 1), "variants": {}}
    tmp = Path(tempfile.mkdtemp(prefix="dumpkit-probe-"))
    variants = {
        "as stage_dump: file, autocommit per batch": ("file", False),
        "file, all inserts in one transaction": ("file", True),
        "in-memory database, autocommit": (":memory:", False),
    }
    for name, (where, txn) in variants.items():
        db = str(tmp / "p.duckdb") if where == "file" else ":memory:"
        for suffix in ("", ".wal"):
            Path(db + suffix).unlink(missing_ok=True)
        con = duckdb.connect(db)
        con.execute("SET memory_limit = '300MB'")
        con.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
        con.execute("SET preserve_insertion_order = true")
        if where != "file":
            con.execute(f"SET temp_directory = '{tmp}'")
        w = StageWriter(con)
        t0 = time.perf_counter()
        for ev in tdefs:
            w.table_def(ev)
        t1 = time.perf_counter()
        if txn:
            con.execute("BEGIN TRANSACTION")
        for ev in batches:
            w.row_batch(ev, ev.data.nbytes)
        if txn:
            con.execute("COMMIT")
        t2 = time.perf_counter()
        w.finish(info)
        t3 = time.perf_counter()
        con.close()
        size = Path(db).stat().st_size if where == "file" else None
        out["variants"][name] = {"create_tables": round(t1 - t0, 2), "row_batch_all": round(t2 - t1, 2),
                                 "finish": round(t3 - t2, 2), "db_mb": round(size / 1e6, 1) if size else None}
        print(name, out["variants"][name], file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump", type=Path)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cprofile", action="store_true")
    ap.add_argument("--py-spy", action="store_true")
    ap.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    ap.add_argument("--insert-probe", action="store_true", help="time the DuckDB side alone (see run_insert_probe)")
    ap.add_argument("--src", type=Path, default=ROOT, help="folder holding the dumpkit package to profile")
    args = ap.parse_args()
    global SRC
    SRC = args.src.resolve()
    sys.path.insert(0, str(SRC))
    if not (args.cprofile or args.py_spy or args.insert_probe):
        args.cprofile = True
    results = []
    if args.cprofile:
        results.append(run_cprofile(args.dump.resolve(), args.workers))
    if args.py_spy:
        results.append(run_pyspy(args.dump.resolve(), args.workers, args.rate))
    if args.insert_probe:
        results.append(run_insert_probe(args.dump.resolve()))
    OUT.mkdir(parents=True, exist_ok=True)
    for r in results:
        print(json.dumps(r, indent=2))
        suffix = "" if r["mode"] == "insert-probe" else f"-w{args.workers}"
        (OUT / f"{r['mode']}-{args.dump.stem}{suffix}.json").write_text(json.dumps(r, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
