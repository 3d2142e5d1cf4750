"""The issues file of a migration: one line per problem, written as issues.jsonl.

Every source record that does not reach the package lands here with its
source id and a reason, so nothing is lost without a trace.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

LEVELS = ("error", "warning", "info")


@dataclass(frozen=True)
class Issue:
    phase: str  # stage, map, check, package
    entity: str | None
    source_id: str | None
    level: str  # error | warning | info
    code: str  # stable UPPER_SNAKE code
    field: str | None
    message: str


class IssueLog:
    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, phase: str, entity: str | None, source_id, level: str, code: str, field: str | None, message: str) -> None:
        assert level in LEVELS, level
        self.items.append(Issue(phase, entity, None if source_id is None else str(source_id), level, code, field, message))

    def extend(self, issues) -> None:
        self.items.extend(issues)

    def source_ids(self, entity: str) -> set[str]:
        return {i.source_id for i in self.items if i.entity == entity and i.source_id is not None}

    def counts(self) -> Counter:
        return Counter((i.level, i.code, i.entity) for i in self.items)

    def write(self, path: Path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            for i in self.items:
                f.write(json.dumps(asdict(i), ensure_ascii=False) + "\n")

    @staticmethod
    def read(path: Path) -> "IssueLog":
        log = IssueLog()
        with open(path, encoding="utf-8") as f:
            log.items = [Issue(**json.loads(line)) for line in f if line.strip()]
        return log
