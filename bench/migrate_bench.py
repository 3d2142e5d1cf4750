"""Benchmark: `dumpkit migrate` (full and --demo) against restoring the same dump into MariaDB.

    python bench/migrate_bench.py                    # both shops, four sizes, the table; about 15 minutes
    python bench/migrate_bench.py --update-readmes   # and put the tables into bench/README.md and README.md

Two shops of about 233 MB (the size of the shop in issue 13), each also at 1/8, 1/4 and 1/2 of its copies (shopgen.py builds them
once, cached in bench/work/):

* amplified: every copy of a product, customer or order keeps its slug, SKU, EAN and e-mail, so
  thousands of records share each one: the worst case for the steps that make them unique;
* distinct: those are distinct in every copy, as in a real shop.

For each shop and size, `dumpkit migrate DUMP -o OUT --no-keep-stage --currency-rate EUR=11.70` and `... --demo --seed 1`
each run --repeat times in their own process (the median run is kept): wall seconds, peak RSS of
the process tree, and the seconds of every phase, from the plain progress lines the command
writes to stderr when it is not a terminal (start-up, staging, each mapping, refine step and
check, the write, the report: they add up to the wall time). The MariaDB restore of each 230 MB
dump (`mariadb shop < DUMP`, a tuned throwaway server) is the yardstick.

Linear or better: a phase group (staging, map, refine, ...) that needs 0.5 CPU seconds or more on
the whole shop fails the check when its CPU seconds per MB there are more than 25 % above its CPU
seconds per MB at 1/2 or 1/4 of the shop (a quadratic step doubles them at each doubling). CPU
seconds, because on a shared machine the wall seconds swing with the neighbours' load far more
than a phase's CPU does. The script exits 1 when a check fails. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import shopgen  # noqa: E402
import stage_bench  # noqa: E402  (measure, restore_mariadb, machine_info, the dumpkit command)

ROOT = stage_bench.ROOT
WORK = stage_bench.WORK / "migrate"
RESULTS = HERE / "migrate_results.json"
FRACTIONS = [("1/8", 0.125), ("1/4", 0.25), ("1/2", 0.5), ("1", 1.0)]
GOALS = {"full_seconds": 20, "demo_seconds": 5, "peak_rss_mb": 500, "restore_share": 1 / 3}
MODES = ("full", "demo")
LINEAR_TOLERANCE = 1.25  # seconds per MB may be this much higher on the whole shop than on a part of it
LINEAR_MIN_SECONDS = 0.5  # phases shorter than this on the whole shop are not judged (noise)
PHASE_LINE = re.compile(r"^\[\s*[\d.]+ s\] (?P<name>.+) \((?P<seconds>[\d.]+) s, cpu (?P<cpu>[\d.]+) s\)(?:: (?P<count>.*))?$")
GROUP_ORDER = ["start-up", "staging", "prepare", "demo", "map", "refine", "check", "reconcile", "write", "report"]


def log(msg: str) -> None:
    stage_bench.log(msg)


def dumps(kind: str, size_mb: int) -> list[tuple[str, Path, dict]]:
    """The shop of `kind` at the four sizes: (label, path, meta), smallest first."""
    WORK.mkdir(parents=True, exist_ok=True)
    whole = WORK / f"{kind}-{size_mb}mb.sql"
    meta = shopgen.build_mysql_dump(whole, size_mb, log, kind)
    out = []
    for label, f in FRACTIONS[:-1]:
        copies = {family: max(1, round(k * f)) for family, k in meta["copies"].items()}
        path = WORK / f"{kind}-{size_mb}mb-{label.replace('/', 'of')}.sql"
        out.append((label, path, shopgen.build_mysql_dump(path, size_mb, log, kind, copies)))
    out.append(("1", whole, meta))
    return out


def phases(stderr: str) -> list[dict]:
    found = []
    for line in stderr.splitlines():
        m = PHASE_LINE.match(line.strip())
        if m:
            found.append({"name": m["name"], "seconds": float(m["seconds"]), "cpu": float(m["cpu"]), "count": m["count"]})
    return found


def group_seconds(found: list[dict], key: str = "seconds") -> dict[str, float]:
    groups: dict[str, float] = {}
    for p in found:
        g = p["name"].split(" ")[0].rstrip(":")
        groups[g] = groups.get(g, 0.0) + p[key]
    return groups


def migrate_once(dump: Path, demo: bool) -> dict:
    """One `dumpkit migrate` run, measured, with its phases."""
    out = WORK / "out"
    shutil.rmtree(out, ignore_errors=True)
    # the shops are the PrestaShop 8 fixture grown: they sell in euros, and a full migration needs the rate
    args = (["migrate", str(dump), "-o", str(out), "--no-keep-stage", "--currency-rate", "EUR=11.70"]
            + (["--demo", "--seed", "1"] if demo else []))
    r = stage_bench.measure(stage_bench.dumpkit_cmd(*args), env=stage_bench.DUMPKIT_ENV)
    if r["rc"] != 0:  # a failed run measures nothing: say why and stop
        raise SystemExit(f"dumpkit {' '.join(args)} failed (exit {r['rc']}): {r['stderr'].strip().splitlines()[-1:]}")
    r["phases"] = phases(r["stderr"])
    r["groups"] = group_seconds(r["phases"])
    r["groups_cpu"] = group_seconds(r["phases"], "cpu")
    manifest = json.loads((out / "manifest.json").read_text())
    r["counts"] = manifest["counts"]
    r["issues"] = sum(1 for _ in open(out / "issues.jsonl", "rb"))
    shutil.rmtree(out, ignore_errors=True)
    return r


def summarise(runs: list[dict]) -> dict:
    """The median run (stage_bench.repeated), with each phase's median over the runs, which the
    linearity check judges: the median run (by its total) keeps whatever swing each of its phases
    had, and one phase 20-40 % off in it failed the check alone."""
    r = stage_bench.repeated(len(runs), iter(runs).__next__)
    for key in ("groups", "groups_cpu"):
        r[f"{key}_median"] = {g: statistics.median(x[key].get(g, 0.0) for x in runs) for g in r[key]}
    return r


def per_mb_check(rows: dict[str, dict], mb: dict[str, float]) -> list[dict]:
    """For each phase group: seconds (wall and CPU) per MB at each size, and whether it stays flat or
    falls. Judged on CPU seconds: on a shared machine the wall seconds swing with the neighbours'
    load far more than the CPU a phase needs does."""
    checks = []
    groups = [g for g in GROUP_ORDER if any(g in r["groups"] for r in rows.values())]
    for g in groups:
        wall = {label: rows[label]["groups_median"].get(g, 0.0) for label in rows}
        cpu = {label: rows[label]["groups_cpu_median"].get(g, 0.0) for label in rows}
        per_mb = {label: cpu[label] / mb[label] for label in rows}
        judged = cpu["1"] >= LINEAR_MIN_SECONDS
        worst = max(per_mb["1"] / per_mb[p] if per_mb[p] else 0.0 for p in ("1/2", "1/4"))
        slope = (math.log(cpu["1"] / cpu["1/4"]) / math.log(mb["1"] / mb["1/4"])) if cpu["1/4"] > 0 and cpu["1"] > 0 else None
        checks.append({"phase": g, "ms_per_mb": {k: round(wall[k] / mb[k] * 1000, 2) for k in rows},
                       "cpu_ms_per_mb": {k: round(v * 1000, 2) for k, v in per_mb.items()},
                       "seconds": {k: round(v, 2) for k, v in wall.items()}, "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
                       "growth": round(worst, 2), "slope": None if slope is None else round(slope, 2),
                       "judged": judged, "ok": (not judged) or worst <= LINEAR_TOLERANCE})
    return checks


def markdown(result: dict) -> str:
    """The tables for the READMEs."""
    info = result["machine"]
    lines = [f"`python bench/migrate_bench.py` on {info['cores']} cores ({info['cpu_model']}), {info['date']}; "
             f"each figure the median of {result['repeat']} runs; CPU s: user + system of the process tree; others' load: "
             f"CPU other processes used meanwhile, in cores (above about 0.2 the wall seconds are inflated).", ""]
    lines += ["| shop | dump MB | run | seconds | MB/s | CPU s | peak RSS MB (tree) | vs. MariaDB restore | others' load |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, k in result["shops"].items():
        whole = k["sizes"]["1"]
        mb = whole["mb"]
        restore = k.get("restore", {}).get("seconds")
        full, demo = whole["full"], whole["demo"]
        rows = [("staging (within migrate)", full["groups"].get("staging"), full["groups_cpu"].get("staging"), None, None),
                ("`dumpkit migrate`", full["seconds"], full.get("cpu_seconds"), full["peak_rss_mb"], full.get("others_cores")),
                ("`dumpkit migrate --demo`", demo["seconds"], demo.get("cpu_seconds"), demo["peak_rss_mb"], demo.get("others_cores"))]
        for run, seconds, cpu, rss, load in rows:
            if seconds is None:
                continue
            ratio = f"{seconds / restore:.0%} of it" if restore else ""
            lines.append(f"| {kind} | {mb:.1f} | {run} | {seconds:.1f} | {mb / seconds:.1f} | {'' if cpu is None else f'{cpu:.1f}'} | "
                         f"{'' if rss is None else f'{rss:.0f}'} | {ratio} | {'' if load is None else f'{load:.2f}'} |")
        if restore:
            r = k["restore"]
            lines.append(f"| {kind} | {mb:.1f} | `mariadb shop < dump` (client + server) | {restore:.1f} | {mb / restore:.1f} | "
                         f"{r['cpu_seconds']:.1f} | {r['peak_rss_mb']:.0f} | 100% | {r.get('others_cores', 0):.2f} |")
    lines += ["", "Seconds of each phase on the whole shop, wall / CPU (the wall seconds add up to the run's):", ""]
    kinds = list(result["shops"])
    head = "| phase | " + " | ".join(f"{k} full | {k} demo" for k in kinds) + " |"
    lines += [head, "| --- |" + " ---: |" * (2 * len(kinds))]
    for g in GROUP_ORDER:
        cells = []
        for k in kinds:
            whole = result["shops"][k]["sizes"]["1"]
            for mode in ("full", "demo"):
                v, c = whole[mode]["groups"].get(g), whole[mode]["groups_cpu"].get(g)
                cells.append("" if v is None else f"{v:.2f} / {c:.2f}")
        if any(cells):
            lines.append(f"| {g} | " + " | ".join(cells) + " |")
    for k in kinds:
        whole = result["shops"][k]["sizes"]["1"]["full"]
        slow = sorted(whole["phases"], key=lambda p: -p["seconds"])[:6]
        lines.append("")
        lines.append(f"Slowest steps, {k} full: " + ", ".join(f"{p['name']} {p['seconds']:.2f} s" for p in slow) + ".")
    lines += ["", "Milliseconds per MB of dump at four sizes, wall / CPU (a phase needing 0.5 CPU s or more on the whole "
              f"shop is judged on CPU: at most {LINEAR_TOLERANCE:.2f}x its figure at 1/2 and 1/4; slope: log-log of CPU "
              "seconds from 1/4 to 1, 1 = linear):", ""]
    lines += ["| shop | run | phase | " + " | ".join(label for label, _ in FRACTIONS) + " | slope | linear |",
              "| --- | --- | --- |" + " ---: |" * len(FRACTIONS) + " ---: | --- |"]
    out = []
    for k in kinds:
        sizes = result["shops"][k]["sizes"]
        out.append(f"| {k} | | dump MB | " + " | ".join(f"{sizes[label]['mb']:.1f}" for label, _ in FRACTIONS) + " | | |")
        for mode in ("full", "demo"):
            for c in result["shops"][k]["checks"][mode]:
                cells = " | ".join(f"{c['ms_per_mb'][label]:.1f} / {c['cpu_ms_per_mb'][label]:.1f}" for label, _ in FRACTIONS)
                verdict = ("yes" if c["ok"] else "**NO**") if c["judged"] else "(short)"
                out.append(f"| {k} | {mode} | {c['phase']} | {cells} | {'' if c['slope'] is None else c['slope']} | {verdict} |")
            totals = " | ".join(f"{sizes[label][mode]['seconds'] / sizes[label]['mb'] * 1000:.1f}" for label, _ in FRACTIONS)
            rss = ", ".join(f"{sizes[label][mode]['peak_rss_mb']:.0f}" for label, _ in FRACTIONS)
            out.append(f"| {k} | {mode} | **wall** (peak RSS MB: {rss}) | {totals} | | |")
    return "\n".join(lines + out) + "\n"


def update_readme(path: Path, table: str) -> None:
    start, end = "<!-- migrate-bench:start -->", "<!-- migrate-bench:end -->"
    text = path.read_text(encoding="utf-8")
    if start not in text:
        raise SystemExit(f"{path}: no {start} ... {end} section to fill")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=int, default=212,
                    help="size asked of the whole shops (default 212: the generator overshoots, it makes about 233 MB)")
    ap.add_argument("--kinds", default=",".join(shopgen.KINDS), help="amplified,distinct (default both)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each command; the median is kept (default 3)")
    ap.add_argument("--skip-server", action="store_true", help="no MariaDB restore")
    ap.add_argument("--src", type=Path, default=ROOT, help="measure the dumpkit package in this folder (default: the repo's)")
    ap.add_argument("--quiet-wait", type=float, default=30, help="wait up to this many seconds for a quiet machine before each run")
    ap.add_argument("--nice", type=int, default=0, help="scheduling priority of the benchmark and what it starts (-10 needs root)")
    ap.add_argument("--update-readmes", action="store_true", help="write the tables into bench/README.md and README.md")
    args = ap.parse_args()
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    stage_bench.QUIET_WAIT = args.quiet_wait
    stage_bench.SRC = args.src.resolve()
    stage_bench.DUMPKIT_ENV["PYTHONPATH"] = str(stage_bench.SRC)
    import compileall

    compileall.compile_dir(str(stage_bench.SRC / "dumpkit"), quiet=1)
    info = stage_bench.machine_info()
    info["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    result = {"machine": info, "repeat": args.repeat, "goals": GOALS, "shops": {}}
    failed = []
    for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:
        shop = result["shops"][kind] = {"sizes": {}}
        built = dumps(kind, args.size_mb)
        # in rounds, each round every size and mode once: this VM's speed drifts by 20-30 % over
        # minutes, and runs of one size in a row would give that drift to one size alone
        runs: dict[tuple[str, str], list[dict]] = {(label, mode): [] for label, _, _ in built for mode in MODES}
        for round_ in range(max(1, args.repeat)):
            for label, path, meta in built:
                for mode in MODES:
                    log(f"{kind} {label} ({path.stat().st_size / 1e6:.1f} MB), round {round_ + 1}: "
                        f"dumpkit migrate{' --demo' if mode == 'demo' else ''}")
                    runs[(label, mode)].append(migrate_once(path, mode == "demo"))
        for label, path, meta in built:
            entry = shop["sizes"][label] = {"dump": path.name, "mb": round(path.stat().st_size / 1e6, 1),
                                            "copies": meta["copies"]}
            for mode in MODES:
                r = summarise(runs[(label, mode)])
                for key in ("stdout", "stderr"):
                    r.pop(key, None)
                entry[mode] = r
                log(f"{kind} {label} {mode}: {r['seconds']:.1f} s (runs {r['runs_seconds']}), peak RSS "
                    f"{r['peak_rss_mb']:.0f} MB; " + ", ".join(f"{g} {s:.2f}" for g, s in r["groups"].items()))
        if not args.skip_server:
            whole = built[-1][1]
            log(f"mariadb shop < {whole.name} (fresh server)")
            r = stage_bench.restore_mariadb(whole)
            for key in ("stdout", "stderr"):
                r.pop(key, None)
            shop["restore"] = r
            log(f"  {r['seconds']:.1f} s, peak RSS {r['peak_rss_mb']:.0f} MB, {r['rows']:,} rows")
        mbs = {label: shop["sizes"][label]["mb"] for label, _ in FRACTIONS}
        shop["checks"] = {mode: per_mb_check({label: shop["sizes"][label][mode] for label, _ in FRACTIONS}, mbs)
                          for mode in ("full", "demo")}
        for mode, checks in shop["checks"].items():
            failed += [f"{kind} {mode}: {c['phase']} grows {c['growth']}x per MB" for c in checks if not c["ok"]]
        whole = shop["sizes"]["1"]
        restore = shop.get("restore", {}).get("seconds")
        shop["goals"] = {
            "full_seconds": whole["full"]["seconds"], "demo_seconds": whole["demo"]["seconds"],
            "peak_rss_mb": max(whole["full"]["peak_rss_mb"], whole["demo"]["peak_rss_mb"]),
            "share_of_restore": round(whole["full"]["seconds"] / restore, 3) if restore else None,
        }
    table = markdown(result)
    print()
    print(table)
    all_results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    all_results[f"{args.size_mb}mb"] = result
    RESULTS.write_text(json.dumps(all_results, indent=1, ensure_ascii=False) + "\n")
    log(f"wrote {RESULTS.relative_to(ROOT)}")
    if args.update_readmes:
        for readme in (HERE / "README.md", ROOT / "README.md"):
            update_readme(readme, table)
            log(f"updated {readme.relative_to(ROOT)}")
    for f in failed:
        print(f"CHECK FAILED: {f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
