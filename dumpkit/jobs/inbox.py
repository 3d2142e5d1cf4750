"""`dumpkit watch INBOX/`: every complete file dropped into a folder becomes a job.

An FTP or web upload writes a file for a while; it counts as complete when a marker
`NAME.done` appears beside it, or when its size and modification time have not changed for
`settle` seconds. Names an uploader uses while it writes (`.part`, `.filepart`, `.tmp`,
hidden files) are never taken. A complete file is renamed into its job's folder in the
step that makes the job (JobStore.create), so it leaves the inbox and is never picked up
twice. The shop is named after the file: `acme-shop.sql.gz` is shop `acme-shop`.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import DumpkitError
from .queue import Queue
from .store import Job, JobStore

DONE = ".done"
UPLOADING = (".part", ".filepart", ".tmp", ".partial", ".crdownload", ".uploading")


def shop_name(path: Path) -> str:
    """The shop a dump is for, from its file name: what precedes the first dot, made a valid name."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", path.name.split(".", 1)[0]).strip("-._")
    return name[:63] or "shop"


@dataclass
class Seen:
    size: int
    mtime: float
    since: float  # when this size and time were first seen


class Inbox:
    """The files of one inbox folder, and when each stopped changing."""

    def __init__(self, folder: Path, settle: float):
        if not folder.is_dir():
            raise DumpkitError(f"{folder}: not a folder")
        self.folder, self.settle = folder, settle
        self.seen: dict[Path, Seen] = {}

    def candidates(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir()
                      if p.is_file() and not p.name.startswith(".") and not p.name.endswith(DONE)
                      and not p.name.lower().endswith(UPLOADING))

    def scan(self) -> tuple[list[Path], int]:
        """(files complete now, files still being written)."""
        complete, waiting = [], 0
        t = time.monotonic()
        for p in self.candidates():
            try:
                st = p.stat()
            except FileNotFoundError:
                continue
            if p.with_name(p.name + DONE).exists():
                complete.append(p)
                continue
            seen = self.seen.get(p)
            if seen is None or (seen.size, seen.mtime) != (st.st_size, st.st_mtime):
                self.seen[p] = Seen(st.st_size, st.st_mtime, t)
                waiting += 1
            elif t - seen.since >= self.settle:
                complete.append(p)
            else:
                waiting += 1
        return complete, waiting


def watch(store: JobStore, queue: Queue, folder: Path, goal: str, options: dict, settle: float = 10.0,
          interval: float = 2.0, once: bool = False, on_job: Callable[[Job], None] | None = None) -> list[Job]:
    """Turn complete files into queued jobs until interrupted; with `once`, until the inbox
    holds nothing complete or still being written. The jobs made."""
    inbox = Inbox(Path(folder), settle)
    made = []
    while True:
        complete, waiting = inbox.scan()
        for path in complete:
            job = store.create(shop_name(path), [path], goal, options, move_into_job=True)
            path.with_name(path.name + DONE).unlink(missing_ok=True)
            inbox.seen.pop(path, None)
            queue.enqueue(job)
            made.append(job)
            if on_job:
                on_job(job)
        if once and not waiting and not complete:
            return made
        time.sleep(min(interval, settle) if waiting else interval)
