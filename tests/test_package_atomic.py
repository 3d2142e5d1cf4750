"""Never a half-written package: `dumpkit migrate` killed at any point leaves the old
package or the new one, whole; `report` refuses a package whose files do not match its
manifest; a full disk or a read-only folder is one line (exit 5) and keeps the old package."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dumpkit.cli import app
from dumpkit.errors import DumpkitError
from dumpkit.migrate import migrate
from dumpkit.package.verify import check_package
from tests.test_locks import dumpkit, one_line, run, wait_for

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OLD_SHOP = FIXTURES / "opencart" / "oc-2.3.0.2.sql"
NEW_SHOP = FIXTURES / "prestashop" / "ps-8.1.7.sql"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """An OpenCart package and a PrestaShop demo package (with review.json)."""
    base = tmp_path_factory.mktemp("packages")
    migrate(OLD_SHOP, base / "opencart", keep_currency=True)  # a shop in USD
    migrate(NEW_SHOP, base / "demo", demo=True, seed=1, size=3, keep_currency=True, keep_stage=True)
    return base


def platform(out: Path) -> str:
    return json.loads((out / "manifest.json").read_text())["platform"]


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.dumpkit-")]


# what the killed run was seen doing, in its temporary folder or in the target
POINTS = {
    "staging": lambda work, out: work and (work / "stage.duckdb").exists(),
    "writing parquet": lambda work, out: work and (work / "products.parquet").exists(),
    "writing report": lambda work, out: work and (work / "manifest.json").exists(),
    "swapped": lambda work, out: platform(out) == "prestashop",
}


@pytest.mark.parametrize("point", list(POINTS))
def test_killed_migration_leaves_the_old_or_the_new_package_whole(packages, tmp_path, point):
    out = tmp_path / "out"
    shutil.copytree(packages / "opencart", out)
    proc = dumpkit("migrate", NEW_SHOP, "-o", out, "--keep-currency")

    def reached():
        work = tmp_path / f".out.dumpkit-new-{proc.pid}"
        return POINTS[point](work if work.exists() else None, out)

    try:
        wait_for(reached, proc)
    except AssertionError:
        if proc.poll() != 0:
            raise  # (a fast machine may finish before a late point is seen: the new package must then be whole)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check_package(out)  # whole: every file is the one its manifest lists
    assert platform(out) == {"staging": "opencart", "writing parquet": "opencart", "swapped": "prestashop"}.get(
        point, platform(out)) and platform(out) in ("opencart", "prestashop")
    assert CliRunner().invoke(app, ["report", str(out)]).exit_code == 0
    if point == "staging":  # the next run cleans up what the killed one left, and writes its package
        assert leftovers(out)
        assert not (out / "stage.duckdb").exists()  # the old staging file went first: never two on the disk
        again = run("migrate", NEW_SHOP, "-o", out, "--keep-currency")
        assert again.returncode == 0, again.stderr
        assert platform(out) == "prestashop" and leftovers(out) == []
        assert not list(Path("/dev/shm").glob(f"dumpkit-{proc.pid}-*"))


TAMPER = {
    "a changed file": (lambda out, other: open(out / "products.parquet", "ab").write(b"x"), "products.parquet"),
    "a file of another run": (lambda out, other: shutil.copy(other / "products.parquet", out / "products.parquet"),
                              "products.parquet"),
    "a missing file": (lambda out, other: (out / "issues.jsonl").unlink(), "issues.jsonl"),
    "a stale review.json": (lambda out, other: shutil.copy(other / "review.json", out / "review.json"), "review.json"),
    "no file list": (lambda out, other: (out / "manifest.json").write_text(json.dumps(
        {k: v for k, v in json.loads((out / "manifest.json").read_text()).items() if k != "files"})), "lists no files"),
    "a path outside": (lambda out, other: (out / "manifest.json").write_text(json.dumps(
        {**json.loads((out / "manifest.json").read_text()), "files": {**json.loads((out / "manifest.json").read_text())[
            "files"], "../secret": {"size": 1, "sha256": "0"}}})), "'../secret'"),
    "a broken manifest": (lambda out, other: (out / "manifest.json").write_text("{"), "cannot be read"),
}


@pytest.mark.parametrize("case", list(TAMPER))
def test_report_refuses_a_package_that_does_not_match_its_manifest(packages, tmp_path, case):
    out = tmp_path / "out"
    shutil.copytree(packages / "opencart", out)
    tamper, named = TAMPER[case]
    tamper(out, packages / "demo")
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and named in result.stderr, result.stderr
    with pytest.raises(DumpkitError):
        check_package(out)


def test_a_full_run_after_a_demo_leaves_no_review(packages, tmp_path):
    """Also `migrate OUT/stage.duckdb -o OUT`: the package's own staging file is the input,
    and stays with the new package (moved, not copied)."""
    out = tmp_path / "out"
    shutil.copytree(packages / "demo", out)
    assert (out / "review.json").exists()
    inode = (out / "stage.duckdb").stat().st_ino
    result = migrate(out / "stage.duckdb", out, keep_currency=True)
    assert result.out == out and not check_package(out)["options"].get("demo")
    assert not (out / "review.json").exists() and "review.json" not in check_package(out)["files"]
    assert (out / "stage.duckdb").stat().st_ino == inode and leftovers(out) == []


def test_a_folder_that_is_not_a_package_is_never_replaced(tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "letter.txt").write_text("mine")
    (out / "products.parquet").write_bytes(b"not ours either")
    result = CliRunner().invoke(app, ["migrate", str(OLD_SHOP), "-o", str(out), "--keep-currency"])
    assert result.exit_code == 1 and "letter.txt" in result.stderr and result.stderr.count("\n") == 1
    assert (out / "letter.txt").read_text() == "mine" and leftovers(out) == []
    dump_folder = tmp_path / "dumps"
    dump_folder.mkdir()
    shutil.copy(OLD_SHOP, dump_folder)
    result = CliRunner().invoke(app, ["migrate", str(dump_folder), "-o", str(dump_folder / "out"), "--keep-currency"])
    assert result.exit_code == 1 and "inside the dump folder" in result.stderr


@contextmanager
def tmpfs(size: str, *options: str):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="dumpkit-tmpfs-"))
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(where)],
                           capture_output=True, text=True)
    if mount.returncode:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)
        where.rmdir()


def package_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.iterdir() if p.name != "stage.duckdb")


def test_disk_full_while_writing_keeps_the_old_package(packages, tmp_path):
    staged = tmp_path / "stage.duckdb"
    shutil.copy(packages / "opencart" / "stage.duckdb", staged)  # staged outside the small disk
    # room for the old (demo) package and not for a second one next to it
    room = package_bytes(packages / "demo") + package_bytes(packages / "opencart") // 2
    with tmpfs(f"{room // 1024 + 64}k") as disk:
        out = disk / "out"
        shutil.copytree(packages / "demo", out, ignore=shutil.ignore_patterns("stage.duckdb"))
        before = (out / "manifest.json").read_bytes()
        proc = run("migrate", staged, "-o", out, "--keep-currency")
        assert proc.returncode == 5, proc.stderr
        assert "disk is full" in one_line(proc)
        assert (out / "manifest.json").read_bytes() == before
        check_package(out)
        assert sorted(p.name for p in disk.iterdir()) == ["out"]  # no temporary folder, no lock left


def test_disk_full_while_staging_is_exit_5(tmp_path):
    with tmpfs("2m") as disk:
        proc = run("migrate", NEW_SHOP, "-o", disk / "out", "--keep-currency")
        assert proc.returncode == 5, proc.stderr
        assert "disk is full" in one_line(proc) or "space" in one_line(proc)
        assert list(disk.iterdir()) == []


def test_read_only_output_is_exit_5(tmp_path):
    with tmpfs("1m", "ro") as disk:
        for args in (["migrate", OLD_SHOP, "-o", disk / "out"], ["stage", OLD_SHOP, "--db", disk / "s.duckdb"]):
            proc = run(*args)
            assert proc.returncode == 5 and "read-only" in one_line(proc), proc.stderr
