"""The CLI tried as an unlucky user would: every wrong option, path or file ends with one
line on stderr and the exit code errors.py documents, never "internal error" (3)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dumpkit.cli import app
from dumpkit.stage import stage_dump
from tests.helpers import error_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHOP = FIXTURES / "opencart" / "oc-2.3.0.2.sql"


def cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output and "internal error" not in result.stderr, result.stderr
    assert len(error_lines(result.stderr)) == 1, result.stderr
    return result.exit_code, result.stderr


@pytest.fixture
def files(tmp_path):
    (tmp_path / "binary.toml").write_bytes(b"\x00\xff\xfe\x89PNG\r\n")
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "nested.json").write_text('{"order_status": {"5": {"deep": 1}}}')
    (tmp_path / "flat.toml").write_text('order_status = 3\n')
    (tmp_path / "broken.toml").write_text('[order_status\n')
    (tmp_path / "a-file").write_text("x")
    return tmp_path


CASES = [
    (["--size", "-1", "--demo"], "--size must be at least 1"),
    (["--size", "0", "--demo"], "--size must be at least 1"),
    (["--size", "ten"], "'ten' is not a valid int"),
    (["--value-map", "{d}/binary.toml"], "not a text file"),
    (["--value-map", "{d}/list.json"], "a value map is"),
    (["--value-map", "{d}/nested.json"], "a value map is"),
    (["--value-map", "{d}/flat.toml"], "a value map is"),
    (["--value-map", "{d}/broken.toml"], "not a valid value map"),
    (["--value-map", "{d}/missing.toml"], "No such file"),
    (["--value-map", "{d}"], "Is a directory"),
    (["--only", ","], "--only names no entity"),
    (["--only", "prodcts"], "unknown entity prodcts"),
    (["--shop-country", "Norway"], "--shop-country must be a two-letter"),
    (["--timezone", "Mars/Olympus"], "--timezone 'Mars/Olympus'"),
    (["--platform", "shopify"], "unknown platform 'shopify'"),
    (["--sise", "3"], "No such option: --sise"),
]


@pytest.mark.parametrize("args,message", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_migrate_option_is_one_line_exit_1(files, args, message):
    code, err = cli("migrate", SHOP, "-o", files / "out", *[a.format(d=files) for a in args])
    assert code == 1 and message in err, err
    assert not (files / "out").exists()


@pytest.mark.parametrize("args,message", [
    (["migrate", "{d}/missing.sql", "-o", "{d}/out"], "no such file"),
    (["migrate", SHOP, "-o", "{d}/a-file"], "is a file, not a folder"),
    (["migrate", SHOP, "-o", "{d}/a-file/out"], "is a file, not a folder"),
    (["migrate", SHOP], "Missing option '-o'"),
    (["stage", SHOP, "--db", "{d}"], "is a folder"),
    (["stage", SHOP, "--db", "{d}/a-file/s.duckdb"], "is a file, not a folder"),
    (["stage", SHOP, "--db", "{d}/s.duckdb", "--workers", "0"], "--workers must be at least 1"),
    (["stage", SHOP], "Missing option '--db'"),
    (["report", "{d}/missing"], "no manifest.json"),
    (["report", "{d}/a-file"], "no manifest.json"),
    (["nonsense"], "No such command 'nonsense'"),
])
def test_bad_path_or_command_is_one_line_exit_1(files, args, message):
    code, err = cli(*[str(a).format(d=files) for a in args])
    assert code == 1 and message in err, err


def as_nobody(*args) -> subprocess.CompletedProcess:
    return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                           "dumpkit.cli", *map(str, args)], capture_output=True, text=True, cwd="/")


def test_unreadable_dump_and_unwritable_folder_are_one_line():
    """As a user without the right to read the dump (root reads everything: run as nobody)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv (util-linux) to run the command as another user")
    base = Path(tempfile.mkdtemp(prefix="dumpkit-nobody-"))
    try:
        base.chmod(0o755)
        closed, folder, ro = base / "closed", base / "folder", base / "ro"
        for d, mode in ((closed, 0o700), (folder, 0o755), (ro, 0o555)):
            d.mkdir()
            shutil.copy(SHOP, d / "shop.sql")
            d.chmod(mode)
        (folder / "shop.sql").chmod(0)
        for dump in (folder / "shop.sql", folder, closed / "shop.sql"):
            for command in (["migrate", dump, "-o", "/tmp/never"], ["stage", dump, "--db", "/tmp/never.duckdb"],
                            ["inspect", dump]):
                proc = as_nobody(*command)
                assert proc.returncode == 1 and len(error_lines(proc.stderr)) == 1, proc.stderr
                assert "not readable" in proc.stderr or "Permission denied" in proc.stderr, proc.stderr
        proc = as_nobody("migrate", SHOP, "-o", ro / "out")
        assert proc.returncode == 5 and "Permission denied" in proc.stderr and len(error_lines(proc.stderr)) == 1, proc.stderr
        assert not Path("/tmp/never").exists() and not Path("/tmp/never.duckdb").exists()
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)])
        shutil.rmtree(base)


def test_failing_platform_setting_is_one_line_exit_1(tmp_path):
    """A PrestaShop whose default language is not a number: its [params] query fails."""
    db = tmp_path / "stage.duckdb"
    stage_dump(FIXTURES / "prestashop" / "ps-1.6.1.sql", db)
    con = duckdb.connect(str(db))
    con.execute("UPDATE ps_configuration SET value = 'english' WHERE name = 'PS_LANG_DEFAULT'")
    con.close()
    code, err = cli("migrate", db, "-o", tmp_path / "out")
    assert code == 1 and "prestashop setting 'main_language_id' cannot be read from this dump" in err, err
    assert "Conversion Error" in err


def test_readme_lists_the_exit_codes_of_errors_py():
    import re

    import dumpkit.errors

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) +\| [^|]*\| (.*?) +\|$", dumpkit.errors.__doc__, re.M)
    assert len(rows) == 8
    for code, meaning in rows:
        assert f"| {code} | {meaning} |" in readme, (code, meaning)
