"""The queue between `dumpkit submit` and `dumpkit worker`: Huey, on SQLite or Redis.

The queue carries nothing but job ids (the job itself is in the job store), with a
priority: a demo of a new upload goes before queued full migrations and loads. One machine
needs no server: submitters and workers share WORK/queue.sqlite. Many machines share a
Redis (`--queue redis://host:6379/0`) and the work folder on a shared file system. The
queue a work folder uses is written into WORK/queue.url the first time, so a `submit`
cannot put a job into a queue no worker reads.

Huey hands a task to one worker and forgets it; a worker killed with kill -9 takes the task
with it. The job store keeps what the queue forgets: every worker looks at the store every
few seconds (recover()), and a job marked running whose lock no live process holds (its
worker died; the kernel dropped the lock) goes back into the queue, to restart its phase.
A job queued for a while but in neither the queue nor a process (its worker died between
taking the task and starting the job) is queued again too. A job queued twice is harmless:
its second run finds it held, or finished, and leaves it alone.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

from ..errors import DumpkitError
from .store import ACTIVE, Job, JobStore, now

TASK = "dumpkit.run_job"
QUEUE_FILE = "queue.url"
GIVE_UP_AFTER = 5           # worker deaths in one job before it fails instead of running again
LOST_AFTER = 30.0           # seconds a queued job may be out of the queue before it is queued again
CANCEL_GRACE = 5.0          # seconds a cancelled job's process has to stop itself before it is killed

log = logging.getLogger("dumpkit.jobs")


def queue_url(store: JobStore, given: str | None) -> str:
    """The work folder's queue: `sqlite` (WORK/queue.sqlite) or a Redis URL, fixed on first use."""
    path = store.work / QUEUE_FILE
    known = path.read_text(encoding="utf-8").strip() if path.exists() else None
    if given and not (given == "sqlite" or given.split("://")[0] in ("redis", "rediss", "unix")):
        raise DumpkitError(f"--queue {given!r}: expected sqlite or a Redis URL (redis://host:6379/0, unix:///path.sock)")
    if known and given and given != known:
        raise DumpkitError(f"--queue {given}: the work folder {store.work} uses the queue {known} "
                           f"(in {path}); a job put elsewhere would reach no worker")
    if known:
        return known
    url = given or "sqlite"
    store.work.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{QUEUE_FILE}.{os.getpid()}")
    tmp.write_text(url + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return url


class Queue:
    """The Huey instance of a work folder, with its one task: run a job."""

    def __init__(self, store: JobStore, url: str | None = None):
        from huey import PriorityRedisHuey, SqliteHuey

        self.store = store
        self.url = queue_url(store, url)
        if self.url == "sqlite":
            self.huey = SqliteHuey("dumpkit", filename=str(store.work / "queue.sqlite"), results=False)
        else:  # Redis >= 5: the priority queue is a sorted set (BZPOPMIN)
            self.huey = PriorityRedisHuey("dumpkit", url=self.url, results=False)
        self.task = self.huey.task(name=TASK)(self._run)

    def enqueue(self, job: Job) -> None:
        """Put the job (saved as queued) into the queue."""
        job.status, job.queued = "queued", now()
        self.store.save(job)
        try:
            self.task(job.id, priority=job.priority)
        except Exception as e:  # the Redis server is down or refuses
            raise DumpkitError(f"the queue {self.url} refused the job ({type(e).__name__}: {e}); "
                               f"job {job.id} is saved: run `dumpkit worker` to queue it again") from None

    def pending_ids(self) -> set[str]:
        return {t.args[0] for t in self.huey.pending() if t.args}

    def _run(self, job_id: str) -> None:
        """The task: the job in a process of its own (dumpkit/jobs/phases.py), watched for `cancel`."""
        from .phases import mark_stopped

        with open(self.store.folder(job_id) / "log.txt", "ab") as out:
            child = subprocess.Popen([sys.executable, "-m", "dumpkit.jobs.phases", str(self.store.work), job_id,
                                      str(os.getpid())], stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                     start_new_session=True)  # Ctrl-C stops the worker, which lets it finish
        asked = None
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if asked is None and self.store.cancel_requested(job_id):
                    asked = time.monotonic()
                elif asked is not None and time.monotonic() - asked > CANCEL_GRACE:
                    child.kill()  # mapping cannot be interrupted from inside: the package stays as it was
        if code != 0:
            mark_stopped(self.store, job_id, "cancelled" if asked else f"its process ended with {code} "
                         f"({'killed by signal ' + str(-code) if code < 0 else 'exit code ' + str(code)})")

    def recover(self) -> list[str]:
        """Jobs whose worker died, queued again; the ids."""
        requeued = []
        pending = None
        for job in self.store.all():
            if job.status not in ACTIVE:
                continue
            if job.status == "queued":
                if now() - job.queued < LOST_AFTER:
                    continue
                pending = self.pending_ids() if pending is None else pending
                if job.id in pending:
                    continue
            try:
                with self.store.hold(job.id) as held:
                    if held.status not in ACTIVE or (held.status == "queued" and now() - held.queued < LOST_AFTER):
                        continue
                    if held.attempts >= GIVE_UP_AFTER:
                        from .phases import give_up

                        give_up(self.store, held, f"its worker died {held.attempts} times; not run again")
                        continue
                    self.store.log(held.id, f"{'worker ' + held.worker + ' died' if held.worker else 'lost from the queue'}"
                                            f"{' during ' + held.running if held.running else ''}; queued again")
                    held.worker, held.running, held.step, held.progress, held.eta = None, None, None, None, None
                    self.enqueue(held)
                    requeued.append(held.id)
            except DumpkitError:  # held by a live process: running
                continue
        return requeued

    def run_worker(self, concurrency: int, recover_every: float = 5.0) -> None:
        """Run jobs until interrupted: `concurrency` at once, with recover() every few seconds."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
        stop = threading.Event()

        def recovering():
            while not stop.wait(recover_every):
                try:
                    for job_id in self.recover():
                        log.info("job %s: its worker died; queued again", job_id)
                except Exception as e:  # a passing hiccup of the store or the queue; next round
                    log.warning("recovery: %s: %s", type(e).__name__, e)

        self.recover()
        threading.Thread(target=recovering, name="dumpkit-recover", daemon=True).start()
        consumer = self.huey.create_consumer(workers=concurrency, worker_type="thread", periodic=False,
                                             initial_delay=0.1, max_delay=1.0, backoff=1.15)
        try:
            consumer.run()
        finally:
            stop.set()


def default_concurrency() -> int:
    """One big staging at a time per 2 cores: each takes a core for reading and one for DuckDB."""
    return max(1, (os.cpu_count() or 2) // 2)
