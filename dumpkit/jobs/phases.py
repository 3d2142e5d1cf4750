"""A job's phases, run in a process of its own: received -> inspected -> demo_ready (waiting
for approval) -> migrated -> loaded -> verified; a post-migration's delta job: received ->
inspected -> delta_ready (its review report, waiting for approval) -> loaded (applied).

Every phase calls the library function the command of the same name calls, and is
idempotent: a phase that was recorded as reached is skipped, one that was not runs again
from its start. That is safe because migrate() writes its package into a hidden folder and
swaps it in whole (dumpkit/package/folder.py), and load() resumes from its ledger: a
migration killed halfway leaves the old package or none, a load killed halfway sends
nothing twice.

The worker starts `python -m dumpkit.jobs.phases WORK JOB PARENT` for each job and waits
for it: DuckDB must not share a process with a fork (the dump reader is forked), each job's
memory goes back to the system when it ends, and the job dies with its worker
(PR_SET_PDEATHSIG), so a `kill -9` of the worker leaves no job running behind its back.
The job's lock (JobStore.hold) is held by this process: a second run of the same job,
from a duplicate queue entry or another machine, finds it held and leaves.

Staging and mapping take a core each and the memory of a big shop, whichever worker runs
them: a big dump (SLOT_FROM_MB and up) migrates only in one of the machine's migration slots
(one per 2 cores, or DUMPKIT_MIGRATION_SLOTS), flocks under WORK/slots/<host>/ shared by every
worker of the work folder on this machine. Small dumps need little memory and spend much of
their time starting up, so they run as the worker's --concurrency allows; loads and
read-backs wait on the API, not the machine, and run beside a migration.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from contextlib import ExitStack, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterator

from ..errors import BusyError, DumpkitError, machine_error
from ..lock import hold_lock
from .store import FINISHED, Job, JobStore, PhaseRun, now, worker_name

PROGRESS_EVERY = 0.5  # seconds between two progress writes to job.json
SLOT_POLL = 0.5       # seconds between two tries for a migration slot
SLOT_FROM_MB = 32     # dumps this big and bigger migrate in a slot (DUMPKIT_SLOT_FROM_MB)


class Cancelled(Exception):
    """`dumpkit cancel` asked this job to stop."""


def migrate_options(job: Job) -> dict:
    """migrate()'s keyword options from the job's JSON form."""
    options = dict(job.options)
    if options.get("currency_rates"):
        options["currency_rates"] = {k: Decimal(v) for k, v in options["currency_rates"].items()}
    if options.get("value_map_file"):
        options["value_map_file"] = Path(options["value_map_file"])
    return options


class Progress:
    """migrate()'s on_progress(done, total) as the job's step, progress and ETA: the staging
    reports bytes read; once all are read the package is mapped, checked and written."""

    def __init__(self, store: JobStore, job: Job):
        self.store, self.job = store, job
        self.started = time.monotonic()
        self.last = 0.0

    def set_step(self, step: str | None, progress: float | None = None, eta: float | None = None) -> None:
        self.job.step, self.job.progress, self.job.eta = step, progress, eta
        self.store.save(self.job)
        self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if self.store.cancel_requested(self.job.id):
            raise Cancelled()
        if total and done >= total:
            if self.job.step != "mapping":
                self.set_step("mapping")
            return
        if time.monotonic() - self.last < PROGRESS_EVERY:
            return
        fraction = done / total if total else None
        elapsed = time.monotonic() - self.started
        eta = elapsed * (1 - fraction) / fraction if fraction else None
        self.set_step("staging", fraction, eta)


def inspect(store: JobStore, job: Job, progress: Progress) -> None:
    """The dump is read once quickly: a file that is no dump fails here, in seconds."""
    from ..read.inspect import inspect_dump

    result = inspect_dump([Path(d) for d in job.dumps])
    job.producer = f"{result.producer} {result.producer_version or ''}".strip()
    store.log(job.id, f"inspected: {job.producer}, {result.dialect}, {len(result.tables)} tables, "
                      f"{sum(t.rows for t in result.tables):,} rows")


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else default


def migration_slots() -> int:
    from .queue import default_concurrency

    return max(1, _setting("DUMPKIT_MIGRATION_SLOTS", default_concurrency()))


@contextmanager
def migration_slot(store: JobStore, job: Job, progress: Progress) -> Iterator[None]:
    """Hold one of this machine's migration slots for the block; wait (cancellable) for one. A
    small dump needs none."""
    if job.dump_bytes < _setting("DUMPKIT_SLOT_FROM_MB", SLOT_FROM_MB) * 1_000_000:
        yield
        return
    folder = store.work / "slots" / worker_name().split(":")[0]
    with ExitStack() as held:
        waited = False
        while not _take_slot(held, folder):
            if not waited:
                waited = True
                progress.set_step("waiting for a migration slot")
                store.log(job.id, "every migration slot of this machine is busy: waiting")
            if store.cancel_requested(job.id):
                raise Cancelled()
            time.sleep(SLOT_POLL)
        if waited:
            store.log(job.id, "a migration slot is free: going on")
        yield
        progress.set_step(None)  # recorded before the slot is free: `dumpkit jobs` never shows two in one slot


def _take_slot(held: ExitStack, folder: Path) -> bool:
    for n in range(migration_slots()):
        try:
            held.enter_context(hold_lock(folder / f"slot-{n}"))
            return True
        except BusyError:
            continue
    return False


def _migrate(store: JobStore, job: Job, progress: Progress, out: Path, demo: bool) -> None:
    from ..migrate import migrate

    with migration_slot(store, job, progress):
        progress.set_step("staging", 0.0)
        result = migrate([Path(d) for d in job.dumps], out, on_progress=progress, demo=demo, **migrate_options(job))
    job.platform = result.manifest.get("platform")
    job.report = str(out / "report.html")
    store.log(job.id, f"{'demo ' if demo else ''}package {out}: " +
              ", ".join(f"{e} {n:,}" for e, n in result.counts.items() if n) + f" in {result.seconds:.1f} s")
    unaccounted = [r for r in result.reconciliation if not r.ok]
    if unaccounted:  # as `dumpkit migrate` says it
        raise DumpkitError("some source records are neither migrated nor explained: " +
                           ", ".join(f"{r.entity} {len(r.unaccounted)}" for r in unaccounted))


def demo(store: JobStore, job: Job, progress: Progress) -> None:
    _migrate(store, job, progress, store.folder(job.id) / "demo", demo=True)


def migrate_full(store: JobStore, job: Job, progress: Progress) -> None:
    _migrate(store, job, progress, store.folder(job.id) / "package", demo=False)


def delta(store: JobStore, job: Job, progress: Progress) -> None:
    """The newer dump migrated with the base's options and compared with the base job's package."""
    from ..delta import make_delta

    base = store.get(job.base)
    out = store.package(job)
    with migration_slot(store, job, progress):
        progress.set_step("staging", 0.0)
        result = make_delta(store.package(base), [Path(d) for d in job.dumps], out, on_progress=progress,
                            allow_partial=bool(job.options.get("allow_partial")),
                            max_statement_mb=job.options.get("max_statement_mb"))
    job.platform = result.migrate.manifest.get("platform")
    job.report = str(out / "report.html")
    changes = [f"{e.entity} {e.new:,} new, {e.changed:,} changed, {e.deleted:,} deleted" for e in result.entities if e.total]
    store.log(job.id, f"delta against job {base.id}'s package in {result.seconds:.1f} s: "
                      f"{'; '.join(changes) or 'no changes'}")


@contextmanager
def shop_api(store: JobStore, job: Job) -> Iterator[tuple[str, str | None]]:
    """(API root, token) of the shop the job loads into: the worker's MYSTORE_TOKEN for a real
    shop, or a Mystore simulator with its state in the shop's home job folder (kept across
    restarts, and found again by the shop's deltas)."""
    if not job.load.get("into_sim"):
        yield job.load["api_url"], (os.environ.get("MYSTORE_TOKEN") or "").strip() or None
        return
    import secrets

    from ..mystore.simulator import SimServer, package_statuses

    token = secrets.token_urlsafe(24)
    home = store.home(job)
    # the statuses the first package and this one map orders to (the owner configures them once)
    packages = [store.package(home), *([store.package(job) / "full"] if job.base else [])]
    statuses = tuple(dict.fromkeys(s for p in packages for s in package_statuses(p)))
    with SimServer(store.folder(home.id) / "sim.sqlite", rate=6000, tokens={token}, order_statuses=statuses) as sim:
        yield sim.url, token


def load(store: JobStore, job: Job, progress: Progress) -> None:
    """The package (or the delta) into the shop, with the ledger of the shop's home job."""
    from ..delta.apply import prefer_dump
    from ..load.loader import load as run

    package = store.package(job)
    with shop_api(store, job) as (api_url, token):
        result = run(package, job.load["shop"], token=token, api_url=api_url,
                     state_dir=store.folder(store.home(job).id) / "load-state", progress=False,
                     rate_per_minute=6000 if job.load.get("into_sim") else 120,
                     delete=bool(job.load.get("delete")), prefer_dump=prefer_dump(job.load.get("prefer")))
    failed = sum(s.failed for s in result.stats.values())
    store.log(job.id, f"{'applied' if job.base else 'loaded'} into {job.load['shop']}: {result.requests:,} requests "
                      f"in {result.seconds:.1f} s, {failed} refused by the API (see {package.name}/load/)")


def verify(store: JobStore, job: Job, progress: Progress) -> None:
    from ..load.verify import verify as run
    from ..report import write_report

    package = store.package(job)
    with shop_api(store, job) as (api_url, token):
        result = run(package, job.load["shop"], token=token, api_url=api_url,
                     state_dir=store.folder(store.home(job).id) / "load-state",
                     rate_per_minute=6000 if job.load.get("into_sim") else 120)
    write_report(package)
    if not result.ok:
        raise DumpkitError("the shop differs from the package (see package/load/verify.json)")


def plan(job: Job) -> list[tuple[str, str, Callable]]:
    """(phase reached, what runs meanwhile, the function) from the job's start to its goal."""
    steps = [("inspected", "inspecting", inspect)]
    if job.goal in ("delta", "delta_load"):
        return steps + [("delta_ready", "comparing", delta)] + ([("loaded", "applying", load)] if job.load else [])
    if job.goal == "demo":
        return steps + [("demo_ready", "demo migrating", demo)]
    steps.append(("migrated", "migrating", migrate_full))
    if job.goal == "load":
        steps += [("loaded", "loading", load), ("verified", "verifying", verify)]
    return steps


def run_job(store: JobStore, job_id: str, worker: str | None = None) -> str:
    """Run the job's phases up to its goal, under its lock; its status afterwards."""
    try:
        with store.hold(job_id) as job:
            return _run_held(store, job, worker or worker_name())
    except BusyError:  # a duplicate queue entry: the job runs elsewhere
        store.log(job_id, f"{worker_name()}: already running in another process; left to it")
        return "running"


def _run_held(store: JobStore, job: Job, worker: str) -> str:
    if job.status in FINISHED or job.status == "waiting":
        return job.status
    if store.cancel_requested(job.id):
        return _finish(store, job, "cancelled", "cancelled before it ran")
    job.status, job.worker, job.error, job.exit_code = "running", worker, None, None
    job.attempts += 1
    store.save(job)
    progress = Progress(store, job)
    for reached, running, phase in plan(job):
        if job.reached(reached):
            continue
        run = PhaseRun(running, now(), worker=worker)
        job.runs.append(run)
        job.running = running
        store.save(job)
        store.log(job.id, f"{running}: started by {worker}")
        try:
            phase(store, job, progress)
        except Cancelled:
            run.finished, run.error = now(), "cancelled"
            return _finish(store, job, "cancelled", f"cancelled during {running}")
        except Exception as e:
            run.finished, (run.error, job.exit_code) = now(), failure(e)
            return _finish(store, job, "failed", f"{running} failed: {run.error}", error=run.error)
        run.finished = now()
        job.phase, job.running, job.step, job.progress, job.eta = reached, None, None, None, None
        store.save(job)
        store.log(job.id, f"{running}: done in {run.finished - run.started:.1f} s -> {reached}")
    if job.goal in ("demo", "delta"):
        return _finish(store, job, "waiting", f"{job.goal} ready: its report is {job.report}; "
                                              "waiting for approval (dumpkit approve)")
    return _finish(store, job, "done", "done")


def failure(e: BaseException) -> tuple[str, int]:
    """(the line `dumpkit migrate` prints for the error without its `error: `, its exit code)."""
    known = e if isinstance(e, DumpkitError) else machine_error(e)
    if known is not None:
        return (str(known) or type(known).__name__).splitlines()[0], known.exit_code
    return f"internal error: {type(e).__name__}: {e}".splitlines()[0], 3


def _finish(store: JobStore, job: Job, status: str, line: str, error: str | None = None) -> str:
    job.status, job.error, job.worker, job.running, job.step, job.eta = status, error, None, None, None, None
    store.save(job)
    store.log(job.id, line)
    return status


def mark_stopped(store: JobStore, job_id: str, reason: str) -> None:
    """The job's process ended without finishing the job: cancelled (killed after `cancel`),
    or died on its own (out of memory, a crash): failed, not run again to die the same way."""
    try:
        with store.hold(job_id) as job:
            if job.status == "running":
                if reason == "cancelled":
                    _finish(store, job, "cancelled", f"cancelled during {job.running}")
                else:
                    give_up(store, job, f"the job's process died during {job.running}: {reason}")
    except BusyError:
        pass


def give_up(store: JobStore, job: Job, reason: str) -> None:
    job.exit_code = 3
    if job.runs and job.runs[-1].finished is None:
        job.runs[-1].finished, job.runs[-1].error = now(), reason
    _finish(store, job, "failed", reason, error=reason)


def main(argv: list[str]) -> int:
    """`python -m dumpkit.jobs.phases WORK JOB PARENT`: the job's process, started by a worker."""
    work, job_id, parent = argv[0], argv[1], int(argv[2])
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the worker
    if os.getppid() != parent:  # the worker died before the line above
        return 1
    run_job(JobStore(Path(work)), job_id, worker_name(parent))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
