"""The job store: one folder per job under WORK/jobs/, its state in job.json.

WORK/jobs/<id>/ holds `job.json` (what the job is, the phase it reached, its timings and
errors), `log.txt` (one line per event, and whatever the job's process printed), the
uploaded dump when `dumpkit watch` moved it there (`upload/`), and what the phases write:
`demo/` (the demo package and its report), `package/` (the full migration), `delta/` (a
post-migration's delta package), `load-state/` (the loader's ledger). A delta job names its
base job; the chain's first job is the shop's home: its `load-state/` (and `sim.sqlite`) serve
every delta applied to that shop, so each one finds the Mystore ids the first load made. The work folder may live on a shared file system: every machine's
worker reads and writes the same jobs, and the queue only carries job ids.

Writes replace job.json whole (written aside, then renamed), so a reader sees the old
state or the new one. The process running a job holds the job's lock (dumpkit/lock.py, a
flock the kernel drops when the holder dies), and only a holder of that lock changes a
job: `cancel` of a running job leaves a `cancel-requested` file for the runner instead.
"""
from __future__ import annotations

import errno
import json
import os
import random
import re
import secrets
import shutil
import socket
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import BusyError, DumpkitError, write_error
from ..lock import hold_lock

# the phases a job reaches, in order (a demo job waits for approval at demo_ready)
PHASES = ["received", "inspected", "demo_ready", "delta_ready", "migrated", "loaded", "verified"]
# what a job is asked to reach: a demo, the full migration, the full migration loaded and
# verified; a delta (post-migration) reviewed, then applied to the shop
GOALS = {"demo": "demo_ready", "full": "migrated", "load": "verified", "delta": "delta_ready", "delta_load": "loaded"}
# status: queued (in the queue), running, waiting (for approval), done, failed, cancelled
ACTIVE = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")
JOB_FILE = "job.json"
LOG_FILE = "log.txt"
CANCEL_FILE = "cancel-requested"
# a demo of a new upload is served before queued full migrations and loads
PRIORITY = {"demo": 10, "full": 0, "load": 0, "delta": 0, "delta_load": 0}
# the folder a job's package is in, by goal (what a load sends, what a delta compares with)
PACKAGE = {"demo": "demo", "full": "package", "load": "package", "delta": "delta", "delta_load": "delta"}


def default_work() -> Path:
    return Path(os.environ.get("DUMPKIT_WORK") or Path.home() / ".local" / "state" / "dumpkit" / "work")


def now() -> float:
    return round(time.time(), 3)


@dataclass
class PhaseRun:
    """One run of one phase: a restarted phase has several, the last one counts."""
    name: str
    started: float
    finished: float | None = None
    error: str | None = None
    worker: str | None = None


@dataclass
class Job:
    id: str
    shop: str
    dumps: list[str]
    dump_bytes: int
    goal: str                      # demo | full | load
    options: dict                  # migrate()'s keyword options (JSON-able)
    load: dict | None = None       # {"into_sim": bool, "api_url": str, "shop": str} once approved with --load
    #                                (a delta's also "delete": bool, "prefer": str | None)
    base: str | None = None        # a delta job: the job whose package it is compared with
    status: str = "queued"
    phase: str = "received"        # the last phase reached
    running: str | None = None     # the phase in progress
    step: str | None = None        # within migrating: staging, mapping
    progress: float | None = None  # 0..1 of the step in progress
    eta: float | None = None       # seconds left of the step in progress, when known
    platform: str | None = None
    producer: str | None = None
    error: str | None = None       # the one-line reason of a failure
    exit_code: int | None = None
    report: str | None = None
    worker: str | None = None      # host:pid of the process running it now
    attempts: int = 0
    submitted: float = field(default_factory=now)
    updated: float = field(default_factory=now)
    queued: float = field(default_factory=now)
    runs: list[PhaseRun] = field(default_factory=list)

    @property
    def priority(self) -> int:
        return PRIORITY[self.goal]

    @property
    def target(self) -> str:
        return GOALS[self.goal]

    def reached(self, phase: str) -> bool:
        return PHASES.index(self.phase) >= PHASES.index(phase)

    @classmethod
    def from_dict(cls, d: dict) -> "Job":
        d = dict(d)
        d["runs"] = [PhaseRun(**r) for r in d.get("runs", [])]
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


class JobStore:
    """The jobs under one work folder."""

    def __init__(self, work: Path | None = None):
        self.work = Path(work or default_work()).absolute()
        self.root = self.work / "jobs"

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    def package(self, job: Job) -> Path:
        """The folder of the job's package: the demo, the full migration or the delta."""
        return self.folder(job.id) / PACKAGE[job.goal]

    def home(self, job: Job) -> Job:
        """The first job of the shop's chain of deltas: where its loads keep their ledger."""
        seen = {job.id}
        while job.base:
            job = self.get(job.base)
            if job.id in seen:  # a hand-edited job.json; never loop
                raise DumpkitError(f"job {job.id}: its chain of base jobs loops")
            seen.add(job.id)
        return job

    def latest_package(self, shop: str) -> Job:
        """The shop's job with the newest package a delta can be compared with: a full migration
        (loaded or not) or a delta, finished."""
        done = [j for j in self.all() if j.shop == shop and j.status == "done" and j.goal != "demo"]
        if not done:
            raise DumpkitError(f"shop {shop!r} has no finished full migration or delta job to compare a newer "
                               "dump with (dumpkit jobs --shop)")
        return done[-1]

    def create(self, shop: str, dumps: list[Path], goal: str, options: dict, move_into_job: bool = False,
               base: str | None = None) -> Job:
        """A new job in state `queued` (the caller enqueues it). A demo's seed is fixed now, so
        a restarted demo phase draws the same sample. With `move_into_job` the dump
        files are renamed into the job's upload/ folder (the inbox watcher: the file leaves
        the inbox in the same step that makes it a job's)."""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}", shop or ""):
            raise DumpkitError(f"--shop {shop!r}: a shop name is letters, digits, '.', '_' and '-' (at most 63)")
        for d in dumps:
            if not Path(d).exists():
                raise DumpkitError(f"{d}: no such file or folder")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            while True:  # an id no other submitter took (mkdir is atomic, also on a shared file system)
                job_id = secrets.token_hex(3)
                try:
                    self.folder(job_id).mkdir()
                    break
                except FileExistsError:
                    continue
        except OSError as e:
            raise write_error(e, self.root) from None
        if goal == "demo" and options.get("seed") is None:
            options = {**options, "seed": random.SystemRandom().randrange(1, 10**6)}
        sources = [Path(d).absolute() for d in dumps]
        upload = self.folder(job_id) / "upload"
        paths = [str(upload / d.name if move_into_job else d) for d in sources]
        size = sum(p.stat().st_size for d in sources for p in ([d] if d.is_file() else d.rglob("*")) if p.is_file())
        job = Job(job_id, shop, paths, size, goal, options, base=base)
        # saved before the files move: a crash in between leaves a job that says what it lacks,
        # and the file still in the inbox, never a file that belongs to nothing
        self.save(job)
        self.log(job_id, f"received {', '.join(d.name for d in sources)} ({size:,} bytes) for shop {shop}, goal {goal}")
        if move_into_job:
            upload.mkdir(exist_ok=True)
            for source, target in zip(sources, paths):
                move(source, Path(target))
        return job

    def get(self, job_id: str) -> Job:
        """The job with this id (or the only one whose id starts with it)."""
        path = self.folder(job_id) / JOB_FILE
        if not re.fullmatch(r"[0-9a-f]{1,32}", job_id or "") or not path.exists():
            matches = [j for j in self.ids() if j.startswith(job_id)] if re.fullmatch(r"[0-9a-f]+", job_id or "") else []
            if len(matches) != 1:
                raise DumpkitError(f"no job {job_id!r} in {self.root}" + (" (several ids start so)" if matches else ""))
            path = self.folder(matches[0]) / JOB_FILE
        return Job.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return [p.name for p in self.root.iterdir() if (p / JOB_FILE).exists()]

    def all(self) -> list[Job]:
        jobs = []
        for job_id in self.ids():
            try:
                jobs.append(self.get(job_id))
            except (OSError, ValueError):  # removed meanwhile
                continue
        return sorted(jobs, key=lambda j: j.submitted)

    def save(self, job: Job) -> None:
        job.updated = now()
        path = self.folder(job.id) / JOB_FILE
        tmp = path.with_name(f".{JOB_FILE}.{os.getpid()}")
        try:
            tmp.write_text(json.dumps(asdict(job), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            os.replace(tmp, path)
        except OSError as e:
            raise write_error(e, path.parent) from None

    def log(self, job_id: str, line: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        with open(self.folder(job_id) / LOG_FILE, "a", encoding="utf-8") as f:
            f.write(f"{stamp} {line}\n")

    def read_log(self, job_id: str) -> str:
        try:
            return (self.folder(job_id) / LOG_FILE).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    @contextmanager
    def hold(self, job_id: str) -> Iterator[Job]:
        """The job, held by this process: BusyError when another live process holds it."""
        with hold_lock(self.folder(job_id)):
            yield self.get(job_id)

    def is_held(self, job_id: str) -> bool:
        try:
            with hold_lock(self.folder(job_id)):
                return False
        except BusyError:
            return True

    def cancel_requested(self, job_id: str) -> bool:
        return (self.folder(job_id) / CANCEL_FILE).exists()

    def request_cancel(self, job_id: str) -> None:
        (self.folder(job_id) / CANCEL_FILE).touch()


def move(source: Path, target: Path) -> None:
    """Rename; across file systems copy aside, rename into place, then remove the source."""
    try:
        os.replace(source, target)
    except OSError as e:
        if e.errno != errno.EXDEV:
            raise write_error(e, target.parent) from None
        tmp = target.with_name(f".{target.name}.partial")
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
        source.unlink()


def worker_name(pid: int | None = None) -> str:
    return f"{socket.gethostname()}:{pid or os.getpid()}"
