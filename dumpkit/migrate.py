"""`dumpkit migrate`: dump -> staged tables -> platform mappings -> checks -> load package.

The pipeline, in order: stage (or reuse a staged DuckDB file), detect the
platform, run its SQL mappings, refine (guests, categories, slugs, hygiene),
check (references, money), reconcile (every record accounted for), write.
"""
from __future__ import annotations

import json
import random
import re
import time
import tomllib
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from .check.integrity import check_order_money, check_references
from .check.reconcile import Reconciliation, reconcile
from .demo import apply_sample
from .errors import DumpkitError, PartialDumpError, machine_error
from .issues import IssueLog
from .lock import hold_lock
from .map import currency, languages, refine
from .map.platforms import Detection, check_readable, detect, explain_sql_error, load_platforms
from .map.runner import prepare, run_mapping
from .package.folder import STAGE_FILE, package_folder
from .package.schema import ENTITIES
from .package.verify import sha256_file
from .package.write import write_package
from .report import write_report
from .sandbox import lock_down
from .sqlnames import qualified

# what the user picks with --only, and the package entities each brings along
GROUPS: dict[str, list[str]] = {
    "tax_classes": ["tax_classes"],
    "manufacturers": ["manufacturers"],
    "categories": ["categories"],
    "products": ["product_options", "product_option_values", "products", "product_variants", "product_images",
                 "product_specials"],
    "customers": ["customers"],
    "orders": ["orders", "order_lines", "order_totals", "order_status_history"],
}
# a product needs its tax class; orders need their customers and products
IMPLIED = {"products": ["tax_classes"]}
REQUIRED = {"orders": ["customers", "products"]}


def resolve_entities(only: list[str] | None) -> tuple[list[str], list[str]]:
    """(package entities to produce, groups added because something needs them)."""
    groups = list(GROUPS) if not only else [g.strip() for g in only if g.strip()]
    if not groups:
        raise DumpkitError(f"--only names no entity; choose from {', '.join(GROUPS)}")
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise DumpkitError(f"unknown entity {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    for g, needs in REQUIRED.items():
        missing = [n for n in needs if n not in groups]
        if g in groups and missing:
            raise DumpkitError(f"{g} cannot be migrated without their {' and '.join(missing)}: "
                               f"add {','.join(missing)} to --only")
    added = [n for g in groups for n in IMPLIED.get(g, []) if n not in groups]
    groups += added
    entities = [e for e in ENTITIES if any(e in GROUPS[g] for g in groups)]
    if "products" in groups or "categories" in groups or "manufacturers" in groups:
        entities.append("redirects")
    return [e for e in ENTITIES if e in entities], added


def load_value_maps(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None:
        return {}
    shape = f"{path}: a value map is {{map name: {{source value: Mystore value}}}} in TOML or JSON"
    try:
        text = Path(path).read_bytes().decode("utf-8")
        data = json.loads(text) if str(path).endswith(".json") else tomllib.loads(text)
    except OSError as e:
        raise DumpkitError(f"--value-map {path}: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise DumpkitError(f"{path}: not a text file (not UTF-8); {shape}") from None
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise DumpkitError(f"{path}: not a valid value map ({e})") from None
    scalar = (str, int, float, bool)
    if not isinstance(data, dict) or not all(isinstance(v, dict) and all(isinstance(x, scalar) for x in v.values())
                                             for v in data.values()):
        raise DumpkitError(shape)
    return {k: {str(a): str(b) for a, b in v.items()} for k, v in data.items()}


def check_options(size: int, shop_country: str, timezone: str | None) -> str:
    """Options wrong on their face, refused before anything is read; the country, upper-cased."""
    if size < 1:
        raise DumpkitError(f"--size must be at least 1, not {size}")
    if not re.fullmatch(r"[A-Za-z]{2}", shop_country or ""):
        raise DumpkitError(f"--shop-country must be a two-letter ISO 3166-1 code such as NO, not {shop_country!r}")
    if timezone is not None:
        con = duckdb.connect()
        try:
            con.execute("SELECT timezone(?, TIMESTAMPTZ '2000-01-01 00:00:00+00')", [timezone])
        except duckdb.Error:
            raise DumpkitError(f"--timezone {timezone!r} is not a time zone DuckDB knows (e.g. Europe/Oslo)") from None
        finally:
            con.close()
    return shop_country.upper()


@dataclass
class EntitySummary:
    entity: str
    source: int | None
    written: int
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    seconds: float = 0.0


@dataclass
class MigrateResult:
    out: Path
    detection: Detection
    counts: dict[str, int]
    summary: list[EntitySummary]
    reconciliation: list[Reconciliation]
    log: IssueLog
    manifest: dict
    seconds: float


def is_staged_db(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(16)[8:12] == b"DUCK"


def staged_input(dumps: list[Path]) -> Path | None:
    """The staged DuckDB file given instead of a dump, if that is what `dumps` is."""
    return dumps[0] if len(dumps) == 1 and dumps[0].is_file() and is_staged_db(dumps[0]) else None


def stage_or_reuse(dumps: list[Path], out: Path, log: IssueLog, on_progress=None, **stage_options) -> tuple[Path, dict]:
    """The staging file to map: the one given, or the dump staged into `out/stage.duckdb`
    (`out` is the package's temporary folder: the staging file moves with the package)."""
    from .stage import stage_dump

    if staged_input(dumps):
        return dumps[0], {"file_name": dumps[0].name, "size": dumps[0].stat().st_size, "sha256": sha256_file(dumps[0]),
                          "staged_db": True}
    db = out / STAGE_FILE
    result = stage_dump(dumps, db, on_progress=on_progress, **stage_options)
    for i in result.issues:
        level = "error" if i.fatal else "warning" if i.kind not in ("zero_date", "types_inferred", "auto_increment_filled") else "info"
        # `field` is a package field; a staging note names its source table and column in the message
        where = f"{i.table}.{i.column}: " if i.table and i.column else f"{i.table}: " if i.table else ""
        log.add("stage", None, None, level, i.kind.upper(), None,
                f"{where}{i.example}" + ("" if (i.count or 1) == 1 else f" ({i.count} times)")
                + ("" if i.offset is None else f" (byte {i.offset})"), table=i.table)
    files = [p for d in dumps for p in ([d] if d.is_file() else sorted(x for x in d.rglob("*") if x.is_file()))]
    source = {"file_name": ", ".join(p.name for p in files), "size": sum(p.stat().st_size for p in files),
              "sha256": sha256_file(files[0]) if len(files) == 1 else None, "producer": result.info.producer,
              "partial": result.partial}
    return db, source


def collect_review(con: duckdb.DuckDBPyConnection, platform) -> dict:
    """Source values of the sampled products, customers and orders, field by field, for the
    report's side-by-side view (queries in mappings/<platform>/review/<entity>.sql, whose
    column names are the package fields they feed)."""
    review = {}
    for entity, sql in platform.review.items():
        ids = [r[0] for r in con.execute(f"SELECT source_id FROM {qualified('pkg', entity)}").fetchall()]
        if not ids:
            continue
        con.execute("CREATE OR REPLACE TEMP TABLE review_ids AS SELECT unnest(?::VARCHAR[]) AS source_id", [ids])
        rel = con.sql(f"SELECT * FROM ({sql}) WHERE source_id IN (SELECT source_id FROM review_ids)")
        names = rel.columns
        review[entity] = {str(r[0]): dict(zip(names, r)) for r in rel.fetchall()}
    return review


def migrate(
    dumps: list[Path] | Path,
    out: Path,
    platform: str = "auto",
    only: list[str] | None = None,
    value_map_file: Path | None = None,
    shop_country: str = "NO",
    timezone: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    demo: bool = False,
    seed: int | None = None,
    size: int = 10,
    allow_partial: bool = False,
    max_statement_mb: int | None = None,
    currency_rates: dict | None = None,
    keep_currency: bool = False,
    value_maps: dict[str, dict[str, str]] | None = None,
) -> MigrateResult:
    """Migrate a dump (or a staged DuckDB file) into the load package at `out`.
    With `demo`, only a random sample of `size` products, customers and orders (and what
    they need) is kept; the same `seed` gives the same sample. A dump cut short raises
    PartialDumpError (exit 4, as `stage` does) unless `allow_partial`. `currency_rates`
    (currency -> NOK for one unit, see map/currency.py) convert a shop's amounts to NOK;
    without a rate for them a full migration stops, unless `keep_currency` loads them
    unconverted on purpose. `value_maps`: the maps themselves instead of `value_map_file`
    (a delta repeats the first run's, from its manifest).
    The package is written into a new folder next to `out` and swapped into place, under
    the lock of `out` (and of a staged input file): `out` is the old package or the new
    one, whole, whenever the run stops (dumpkit.package.folder)."""
    from .stage import check_staged

    start = time.perf_counter()
    dumps = [Path(d) for d in dumps] if isinstance(dumps, (list, tuple)) else [Path(dumps)]
    out = Path(out)
    entities, implied = resolve_entities(only)
    shop_country = check_options(size, shop_country, timezone)
    value_maps = load_value_maps(value_map_file) if value_maps is None else value_maps
    with ExitStack() as held:
        staged = staged_input(dumps)
        if staged:
            held.enter_context(hold_lock(staged))
            check_staged(staged)
        carry = staged if staged and staged.name == STAGE_FILE and staged.resolve().parent == out.resolve() else None
        work = held.enter_context(package_folder(out, dumps, carry))
        result = _migrate(dumps, work, entities, implied, value_maps, start, platform, only, value_map_file,
                          shop_country, timezone, on_progress, demo, seed, size, allow_partial, max_statement_mb,
                          currency_rates, keep_currency)
    result.out = out
    return result


def _migrate(dumps: list[Path], out: Path, entities: list[str], implied: list[str], value_maps: dict, start: float,
             platform, only, value_map_file, shop_country, timezone, on_progress, demo, seed, size,
             allow_partial, max_statement_mb, currency_rates, keep_currency) -> MigrateResult:
    """migrate() with its options checked, writing the package into `out`, a new folder."""
    out.mkdir(parents=True, exist_ok=True)
    log = IssueLog()
    options = {"max_statement_mb": max_statement_mb} if max_statement_mb else {}
    db, source = stage_or_reuse(dumps, out, log, on_progress, **options)
    con = lock_down(duckdb.connect(str(db)))  # the staged tables and their names are the dump's
    try:
        from .stage import first_fatal_issue

        cut = None if allow_partial else first_fatal_issue(con)
        if cut:
            raise PartialDumpError(f"the dump is incomplete: {cut}; use --allow-partial to migrate its complete rows")
        con.execute("DROP SCHEMA IF EXISTS pkg CASCADE")
        con.execute("DROP SCHEMA IF EXISTS src CASCADE")
        con.execute("DROP SCHEMA IF EXISTS demo CASCADE")
        detection = detect(con, load_platforms(), None if platform == "auto" else platform)
        check_readable(con, detection)
        # staging notes on tables no mapping reads change nothing in the package: technical section only
        # (a settings table the parameters read counts as read, unless the note is a mere info)
        log.mark_technical(lambda i: i.phase == "stage" and i.table is not None and not detection.reads_table(i.table)
                           and (i.level == "info" or not detection.reads_table(i.table, settings=True)))
        maps = {k: dict(v) for k, v in detection.platform.value_maps.items()}
        for name, entries in value_maps.items():
            maps.setdefault(name, {}).update(entries)
        prepare(con, detection, maps, {"timezone": timezone, "shop_country": shop_country})
        # the shop's own time zone and currency come from the platform's [params] when it has them
        timezone, currency_code = con.execute("""SELECT coalesce(getvariable('timezone'), getvariable('shop_timezone'),
            'Europe/Oslo'), getvariable('shop_currency')""").fetchall()[0]
        money = currency.plan(con, log, currency_rates or {}, keep_currency, demo)
        summary: dict[str, EntitySummary] = {}
        for entity in entities:
            mapping = detection.platform.mappings.get(entity)
            if mapping is None:
                continue
            t0 = time.perf_counter()
            before = len(log.items)
            try:
                table = run_mapping(con, entity, mapping.sql, log)
            except duckdb.Error as e:
                raise machine_error(e) or DumpkitError(f"mapping {mapping.path.name} of {detection.platform.name} "
                                                       f"failed: {explain_sql_error(con, detection.prefix, e)}") from None
            new = log.items[before:]
            skipped: dict[str, int] = {}
            for i in new:
                if i.entity == entity and i.level == "info" and i.source_id:
                    skipped[i.code] = skipped.get(i.code, 0) + 1
            summary[entity] = EntitySummary(entity, table.num_rows + sum(skipped.values()), table.num_rows, skipped,
                                            sum(1 for i in new if i.level == "warning"), time.perf_counter() - t0)
        extra, restrict = {}, None
        if demo:
            seed = random.SystemRandom().randrange(1, 10**6) if seed is None else seed
            sample = apply_sample(con, log, seed, size)
            extra, restrict = sample.manifest(), sample.kept
            # the demo's issues are about the demo's records (and the dump as a whole)
            log.items = [i for i in log.items if i.source_id is None or i.entity is None
                         or i.source_id in restrict.get(i.entity, ())]
        converted = currency.convert(con, log, money)
        languages.fill_norwegian(con, log)
        refine.add_guest_customers(con, log)
        refine.add_uncategorized(con, log)
        refine.add_default_tax_class(con, log)
        refine.review_tax_classes(con, log)
        refine.unique_slugs(con, log)
        refine.image_file_names(con)
        refine.repoint_redirects(con)
        refine.hygiene(con, log, shop_country)
        check_references(con, log)
        check_order_money(con, log, rates=converted)
        recon = reconcile(con, detection.platform.sources, log, entities, restrict)
        review = collect_review(con, detection.platform) if demo else {}
        manifest = {
            "source": source,
            "platform": detection.platform.name,
            "platform_version": detection.version,
            "table_prefix": detection.prefix,
            "reconciliation": [{"entity": r.entity, "source": r.source, "written": r.written, "skipped": r.skipped,
                                "unaccounted": len(r.unaccounted)} for r in recon],
            "summary": [{"entity": s.entity, "source": s.source, "written": s.written, "skipped": s.skipped,
                         "seconds": round(s.seconds, 3)} for s in summary.values()],
            "currency": money.manifest(),
            "options": {"platform": platform, "only": only, "implied": implied, "value_map": str(value_map_file) if value_map_file else None,
                        "shop_country": shop_country, "timezone": timezone, "shop_currency": currency_code,
                        "currency_rates": money.manifest()["rates"], "keep_currency": keep_currency,
                        "languages": languages.language_keys(con), **extra},
        }
        manifest["options"]["value_maps"] = value_maps  # the maps themselves: a delta runs with them again
        counts = write_package(con, out, entities, log, manifest, review)
    finally:
        con.close()
    for s in summary.values():
        s.written = counts.get(s.entity, s.written)
        s.warnings = sum(1 for i in log.items if i.entity == s.entity and i.level == "warning")
    for r in recon if not demo else []:  # a demo's summary compares the shop with the sample
        if r.entity in summary:
            summary[r.entity].source = r.source
            summary[r.entity].skipped = r.skipped
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    write_report(out)
    return MigrateResult(out, detection, counts, list(summary.values()), recon, log, manifest, time.perf_counter() - start)
