"""Peak memory of `dumpkit stage` and `dumpkit inspect` on hostile and awkward inputs.

    python bench/hostile_memory.py              # every case (builds them in bench/work/hostile/, ~2 GB of disk)
    python bench/hostile_memory.py -k zstd      # the cases whose name holds "zstd"

Each case is a small file that decompresses to a lot, or a valid dump with one huge
statement. Each command runs in its own process; its whole process tree (the stager and
the reader process) is sampled every 20 ms with psutil, and the peak sum of RSS is
reported with the wall time, the exit code and the staged rows. The documented limit is
500 MB for the process tree, for every input. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import bz2
import gzip
import json
import lzma
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import psutil
except ImportError:  # pragma: no cover
    sys.exit("psutil is needed to measure peak memory: pip install psutil")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "hostile"
MB = 1 << 20


def _zstd():
    try:
        from compression import zstd
    except ImportError:
        from backports import zstd
    return zstd


def _write_compressed(path: Path, chunks, kind: str) -> None:
    opener = {"gzip": lambda p: gzip.open(p, "wb", 9), "bzip2": lambda p: bz2.open(p, "wb", 9),
              "xz": lambda p: lzma.open(p, "wb", preset=9), "zstd": lambda p: _zstd().open(p, "wb", level=19),
              "none": lambda p: open(p, "wb")}[kind]
    with opener(path) as f:
        for chunk in chunks:
            f.write(chunk)


def _repeat(first: bytes, piece: bytes, total: int, last: bytes = b""):
    yield first
    block = piece * max(1, (4 * MB) // len(piece))
    n = 0
    while n < total:
        yield block
        n += len(block)
    yield last


def _rows(start: int, n: int, width: int) -> bytes:
    pad = b"x" * width
    return b",".join(b"(%d,'row %d %s')" % (i, i, pad) for i in range(start, start + n))


CREATE = b"CREATE TABLE `t` (`id` int NOT NULL, `s` longtext, PRIMARY KEY (`id`));\n"


def cases(scale: float) -> dict[str, tuple[str, callable]]:
    """name -> (file name, writer); sizes scale with --scale."""
    big = int(2048 * MB * scale)

    def bomb(kind):
        return lambda p: _write_compressed(p, _repeat(b"SELECT ", b"x", big), kind)

    def no_semicolon(p):  # a statement that never ends, in lines
        _write_compressed(p, _repeat(CREATE + b"SELECT 1 ", b"x" * 1023 + b"\n", big), "gzip")

    def single_line_insert(p):  # valid: one 200 MB line of tuples
        n = int(200 * MB * scale) // 140
        with open(p, "wb") as f:
            f.write(CREATE + b"INSERT INTO `t` VALUES ")
            for start in range(0, n, 100_000):
                f.write((b"," if start else b"") + _rows(start, min(100_000, n - start), 110))
            f.write(b";\nINSERT INTO `t` VALUES (-1,'after');\n")

    def one_tuple(mb):
        def write(p):
            with open(p, "wb") as f:
                f.write(CREATE + b"INSERT INTO `t` VALUES (1,'before');\nINSERT INTO `t` VALUES (2,'")
                for _ in range(int(mb * scale)):
                    f.write(b"y" * MB)
                f.write(b"');\nINSERT INTO `t` VALUES (3,'after');\n")
        return write

    def pg_copy_row(p):
        with open(p, "wb") as f:
            f.write(b"-- PostgreSQL database dump\n\nCREATE TABLE public.t (id integer, s text);\n"
                    b"COPY public.t (id, s) FROM stdin;\n1\tbefore\n2\t")
            for _ in range(int(100 * scale)):
                f.write(b"z" * MB)
            f.write(b"\n3\tafter\n\\.\n\n-- PostgreSQL database dump complete\n")

    def pg_statement(p):
        _write_compressed(p, _repeat(b"-- PostgreSQL database dump\n\nCREATE TABLE public.t (id integer);\n"
                                     b"INSERT INTO public.t VALUES (1, '", b"w" * 1023 + b"\n", big), "gzip")

    return {
        "zstd bomb (2 GB of one line, no ';')": ("bomb.sql.zst", bomb("zstd")),
        "gzip bomb (2 GB of one line, no ';')": ("bomb.sql.gz", bomb("gzip")),
        "xz bomb (2 GB of one line, no ';')": ("bomb.sql.xz", bomb("xz")),
        "bzip2 bomb (2 GB of one line, no ';')": ("bomb.sql.bz2", bomb("bzip2")),
        "gzip, 2 GB statement without ';' in 1 KB lines": ("nosemi.sql.gz", no_semicolon),
        "200 MB single-line INSERT (valid)": ("oneline.sql", single_line_insert),
        "one 30 MB row (under the 32 MB limit)": ("tuple30.sql", one_tuple(30)),
        "one 100 MB row (over the limit)": ("tuple100.sql", one_tuple(100)),
        "pg_dump COPY with one 100 MB row": ("pgrow.sql", pg_copy_row),
        "pg, 2 GB INSERT never closed (gzip)": ("pgstmt.sql.gz", pg_statement),
    }


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(cmd: list[str]) -> dict:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT)
        root = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(root))
            time.sleep(0.02)
        err.seek(0)
        out.seek(0)
        return {"rc": proc.returncode, "seconds": round(time.perf_counter() - start, 1),
                "peak_rss_mb": round(peak / 1e6), "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", default="", help="only the cases whose name holds this")
    ap.add_argument("--scale", type=float, default=1.0, help="scale every case's size (default 1)")
    ap.add_argument("--commands", default="stage,inspect")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for name, (file_name, write) in cases(args.scale).items():
        if args.k not in name:
            continue
        path = WORK / (f"s{args.scale:g}-" + file_name)
        if not path.exists():
            write(path)
        for command in args.commands.split(","):
            extra = ["--db", str(WORK / "x.duckdb")] if command == "stage" else ["--json"]
            r = measure([sys.executable, "-m", "dumpkit.cli", command, str(path), *extra])
            rows = ""
            if command == "stage" and r["rc"] in (0, 4):
                import re
                m = re.search(r"staged \S+ tables, ([\d,]+) rows", r["stdout"].replace("\n", " "))
                rows = m.group(1) if m else ""
            last = (r["stderr"].strip().splitlines() or [""])[-1][:100]
            results.append({"case": name, "file_mb": round(path.stat().st_size / 1e6, 2), "command": command,
                            "rc": r["rc"], "seconds": r["seconds"], "peak_rss_mb": r["peak_rss_mb"], "rows": rows,
                            "last_stderr_line": last})
            print(json.dumps(results[-1]), flush=True)
        (WORK / "x.duckdb").unlink(missing_ok=True)
    print("\n| case | file | command | exit | peak RSS (tree) | seconds | rows staged |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['case']} | {r['file_mb']} MB | {r['command']} | {r['rc']} | {r['peak_rss_mb']} MB | "
              f"{r['seconds']} | {r['rows']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
