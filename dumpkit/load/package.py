"""Reading a load package for the loader: the one gate (`_check_package`), and the rows of
each entity streamed in batches, children grouped under their parent by a merge on sorted
keys (DuckDB sorts; memory stays bounded by a batch, not by the shop)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import duckdb

from ..errors import DumpkitError
from ..package.schema import ENTITIES, SCHEMA_VERSION, file_name

BATCH_ROWS = 2000


def _check_package(out: Path) -> dict:
    """THE call site of the package check before anything is sent. Today: a known
    schema_version, every entity file present, a reconciliation without unaccounted records.
    (The manifest's per-file sha256 check, check_package(out), is to be called here.)"""
    out = Path(out)
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise DumpkitError(f"{out}: no manifest.json, not a dumpkit load package")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise DumpkitError(f"{manifest_path}: not valid JSON ({e})") from None
    version = str(manifest.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0] or not version:
        raise DumpkitError(f"{out}: package schema_version {version or 'missing'!r} is not one this loader knows "
                           f"({SCHEMA_VERSION}); migrate the dump again with this dumpkit")
    unaccounted = {r.get("entity"): r.get("unaccounted") for r in manifest.get("reconciliation", [])
                   if r.get("unaccounted")}
    if unaccounted:
        raise DumpkitError(f"{out}: the package's reconciliation has unaccounted records ("
                           + ", ".join(f"{e} {n}" for e, n in unaccounted.items())
                           + "); fix the migration before loading")
    missing = [e for e in ENTITIES if not (out / file_name(e)).is_file()]
    if missing:
        raise DumpkitError(f"{out}: entity file(s) missing: {', '.join(file_name(e) for e in missing)}")
    return manifest


def _pairs_to_dicts(row: dict) -> dict:
    """Parquet hands map columns over as lists of (key, value) pairs; the loader wants dicts."""
    for k, v in row.items():
        if isinstance(v, list) and v and isinstance(v[0], tuple) and len(v[0]) == 2:
            row[k] = dict(v)
    return row


def rows(out: Path, entity: str, order_by: str = "source_id") -> Iterator[dict]:
    """The entity's rows sorted by `order_by` (a column name from the schema), in batches."""
    if order_by not in ENTITIES[entity].names:
        raise ValueError(order_by)
    con = duckdb.connect()
    try:
        reader = con.sql(f'SELECT * FROM read_parquet($1) ORDER BY "{order_by}", source_id',
                         params=[str(Path(out) / file_name(entity))]).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            for row in batch.to_pylist():
                yield _pairs_to_dicts(row)
    finally:
        con.close()


def count(out: Path, entity: str) -> int:
    con = duckdb.connect()
    try:
        return con.execute("SELECT count(*) FROM read_parquet(?)", [str(Path(out) / file_name(entity))]).fetchone()[0]
    finally:
        con.close()


def source_ids(out: Path, entity: str) -> list[str]:
    con = duckdb.connect()
    try:
        return [r[0] for r in con.execute("SELECT source_id FROM read_parquet(?)",
                                          [str(Path(out) / file_name(entity))]).fetchall()]
    finally:
        con.close()


def with_children(out: Path, parent: str, children: dict[str, tuple[str, str]]) -> Iterator[tuple[dict, dict[str, list[dict]]]]:
    """Each row of `parent` with its children: {name: (entity, key column)} -> rows whose key
    is the parent's source_id. A merge of streams sorted by the same key: linear, bounded."""
    streams = {name: rows(out, entity, key) for name, (entity, key) in children.items()}
    keys = {name: key for name, (_, key) in children.items()}
    heads = {name: next(s, None) for name, s in streams.items()}
    for row in rows(out, parent, "source_id"):
        sid = row["source_id"]
        kids: dict[str, list[dict]] = {}
        for name, stream in streams.items():
            got = []
            # children of parents that are not in the file (cannot happen in a checked package) are passed over
            while heads[name] is not None and heads[name][keys[name]] < sid:
                heads[name] = next(stream, None)
            while heads[name] is not None and heads[name][keys[name]] == sid:
                got.append(heads[name])
                heads[name] = next(stream, None)
            kids[name] = got
        yield row, kids
