"""Stage a dump into DuckDB: one table per source table, plus the `dumpkit` metadata schema."""
from __future__ import annotations

import os
import shutil
import time
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .. import __version__
from ..errors import DumpkitError, ResourceError, machine_error, write_error
from ..lock import hold_lock
from ..limits import STAGE_MEMORY, duckdb_memory
from ..read import MAX_STATEMENT_MB, inspect_parts
from ..sandbox import lock_down
from ..sqlnames import literal
from ..read.mysql_values import RESTORE_TIME
from ..read.events import DumpInfo, Problem, RowBatch, RowCount, Skipped, TableDef
from .reader_process import ReaderProcess
from .writer import META, IssueRow, StageWriter

ROW_GROUP_ROWS = 32768
COMPLETE = "complete"  # dumpkit.complete: one row, written when staging has ended


def _check_target(db_path: Path, paths: list[Path]) -> None:
    """The DuckDB file is replaced: never when it is one of the inputs, or not a DuckDB file."""
    target = db_path.resolve()
    for p in paths:
        p = p.resolve()
        if target == p or (p.is_dir() and p in target.parents):
            raise DumpkitError(f"--db {db_path} is {'the dump itself' if target == p else 'inside the dump folder'}; "
                               "choose another path")
    if db_path.is_dir():
        raise DumpkitError(f"--db {db_path} is a folder; give a file name, e.g. {db_path / 'stage.duckdb'}")
    if db_path.is_file() and db_path.stat().st_size:
        with open(db_path, "rb") as f:
            if f.read(12)[8:12] != b"DUCK":
                raise DumpkitError(f"--db {db_path} exists and is not a DuckDB file; not replacing it")


class DiskGuard:
    """Stops staging with one line before the disk holding the staging file is full. The file
    grows to about the dump's uncompressed size, and DuckDB writes the rows it holds in
    memory in bursts: rows handed to it that are not in the file yet count as written. A
    margin stays free: 5 % of the file system, at most 512 MB (DUMPKIT_DISK_MARGIN_MB sets
    it; 0 turns the check off)."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        st = os.statvfs(db_path.parent)
        margin = os.environ.get("DUMPKIT_DISK_MARGIN_MB")
        self.margin = int(margin) << 20 if margin else min(512 << 20, st.f_blocks * st.f_frsize // 20)
        self.staged = 0  # bytes of rows handed to DuckDB

    def check(self, nbytes: int = 0) -> None:
        self.staged += nbytes
        if not self.margin:
            return
        st = os.statvfs(self.db_path.parent)
        free = st.f_bavail * st.f_frsize
        written = sum(os.stat(f).st_size for f in (self.db_path, Path(f"{self.db_path}.wal")) if f.exists())
        pending = max(0, self.staged - written)
        if free - pending < self.margin:
            raise ResourceError(
                f"the disk holding {self.db_path} is nearly full ({free / 1e6:,.0f} MB free, about "
                f"{pending / 1e6:,.0f} MB of rows still to be written, {self.margin / 1e6:,.0f} MB kept free): "
                "staging stopped; the staging file needs about the dump's uncompressed size")


def _remove_staging(db_path: Path) -> None:
    """A staging file that did not finish is not left behind to look whole."""
    try:
        for suffix in ("", ".wal"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    except OSError:  # a read-only folder holds no half-written file of ours
        pass
    shutil.rmtree(f"{db_path}.tmp", ignore_errors=True)  # DuckDB's spill folder


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
    left_out: dict[str, int] = field(default_factory=dict)  # table -> rows counted, not staged (keep_rows)

    @property
    def mb_per_s(self) -> float:
        """Megabytes of SQL text (uncompressed) per second."""
        return (self.sql_bytes or self.source_bytes) / 1e6 / self.seconds if self.seconds else 0.0


def stage_dump(
    paths: list[Path] | Path,
    db_path: Path,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    max_statement_mb: int = MAX_STATEMENT_MB,
    on_sql_bytes: Callable[[int], None] | None = None,
    on_reader: Callable[[], None] | None = None,
    keep_rows: Callable[[str], bool] | None = None,
) -> StageResult:
    """Read the dump(s) at `paths` into a new DuckDB file at `db_path`.

    `workers` threads of the reader process parse INSERT rows (default: one per core
    but the stager's);
    `on_progress(bytes_read, total_bytes)` is called as the input is read (bytes of the files,
    compressed ones as they are); `on_sql_bytes(n)` as the SQL text is staged (decompressed bytes);
    a statement longer than `max_statement_mb` is reported and skipped; `on_reader()` is called
    once the reader process is forked (a thread of the caller's may start from then on: forking
    while one runs is unsafe). `keep_rows(table)` False: the table is created but its rows are
    only counted (dumpkit.tables.rows_left_out), for a migration that reads no row of it (MySQL
    dumps; see read_events).
    A full disk or a folder that cannot be written raises ResourceError, and no
    staging file is left behind.
    """
    paths = [Path(p) for p in paths] if isinstance(paths, (list, tuple)) else [Path(paths)]
    db_path = Path(db_path)
    _check_target(db_path, paths)
    if workers is not None and workers < 1:
        raise DumpkitError(f"--workers must be at least 1, not {workers}")
    with hold_lock(db_path):  # another run staging into the same file: BusyError
        return _stage_locked(paths, db_path, workers, on_progress, max_statement_mb, on_sql_bytes, on_reader, keep_rows)


def _stage_locked(paths: list[Path], db_path: Path, workers: int | None, on_progress,
                  max_statement_mb: int, on_sql_bytes=None, on_reader=None, keep_rows=None) -> StageResult:
    parts, info = inspect_parts(paths)
    try:
        return _stage(parts, info, db_path, workers, on_progress, max_statement_mb, on_sql_bytes, on_reader, keep_rows)
    except BaseException as e:
        _remove_staging(db_path)
        # a full disk, a read-only folder: one line (a permission error here is about what we write)
        known = (write_error(e, db_path.parent) if isinstance(e, PermissionError) and
                 str(e.filename or "").startswith(str(db_path.parent)) else machine_error(e))
        if known is not None:
            raise known from None
        raise


def _stage(parts, info: DumpInfo, db_path: Path, workers: int | None, on_progress, max_statement_mb: int,
           on_sql_bytes=None, on_reader=None, keep_rows=None) -> StageResult:
    total = sum(p.size for p in parts)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_staging(db_path)
    disk = DiskGuard(db_path)
    disk.check()
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

    reader = ReaderProcess(parts, info, workers, on_read, max_statement_mb, keep_rows)  # forked before DuckDB starts its threads
    if on_reader:
        on_reader()
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
            con.execute(f"ATTACH {literal(str(db_path))} AS stage (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
            con.execute("USE stage")
            # each COMMIT (every 64 MB) writes its rows to the file, not to the write-ahead log first
            con.execute("SET checkpoint_threshold = '1MB'")
            # bounded memory whatever the dump size: DuckDB spills to disk beyond this (DUMPKIT_MEMORY overrides)
            memory = duckdb_memory(STAGE_MEMORY)
            con.execute(f"SET memory_limit = {literal(memory)}")
            # DuckDB's blocks come from a pool it keeps: glibc would hand each freed block back to
            # the kernel and fault it in again, zeroed (a tenth of the stager's time)
            con.execute(f"SET block_allocator_memory = {literal(memory)}")
            con.execute(f"SET threads = {spare}")
            con.execute("SET preserve_insertion_order = true")
            # compression (every mode analysed, then encoded) was a fifth of DuckDB's work here; a
            # staging file is read once, by the mappings, so it stays uncompressed: about the dump's size
            con.execute("SET force_compression = 'uncompressed'")
            # from here on the connection runs the dump's names: no file access, settings locked. So
            # the passes at the end keep the stager's threads (DuckDB 2 has no SET under a lock; the
            # passes are a few percent of a stage, and one thread did them as fast in the benchmark)
            lock_down(con)
            writer = StageWriter(con)
            sql_bytes = 0
            for ev in reader:
                if on_sql_bytes and ev.offset is not None and ev.offset - sql_bytes >= 1 << 20:
                    sql_bytes = ev.offset
                    on_sql_bytes(sql_bytes)
                if isinstance(ev, RowBatch):
                    writer.row_batch(ev, ev.data.nbytes)
                    disk.check(ev.data.nbytes)
                elif isinstance(ev, TableDef):
                    writer.table_def(ev)
                elif isinstance(ev, RowCount):
                    writer.rows_left_out(ev)
                elif isinstance(ev, Skipped):
                    writer.skipped_stmt(ev)
                elif isinstance(ev, Problem):
                    writer.problem(ev)
                    partial |= ev.fatal
            info.extra["input_bytes"] = total
            info.extra["parts"] = ", ".join(p.name for p in parts)
            writer.finish(info)
            # the completion mark, last and in a transaction of its own: a file without it is
            # from a stage run that was stopped, and migrate refuses it (check_staged)
            con.execute(f"CREATE TABLE {META}.{COMPLETE} AS SELECT ?::VARCHAR AS dumpkit_version, "
                        "now() AS finished_at", [__version__])
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
        left_out={t.name: t.left_out for t in writer.tables.values() if t.left_out},
    )


def check_staged(db_path: Path) -> None:
    """A staging file that a stage run finished (its completion mark is there), else one line."""
    import duckdb

    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as e:
        raise machine_error(e) or DumpkitError(f"{db_path} cannot be opened as a staging file: "
                                               f"{str(e).splitlines()[0]}") from None
    try:
        marked = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                             [META, COMPLETE]).fetchall()[0][0]
    finally:
        con.close()
    if not marked:
        raise DumpkitError(f"{db_path} is an unfinished staging file (its stage run was stopped before the end, "
                           "or dumpkit stage did not write it); stage the dump again")


def first_fatal_issue(con, catalog: str | None = None) -> str | None:
    """What cut the staged dump short (its first fatal issue, with its byte offset), or None
    when it was read whole. `migrate` refuses such a staging file unless --allow-partial.
    `catalog`: where the staging file is attached, if not the connection's own database."""
    import duckdb

    issues = f"{catalog}.{META}.issues" if catalog else f"{META}.issues"
    try:
        row = con.execute(f"SELECT example, byte_offset FROM {issues} WHERE fatal "
                          "ORDER BY byte_offset NULLS LAST LIMIT 1").fetchone()
    except duckdb.CatalogException:  # not staged by dumpkit: nothing recorded
        return None
    return None if row is None else row[0] + ("" if row[1] is None else f" (byte {row[1]:,})")
