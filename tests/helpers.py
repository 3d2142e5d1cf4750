"""Helpers the mapping tests share: stage the fixtures once, migrate a copy of a staged dump, read what came out."""
from __future__ import annotations

import re
import json
import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from dumpkit.map.runner import run_script
from dumpkit.migrate import migrate
from dumpkit.stage import stage_dump


def stage_each(tmp_path_factory, prefix: str, dumps: dict[str, list[Path]]) -> dict[str, Path]:
    """Each named dump (one or more files) staged once, for a module's tests to migrate copies of."""
    base = tmp_path_factory.mktemp(f"{prefix}-staged")
    out = {}
    for name, files in dumps.items():
        out[name] = base / f"{prefix}-{name}.duckdb"
        stage_dump(files, out[name])
    return out


def migrate_copy(staged_db: Path, work: Path, sql: str | None = None, **options):
    """Migrate a copy of a staged DuckDB file, after running `sql` on it (a test scenario).
    Most fixture shops are not in NOK: their amounts are checked as the dump has them
    (keep_currency), unless the test gives currency_rates."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "stage.duckdb"
    shutil.copy(staged_db, db)
    if sql:
        con = duckdb.connect(str(db))
        run_script(con, sql)
        con.close()
    if not options.get("currency_rates"):
        options.setdefault("keep_currency", True)
    return migrate(db, work / "out", **options)


def changed_dump(mariadb, files: list[Path], database: str, statements: list[str], out: Path) -> Path:
    """Restore the dump file(s) into the real MariaDB, run `statements` (a change made the way the
    shop platform itself makes it) and dump the database again with the real mariadb-dump."""
    for n, f in enumerate(files):
        restored = mariadb.restore(f, database, fresh=n == 0)
        assert not restored.errors, restored.errors[:3]
    with mariadb.connect(database) as conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
    return mariadb.dump(database, out)


def rows(result, entity: str) -> dict[str, dict]:
    return {r["source_id"]: r for r in pq.read_table(result.out / f"{entity}.parquet").to_pylist()}


def codes(result, entity: str | None = None, source_id: str | None = None) -> list[str]:
    return [i.code for i in result.log.items
            if (entity is None or i.entity == entity) and (source_id is None or i.source_id == source_id)]


# a run's plain progress lines on stderr (dumpkit/progress.py LineProgress): '[  3.2 s] step ...' and
# '  step: note'. A run that fails after the first two seconds prints them before its error line.
PROGRESS_LINE = re.compile(r"^(\[\s*\d+\.\d s\] |  \S)")


def error_lines(stderr: str) -> list[str]:
    """stderr without the progress lines: what a user reads as the error."""
    return [line for line in stderr.splitlines() if line.strip() and not PROGRESS_LINE.match(line)]
def copy_rows(table: str, where: str, changes: str) -> list[str]:
    """Statements that insert a copy of `table`'s rows matching `where` with `changes` (SET list):
    a new record made the way the platform writes one, column for column."""
    return [f"CREATE TEMPORARY TABLE t_copy AS SELECT * FROM {table} WHERE {where}", f"UPDATE t_copy SET {changes}",
            f"INSERT INTO {table} SELECT * FROM t_copy", "DROP TEMPORARY TABLE t_copy"]


def live_dumps(mariadb, files: list[Path], database: str, changes: list[list[str]], work: Path) -> list[Path]:
    """A shop as it lives on: the fixture restored into the real MariaDB and dumped by the real
    mariadb-dump, then each batch of `changes` run on the server and the shop dumped again."""
    dumps = [changed_dump(mariadb, files, database, [], work / f"{database}-1.sql")]
    for n, statements in enumerate(changes, 2):
        with mariadb.connect(database) as conn, conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
        dumps.append(mariadb.dump(database, work / f"{database}-{n}.sql"))
    return dumps


def delta_rows(out: Path) -> dict[tuple[str, str], tuple[str, frozenset]]:
    """(entity, source_id) -> (change, changed fields) of every row of a delta package."""
    from dumpkit.package.schema import ENTITIES

    found = {}
    for entity in ENTITIES:
        for r in pq.read_table(Path(out) / f"{entity}.parquet", columns=["source_id", "change", "changed_fields"]).to_pylist():
            found[(entity, r["source_id"])] = (r["change"], frozenset(r["changed_fields"] or ()))
    return found


def new(entity: str, *ids: str) -> dict:
    return {(entity, i): ("new", frozenset()) for i in ids}


def deleted(entity: str, *ids: str) -> dict:
    return {(entity, i): ("deleted", frozenset()) for i in ids}


def changed(*fields: str) -> tuple[str, frozenset]:
    return ("changed", frozenset(fields))


def package(out: Path, without: tuple[str, ...] = ("change", "changed_fields")) -> dict[str, dict[str, dict]]:
    """entity -> source_id -> row of a (small) package, without the delta's own columns."""
    from dumpkit.package.schema import ENTITIES

    return {e: {r["source_id"]: {k: v for k, v in r.items() if k not in without}
                for r in pq.read_table(Path(out) / f"{e}.parquet").to_pylist()} for e in ENTITIES}


def applied(base: Path, delta: Path) -> dict[str, dict[str, dict]]:
    """The base package with the delta's rows put in (new, changed) and taken out (deleted), where
    the rows the delta leaves out take their companion fields (updated_at ...) from `delta/full`:
    what a shop loaded from the base holds after the delta, in the package's terms."""
    from dumpkit.delta.rules import is_companion

    state, full = package(base), package(Path(delta) / "full")
    for entity in state:
        for r in pq.read_table(Path(delta) / f"{entity}.parquet").to_pylist():
            if r["change"] == "deleted":
                del state[entity][r["source_id"]]
            else:
                state[entity][r["source_id"]] = {k: v for k, v in r.items() if k not in ("change", "changed_fields")}
        for sid, row in state[entity].items():
            for k in row:
                if is_companion(entity, k) and sid in full[entity]:
                    row[k] = full[entity][sid][k]
    return state


def first_and_delta(dumps: list[Path], work: Path, **options):
    """The first dump migrated (with `options`) and the delta of the second against it."""
    from dumpkit.delta import make_delta

    first = migrate(dumps[0], work / "first", **options)
    return first, make_delta(first.out, dumps[1], work / "delta")


# ---------------------------------------------------------------- applying a delta (the loader, the simulator)
SIM_RATE = 600_000  # requests per minute: these tests are not about the limit
SIM_TOKEN = "tok-delta-not-a-real-token"


def sim_load(out: Path, sim, state: Path, **options):
    """dumpkit load into the simulator, in a thread of its own: the module's Playwright browser keeps
    an event loop running in this one, and the loader runs its own (asyncio.run)."""
    from concurrent.futures import ThreadPoolExecutor

    from dumpkit.load.loader import load

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(load, out, "shop", token=SIM_TOKEN, api_url=sim.url, state_dir=state, progress=False,
                           rate_per_minute=SIM_RATE, **options).result()


def ms_id(state: Path, entity: str, source_id: str) -> str:
    import sqlite3

    with sqlite3.connect(state / "shop" / "ledger.sqlite") as db:
        return db.execute("SELECT ms_id FROM records WHERE entity=? AND source_id=? AND state='done'",
                          [entity, source_id]).fetchone()[0]


def owner_edits(sim, state: Path, entity: str, source_id: str, attributes: dict) -> None:
    """What the shop owner does in Mystore's control panel, through the API: a PATCH."""
    import httpx

    from dumpkit.mystore import api

    resource = api.RESOURCES[entity]
    id_ = ms_id(state, entity, source_id)
    r = httpx.patch(api.shop_base_url(sim.url, "shop") + f"{resource.path}/{id_}",
                    json=api.document(resource, attributes, {}, id_),
                    headers={"Authorization": f"Bearer {SIM_TOKEN}", "Content-Type": api.MEDIA_TYPE,
                             "Accept": api.MEDIA_TYPE})
    assert r.status_code == 200, r.text


def shop_records(sim, state: Path) -> dict[tuple[str, str], dict]:
    """The simulated shop as (entity, source_id) -> {attributes, relationships by source id}: the
    ledger's id map read backwards, so two shops loaded apart compare record by record."""
    import sqlite3

    from dumpkit.mystore import api

    with sqlite3.connect(state / "shop" / "ledger.sqlite") as db:
        ids = {(e, m): s for e, s, m in db.execute("SELECT entity, source_id, ms_id FROM records WHERE state='done'")}
    entity_of = {r.type: e for e, r in api.RESOURCES.items()}
    statuses = {}
    out = {}
    for id_, type_, attrs, rels in sim.app.shop.db.execute(
            "SELECT id, type, attributes, relationships FROM records WHERE shop='shop' ORDER BY id"):
        if type_ == api.ORDER_STATUS.type:
            statuses[str(id_)] = json.loads(attrs)["name"]
            continue
        entity = entity_of[type_]
        out[(entity, ids.get((entity, str(id_)), f"unmapped:{id_}"))] = (json.loads(attrs), json.loads(rels))
    shop = {}
    for (entity, sid), (attrs, rels) in out.items():
        by_name = {r.api: r for r in api.RESOURCES[entity].rels}

        def source(rel, v):
            return statuses.get(str(v)) if rel.target == "order_status" else ids.get((rel.target, str(v)), f"unmapped:{v}")
        mapped = {n: sorted(source(by_name[n], x) for x in v) if isinstance(v, list) else None if v is None
                  else source(by_name[n], v) for n, v in rels.items()}
        shop[(entity, sid)] = {"attributes": attrs, "relationships": mapped}
    return shop


def shop_differences(a: dict, b: dict) -> dict[tuple[str, str], set[str]]:
    """(entity, source_id) -> the fields that differ between two shops' records (both having it)."""
    diff = {}
    for key in a.keys() & b.keys():
        fields = {n for part in ("attributes", "relationships")
                  for n in a[key][part].keys() | b[key][part].keys() if a[key][part].get(n) != b[key][part].get(n)}
        if fields:
            diff[key] = fields
    return diff


def applied_and_from_scratch(first: Path, deltas: list[Path], work: Path, edits=(), **options):
    """Shop A: the first package loaded, the owner's `edits` made in Mystore ((entity, source_id,
    {attribute: value})), then each delta applied - twice, the second time sending nothing. Shop B:
    the last delta's full package loaded from scratch. Returns (shop A, shop B, the delta loads)."""
    from dumpkit.mystore.simulator import SimServer, package_statuses

    statuses = tuple(dict.fromkeys(s for out in [first, *(Path(d) / "full" for d in deltas)] for s in package_statuses(out)))
    loads = []
    work.mkdir(parents=True, exist_ok=True)
    with SimServer(work / "a.sqlite", rate=SIM_RATE, order_statuses=statuses) as sim:
        sim_load(first, sim, work / "state-a")
        for entity, source_id, attributes in edits:
            owner_edits(sim, work / "state-a", entity, source_id, attributes)
        for delta in deltas:
            loads.append(sim_load(delta, sim, work / "state-a", **options))
            assert sim_load(delta, sim, work / "state-a", **options).requests == 0  # applied twice: nothing the second time
        a = shop_records(sim, work / "state-a")
    with SimServer(work / "b.sqlite", rate=SIM_RATE, order_statuses=statuses) as sim:
        sim_load(Path(deltas[-1]) / "full", sim, work / "state-b")
        b = shop_records(sim, work / "state-b")
    return a, b, loads


def load_issues(delta: Path, code: str) -> dict[tuple[str, str, str], str]:
    """(entity, source_id, field) -> message of the load issues of one code a delta's load wrote."""
    with open(Path(delta) / "load" / "issues.jsonl", encoding="utf-8") as f:
        return {(i["entity"], i["source_id"], i["field"]): i["message"] for i in map(json.loads, f) if i["code"] == code}


def real_differences(shop_a: dict, shop_b: dict) -> dict[tuple[str, str], set[str]]:
    """The differences between two shops' records but for the companion fields (dumpkit/delta/rules.py:
    an updated_at or last_login that moved alone is no change, so a delta does not carry it)."""
    from dumpkit.delta.rules import is_companion
    from dumpkit.package.schema import ENTITIES

    rest = {k: {f for f in v if not (k[0] in ENTITIES and is_companion(k[0], f))}
            for k, v in shop_differences(shop_a, shop_b).items()}
    return {k: v for k, v in rest.items() if v}


def owner_wins(first: Path, delta: Path, work: Path, edits, conflict: tuple[str, str, str], kept: set) -> None:
    """The delta applied onto the shop loaded from `first`, where the owner made `edits`, is the
    newer package loaded from scratch but for those edits; the field both changed is one
    DELTA_CONFLICT naming the owner's value; the shop keeps the `kept` records the newer dump lost,
    a deleted product among them switched off."""
    a, b, _ = applied_and_from_scratch(first, [delta], work, edits)
    assert real_differences(a, b) == {(e, s): set(attributes) for e, s, attributes in edits}, shop_differences(a, b)
    assert all(a[(e, s)]["attributes"][f] == v for e, s, attributes in edits for f, v in attributes.items())
    assert a.keys() - b.keys() == kept and not b.keys() - a.keys(), (a.keys() - b.keys(), b.keys() - a.keys())
    assert all(a[k]["attributes"]["status"] == 0 for k in kept if k[0] == "products")
    conflicts = load_issues(delta, "DELTA_CONFLICT")
    owners = next(attributes[conflict[2]] for e, s, attributes in edits if (e, s) == conflict[:2])
    assert list(conflicts) == [conflict] and f'"{owners}"' in conflicts[conflict], conflicts
