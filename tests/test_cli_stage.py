"""`dumpkit stage` and `dumpkit inspect` as a user runs them: exit codes, one-line
errors without tracebacks, partial dumps."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from dumpkit.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MAGENTO = FIXTURES / "magento2" / "m2-categories-sequelpro.sql"
WC = FIXTURES / "woocommerce" / "wc-guest-order.sql"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from dumpkit.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=120)


NOT_DUMPS = {
    "binary.sql": bytes(range(256)) * 64,
    "error.html": b"\n<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n",
    "empty.sql": b"",
    "page.sql.gz": gzip.compress(b"<html><body>Not Found</body></html>"),
}


@pytest.mark.parametrize("name", sorted(NOT_DUMPS))
def test_not_a_dump_is_one_line_exit_2(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(NOT_DUMPS[name])
    for command in (["stage", str(path), "--db", str(tmp_path / "x.duckdb")], ["inspect", str(path)]):
        proc = run_cli(*command)
        assert proc.returncode == 2, proc
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert lines[0].startswith("error: ") and name in lines[0]
    assert not (tmp_path / "x.duckdb").exists()


def test_not_a_dump_is_refused_without_reading_it(tmp_path):
    """A 4 GB file is refused from its first bytes (a sparse file: nothing is really read)."""
    big = tmp_path / "disk.img"
    with open(big, "wb") as f:
        f.write(b"\x7fELF\x02\x01\x01" + bytes(200))
        f.truncate(4 << 30)
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["stage", str(big), "--db", str(tmp_path / "x.duckdb")])
    assert time.perf_counter() - start < 1.0
    assert result.exit_code == 2 and "binary data" in result.stderr
    assert result.stderr.count("\n") == 1


def test_missing_file_and_bad_db_target(tmp_path):
    result = CliRunner().invoke(app, ["stage", str(tmp_path / "nope.sql"), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1 and "no such file" in result.stderr
    dump = tmp_path / "d.sql"
    dump.write_bytes(MAGENTO.read_bytes())
    result = CliRunner().invoke(app, ["stage", str(dump), "--db", str(dump)])
    assert result.exit_code == 1 and "the dump itself" in result.stderr
    assert dump.read_bytes() == MAGENTO.read_bytes()  # never replaced


def test_stage_ok_and_partial(tmp_path):
    db = tmp_path / "ok.duckdb"
    result = CliRunner().invoke(app, ["stage", str(MAGENTO), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "staged 6 tables, 299 rows" in result.stdout
    data = WC.read_bytes()
    cut = tmp_path / "cut.sql"
    cut.write_bytes(data[: len(data) // 2])
    result = CliRunner().invoke(app, ["stage", str(cut), "--db", str(tmp_path / "cut.duckdb"), "--workers", "1"])
    assert result.exit_code == 4 and "--allow-partial" in result.stderr and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["stage", str(cut), "--db", str(tmp_path / "cut.duckdb"), "--workers", "1",
                                      "--allow-partial"])
    assert result.exit_code == 0
    con = duckdb.connect(str(tmp_path / "cut.duckdb"), read_only=True)
    (kind, offset, fatal), = con.execute("SELECT kind, byte_offset, fatal FROM dumpkit.issues WHERE kind = 'truncated'").fetchall()
    rows = con.execute("SELECT sum(rows) FROM dumpkit.tables").fetchone()[0]
    con.close()
    assert fatal and offset == len(data) // 2 and rows > 0


def test_inspect_json(tmp_path):
    result = CliRunner().invoke(app, ["inspect", str(MAGENTO), "--json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    rows = {t["table"]: t["rows"] for t in info["tables"]}
    assert sum(rows.values()) == 299 and rows["catalog_category_entity"] == 40
    assert info["producer"] and info["skipped"]["lock_tables"] == 10
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "10-b.sql").write_bytes(b"INSERT INTO b VALUES (1),(2);\n")
    (folder / "2-a.sql.gz").write_bytes(gzip.compress(b"INSERT INTO a VALUES (1);\n"))
    result = CliRunner().invoke(app, ["inspect", str(folder), "--json"])
    info = json.loads(result.stdout)
    assert [f["name"] for f in info["files"]] == ["2-a.sql.gz", "10-b.sql"]
    assert {t["table"]: t["rows"] for t in info["tables"]} == {"a": 1, "b": 2}


def test_output_is_text_not_markup(tmp_path):
    """Names from the dump, and the shape of its values, reach the terminal as they are ([/b] is BBCode,
    not a style; a value's letters are masked, its brackets are not)."""
    dump = tmp_path / "shop[1].sql"
    dump.write_text("CREATE TABLE `t[x]` (id int, d datetime);\nINSERT INTO `t[x]` VALUES (1, '[/b] not a date [red]');\n")
    result = CliRunner().invoke(app, ["stage", str(dump), "--db", str(tmp_path / "x.duckdb"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "t[x].d" in result.stdout and "'[/*] *** * **** [***]'" in result.stdout.replace("\n", " ")
    result = CliRunner().invoke(app, ["inspect", str(dump)])
    assert result.exit_code == 0 and "t[x]" in result.stdout
