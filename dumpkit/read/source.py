"""Open dump files: detect compression by content, unpack zip members, keep
several files in order, and recognise what produced the dump.

Everything here streams: a part is opened as a binary file object that
decompresses on the fly, so a dump of any size is read in bounded memory.
"""
from __future__ import annotations

import bz2
import codecs
import io
import lzma
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from ..errors import DumpkitError, NotADumpError
from ..limits import MAX_STATEMENT_MB  # noqa: F401  (the readers' default)
from .events import DumpInfo

MAGIC = [
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
    (b"PGDMP", "pg_custom"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
]
_STREAMS = ("gzip", "bzip2", "xz", "zstd")


class CountingReader(io.RawIOBase):
    """Counts the bytes read from the file on disk, for progress and ETA."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None):
        self.raw = raw
        self.on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.raw.readinto(b)
        if n and self.on_read:
            self.on_read(n)
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


def _decompressor(kind: str):
    """A decompressor for one member (gzip) or stream (bzip2, xz) or frame (zstd). Each
    takes `max_length`, so no call yields more than that: a few KB of a hostile file can
    inflate to gigabytes. The window xz and zstd keep is capped at 128 MB (zstd's default;
    `xz -9` needs 65 MB, `zstd --long` 128 MB): a file asking for more is reported as corrupt."""
    if kind == "gzip":
        return zlib.decompressobj(wbits=31)
    if kind == "bzip2":
        return bz2.BZ2Decompressor()
    if kind == "xz":
        return lzma.LZMADecompressor(memlimit=WINDOW_BYTES)
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd
    return zstd.ZstdDecompressor()


class _Produced(io.RawIOBase):
    """A raw stream serving bytes that `_produce()` makes (decompressed, transcoded...);
    `_produce()` returns False at the end of the data."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.out = b""
        self.out_pos = 0  # served from out so far (slicing it on each read would copy it again)

    def readable(self) -> bool:
        return True

    def _produce(self) -> bool:
        raise NotImplementedError

    def readinto(self, b) -> int:
        while self.out_pos >= len(self.out):
            self.out, self.out_pos = b"", 0
            if not self._produce():
                return 0
        n = min(len(b), len(self.out) - self.out_pos)
        b[:n] = memoryview(self.out)[self.out_pos:self.out_pos + n]
        self.out_pos += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


OUT_BYTES = 1 << 20  # the most one decompressor call may yield
WINDOW_BYTES = 128 << 20  # the most memory an xz stream may ask for (zstd frames: the same by default)
IN_BYTES = 1 << 16


class Decompressed(_Produced):
    """A gzip/bzip2/xz/zstd stream, decompressed as it is read, at most OUT_BYTES at a
    time. Concatenated members (`cat a.gz b.gz`, pigz, bgzip, pbzip2, xz -T, zstd -T)
    are read one after the other, each exactly once; zero bytes after a member are
    padding. Where the data ends early or is corrupt, reading stops as at a normal end
    and `error` says what happened, so everything before that point is still read."""

    def __init__(self, raw: BinaryIO, kind: str):
        super().__init__(raw)
        self.kind = kind
        self.d = _decompressor(kind)
        self.pending = b""  # compressed bytes not yet given to the decompressor
        self.consumed = 0  # compressed bytes read
        self.error: str | None = None

    def _read_raw(self) -> bytes:
        data = self.raw.read(IN_BYTES)
        self.consumed += len(data)
        return data

    def _next_member(self) -> bool:
        """After a member's end: start the next one, or end at padding or end of file."""
        rest = self.d.unused_data + self.pending
        while not rest.strip(b"\x00"):  # zero bytes: padding (xz streams, tape blocks)
            rest = self._read_raw()
            if not rest:
                return False
        self.d, self.pending = _decompressor(self.kind), rest.lstrip(b"\x00")
        return True

    def _produce(self) -> bool:
        if self.error or (self.d.eof and not self._next_member()):
            return False
        # zlib hands back what it did not use (unconsumed_tail; after a member's end the next
        # member is in unused_data, and unconsumed_tail still holds it too: never read it
        # then); bzip2, xz and zstd keep it and say whether they need more (needs_input)
        wants = self.kind == "gzip" or self.d.needs_input
        data, self.pending = (self.pending or self._read_raw()) if wants else b"", b""
        try:
            self.out = self.d.decompress(data, OUT_BYTES)
        except Exception as e:  # zlib.error, OSError, LZMAError, ZstdError
            self.error = f"the {self.kind} data is corrupt near compressed byte {self.consumed:,}: {e}"
            return False
        if self.kind == "gzip" and not self.d.eof:
            self.pending = self.d.unconsumed_tail
        if wants and not data and not self.out and not self.d.eof:
            self.error = f"the {self.kind} data ends early (after {self.consumed:,} compressed bytes): the file is cut"
            return False
        return True


class Guarded(io.RawIOBase):
    """A stream whose read errors (a corrupt zip member) end it, kept in `error`."""

    def __init__(self, raw: BinaryIO, what: str):
        self.raw = raw
        self.what = what
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.error:
            return 0
        try:
            return self.raw.readinto(b) or 0
        except Exception as e:  # zlib.error, BadZipFile (CRC), EOFError
            self.error = f"{self.what} is corrupt or cut: {e}"
            return 0

    def close(self) -> None:
        self.raw.close()
        super().close()


class Utf16(_Produced):
    """UTF-16 text (PowerShell's `mysqldump > file` writes it) as UTF-8, streamed."""

    def __init__(self, raw: BinaryIO):
        super().__init__(raw)
        self.dec = codecs.getincrementaldecoder("utf-16")("replace")

    def _produce(self) -> bool:
        data = self.raw.read(1 << 20)
        self.out = self.dec.decode(data, final=not data).encode("utf-8")
        return bool(data)


class PartStream(io.BufferedReader):
    """The SQL text of one part. `part_name` is set when the input has several parts
    (for messages); `error` says where compressed data ended early; `ignored` why a
    file in a folder is not read."""

    part_name: str | None = None
    ignored: str | None = None
    ignored_kind: str = "not_a_dump"

    @property
    def error(self) -> str | None:
        raw = self.raw
        while raw is not None:
            if getattr(raw, "error", None):
                return raw.error
            raw = getattr(raw, "raw", None)
        return None


_KIND_NAMES = {"zip": "a zip archive", "7z": "a 7z archive", "rar": "a rar archive",
               "pg_custom": "a PostgreSQL custom-format dump (pg_dump -Fc)"}
MAX_NESTING = 3  # compression inside compression, e.g. a .sql.gz in a zip: deeper is not a dump


def _text_stream(raw: io.RawIOBase, name: str | None, where: str, outer: str, depth: int = 1) -> PartStream:
    """Unpack nested compression (a .sql.gz inside a zip) and UTF-16, by content. An
    archive inside (a zip in a zip) is refused: its bytes are not SQL."""
    stream = PartStream(raw, 1 << 20)
    head = stream.peek(8)[:8]
    for magic, kind in MAGIC:
        if not head.startswith(magic):
            continue
        if kind not in _STREAMS:
            raise NotADumpError(f"{where}: {_KIND_NAMES[kind]} inside {outer}; unpack it and give dumpkit "
                                "the file(s) inside")
        if depth >= MAX_NESTING:
            raise NotADumpError(f"{where}: compressed more than {MAX_NESTING} times over, not a dump")
        return _text_stream(Decompressed(stream, kind), name, where, f"{kind} data", depth + 1)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        stream = PartStream(Utf16(stream), 1 << 20)
    stream.part_name = name
    return stream


@dataclass
class DumpPart:
    """One SQL text inside the input: a file, or a member of a zip file."""

    path: Path
    compression: str  # none, gzip, bzip2, xz, zstd, zip, pg_custom
    size: int  # bytes on disk (compressed size for a zip member)
    member: str | None = None
    multi: bool = False  # one of several parts: messages name it
    ignored: str | None = None  # a file in a folder that is not a SQL dump: reported, not read
    ignored_kind: str = "not_a_dump"  # the issue it is reported as

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    def open(self, on_read: Callable[[int], None] | None = None) -> BinaryIO:
        """The decompressed SQL text as a binary stream (a PartStream)."""
        name = self.name if self.multi else None
        if self.ignored:
            stream = PartStream(io.BytesIO(b""))
            stream.part_name, stream.ignored, stream.ignored_kind = self.name, self.ignored, self.ignored_kind
            return stream
        if self.compression == "pg_custom":
            return _pg_restore_stream(self.path)
        if self.compression == "zip":
            zf = zipfile.ZipFile(self.path)
            info = zf.getinfo(self.member)
            inner = zf.open(info)
            # zip members report uncompressed bytes; scale to the compressed size for progress
            ratio = info.compress_size / info.file_size if info.file_size else 1.0
            cb = (lambda n: on_read(int(n * ratio))) if on_read else None
            return _text_stream(Guarded(CountingReader(inner, cb), f"zip member {self.member}"), name, self.name,
                                "a zip archive")
        raw = CountingReader(open(self.path, "rb", buffering=0), on_read)
        if self.compression == "none":
            return _text_stream(raw, name, self.name, "the file")
        if self.compression in _STREAMS:
            return _text_stream(Decompressed(PartStream(raw, 1 << 20), self.compression), name, self.name,
                                f"{self.compression} data")
        raise DumpkitError(f"unsupported compression {self.compression}")


def _pg_restore_stream(path: Path) -> BinaryIO:
    exe = shutil.which("pg_restore")
    if not exe:
        raise DumpkitError(
            f"{path.name} is a PostgreSQL custom-format dump (pg_dump -Fc); install pg_restore "
            "(Debian: postgresql-client) or dump again with pg_dump in plain format"
        )
    # stderr to a file, not a pipe nobody reads (pg_restore would block on many warnings)
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([exe, "-f", "-", str(path)], stdout=subprocess.PIPE, stderr=err)
    return io.BufferedReader(_ProcessStream(proc, err), 1 << 20)


class _ProcessStream(io.RawIOBase):
    """pg_restore's output; a failed pg_restore is an error, not a short dump."""

    def __init__(self, proc: subprocess.Popen, err):
        self.proc, self.err = proc, err

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self.proc.stdout.readinto(b)
        if not n and self.proc.wait() != 0:
            self.err.seek(0)
            first = (self.err.read().decode(errors="replace").strip().splitlines() or ["no message"])[0]
            raise DumpkitError(f"pg_restore failed: {first}")
        return n

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.err.close()
        super().close()


def detect_compression(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return "none"


def _natural(path: Path) -> list:
    """Sort key: `2-category.sql` before `10-customer.sql`, as per-table dump folders mean."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(path))]


def open_parts(paths: list[Path]) -> list[DumpPart]:
    """Every SQL text in the given files and folders, in a stable order. Files in a
    folder that are not SQL dumps (a README, mysqldump --tab data) are kept as
    ignored parts at the end, so the reader reports them."""
    parts = _open_parts(paths)
    if len(parts) > 1:
        for part in parts:
            part.multi = True
    return parts


def _open_parts(paths: list[Path], in_folder: bool = False) -> list[DumpPart]:
    parts: list[DumpPart] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise DumpkitError(f"{p}: no such file")
        if p.is_dir():
            files, links = _folder_files(p)
            if not files:
                raise NotADumpError(f"{p}: folder holds no files" + (f" ({links[0].ignored})" if links else ""))
            found = _open_parts(files, in_folder=True) + links
            ok = [f for f in found if not f.ignored]
            if not ok:
                raise NotADumpError(f"{p}: no SQL dump in this folder ({found[0].ignored})")
            parts.extend(ok + [f for f in found if f.ignored])
            continue
        try:
            found = _open_file(p)
            for part in found:
                check_is_sql(part, read_head(part))
        except NotADumpError as e:
            if not in_folder:
                raise
            found = [DumpPart(p, "none", p.stat().st_size, ignored=str(e))]
        parts.extend(found)
    return parts


def _folder_files(folder: Path) -> tuple[list[Path], list[DumpPart]]:
    """The files of a folder of dumps, in natural order (hidden ones left out), and the
    symbolic links that lead out of it: those are not followed (a dump folder is
    uploaded: a link in it must not read the machine's files), but reported. A link to
    a file inside the folder is read once: the file itself is."""
    root = folder.resolve()
    files, links, seen = [], [], set()
    entries = sorted(folder.rglob("*"), key=lambda f: (f.is_symlink(), _natural(f.relative_to(folder))))
    for f in entries:  # files first, then links
        if any(x.startswith(".") for x in f.relative_to(folder).parts):
            continue
        target = f.resolve()
        if f.is_symlink() and not target.is_relative_to(root):
            links.append(DumpPart(f, "none", 0, ignored=f"{f.relative_to(folder)}: a symbolic link to {os.readlink(f)}, outside the folder: "
                                  "not followed", ignored_kind="symlink_outside"))
        elif target.is_file() and target not in seen:
            seen.add(target)
            files.append(f)
    return sorted(files, key=lambda f: _natural(f.relative_to(folder))), links


def _open_file(p: Path) -> list[DumpPart]:
    kind = detect_compression(p)
    if kind in ("7z", "rar"):
        raise NotADumpError(f"{p.name}: a {kind} archive; unpack it and give the .sql file(s) inside")
    if kind != "zip":
        return [DumpPart(p, kind, p.stat().st_size)]
    try:
        zf = zipfile.ZipFile(p)
    except zipfile.BadZipFile as e:
        raise NotADumpError(f"{p.name}: broken zip file ({e})") from None
    members = sorted(
        (i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")),
        key=lambda i: _natural(Path(i.filename)),
    )
    sql = [i for i in members if re.search(r"\.sql(\.|$)", i.filename, re.I)] or members
    if not sql:
        raise NotADumpError(f"{p.name}: zip file holds no .sql file")
    return [DumpPart(p, "zip", i.compress_size, i.filename) for i in sql]


HEAD_BYTES = 256 * 1024
# a statement at the start of a line (comments alone do not make a dump)
SQL_WORDS = re.compile(
    rb"^[ \t]*(?:/\*M?!\d*\s*)?(?:CREATE|INSERT|REPLACE|DROP|SET|USE|COPY|LOCK|ALTER|SELECT|START|BEGIN|DELETE|UPDATE"
    rb"|TRUNCATE|DELIMITER|\\connect)\b",
    re.I | re.M,
)
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13, 26))


def read_head(part: DumpPart) -> bytes:
    if part.ignored:
        return b""
    try:
        with part.open() as f:
            head = f.read(HEAD_BYTES)
            if not head and getattr(f, "error", None):  # corrupt from its first byte
                raise NotADumpError(f"{part.name}: {f.error}")
            return head
    except (OSError, EOFError, zipfile.BadZipFile) as e:  # unreadable before the first byte
        raise NotADumpError(f"{part.name}: cannot be read ({e})") from None


# words a SQL dump starts with: a small dump of binary rows can hold many control bytes
_SQL_WORDS = re.compile(rb"-- (?:MySQL|MariaDB) dump|-- PostgreSQL database dump|\b(?:CREATE\s+TABLE|INSERT\s+INTO|SET\s+NAMES)\b", re.I)


def check_is_sql(part: DumpPart, head: bytes) -> None:
    """Refuse what is clearly not a SQL dump, with one line saying what it is."""
    name = part.name
    if part.ignored:
        return
    if not head.strip():
        raise NotADumpError(f"{name}: file is empty, not a SQL dump")
    probe = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if probe[:15].lower().startswith(b"<?xml") and not re.match(rb"<\?xml[^>]*>\s*<(!doctype\s+)?html", probe[:500], re.I):
        # a WordPress export (WXR), a PrestaShop fixture, a sitemap: data, but not the database
        raise NotADumpError(f"{name}: an XML file; XML is not a dump: export the shop's database with mysqldump / "
                            "mariadb-dump (or pg_dump) and give dumpkit that file")
    if probe[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")):
        raise NotADumpError(f"{name}: looks like an HTML page (a failed download?), not a SQL dump")
    if head[257:262] == b"ustar":
        raise NotADumpError(f"{name}: a tar archive; unpack it and give the .sql file(s) inside")
    if head.startswith(b"SQLite format 3\x00"):
        raise NotADumpError(f"{name}: an SQLite database file, not a SQL dump")
    if head[8:12] == b"DUCK":
        raise NotADumpError(f"{name}: a DuckDB database file (already staged?), not a SQL dump")
    # text dumps hold next to no control bytes (a raw NUL in a string can happen); binary files many
    sample = head[:65536]
    control = len(sample) - len(sample.translate(None, _CONTROL))
    if control > 8 and control > len(sample) * 0.01 and not _SQL_WORDS.search(sample[:4096]):
        raise NotADumpError(f"{name}: binary data, not a SQL dump")
    if not SQL_WORDS.search(head):
        raise NotADumpError(f"{name}: no SQL statements found, not a SQL dump")


_PRODUCERS = [
    # the Distrib version is the tool's release (the first number is its protocol version)
    (rb"-- MariaDB dump [\d.]+\s+Distrib ([\d.]+)", "mariadb-dump"),
    (rb"-- MariaDB dump ([\d.]+)", "mariadb-dump"),
    (rb"-- MySQL dump [\d.]+\s+Distrib ([\d.]+)", "mysqldump"),
    (rb"-- MySQL dump ([\d.]+)", "mysqldump"),
    (rb"-- phpMyAdmin SQL Dump\s*\n-- version ([^\s]+)", "phpMyAdmin"),
    (rb"-- Adminer ([\d.]+)", "Adminer"),
    (rb"# Sequel Pro SQL dump|# Sequel Ace SQL dump", "Sequel Pro"),
    (rb"-- MySQL Workbench|-- MySQL Administrator dump|Dump created by MySQL pump", "MySQL Workbench"),
    (rb"# WordPress MySQL database migration", "WP Migrate DB"),
    (rb"-- Dumped by pg_dump version ([\d.]+)", "pg_dump"),
    (rb"Navicat", "Navicat"),
    (rb"-- HeidiSQL", "HeidiSQL"),
]


def sniff(head: bytes) -> DumpInfo:
    """Dialect, producer and versions from the first bytes of a dump."""
    pg = bool(re.search(rb"^(COPY \S+ .*FROM stdin;|-- PostgreSQL database dump|SET client_encoding|\\connect )", head, re.M))
    info = DumpInfo(dialect="postgres" if pg else "mysql")
    for pattern, producer in _PRODUCERS:
        m = re.search(pattern, head)
        if m:
            info.producer = producer
            if m.groups():
                info.producer_version = m.group(1).decode()
            break
    else:
        if re.search(rb"INSERT INTO \S+ VALUES", head) and not re.search(rb"CREATE TABLE", head, re.I):
            info.producer = "installer or hand-written SQL (data only)"
        elif info.producer == "unknown" and not pg:
            info.producer = "installer or hand-written SQL"
    m = re.search(rb"-- Server version\s*:?\s*([^\n]+)", head) or re.search(
        rb"-- Dumped from database version ([\d.]+)", head
    ) or re.search(rb"-- Adminer [\d.]+ (\w+ [\d.\-\w]+) dump", head) or re.search(rb"# Server version:? ([^\n]+)", head)
    if m:
        info.server_version = m.group(1).decode(errors="replace").strip()
    m = re.search(rb"SET NAMES '?(\w+)", head) or re.search(rb"SET client_encoding = '(\w+)'", head)
    if m:
        info.charset = m.group(1).decode().lower()
    m = re.search(rb"-- Host: \S+\s+Database: (\S+)", head)
    if m:
        info.database = m.group(1).decode(errors="replace")
    return info


# ---------------------------------------------------------------- bounded statements
# a line longer than this is read in pieces; a piece ends only between two letters or digits
# (never inside a `--`, `/*`, `''` or `\'` the statement scanners must see whole)
LINE_BYTES = 4 << 20
_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def piece_end(data: bytes | bytearray, start: int, end: int) -> int:
    """Where a piece of a long line data[start:] should end, at most at `end`: between two
    letters or digits, not right after a `$` tag start (PostgreSQL's dollar quotes); `end`
    itself when the last 64 KB have no such place (a hostile line: no better place)."""
    low = max(start + 1, end - (64 << 10))
    for at in range(end - 1, low, -1):
        if data[at] in _ALNUM and data[at - 1] in _ALNUM and data.rfind(b"$", max(low, at - 64), at) < 0:
            return at
    return end
