"""Two packages of one shop compared by source_id, entity by entity, in DuckDB.

One full outer join per entity (a hash join: linear in the shop's size) says of every
source_id whether it is new, deleted, or which fields moved (dumpkit/delta/rules.py says
which of them count); the delta's rows land in `pkg.<entity>` with `change` and
`changed_fields`, where the package writer takes them. The Parquet files reach DuckDB as
Arrow datasets, scanned in batches and never read whole, on a connection without file
access: their values came from a dump.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds

from ..package.schema import CHANGE_NAMES, ENTITIES, REFERENCES, file_name
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


def connect(work: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills into `work` (DUMPKIT_MEMORY, default 100MB), locked down."""
    con = duckdb.connect()
    con.execute("SET memory_limit = ?", [os.environ.get("DUMPKIT_MEMORY", "100MB")])
    con.execute("SET temp_directory = ?", [str(work)])
    con.execute("SET TimeZone = 'UTC'")
    return lock_down(con)


def _view(con: duckdb.DuckDBPyConnection, name: str, package: Path, entity: str) -> None:
    """View `name`: the entity's file as a dataset, in schema order without the delta's own
    columns; columns it lacks (a base package of an older minor version) read as NULL."""
    data = ds.dataset(Path(package) / file_name(entity), format="parquet")
    con.register(name + "_file", data)
    have = set(data.schema.names)
    columns = [ident(f.name) if f.name in have else f"CAST(NULL AS {_sql_type(con, f.type)}) AS {ident(f.name)}"
               for f in ENTITIES[entity] if f.name not in CHANGE_NAMES]
    con.execute(f"CREATE OR REPLACE TEMP VIEW {ident(name)} AS SELECT {', '.join(columns)} FROM {ident(name + '_file')}")


def _drop_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(f"DROP VIEW IF EXISTS {ident(name)}")
    con.unregister(name + "_file")


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
    _view(con, "_old", old, entity)
    _view(con, "_new", new, entity)
    moved = {f.name: f"{_comparable(f, 'o.' + ident(f.name))} IS DISTINCT FROM {_comparable(f, 'n.' + ident(f.name))}"
             for f in compared_fields(entity)}
    listed = ", ".join(f"CASE WHEN {test} THEN {literal(name)} END" for name, test in moved.items())
    counting = " OR ".join(moved[name] for name in counting_fields(entity)) or "false"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _diff AS
        SELECT coalesce(n.source_id, o.source_id) AS source_id,
               CASE WHEN o.source_id IS NULL THEN 'new' WHEN n.source_id IS NULL THEN 'deleted' ELSE 'changed' END AS change,
               CASE WHEN o.source_id IS NOT NULL AND n.source_id IS NOT NULL
                    THEN list_filter([{listed}]::VARCHAR[], lambda x: x IS NOT NULL) END AS changed_fields
        FROM _old o FULL JOIN _new n ON o.source_id = n.source_id
        WHERE o.source_id IS NULL OR n.source_id IS NULL OR ({counting})""")
    select = ", ".join(f"x.{ident(f.name)}" for f in ENTITIES[entity] if f.name not in CHANGE_NAMES)
    con.execute(f"""CREATE OR REPLACE TABLE {qualified('pkg', entity)} AS
        SELECT {select}, d.change, d.changed_fields FROM _new x JOIN _diff d ON x.source_id = d.source_id
            WHERE d.change <> 'deleted'
        UNION ALL
        SELECT {select}, d.change, NULL FROM _old x JOIN _diff d ON x.source_id = d.source_id
            WHERE d.change = 'deleted'""")
    for name in ("_old", "_new"):
        _drop_view(con, name)
    result = EntityDelta(entity)
    for change, n in con.execute(f"SELECT change, count(*) FROM {qualified('pkg', entity)} GROUP BY 1").fetchall():
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
        _view(con, "_old", old, entity)
        con.execute("CREATE OR REPLACE TEMP TABLE _ids AS SELECT unnest(?::VARCHAR[]) AS source_id",
                    [[r["source_id"] for r in changed]])
        before = {r["source_id"]: r for r in con.sql(
            "SELECT * FROM _old WHERE source_id IN (SELECT source_id FROM _ids)").to_arrow_table().to_pylist()}
        _drop_view(con, "_old")
        out["changed"] = [{"source_id": r["source_id"], "record": r,
                           "fields": {f: [before[r["source_id"]].get(f), r[f]] for f in r["changed_fields"]}}
                          for r in changed]
    for kind in ("new", "deleted"):
        rows = con.sql(f"SELECT * FROM {table} WHERE change = $1 ORDER BY source_id LIMIT {SAMPLE}",
                       params=[kind]).to_arrow_table().to_pylist()
        if rows:
            out[kind] = [{"source_id": r["source_id"], "record": r} for r in rows]
    return out
