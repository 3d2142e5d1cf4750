"""The issues file of a migration: one line per problem, written as issues.jsonl.

Every source record that does not reach the package lands here with its
source id and a reason, so nothing is lost without a trace. issues.jsonl keeps
one row per affected record (that is the reconciliation); what a person reads
(the summary, the report) is `group_issues`: one line per cause, with the
count and example ids.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, replace
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
    """Every issue of one cause: same level, code, entity and message."""
    level: str
    code: str
    entity: str | None
    template: str  # the message the group's records share ('' for staging notes: the tables are the examples)
    count: int
    examples: list[str]  # source ids (or source tables of stage issues), at most `limit`, in the order found
    first: Issue
    technical: bool
    more: int = 0  # examples left out
    variants: int = 1  # distinct messages merged into this line (details that differ per record)

    @property
    def text(self) -> str:
        """The cause in words."""
        text = self.template or self.first.message
        return f"{text} (and {self.variants - 1} more like it)" if self.variants > 1 else text

    def line(self) -> str:
        """'warning TAX_CLASS_MISSING products x19: <message> (e.g. 1, 2, 3, ...)'."""
        what = f"{self.level} {self.code}" + (f" {self.entity}" if self.entity else "")
        count = f" x{self.count}" if self.count > 1 else ""
        examples = ""
        if self.examples and self.count > 1:
            examples = f" (e.g. {', '.join(self.examples)}{', ...' if self.more else ''})"
        return f"{what}{count}: {self.text}{examples}"


def message_template(issue: Issue) -> str:
    """What the records of one cause share: the message (messages say the cause; the record is
    in source_id). Staging notes of one kind are one cause whatever the table: ''."""
    return "" if issue.phase == "stage" else issue.message


_ORDER = {"error": 0, "warning": 1, "info": 2}


def group_issues(items: Iterable[Issue], limit: int = 5, max_variants: int = 3) -> list[IssueGroup]:
    """One group per cause: (level, code, entity, message), with the count and up to `limit`
    example ids. A code whose message differs in more than `max_variants` ways (a detail of each
    record, like the duplicated SKU) is one line. Errors first, then warnings, then info; within
    a level the biggest first."""
    groups: dict[tuple, IssueGroup] = {}
    for i in items:
        key = (i.level, i.code, i.entity, i.technical, message_template(i))
        g = groups.get(key)
        if g is None:
            g = groups[key] = IssueGroup(i.level, i.code, i.entity, key[4], 0, [], i, i.technical)
        g.count += 1
        example = i.source_id or i.table
        if example and example not in g.examples:
            if len(g.examples) < limit:
                g.examples.append(example)
            else:
                g.more += 1
    by_code: dict[tuple, list[IssueGroup]] = {}
    for key, g in groups.items():
        by_code.setdefault(key[:4], []).append(g)
    out = []
    for same in by_code.values():
        if len(same) <= max_variants:
            out += same
            continue
        merged = same[0]
        for g in same[1:]:
            merged.count += g.count
            for e in g.examples:
                if e in merged.examples:
                    continue
                if len(merged.examples) < limit:
                    merged.examples.append(e)
                else:
                    merged.more += 1
            merged.more += g.more
        merged.variants = len(same)
        out.append(merged)
    return sorted(out, key=lambda g: (_ORDER.get(g.level, 9), -g.count, g.code, g.entity or ""))
