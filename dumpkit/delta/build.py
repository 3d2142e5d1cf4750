"""`dumpkit delta BASE/ NEW_DUMP... -o DELTA/`: what changed in the shop since the base package.

The newer dump is migrated with the base package's own options (its manifest records them:
platform, --only, value maps, shop country, time zone, currency rates) into `DELTA/full/`, a
whole load package of its own; that package is compared with the base's, entity by entity
(compare.py); the rows that are new, changed or deleted are written as the delta package in
`DELTA/` with the package writer, so the delta keeps the contract (1.2: `change`,
`changed_fields`). The delta's manifest names its base (path and the sha256 of its
manifest): the loader applies it onto a shop loaded from exactly that package. A delta can
be the base of the next one (dump 3 against the delta of dump 2): its `full/` is then what is
compared. DELTA/ is written whole or not at all (dumpkit/package/folder.py).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Callable

from ..errors import DumpkitError
from ..issues import Issue, IssueLog
from ..lock import hold_lock
from ..package.folder import STAGE_FILE, package_folder
from ..package.schema import ENTITIES, ISSUE_PHASES, SCHEMA_VERSION
from ..package.verify import MANIFEST, check_package, sha256_file
from ..package.write import write_package
from ..sqlnames import ident, literal, qualified
from . import compare
from .report import write_delta_report

FULL = "full"  # the newer dump's whole package, inside the delta folder
NEVER_DELETED = ("customers", "orders")  # Mystore keeps them; a deletion in the source is reported


@dataclass
class DeltaResult:
    out: Path
    entities: list[compare.EntityDelta]
    brought_along: dict[str, int]
    log: IssueLog
    manifest: dict
    migrate: object  # the MigrateResult of the newer dump
    seconds: float
    compare_seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def base_state(base: Path) -> tuple[dict, Path, dict]:
    """(the base's manifest, the full package the newer dump is compared with, its manifest):
    the base itself, or the `full/` of a delta package, checked against the sha256 it names."""
    manifest = check_package(base)
    if "full" not in manifest:
        return manifest, base, manifest
    state = base / FULL
    full = check_package(state)
    if sha256_file(state / MANIFEST) != manifest["full"].get("manifest_sha256"):
        raise DumpkitError(f"{state} is not the package the delta {base} was made with; make the delta again")
    return manifest, state, full


def rerun_options(manifest: dict, where: Path) -> dict:
    """migrate()'s options that made the base package, from its manifest."""
    options = manifest.get("options") or {}
    if options.get("demo"):
        raise DumpkitError(f"{where} is a demo migration; a delta compares full migrations (migrate without --demo first)")
    version = str(manifest.get("schema_version", ""))
    if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DumpkitError(f"{where} follows package schema {version or '(none)'}, not {SCHEMA_VERSION}: "
                           "migrate the first dump again with this dumpkit")
    value_maps = options.get("value_maps")
    if value_maps is None and options.get("value_map"):
        raise DumpkitError(f"{where} was migrated with --value-map {options['value_map']} by a dumpkit that did not "
                           "record the map itself: migrate the first dump again with this dumpkit")
    return {"platform": manifest.get("platform") or "auto", "only": options.get("only"), "value_maps": value_maps or {},
            "shop_country": options.get("shop_country") or "NO", "timezone": options.get("timezone"),
            "currency_rates": {c: Decimal(r) for c, r in (options.get("currency_rates") or {}).items()},
            "keep_currency": bool(options.get("keep_currency"))}


def make_delta(base: Path, dumps: list[Path] | Path, out: Path, *, allow_partial: bool = False,
               max_statement_mb: int | None = None, on_progress: Callable[[int, int], None] | None = None) -> DeltaResult:
    """The delta between the package at `base` and the newer dump(s), written to `out`."""
    from ..migrate import migrate

    start = time.perf_counter()
    base, out = Path(base), Path(out)
    dumps = [Path(d) for d in dumps] if isinstance(dumps, (list, tuple)) else [Path(dumps)]
    if base.resolve() == out.resolve() or base.resolve() in out.resolve().parents:
        raise DumpkitError(f"-o {out} is the base package {base} or inside it; choose a folder of its own")
    with hold_lock(base):  # not replaced by a migration while it is read
        base_manifest, state, state_manifest = base_state(base)
        options = rerun_options(state_manifest, base)
        with package_folder(out, [*dumps, base]) as work:
            # the old delta's staging file goes now, not after the new one is staged (as migrate's own)
            for name in (STAGE_FILE, STAGE_FILE + ".wal"):
                (out / FULL / name).unlink(missing_ok=True)
            newer = migrate(dumps, work / FULL, allow_partial=allow_partial, max_statement_mb=max_statement_mb,
                            on_progress=on_progress, report=False, **options)
            if newer.manifest.get("table_prefix") != state_manifest.get("table_prefix"):
                raise DumpkitError(f"the newer dump's {newer.manifest.get('platform')} tables are prefixed "
                                   f"{newer.manifest.get('table_prefix')!r}, the base package's "
                                   f"{state_manifest.get('table_prefix')!r}: not a dump of the same shop?")
            t0 = time.perf_counter()
            con = compare.connect(work, state, work / FULL)
            try:
                con.execute("CREATE SCHEMA pkg")
                entities = [compare.diff_entity(con, e, state, work / FULL) for e in ENTITIES]
                closure = compare.brought_along(con)
                review = {e.entity: compare.samples(con, e.entity, state) for e in entities if e.total}
                log = delta_issues(con, work, state, work / FULL, base_manifest, newer.manifest)
                manifest = delta_manifest(base, base_manifest, newer.manifest, work / FULL, entities, closure)
                counts = write_package(con, work, list(ENTITIES), log, manifest, {"delta": review})
            finally:
                con.close()
            compare_seconds = time.perf_counter() - t0
            manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
            write_delta_report(work)
    return DeltaResult(out, entities, closure, log, manifest, newer, time.perf_counter() - start, compare_seconds, counts)


def delta_manifest(base: Path, base_manifest: dict, full: dict, full_dir: Path, entities: list, closure: dict) -> dict:
    keep = ("source", "platform", "platform_version", "table_prefix", "currency", "options", "reconciliation")
    return {**{k: full[k] for k in keep if k in full},
            "base": {"path": str(base.resolve()), "manifest_sha256": sha256_file(base / MANIFEST),
                     "created_at": base_manifest.get("created_at"), "source": base_manifest.get("source")},
            FULL: {"path": FULL, "manifest_sha256": sha256_file(full_dir / MANIFEST)},
            "delta": {"entities": {e.entity: {"new": e.new, "changed": e.changed, "deleted": e.deleted, "fields": e.fields}
                                   for e in entities},
                      "brought_along": closure}}


ISSUE_COLUMNS = {f.name: "BOOLEAN" if f.name == "technical" else "VARCHAR" for f in fields(Issue)}


def delta_issues(con, work: Path, state: Path, full: Path, base_manifest: dict, full_manifest: dict) -> IssueLog:
    """The issues a reviewer of the delta needs: the newer run's issues about the delta's records
    and the ones the base did not have (a new record left out, with its reason), the dump-level
    ones, and the delta's own (a deleted order or customer, which Mystore keeps). The issues
    files hold a row per record of the shop: DuckDB streams the newer one past the base's
    hashes and the delta's ids, with one thread (its JSON reader takes 32 MB a thread)."""
    ids = con.sql(" UNION ALL ".join(f"SELECT {literal(e)} AS entity, source_id FROM {qualified('pkg', e)}"
                                     for e in ENTITIES)).to_arrow_table()
    spec = "{" + ", ".join(f"{literal(k)}: {literal(t)}" for k, t in ISSUE_COLUMNS.items()) + "}"

    def issues(folder: Path) -> str:
        return f"read_json({literal(str((folder / 'issues.jsonl').resolve()))}, format = 'newline_delimited', columns = {spec})"

    def key(alias: str) -> str:
        return "hash(" + ", ".join(f"{alias}.{ident(k)}" for k in ISSUE_COLUMNS if k != "technical") + ")"

    reader = compare.connect(work, state, full, threads=1)
    try:
        reader.register("delta_ids", ids)
        rows = reader.execute(f"""SELECT {', '.join(f'f.{ident(k)}' for k in ISSUE_COLUMNS)} FROM {issues(full)} f
            LEFT JOIN (SELECT DISTINCT {key('b')} AS h FROM {issues(state)} b) b ON b.h = {key('f')}
            LEFT JOIN delta_ids d ON d.entity = f.entity AND d.source_id = f.source_id
            WHERE f.source_id IS NULL OR d.source_id IS NOT NULL OR b.h IS NULL
            ORDER BY list_position(?, f.phase), f.entity NULLS FIRST, f.source_id NULLS FIRST, f.code, f.message""",
                              [list(ISSUE_PHASES)]).fetchall()
    finally:
        reader.close()
    log = IssueLog()
    log.extend(Issue(*r[:-1], bool(r[-1])) for r in rows)
    if base_manifest.get("dumpkit_version") != full_manifest.get("dumpkit_version"):
        log.add("delta", None, None, "warning", "BASE_OTHER_VERSION", None,
                f"the base package was written by dumpkit {base_manifest.get('dumpkit_version')}, the newer dump migrated "
                f"by {full_manifest.get('dumpkit_version')}: a changed mapping shows as changed records")
    for entity in NEVER_DELETED:
        for (sid,) in con.execute(f"SELECT source_id FROM {qualified('pkg', entity)} WHERE change = 'deleted' "
                                  "ORDER BY source_id").fetchall():
            log.add("delta", entity, sid, "warning", "DELETED_IN_SOURCE_KEPT", None,
                    f"gone from the newer dump; Mystore keeps its {entity} (they are never deleted)")
    return log
