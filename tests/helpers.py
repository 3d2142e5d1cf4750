"""Helpers the mapping tests share: migrate a copy of a staged dump, read what came out."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from dumpkit.map.runner import run_script
from dumpkit.migrate import migrate


def migrate_copy(staged_db: Path, work: Path, sql: str | None = None):
    """Migrate a copy of a staged DuckDB file, after running `sql` on it (a test scenario)."""
    work.mkdir(parents=True, exist_ok=True)
    db = work / "stage.duckdb"
    shutil.copy(staged_db, db)
    if sql:
        con = duckdb.connect(str(db))
        run_script(con, sql)
        con.close()
    return migrate(db, work / "out")


def rows(result, entity: str) -> dict[str, dict]:
    return {r["source_id"]: r for r in pq.read_table(result.out / f"{entity}.parquet").to_pylist()}


def codes(result, entity: str | None = None, source_id: str | None = None) -> list[str]:
    return [i.code for i in result.log.items
            if (entity is None or i.entity == entity) and (source_id is None or i.source_id == source_id)]
