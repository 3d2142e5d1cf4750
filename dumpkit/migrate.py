"""`dumpkit migrate`: dump -> staged tables -> platform mappings -> checks -> load package.

The pipeline, in order: stage (or reuse a staged DuckDB file), detect the
platform, run its SQL mappings, refine (guests, categories, slugs, hygiene),
check (references, money), reconcile (every record accounted for), write.

The work happens in an in-memory DuckDB (spilling to a temporary folder beyond
its memory limit) with the staged file attached read-only: a staged file is
never changed by a migration, and the package tables never touch the disk
until they are written as Parquet.
"""
from __future__ import annotations

import json
import random
import re
import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from . import demo as demo_run
from .check.integrity import check_order_money, check_references
from .check.reconcile import Reconciliation, reconcile
from .errors import DumpkitError, PartialDumpError
from .issues import IssueLog
from .limits import migrate_memory
from .lock import hold_lock
from .map import currency, languages, refine
from .map.platforms import (Detection, check_readable, detect, load_platforms, rows_any_platform_reads,
                            tables_left_out)
from .map.runner import MappingJob, prepare, run_platform_mappings
from .package.folder import STAGE_FILE, package_folder
from .package.schema import ENTITIES, REFERENCES
from .package.verify import sha256_file
from .package.write import write_package
from .progress import PhaseClock, PhaseTime, Progress
from .report import write_report
from .sandbox import lock_down
from .sqlnames import ident, qualified

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


def check_options(size: int, shop_country: str, timezone: str | None, platform: str = "auto") -> str:
    """Options wrong on their face, refused before anything is read; the country, upper-cased."""
    if platform != "auto" and platform not in load_platforms():
        raise DumpkitError(f"unknown platform {platform!r}; known: {', '.join(load_platforms())}")
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
class StagedCopy:
    """The staged DuckDB file a migration made of the dump."""
    path: Path
    bytes: int
    kept: bool
    left_out: dict = field(default_factory=dict)  # {"tables": n, "rows": m}: counted, not staged (no mapping reads them)


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
    phases: list[PhaseTime] = field(default_factory=list)  # back to back: their seconds add up to `seconds`
    staged: StagedCopy | None = None  # None when the input was a staged file


def is_staged_db(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(16)[8:12] == b"DUCK"


STAGE_KINDS_INFO = "'zero_date', 'types_inferred', 'auto_increment_filled'"  # staged as the server would: information


def log_stage_issues(con: duckdb.DuckDBPyConnection, log: IssueLog) -> None:
    """The staged file's dumpkit.issues as issues of the package: the same whether the dump was
    staged by this run or before it."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_catalog = 'stage' "
                       "AND table_schema = 'dumpkit' AND table_name = 'issues'").fetchall()[0][0]:
        return
    # `field` is a package field: a staging note names its source table and column in the message
    log.add_query(con, f"""SELECT 'stage', NULL, NULL,
        CASE WHEN fatal THEN 'error' WHEN kind IN ({STAGE_KINDS_INFO}) THEN 'info' ELSE 'warning' END, upper(kind), NULL,
        CASE WHEN coalesce(table_name, '') <> '' AND coalesce(column_name, '') <> '' THEN table_name || '.' || column_name || ': '
             WHEN coalesce(table_name, '') <> '' THEN table_name || ': ' ELSE '' END
        || coalesce(example, '') || CASE WHEN coalesce(count, 1) = 1 THEN '' ELSE ' (' || count || ' times)' END
        || coalesce(' (byte ' || byte_offset || ')', ''),
        nullif(table_name, '')
        FROM stage.dumpkit.issues ORDER BY byte_offset NULLS LAST""", with_table=True)
    if tables_left_out(con):  # (check_readable stops the run if the platform reads one of them)
        log.add_query(con, """SELECT 'stage', NULL, NULL, 'info', 'ROWS_NOT_STAGED', NULL, table_name || ': ' || rows_left_out
            || ' rows counted, not staged: no platform''s mappings read this table (dumpkit stage stages every row)',
            table_name FROM stage.dumpkit.tables WHERE rows_left_out > 0 ORDER BY table_name""", with_table=True)


def staged_input(dumps: list[Path]) -> Path | None:
    """The staged DuckDB file given instead of a dump, if that is what `dumps` is."""
    return dumps[0] if len(dumps) == 1 and dumps[0].is_file() and is_staged_db(dumps[0]) else None


def stage_or_reuse(dumps: list[Path], out: Path, log: IssueLog, on_progress=None, db: Path | None = None,
                   on_sql_bytes=None, **stage_options) -> tuple[Path, dict]:
    """The staged DuckDB file of the dump (staged now into `db`, OUT/stage.duckdb by default; `out`
    is the package's new folder, so the staging file moves with the package), or the input itself
    when it is one; and what the manifest says about the source. The staging issues are logged
    from the staged file once it is open (log_stage_issues)."""
    from .stage import stage_dump

    if staged_input(dumps):
        return dumps[0], {"file_name": dumps[0].name, "size": dumps[0].stat().st_size, "sha256": sha256_file(dumps[0]),
                          "staged_db": True}
    db = db or out / STAGE_FILE
    files = [p for d in dumps for p in ([d] if d.is_file() else sorted(x for x in d.rglob("*") if x.is_file()))]
    # the dump's checksum is worked out while it is staged (a thread of its own: hashlib lets go of
    # the GIL), once the reader process is forked
    with ThreadPoolExecutor(1) as pool:
        digest = []
        hash_it = (lambda: digest.append(pool.submit(sha256_file, files[0]))) if len(files) == 1 else None
        # rows no platform's mappings read (logs, carts, search index) are counted, not staged
        result = stage_dump(dumps, db, on_progress=on_progress, on_sql_bytes=on_sql_bytes, on_reader=hash_it,
                            keep_rows=rows_any_platform_reads(load_platforms()), **stage_options)
        sha256 = digest[0].result() if digest else None
    source = {"file_name": ", ".join(p.name for p in files), "size": sum(p.stat().st_size for p in files),
              "sha256": sha256, "producer": result.info.producer, "partial": result.partial,
              "rows_left_out": {"tables": len(result.left_out), "rows": sum(result.left_out.values())}}
    return db, source


def open_work_db(staged: Path, tmp: Path) -> duckdb.DuckDBPyConnection:
    """The migration's DuckDB: in memory (spilling to `tmp` beyond the memory limit), the staged
    file attached read-only as `stage` and each of its tables a view in `main`, where platform
    detection and the src views look for them. Locked down once that is done: the staged tables
    and their names are the dump's (sandbox.py)."""
    con = duckdb.connect()
    con.execute("SET memory_limit = ?", [migrate_memory(Path(staged).stat().st_size)])
    con.execute("SET temp_directory = ?", [str(tmp)])
    con.execute("SET preserve_insertion_order = false")  # every output is sorted when it is written
    con.execute("ATTACH ? AS stage (READ_ONLY)", [str(staged)])
    names = con.execute("SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'stage' "
                        "AND table_schema IN ('main', 'dumpkit')").fetchall()
    con.execute("BEGIN")
    con.execute("CREATE SCHEMA dumpkit")  # staging's metadata where detection and its hints look for it
    for schema, name in names:
        con.execute(f"CREATE VIEW {qualified(schema, name)} AS SELECT * FROM stage.{qualified(schema, name)}")
    con.execute("COMMIT")
    return lock_down(con)


def collect_review(con: duckdb.DuckDBPyConnection, platform) -> dict:
    """The old shop's values of the sampled records, for the report's cards (queries in
    mappings/<platform>/review/<entity>.sql, see mappings/README.md). A query whose first column
    is a reference (order_lines: order_source_id) lists the old shop's rows under the sampled
    parent's id."""
    review = {}
    for entity, sql in platform.review.items():
        key = con.sql(sql).columns[0]
        parent = entity if key == "source_id" else REFERENCES[(entity, key)]
        ids = [r[0] for r in con.execute(f"SELECT source_id FROM {qualified('pkg', parent)}").fetchall()]
        if not ids:
            continue
        con.execute("CREATE OR REPLACE TEMP TABLE review_ids AS SELECT unnest(?::VARCHAR[]) AS source_id", [ids])
        # in a fixed order: the same dump gives the same review.json (the queries have no ORDER BY)
        rel = con.sql(f"SELECT * FROM ({sql}) WHERE {ident(key)} IN (SELECT source_id FROM review_ids) ORDER BY ALL")
        rows = [dict(zip(rel.columns, r)) for r in rel.fetchall()]
        if key == "source_id":
            review[entity] = {str(r[key]): r for r in rows}
        else:
            review[entity] = {}
            for r in rows:
                review[entity].setdefault(str(r[key]), []).append(r)
    return review


def refine_and_check(con: duckdb.DuckDBPyConnection, log: IssueLog, shop_country: str, clock: PhaseClock,
                     money: currency.CurrencyPlan) -> None:
    """The generic steps after the mappings, each timed."""
    converted: dict = {}  # "rates": the rate each converted order's amounts were multiplied by (check_order_money)
    steps: list[tuple[str, str, Callable[[], None]]] = [
        ("refine currency", "refine", lambda: converted.update(rates=currency.convert(con, log, money))),
        ("refine languages", "refine", lambda: languages.fill_norwegian(con, log)),
        ("refine guests", "refine", lambda: refine.add_guest_customers(con, log)),
        ("refine categories", "refine", lambda: refine.add_uncategorized(con, log)),
        ("refine tax classes", "refine", lambda: refine.add_default_tax_class(con, log)),
        ("refine tax class titles", "refine", lambda: refine.review_tax_classes(con, log)),
        ("refine slugs", "refine", lambda: refine.unique_slugs(con, log)),
        ("refine image names", "refine", lambda: refine.image_file_names(con)),
        ("refine redirects", "refine", lambda: refine.repoint_redirects(con)),
        ("refine hygiene", "refine", lambda: refine.hygiene(con, log, shop_country)),
        ("check references", "check", lambda: check_references(con, log)),
        ("check order money", "check", lambda: check_order_money(con, log, rates=converted.get("rates"))),
    ]
    for i, (name, group, step) in enumerate(steps):
        clock.progress.step(name, group, i, len(steps))
        before = len(log)
        step()
        clock.lap(name, len(log) - before, "issues")


def map_entities(con: duckdb.DuckDBPyConnection, detection: Detection, entities: list[str], log: IssueLog,
                 clock: PhaseClock, sample: "demo_run.Sample | None" = None) -> dict[str, EntitySummary]:
    """Every mapping of the platform into pkg (a demo: only what its sample needs, see demo.py)."""
    summary: dict[str, EntitySummary] = {}
    mapped = [e for e in entities if detection.platform.mappings.get(e) is not None]

    def started(entity: str) -> None:
        clock.progress.step(f"map {entity}", "map", mapped.index(entity), len(mapped))

    def done(entity: str, result) -> None:
        if sample is not None:
            sample.merge(entity)  # (before a mapping that reads this one's package table starts)
        # two at a time: a mapping's lap is the wall time since the one before it ended
        phase = clock.lap(f"map {entity}", result.rows)
        source = result.rows + sum(result.skipped.values())
        if sample is not None:
            source = sample.mapped.get(entity)  # rows of the whole shop, where it was mapped whole
        summary[entity] = EntitySummary(entity, source, result.rows, result.skipped, 0, phase.seconds)

    batches = [(None, [MappingJob(e) for e in mapped])] if sample is None else sample.wide_pass(mapped)
    for cut, jobs in batches:
        if sample is not None:
            sample.cut_sources(cut, copy=True)
        run_platform_mappings(con, detection.platform, jobs, log, started, done)
    return {e: summary[e] for e in mapped}


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
    progress: Progress | None = None,
    started: float | None = None,
    keep_stage: bool | None = None,
    value_maps: dict[str, dict[str, str]] | None = None,
    report: bool = True,
) -> MigrateResult:
    """Migrate a dump (or a staged DuckDB file) into the load package at `out`.
    With `demo`, only a random sample of `size` products, customers and orders (and what
    they need) is kept; the same `seed` gives the same sample. A dump cut short raises
    PartialDumpError (exit 4, as `stage` does) unless `allow_partial`. `currency_rates`
    (currency -> NOK for one unit, see map/currency.py) convert a shop's amounts to NOK;
    without a rate for them a full migration stops, unless `keep_currency` loads them
    unconverted on purpose. `value_maps`: the maps themselves instead of `value_map_file`
    (a delta repeats the first run's, from its manifest). `report`: write OUT/report.html (a
    delta's newer package goes without: the delta's own report is the review).
    `progress` hears of every step; `started` (time.perf_counter()) is when the command started,
    so the phases' seconds (MigrateResult.phases) cover the whole run.
    `keep_stage`: keep the staged copy of the dump as OUT/stage.duckdb (default: for a full
    migration, whose reruns can start from it, not for a demo).
    The package is written into a new folder next to `out` and swapped into place, under
    the lock of `out` (and of a staged input file): `out` is the old package or the new
    one, whole, whenever the run stops (dumpkit.package.folder)."""
    from .stage import check_staged

    progress = progress or Progress()
    clock = PhaseClock(progress, started)
    if started is not None:
        clock.lap("start-up", None)
    dumps = [Path(d) for d in dumps] if isinstance(dumps, (list, tuple)) else [Path(dumps)]
    out = Path(out)
    entities, implied = resolve_entities(only)
    shop_country = check_options(size, shop_country, timezone, platform)
    value_maps = load_value_maps(value_map_file) if value_maps is None else value_maps
    keep_stage = not demo if keep_stage is None else keep_stage
    options = dict(platform=platform, only=only, value_map_file=value_map_file, shop_country=shop_country,
                   timezone=timezone, on_progress=on_progress, demo=demo, seed=seed, size=size,
                   allow_partial=allow_partial, max_statement_mb=max_statement_mb, currency_rates=currency_rates,
                   keep_currency=keep_currency, keep_stage=keep_stage, report=report)
    with ExitStack() as held:
        staged = staged_input(dumps)
        if staged:
            held.enter_context(hold_lock(staged))
            check_staged(staged)
        carry = staged if staged and staged.name == STAGE_FILE and staged.resolve().parent == out.resolve() else None
        work = held.enter_context(package_folder(out, dumps, carry))
        result = _migrate(dumps, work, entities, implied, value_maps, progress, clock, **options)
    result.out = out
    if result.staged is not None and result.staged.kept:
        result.staged.path = out / STAGE_FILE  # moved with the package
    return result


def _migrate(dumps: list[Path], out: Path, entities: list[str], implied: list[str], value_maps: dict,
             progress: Progress, clock: PhaseClock, *, platform, only, value_map_file, shop_country, timezone,
             on_progress, demo, seed, size, allow_partial, max_statement_mb, currency_rates, keep_currency,
             keep_stage, report) -> MigrateResult:
    """migrate() with its options checked, writing the package into `out`, a new folder."""
    from .stage import first_fatal_issue

    progress.plan(["staging", "prepare", "map", "refine", "check", "write"] + (["report"] if report else [])
                  + (["demo"] if demo else []))
    log = IssueLog()
    tmp = out / ".scratch"  # DuckDB's spill files and a staged copy not kept; inside the new folder, so a
    tmp.mkdir(parents=True)  # stopped run's leftovers go with it (package.folder)
    con = None
    try:
        progress.step("staging", "staging")
        sql = [0]

        def staged_bytes(n: int) -> None:
            sql[0] = n
            progress.advance(n, None, f"{n / 1e6:,.1f} MB of SQL")

        def read_bytes(done: int, total: int) -> None:
            progress.advance(done, total, f"{sql[0] / 1e6:,.1f} MB of SQL")
            if on_progress:
                on_progress(done, total)

        stage_options = {"max_statement_mb": max_statement_mb} if max_statement_mb else {}
        db, source = stage_or_reuse(dumps, out, log, read_bytes, None if keep_stage else tmp / STAGE_FILE, staged_bytes,
                                    **stage_options)
        fresh = not source.get("staged_db")
        con = open_work_db(db, tmp)
        cut = None if allow_partial else first_fatal_issue(con, "stage")
        if cut:
            raise PartialDumpError(f"the dump is incomplete: {cut}; use --allow-partial to migrate its complete rows")
        if fresh:
            sql_bytes = con.execute("SELECT value FROM stage.dumpkit.dump WHERE key = 'sql_bytes'").fetchall()
            clock.lap("staging", int(sql_bytes[0][0]) if sql_bytes else source["size"], "bytes")
        else:
            clock.lap("staged file (checksum)", source["size"], "bytes")
        progress.step("prepare", "prepare")
        log_stage_issues(con, log)
        detection = detect(con, load_platforms(), None if platform == "auto" else platform)
        check_readable(con, detection)
        # staging notes on tables no mapping reads change nothing in the package: technical section only
        # (a settings table the parameters read counts as read, unless the note is a mere info)
        log.mark_technical(lambda i: i.table is not None and not detection.reads_table(i.table)
                           and (i.level == "info" or not detection.reads_table(i.table, settings=True)))
        maps = {k: dict(v) for k, v in detection.platform.value_maps.items()}
        for name, entries in value_maps.items():
            maps.setdefault(name, {}).update(entries)
        prepare(con, detection, maps, {"timezone": timezone, "shop_country": shop_country})
        # the shop's own time zone and currency come from the platform's [params] when it has them
        timezone, currency_code = con.execute("""SELECT coalesce(getvariable('timezone'), getvariable('shop_timezone'),
            'Europe/Oslo'), getvariable('shop_currency')""").fetchall()[0]
        money = currency.plan(con, log, currency_rates or {}, keep_currency, demo)
        clock.lap("prepare (platform, parameters)")
        extra, restrict = {}, None
        if demo:
            seed = random.SystemRandom().randrange(1, 10**6) if seed is None else seed
            progress.step("demo: sample", "demo")
            sample = demo_run.Sample(con, detection.platform, entities, seed, size, log)
            clock.lap("demo: map the shop narrow, draw the sample", sum(sample.mapped.values()))
            before = log.table()
            while True:
                summary = map_entities(con, detection, entities, log, clock, sample)
                refine_and_check(con, log, shop_country, clock, money)
                progress.step("demo closure", "demo")
                if sample.closed():
                    break
                log = IssueLog.from_table(before)  # records the closure needs were mapped narrow: again, wider
                clock.lap("demo: closure grew, mapping again", sum(len(v) for v in sample.working.values()), "records")
            sample.restrict(log)
            clock.lap("demo: keep the sample", sum(len(v) for v in sample.kept.values()), "records")
            extra, restrict = sample.manifest(), sample.kept
        else:
            summary = map_entities(con, detection, entities, log, clock)
            refine_and_check(con, log, shop_country, clock, money)
        progress.step("reconcile", "check")
        if demo:
            # the sample's records are in the cut-down sources: no need to read the rest (the wide pass's copies)
            sample.cut_sources(True, copy=True)
        recon = reconcile(con, detection.platform.sources, log, entities, restrict)
        review = collect_review(con, detection.platform) if demo else {}
        clock.lap("reconcile", sum(r.source for r in recon), "records")
        manifest = {
            "source": source,
            "platform": detection.platform.name,
            "platform_version": detection.version,
            "table_prefix": detection.prefix,
            "reconciliation": [{"entity": r.entity, "source": r.source, "written": r.written, "skipped": r.skipped,
                                "unaccounted": len(r.unaccounted)} for r in recon],
            "summary": [{"entity": s.entity, "source": s.source, "written": s.written, "skipped": s.skipped}
                        for s in summary.values()],
            "currency": money.manifest(),
            "options": {"platform": platform, "only": only, "implied": implied, "value_map": str(value_map_file) if value_map_file else None,
                        "shop_country": shop_country, "timezone": timezone, "shop_currency": currency_code,
                        "currency_rates": money.manifest()["rates"], "keep_currency": keep_currency,
                        "languages": languages.language_keys(con), **extra},
        }
        manifest["options"]["value_maps"] = value_maps  # the maps themselves: a delta runs with them again
        progress.step("write", "write")
        written = [0]

        def on_file(name: str, rows: int) -> None:
            written[0] += 1
            progress.advance(written[0], len(ENTITIES) + 1, f"{name}: {rows:,} rows")

        counts = write_package(con, out, entities, log, manifest, review, on_file=on_file)
        clock.lap("write", written[0], "files")
        staged = StagedCopy(db, db.stat().st_size, keep_stage, source["rows_left_out"]) if fresh else None
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(tmp, ignore_errors=True)
    for s in summary.values():
        s.written = counts.get(s.entity, s.written)
    warnings = dict(log.query("SELECT entity, count(*) FROM issues WHERE level = 'warning' GROUP BY 1"))
    for s in summary.values():
        s.warnings = warnings.get(s.entity, 0)
    for r in recon if not demo else []:  # a demo's summary compares the shop with the sample
        if r.entity in summary:
            summary[r.entity].source = r.source
            summary[r.entity].skipped = r.skipped
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if report:
        progress.step("report", "report")
        write_report(out, log)
        clock.lap("report")
    return MigrateResult(out, detection, counts, list(summary.values()), recon, log, manifest, clock.seconds,
                         clock.phases, staged)
