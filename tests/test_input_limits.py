"""Bounded memory and disk for any input: a statement longer than --max-statement-mb is
reported and skipped (a long MySQL INSERT is read in slices of whole tuples instead), the
peak memory stays bounded on hostile files, and a full disk or a read-only folder ends
staging with exit 5 and no staging file left behind."""
from __future__ import annotations

import gzip
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

import dumpkit.read.mysql as mysql_reader
from dumpkit.cli import app
from dumpkit.errors import ResourceError
from dumpkit.read.inspect import inspect_dump
from tests.test_stage_mysql import query, snapshot, stage, write
from tests.helpers import error_lines

try:
    from compression import zstd
except ImportError:
    from backports import zstd

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MB = 1 << 20
CREATE = "CREATE TABLE `t` (`id` int NOT NULL, `s` longtext, PRIMARY KEY (`id`));\n"


def tuples(start: int, n: int, width: int = 60) -> str:
    return ",".join(f"({i},'row {i}: it''s (a) \\'tuple\\', ;-) {'x' * width}')" for i in range(start, start + n))


@pytest.fixture
def small_pieces(monkeypatch):
    """Lines read in 64 KB pieces: the slicing of long statements runs on small test files."""
    monkeypatch.setattr(mysql_reader, "LINE_BYTES", 64 << 10)


# ------------------------------------------------------------------ one statement's size

def test_long_single_line_insert_stages_every_row(tmp_path, small_pieces):
    """A 3 MB single-line INSERT under a 1 MB limit: its tuples are passed on as they are read."""
    dump = write(tmp_path / "one.sql", CREATE + f"INSERT INTO `t` VALUES {tuples(0, 30_000)};\n"
                 + "INSERT INTO `t` VALUES (-1,'after');\n")
    assert dump.stat().st_size > 3 * MB
    limited = stage(tmp_path, dump, name="limited.duckdb", max_statement_mb=1)
    whole = stage(tmp_path, dump, name="whole.duckdb")
    assert limited.tables == {"t": 30_001} and not limited.issues
    assert snapshot(limited.db_path) == snapshot(whole.db_path)


def test_long_insert_in_mariadb_dump_layout_stages_every_row(tmp_path, small_pieces):
    rows = tuples(0, 30_000).replace("),(", "),\n(")
    dump = write(tmp_path / "m.sql", "-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n" + CREATE
                 + f"INSERT INTO `t` VALUES\n{rows};\n-- Dump completed on 2026-01-01\n")
    limited = stage(tmp_path, dump, name="limited.duckdb", max_statement_mb=1)
    assert limited.tables == {"t": 30_000} and not limited.issues and not limited.partial
    assert snapshot(limited.db_path) == snapshot(stage(tmp_path, dump, name="whole.duckdb").db_path)


def test_long_insert_cut_at_the_end_keeps_its_whole_tuples(tmp_path, small_pieces):
    text = CREATE + f"INSERT INTO `t` VALUES {tuples(0, 20_000)}"
    dump = write(tmp_path / "cut.sql", text[: len(text) - 30])
    result = stage(tmp_path, dump, max_statement_mb=1)
    assert result.partial and result.tables == {"t": 19_999}


def test_row_over_the_limit_is_reported_and_the_rest_stages(tmp_path, small_pieces):
    big = "y" * (3 * MB)
    dump = write(tmp_path / "big.sql", CREATE + f"INSERT INTO `t` VALUES {tuples(0, 100)},(100,'{big}'),(101,'gone');\n"
                 + f"INSERT INTO `t` VALUES {tuples(200, 10)};\n")
    result = stage(tmp_path, dump, max_statement_mb=2)
    (issue,) = result.issues
    assert issue.kind == "statement_too_large" and issue.table == "t" and not issue.fatal
    assert "longer than 2 MB" in issue.example and "--max-statement-mb" in issue.example
    assert issue.offset == dump.read_bytes().index(b"(100,'yyy")
    assert result.tables == {"t": 110} and not result.partial
    raised = stage(tmp_path, dump, name="raised.duckdb", max_statement_mb=4)
    assert raised.tables == {"t": 112} and not raised.issues


def test_statement_without_end_is_skipped_in_bounded_memory(tmp_path):
    """No ';' for megabytes (here 5 MB of lines): reported with its offset, read past to its end."""
    junk = "SELECT 1 " + ("junk " * 200 + "\n") * 5000
    dump = write(tmp_path / "junk.sql", CREATE + "INSERT INTO `t` VALUES (1,'before');\n" + junk
                 + "'quoted; not the end' ;\nINSERT INTO `t` VALUES (2,'after');\n")
    result = stage(tmp_path, dump, max_statement_mb=1)
    (issue,) = result.issues
    assert issue.kind == "statement_too_large" and issue.offset == dump.read_bytes().index(b"SELECT 1")
    assert query(result.db_path, "SELECT id FROM t ORDER BY id") == [(1,), (2,)] and not result.partial


def test_statement_never_ending_is_also_cut(tmp_path):
    dump = write(tmp_path / "open.sql", CREATE + "INSERT INTO `t` VALUES (1,'before');\nSELECT '" + "z" * (3 * MB))
    result = stage(tmp_path, dump, max_statement_mb=1)
    assert [(i.kind, i.fatal) for i in result.issues] == [("statement_too_large", False), ("truncated", True)]
    assert result.partial and result.tables == {"t": 1}


def test_postgres_statement_and_copy_row_over_the_limit(tmp_path):
    big = "w" * (2 * MB)
    dump = write(tmp_path / "pg.sql", "-- PostgreSQL database dump\n\nCREATE TABLE public.t (id integer, s text);\n"
                 f"INSERT INTO public.t VALUES (1, '{big}');\nINSERT INTO public.t VALUES (2, 'small');\n"
                 f"COPY public.t (id, s) FROM stdin;\n3\tbefore\n4\t{big}\n5\tafter\n\\.\n\n"
                 "-- PostgreSQL database dump complete\n\n")
    result = stage(tmp_path, dump, max_statement_mb=1)
    data = dump.read_bytes()
    assert [(i.kind, i.offset) for i in result.issues] == [
        ("statement_too_large", data.index(b"INSERT INTO public.t VALUES (1")),
        ("statement_too_large", data.index(b"4\tww"))]
    assert query(result.db_path, "SELECT id FROM t ORDER BY id") == [(2,), (3,), (5,)] and not result.partial
    assert stage(tmp_path, dump, name="raised.duckdb", max_statement_mb=3).tables == {"t": 5}


def test_max_statement_mb_option_on_every_command(tmp_path, small_pieces):
    big = "y" * (2 * MB)
    dump = write(tmp_path / "d.sql", CREATE + f"INSERT INTO `t` VALUES (1,'{big}');\nINSERT INTO `t` VALUES (2,'b');\n")
    runner = CliRunner()
    r = runner.invoke(app, ["inspect", str(dump), "--json", "--max-statement-mb", "1"])
    assert r.exit_code == 0 and '"statement_too_large"' in r.stdout
    assert {t.table: t.rows for t in inspect_dump([dump], max_statement_mb=3).tables} == {"t": 2}
    r = runner.invoke(app, ["stage", str(dump), "--db", str(tmp_path / "s.duckdb"), "--max-statement-mb", "1"])
    assert r.exit_code == 0 and "statement_too_large" in r.stdout
    r = runner.invoke(app, ["stage", str(dump), "--db", str(tmp_path / "s.duckdb"), "--max-statement-mb", "3"])
    assert r.exit_code == 0 and "2 rows" in r.stdout
    r = runner.invoke(app, ["migrate", str(dump), "-o", str(tmp_path / "o"), "--max-statement-mb", "0"])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1  # below the minimum of 1: a usage error


# ------------------------------------------------------------------ peak memory on hostile files

def _peak_mb(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run the CLI in a child; the largest peak RSS of it and its reader process (ru_maxrss of
    the waited children: each process's own peak)."""
    code = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(p.returncode); "
            "sys.stderr.write(p.stdout + p.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, sys.executable, "-c", "from dumpkit.cli import main; main()",
                           *args], capture_output=True, text=True, timeout=600)
    peak_kb, rc = proc.stdout.split()
    proc.returncode = int(rc)
    return proc, int(peak_kb) / 1024


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["zstd", "gzip"])
def test_decompression_bomb_stays_bounded(tmp_path, kind):
    """512 MB of one line without ';' in a few hundred KB (one 64 KB zstd read used to inflate
    all of it at once): reported, never held; each process stays far under the 500 MB limit."""
    if kind == "zstd":  # one frame: one read of it used to inflate it all
        blob = zstd.compress(b"SELECT " + b"x" * (512 * MB), level=19)
    else:  # 512 members of 1 MB: a line without end, which the reader used to hold whole
        blob = gzip.compress(b"SELECT ") + gzip.compress(b"x" * MB, 9) * 512
    bomb = write(tmp_path / f"bomb.sql.{'zst' if kind == 'zstd' else 'gz'}", blob)
    assert bomb.stat().st_size < MB
    proc, peak = _peak_mb("stage", str(bomb), "--db", str(tmp_path / "b.duckdb"), "--allow-partial")
    assert proc.returncode == 0 and "statement_too_large" in proc.stderr, proc.stderr
    assert peak < 350, peak


@pytest.mark.slow
def test_long_valid_insert_stays_bounded(tmp_path):
    """A valid 120 MB single-line INSERT stages whole; its rows are never held at once."""
    dump = tmp_path / "one.sql"
    with open(dump, "w") as f:
        f.write(CREATE + "INSERT INTO `t` VALUES ")
        for start in range(0, 1_000_000, 50_000):
            f.write(("," if start else "") + tuples(start, 50_000, width=60))
        f.write(";\n")
    assert dump.stat().st_size > 100 * MB
    proc, peak = _peak_mb("stage", str(dump), "--db", str(tmp_path / "o.duckdb"))
    assert proc.returncode == 0 and "1,000,000 rows" in proc.stderr, proc.stderr
    assert peak < 350, peak


# ------------------------------------------------------------------ a full disk, a read-only folder

@contextmanager
def tmpfs(path: Path, size: str, readonly: bool = False):
    """A small file system of its own (root only: CI runs as root; skipped elsewhere)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    options = f"size={size}" + (",ro" if readonly else "")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _big_gzip(path: Path, mb: int) -> Path:
    """A gzip of `mb` MB of valid, incompressible-enough rows."""
    import random

    rnd = random.Random(7)
    with gzip.open(path, "wb", 1) as f:
        # a table a platform reads: a migration stages its rows (only counts those of tables no mapping reads)
        f.write(CREATE.replace("`t`", "`ps_product`").encode())
        i = 0
        while f.tell() < mb * MB:
            rows = ",".join(f"({i + k},'{rnd.getrandbits(256):064x}')" for k in range(2000))
            f.write(f"INSERT INTO `ps_product` VALUES {rows};\n".encode())
            i += 2000
    return path


def _one_line_exit_5(args: list[str]) -> str:
    proc = subprocess.run([sys.executable, "-c", "from dumpkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=600)
    lines = error_lines(proc.stderr)
    assert proc.returncode == 5 and len(lines) == 1 and "internal error" not in proc.stderr, proc.stderr
    return lines[0].lower()


@pytest.mark.slow
def test_disk_check_stops_before_the_disk_is_full(tmp_path):
    dump = _big_gzip(tmp_path / "big.sql.gz", 120)
    with tmpfs(tmp_path / "small", "40m") as disk:
        line = _one_line_exit_5(["stage", str(dump), "--db", str(disk / "s.duckdb")])
        assert "nearly full" in line and "staging stopped" in line
        assert list(disk.iterdir()) == []  # no half-written staging file
        st = os.statvfs(disk)
        assert st.f_bavail * st.f_frsize > 0


@pytest.mark.slow
@pytest.mark.parametrize("command", ["stage", "migrate"])
def test_full_disk_is_one_line_exit_5_and_leaves_nothing(tmp_path, monkeypatch, command):
    """With the check off, the disk really fills (ENOSPC inside DuckDB)."""
    monkeypatch.setenv("DUMPKIT_DISK_MARGIN_MB", "0")
    dump = _big_gzip(tmp_path / "big.sql.gz", 60)
    with tmpfs(tmp_path / "small", "16m") as disk:
        args = ["stage", str(dump), "--db", str(disk / "s.duckdb")] if command == "stage" else \
            ["migrate", str(dump), "-o", str(disk / "out")]
        line = _one_line_exit_5(args)
        assert "the disk is full" in line
        assert [p for p in disk.rglob("*") if p.is_file()] == []


@pytest.mark.slow
def test_read_only_folder_is_one_line_exit_5(tmp_path):
    dump = FIXTURES / "magento2" / "m2-categories-sequelpro.sql"
    with tmpfs(tmp_path / "ro", "1m", readonly=True) as ro:
        assert "read-only" in _one_line_exit_5(["stage", str(dump), "--db", str(ro / "s.duckdb")])
        assert "read-only" in _one_line_exit_5(["stage", str(dump), "--db", str(ro / "sub" / "s.duckdb")])
        assert "read-only" in _one_line_exit_5(["migrate", str(dump), "-o", str(ro / "out")])
        with pytest.raises(ResourceError, match="read-only"):
            stage(ro, dump)


def test_migration_memory_grows_with_a_big_shop_and_running_out_is_one_line(tmp_path, monkeypatch):
    """DuckDB's memory for a migration: 192 MB, or 0.6 bytes per byte of the staged file for a big
    shop (ordered aggregates keep their groups in memory); DUMPKIT_MEMORY overrides. Given too
    little, a migration ends with one line and exit 5, and leaves no package behind."""
    from dumpkit.limits import migrate_memory

    monkeypatch.delenv("DUMPKIT_MEMORY", raising=False)
    assert (migrate_memory(100_000_000), migrate_memory(300_000_000), migrate_memory(1_000_000_000)) == \
        ("192MB", "192MB", "600MB")
    monkeypatch.setenv("DUMPKIT_MEMORY", "2MB")
    assert migrate_memory(1_000_000_000) == "2MB"
    done = subprocess.run([sys.executable, "-m", "dumpkit.cli", "migrate", str(FIXTURES / "prestashop" / "ps-8.1.7.sql"),
                           "-o", str(tmp_path / "out"), "--currency-rate", "EUR=11.70"], capture_output=True, text=True)
    [line] = error_lines(done.stderr)
    assert done.returncode == 5 and line.startswith("error: DuckDB ran out of the memory it is given (DUMPKIT_MEMORY")
    assert not (tmp_path / "out").exists()
