"""Write the load package: one Parquet file per entity, issues.jsonl, review.json (a
demo's), and last manifest.json, which lists each of them with its size and sha256.

Every file is conformed to and validated against its schema before it is
written; rows are sorted by source id (by DuckDB, natsort.file_order_in), so the
same dump gives the same files. The folder is a fresh one that
dumpkit.package.folder swaps into place.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import __version__, natsort
from ..issues import IssueLog
from ..sqlnames import has_table, qualified, tables_in
from .schema import ENTITIES, SCHEMA_VERSION, conform, file_name, validate
from .verify import ISSUES, REVIEW, describe_files, package_files


class PackageInvalid(Exception):
    pass


ROW_GROUP = 8_192  # rows per Parquet row group; a file is written one group at a time, so memory stays bounded
# zstd without dictionary pages: in groups of 8,192 rows most text columns (names, URLs, e-mails)
# are nearly unique, and trying a dictionary for each was slower and bigger (the amplified
# benchmark shop's files: 0.65-0.84 s and 13.4 MB with them, 0.44 s and 9.1 MB without)
PARQUET = {"compression": "zstd", "use_dictionary": False}



def entity_groups(con: duckdb.DuckDBPyConnection, entity: str, mapped: bool | None = None) -> Iterator[pa.Table]:
    """The entity's rows from the pkg schema in the order of source_id (natsort.file_order_in),
    conformed to the package schema, ROW_GROUP rows at a time (nothing when not mapped; `mapped`:
    whether it is, when the caller knows)."""
    if not (has_table(con, entity) if mapped is None else mapped):
        return
    order = natsort.file_order_in(con, qualified("pkg", entity))
    reader = con.sql(f"SELECT * FROM {qualified('pkg', entity)} ORDER BY {order}").to_arrow_reader(ROW_GROUP)
    waiting: list[pa.RecordBatch] = []
    rows = 0
    for batch in reader:
        waiting.append(batch)
        rows += batch.num_rows
        while rows >= ROW_GROUP:
            table = pa.Table.from_batches(waiting)
            yield conform(entity, table.slice(0, ROW_GROUP))
            rest = table.slice(ROW_GROUP)
            waiting, rows = rest.to_batches(), rest.num_rows
    if rows:
        yield conform(entity, pa.Table.from_batches(waiting))


def write_parquet(table: pa.Table, where) -> None:
    """One package file (`where`: a path or a writable pyarrow buffer), in row groups of ROW_GROUP
    rows: the same rows give the same bytes, however they were put together (write_entity's way)."""
    pq.write_table(table.combine_chunks(), where, row_group_size=ROW_GROUP, **PARQUET)


def write_entity(con: duckdb.DuckDBPyConnection, entity: str, path: Path, mapped: bool | None = None) -> int:
    """The entity's file, validated a row group at a time; rows written. Its source ids must be
    unique: the rows come sorted by them (file_order_in ends with the id itself), so a repeated
    one is next to itself, which the groups are checked for on their way out."""
    rows, writer, last = 0, None, None
    groups = entity_groups(con, entity, mapped)
    try:
        for table in groups:
            problems = validate(entity, table)
            if problems:
                raise PackageInvalid(f"{entity}: " + "; ".join(problems[:5]))
            ids = table.column("source_id")
            if last == ids[0].as_py() or pc.any(pc.equal(ids[1:], ids[:-1])).as_py():
                groups.close()  # (its query holds the connection)
                raise PackageInvalid(f"{entity}: {entity}.source_id: duplicate value(s): {_duplicates(con, entity)}")
            last = ids[-1].as_py()
            writer = writer or pq.ParquetWriter(path, table.schema, **PARQUET)
            writer.write_table(table.combine_chunks(), row_group_size=ROW_GROUP)
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        write_parquet(ENTITIES[entity].empty_table(), path)
    return rows


def _duplicates(con: duckdb.DuckDBPyConnection, entity: str) -> str:
    """The most repeated source ids of the entity, for the message."""
    dupes = con.execute(f"SELECT source_id, count(*) FROM {qualified('pkg', entity)} GROUP BY 1 HAVING count(*) > 1 "
                        f"ORDER BY 2 DESC, 1 LIMIT 6").fetchall()
    return ", ".join(f"{v!r} x{n}" for v, n in dupes[:5]) + (", ..." if len(dupes) > 5 else "")


def write_package(con: duckdb.DuckDBPyConnection, out: Path, entities: list[str], log: IssueLog, manifest: dict,
                  review: dict | None = None, on_file: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """The package's files; `on_file(name, rows)` after each (progress)."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    mapped = set(tables_in(con))
    # one file at a time: two at once (a DuckDB cursor each, or issues.jsonl beside the Parquet
    # files) were 0.3 s faster on the benchmark shop, but held 50-60 MB more at the peak
    for entity in ENTITIES:
        if entity in entities:
            counts[entity] = write_entity(con, entity, out / file_name(entity), entity in mapped)
        else:
            write_parquet(ENTITIES[entity].empty_table(), out / file_name(entity))
            counts[entity] = 0
        if on_file:
            on_file(file_name(entity), counts[entity])
    log.sort(con)  # with the migration's threads (the issues' own DuckDB has one): half the time
    log.write(out / ISSUES)  # on a DuckDB of its own: the migration's is locked down (no COPY)
    if on_file:
        on_file(ISSUES, len(log))
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
