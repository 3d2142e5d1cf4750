"""Read a dump: bytes in, events out (see events.py). No database server involved."""
from __future__ import annotations

from concurrent.futures import Executor
from pathlib import Path
from typing import Callable, Iterator

from .events import DumpInfo, Event, Problem
from .staged_names import SourceNames, StagedNames
from .source import MAX_STATEMENT_MB, DumpPart, check_is_sql, open_parts, read_head, sniff


def inspect_parts(paths: list[Path]) -> tuple[list[DumpPart], DumpInfo]:
    """The parts of the input and what the first one says about the dump.
    Raises NotADumpError within a second for what is not a SQL dump."""
    parts = open_parts(paths)
    info = None
    for part in parts:
        head = read_head(part)
        check_is_sql(part, head)
        if info is None:
            info = sniff(head)
            info.extra["compression"] = part.compression
    assert info is not None
    return parts, info


def read_events(
    parts: list[DumpPart],
    info: DumpInfo,
    executor: Executor | None = None,
    on_read: Callable[[int], None] | None = None,
    count_only: bool = False,
    max_statement_mb: int = MAX_STATEMENT_MB,
    keep_rows: Callable[[str], bool] | None = None,
) -> Iterator[Event]:
    """Every event of every part, in order. Offsets count decompressed bytes across parts.
    A statement longer than `max_statement_mb` is reported and skipped (source.MAX_STATEMENT_MB).
    `keep_rows(table)` False: the table's rows are counted (RowCount), not read (MySQL dumps; a
    PostgreSQL dump's rows are all read).
    Tables are named as staged: apart when their names differ only in case (staged_names)."""
    names = SourceNames()  # one for all parts: a folder of per-table files is one database
    return StagedNames(names).events(_read_parts(parts, info, executor, on_read, count_only, max_statement_mb, names,
                                                         keep_rows))


def _read_parts(parts, info, executor, on_read, count_only, max_statement_mb, names, keep_rows) -> Iterator[Event]:
    from .mysql import MySQLReader

    offset = 0
    for part in parts:
        with part.open(on_read) as stream:
            if getattr(stream, "ignored", None):  # a file in a folder that is not a SQL dump, a link out of it
                yield Problem(stream.ignored_kind, offset, example=stream.ignored)
            elif info.dialect == "postgres":
                from .postgres import read_postgres

                reader = read_postgres(stream, info, max_statement_mb << 20, names)
                for ev in reader:
                    ev.offset += offset
                    yield ev
                offset += getattr(reader, "bytes_read", 0)
            else:
                reader = MySQLReader(stream, info, executor, offset, count_only, max_statement_mb << 20, names, keep_rows)
                try:
                    yield from reader.events()
                except (EOFError, OSError) as e:  # a cut gzip/xz/bz2 stream
                    yield Problem("truncated", reader.offset, example=f"compressed stream is cut: {e}", fatal=True)
                offset = reader.offset
    info.extra["sql_bytes"] = offset  # the SQL text read, decompressed
