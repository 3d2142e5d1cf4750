"""Every source record of the six key entities is in the package or in the issues file."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from ..issues import IssueLog
from ..sqlnames import qualified


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
    """`restrict` (a demo sample) limits each entity to the source ids it holds."""
    result = []
    pkg = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='pkg'").fetchall()}
    for entity, sql in sources.items():
        if entity not in entities:
            continue
        source_ids = {str(r[0]) for r in con.execute(sql).fetchall() if r[0] is not None}
        if restrict is not None:
            source_ids &= restrict.get(entity, set())
        written = {r[0] for r in con.execute(f"SELECT source_id FROM {qualified('pkg', entity)}").fetchall()} if entity in pkg else set()
        reasons: dict[str, int] = {}
        for i in log.items:
            if i.entity == entity and i.source_id in source_ids and i.source_id not in written:
                reasons[i.code] = reasons.get(i.code, 0) + 1
        logged = log.source_ids(entity)
        missing = sorted(source_ids - written - logged)
        for sid in missing:
            log.add("check", entity, sid, "error", "NOT_ACCOUNTED_FOR", None,
                    "source record is neither in the package nor explained by another issue")
        result.append(Reconciliation(entity, len(source_ids), len(written & source_ids), reasons, missing))
    return result
