"""Compare two dumpkit trees on a VM whose speed drifts: `dumpkit stage` of the same dump by
each, in pairs spread over minutes (random order within a pair), with the VM speed probe
before every run. Prints each run, then the medians and the median of the paired ratios.

    python bench/paired.py DUMP OLD_TREE NEW_TREE [--minutes 20] [--pause 40]

A tree is a folder holding a `dumpkit/` package (with its built `_tuples` extension), e.g.
`git archive REV | tar -x -C /tmp/old` plus the `.so` copied from the repo. Three runs in a row
(stage_bench.py's median) can all fall into one of the VM's slow or fast stretches; pairs spread
over twenty minutes see both, and a pair's ratio cancels the stretch it ran in.
"""
from __future__ import annotations

import argparse
import compileall
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stage_bench import dumpkit_cmd, vm_probe_ms


def stage_seconds(tree: Path, dump: Path, db: Path) -> float:
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(dumpkit_cmd("stage", str(dump), "--db", str(db)), cwd=tree,
                   env={**os.environ, "PYTHONPATH": str(tree)}, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump", type=Path)
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--minutes", type=float, default=20, help="how long to go on pairing (default 20)")
    ap.add_argument("--pause", type=float, default=40, help="seconds between pairs (default 40)")
    args = ap.parse_args()
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for tree in trees.values():
        compileall.compile_dir(str(tree / "dumpkit"), quiet=1)  # as installed: bytecode written
    dump = args.dump.resolve()
    mb = dump.stat().st_size / 1e6
    runs: dict[str, list[float]] = {"old": [], "new": []}
    probes: list[float] = []
    end = time.monotonic() + args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        while time.monotonic() < end:
            for name in random.sample(list(trees), 2):
                probe = vm_probe_ms()
                seconds = stage_seconds(trees[name], dump, Path(tmp) / f"{name}.duckdb")
                runs[name].append(seconds)
                probes.append(probe)
                print(f"{time.strftime('%H:%M:%S')} {name} probe {probe:.0f} ms  stage {seconds:.2f} s "
                      f"({mb / seconds:.1f} MB/s)", flush=True)
            time.sleep(args.pause)
    for name, s in runs.items():
        med = statistics.median(s)
        print(f"{name}: {len(s)} runs, median {med:.2f} s = {mb / med:.1f} MB/s, "
              f"range {min(s):.2f}-{max(s):.2f} s = {mb / max(s):.1f}-{mb / min(s):.1f} MB/s")
    ratios = [n / o for o, n in zip(runs["old"], runs["new"])]
    print(f"new/old, paired: median {statistics.median(ratios):.3f} (range {min(ratios):.2f}-{max(ratios):.2f}); "
          f"probe {min(probes):.0f}-{max(probes):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
