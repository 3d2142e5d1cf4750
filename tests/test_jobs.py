"""Jobs (issue 17): real `dumpkit worker` processes on the SQLite queue and on a real Redis,
killed with kill -9 in the middle of a job; the packages they end with are compared file for
file with a direct `dumpkit migrate` of the same dump."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dumpkit.jobs import cancel
from dumpkit.jobs.queue import Queue
from dumpkit.jobs.store import FINISHED, JobStore, worker_name
from dumpkit.lock import hold_lock
from tests.servers import missing_requirement

FX = Path(__file__).resolve().parent.parent / "fixtures"
# every dump among the fixtures: the mapped platforms, and those dumpkit stages but cannot map
# (their jobs fail with the line `dumpkit migrate` prints, and the queue goes on)
# a shop of every mapped platform (the biggest fixture of each, the first the longest) and every
# kind of dump that is refused (data only, schema only, unmapped platforms, no dump at all): the
# job machinery is the same for every shop, and every fixture's migration is held to its own
# expectations elsewhere (test_reproducible, test_map_*)
DUMPS = [FX / p for p in ("shopware6/sw-6.4-happyware.sql", "magento2/m2-2.4.7-luma-no.sql", "prestashop/ps-8.1.7.sql",
                          "woocommerce/wc-guest-order.sql", "opencart/oc-3.0.x.sql", "opencart/oc-4.1.0.5-data.sql",
                          "magento1/m1-1.9.2.1-schema.sql", "oscommerce/osc-2.3.4.1.sql", "spree-storedog.sql",
                          "shopware6/demo-data-2019")]
# the fixture shops sell in these currencies: NOK for one unit (illustrative rates)
RATES = ["--currency-rate", "EUR=11.70", "--currency-rate", "USD=10.80", "--currency-rate", "GBP=13.60"]
NOT_PACKAGE = {"report.html", "stage.duckdb", "stage.duckdb.wal", "load"}


def dumpkit(*args: str, work: Path | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "400"}
    if work:
        env["DUMPKIT_WORK"] = str(work)
    return subprocess.run([sys.executable, "-m", "dumpkit.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, timeout=300, **kw)


class Workers:
    """`dumpkit worker` processes of one work folder, each killed at the end of the test."""

    def __init__(self, work: Path, *args: str):
        self.work, self.args, self.procs = work, args, []

    def start(self) -> subprocess.Popen:
        log = open(self.work.parent / f"worker-{len(self.procs)}.log", "wb")
        p = subprocess.Popen([sys.executable, "-m", "dumpkit.cli", "worker", "--concurrency", "1", "--recover-every",
                              "1", *self.args], env={**os.environ, "DUMPKIT_WORK": str(self.work)},
                             stdout=log, stderr=log)
        self.procs.append(p)
        return p

    def kill(self, pid: int) -> None:
        os.kill(pid, signal.SIGKILL)
        next(p for p in self.procs if p.pid == pid).wait()

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()


@pytest.fixture
def work(tmp_path):
    return tmp_path / "work"


@pytest.fixture
def workers(work):
    started = []

    def make(*args):
        w = Workers(work, *args)
        started.append(w)
        return w
    yield make
    for w in started:
        w.stop()


def wait_for(what, timeout: float = 240, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what.__doc__ or what}")


def submit(work: Path, dump: Path, *args: str) -> str:
    done = dumpkit("submit", dump, "--shop", shop_of(dump), *args, work=work)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def shop_of(dump: Path) -> str:
    return dump.name.split(".sql")[0].replace(".", "-")


@pytest.fixture(scope="module")
def direct(tmp_path_factory):
    """`dumpkit migrate` of dumps, two at a time, each once for the module: {dump: its run},
    the packages in base/<shop>."""
    base = tmp_path_factory.mktemp("direct")
    done: dict[Path, subprocess.CompletedProcess] = {}

    def migrate(dumps: list[Path]) -> dict[Path, subprocess.CompletedProcess]:
        todo = [d for d in dumps if d not in done]
        with ThreadPoolExecutor(2) as pool:
            done.update(zip(todo, pool.map(lambda d: dumpkit("migrate", d, "-o", base / shop_of(d), *RATES), todo)))
        return {d: done[d] for d in dumps}
    migrate.base = base
    return migrate


def manifest_without_times(path: Path) -> dict:
    m = json.loads(path.read_text(encoding="utf-8"))
    m.pop("created_at", None)
    for s in m.get("summary", []):
        s.pop("seconds", None)
    return m


def assert_same_package(job_out: Path, direct_out: Path) -> None:
    """File for file: the same files, each the same bytes (the Parquet files, issues.jsonl,
    review.json), and the same manifest but for the time it was written and how long each
    entity took."""
    files = sorted(p.name for p in direct_out.iterdir() if p.name not in NOT_PACKAGE)
    assert sorted(p.name for p in job_out.iterdir() if p.name not in NOT_PACKAGE) == files
    assert any(f.endswith(".parquet") for f in files)
    for name in files:
        if name == "manifest.json":
            assert manifest_without_times(job_out / name) == manifest_without_times(direct_out / name)
        else:
            assert (job_out / name).read_bytes() == (direct_out / name).read_bytes(), name


def error_line(done: subprocess.CompletedProcess) -> str:
    return done.stderr.strip().splitlines()[-1].removeprefix("error: ")


def check_against_direct(store: JobStore, ids: dict[Path, str], direct) -> None:
    base = direct.base
    for dump, job_id in ids.items():
        job, done = store.get(job_id), direct([dump])[dump]
        if done.returncode == 0:
            assert job.status == "done" and job.phase == "migrated", (dump, job.error)
        else:  # the same one line, and the same exit code
            assert job.status == "failed", dump
            assert (job.error, job.exit_code) == (error_line(done), done.returncode), dump
        if (base / shop_of(dump) / "manifest.json").exists():
            assert_same_package(store.folder(job_id) / "package", base / shop_of(dump))
        else:
            assert not (store.folder(job_id) / "package").exists()


def running(store: JobStore, step: str, pids: set[int]):
    """A job in this step, run by a worker among `pids`: (job, worker pid)."""
    for job in store.all():
        if job.status == "running" and job.step == step and job.worker:
            pid = int(job.worker.rsplit(":", 1)[1])
            if pid in pids:
                return job, pid
    return None


@pytest.mark.slow
def test_every_fixture_through_killed_workers(work, workers, direct):
    """A fixture dump of every platform as a job, two workers; one is killed during a staging and
    the other during a mapping, two new ones take over: every job ends as a direct migrate does."""
    store = JobStore(work)
    ids = {dump: submit(work, dump, "--full", *RATES) for dump in DUMPS}
    ws = workers()
    first = {ws.start().pid, ws.start().pid}
    with ThreadPoolExecutor(1) as pool:
        migrated = pool.submit(direct, DUMPS)  # meanwhile
        killed = []
        for step in ("staging", "mapping"):
            job, pid = wait_for(lambda: running(store, step, first - {k for _, k in killed}))
            ws.kill(pid)
            killed.append((job.id, pid))
            ws.start()
        wait_for(lambda: all(store.get(i).status in FINISHED for i in ids.values()))
        migrated.result()
    for job_id, pid in killed:  # the phase it was in ran again, by another worker, to its end
        job = store.get(job_id)
        assert job.attempts == 2, job
        assert any(r.name == "migrating" and r.finished is None and r.worker.endswith(f":{pid}") for r in job.runs)
        assert job.runs[-1].worker != job.runs[0].worker and job.runs[-1].finished
        assert f"worker {job.runs[0].worker} died during migrating; queued again" in store.read_log(job_id)
    check_against_direct(store, ids, direct)
    # where is each shop: `dumpkit jobs` shows every failure's one-line reason
    listing = dumpkit("jobs", work=work)
    assert listing.returncode == 0
    failed = [store.get(i) for i in ids.values() if store.get(i).status == "failed"]
    assert failed and all(f"failed: {j.error[:100]}" in listing.stdout for j in failed)
    assert all(j.shop in listing.stdout for j in store.all())


@pytest.mark.slow
def test_a_job_never_runs_twice_at_once(work, workers):
    """The same job queued three times for two workers: it runs once; the duplicate that
    reached the other worker while it ran left it alone."""
    dump = FX / "opencart" / "oc-3.0.x.sql"
    job_id = submit(work, dump, "--full", *RATES)
    store = JobStore(work)
    queue = Queue(store)
    for _ in range(3):
        queue.task(job_id, priority=0)
    ws = workers()
    ws.start(), ws.start()
    wait_for(lambda: store.get(job_id).status in FINISHED)
    wait_for(lambda: not queue.huey.pending_count(), timeout=30)
    time.sleep(1.5)  # the duplicates taken last have left
    job = store.get(job_id)
    assert job.status == "done" and job.attempts == 1
    assert [r.name for r in job.runs] == ["inspecting", "migrating"]
    assert "already running in another process" in store.read_log(job_id)


@pytest.mark.slow
def test_demo_of_a_new_upload_jumps_ahead_then_approve_loads(work, workers, monkeypatch):
    """While a full migration runs, a full one and then a demo are queued: the demo runs
    first. Approved with --load, the demo's job is migrated, loaded into the simulator and
    read back. (The test holds the machine's one migration slot until both are queued, so the
    first migration is still running then, however fast it would be.)"""
    monkeypatch.setenv("DUMPKIT_MIGRATION_SLOTS", "1")
    monkeypatch.setenv("DUMPKIT_SLOT_FROM_MB", "0")
    ws = workers()
    ws.start()
    store = JobStore(work)
    with hold_lock(work / "slots" / worker_name().split(":")[0] / "slot-0"):
        running_full = submit(work, FX / "opencart" / "oc-2.3.0.2.sql", "--full", *RATES)
        wait_for(lambda: store.get(running_full).step == "waiting for a migration slot")
        queued_full = submit(work, FX / "opencart" / "oc-3.0.x.sql", "--full", *RATES)
        demo = submit(work, FX / "woocommerce" / "wc-orders-hpos.sql", "--demo", "--seed", "7", *RATES)
    wait_for(lambda: store.get(demo).status == "waiting")
    shown = dumpkit("jobs", demo, work=work)
    assert "demo ready" in shown.stdout and str(store.folder(demo) / "demo" / "report.html") in " ".join(shown.stdout.split())
    assert (store.folder(demo) / "demo" / "report.html").exists()
    approved = dumpkit("approve", demo, "--load", "--into-sim", work=work)
    assert approved.returncode == 0, approved.stderr
    wait_for(lambda: store.get(demo).status in FINISHED)
    job = store.get(demo)
    assert (job.status, job.phase) == ("done", "verified"), job.error
    assert [r.name for r in job.runs] == ["inspecting", "demo migrating", "migrating", "loading", "verifying"]
    assert json.loads((store.folder(demo) / "package" / "load" / "verify.json").read_text())["ok"]
    wait_for(lambda: store.get(queued_full).status == "done")
    assert store.get(demo).runs[0].started < store.get(queued_full).runs[0].started


def test_a_bad_dump_fails_with_one_line_and_the_queue_goes_on(work, workers, tmp_path):
    not_a_dump = tmp_path / "shop.sql"
    not_a_dump.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    bad = submit(work, not_a_dump, "--full")
    good = submit(work, FX / "woocommerce" / "wc-orders-hpos.sql", "--full", *RATES)
    workers().start()
    store = JobStore(work)
    wait_for(lambda: store.get(good).status in FINISHED)
    direct = dumpkit("migrate", not_a_dump, "-o", tmp_path / "direct")
    job = store.get(bad)
    assert direct.returncode == 2  # not a dump
    assert (job.status, job.error, job.exit_code) == ("failed", error_line(direct), 2)
    assert [r.name for r in job.runs] == ["inspecting"]  # found out in seconds, before any staging
    assert store.get(good).status == "done"
    listing = dumpkit("jobs", "--shop", "shop", work=work)
    assert f"failed: {job.error}" in listing.stdout and "wc-orders-hpos" not in listing.stdout


def shop_with_a_big_table(path: Path, rows: int = 1_500_000) -> Path:
    """The PrestaShop 8 shop with one more table of `rows` rows: its migration runs long enough
    (several seconds of staging) to be cancelled on any machine."""
    text = (FX / "prestashop" / "ps-8.1.7.sql").read_text(encoding="utf-8")
    head, trailer = text.rsplit("-- Dump completed", 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        f.write("CREATE TABLE `ps_extra_log` (`id` int NOT NULL, `line` varchar(64), PRIMARY KEY (`id`));\n")
        for start in range(0, rows, 1000):
            f.write("INSERT INTO `ps_extra_log` VALUES "
                    + ",".join(f"({i},'log line {i} of a busy shop')" for i in range(start, start + 1000)) + ";\n")
        f.write("-- Dump completed" + trailer)
    return path


def test_cancel_a_queued_job_and_a_running_one(work, workers, tmp_path):
    store = JobStore(work)
    queued = submit(work, FX / "opencart" / "oc-3.0.x.sql", "--full", *RATES)
    assert cancel(store, queued) == "cancelled"
    big = submit(work, shop_with_a_big_table(tmp_path / "big-shop.sql"), "--full", *RATES)
    workers().start()
    wait_for(lambda: store.get(big).running == "migrating")
    stopped = dumpkit("cancel", big, work=work)
    assert stopped.returncode == 0 and "cancel requested" in stopped.stdout
    wait_for(lambda: store.get(big).status in FINISHED)
    assert store.get(big).status == "cancelled" and not (store.folder(big) / "package").exists()
    assert store.get(queued).status == "cancelled" and not store.get(queued).runs
    again = dumpkit("cancel", big, work=work)
    assert again.returncode == 1 and again.stderr.strip() == f"error: job {big} is already cancelled"


def test_watch_takes_complete_uploads_only_once(work, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    marked = inbox / "acme-shop.sql"
    shutil.copy(FX / "woocommerce" / "wc-orders-hpos.sql", marked)
    (inbox / "acme-shop.sql.done").touch()
    settled = inbox / "other.sql.gz"
    settled.write_bytes(b"")
    shutil.copy(FX / "opencart" / "oc-3.0.x.sql", settled)
    uploading = inbox / "third.sql.part"
    uploading.write_bytes(b"-- still coming")
    done = dumpkit("watch", inbox, "--once", "--settle", "0.3", work=work)
    assert done.returncode == 0, done.stderr
    store = JobStore(work)
    jobs = {j.shop: j for j in store.all()}
    assert sorted(jobs) == ["acme-shop", "other"]
    assert sorted(p.name for p in inbox.iterdir()) == ["third.sql.part"]  # the .done marker went with its file
    for job in jobs.values():
        assert job.status == "queued" and job.goal == "demo" and job.options["seed"] is not None
        assert Path(job.dumps[0]).parent == store.folder(job.id) / "upload" and Path(job.dumps[0]).exists()
    assert {t.args[0] for t in Queue(store).huey.pending()} == {j.id for j in jobs.values()}
    again = dumpkit("watch", inbox, "--once", "--settle", "0.3", work=work)
    assert again.returncode == 0 and len(store.all()) == 2


def test_the_queue_of_a_work_folder_is_fixed(work):
    store = JobStore(work)
    assert Queue(store).url == "sqlite"
    refused = dumpkit("submit", FX / "woocommerce" / "wc-orders-hpos.sql", "--shop", "x", "--queue",
                      "redis://127.0.0.1:1/0", work=work)
    assert refused.returncode == 1 and "uses the queue sqlite" in refused.stderr and not store.all()


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server on a unix socket of its own (no TCP port)."""
    server = shutil.which("redis-server") or ("/usr/sbin/redis-server" if os.path.exists("/usr/sbin/redis-server") else None)
    if server is None:
        missing_requirement("redis-server not found (apt-get install redis-server; .ci/setup --test installs it)")
    sock = tmp_path / "redis.sock"
    proc = subprocess.Popen([server, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
                             "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: sock.exists(), timeout=20)
        yield f"unix://{sock}?db=0"
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.slow
def test_redis_two_workers_one_killed(work, workers, redis_url, direct):
    """The same with a real Redis: two workers; one is killed during a mapping, a new one
    takes over; every package is the direct migrate's; the demo goes first."""
    dumps = [FX / "prestashop" / "ps-1.7.7.sql", FX / "opencart" / "oc-4.1.0.5-data.sql",
             FX / "magento2" / "m2-categories-sequelpro.sql"]
    store = JobStore(work)
    ids = {dump: submit(work, dump, "--full", "--queue", redis_url, *RATES) for dump in dumps}
    demo = submit(work, FX / "woocommerce" / "wc-orders-hpos.sql", "--demo", *RATES)  # the work folder's queue
    assert Queue(store).url == redis_url
    ws = workers()
    first = {ws.start().pid, ws.start().pid}
    job, pid = wait_for(lambda: running(store, "mapping", first))
    ws.kill(pid)
    ws.start()
    wait_for(lambda: all(store.get(i).status in FINISHED for i in ids.values()))
    assert store.get(job.id).attempts == 2
    check_against_direct(store, ids, direct)
    assert store.get(demo).status == "waiting"
    starts = sorted([demo, *ids.values()], key=lambda i: store.get(i).runs[0].started)
    assert starts.index(demo) < 2  # submitted last, taken by one of the two workers first


@pytest.mark.slow
def test_ctrl_c_lets_the_running_job_finish(work, workers):
    """SIGINT (Ctrl-C) stops the worker once its job is done; the job is not cut."""
    store = JobStore(work)
    job_id = submit(work, FX / "opencart" / "oc-3.0.x.sql", "--full", *RATES)
    worker = workers().start()
    wait_for(lambda: store.get(job_id).running == "migrating")
    worker.send_signal(signal.SIGINT)
    assert worker.wait(timeout=240) == 0
    job = store.get(job_id)
    assert (job.status, job.attempts) == ("done", 1)
    refused = dumpkit("approve", job_id, work=work)
    assert refused.returncode == 1 and refused.stderr.strip() == (
        f"error: job {job_id} is done in phase migrated: only a demo or a delta waiting for approval "
        "(or a finished full migration, with --load) can be approved")


def test_a_post_migration_job_is_reviewed_then_applied_to_the_loaded_shop(work, workers, tmp_path):
    """Weeks after the shop was migrated and loaded, a newer dump comes in as a delta job: it is
    compared with the shop's last package and waits with its review report; approved, it is
    applied to the shop the first job loaded (its simulator, its ledger), which then holds the
    newer dump's shop. The same dump once more is a delta with nothing in it."""
    from dumpkit.load.verify import verify
    from dumpkit.mystore.simulator import SimServer, package_statuses

    workers().start()
    store = JobStore(work)
    first_dump = FX / "opencart" / "oc-3.0.x.sql"
    shop = shop_of(first_dump)
    first = submit(work, first_dump, "--full", *RATES)
    wait_for(lambda: store.get(first).status in FINISHED)
    assert dumpkit("approve", first, "--load", "--into-sim", work=work).returncode == 0
    wait_for(lambda: store.get(first).status in FINISHED)
    assert store.get(first).phase == "verified", store.get(first).error

    newer = tmp_path / "newer" / first_dump.name  # the same shop, a product renamed since
    newer.parent.mkdir()
    text = first_dump.read_text(encoding="utf-8")
    assert text.count("(44, 1, 'MacBook Air',") == 1
    newer.write_text(text.replace("(44, 1, 'MacBook Air',", "(44, 1, 'MacBook Air 2026',"), encoding="utf-8")
    refused = dumpkit("submit", newer, "--shop", shop, "--delta", *RATES, work=work)
    assert refused.returncode == 1 and refused.stderr.strip().startswith("error: --delta repeats the options")
    refused = dumpkit("submit", newer, "--shop", "another-shop", "--delta", work=work)
    assert refused.returncode == 1 and "has no finished full migration or delta job" in refused.stderr

    delta = submit(work, newer, "--delta")
    wait_for(lambda: store.get(delta).status in ("waiting", *FINISHED))
    job = store.get(delta)
    assert (job.status, job.phase, job.base) == ("waiting", "delta_ready", first), job.error
    assert job.report == str(store.folder(delta) / "delta" / "report.html") and Path(job.report).exists()
    products = pq.read_table(store.folder(delta) / "delta" / "products.parquet").to_pylist()
    assert [(r["source_id"], r["change"], r["changed_fields"]) for r in products] == [("44", "changed", ["name"])]
    assert "delta ready: approve" in dumpkit("jobs", work=work).stdout

    approved = dumpkit("approve", delta, work=work)
    assert approved.returncode == 0 and f"the delta applied to shop {shop}" in approved.stdout, approved.stderr
    wait_for(lambda: store.get(delta).status in FINISHED)
    job = store.get(delta)
    assert (job.status, job.phase) == ("done", "loaded"), job.error
    assert [r.name for r in job.runs] == ["inspecting", "comparing", "applying"]
    # the shop the first job loaded now holds the newer dump's shop, read back through the API
    full = store.folder(delta) / "delta" / "full"
    statuses = tuple(dict.fromkeys(package_statuses(store.folder(first) / "package") + package_statuses(full)))
    with SimServer(store.folder(first) / "sim.sqlite", rate=600_000, tokens={"t-jobs"}, order_statuses=statuses) as sim:
        read_back = verify(full, shop, token="t-jobs", api_url=sim.url, state_dir=store.folder(first) / "load-state",
                           rate_per_minute=600_000)
    assert read_back.ok

    again = submit(work, newer, "--delta")  # compared with the applied delta's package: nothing new
    wait_for(lambda: store.get(again).status in ("waiting", *FINISHED))
    assert store.get(again).base == delta
    assert all(pq.read_metadata(p).num_rows == 0 for p in (store.folder(again) / "delta").glob("*.parquet"))


def test_one_migration_at_a_time_per_machine_slot(work, workers, monkeypatch):
    """Two workers on one machine, one migration slot: while one job stages or maps, the other
    waits for the slot, and both end done. (The fixtures count as big dumps here.)"""
    monkeypatch.setenv("DUMPKIT_MIGRATION_SLOTS", "1")
    monkeypatch.setenv("DUMPKIT_SLOT_FROM_MB", "0")
    ws = workers()
    ws.start(), ws.start()
    store = JobStore(work)
    ids = [submit(work, FX / "prestashop" / name, "--full", *RATES) for name in ("ps-8.1.7.sql", "ps-1.7.7.sql")]
    seen_waiting = False
    while not all(store.get(i).status in FINISHED for i in ids):
        steps = [store.get(i).step if store.get(i).status == "running" else None for i in ids]
        assert sum(s in ("staging", "mapping") for s in steps) <= 1, steps
        seen_waiting |= "waiting for a migration slot" in steps
        time.sleep(0.02)
    assert [store.get(i).status for i in ids] == ["done", "done"]
    assert seen_waiting


def test_a_job_lost_between_the_queue_and_its_worker_is_queued_again(work, workers):
    """A worker killed after it took a job's task from the queue and before the job's process
    started leaves a job marked queued that no queue holds: after LOST_AFTER seconds a worker's
    look at the store queues it again, and it runs. (The task taken is simulated by a job saved
    as queued an hour ago and never put into the queue.)"""
    from dumpkit.jobs.queue import LOST_AFTER

    store = JobStore(work)
    queue = Queue(store)
    lost = store.create("lost-shop", [FX / "opencart" / "oc-3.0.x.sql"], "full", {"currency_rates": {"USD": "10.80"}})
    fresh = store.create("fresh-shop", [FX / "opencart" / "oc-3.0.x.sql"], "full", {"currency_rates": {"USD": "10.80"}})
    lost.queued = time.time() - LOST_AFTER - 3600
    store.save(lost)
    assert queue.pending_ids() == set()
    assert queue.recover() == [lost.id]  # the fresh one may still be on its way into the queue
    assert queue.pending_ids() == {lost.id} and queue.recover() == []
    assert "lost from the queue; queued again" in store.read_log(lost.id)
    workers().start()
    wait_for(lambda: store.get(lost.id).status in FINISHED)
    assert (store.get(lost.id).status, store.get(fresh.id).status) == ("done", "queued"), store.get(lost.id).error
