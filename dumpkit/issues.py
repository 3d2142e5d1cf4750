"""The issues file of a migration: one line per problem, written as issues.jsonl.

Every source record that does not reach the package lands here with its
source id and a reason, so nothing is lost without a trace. issues.jsonl keeps
one row per affected record (that is the reconciliation); what a person reads
(the summary, the report) is `group_issues`: one line per cause, with the
count and example ids.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

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
    table: str | None = None  # the source table of a dump-level (stage) issue
    technical: bool = False  # a staging note on a table no mapping reads: changes nothing in the package


class IssueLog:
    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, phase: str, entity: str | None, source_id, level: str, code: str, field: str | None, message: str,
            table: str | None = None) -> None:
        assert level in LEVELS, level
        self.items.append(Issue(phase, entity, None if source_id is None else str(source_id), level, code, field, message,
                                table))

    def mark_technical(self, is_technical: Callable[[Issue], bool]) -> None:
        """Flag the issues `is_technical` picks (staging notes on tables no mapping reads)."""
        self.items = [replace(i, technical=True) if is_technical(i) else i for i in self.items]

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


# ---------------------------------------------------------------------------------------------
# one line per cause

@dataclass
class IssueGroup:
    """Every issue of one cause: same level, code, entity and message template."""
    level: str
    code: str
    entity: str | None
    template: str
    count: int
    examples: list[str]  # source ids (or source tables of stage issues), at most `limit`, in the order found
    first: Issue
    technical: bool
    more: int = 0  # examples left out
    fields: set = field(default_factory=set)

    @property
    def text(self) -> str:
        """The cause in words: the message with the record's own id taken out (the first
        message itself for one record, or for staging notes, whose table is the example)."""
        return self.template if self.count > 1 and self.template else self.first.message

    def line(self) -> str:
        """'warning TAX_CLASS_MISSING products x19: <message> (e.g. 1, 2, 3, ...)'."""
        what = f"{self.level} {self.code}" + (f" {self.entity}" if self.entity else "")
        count = f" x{self.count}" if self.count > 1 else ""
        examples = ""
        if self.examples and self.count > 1:
            examples = f" (e.g. {', '.join(self.examples)}{', ...' if self.more else ''})"
        return f"{what}{count}: {self.text}{examples}"


def message_template(issue: Issue) -> str:
    """The message with what belongs to one record taken out (its source id). Records with the
    same template share a cause. Staging notes of one kind are one cause whatever the table
    (template ''): the tables are the examples."""
    if issue.phase == "stage":
        return ""
    text = issue.message
    if issue.source_id:
        text = re.sub(rf"(?<![\w-]){re.escape(issue.source_id)}(?![\w-])", "<id>", text)
    return text


_ORDER = {"error": 0, "warning": 1, "info": 2}


def group_issues(items: Iterable[Issue], limit: int = 5) -> list[IssueGroup]:
    """One group per cause: (level, code, entity, message template), with the count and up to
    `limit` example ids. Errors first, then warnings, then info; within a level the biggest first."""
    groups: dict[tuple, IssueGroup] = {}
    for i in items:
        key = (i.level, i.code, i.entity, message_template(i), i.technical)
        g = groups.get(key)
        if g is None:
            g = groups[key] = IssueGroup(i.level, i.code, i.entity, key[3], 0, [], i, i.technical)
        g.count += 1
        if i.field:
            g.fields.add(i.field)
        example = i.source_id or i.table
        if example and example not in g.examples:
            if len(g.examples) < limit:
                g.examples.append(example)
            else:
                g.more += 1
    return sorted(groups.values(), key=lambda g: (_ORDER.get(g.level, 9), -g.count, g.code, g.entity or ""))
