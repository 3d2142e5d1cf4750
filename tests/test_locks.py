"""One run per output, and what a killed run leaves behind: lock files for -o and --db
(BusyError, exit 6, naming the lock file and the owner's PID), locks of dead runs taken
over, staging files without their completion mark refused, /dev/shm hand-over folders of
dead runs removed. The runs are real `dumpkit` processes, paused (SIGSTOP) or killed
(SIGKILL) at a point they were seen to reach."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dumpkit.lock import hold_lock, lock_path
from dumpkit.package.verify import check_package
from tests.helpers import error_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHOP = FIXTURES / "opencart" / "oc-2.3.0.2.sql"

pytestmark = pytest.mark.slow


def dumpkit(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dumpkit.cli", *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, **kw)


def run(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "dumpkit.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def wait_for(condition, proc: subprocess.Popen, timeout: float = 60.0):
    """Poll until `condition()` is true (and return its value) while `proc` runs."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        assert proc.poll() is None, f"the run ended before the point was reached: {proc.stderr.read()}"
        time.sleep(0.002)
    raise AssertionError("the point was never reached")


def held_by(target: Path):
    """The PID in the lock file of `target`, once a run has written it."""
    def pid():
        try:
            text = lock_path(target).read_text().strip()
        except FileNotFoundError:
            return None
        return int(text) if text.isdigit() else None
    return pid


def big_dump(path: Path, batches: int = 400) -> Path:
    """A whole mysqldump of one table, big enough that staging takes a second or so."""
    with open(path, "w") as f:
        f.write("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n\n"
                "CREATE TABLE `items` (\n  `id` int NOT NULL,\n  `name` varchar(64) DEFAULT NULL,\n"
                "  `price` decimal(10,2) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n")
        for b in range(batches):
            f.write("INSERT INTO `items` VALUES " + ",".join(
                f"({i},'item number {i} with a longer name',{i % 1000}.50)" for i in range(b * 1000, b * 1000 + 1000))
                + ";\n")
        f.write("-- Dump completed on 2026-11-27 10:00:00\n")
    return path


def one_line(proc: subprocess.CompletedProcess) -> str:
    lines = error_lines(proc.stderr)
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def dump(tmp_path_factory) -> Path:
    return big_dump(tmp_path_factory.mktemp("big") / "big.sql")


def test_second_migration_into_the_same_folder_is_busy(tmp_path):
    out = tmp_path / "out"
    first = dumpkit("migrate", SHOP, "-o", out, "--keep-currency")
    try:
        pid = wait_for(held_by(out), first)
        first.send_signal(signal.SIGSTOP)  # the first run holds the lock, frozen, for as long as we look
        second = run("migrate", SHOP, "-o", out, "--keep-currency")
        report = run("report", out)
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(120) == 0, first.stderr.read()
    assert second.returncode == 6
    line = one_line(second)
    assert str(lock_path(out)) in line and f"PID {pid}" in line and str(pid) == str(first.pid)
    assert report.returncode in (1, 6)  # busy, or no package yet: never a report of a half-written one
    check_package(out)
    assert not lock_path(out).exists()  # removed by its owner at the end


def test_lock_of_a_killed_run_is_taken_over(tmp_path):
    out = tmp_path / "out"
    first = dumpkit("migrate", SHOP, "-o", out, "--keep-currency")
    wait_for(held_by(out), first)
    first.kill()
    first.wait()
    assert lock_path(out).read_text().strip() == str(first.pid)  # the dead run's lock is still there
    proc = run("migrate", SHOP, "-o", out, "--keep-currency")
    assert proc.returncode == 0, proc.stderr
    check_package(out)
    assert not lock_path(out).exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.dumpkit-")]  # its half-written folder is gone


def test_staging_file_in_use_is_busy_for_stage_and_migrate(tmp_path, dump):
    db = tmp_path / "s.duckdb"
    first = dumpkit("stage", dump, "--db", db)
    try:
        pid = wait_for(held_by(db), first)
        wait_for(lambda: db.exists() and db.stat().st_size > 4096, first)
        first.send_signal(signal.SIGSTOP)
        again = run("stage", dump, "--db", db)
        migrate = run("migrate", db, "-o", tmp_path / "out", "--keep-currency")
    finally:
        first.send_signal(signal.SIGCONT)
    assert first.wait(120) == 0, first.stderr.read()
    for proc in (again, migrate):
        assert proc.returncode == 6 and f"PID {pid}" in one_line(proc) and str(lock_path(db)) in one_line(proc)
    assert not (tmp_path / "out").exists()


def test_lock_held_in_process_is_busy_for_the_cli(tmp_path):
    out = tmp_path / "out"
    with hold_lock(out) as path:
        proc = run("migrate", SHOP, "-o", out, "--keep-currency")
    assert proc.returncode == 6 and f"PID {os.getpid()}" in one_line(proc) and str(path) in one_line(proc)
    assert not out.exists() and not path.exists()


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_killed_stage_is_refused_by_migrate_and_leaves_no_shared_memory(tmp_path, dump):
    db = tmp_path / "s.duckdb"
    stage = dumpkit("stage", dump, "--db", db)
    # killed while it stages: its staging file exists, its reader hands rows over in /dev/shm
    shm = wait_for(lambda: [p for p in Path("/dev/shm").glob(f"dumpkit-{stage.pid}-*") if any(p.iterdir())], stage)
    wait_for(db.exists, stage)
    stage.send_signal(signal.SIGSTOP)
    readers = _children(stage.pid)
    stage.kill()
    stage.wait()
    assert db.exists() and shm[0].exists()
    deadline = time.monotonic() + 10
    while any(map(_alive, readers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert readers and not any(map(_alive, readers))  # the reader died with the stager

    proc = run("migrate", db, "-o", tmp_path / "out", "--keep-currency")
    assert proc.returncode == 1
    assert "unfinished staging file" in one_line(proc) and str(db) in one_line(proc)
    assert not (tmp_path / "out").exists()

    # the next stage removes the dead run's hand-over folder, and marks its file complete
    assert run("stage", dump, "--db", db).returncode == 0
    assert not shm[0].exists()
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT dumpkit_version FROM dumpkit.complete").fetchall()
    con.close()


def test_migrate_refuses_duckdb_files_it_did_not_stage(tmp_path):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE t AS SELECT 1 AS x")
    con.close()
    proc = run("migrate", other, "-o", tmp_path / "out", "--keep-currency")
    assert proc.returncode == 1 and "unfinished staging file" in one_line(proc)
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(other.read_bytes()[:16] + os.urandom(4096))
    proc = run("migrate", broken, "-o", tmp_path / "out", "--keep-currency")
    assert proc.returncode == 1 and "cannot be opened as a staging file" in one_line(proc)
