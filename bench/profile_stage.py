"""Where does `stage_dump` spend its time? Two views of the same question.

    python bench/profile_stage.py bench/work/shop.sql --workers 1 --cprofile
    python bench/profile_stage.py bench/work/shop.sql --workers 1 --py-spy

--cprofile: runs stage_dump(dump, tmp.duckdb, workers=N) in this process under
  cProfile and sums the inclusive time of the pipeline's stages. It sees the
  stager process only (DuckDB appends, waiting for the reader); the reader
  process (reading, DDL, VALUES scan, casts) shows in --py-spy.
--py-spy: samples `python -m dumpkit.cli stage` (with --subprocesses, so
  the reader process and its parser threads are seen too, and --idle, so
  waiting counts) and puts each sample of each process in the stage of its
  deepest known frame. Needs `pip install py-spy`.

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
    ("stager: end-of-table passes and metadata (writer.finish)", "stage/writer.py", "finish"),
    ("stager: DuckDB append (writer.row_batch)", "stage/writer.py", "row_batch"),
    ("stager: waiting for the reader", "stage/reader_process.py", "__iter__"),
    ("reader: hand-over to shared memory", "stage/reader_process.py", "_hand_over"),
    ("casts to column types (cast_table: reader, and defaults in the stager)", "read/typed.py", "cast_table"),
    ("reader: VALUES scan (split_values)", "read/mysql_tuples.py", "split_values"),
    ("reader: VALUES slow parse (parse_values_slow)", "read/mysql_values.py", "parse_values_slow"),
    ("reader: parse_pending (transcode, dispatch)", "read/mysql.py", "parse_pending"),
    ("reader: wait for parser threads (Future.result)", "concurrent/futures/_base.py", "result"),
    ("reader: INSERT gathering (MySQLReader._insert / _flush)", "read/mysql.py", "_insert"),
    ("reader: INSERT gathering (MySQLReader._insert / _flush)", "read/mysql.py", "_flush"),
    ("reader: line splitting (MySQLReader.statements)", "read/mysql.py", "statements"),
    ("reader: other statements (DDL, SET, ...)", "read/mysql.py", "_statement"),
    ("reader: postgres reader", "read/postgres.py", ""),
    ("header sniff: inspect_parts", "read/__init__.py", "inspect_parts"),
    ("startup, imports", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("parser thread: idle, waiting for work", "concurrent/futures/thread.py", "_worker"),
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
    # inclusive time per stage function of this (the stager) process: they do not nest, and the
    # reader process's stages are not seen here (--py-spy sees both processes)
    incl: dict[str, float] = collections.defaultdict(float)
    calls: dict[str, int] = collections.defaultdict(int)
    for (filename, _line, func), (cc, nc, tt, ct, callers) in st.stats.items():
        stage = _match(filename, func)
        if stage:
            incl[stage] += ct
            calls[stage] += nc
    order = [s for s, _, _ in STAGES]
    top = []
    st.sort_stats("tottime")
    for (filename, line, func), (cc, nc, tt, ct, callers) in sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:25]:
        top.append({"function": f"{Path(filename).name}:{line}({func})", "calls": nc, "tottime": round(tt, 3),
                    "cumtime": round(ct, 3)})
    parts = {s: round(incl[s], 3) for s in order if s in incl}
    return {"mode": "cprofile", "workers": workers, "wall_seconds": round(wall, 2),
            "stage_dump_seconds": round(result.seconds, 2), "mb_per_s": round(result.mb_per_s, 1),
            "note": "inclusive seconds per stage of the stager process; cProfile overhead included",
            "stages": parts, "calls": {s: calls[s] for s in parts}, "top_tottime": top}


# ---------------------------------------------------------------------------- py-spy
_FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>.+?)(?::(?P<line>\d+))?\)$")


def _group(frames: list[str]) -> str:
    """Which process / thread a py-spy stack is from (py-spy labels the forked reader with the parent's pid)."""
    text = ";".join(frames)
    if "ReaderProcess._produce (" in text:
        return "reader process: reading and parsing"
    if "concurrent/futures/thread.py" in text:
        return "reader process: parser threads"
    if "Thread._bootstrap" in text:
        return "helper threads (queue feeders, mostly idle)"
    return "stager process: main thread (DuckDB)"


def analyze_raw(path: Path, rate: int) -> dict:
    per: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    leaves: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if frames and frames[0].startswith("process "):
            frames = frames[1:]
        if frames and frames[0].startswith("thread "):
            frames = frames[1:]
        group = _group(frames)
        if group.startswith("reader process: reading"):
            # the forked reader's stack starts with the parent's frames at fork time: drop them
            cut = next(i for i, fr in enumerate(frames) if fr.startswith("ReaderProcess._produce ("))
            frames = frames[cut:]
        stage = None
        for fr in frames:  # root first: keep the deepest match
            m = _FRAME.match(fr)
            if m:
                s = _match(m.group("file"), m.group("func"))
                if s:
                    stage = s
        per[group][stage or "other"] += int(count)
        # the deepest dumpkit frame: which line of dumpkit the time is under
        for fr in reversed(frames):
            if "dumpkit/" in fr:
                leaves[group][fr] += int(count)
                break
        else:
            leaves[group][frames[-1] if frames else "?"] += int(count)
    out = {}
    for name, counter in sorted(per.items()):
        total = sum(counter.values())
        out[name] = {"samples": total, "seconds_at_rate": round(total / rate, 1),
                     "stages": {s: {"seconds": round(n / rate, 1), "share": round(n / total, 3)} for s, n in counter.most_common()},
                     "top_dumpkit_lines": {f: round(n / rate, 1) for f, n in leaves[name].most_common(12)}}
    return out


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
    OUT.mkdir(parents=True, exist_ok=True)
    keep = OUT / f"pyspy-{dump.stem}-w{workers}.txt"
    shutil.copy(raw, keep)
    shutil.rmtree(tmp, ignore_errors=True)
    return {"mode": "py-spy", "workers": workers, "wall_seconds": round(wall, 2), "rate": rate,
            "note": "seconds = samples / rate, per process or thread group, idle included; share of that group",
            "stdout_tail": " ".join(proc.stdout.split())[-300:], "raw_stacks": str(keep.relative_to(ROOT)),
            "groups": analyze_raw(keep, rate)}


# ---------------------------------------------------------------------------- memory timeline
def run_memory(dump: Path, workers: int) -> dict:
    """stage_dump in this process while a thread samples, every 0.2 s, the RSS of
    this process (+ its workers) and the stage the main thread is in: the peak
    memory per stage of the pipeline."""
    import threading

    import psutil

    from dumpkit.stage import stage_dump

    main_id = threading.get_ident()
    me = psutil.Process()
    peaks: dict[str, float] = collections.defaultdict(float)
    timeline = []
    done = threading.Event()
    t0 = time.perf_counter()

    def sample() -> None:
        while not done.wait(0.2):
            frame = sys._current_frames().get(main_id)
            stage = None
            while frame is not None:  # leaf to root: the first (deepest) match wins
                stage = _match(frame.f_code.co_filename, frame.f_code.co_name)
                if stage:
                    break
                frame = frame.f_back
            rss = me.memory_info().rss
            for c in me.children(recursive=True):
                try:
                    rss += c.memory_info().rss
                except psutil.Error:
                    pass
            stage = stage or "other"
            peaks[stage] = max(peaks[stage], rss / 1e6)
            timeline.append((round(time.perf_counter() - t0, 1), round(rss / 1e6), stage))

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    tmp = Path(tempfile.mkdtemp(prefix="dumpkit-mem-"))
    try:
        result = stage_dump([dump], tmp / "m.duckdb", workers=workers)
    finally:
        done.set()
        th.join()
        shutil.rmtree(tmp, ignore_errors=True)
    # a coarse timeline: one point per second
    coarse, last = [], -1.0
    for t, rss, stage in timeline:
        if t - last >= 1.0:
            coarse.append([t, rss, stage])
            last = t
    return {"mode": "memory", "workers": workers, "seconds": round(result.seconds, 1),
            "peak_rss_mb_by_stage": {k: round(v) for k, v in sorted(peaks.items(), key=lambda kv: -kv[1])},
            "timeline_s_rss_stage": coarse}


# ---------------------------------------------------------------------------- DuckDB insert probe
def run_insert_probe(dump: Path) -> dict:
    """Read the dump once (workers=1), keep every RowBatch in memory, then time
    only the DuckDB side - StageWriter.row_batch for all batches and
    StageWriter.finish - under a few setups: as the writer does it, with a
    COMMIT (ending the writer's transaction, if it has one) every N batches,
    and into an in-memory database. Also the growth of memory held by DuckDB
    and by Arrow buffers (DuckDB may keep inserted Arrow strings alive) while
    inserting."""
    import duckdb
    import psutil
    import pyarrow as pa

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
    me = psutil.Process()
    out = {"mode": "insert-probe", "read_and_parse_seconds_workers1": round(read_s, 2), "batches": len(batches),
           "rows": sum(b.data.num_rows for b in batches),
           "arrow_mb_of_batches": round(sum(b.data.nbytes for b in batches) / 1e6, 1), "variants": {}}
    tmp = Path(tempfile.mkdtemp(prefix="dumpkit-probe-"))
    variants = {
        "file, as StageWriter does it": ("file", None),
        "file, COMMIT every 10 batches": ("file", 10),
        "in-memory database, as StageWriter does it": (":memory:", None),
    }
    for name, (where, every) in variants.items():
        db = str(tmp / "p.duckdb") if where == "file" else ":memory:"
        for suffix in ("", ".wal"):
            Path(db + suffix).unlink(missing_ok=True)
        con = duckdb.connect(db)
        con.execute("SET memory_limit = '300MB'")
        con.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"SET temp_directory = '{tmp}'")
        rss0, pool0 = me.memory_info().rss, pa.total_allocated_bytes()
        peak_rss, peak_pool, peak_duck = rss0, pool0, 0.0
        w = StageWriter(con)
        t0 = time.perf_counter()
        for ev in tdefs:
            w.table_def(ev)
        t1 = time.perf_counter()
        for i, ev in enumerate(batches, 1):
            w.row_batch(ev, ev.data.nbytes)
            if every and i % every == 0:
                try:
                    con.execute("COMMIT")
                    con.execute("BEGIN TRANSACTION")
                except duckdb.Error:  # the writer does not hold a transaction: nothing to end
                    pass
            if i % 10 == 0:
                peak_rss = max(peak_rss, me.memory_info().rss)
                peak_pool = max(peak_pool, pa.total_allocated_bytes())
                peak_duck = max(peak_duck, con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0] or 0)
        t2 = time.perf_counter()
        w.finish(info)
        t3 = time.perf_counter()
        con.close()
        size = Path(db).stat().st_size if where == "file" else None
        out["variants"][name] = {
            "create_tables_s": round(t1 - t0, 2), "row_batch_all_s": round(t2 - t1, 2), "finish_s": round(t3 - t2, 2),
            "insert_mb_per_s": round(sum(b.data.nbytes for b in batches) / 1e6 / (t2 - t1), 1),
            "rss_growth_mb": round((peak_rss - rss0) / 1e6), "arrow_pool_growth_mb": round((peak_pool - pool0) / 1e6),
            "duckdb_memory_peak_mb": round(peak_duck / 1e6), "db_mb": round(size / 1e6, 1) if size else None}
        print(name, out["variants"][name], file=sys.stderr, flush=True)
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
    ap.add_argument("--memory", action="store_true", help="peak RSS per pipeline stage (see run_memory)")
    ap.add_argument("--src", type=Path, default=ROOT, help="folder holding the dumpkit package to profile")
    args = ap.parse_args()
    global SRC
    SRC = args.src.resolve()
    sys.path.insert(0, str(SRC))
    if not (args.cprofile or args.py_spy or args.insert_probe or args.memory):
        args.cprofile = True
    results = []
    if args.cprofile:
        results.append(run_cprofile(args.dump.resolve(), args.workers))
    if args.py_spy:
        results.append(run_pyspy(args.dump.resolve(), args.workers, args.rate))
    if args.insert_probe:
        results.append(run_insert_probe(args.dump.resolve()))
    if args.memory:
        results.append(run_memory(args.dump.resolve(), args.workers))
    OUT.mkdir(parents=True, exist_ok=True)
    for r in results:
        print(json.dumps(r, indent=2))
        suffix = "" if r["mode"] == "insert-probe" else f"-w{args.workers}"
        (OUT / f"{r['mode']}-{args.dump.stem}{suffix}.json").write_text(json.dumps(r, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
