"""Helpers the mapping tests share: stage the fixtures once, migrate a copy of a staged dump, read what came out."""
from __future__ import annotations

import re
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
