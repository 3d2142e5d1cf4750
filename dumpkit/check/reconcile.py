"""Every source record of the six key entities is in the package or in the issues file."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from ..issues import IssueLog
from ..sqlnames import qualified, tables_in


@dataclass
class Reconciliation:
    entity: str
    source: int
    written: int
    skipped: dict[str, int] = field(default_factory=dict)  # reason code -> count
    unaccounted: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unaccounted


def reconcile(con: duckdb.DuckDBPyConnection, sources: dict[str, str], log: IssueLog, entities: list[str],
              restrict: dict[str, set[str]] | None = None) -> list[Reconciliation]:
    """`restrict` (a demo sample) limits each entity to the source ids it holds. Set-based: the
    source ids, the package's and those the issues explain are joined in DuckDB."""
    result = []
    pkg = tables_in(con)
    con.register("_issues", log.table())
    try:
        for entity, sql in sources.items():
            if entity not in entities:
                continue
            con.execute(f"CREATE OR REPLACE TEMP TABLE _source AS SELECT DISTINCT CAST(x AS VARCHAR) AS source_id "
                        f"FROM ({sql}) AS _q(x) WHERE x IS NOT NULL")
            if restrict is not None:
                con.register("_restrict", pa.table({"source_id": pa.array(sorted(restrict.get(entity, set())), pa.string())}))
                con.execute("DELETE FROM _source WHERE source_id NOT IN (SELECT source_id FROM _restrict)")
                con.unregister("_restrict")
            written = f"SELECT source_id FROM {qualified('pkg', entity)}" if entity in pkg else "SELECT NULL::VARCHAR AS source_id WHERE false"
            con.execute(f"""CREATE OR REPLACE TEMP TABLE _fate AS SELECT s.source_id,
                s.source_id IN ({written}) AS written,
                s.source_id IN (SELECT source_id FROM _issues WHERE entity = ?) AS logged
                FROM _source s""", [entity])
            reasons = dict(con.execute("""SELECT i.code, count(*) FROM _issues i JOIN _fate f ON f.source_id = i.source_id
                WHERE i.entity = ? AND NOT f.written GROUP BY 1 ORDER BY 1""", [entity]).fetchall())
            missing = [r[0] for r in con.execute(
                "SELECT source_id FROM _fate WHERE NOT written AND NOT logged ORDER BY source_id").fetchall()]
            for sid in missing:
                log.add("check", entity, sid, "error", "NOT_ACCOUNTED_FOR", None,
                        "source record is neither in the package nor explained by another issue")
            total, kept = con.execute("SELECT count(*), count(*) FILTER (WHERE written) FROM _fate").fetchall()[0]
            result.append(Reconciliation(entity, total, kept, reasons, missing))
        con.execute("DROP TABLE IF EXISTS _source")
        con.execute("DROP TABLE IF EXISTS _fate")
    finally:
        con.unregister("_issues")
    return result
