"""Two packages of one shop compared by source_id, entity by entity, in DuckDB.

One full outer join per entity (a hash join, one scan of each file: linear in the shop's
size) says of every source_id whether it is new, deleted, or which fields moved
(dumpkit/delta/rules.py says which of them count), and writes the delta's rows, with
`change` and `changed_fields`, into `pkg.<entity>`, where the package writer takes them.
DuckDB reads the Parquet files itself, on a connection that may read only the two package
folders (their values came from a dump; the SQL holds no name from it).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..package.schema import CHANGE_NAMES, ENTITIES, REFERENCES, file_name
from ..limits import STAGE_MEMORY, duckdb_memory
from ..sandbox import lock_down
from ..sqlnames import ident, literal, qualified
from .rules import compared_fields, counting_fields

SAMPLE = 5  # records per entity and kind of change shown side by side in the report


@dataclass
class EntityDelta:
    entity: str
    new: int = 0
    changed: int = 0
    deleted: int = 0
    fields: dict[str, int] = field(default_factory=dict)  # field -> changed rows where it moved

    @property
    def total(self) -> int:
        return self.new + self.changed + self.deleted


def connect(work: Path, *readable: Path, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills into `work` (DUMPKIT_MEMORY, default STAGE_MEMORY) and reads
    files in the `readable` folders only."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [duckdb_memory(STAGE_MEMORY)])
    con.execute("SET temp_directory = ?", [str(work)])
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET allowed_directories = ?", [[str(Path(p).resolve()) + os.sep for p in readable]])
    return lock_down(con)


def columns(con: duckdb.DuckDBPyConnection, package: Path, entity: str) -> str:
    """The select list of the entity's file in schema order without the delta's own columns;
    columns it lacks (a base package of an older minor version) read as NULL."""
    have = set(pq.read_schema(Path(package) / file_name(entity)).names)
    return ", ".join(ident(f.name) if f.name in have else f"CAST(NULL AS {_sql_type(con, f.type)}) AS {ident(f.name)}"
                     for f in ENTITIES[entity] if f.name not in CHANGE_NAMES)


def scan(con: duckdb.DuckDBPyConnection, package: Path, entity: str) -> str:
    """A subquery reading the entity's file (the path is dumpkit's own, a literal)."""
    path = literal(str((Path(package) / file_name(entity)).resolve()))
    return f"(SELECT {columns(con, package, entity)} FROM read_parquet({path}))"


def _sql_type(con: duckdb.DuckDBPyConnection, t: pa.DataType) -> str:
    return str(con.from_arrow(pa.table({"x": pa.nulls(0, t)})).types[0])


def _comparable(f: pa.Field, column: str) -> str:
    """The column as compared: id lists as sets, maps by their entries."""
    if pa.types.is_map(f.type):
        return f"list_sort(map_entries({column}))"
    if pa.types.is_list(f.type):
        return f"list_sort({column})"
    return column


def diff_entity(con: duckdb.DuckDBPyConnection, entity: str, old: Path, new: Path) -> EntityDelta:
    """pkg.<entity>: the new and changed rows of `new` and the rows of `old` that are gone."""
    moved = {f.name: f"{_comparable(f, 'o.' + ident(f.name))} IS DISTINCT FROM {_comparable(f, 'n.' + ident(f.name))}"
             for f in compared_fields(entity)}
    listed = ", ".join(f"CASE WHEN {test} THEN {literal(name)} END" for name, test in moved.items())
    counting = " OR ".join(moved[name] for name in counting_fields(entity)) or "false"
    # a deleted row is the old one, every other the new one
    row = ", ".join(f"CASE WHEN n.source_id IS NULL THEN o.{ident(f.name)} ELSE n.{ident(f.name)} END AS {ident(f.name)}"
                    for f in ENTITIES[entity] if f.name not in CHANGE_NAMES)
    con.execute(f"""CREATE OR REPLACE TABLE {qualified('pkg', entity)} AS
        SELECT {row},
               CASE WHEN o.source_id IS NULL THEN 'new' WHEN n.source_id IS NULL THEN 'deleted' ELSE 'changed' END AS change,
               CASE WHEN o.source_id IS NOT NULL AND n.source_id IS NOT NULL
                    THEN list_filter([{listed}]::VARCHAR[], lambda x: x IS NOT NULL) END AS changed_fields
        FROM {scan(con, old, entity)} o FULL JOIN {scan(con, new, entity)} n ON o.source_id = n.source_id
        WHERE o.source_id IS NULL OR n.source_id IS NULL OR ({counting})""")
    result = EntityDelta(entity)
    for change, n in con.execute(f"SELECT change, count(*) FROM {qualified('pkg', entity)} GROUP BY 1 ORDER BY 1").fetchall():
        setattr(result, change, n)
    result.fields = dict(con.execute(f"""SELECT f, count(*) AS n FROM (SELECT unnest(changed_fields) AS f
        FROM {qualified('pkg', entity)}) GROUP BY f ORDER BY n DESC, f""").fetchall())
    return result


def brought_along(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """'orders.customer_source_id': how many new records the delta's new and changed rows refer
    to through that reference (a new order's new customer, its new products): the closure
    comes with the delta, the rest is in the shop already."""
    out = {}
    for (entity, column), target in REFERENCES.items():
        f = ENTITIES[entity].field(column)
        ref = f"unnest({ident(column)})" if pa.types.is_list(f.type) else ident(column)
        n = con.execute(f"""SELECT count(DISTINCT r) FROM (SELECT {ref} AS r FROM {qualified('pkg', entity)}
            WHERE change <> 'deleted') WHERE r IN (SELECT source_id FROM {qualified('pkg', target)} WHERE change = 'new')
            """).fetchall()[0][0]
        if n:
            out[f"{entity}.{column}"] = n
    return out


def samples(con: duckdb.DuckDBPyConnection, entity: str, old: Path) -> dict:
    """The first records of each kind of change, for the report: changed ones field by field
    (old value, new value), new and deleted ones as they are."""
    table = qualified("pkg", entity)
    out: dict = {}
    changed = con.sql(f"SELECT * FROM {table} WHERE change = 'changed' ORDER BY source_id LIMIT {SAMPLE}"
                      ).to_arrow_table().to_pylist()
    if changed:
        before = {r["source_id"]: r for r in con.sql(
            f"SELECT * FROM {scan(con, old, entity)} WHERE source_id IN (SELECT unnest($1::VARCHAR[]))",
            params=[[r["source_id"] for r in changed]]).to_arrow_table().to_pylist()}
        out["changed"] = [{"source_id": r["source_id"], "record": r,
                           "fields": {f: [before[r["source_id"]].get(f), r[f]] for f in r["changed_fields"]}}
                          for r in changed]
    for kind in ("new", "deleted"):
        rows = con.sql(f"SELECT * FROM {table} WHERE change = $1 ORDER BY source_id LIMIT {SAMPLE}",
                       params=[kind]).to_arrow_table().to_pylist()
        if rows:
            out[kind] = [{"source_id": r["source_id"], "record": r} for r in rows]
    return out
