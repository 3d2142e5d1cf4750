"""Platforms are folders: `mappings/<platform>/platform.toml` plus one SQL file per entity.

Adding a platform means adding a folder; nothing here names a platform.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import DumpkitError

MAPPINGS_DIR = Path(os.environ.get("DUMPKIT_MAPPINGS", Path(__file__).resolve().parents[2] / "mappings"))
_HEADER = re.compile(r"^--\s*(\w+):\s*(.*)$")


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
    mappings: dict[str, Mapping] = field(default_factory=dict)
    review: dict[str, str] = field(default_factory=dict)  # entity -> SQL of source fields for the demo review


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
    return p


def load_platforms(root: Path = MAPPINGS_DIR) -> dict[str, Platform]:
    return {f.name: load_platform(f) for f in sorted(root.iterdir()) if (f / "platform.toml").exists()}


@dataclass
class Detection:
    platform: Platform
    prefix: str
    version: str | None
    candidates: list[str]  # other prefixes/platforms that also matched


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
                    rows = sum(con.execute(f'SELECT count(*) FROM main."{prefix + s}"').fetchall()[0][0] for s in p.signature)
                    matches.append((rows, p, prefix))
    if not matches:
        if forced:
            raise DumpkitError(f"the dump does not hold the tables of {forced} ({', '.join(platforms[forced].signature)})"
                               if forced in platforms else f"unknown platform {forced!r}; known: {', '.join(platforms)}")
        hint = recognise_unmapped(tables)
        raise DumpkitError((f"this looks like a dump of {hint}, which dumpkit has no mappings for yet" if hint else
                            "no known shop platform found in the dump") +
                           f" (mapped: {', '.join(platforms)}; a folder in mappings/ adds a platform)")
    # several installs in one database: the one with most rows is the shop
    matches.sort(key=lambda m: (-m[0], m[2]))
    _, platform, prefix = matches[0]
    create_source_views(con, prefix)
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


# shops recognised by their tables but not mapped yet (shared/reference/source-platforms.md, 0.1)
_UNMAPPED = [
    ("Magento", ("catalog_product_entity", "eav_attribute")),
    ("Magento", ("catalog_category_entity",)),
    ("osCommerce", ("products_description", "orders_products")),
    ("osCommerce", ("products_description", "products_to_categories")),
    ("Spree/Solidus", ("spree_variants",)),
    ("Shopware 6", ("product_translation", "product_manufacturer")),
    ("Saleor", ("product_productvariant",)),
    ("Medusa", ("product_variant", "price_set")),
    ("WordPress without WooCommerce", ("posts", "options", "users")),
]


def recognise_unmapped(tables: set[str]) -> str | None:
    for name, needed in _UNMAPPED:
        if all(any(t == n or t.endswith("_" + n) for t in tables) for n in needed):
            return name
    return None


def create_source_views(con: duckdb.DuckDBPyConnection, prefix: str) -> None:
    """`src.<table>` for every staged `<prefix><table>`: mappings never spell the prefix."""
    con.execute("CREATE SCHEMA IF NOT EXISTS src")
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()]
    for t in names:
        if t.startswith(prefix):
            short = t[len(prefix):]
            con.execute(f'CREATE OR REPLACE VIEW src."{short}" AS SELECT * FROM main."{t}"')
