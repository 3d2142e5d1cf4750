"""Helpers the mapping tests share: stage the fixtures once, migrate a copy of a staged dump, read what came out."""
from __future__ import annotations

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
