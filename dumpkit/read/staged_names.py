"""One staged table per source table, although DuckDB's names ignore case.

MariaDB on Linux (lower_case_table_names=0) and PostgreSQL (quoted names) keep `Foo` and
`foo` apart; in DuckDB they are one name, so the second CREATE TABLE would replace the
first and their rows would mix. The first table keeps its name; a later one that differs
from a live table only in case is staged as `<name>~2` (`~3`, ... while that is taken too)
and reported as `table_renamed` with its source name, so nothing is lost or merged. Every
event names the staged table, so `inspect`, `stage` and `migrate` agree. A name is live
from its CREATE TABLE (or first rows) to its DROP TABLE: after the drop the name is free.
PostgreSQL's quoted column names ("ID" beside id) get the same rule within their table
(`column_renamed`), and the rows' column lists follow it.

Before that, the readers name a table of another schema or database `<schema>_<table>`
(SourceNames): should a table of the first already be called so, the later one is staged as
`<schema>_<table>~2`, reported the same way.
"""
from __future__ import annotations

import dataclasses
from typing import Iterator

from .events import Event, Problem, RowBatch, RowCount, Skipped, TableDef


class SourceNames:
    """The readers' names for source tables, one per (schema or database, table): a name
    another source table has already been given gets `~2`, `~3`... (told apart exactly;
    case is StagedNames' part)."""

    def __init__(self) -> None:
        self.by_source: dict[tuple, str] = {}
        self.owner: dict[str, tuple] = {}
        self.renamed: list[tuple[str, str, str]] = []  # (staged name, source, the name it would have had)

    def name(self, source: tuple[str | None, str], candidate: str) -> str:
        staged = self.by_source.get(source)
        if staged is None:
            staged, k = candidate, 1
            while staged in self.owner:
                k += 1
                staged = f"{candidate}~{k}"
            self.by_source[source] = staged
            self.owner[staged] = source
            if staged != candidate:
                self.renamed.append((staged, ".".join(x for x in source if x), candidate))
        return staged


class StagedNames:
    def __init__(self, source_names: SourceNames | None = None) -> None:
        self.source_names = source_names or SourceNames()
        self.live: dict[str, str] = {}  # source name -> staged name
        self.taken: set[str] = set()  # staged names, lower case
        self.columns: dict[str, dict[str, str]] = {}  # staged table -> renamed columns (source -> staged)

    def _staged(self, name: str, offset: int) -> tuple[str, Problem | None]:
        staged = self.live.get(name)
        if staged is not None:
            return staged, None
        staged, k = name, 1
        while staged.lower() in self.taken:
            k += 1
            staged = f"{name}~{k}"
        self.live[name] = staged
        self.taken.add(staged.lower())
        if staged == name:
            return staged, None
        other = next(s for s in self.live if s != name and self.live[s].lower() == name.lower())
        return staged, Problem("table_renamed", offset, staged, example=(
            f"source table {name!r} differs from table {other!r} only in case, and DuckDB's names ignore "
            f"case: its rows are staged as {staged!r}"))

    def _columns(self, ev: TableDef) -> Iterator[Problem]:
        """Columns of one table that differ only in case get staged names of their own."""
        self.columns.pop(ev.table, None)
        taken: dict[str, str] = {}
        for i, c in enumerate(ev.columns):
            staged, k = c.name, 1
            while staged.lower() in taken:
                k += 1
                staged = f"{c.name}~{k}"
            if staged != c.name:
                yield Problem("column_renamed", ev.offset, ev.table, staged, example=(
                    f"source column {c.name!r} differs from column {taken[c.name.lower()]!r} only in case, and "
                    f"DuckDB's names ignore case: staged as {staged!r}"))
                ev.columns[i] = dataclasses.replace(c, name=staged)
                self.columns.setdefault(ev.table, {})[c.name] = staged
                if c.name in ev.primary_key:
                    ev.primary_key[ev.primary_key.index(c.name)] = staged
            taken[staged.lower()] = c.name

    def _drop(self, name: str) -> None:
        staged = self.live.pop(name, None)
        if staged is not None:
            self.taken.discard(staged.lower())

    def events(self, events: Iterator[Event]) -> Iterator[Event]:
        for ev in events:
            while self.source_names.renamed:
                staged, source, candidate = self.source_names.renamed.pop(0)
                yield Problem("table_renamed", ev.offset, staged, example=(
                    f"source table {source!r} and another source table are both staged as {candidate!r} "
                    f"(a schema's or database's tables get its name as a prefix): its rows are staged as {staged!r}"))
            if isinstance(ev, (RowBatch, RowCount)):
                staged = self.live.get(ev.table)
                if staged is None:  # rows without a CREATE TABLE (a data-only dump)
                    staged, renamed = self._staged(ev.table, ev.offset)
                    if renamed:
                        yield renamed
                ev.table = staged
                renamed_columns = self.columns.get(staged)
                if renamed_columns and getattr(ev, "columns", None):
                    ev.columns = [renamed_columns.get(c, c) for c in ev.columns]
            elif isinstance(ev, TableDef):
                staged, renamed = self._staged(ev.table, ev.offset)
                if renamed:
                    yield renamed
                # (a copy: the reader keeps its own)
                ev = dataclasses.replace(ev, table=staged, columns=list(ev.columns), primary_key=list(ev.primary_key))
                yield from self._columns(ev)
            elif isinstance(ev, Skipped) and ev.tables:
                # only the tables staged so far: a name the dump never created touches none of them
                tables = tuple(self.live[t] for t in ev.tables if t in self.live)
                if ev.kind == "drop_table":
                    for t in ev.tables:
                        self._drop(t)
                ev = dataclasses.replace(ev, tables=tables)
            elif isinstance(ev, Problem) and ev.table in self.live:
                ev.table = self.live[ev.table]
            yield ev
