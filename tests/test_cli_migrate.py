"""`dumpkit migrate` as a user runs it: progress on stderr when it is not a terminal, a summary
whose seconds add up to the run, the staged copy kept or not, MB/s of uncompressed SQL."""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from dumpkit.stage import stage_dump

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "prestashop" / "ps-8.1.7.sql"
PHASE = re.compile(r"^\[\s*([\d.]+) s\] (.+) \(([\d.]+) s, cpu [\d.]+ s\)(?:: (.*))?$")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from dumpkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300)


def test_progress_lines_and_phases_that_add_up(tmp_path):
    proc = run_cli("migrate", str(FIXTURE), "-o", str(tmp_path / "out"), "--currency-rate", "EUR=11.70")
    assert proc.returncode == 0, proc.stderr
    phases = [PHASE.match(line) for line in proc.stderr.splitlines()]
    assert all(phases), proc.stderr  # nothing but progress lines on stderr
    names = [m.group(2) for m in phases]
    assert names[:2] == ["start-up", "staging"] and names[-2:] == ["write", "report"]
    for step in ("map products", "map orders", "map redirects", "refine slugs", "refine guests", "check references",
                 "check order money", "reconcile"):
        assert step in names
    counts = dict((m.group(2), m.group(4)) for m in phases)
    assert counts["staging"] == "1.0 MB of SQL" and counts["map products"] == "19 rows" and counts["write"] == "16 files"
    # the summary's total is the sum of the phases, from the process start to the report
    total = float(re.search(r"done in ([\d.]+) s", proc.stdout).group(1))
    assert abs(sum(float(m.group(3)) for m in phases) - total) < 0.01 * len(phases) + 0.05
    assert abs(float(phases[-1].group(1)) - total) < 0.1
    assert "Time" in proc.stdout and "wall time of the run" in proc.stdout
    # a full migration keeps the staged copy, and says where and how big
    staged = tmp_path / "out" / "stage.duckdb"
    assert staged.exists()
    line = " ".join(proc.stdout.split())
    assert f"staged copy of the dump: {staged}" in line and f"({staged.stat().st_size / 1e6:,.1f} MB), kept for reruns" in line
    # and what it did not stage: the rows of the tables no mapping reads, counted
    assert re.search(r"not staged: the [\d,]+ rows of \d+ tables no platform's mappings read", line)
    # a rerun from the staged copy: its manifest names the staged file by its sha256
    again = run_cli("migrate", str(staged), "-o", str(tmp_path / "again"), "--currency-rate", "EUR=11.70")
    assert again.returncode == 0, again.stderr
    source = json.loads((tmp_path / "again" / "manifest.json").read_text(encoding="utf-8"))["source"]
    assert source == {"file_name": "stage.duckdb", "size": staged.stat().st_size,
                      "sha256": hashlib.sha256(staged.read_bytes()).hexdigest(), "staged_db": True}
    assert "staged file (checksum)" in [PHASE.match(x).group(2) for x in again.stderr.splitlines()]


def test_no_keep_stage_and_demo_leave_no_staged_copy(tmp_path):
    proc = run_cli("migrate", str(FIXTURE), "-o", str(tmp_path / "full"), "--no-keep-stage", "--currency-rate", "EUR=11.70")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "full" / "stage.duckdb").exists()
    assert "not kept (--keep-stage keeps it for reruns)" in " ".join(proc.stdout.split())
    proc = run_cli("migrate", str(FIXTURE), "-o", str(tmp_path / "demo"), "--demo", "--seed", "3", "--size", "2")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "demo" / "stage.duckdb").exists()
    proc = run_cli("migrate", str(FIXTURE), "-o", str(tmp_path / "demo2"), "--demo", "--seed", "3", "--keep-stage")
    assert (tmp_path / "demo2" / "stage.duckdb").exists()


def test_stage_speed_counts_uncompressed_sql(tmp_path):
    dump = tmp_path / "shop.sql.gz"
    dump.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    result = stage_dump(dump, tmp_path / "shop.duckdb")
    assert result.source_bytes == dump.stat().st_size
    assert result.sql_bytes == FIXTURE.stat().st_size
    assert abs(result.mb_per_s - FIXTURE.stat().st_size / 1e6 / result.seconds) < 1e-6
    proc = run_cli("stage", str(dump), "--db", str(tmp_path / "again.duckdb"))
    assert proc.returncode == 0 and "MB/s of SQL text, uncompressed" in " ".join(proc.stdout.split())


def test_one_rich_display_for_the_whole_run(tmp_path):
    """On a terminal: one live display, the overall bar with its ETA and the step at work."""
    import io

    from rich.console import Console

    from dumpkit.migrate import migrate
    from dumpkit.progress import RichProgress

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with RichProgress(console) as progress:
        steps = []
        step = progress.step
        progress.step = lambda name, *a, **k: (steps.append(name), step(name, *a, **k))[1]
        result = migrate(FIXTURE, tmp_path / "out", progress=progress, keep_currency=True)
    assert steps[0] == "staging" and "map products" in steps and "refine slugs" in steps and steps[-1] == "report"
    assert "ETA" in screen.getvalue()
    assert [p.name for p in result.phases][-1] == "report"
