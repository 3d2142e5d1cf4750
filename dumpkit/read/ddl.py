"""CREATE TABLE statements, parsed by sqlglot, to staged column definitions.

Each source type maps to the closest exact DuckDB type: decimals keep their
scale, unsigned integers get the next wider type, enum/set/json become text,
blobs stay binary.
"""
from __future__ import annotations

import functools
import logging
import re

import sqlglot
from sqlglot import exp

from .events import Column, TableDef

T = exp.DataType.Type
# a statement sqlglot cannot fully read comes back as a Command (we try again); its warning is noise
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_INT_TYPES = {
    T.TINYINT: "TINYINT", T.UTINYINT: "SMALLINT",
    T.SMALLINT: "SMALLINT", T.USMALLINT: "INTEGER",
    T.MEDIUMINT: "INTEGER", T.UMEDIUMINT: "INTEGER",
    T.INT: "INTEGER", T.UINT: "BIGINT",
    T.BIGINT: "BIGINT", T.UBIGINT: "HUGEINT",
    T.SERIAL: "INTEGER", T.BIGSERIAL: "BIGINT", T.SMALLSERIAL: "SMALLINT",
}
_BINARY = {T.BLOB, T.MEDIUMBLOB, T.LONGBLOB, T.TINYBLOB, T.BINARY, T.VARBINARY, T.GEOMETRY, T.GEOGRAPHY}
_SIMPLE = {
    T.FLOAT: "FLOAT", T.DOUBLE: "DOUBLE", T.UDOUBLE: "DOUBLE", T.DATE: "DATE",
    T.DATETIME: "TIMESTAMP", T.TIMESTAMP: "TIMESTAMP", T.TIMESTAMPNTZ: "TIMESTAMP",
    T.TIMESTAMPTZ: "TIMESTAMP", T.TIMESTAMPLTZ: "TIMESTAMP",
    T.BOOLEAN: "BOOLEAN", T.YEAR: "SMALLINT", T.UUID: "UUID",
    T.INTERVAL: "INTERVAL",
}
# MySQL TIME spans -838:59:59..838:59:59, wider than DuckDB's TIME: keep it as text
_MYSQL_TEXT = {T.TIME}
# MySQL's BOOLEAN is TINYINT(1) (it holds 2 as well), SERIAL is BIGINT UNSIGNED
_MYSQL_SPECIAL = {T.BOOLEAN: "TINYINT", T.SERIAL: "HUGEINT"}
# MySQL/MariaDB types sqlglot cannot parse, as the equivalent it can (type position only)
_MYSQL_REWRITES = [
    (re.compile(r"((?:`[^`]+`|\w+)\s+)(?:(?:multi)?(?:point|linestring|polygon)|geom(?:etry)?collection)(?=[\s,)])", re.I), r"\1geometry"),
    (re.compile(r"((?:`[^`]+`|\w+)\s+)long\s+varbinary\b", re.I), r"\1mediumblob"),
    (re.compile(r"((?:`[^`]+`|\w+)\s+)long(?:\s+varchar)?(?=[\s,)])", re.I), r"\1mediumtext"),
    (re.compile(r"((?:`[^`]+`|\w+)\s+)inet[46](?=[\s,)])", re.I), r"\1varchar(45)"),
    # `varchar(32) binary` is a binary collation on text, nothing more (and compiled sqlglot trips on it)
    (re.compile(r"\b((?:var)?char\s*\(\s*\d+\s*\)|(?:tiny|medium|long)?text)\s+binary\b(?!\s*\()", re.I), r"\1"),
]
# the words the rewrites look for: most tables have none, and a plain search is cheaper than five
_MYSQL_REWRITE_WORDS = re.compile(r"point|linestring|polygon|collection|\blong\b|inet[46]|\sbinary\b", re.I)


def duck_type(dtype: exp.DataType, dialect: str) -> tuple[str, bool]:
    """(DuckDB type, is_binary) for a parsed source column type."""
    t = dtype.this
    if dialect == "mysql" and t in _MYSQL_SPECIAL:
        return _MYSQL_SPECIAL[t], False
    if dialect == "postgres":
        pg = _postgres_special(dtype)
        if pg is not None:
            return pg
    if dtype.is_type(*_INT_TYPES):
        return _INT_TYPES[t], False
    if t == T.BIT:
        return "UBIGINT", False
    if t in (T.DECIMAL, T.BIGDECIMAL, T.UDECIMAL, T.MONEY):
        params = [int(p.name) for p in dtype.expressions if p.name.isdigit()]
        if t == T.MONEY:
            return "DECIMAL(19,2)", False
        if not params:
            # PostgreSQL numeric without precision keeps any scale: stage text would lose
            # arithmetic, so take the widest exact decimal DuckDB has
            return ("DECIMAL(38,10)" if dialect == "postgres" else "DECIMAL(10,0)"), False
        precision = params[0]
        scale = params[1] if len(params) > 1 else 0
        if precision > 38:
            return "DOUBLE", False
        return f"DECIMAL({precision},{scale})", False
    if t in _BINARY:
        return "BLOB", True
    if dialect == "mysql" and t in _MYSQL_TEXT:
        return "VARCHAR", False
    if t in _SIMPLE:
        if dialect == "postgres" and t == T.TIMESTAMPTZ:
            return "TIMESTAMPTZ", False
        return _SIMPLE[t], False
    if t == T.TIME:
        return "TIME", False
    if t == T.VARBINARY or (dialect == "postgres" and dtype.sql("postgres").upper() == "BYTEA"):
        return "BLOB", True
    return "VARCHAR", False


def _postgres_special(dtype: exp.DataType) -> tuple[str, bool] | None:
    """PostgreSQL types whose COPY text form the generic mapping would mis-cast."""
    t = dtype.this
    if isinstance(t, exp.Interval):  # interval day to second, interval year to month...
        return "INTERVAL", False
    if t in (T.ARRAY, T.BIT):  # arrays print as '{1,2,"a b"}', bit(n) as '0101'
        return "VARCHAR", False
    if t == T.MONEY:  # prints locale-formatted, e.g. '$1,234.56'
        return "VARCHAR", False
    if t in (T.GEOMETRY, T.GEOGRAPHY):  # PostGIS prints hex EWKB text, not bytes
        return "VARCHAR", False
    if t == T.TIMETZ:
        return "TIMETZ", False
    return None


# PostgreSQL types sqlglot cannot parse inside a column list, rewritten to an equivalent spelling
_PG_REWRITES = [
    (re.compile(r"\bbit\s+varying\b", re.I), "varbit"),
    (re.compile(r"\binterval\s+(?:year|month|day|hour|minute|second)(?:\s+to\s+\w+)?(?:\s*\(\d+\))?", re.I), "interval"),
]


_CHARSET = re.compile(r"(?:DEFAULT\s+)?(?:CHARSET|CHARACTER\s+SET)\s*=?\s*(\w+)", re.I)
_AUTO_START = re.compile(r"\bAUTO_INCREMENT\s*=?\s*(\d+)", re.I)


def _table_options(sql: str, end: int) -> tuple[str | None, int]:
    """The default charset and the AUTO_INCREMENT counter of a MySQL CREATE TABLE, from the
    table options after its column list (which ends at `end`)."""
    options = sql[end:]
    charset, start = _CHARSET.search(options), _AUTO_START.search(options)
    return (charset.group(1).lower() if charset else None), (int(start.group(1)) if start else 1)


_LENIENT = re.compile(r"\b((?:float|double|real)(?:\s*\(\s*\d+\s*(?:,\s*\d+\s*)?\))?)\s+(?:unsigned|zerofill)(?:\s+zerofill)?", re.I)


def staged_name(table: exp.Table, dialect: str, database: str | None = None) -> str:
    """PostgreSQL `public.x` is staged as `x`, other schemas keep a prefix `<schema>_x`."""
    schema = table.db
    if dialect == "postgres":
        return table.name if schema in ("", "public") else f"{schema}_{table.name}"
    if database and schema and schema != database:
        return f"{schema}_{table.name}"
    return table.name


@functools.lru_cache(maxsize=4096)
def _column_type(kind: exp.DataType, dialect: str) -> tuple[str, bool, str]:
    """(DuckDB type, is_binary, source type as written) of a column type: a shop has a few
    dozen distinct ones over thousands of columns, and generating SQL is not free."""
    return (*duck_type(kind, dialect), kind.sql(dialect, copy=False).lower())


def parse_create_table(sql: str, dialect: str, offset: int, database: str | None = None) -> TableDef | None:
    """A TableDef for a CREATE TABLE statement, or None when it has no column list
    (CREATE TABLE ... LIKE / AS SELECT)."""
    if dialect == "postgres":
        for pattern, repl in _PG_REWRITES:
            sql = pattern.sub(repl, sql)
    elif dialect == "mysql" and _MYSQL_REWRITE_WORDS.search(sql):
        for pattern, repl in _MYSQL_REWRITES:
            sql = pattern.sub(repl, sql)
    try:
        tree = sqlglot.parse_one(sql, read=dialect)
    except sqlglot.errors.SqlglotError:
        # sqlglot refuses a few things MySQL accepts, e.g. `float unsigned`
        tree = sqlglot.parse_one(_LENIENT.sub(r"\1", sql), read=dialect)
    schema = tree.find(exp.Schema)
    if not isinstance(tree, exp.Create) or schema is None or not isinstance(schema.this, exp.Table):
        return None
    columns = []
    primary_key: list[str] = []
    for col in schema.expressions:
        if isinstance(col, exp.PrimaryKey):
            primary_key = [c.name for c in col.expressions]
        elif isinstance(col, exp.Constraint) and col.find(exp.PrimaryKey):
            primary_key = [c.name for c in col.find(exp.PrimaryKey).expressions]
        if not isinstance(col, exp.ColumnDef):
            continue
        kind = col.args.get("kind")
        if kind is None:
            columns.append(Column(col.name, "", "VARCHAR"))
            continue
        duck, binary, source_type = _column_type(kind, dialect)
        kinds = [c.kind for c in col.constraints]
        if dialect == "mysql":
            if any(isinstance(k, exp.CharacterSetColumnConstraint) and k.this.name.lower() == "binary" for k in kinds):
                duck, binary = "BLOB", True  # varchar(n) CHARACTER SET binary is varbinary(n)
            if any(isinstance(k, exp.ComputedColumnConstraint) for k in kinds):
                source_type += " generated"  # the server computes it; dumps leave it out
        if any(isinstance(k, exp.PrimaryKeyColumnConstraint) for k in kinds):
            primary_key = [col.name]
        default = None
        for k in kinds:
            if isinstance(k, exp.DefaultColumnConstraint):
                v = k.this
                if isinstance(v, exp.Literal):
                    default = v.name
                elif isinstance(v, exp.Neg) and isinstance(v.this, exp.Literal):
                    default = "-" + v.this.name
                elif isinstance(v, exp.BitString) and dialect == "mysql":  # b'0' for a BIT column: a number
                    default = str(int(v.name or "0", 2))
                elif isinstance(v, (exp.CurrentTimestamp, exp.CurrentDate)) or "CURRENT_TIMESTAMP" in v.sql().upper():
                    default = "CURRENT_TIMESTAMP"
        columns.append(Column(
            col.name, source_type, duck, binary, default,
            not_null=any(isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null") for k in kinds),
            auto_increment=any(isinstance(k, exp.AutoIncrementColumnConstraint) for k in kinds)
            or kind.this in (T.SERIAL, T.BIGSERIAL, T.SMALLSERIAL),
        ))
    charset, auto_start = _table_options(sql, sql.rfind(")")) if dialect == "mysql" else (None, 1)
    return TableDef(
        table=staged_name(schema.this, dialect, database),
        columns=columns,
        offset=offset,
        charset=charset,
        primary_key=primary_key,
        auto_increment=auto_start,
    )


_KEY_ITEM = re.compile(r"\s*(?:PRIMARY\s+KEY|(?:UNIQUE|FULLTEXT|SPATIAL)\b|KEY\b|INDEX\b|CONSTRAINT\b|FOREIGN\s+KEY|CHECK\b|PERIOD\b)", re.I)
# a MySQL name: in backticks (`` is one), in double quotes (ANSI_QUOTES), or bare
_NAME = r"`(?:[^`]|``)+`|\"(?:[^\"]|\"\")+\"|[\w$]+"
_COLUMN_ITEM = re.compile(r"\s*(" + _NAME + r")\s+(.*?)(?=\s+(?:NOT\b|NULL\b|DEFAULT\b|AUTO_INCREMENT\b|COMMENT\b|"
                          r"COLLATE\b|CHARACTER\b|CHARSET\b|PRIMARY\b|UNIQUE\b|GENERATED\b|AS\b|ON\b|CHECK\b|REFERENCES\b|"
                          r"INVISIBLE\b|VISIBLE\b|SRID\b|COLUMN_FORMAT\b|STORAGE\b)|\s*$)", re.I | re.S)


def _top_level_items(body: str) -> list[str]:
    """The comma-separated items of a column list, commas inside () and quotes not counted."""
    items, depth, quote, start = [], 0, None, 0
    i = 0
    while i < len(body):
        c = body[i]
        if quote:
            if c == "\\" and quote != "`":
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"`":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
        i += 1
    items.append(body[start:])
    return items


# quoted text (kept) or a comment the server ignores (dropped): /* */ (not /*! */), -- and #
_QUOTED_OR_COMMENT = re.compile(r"""('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`)|/\*(?!!).*?\*/|(?:--[ \t]|#)[^\n]*""",
                                re.S)


def _without_comments(sql: str) -> str:
    return _QUOTED_OR_COMMENT.sub(lambda m: m.group(1) or " ", sql)


def parse_create_table_loose(sql: str, offset: int) -> TableDef | None:
    """A MySQL CREATE TABLE sqlglot cannot read, taken apart line by line: names always,
    types where sqlglot reads the type alone (VARCHAR otherwise). None if hopeless.
    Comments inside it (PrestaShop 9's `name varchar(64), /* Deprecated ... */`) are dropped."""
    sql = _without_comments(sql)
    m = re.match(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                 r"(?:(?:" + _NAME + r")\s*\.\s*)?(" + _NAME + r")\s*\(", sql, re.I)
    if not m:
        return None
    end = sql.rfind(")")
    columns, primary_key = [], []
    for item in _top_level_items(sql[m.end():end]):
        if not item.strip():
            continue
        if _KEY_ITEM.match(item):
            pk = re.match(r"\s*(?:CONSTRAINT\s+(?:(?:" + _NAME + r")\s+)?)?PRIMARY\s+KEY\s*(?:USING\s+\w+\s*)?\((.*)\)",
                          item, re.I | re.S)
            if pk:  # its columns, each maybe with a prefix length: (`a,b`(10), c)
                primary_key = [_unquote(x) for x in re.findall(_NAME, pk.group(1)) if not x.isdigit()]
            continue
        c = _COLUMN_ITEM.match(item)
        if not c:
            return None
        name, type_sql = _unquote(c.group(1)), c.group(2).strip()
        try:
            duck, binary = duck_type(exp.DataType.build(type_sql, dialect="mysql"), "mysql")
        except Exception:
            duck, binary = "VARCHAR", False
        rest = item[c.end(2):]
        default = re.search(r"DEFAULT\s+(?:'((?:[^'\\]|\\.|'')*)'|(-?[\d.]+))", rest, re.I)
        columns.append(Column(
            name, type_sql.lower(), duck, binary,
            default=None if not default else default.group(1) if default.group(1) is not None else default.group(2),
            not_null=bool(re.search(r"\bNOT\s+NULL\b", rest, re.I)),
            auto_increment=bool(re.search(r"\bAUTO_INCREMENT\b", rest, re.I)),
        ))
        if re.search(r"\bPRIMARY\s+KEY\b", rest, re.I):
            primary_key = [name]
    if not columns:
        return None
    charset, auto_start = _table_options(sql, end)
    return TableDef(_unquote(m.group(1)), columns, offset, charset, primary_key, auto_start)


def _unquote(name: str) -> str:
    if name[:1] in "`\"" and len(name) > 1 and name[-1] == name[0]:
        return name[1:-1].replace(name[0] * 2, name[0])
    return name
