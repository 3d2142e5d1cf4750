"""Platforms are folders: `mappings/<platform>/platform.toml` plus one SQL file per entity.

Adding a platform means adding a folder; nothing here names a platform.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import duckdb

from ..errors import DumpkitError
from ..sqlnames import qualified


def _mappings_dir() -> Path:
    """mappings/ of the checkout, or the copy an installed wheel carries as dumpkit/mappings."""
    if os.environ.get("DUMPKIT_MAPPINGS"):
        return Path(os.environ["DUMPKIT_MAPPINGS"])
    installed = Path(__file__).resolve().parents[1] / "mappings"
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "mappings"


MAPPINGS_DIR = _mappings_dir()
_HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")
_SRC_TABLE = re.compile(r'\bsrc\.(?:"([^"]+)"|([A-Za-z_][\w$]*))')
_WHOLE_TABLE = re.compile(r"\{whole:(\w+)\}")  # a table a [demo_sources] condition reads whole (demo.py)
_PKG_TABLE = re.compile(r'\bpkg\.(?:"([^"]+)"|([A-Za-z_]\w*))')  # a package table a mapping reads (runner.py)
_SRC_ASKED = re.compile(r"table_schema\s*=\s*'src'\s+AND\s+table_name\s*=\s*'([^']+)'", re.IGNORECASE)  # is it there?


@dataclass
class Mapping:
    entity: str
    path: Path
    sql: str
    header: dict[str, str]


@dataclass
class Platform:
    name: str
    title: str
    versions: str
    folder: Path
    signature: list[str]  # tables (without prefix) that identify the platform
    version_sql: list[str]  # queries tried in order; the first that answers gives the version
    params: dict[str, str]  # name -> SQL, available to mappings as getvariable('name')
    value_maps: dict[str, dict[str, str]]
    sources: dict[str, str]  # key entity -> SQL listing the source ids of that entity
    optional_tables: dict[str, str] = field(default_factory=dict)  # table -> column DDL, created empty when absent
    optional_columns: dict[str, str] = field(default_factory=dict)  # table -> column DDL, NULL where the table lacks one
    demo_sources: dict[str, str] = field(default_factory=dict)  # table -> SQL condition: the rows a demo maps (demo.py)
    routes: dict[str, dict] = field(default_factory=dict)  # macro -> {rule: a [params] name, keywords: [...]}
    mappings: dict[str, Mapping] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=dict)  # entity -> SQL of source fields for the demo review
    views: dict[str, str] = field(default_factory=dict)  # name -> SQL of a view the mappings share, in creation order

    def _sql(self, settings: bool = False) -> list[str]:
        """The platform's SQL that reads source tables: mappings, review queries, sources and views;
        with `settings`, also [params] and the version queries."""
        texts = [m.sql for m in self.mappings.values()] + [*self.review.values(), *self.sources.values(), *self.views.values()]
        return texts + [*self.params.values(), *self.version_sql] if settings else texts

    def package_tables_read(self, entity: str) -> set[str]:
        """The package entities whose pkg tables the mapping of `entity` reads (or a shop view it
        may read): it runs after their mappings."""
        texts = [self.mappings[entity].sql, *self.views.values()]
        return {a or b for t in texts for a, b in _PKG_TABLE.findall(t)} - {entity}

    def tables_read(self, settings: bool = False) -> set[str]:
        """Source tables (without prefix) whose rows the mappings read as src.<table>; with
        `settings`, also those the [params] read for the shop's settings only."""
        return {a or b for t in self._sql(settings) for a, b in _SRC_TABLE.findall(t)}

    def source_tables(self) -> set[str]:
        """The source tables (without prefix) given a src view: every one the platform's SQL (and its
        [demo_sources] conditions) names as src.<table>, as {whole:<table>}, or as a table whose
        existence it asks information_schema about; the optional tables and columns; the tables a
        demo cuts down."""
        texts = self._sql(settings=True) + list(self.demo_sources.values())
        named = {a or b for t in texts for a, b in _SRC_TABLE.findall(t)}
        named |= {n for t in texts for n in _WHOLE_TABLE.findall(t) + _SRC_ASKED.findall(t)}
        return named | set(self.optional_tables) | set(self.optional_columns) | set(self.demo_sources)


def rows_any_platform_reads(platforms: dict[str, Platform]):
    """`keep_rows(table)` for staging a dump to migrate it: whether some platform may read rows of
    the table, i.e. its name (lower-cased, after whatever prefix) ends with one of a platform's
    source_tables() or signature tables. The platform is known only once the dump is staged, so
    this errs on the side of keeping (ps_cart_product ends with "product"); what no platform reads,
    a shop's logs, carts and search index (a fifth to a third of a PrestaShop dump), is only
    counted. check_readable stops a migration from a staged file that left out what it reads."""
    names = tuple(sorted({n.lower() for p in platforms.values() for n in p.source_tables() | set(p.signature)}))
    return lru_cache(maxsize=4096)(lambda table: table.lower().endswith(names))  # asked per batch of rows


def load_platform(folder: Path) -> Platform:
    cfg = tomllib.loads((folder / "platform.toml").read_text(encoding="utf-8"))
    p = Platform(
        name=cfg["name"],
        title=cfg.get("title", cfg["name"]),
        versions=cfg.get("versions", ""),
        folder=folder,
        signature=cfg["detect"]["tables"],
        version_sql=cfg["detect"].get("version_sql", []),
        params=cfg.get("params", {}),
        value_maps={k: {str(a): str(b) for a, b in v.items()} for k, v in cfg.get("value_maps", {}).items()},
        sources=cfg.get("sources", {}),
        optional_tables=cfg.get("optional_tables", {}),
        optional_columns=cfg.get("optional_columns", {}),
        demo_sources=cfg.get("demo_sources", {}),
        routes=cfg.get("routes", {}),
    )
    for path in sorted(folder.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        header = {}
        for line in sql.splitlines():
            m = _HEADER.match(line)
            if not m:
                break
            header[m.group(1)] = m.group(2).strip()
        entity = header.get("entity", path.stem)
        p.mappings[entity] = Mapping(entity, path, sql, header)
    for path in sorted((folder / "review").glob("*.sql")):
        p.review[path.stem] = path.read_text(encoding="utf-8").strip().rstrip(";")
    # views/<n>_<name>.sql: shop.<name>, created in file-name order (a view reads the ones before it)
    for path in sorted((folder / "views").glob("*.sql")):
        p.views[re.sub(r"^\d+_", "", path.stem)] = path.read_text(encoding="utf-8").strip().rstrip(";")
    return p


def load_platforms(root: Path = MAPPINGS_DIR) -> dict[str, Platform]:
    return {f.name: load_platform(f) for f in sorted(root.iterdir()) if (f / "platform.toml").exists()}


@dataclass
class Detection:
    platform: Platform
    prefix: str
    version: str | None
    candidates: list[str]  # other prefixes/platforms that also matched

    def reads_table(self, staged: str, settings: bool = False) -> bool:
        """Whether the mappings read rows of this staged table (with `settings`: or the
        platform's parameters read settings from it)."""
        short = staged[len(self.prefix):] if staged.startswith(self.prefix) else None
        return short in (self._settings_read if settings else self._rows_read)

    @cached_property
    def _rows_read(self) -> set[str]:
        return self.platform.tables_read()

    @cached_property
    def _settings_read(self) -> set[str]:
        return self.platform.tables_read(settings=True)


def detect(con: duckdb.DuckDBPyConnection, platforms: dict[str, Platform], forced: str | None = None) -> Detection:
    """Platform and table prefix from the staged table set; version from the data."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
    matches: list[tuple[int, Platform, str]] = []
    for p in platforms.values():
        if forced and p.name != forced:
            continue
        first = p.signature[0]
        for t in tables:
            if t.endswith(first):
                prefix = t[: -len(first)]
                if all(prefix + s in tables for s in p.signature):
                    rows = sum(con.execute(f"SELECT count(*) FROM {qualified('main', prefix + s)}").fetchall()[0][0] for s in p.signature)
                    matches.append((rows, p, prefix))
    if not matches:
        if forced and forced not in platforms:
            raise DumpkitError(f"unknown platform {forced!r}; known: {', '.join(platforms)}")
        hint = recognise_unmapped(tables)
        if hint in _REFUSED:
            raise DumpkitError(_REFUSED[hint])
        data_only = data_only_hint(con)
        if data_only and (forced or hint is None or hint in _BASES):
            # a data-only dump leaves out every empty table: the shop's own tables may be missing for that alone
            # (WooCommerce's order tables of a shop without orders make it look like a bare WordPress)
            raise DumpkitError(f"no shop platform found: {data_only}")
        if forced:
            raise DumpkitError(f"the dump does not hold the tables of {forced} ({', '.join(platforms[forced].signature)})")
        raise DumpkitError((f"this looks like a dump of {hint}, which dumpkit has no mappings for yet" if hint else
                            "no known shop platform found in the dump") +
                           f" (mapped: {', '.join(platforms)}; a folder in mappings/ adds a platform)")
    # several installs in one database: the one with most rows is the shop
    matches.sort(key=lambda m: (-m[0], m[2]))
    _, platform, prefix = matches[0]
    create_source_views(con, prefix, platform.source_tables())
    version = None
    for sql in platform.version_sql:
        try:
            row = next(iter(con.execute(sql).fetchall()), None)
        except duckdb.Error:
            continue
        if row and row[0] is not None:
            version = str(row[0])
            break
    return Detection(platform, prefix, version, [f"{p.name}:{pre or '(none)'}" for _, p, pre in matches[1:]])


def data_only_hint(con: duckdb.DuckDBPyConnection, tables: list[str] | None = None) -> str | None:
    """What to do when (some of) the dump has no CREATE TABLE: None when every table (of
    `tables`, staged names) has one."""
    try:
        rows = con.execute("""SELECT t.table_name, t.types_inferred,
                bool_or(regexp_full_match(c.column_name, 'column_[0-9]+')) AS unnamed
            FROM dumpkit.tables t LEFT JOIN dumpkit.columns c USING (table_name) GROUP BY ALL""").fetchall()
    except duckdb.Error:  # a staged file without dumpkit's metadata
        return None
    if tables is not None:
        rows = [r for r in rows if r[0] in tables]
    inferred = [r for r in rows if r[1]]
    if not inferred:
        return None
    unnamed = [r for r in inferred if r[2]]
    return (f"the dump has no CREATE TABLE for {len(inferred)} of its {len(rows)} tables (a data-only dump, e.g. "
            f"mariadb-dump --no-create-info)" + (", and its INSERTs do not name their columns" if unnamed else "")
            + ": it leaves out every empty table and says nothing of the columns. Dump the schema of the same database "
              "too (mariadb-dump --no-data DATABASE > schema.sql) and give both files: dumpkit migrate schema.sql DATA.sql")


def unnamed_columns(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Staged tables among `tables` whose columns a data-only dump did not name (column_1, ...)."""
    try:
        return [r[0] for r in con.execute("""SELECT DISTINCT table_name FROM dumpkit.columns
            WHERE regexp_full_match(column_name, 'column_[0-9]+') AND list_contains(?, table_name) ORDER BY 1""",
            [tables]).fetchall()]
    except duckdb.Error:
        return []


def tables_left_out(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Staged tables whose rows staging counted but left out (stage_dump's keep_rows), with the count."""
    try:
        return dict(con.execute("SELECT table_name, rows_left_out FROM dumpkit.tables WHERE rows_left_out > 0").fetchall())
    except duckdb.Error:  # staged before dumpkit left rows out, or not by dumpkit
        return {}


def check_readable(con: duckdb.DuckDBPyConnection, detection: Detection) -> None:
    """Stop with one line when the mappings cannot read the dump: it holds no rows at all (a schema
    dump), staging left out the rows of a table they read, or a data-only dump did not name the
    columns of a table they read."""
    try:
        rows, tables = con.execute("SELECT coalesce(sum(rows), 0), count(*) FROM dumpkit.tables").fetchall()[0]
    except duckdb.Error:
        return
    left_out = tables_left_out(con)
    if tables and not rows and not left_out:
        raise DumpkitError(f"the dump defines {tables} tables but holds no rows: a schema-only dump (like mariadb-dump "
                           f"--no-data, or an installer's db_structure.sql). Give the dump with the data (a data dump "
                           f"goes after its schema: dumpkit migrate schema.sql data.sql)")
    needed = {detection.prefix + t for t in detection.platform.source_tables()}
    missing = sorted(t for t in left_out if t in needed)
    if missing:
        raise DumpkitError(f"the staged file left out the rows of {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}, "
                           f"which the {detection.platform.name} mappings read (a dumpkit whose mappings did not read them "
                           f"staged it for a migration): migrate the dump itself, or stage it again with dumpkit stage")
    read = [detection.prefix + t for t in detection.platform.tables_read(settings=True)]
    unnamed = unnamed_columns(con, read)
    for table in unnamed:
        unreadable = _unreadable_create(con, table)
        if unreadable:
            raise DumpkitError(f"the dump's CREATE TABLE of {table} could not be read ({unreadable}), so its rows have no "
                               f"column names")
    if unnamed:
        raise DumpkitError(data_only_hint(con, read) or f"the dump does not name the columns of {', '.join(unnamed)}")


def _unreadable_create(con, table: str) -> str | None:
    try:
        row = con.execute("SELECT example FROM dumpkit.issues WHERE table_name = ? AND kind = 'unparsable_statement' "
                          "AND example NOT LIKE 'INSERT%' LIMIT 1", [table]).fetchall()
    except duckdb.Error:
        return None
    return row[0][0] if row else None


def explain_sql_error(con: duckdb.DuckDBPyConnection, prefix: str, error: Exception) -> str:
    """A mapping's or parameter's DuckDB error as a cause in the dump: the table it lacks (and why,
    when its CREATE TABLE could not be read), or the column, with what to do for a data-only dump."""
    text = str(error).splitlines()[0]
    table = re.search(r"Table with name (\S+) does not exist", text)
    column = re.search(r'(?:does not have a column named|Referenced column) "([^"]+)"', text)
    if table:
        name = prefix + table.group(1)
        cause, why = f"the dump has no table {name}", _unreadable_create(con, name)
        if why:
            return f"{cause}: its CREATE TABLE could not be read ({why})"
        return cause + (f"; {data_only_hint(con)}" if data_only_hint(con) else "")
    if column:
        hint = data_only_hint(con)
        return (f"a table of the dump has no column {column.group(1)}" + (f"; {hint}" if hint else f" ({text})"))
    return text


# shops recognised by their tables but not mapped yet (shared/reference/source-platforms.md, 0.1)
_UNMAPPED = [
    ("Magento 1", ("core_store", "catalog_product_entity")),
    ("osCommerce", ("products_description", "orders_products")),
    ("osCommerce", ("products_description", "products_to_categories")),
    ("Spree/Solidus", ("spree_variants",)),
    ("Saleor", ("product_productvariant",)),
    ("Medusa", ("product_variant", "price_set")),
    ("WordPress without WooCommerce", ("posts", "options", "users")),
]
# what a mapped platform is built on: a data-only dump of that platform can look like the base alone
_BASES = {"WordPress without WooCommerce"}
# recognised and refused for good, with what to do instead
_REFUSED = {"Magento 1": "this is a dump of Magento 1 (core_store, sales_flat_order), which reached its end of life in "
                         "2020: dumpkit maps Magento 2.3 and 2.4. Move the shop to Magento 2 with Magento's Data Migration "
                         "Tool first and dump that database"}


def recognise_unmapped(tables: set[str]) -> str | None:
    for name, needed in _UNMAPPED:
        if all(any(t == n or t.endswith("_" + n) for t in tables) for n in needed):
            return name
    return None


def create_source_views(con: duckdb.DuckDBPyConnection, prefix: str, tables: set[str]) -> None:
    """`src.<table>` for every staged `<prefix><table>` of `tables` (the platform's source_tables():
    a shop has hundreds of tables, and a view costs a bind each): mappings never spell the prefix.
    Made anew on each detection: a view of a table that is gone would tell a version by a table the
    dump lacks."""
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
    names = [t for t in names if t.startswith(prefix) and t[len(prefix):] in tables]
    con.execute("BEGIN")  # one commit for the views, not one each
    try:
        con.execute("DROP SCHEMA IF EXISTS src CASCADE")
        con.execute("CREATE SCHEMA src")
        for t in names:
            con.execute(f"CREATE OR REPLACE VIEW {qualified('src', t[len(prefix):])} AS SELECT * FROM {qualified('main', t)}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
