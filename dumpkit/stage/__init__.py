"""Stage a dump into DuckDB: one table per source table, plus the `dumpkit` metadata schema."""
from __future__ import annotations

import os
import time
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import DumpkitError
from ..read import inspect_parts
from ..read.mysql_values import RESTORE_TIME
from ..read.events import DumpInfo, Problem, RowBatch, Skipped, TableDef
from .reader_process import ReaderProcess
from .writer import IssueRow, StageWriter

ROW_GROUP_ROWS = 32768


def _check_target(db_path: Path, paths: list[Path]) -> None:
    """The DuckDB file is replaced: never when it is one of the inputs, or not a DuckDB file."""
    target = db_path.resolve()
    for p in paths:
        p = p.resolve()
        if target == p or (p.is_dir() and p in target.parents):
            raise DumpkitError(f"--db {db_path} is {'the dump itself' if target == p else 'inside the dump folder'}; "
                               "choose another path")
    if db_path.is_file() and db_path.stat().st_size:
        with open(db_path, "rb") as f:
            if f.read(12)[8:12] != b"DUCK":
                raise DumpkitError(f"--db {db_path} exists and is not a DuckDB file; not replacing it")


@dataclass
class StageResult:
    db_path: Path
    info: DumpInfo
    tables: dict[str, int]  # staged table -> rows
    issues: list[IssueRow]
    skipped: dict[str, int]  # statement kind -> count
    source_bytes: int  # the input files' bytes (compressed ones as they are on disk)
    seconds: float
    partial: bool = False  # the dump was cut or unreadable somewhere
    extra: dict = field(default_factory=dict)
    sql_bytes: int = 0  # the SQL text read: the input decompressed

    @property
    def mb_per_s(self) -> float:
        """Megabytes of SQL text (uncompressed) per second."""
        return (self.sql_bytes or self.source_bytes) / 1e6 / self.seconds if self.seconds else 0.0


def stage_dump(
    paths: list[Path] | Path,
    db_path: Path,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_sql_bytes: Callable[[int], None] | None = None,
) -> StageResult:
    """Read the dump(s) at `paths` into a new DuckDB file at `db_path`.

    `workers` threads of the reader process parse INSERT rows (default: one per core
    but the stager's);
    `on_progress(bytes_read, total_bytes)` is called as the input is read (bytes of the files,
    compressed ones as they are); `on_sql_bytes(n)` as the SQL text is staged (decompressed bytes).
    """
    paths = [Path(p) for p in paths] if isinstance(paths, (list, tuple)) else [Path(paths)]
    db_path = Path(db_path)
    _check_target(db_path, paths)
    parts, info = inspect_parts(paths)
    total = sum(p.size for p in parts)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    start = time.perf_counter()
    # now() inside the dump means the time the dump file was written: the same dump stages the same
    os.environ[RESTORE_TIME] = datetime.fromtimestamp(max(p.path.stat().st_mtime for p in parts)).replace(
        microsecond=0).isoformat()
    info.extra["restore_time"] = os.environ[RESTORE_TIME]
    # the stager (DuckDB) and the reader process (with its parser threads) share the cores
    spare = max(1, (os.cpu_count() or 1) - 1)
    workers = spare if workers is None else workers
    read = [0]

    def on_read(n: int) -> None:
        read[0] += n
        if on_progress:
            on_progress(read[0], total)

    reader = ReaderProcess(parts, info, workers, on_read)  # forked before DuckDB starts its threads
    # imported only now: the reader is already at work (and importing what it needs) meanwhile
    import duckdb

    partial = False
    try:
        # a table's rows short of a full row group are appended twice by DuckDB (to the transaction,
        # then to the table at COMMIT) before they are written; rows that fill a group are written
        # as it fills. A quarter of the default size (122,880 rows) fills groups in most tables of
        # a shop: about 5 % less wall time for the whole stage, in paired runs
        con = duckdb.connect()
        try:
            path = str(db_path).replace("'", "''")
            con.execute(f"ATTACH '{path}' AS stage (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
            con.execute("USE stage")
            # each COMMIT (every 64 MB) writes its rows to the file, not to the write-ahead log first
            con.execute("SET checkpoint_threshold = '1MB'")
            # bounded memory whatever the dump size: DuckDB spills to disk beyond this (DUMPKIT_MEMORY overrides)
            memory = os.environ.get("DUMPKIT_MEMORY", "100MB")
            con.execute(f"SET memory_limit = '{memory}'")
            # DuckDB's blocks come from a pool it keeps: glibc would hand each freed block back to
            # the kernel and fault it in again, zeroed (a tenth of the stager's time)
            con.execute(f"SET block_allocator_memory = '{memory}'")
            con.execute(f"SET threads = {spare}")
            con.execute("SET preserve_insertion_order = true")
            # compression (every mode analysed, then encoded) was a fifth of DuckDB's work here; a
            # staging file is read once, by the mappings, so it stays uncompressed: about the dump's size
            con.execute("SET force_compression = 'uncompressed'")
            writer = StageWriter(con)
            sql_bytes = 0
            for ev in reader:
                if on_sql_bytes and ev.offset is not None and ev.offset - sql_bytes >= 1 << 20:
                    sql_bytes = ev.offset
                    on_sql_bytes(sql_bytes)
                if isinstance(ev, RowBatch):
                    writer.row_batch(ev, ev.data.nbytes)
                elif isinstance(ev, TableDef):
                    writer.table_def(ev)
                elif isinstance(ev, Skipped):
                    writer.skipped_stmt(ev)
                elif isinstance(ev, Problem):
                    writer.problem(ev)
                    partial |= ev.fatal
            info.extra["input_bytes"] = total
            info.extra["parts"] = ", ".join(p.name for p in parts)
            con.execute(f"SET threads = {os.cpu_count() or 1}")  # the reader is done: its core is free
            writer.finish(info)
        finally:
            con.close()
    finally:
        reader.close()  # also when the stager fails: the reader process and its files go
    seconds = time.perf_counter() - start
    return StageResult(
        db_path=db_path,
        info=info,
        tables={t.name: t.rows for t in writer.tables.values()},
        issues=writer.issues,
        skipped={k: v[0] for k, v in writer.skipped.items()},
        source_bytes=total,
        seconds=seconds,
        partial=partial,
        sql_bytes=info.extra.get("sql_bytes", total),
    )
