"""The dump is read in a process of its own, so reading and parsing go on while this
process stores earlier rows in DuckDB, and neither waits for the other's Python.

Events travel through a queue; the rows of a RowBatch travel beside it in a file in
shared memory (/dev/shm), written once in Arrow's IPC format by the reader and
mapped here, so a row is not copied through a pipe and unpickled.

Files in /dev/shm outlive a killed process. The folder's name carries the stager's PID
(`dumpkit-<pid>-*`): each run removes the folders of dead PIDs first, and the reader
dies with the stager (PR_SET_PDEATHSIG), so a kill -9 leaves at most one folder until
the next run.
"""
from __future__ import annotations

import ctypes
import dataclasses
import gc
import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from typing import Callable, Iterator

import pyarrow as pa

from ..errors import DumpkitError
from ..read import read_events
from ..read.events import DumpInfo, Problem, RowBatch, TableDef
from ..read.typed import cast_table


HANDOVER_MB = 64
HANDOVER_PREFIX = "dumpkit-"


class ReaderProcess:
    """Fork it before DuckDB starts its threads (forking after is unsafe). Iterating
    yields the events in dump order; at the end `info` holds what the reader learnt.
    The owner calls close(), also on failure: it ends the process and removes its files."""

    def __init__(self, parts, info: DumpInfo, workers: int, on_read: Callable[[int], None], max_statement_mb: int,
                 keep_rows: Callable[[str], bool] | None = None):
        self.info, self.on_read = info, on_read
        ctx = multiprocessing.get_context("fork")
        self.box = ctx.Queue()
        # megabytes of rows that may wait in shared memory: enough to even out the reader's
        # slow stretches (many small tables) and the stager's (big ones), and bounded
        self.budget = ctx.Semaphore(HANDOVER_MB)
        self.parent = os.getpid()
        where = _handover_dir()
        _remove_dead_handovers(where or tempfile.gettempdir())
        self.handover = tempfile.mkdtemp(prefix=f"{HANDOVER_PREFIX}{self.parent}-", dir=where)
        self.child = ctx.Process(target=self._produce, args=(parts, workers, max_statement_mb, keep_rows), name="dumpkit-reader",
                                 daemon=True)
        self.child.start()

    # ---------------------------------------------------------------- in the reader process
    def _produce(self, parts, workers: int, max_statement_mb: int, keep_rows) -> None:
        _die_with_parent(self.parent)
        _reuse_freed_memory()
        gc.freeze()  # what the stager had imported lives as long as this process: the collector may skip it
        out, info = _Outbox(self.box), self.info
        pool = ThreadPoolExecutor(workers) if workers > 1 and info.dialect == "mysql" else None
        tables: dict[str, TableDef] = {}
        try:
            with pool or nullcontext():
                events = read_events(parts, info, pool, lambda n: out.put("read", n), max_statement_mb=max_statement_mb,
                                     keep_rows=keep_rows)
                for i, ev in enumerate(events):
                    if isinstance(ev, TableDef):
                        tables[ev.table] = ev
                    if isinstance(ev, RowBatch) and ev.data.num_rows:
                        cast_notes = _cast_rows(ev, tables.get(ev.table))
                        tokens = min(HANDOVER_MB, max(1, ev.data.nbytes >> 20))
                        for _ in range(tokens):
                            while not self.budget.acquire(timeout=1):
                                if os.getppid() != self.parent:
                                    os._exit(1)  # the stager is gone: nobody will read what we hand over
                        out.put("rows", (*_hand_over(ev, os.path.join(self.handover, f"{i}.arrow")), tokens))
                        for problem in cast_notes:
                            out.put("event", problem)
                        out.flush()  # the stager may be waiting for rows
                    else:
                        out.put("event", ev)
            out.put("done", info)
        except BaseException as e:  # raised again in the consumer, where it can be reported
            out.put("error", e)
        out.flush()
        self.box.close()
        self.box.join_thread()

    # ---------------------------------------------------------------- here
    def __iter__(self) -> Iterator:
        while True:
            try:
                bundle = self.box.get(timeout=1)
            except queue.Empty:
                if not self.child.is_alive():
                    raise DumpkitError(f"the dump reader stopped unexpectedly (exit code {self.child.exitcode})")
                continue
            for kind, item in bundle:
                if kind == "rows":
                    ev, path, tokens = item
                    with pa.memory_map(path) as rows:
                        os.unlink(path)  # the mapping keeps the pages until the table goes
                        ev.data = pa.ipc.open_stream(rows).read_all()
                    yield ev
                    ev.data = None
                    for _ in range(tokens):
                        self.budget.release()
                elif kind == "event":
                    yield item
                elif kind == "read":
                    self.on_read(item)
                elif kind == "error":
                    raise item
                else:
                    self.info.__dict__.update(item.__dict__)
                    return

    def close(self) -> None:
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()
        shutil.rmtree(self.handover, ignore_errors=True)  # batches nobody read (an error stopped us)


class _Outbox:
    """Messages to the stager, sent in bundles: each queue message costs the stager tens of
    microseconds, and a dump has thousands of small statements. The reader flushes when it
    hands over rows; otherwise a bundle waits at most 50 ms (the progress bar's pace)."""

    def __init__(self, box):
        self.box, self.items, self.since = box, [], time.monotonic()

    def put(self, kind: str, item) -> None:
        self.items.append((kind, item))
        if len(self.items) >= 256 or time.monotonic() - self.since > 0.05:
            self.flush()

    def flush(self) -> None:
        if self.items:
            self.box.put(self.items)
            self.items = []
        self.since = time.monotonic()


def _reuse_freed_memory() -> None:
    """Every batch allocates arrays of a few MB and frees them. glibc hands blocks that big
    back to the kernel at once, so the next batch faults them in again, zeroed: a fifth of
    the reader's time. Keep them in the heap instead (the reader's peak stays the same)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc: its allocator has its own policy
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 256 << 20)
    libc.mallopt(m_trim_threshold, 512 << 20)


def _die_with_parent(parent: int) -> None:
    """The kernel ends this process when the stager ends, also on kill -9 (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the budget loop notices the orphan within a second
    if os.getppid() != parent:  # it ended before the call above
        os._exit(1)


def _remove_dead_handovers(where: str) -> None:
    """Hand-over folders of runs whose process is gone (killed before they could remove them)."""
    try:
        entries = list(os.scandir(where))
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(HANDOVER_PREFIX):].split("-", 1)[0]
        if not (entry.name.startswith(HANDOVER_PREFIX) and pid.isdigit()):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid() or not entry.is_dir(follow_symlinks=False):
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            continue  # alive (another user's, or ours), or gone already


def _handover_dir() -> str | None:
    """/dev/shm when it has room for the budget several times over (a container's
    may hold only 64 MB), else the temp dir."""
    try:
        st = os.statvfs("/dev/shm")
        if st.f_bavail * st.f_frsize >= 4 * (HANDOVER_MB << 20):
            return "/dev/shm"
    except OSError:
        pass
    return None


def _cast_rows(ev: RowBatch, tdef: TableDef | None) -> list[Problem]:
    """The rows cast to their columns' staged types here, where the reader has a core of its
    own: PostgreSQL's COPY text, and what MySQL's scanner left as text. Returns what the
    casts found (zero dates, bad values) as Problems."""
    if tdef is None:
        return []  # a data-only dump: the stager infers the types at the end
    cols = tdef.columns_for(ev.columns)
    if len(cols) != ev.data.num_columns:
        return []  # the stager reports the mismatch
    ev.data, notes = cast_table(ev.data, TableDef.cast_types(cols))
    return [Problem(kind, ev.offset, ev.table, cols[int(k)].name, example, count)
            for kind, per_col in notes.items() for k, (count, example) in per_col.items()]


def _hand_over(ev: RowBatch, path: str) -> tuple:
    """The batch without its rows, and the file that holds them (Arrow IPC)."""
    with pa.OSFile(path, "wb") as sink, pa.ipc.new_stream(sink, ev.data.schema) as w:
        w.write_table(ev.data)
    return dataclasses.replace(ev, data=None), path
