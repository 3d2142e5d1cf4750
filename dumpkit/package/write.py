"""Write the load package: one Parquet file per entity, issues.jsonl, review.json (a
demo's), and last manifest.json, which lists each of them with its size and sha256.

Every file is conformed to and validated against its schema before it is
written; rows are sorted by source id so the same dump gives the same files.
The folder is a fresh one that dumpkit.package.folder swaps into place.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from .. import __version__
from ..issues import IssueLog
from ..sqlnames import qualified
from .schema import ENTITIES, SCHEMA_VERSION, conform, file_name, validate
from .verify import REVIEW, describe_files, package_files


class PackageInvalid(Exception):
    pass


def _natural_key(s: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", s or "") if t]


def entity_table(con: duckdb.DuckDBPyConnection, entity: str) -> pa.Table:
    """The entity's rows from the pkg schema, conformed to the package schema (empty when not mapped)."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema='pkg' AND table_name=?",
                         [entity]).fetchall()[0][0]
    if not exists:
        return ENTITIES[entity].empty_table()
    table = con.sql(f"SELECT * FROM {qualified('pkg', entity)}").to_arrow_table()
    order = sorted(range(table.num_rows), key=lambda i: _natural_key(table.column("source_id")[i].as_py()))
    return conform(entity, table.take(pa.array(order, pa.int64())))


def write_package(con: duckdb.DuckDBPyConnection, out: Path, entities: list[str], log: IssueLog, manifest: dict,
                  review: dict | None = None) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for entity in ENTITIES:
        table = entity_table(con, entity) if entity in entities else ENTITIES[entity].empty_table()
        problems = validate(entity, table)
        if problems:
            raise PackageInvalid(f"{entity}: " + "; ".join(problems[:5]))
        pq.write_table(table, out / file_name(entity), compression="zstd")
        counts[entity] = table.num_rows
    log.write(out / "issues.jsonl")
    if review:
        (out / REVIEW).write_text(json.dumps(review, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "dumpkit_version": __version__,
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **manifest,
        "counts": counts,
        "files": describe_files(out, package_files() | ({REVIEW} if review else set())),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return counts


def read_package(out: Path) -> dict[str, pa.Table]:
    return {e: conform(e, pq.read_table(out / file_name(e))) for e in ENTITIES if (out / file_name(e)).exists()}
