"""Batch processing of uploaded dumps: jobs in a durable queue, run by `dumpkit worker`.

The modules follow a job: `store` (the job store: a folder and job.json per job under the
work folder), `queue` (Huey on SQLite or Redis, carrying job ids; recovery of jobs whose
worker died), `phases` (what a job does, phase by phase, in a process of its own), `inbox`
(`dumpkit watch`: uploads become jobs). The desk's actions are here.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import BusyError, DumpkitError
from .queue import Queue
from .store import FINISHED, Job, JobStore


def submit(store: JobStore, queue: Queue, dumps: list[Path], shop: str, goal: str, options: dict,
           base: str | None = None) -> Job:
    """A new job for the dump(s), queued. A delta (post-migration) job compares the newer dump with
    the package of `base`, by default the shop's newest finished full migration or delta."""
    if goal == "delta":
        base_job = store.get(base) if base else store.latest_package(shop)
        if base_job.shop != shop:
            raise DumpkitError(f"--base {base_job.id} is a job of shop {base_job.shop!r}, not {shop!r}")
        if base_job.goal == "demo" or base_job.status != "done":
            raise DumpkitError(f"--base {base_job.id} is a {base_job.goal} job, {base_job.status}: a delta compares "
                               "with a finished full migration or delta")
        base = base_job.id
    job = store.create(shop, dumps, goal, options, base=base)
    queue.enqueue(job)
    return job


def approve(store: JobStore, queue: Queue, job_id: str, load: dict | None = None, delta: dict | None = None) -> Job:
    """The owner approved the demo: on to the full migration (and with `load` the load and the
    read-back). A migrated full job is moved on to the load the same way. A reviewed delta is
    applied to the shop its chain's first job was loaded into (or `load`'s), with `delta`'s
    options (delete, prefer)."""
    job = store.get(job_id)
    try:
        with store.hold(job.id) as job:
            ready = job.status == "waiting" or (job.status == "done" and job.goal == "full" and load)
            if not ready:
                raise DumpkitError(f"job {job.id} is {job.status} in phase {job.phase}: only a demo or a delta waiting "
                                   "for approval (or a finished full migration, with --load) can be approved")
            if delta and any(delta.values()) and job.goal != "delta":
                raise DumpkitError("--delete and --prefer are for applying a delta job")
            if job.goal == "delta":
                home = store.home(job)
                target = load or home.load
                if not target:
                    raise DumpkitError(f"job {job.id}: its shop's first job {home.id} was never loaded; say where the "
                                       "delta goes with --load (--api-url or --into-sim)")
                if target.get("into_sim") and not home.load:
                    raise DumpkitError(f"job {job.id}: --into-sim applies a delta to the simulator its first job "
                                       f"{home.id} was loaded into, and it was never loaded")
                job.goal, job.load = "delta_load", {**target, **(delta or {})}
                store.log(job.id, f"approved: apply the delta to shop {target['shop']}")
                queue.enqueue(job)
                return job
            job.goal, job.load = ("load", load) if load else ("full", None)
            store.log(job.id, f"approved: {'full migration, load and verify' if load else 'full migration'}")
            queue.enqueue(job)
            return job
    except BusyError:
        raise BusyError(f"job {job.id} is being changed by another process; try again") from None


def cancel(store: JobStore, job_id: str) -> str:
    """Cancel the job: at once when it is not running, else its process stops at its next
    step (or is stopped a few seconds later). What happened, in words."""
    job = store.get(job_id)
    if job.status in FINISHED:
        raise DumpkitError(f"job {job.id} is already {job.status}")
    try:
        with store.hold(job.id) as job:
            job.status, job.worker = "cancelled", None
            store.save(job)
            store.log(job.id, "cancelled")
            return "cancelled"
    except BusyError:
        store.request_cancel(job.id)
        store.log(job.id, "cancel requested while running")
        return "cancel requested: the running job stops within seconds"
