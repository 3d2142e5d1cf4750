"""Open dump files: detect compression by content, unpack zip members, keep
several files in order, and recognise what produced the dump.

Everything here streams: a part is opened as a binary file object that
decompresses on the fly, so a dump of any size is read in bounded memory.
"""
from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from ..errors import DumpkitError, NotADumpError
from .events import DumpInfo

MAGIC = [
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"PK\x03\x04", "zip"),
    (b"PGDMP", "pg_custom"),
]


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


@dataclass
class DumpPart:
    """One SQL text inside the input: a file, or a member of a zip file."""

    path: Path
    compression: str  # none, gzip, bzip2, xz, zstd, zip, pg_custom
    size: int  # bytes on disk (compressed size for a zip member)
    member: str | None = None

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    def open(self, on_read: Callable[[int], None] | None = None) -> BinaryIO:
        """The decompressed SQL text as a binary stream."""
        if self.compression == "pg_custom":
            return _pg_restore_stream(self.path)
        if self.compression == "zip":
            zf = zipfile.ZipFile(self.path)
            info = zf.getinfo(self.member)
            inner = zf.open(info)
            # zip members report uncompressed bytes; scale to the compressed size for progress
            ratio = info.compress_size / info.file_size if info.file_size else 1.0
            cb = (lambda n: on_read(int(n * ratio))) if on_read else None
            return io.BufferedReader(CountingReader(inner, cb), 1 << 20)
        raw = io.BufferedReader(CountingReader(open(self.path, "rb", buffering=0), on_read), 1 << 20)
        if self.compression == "none":
            return raw
        if self.compression == "gzip":
            return gzip.GzipFile(fileobj=raw)
        if self.compression == "bzip2":
            return bz2.BZ2File(raw)
        if self.compression == "xz":
            return lzma.LZMAFile(raw)
        if self.compression == "zstd":
            import zstandard

            return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw), 1 << 20)
        raise DumpkitError(f"unsupported compression {self.compression}")


def _pg_restore_stream(path: Path) -> BinaryIO:
    exe = shutil.which("pg_restore")
    if not exe:
        raise DumpkitError(
            f"{path.name} is a PostgreSQL custom-format dump (pg_dump -Fc); install pg_restore "
            "(Debian: postgresql-client) or dump again with pg_dump in plain format"
        )
    proc = subprocess.Popen([exe, "-f", "-", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return proc.stdout  # type: ignore[return-value]


def detect_compression(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return "none"


def open_parts(paths: list[Path]) -> list[DumpPart]:
    """Every SQL text in the given files and folders, in a stable order."""
    parts: list[DumpPart] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise DumpkitError(f"{p}: no such file")
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
            if not files:
                raise NotADumpError(f"{p}: folder holds no files")
            parts.extend(open_parts(files))
            continue
        kind = detect_compression(p)
        if kind == "zip":
            try:
                zf = zipfile.ZipFile(p)
            except zipfile.BadZipFile as e:
                raise NotADumpError(f"{p.name}: broken zip file ({e})") from None
            members = sorted(
                (i for i in zf.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX")),
                key=lambda i: i.filename,
            )
            sql = [i for i in members if re.search(r"\.sql(\.|$)", i.filename, re.I)] or members
            if not sql:
                raise NotADumpError(f"{p.name}: zip file holds no .sql file")
            parts.extend(DumpPart(p, "zip", i.compress_size, i.filename) for i in sql)
        else:
            parts.append(DumpPart(p, kind, p.stat().st_size))
    return parts


HEAD_BYTES = 256 * 1024
SQL_WORDS = re.compile(
    rb"^\s*(CREATE|INSERT|REPLACE|DROP|SET|USE|COPY|LOCK|ALTER|SELECT|START|BEGIN|/\*!|--|#|\\connect)",
    re.I | re.M,
)


def read_head(part: DumpPart) -> bytes:
    with part.open() as f:
        return f.read(HEAD_BYTES)


def check_is_sql(part: DumpPart, head: bytes) -> None:
    """Refuse what is clearly not a SQL dump, with one line saying what it is."""
    name = part.name
    if not head.strip():
        raise NotADumpError(f"{name}: file is empty, not a SQL dump")
    probe = head[:4096].lstrip()
    if probe[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head")):
        raise NotADumpError(f"{name}: looks like an HTML/XML page (a failed download?), not a SQL dump")
    if b"\x00" in head[:4096]:
        raise NotADumpError(f"{name}: binary data, not a SQL dump")
    if not SQL_WORDS.search(head):
        raise NotADumpError(f"{name}: no SQL statements found, not a SQL dump")


_PRODUCERS = [
    (rb"-- MariaDB dump ([\d.]+)", "mariadb-dump"),
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
