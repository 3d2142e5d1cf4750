"""What a dump reader emits, in dump order, for the stager to consume.

A reader never touches DuckDB: it turns bytes into these events. Every
statement of the dump becomes exactly one of: a TableDef, a RowBatch (or
several), a Skipped, or a Problem, so nothing disappears silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa


@dataclass
class Column:
    name: str
    source_type: str  # as written in the dump, e.g. "int(10) unsigned"
    duck_type: str  # the DuckDB type the staged table gets, e.g. "BIGINT"
    binary: bool = False  # raw values are bytes (BLOB), not text
    default: str | None = None  # literal DEFAULT, used when an INSERT's column list omits the column
    not_null: bool = False
    auto_increment: bool = False


@dataclass
class TableDef:
    """A CREATE TABLE: the staged table's name and columns, in source order."""

    table: str
    columns: list[Column]
    offset: int
    charset: str | None = None  # table default charset (MySQL), e.g. "latin1"
    primary_key: list[str] = field(default_factory=list)
    auto_increment: int = 1  # the table's AUTO_INCREMENT=N: where MySQL's id counter starts

    def columns_for(self, names: list[str] | None) -> list[Column | None]:
        """The columns an INSERT's column list names, in its order (None: all columns;
        a name the table lacks gives None). Names compare case-insensitively, as in MySQL."""
        if names is None:
            return self.columns
        by_name = {c.name.lower(): c for c in self.columns}
        return [by_name.get(n.lower()) for n in names]

    @staticmethod
    def cast_types(columns: list[Column | None]) -> list[str | None]:
        """The staged type each value position is cast to (None: bytes, or no such column)."""
        return [None if c is None or c.binary else c.duck_type for c in columns]


@dataclass
class RowBatch:
    """Rows for one table. `data` holds one column per value position, raw:
    strings (or binary for binary columns) exactly as the server would store
    them before type conversion, NULL as null. `columns` is the INSERT's column
    list, or None when the statement had none (positional)."""

    table: str
    columns: list[str] | None
    data: pa.Table
    offset: int
    mode: str = "insert"  # insert | ignore | replace: which row wins on a duplicate key
    source_bytes: int | None = None  # bytes of dump text behind these rows, when the reader knows
    parse_seconds: float = 0.0  # time the reader spent turning them into Arrow
    # a 0 in the AUTO_INCREMENT column asks for the next id, as NULL does (MySQL, unless the
    # dump's sql_mode has NO_AUTO_VALUE_ON_ZERO, which every dump tool sets)
    zero_is_auto: bool = False


@dataclass
class RowCount:
    """Scan mode (inspect): how many rows a statement holds, without their values."""

    table: str
    rows: int
    nbytes: int
    offset: int


@dataclass
class Skipped:
    """A statement read and deliberately not staged (SET, LOCK TABLES, a trigger...)."""

    kind: str
    offset: int
    table: str | None = None  # what it names, for people (several names joined by ", ")
    detail: str = ""
    tables: tuple[str, ...] = ()  # TRUNCATE, DROP TABLE: each table it empties or drops


@dataclass
class Problem:
    """Something in the dump that could not be staged as the server would have."""

    kind: str  # stable lower-case code, e.g. "unparsable_statement", "truncated"
    offset: int
    table: str | None = None
    column: str | None = None
    example: str = ""
    count: int = 1
    fatal: bool = False  # the dump is cut or unreadable from here on


@dataclass
class DumpInfo:
    """What the dump says about itself (header comments, SET NAMES...)."""

    dialect: str  # "mysql" or "postgres"
    producer: str = "unknown"  # mysqldump, mariadb-dump, phpMyAdmin, Adminer, pg_dump...
    producer_version: str | None = None
    server_version: str | None = None
    charset: str | None = None
    database: str | None = None
    extra: dict = field(default_factory=dict)


Event = TableDef | RowBatch | RowCount | Skipped | Problem
