"""Hostile or unlucky input files read exactly or refused in one line: compressed streams of
several members, archives inside archives, symbolic links out of a dump folder, dumps
cut short (stage and migrate exit 4 alike)."""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dumpkit.cli import app
from dumpkit.errors import NotADumpError, PartialDumpError
from dumpkit.migrate import migrate
from dumpkit.read import inspect_parts
from dumpkit.read.inspect import inspect_dump
from dumpkit.read.source import open_parts
from dumpkit.stage import stage_dump
from tests.test_stage_mysql import query, snapshot, stage, write

try:
    from compression import zstd
except ImportError:
    from backports import zstd

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SPREE = FIXTURES / "spree-storedog.sql"
PS8 = FIXTURES / "prestashop" / "ps-8.1.7.sql"

COMPRESS = {
    "gzip": lambda b: gzip.compress(b, 6),
    "bzip2": lambda b: bz2.compress(b, 1),
    "xz": lambda b: lzma.compress(b, preset=0),
    "zstd": lambda b: zstd.compress(b),
}
SUFFIX = {"gzip": ".gz", "bzip2": ".bz2", "xz": ".xz", "zstd": ".zst"}


def rows_dump(n: int, width: int = 20) -> bytes:
    return b"CREATE TABLE `t` (`id` int NOT NULL, `s` text, PRIMARY KEY (`id`));\n" + b"".join(
        b"INSERT INTO `t` VALUES (%d,'%s');\n" % (i, b"abc" * (i % width)) for i in range(n))


def members(data: bytes, cuts: list[int], kind: str) -> bytes:
    """data compressed as one member per piece between the cut offsets (what `cat a.gz b.gz`, pigz
    --independent, bgzip, pbzip2, xz -T and zstd -T write)."""
    bounds = [0, *sorted(set(cuts)), len(data)]
    return b"".join(COMPRESS[kind](data[a:b]) for a, b in zip(bounds, bounds[1:]))


def read_text(path: Path) -> bytes:
    (part,) = open_parts([path])
    with part.open() as f:
        out = f.read()
        assert f.error is None, f.error
    return out


# ------------------------------------------------------------------ streams of several members

# compressible enough that one read inflates past the decompressor's 1 MB step (where gzip's
# unconsumed_tail was read a second time after a member's end)
TEXT = rows_dump(60_000)


@pytest.mark.parametrize("kind", sorted(COMPRESS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, len(TEXT) - 1), min_size=1, max_size=40))
def test_members_split_anywhere_read_as_one_stream(tmp_path, kind, cuts):
    path = write(tmp_path / f"d.sql{SUFFIX[kind]}", members(TEXT, cuts, kind))
    assert read_text(path) == TEXT


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_concatenated_files_stage_every_row_once(tmp_path, kind):
    """`cat a.gz b.gz`: 20,010 rows stage as 20,010, the same as from one stream."""
    data = rows_dump(20_010, width=80)
    half = data.index(b"INSERT", len(data) // 2)
    one = stage(tmp_path, write(tmp_path / f"one.sql{SUFFIX[kind]}", COMPRESS[kind](data)), name="one.duckdb")
    two = stage(tmp_path, write(tmp_path / f"two.sql{SUFFIX[kind]}", members(data, [half], kind)), name="two.duckdb")
    assert one.tables == two.tables == {"t": 20_010}
    assert not two.partial and snapshot(one.db_path) == snapshot(two.db_path)


def test_small_file_of_many_gzip_members_ends(tmp_path):
    """A 10 KB file of members that each inflate past the decompressor's 1 MB step, and bgzip's
    empty end-of-file member: read to its end, each row once (it used to read on forever)."""
    data = rows_dump(0) + b"".join(b"INSERT INTO `t` VALUES (%d,'%s');\n" % (i, b"a" * (2 << 20)) for i in range(5))
    cuts = [m.start() for m in re.finditer(rb"INSERT", data)]
    blob = members(data, cuts, "gzip") + gzip.compress(b"")
    assert len(blob) < 15_000
    path = write(tmp_path / "many.sql.gz", blob)
    assert read_text(path) == data
    assert {t.table: t.rows for t in inspect_dump([path]).tables} == {"t": 5}


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_padding_between_members_and_a_cut_last_member(tmp_path, kind):
    data = rows_dump(2000)
    blob = COMPRESS[kind](data[:5000]) + b"\0" * 8 + COMPRESS[kind](data[5000:])
    assert read_text(write(tmp_path / f"pad.sql{SUFFIX[kind]}", blob)) == data
    cut = write(tmp_path / f"cut.sql{SUFFIX[kind]}", blob[:-7])
    (part,) = open_parts([cut])
    with part.open() as f:
        text = f.read()
    assert f.error and "cut" in f.error and data.startswith(text) and len(text) >= 5000


def test_zstd_bomb_is_read_in_bounded_steps(tmp_path):
    """64 KB of zstd can hold gigabytes: no single read yields more than the decompressor's step."""
    from dumpkit.read.source import OUT_BYTES, Decompressed

    blob = zstd.compress(b"SELECT " + b"x" * (400 << 20), level=19)
    assert len(blob) < 100_000
    raw = Decompressed(io.BufferedReader(io.BytesIO(blob)), "zstd")
    buf = bytearray(64 << 20)
    biggest = total = 0
    while n := raw.readinto(buf):
        biggest, total = max(biggest, len(raw.out)), total + n
    assert total == 7 + (400 << 20) and biggest <= OUT_BYTES and raw.error is None


def test_xz_asking_for_a_huge_window_is_refused(tmp_path):
    """xz may ask for a dictionary of gigabytes; more than 128 MB is refused, not allocated."""
    huge = lzma.compress(rows_dump(10), filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 30}])
    with pytest.raises(NotADumpError, match="Memory usage limit"):
        inspect_parts([write(tmp_path / "huge.sql.xz", huge)])
    xz9 = write(tmp_path / "xz9.sql.xz", lzma.compress(rows_dump(10), preset=9 | lzma.PRESET_EXTREME))
    assert read_text(xz9) == rows_dump(10)


# ------------------------------------------------------------------ archives inside archives

def _zip(members: dict[str, bytes], stored: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


NESTED = {
    "zip in zip": ("outer.zip", _zip({"inner.zip": _zip({"a.sql": rows_dump(500)})}), "a zip archive inside a zip archive"),
    "zip member .sql.zip": ("outer.zip", _zip({"dump.sql.zip": _zip({"a.sql": rows_dump(50)})}), "a zip archive inside"),
    "zip in gzip": ("dump.sql.gz", gzip.compress(_zip({"a.sql": rows_dump(50)})), "a zip archive inside gzip data"),
    "7z in zip": ("outer.zip", _zip({"a.sql": b"7z\xbc\xaf\x27\x1c" + bytes(200)}), "a 7z archive inside"),
    "pg_dump -Fc in gzip": ("db.dump.gz", gzip.compress(b"PGDMP\x01\x0e\x00" + bytes(300)), "custom-format dump"),
    "gzip four times over": ("x.sql.gz", gzip.compress(gzip.compress(gzip.compress(gzip.compress(rows_dump(5))))),
                             "compressed more than 3 times"),
}


@pytest.mark.parametrize("case", sorted(NESTED))
def test_archive_inside_archive_is_refused_in_one_line(tmp_path, case):
    name, blob, says = NESTED[case]
    path = write(tmp_path / name, blob)
    with pytest.raises(NotADumpError, match=says):
        inspect_parts([path])
    result = CliRunner().invoke(app, ["stage", str(path), "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and says in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_compressed_dump_inside_zip_still_reads(tmp_path):
    data = rows_dump(100)
    assert read_text(write(tmp_path / "d.zip", _zip({"d.sql.gz": gzip.compress(data)}))) == data
    assert read_text(write(tmp_path / "e.zip", _zip({"e.sql.zst": zstd.compress(data)}, stored=False))) == data


# ------------------------------------------------------------------ symbolic links in a dump folder

def test_link_out_of_the_folder_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside / "secret.sql", "CREATE TABLE secret (x text);\nINSERT INTO secret VALUES ('root:x:0:0');\n")
    folder = tmp_path / "dump"
    (folder / "sub").mkdir(parents=True)
    write(folder / "1-a.sql", "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1),(2);\n")
    os.symlink("../outside/secret.sql", folder / "2-secret.sql")
    os.symlink(outside, folder / "sub" / "more")  # a folder link out
    os.symlink("1-a.sql", folder / "3-again.sql")  # a link inside: the file is read once
    result = stage(tmp_path, folder)
    assert result.tables == {"a": 2}
    links = [i for i in result.issues if i.kind == "symlink_outside"]
    assert sorted(i.example.split(":")[0] for i in links) == ["2-secret.sql", "sub/more"]
    assert all("outside the folder: not followed" in i.example and not i.fatal for i in links)
    assert not result.partial


def test_folder_of_only_outside_links_is_refused(tmp_path):
    write(tmp_path / "secret.sql", "INSERT INTO s VALUES (1);\n")
    folder = tmp_path / "dump"
    folder.mkdir()
    os.symlink(tmp_path / "secret.sql", folder / "s.sql")
    result = CliRunner().invoke(app, ["inspect", str(folder)])
    assert result.exit_code == 2 and "not followed" in result.stderr and result.stderr.count("\n") == 1


# ------------------------------------------------------------------ dumps cut short

def _cut_between_copy_blocks(path: Path) -> Path:
    """The Spree pg_dump (99 tables) cut after its 50th COPY block, at a line end."""
    data = SPREE.read_bytes()
    end = 0
    for _ in range(50):
        end = data.index(b"\n\\.\n", end) + 4
    return write(path, data[:end])


def test_pg_dump_cut_between_copy_blocks_is_partial(tmp_path):
    cut = _cut_between_copy_blocks(tmp_path / "cut.sql")
    result = stage(tmp_path, cut)
    assert result.partial
    (issue,) = [i for i in result.issues if i.fatal]
    assert issue.kind == "truncated" and "PostgreSQL database dump complete" in issue.example
    assert issue.offset == cut.stat().st_size
    runner = CliRunner()
    r = runner.invoke(app, ["stage", str(cut), "--db", str(tmp_path / "c.duckdb")])
    assert r.exit_code == 4 and "--allow-partial" in r.stderr


def test_whole_pg_dump_and_cluster_dump_are_not_partial(tmp_path):
    assert not stage(tmp_path, SPREE, name="whole.duckdb").partial
    body = SPREE.read_bytes()
    cluster = (b"--\n-- PostgreSQL database cluster dump\n--\n\nSET default_transaction_read_only = off;\n"
               + body + b"\n--\n-- PostgreSQL database cluster dump complete\n--\n\n")
    assert not stage(tmp_path, write(tmp_path / "all.sql", cluster), name="all.duckdb").partial
    cut = write(tmp_path / "allcut.sql", cluster[: cluster.rindex(b"-- PostgreSQL database cluster dump complete")])
    issues = [i for i in inspect_dump([cut]).problems if i["fatal"]]
    assert len(issues) == 1 and "cluster dump complete" in issues[0]["example"]


@pytest.mark.parametrize("fixture", sorted(str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.sql")
                                           if "demo-data-2019" not in p.parts) + ["shopware6/demo-data-2019"])
def test_no_fixture_is_called_cut(fixture):
    """Hand-written and installer SQL has no trailer to miss: only producers that write one
    (mysqldump, mariadb-dump, pg_dump) are held to it."""
    result = inspect_dump([FIXTURES / fixture])
    assert [p for p in result.problems if p["fatal"]] == []


def test_migrate_refuses_a_cut_dump_like_stage(tmp_path):
    """A mysqldump cut between two tables: exit 4 from migrate too (it used to exit 0 with
    '1 error' in the summary), the complete rows kept staged; --allow-partial migrates them."""
    data = PS8.read_bytes()
    cut = write(tmp_path / "cut.sql", data[: data.index(b"-- Table structure for table `ps_product`")])
    with pytest.raises(PartialDumpError, match="Dump completed"):
        migrate(cut, tmp_path / "out", keep_currency=True)
    assert not (tmp_path / "out").exists()  # the package is written whole or not at all
    r = CliRunner().invoke(app, ["migrate", str(cut), "-o", str(tmp_path / "out2"), "--keep-currency"])
    assert r.exit_code == 4 and r.stderr.count("\n") == 1 and "--allow-partial" in r.stderr
    # a staged file of a cut dump (its complete rows kept) is refused the same way
    staged = stage_dump(cut, tmp_path / "cut.duckdb")
    assert staged.partial and query(staged.db_path, "SELECT count(*) FROM ps_category")[0][0] > 0
    with pytest.raises(PartialDumpError):
        migrate(staged.db_path, tmp_path / "out3", keep_currency=True)


@pytest.mark.slow
def test_migrate_allow_partial_and_cut_pg_dump(tmp_path):
    cut = _cut_between_copy_blocks(tmp_path / "cut.sql")
    r = CliRunner().invoke(app, ["migrate", str(cut), "-o", str(tmp_path / "o"), "--keep-currency"])
    assert r.exit_code == 4 and "no known shop platform" not in r.stderr
    data = PS8.read_bytes()
    cut = write(tmp_path / "cutps.sql", data[: data.rindex(b"-- Dump completed")])
    result = migrate(cut, tmp_path / "ps", allow_partial=True, keep_currency=True)
    assert result.manifest["source"]["partial"] and result.counts["products"] > 0
