"""What the report shows, before it becomes HTML: tables of cells, cards, issue groups, sections.

Every text here is already in the owner's words; the template only lays it out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# how an old value compares with the new one
SAME = "same"  # equal after normalising: not marked
FORMAT = "format"  # the same thing in Mystore's form (converted, translated): a quiet note, not marked
CHANGED = "changed"  # a real change: marked, with its reason
UNKNOWN = "unknown"  # the old value was not collected: nothing to compare
# the page marks a change with "≠ endret" and a quiet form with "≈", never with colour alone


@dataclass
class Cell:
    text: str = ""
    kind: str = ""  # "" | "empty" (tom) | "nc" (ikke hentet) | "num" (a number: right-aligned) | "date"
    href: str | None = None  # a link (only http(s) URLs from the dump, or an anchor in the report)
    before: str = ""  # the old value, shown under the new one in tables of several values
    cls: str = ""  # extra class for the test hooks (e.g. "total")


@dataclass
class Row:
    cells: list[Cell]
    state: str = SAME
    reason: str = ""
    cls: str = ""


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[Row]
    cls: str = ""  # "fields" (Felt | Gammel butikk | Mystore | Merknad) or "list"
    note: str = ""  # one line under the caption

    @property
    def changed(self) -> int:
        return sum(1 for r in self.rows if r.state == CHANGED)

    @property
    def all_same(self) -> bool:
        return all(r.state == SAME for r in self.rows)


@dataclass
class Note:
    """An issue on one record, in the owner's words, linked to its group."""
    title: str
    consequence: str
    href: str
    group: str


@dataclass
class Card:
    entity: str
    source_id: str
    anchor: str
    title: str
    facts: list[str]  # a few facts for the closed card's summary line
    tables: list[Table] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables)


@dataclass
class OwnerIssue:
    """All issues of one code (and entity) for the owner: the catalogue's words, the count,
    the records it concerns (linked to their cards in a demo)."""
    anchor: str
    code: str
    group: str
    title: str
    consequence: str
    action: str
    count_text: str
    examples: list[tuple[str, str | None]]  # (label, href)
    more: int = 0
    level: str = "info"
    records: int = 0  # how many records it concerns


@dataclass
class Section:
    """A section of the report: `html` is markup its producer escaped (Markup or escaped str)."""
    id: str
    title: str
    html: str
