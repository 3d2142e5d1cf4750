"""`dumpkit inspect`: what a dump holds, by a scan that counts rows without typing them."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from . import MAX_STATEMENT_MB, inspect_parts, read_events
from .events import Problem, RowBatch, RowCount, Skipped, TableDef


@dataclass
class TableSummary:
    table: str
    rows: int = 0
    bytes: int = 0
    columns: int | None = None
    has_ddl: bool = False


@dataclass
class InspectResult:
    files: list[dict]
    dialect: str
    producer: str
    producer_version: str | None
    server_version: str | None
    charset: str | None
    compression: str
    tables: list[TableSummary]
    skipped: dict[str, int] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def inspect_dump(paths: list[Path], on_progress: Callable[[int, int], None] | None = None,
                 max_statement_mb: int = MAX_STATEMENT_MB) -> InspectResult:
    start = time.perf_counter()
    parts, info = inspect_parts([Path(p) for p in paths])
    total = sum(p.size for p in parts)
    read = [0]

    def on_read(n: int) -> None:
        read[0] += n
        if on_progress:
            on_progress(read[0], total)

    tables: dict[str, TableSummary] = {}
    skipped: dict[str, int] = {}
    problems: list[dict] = []
    for ev in read_events(parts, info, None, on_read, count_only=True, max_statement_mb=max_statement_mb):
        if isinstance(ev, TableDef):
            t = tables.setdefault(ev.table, TableSummary(ev.table))
            t.columns, t.has_ddl = len(ev.columns), True
        elif isinstance(ev, RowCount):
            t = tables.setdefault(ev.table, TableSummary(ev.table))
            t.rows += ev.rows
            t.bytes += ev.nbytes
        elif isinstance(ev, RowBatch):  # readers without a scan mode
            t = tables.setdefault(ev.table, TableSummary(ev.table))
            t.rows += ev.data.num_rows
            t.bytes += ev.data.nbytes
            t.columns = t.columns or ev.data.num_columns
        elif isinstance(ev, Skipped):
            skipped[ev.kind] = skipped.get(ev.kind, 0) + 1
        elif isinstance(ev, Problem):
            problems.append({"kind": ev.kind, "table": ev.table, "offset": ev.offset, "example": ev.example, "fatal": ev.fatal})
    return InspectResult(
        files=[{"name": p.name, "bytes": p.size, "compression": p.compression} for p in parts],
        dialect=info.dialect,
        producer=info.producer,
        producer_version=info.producer_version,
        server_version=info.server_version,
        charset=info.charset,
        compression=info.extra.get("compression", "none"),
        tables=sorted(tables.values(), key=lambda t: t.table),
        skipped=skipped,
        problems=problems,
        seconds=time.perf_counter() - start,
    )
