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
import os
import random
import shutil
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from . import demo as demo_run
from .check.integrity import check_order_money, check_references
from .check.reconcile import Reconciliation, reconcile
from .errors import DumpkitError
from .issues import IssueLog
from .map import refine
from .map.platforms import Detection, detect, load_platforms
from .map.runner import prepare, run_platform_mapping
from .package.schema import ENTITIES
from .package.write import sha256_file, write_package
from .progress import PhaseClock, PhaseTime, Progress
from .report import write_report

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
# DuckDB's memory for a migration (it spills to a temporary folder beyond it); DUMPKIT_MEMORY overrides
MEMORY = "192MB"


def resolve_entities(only: list[str] | None) -> tuple[list[str], list[str]]:
    """(package entities to produce, groups added because something needs them)."""
    groups = list(GROUPS) if not only else [g.strip() for g in only if g.strip()]
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
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text) if str(path).endswith(".json") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise DumpkitError(f"{path}: not a valid value map ({e})") from None
    if not all(isinstance(v, dict) for v in data.values()):
        raise DumpkitError(f"{path}: a value map is {{map name: {{source value: Mystore value}}}}")
    return {k: {str(a): str(b) for a, b in v.items()} for k, v in data.items()}


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
    log.add_query(con, f"""SELECT 'stage', NULL, NULL,
        CASE WHEN fatal THEN 'error' WHEN kind IN ({STAGE_KINDS_INFO}) THEN 'info' ELSE 'warning' END, upper(kind),
        CASE WHEN coalesce(column_name, '') <> '' THEN table_name || '.' || column_name ELSE table_name END,
        count || ' x ' || coalesce(example, '') || coalesce(' (byte ' || byte_offset || ')', '')
        FROM stage.dumpkit.issues""")


def stage_or_reuse(dumps: list[Path], out: Path, log: IssueLog, on_progress=None, db: Path | None = None,
                   on_sql_bytes=None) -> tuple[Path, dict]:
    """The staged DuckDB file of the dump (staged now into `db`, OUT/stage.duckdb by default), or
    the input itself when it is one; and what the manifest says about the source. The staging
    issues are logged from the staged file once it is open (log_stage_issues)."""
    from .stage import stage_dump

    if len(dumps) == 1 and dumps[0].is_file() and is_staged_db(dumps[0]):
        return dumps[0], {"file_name": dumps[0].name, "size": dumps[0].stat().st_size, "sha256": sha256_file(dumps[0]),
                          "staged_db": True}
    db = db or out / "stage.duckdb"
    result = stage_dump(dumps, db, on_progress=on_progress, on_sql_bytes=on_sql_bytes)
    files = [p for d in dumps for p in ([d] if d.is_file() else sorted(x for x in d.rglob("*") if x.is_file()))]
    source = {"file_name": ", ".join(p.name for p in files), "size": sum(p.stat().st_size for p in files),
              "sha256": sha256_file(files[0]) if len(files) == 1 else None, "producer": result.info.producer,
              "partial": result.partial}
    return db, source


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_work_db(staged: Path, tmp: Path) -> duckdb.DuckDBPyConnection:
    """The migration's DuckDB: in memory (spilling to `tmp` beyond the memory limit), the staged
    file attached read-only as `stage` and each of its tables a view in `main`, where platform
    detection and the src views look for them."""
    con = duckdb.connect()
    memory = os.environ.get("DUMPKIT_MEMORY", MEMORY)
    con.execute(f"SET memory_limit = '{memory}'")
    con.execute("SET temp_directory = ?", [str(tmp)])
    con.execute("SET preserve_insertion_order = false")  # every output is sorted when it is written
    con.execute("ATTACH ? AS stage (READ_ONLY)", [str(staged)])
    names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'stage' "
                                       "AND table_schema = 'main'").fetchall()]
    con.execute("BEGIN")
    for name in names:
        con.execute(f"CREATE VIEW main.{_ident(name)} AS SELECT * FROM stage.main.{_ident(name)}")
    con.execute("COMMIT")
    return con


def collect_review(con: duckdb.DuckDBPyConnection, platform) -> dict:
    """Source values of the sampled products, customers and orders, field by field, for the
    report's side-by-side view (queries in mappings/<platform>/review/<entity>.sql, whose
    column names are the package fields they feed)."""
    review = {}
    for entity, sql in platform.review.items():
        ids = [r[0] for r in con.execute(f'SELECT source_id FROM pkg."{entity}"').fetchall()]
        if not ids:
            continue
        con.execute("CREATE OR REPLACE TEMP TABLE review_ids AS SELECT unnest(?::VARCHAR[]) AS source_id", [ids])
        rel = con.sql(f"SELECT * FROM ({sql}) WHERE source_id IN (SELECT source_id FROM review_ids)")
        names = rel.columns
        review[entity] = {str(r[0]): dict(zip(names, r)) for r in rel.fetchall()}
    return review


def refine_and_check(con: duckdb.DuckDBPyConnection, log: IssueLog, shop_country: str, clock: PhaseClock) -> None:
    """The generic steps after the mappings, each timed."""
    steps: list[tuple[str, str, Callable[[], None]]] = [
        ("refine guests", "refine", lambda: refine.add_guest_customers(con, log)),
        ("refine categories", "refine", lambda: refine.add_uncategorized(con, log)),
        ("refine tax classes", "refine", lambda: refine.add_default_tax_class(con, log)),
        ("refine slugs", "refine", lambda: refine.unique_slugs(con, log)),
        ("refine redirects", "refine", lambda: refine.repoint_redirects(con)),
        ("refine hygiene", "refine", lambda: refine.hygiene(con, log, shop_country)),
        ("check references", "check", lambda: check_references(con, log)),
        ("check order money", "check", lambda: check_order_money(con, log)),
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
    for i, entity in enumerate(mapped):
        clock.progress.step(f"map {entity}", "map", i, len(mapped))
        result = run_platform_mapping(con, detection.platform, entity, log, None if sample is None else sample.where(entity))
        if sample is not None:
            sample.add_rest(entity)
        phase = clock.lap(f"map {entity}", result.rows)
        source = result.rows + sum(result.skipped.values())
        if sample is not None:
            source = sample.mapped.get(entity)  # rows of the whole shop, where it was mapped whole
        summary[entity] = EntitySummary(entity, source, result.rows, result.skipped, 0, phase.seconds)
    return summary


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
    progress: Progress | None = None,
    started: float | None = None,
    keep_stage: bool | None = None,
) -> MigrateResult:
    """Migrate a dump (or a staged DuckDB file) into the load package at `out`.
    With `demo`, only a random sample of `size` products, customers and orders (and what
    they need) is kept; the same `seed` gives the same sample.
    `progress` hears of every step; `started` (time.perf_counter()) is when the command started,
    so the phases' seconds (MigrateResult.phases) cover the whole run.
    `keep_stage`: keep the staged copy of the dump as OUT/stage.duckdb (default: for a full
    migration, whose reruns can start from it, not for a demo)."""
    progress = progress or Progress()
    clock = PhaseClock(progress, started)
    if started is not None:
        clock.lap("start-up", None)
    dumps = [Path(d) for d in dumps] if isinstance(dumps, (list, tuple)) else [Path(dumps)]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entities, implied = resolve_entities(only)
    keep_stage = not demo if keep_stage is None else keep_stage
    progress.plan(["staging", "prepare", "map", "refine", "check", "write", "report"] + (["demo"] if demo else []))
    log = IssueLog()
    tmp = Path(tempfile.mkdtemp(prefix="dumpkit-migrate-"))
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

        db, source = stage_or_reuse(dumps, out, log, read_bytes, None if keep_stage else tmp / "stage.duckdb", staged_bytes)
        fresh = not source.get("staged_db")
        con = open_work_db(db, tmp)
        if fresh:
            sql_bytes = con.execute("SELECT value FROM stage.dumpkit.dump WHERE key = 'sql_bytes'").fetchall()
            clock.lap("staging", int(sql_bytes[0][0]) if sql_bytes else source["size"], "bytes")
        else:
            clock.lap("staged file (checksum)", source["size"], "bytes")
        progress.step("prepare", "prepare")
        log_stage_issues(con, log)
        detection = detect(con, load_platforms(), None if platform == "auto" else platform)
        maps = {k: dict(v) for k, v in detection.platform.value_maps.items()}
        for name, entries in load_value_maps(value_map_file).items():
            maps.setdefault(name, {}).update(entries)
        prepare(con, detection, maps, {"timezone": timezone, "shop_country": shop_country})
        # the shop's own time zone and currency come from the platform's [params] when it has them
        timezone, currency = con.execute("""SELECT coalesce(getvariable('timezone'), getvariable('shop_timezone'),
            'Europe/Oslo'), getvariable('shop_currency')""").fetchall()[0]
        if currency and str(currency).upper() != "NOK":
            log.add("map", None, None, "warning", "CURRENCY_NOT_NOK", "currency",
                    f"the shop's prices are in {currency}, not NOK: amounts are written as they are, "
                    f"convert them before loading if the Mystore shop sells in NOK")
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
                refine_and_check(con, log, shop_country, clock)
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
            refine_and_check(con, log, shop_country, clock)
        progress.step("reconcile", "check")
        if demo:
            sample.cut_sources(True)  # the sample's records are in the cut-down sources: no need to read the rest
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
            "options": {"platform": platform, "only": only, "implied": implied, "value_map": str(value_map_file) if value_map_file else None,
                        "shop_country": shop_country, "timezone": timezone, "shop_currency": currency, **extra},
        }
        progress.step("write", "write")
        written = [0]

        def on_file(name: str, rows: int) -> None:
            written[0] += 1
            progress.advance(written[0], len(ENTITIES) + 1, f"{name}: {rows:,} rows")

        counts = write_package(con, out, entities, log, manifest, on_file=on_file)
        if review:
            (out / "review.json").write_text(json.dumps(review, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        clock.lap("write", written[0], "files")
        staged = StagedCopy(db, db.stat().st_size, keep_stage) if fresh else None
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
    progress.step("report", "report")
    write_report(out, log)
    clock.lap("report")
    return MigrateResult(out, detection, counts, list(summary.values()), recon, log, manifest, clock.seconds,
                         clock.phases, staged)
