"""Write the load package: one Parquet file per entity, manifest.json, issues.jsonl.

Every file is conformed to and validated against its schema before it is
written; rows are sorted by source id in natural order (by DuckDB, natsort.py),
so the same dump gives the same files.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__, natsort
from ..issues import IssueLog
from .schema import ENTITIES, SCHEMA_VERSION, conform, file_name, validate


class PackageInvalid(Exception):
    pass


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def entity_table(con: duckdb.DuckDBPyConnection, entity: str) -> pa.Table:
    """The entity's rows from the pkg schema, conformed to the package schema (empty when not mapped)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema='pkg' AND table_name=?",
                         [entity]).fetchall()[0][0]
    if not exists:
        return ENTITIES[entity].empty_table()
    natsort.define(con)
    order = natsort.order_by_in(con, f'pkg."{entity}"')
    table = con.sql(f'SELECT * FROM pkg."{entity}" ORDER BY {order}').to_arrow_table()
    return conform(entity, table)


def write_parquet(table: pa.Table, where) -> None:
    """One package file (`where`: a path or a writable pyarrow buffer). The table's chunks are joined
    first: the same rows give the same bytes, however they were put together."""
    pq.write_table(table.combine_chunks(), where, compression="zstd")


def write_package(con: duckdb.DuckDBPyConnection, out: Path, entities: list[str], log: IssueLog, manifest: dict,
                  on_file: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """The package's files; `on_file(name, rows)` after each (progress)."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for entity in ENTITIES:
        table = entity_table(con, entity) if entity in entities else ENTITIES[entity].empty_table()
        problems = validate(entity, table)
        if problems:
            raise PackageInvalid(f"{entity}: " + "; ".join(problems[:5]))
        write_parquet(table, out / file_name(entity))
        counts[entity] = table.num_rows
        if on_file:
            on_file(file_name(entity), table.num_rows)
    log.write(out / "issues.jsonl")
    if on_file:
        on_file("issues.jsonl", len(log))
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "dumpkit_version": __version__,
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **manifest,
        "counts": counts,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return counts


def read_package(out: Path) -> dict[str, pa.Table]:
    return {e: conform(e, pq.read_table(out / file_name(e))) for e in ENTITIES if (out / file_name(e)).exists()}
