"""`dumpkit load DELTA/ --shop NAME`: a delta package applied through the loader and its id map,
without undoing the shop owner's work.

- The base: a delta names the package it was compared with (the sha256 of its manifest), and a
  shop's ledger remembers every package loaded into it (`remember_package`). A delta whose base
  never went into this shop is refused before anything is sent.
- New records are created, their references resolved through the id map to the Mystore ids the
  base's records got (or to records created earlier in the same run).
- Changed records: for every field that changed, three values - what was sent before (the
  ledger), what Mystore holds now (read back), the newer dump's. Only the dump changed: sent (a
  PATCH of those fields alone). Only Mystore changed (the owner edited it): kept. Both: Mystore's
  kept and a `DELTA_CONFLICT` issue with the three values. `prefer_dump` names the entities whose
  dump values win anyway (`--prefer dump`). Afterwards the ledger holds the dump's values, sent or
  not: the next delta compares with them, so a kept edit is not a conflict again until the dump
  changes that field once more.
- Deleted records: products and categories are set inactive, variants disabled, specials
  switched off (with `delete`, products, categories and manufacturers are deleted; Mystore's
  manufacturers have no inactive state, so without it they stay). Orders, customers and what
  belongs to an order are never deleted: `DELETED_IN_SOURCE_KEPT` says so; so do the other
  deletions that are kept (redirects, images, options).

The loader reads the rows from DELTA/full/ (the newer dump's whole package), cut down to the
delta's new and changed records, their parents and all their children (`apply_set`): a product
comes with all its images and variants, an order with all its lines, so nothing that did not
change is cleared. A record of that context the delta does not name sends nothing.
Applying a delta twice sends nothing the second time: the ledger holds its values.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from ..errors import DumpkitError
from ..load.ledger import Ledger
from ..load.loader import DryRunClient, Loader, Step
from ..load.verify import same
from ..mystore import api
from ..package.schema import ENTITIES, conform, file_name
from ..package.verify import MANIFEST, sha256_file
from .build import FULL
from .report import write_delta_report

# a deleted record of these is switched off: (attribute, value sent)
SWITCH_OFF = {"products": ("status", 0), "categories": ("status", 0), "product_variants": ("disabled", 1),
              "product_specials": ("status", 0)}
DELETABLE = ("products", "categories", "manufacturers")  # deleted with --delete
# children loaded with their parent as one unit (the loader's product and order units)
UNITS = {"products": {"product_variants": "product_source_id", "product_images": "product_source_id"},
         "orders": {"order_lines": "order_source_id", "order_totals": "order_source_id",
                    "order_status_history": "order_source_id"}}
# context that phases read whole: the category tree's depth needs every category, a variant's
# option-value links their option (the loader's option_of)
WHOLE = ("categories", "product_options", "product_option_values")


def prefer_dump(option: str | None) -> tuple[str, ...]:
    """`--prefer dump` (every entity: "*") or `--prefer dump:products,customers` -> the entities
    whose newer dump values win over the owner's edits in Mystore."""
    if option is None:
        return ()
    side, _, names = option.partition(":")
    entities = tuple(n.strip() for n in names.split(",") if n.strip()) if names else ("*",)
    unknown = [e for e in entities if e != "*" and e not in ENTITIES]
    if side.strip() != "dump" or unknown or not entities:
        raise DumpkitError(f"--prefer {option}: expected 'dump' or 'dump:ENTITY,...' with entities of "
                           f"{', '.join(ENTITIES)}" + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    return entities


def is_delta(manifest: dict) -> bool:
    return isinstance(manifest.get("base"), dict) and FULL in manifest


def refuse(out: Path, manifest: dict, ledger: Ledger, *, delete: bool = False, prefer_dump=()) -> None:
    """Before anything is sent: a delta's options on a full package, a delta whose base never went
    into this shop."""
    if not is_delta(manifest):
        if delete or prefer_dump:
            raise DumpkitError(f"{out} is a full package: --delete and --prefer apply to a delta (dumpkit delta)")
        return
    check_base(ledger, out, manifest)


def make_loader(out: Path, manifest: dict, ledger: Ledger, client, *, delete: bool = False, prefer_dump=(),
                **options) -> Loader:
    """The loader for the package at `out` (`refuse` has passed): a delta's, or the loader itself."""
    if not is_delta(manifest):
        return Loader(out, ledger, client, **options)
    return DeltaLoader(out, ledger, client, delete=delete, prefer_dump=prefer_dump, **options)


def loaded(out: Path, manifest: dict, ledger: Ledger) -> None:
    """After a load: the shop has this package (a delta may follow), and a delta's review report
    shows what applying it kept back."""
    remember_package(ledger, out)
    if is_delta(manifest):
        write_delta_report(out)


def remember_package(ledger: Ledger, out: Path) -> None:
    """The shop got this package (a full one or a delta): a delta made against it may follow."""
    sha = sha256_file(Path(out) / MANIFEST)
    loaded = ledger.get_meta("packages") or []
    if sha not in [p["manifest_sha256"] for p in loaded]:
        loaded.append({"manifest_sha256": sha, "path": str(Path(out).resolve()),
                       "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        ledger.set_meta("packages", loaded)


def check_base(ledger: Ledger, out: Path, manifest: dict) -> None:
    base = manifest["base"]
    loaded = {p["manifest_sha256"] for p in ledger.get_meta("packages") or []}
    if base.get("manifest_sha256") not in loaded:
        raise DumpkitError(f"{out} is a delta of the package {base.get('path')}, which was never loaded into shop "
                           f"{ledger.shop!r}: load that package (or the delta before this one) first")


def changes(out: Path) -> dict[tuple[str, str], str]:
    """(entity, source_id) -> new / changed / deleted: every row the delta names."""
    found = {}
    for entity in ENTITIES:
        table = pq.read_table(Path(out) / file_name(entity), columns=["source_id", "change"])
        found.update(((entity, s), c) for s, c in zip(table.column("source_id").to_pylist(),
                                                      table.column("change").to_pylist()))
    return found


def apply_set(out: Path, target: Path) -> Path:
    """The rows the loader reads for the delta: from DELTA/full/, the new and changed records, the
    parents of new and changed children with all their children, and the WHOLE entities."""
    out, full = Path(out), Path(out) / FULL
    target.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        def rel(folder: Path, entity: str) -> str:
            return f"read_parquet({_quote(folder / file_name(entity))})"

        named = {e: f"(SELECT source_id FROM {rel(out, e)} WHERE change <> 'deleted')" for e in ENTITIES}
        keep = {e: f"source_id IN {named[e]}" for e in ENTITIES}
        for parent, children in UNITS.items():
            parents = " UNION ".join([named[parent]] + [f"(SELECT {key} FROM {rel(out, child)} WHERE change <> 'deleted')"
                                                        for child, key in children.items()])
            keep[parent] = f"source_id IN ({parents})"
            for child, key in children.items():
                keep[child] = f"{key} IN (SELECT source_id FROM {rel(full, parent)} WHERE {keep[parent]})"
        for entity in WHOLE:
            keep[entity] = "true"
        for entity in ENTITIES:
            table = con.sql(f"SELECT * FROM {rel(full, entity)} WHERE {keep[entity]}").to_arrow_table()
            pq.write_table(conform(entity, table), target / file_name(entity))
    finally:
        con.close()
    return target


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class DeltaLoader(Loader):
    """The loader with a delta's rules: context rows send nothing, changed fields go through the
    three-way comparison, deletions switch records off."""

    def __init__(self, out: Path, ledger: Ledger, client, *, delete: bool = False, prefer_dump=(), **options):
        self.delta_dir = Path(out)
        self.changes = changes(out)
        self.delete, self.prefer_dump = delete, set(prefer_dump)
        super().__init__(apply_set(out, Path(out) / "load" / "apply"), ledger, client, **options)

    async def put(self, step: Step) -> str | None:
        if step.entity in ENTITIES and (step.entity, step.row["source_id"]) not in self.changes:
            s = self.stats[step.entity]  # context: in the shop already, as the delta leaves it
            s.unchanged += 1
            s.touch()
            return self.ledger.ms_id(step.entity, step.row["source_id"])
        return await super().put(step)

    async def update(self, step: Step, resource: api.Resource, rec, doc: dict, h: str) -> str | None:
        if step.entity not in ENTITIES:  # derived records (option-value links, line options): as the loader does
            return await super().update(step, resource, rec, doc, h)
        return await self.three_way(step, resource, rec, doc, h)

    async def three_way(self, step: Step, resource: api.Resource, rec, doc: dict, h: str) -> str | None:
        entity, sid = step.entity, step.row["source_id"]
        sent = rec.sent or {"attributes": {}, "relationships": {}}
        moved = {part: [n for n in sorted(set(doc[part]) | set(sent[part])) if not same(doc[part].get(n), sent[part].get(n))]
                 for part in ("attributes", "relationships")}
        if not (moved["attributes"] or moved["relationships"]):  # the dump's values are what the ledger holds
            self.stats[entity].unchanged += 1
            self.stats[entity].touch()
            self.ledger.confirm(entity, sid, rec.ms_id, doc, h)
            self._issues(entity, sid, step.issues)
            return rec.ms_id
        if isinstance(self.client, DryRunClient):  # a dry run cannot read the shop: as if the owner changed nothing
            return await super().update(step, resource, rec, doc, h)
        r = await self.client.request("GET", f"{resource.path}/{rec.ms_id}", entity)
        if r.status == 404:
            self.stats[entity].skipped += 1
            self._issues(entity, sid, step.issues + [("warning", "GONE_FROM_MYSTORE", None,
                         f"{entity} {sid} was deleted in Mystore; the delta does not create it again")])
            return None
        if not r.ok:
            self._failed(step, r.details(), doc, h, keep_done=True, code="API_REJECTED_UPDATE")
            return rec.ms_id
        obj = (r.body or {}).get("data") or {}
        now = {"attributes": obj.get("attributes") or {}, "relationships": api.rel_ids(obj)}
        patch: dict[str, dict] = {"attributes": {}, "relationships": {}}
        conflicts = []
        dump_wins = entity in self.prefer_dump or "*" in self.prefer_dump
        for part, names in moved.items():
            for name in names:
                new, old, held = doc[part].get(name), sent[part].get(name), now[part].get(name)
                if same(held, new):
                    continue  # Mystore says what the dump says already
                if dump_wins or same(held, old):
                    patch[part][name] = new if new is not None or part == "attributes" else _cleared(resource, name)
                else:
                    conflicts.append((name, old, held, new))
        if patch["attributes"] or patch["relationships"]:
            r = await self.client.request("PATCH", f"{resource.path}/{rec.ms_id}", entity,
                                          json=api.document(resource, patch["attributes"], patch["relationships"], rec.ms_id))
            if not r.ok:
                self._failed(step, r.details(), doc, h, keep_done=True, code="API_REJECTED_UPDATE")
                return rec.ms_id
            self.stats[entity].updated += 1
        else:
            self.stats[entity].unchanged += 1
        self.stats[entity].touch()
        # the dump's values are the baseline now, sent or kept back in favour of the owner's
        self.ledger.confirm(entity, sid, rec.ms_id, doc, h)
        self._issues(entity, sid, step.issues + [conflict(name, *values) for name, *values in conflicts],
                     decided=moved["attributes"] + moved["relationships"])
        return rec.ms_id

    def _issues(self, entity: str, sid: str, issues: list[tuple], decided=()) -> None:
        """The record's issues, with the conflicts found before on fields not `decided` again: the
        owner's value is still kept, so the delta applied again still reports them."""
        if sid in self._issued.get(entity, ()):
            issues = issues + [tuple(r) for r in self.ledger.db.execute(
                "SELECT level, code, field, message FROM issues WHERE entity=? AND source_id=? AND code='DELTA_CONFLICT' "
                "ORDER BY rowid", [entity, sid]) if r[2] not in decided]
        super()._issues(entity, sid, issues)

    async def run(self, groups: list[str]) -> None:
        await super().run(groups)
        await self.deletions(groups)

    async def deletions(self, groups: list[str]) -> None:
        from ..load.loader import GROUPS

        wanted = {e for g in groups for e in GROUPS[g]}
        for entity in reversed(list(ENTITIES)):  # children before their parents
            gone = sorted(sid for (e, sid), c in self.changes.items() if e == entity and c == "deleted")
            if entity not in wanted:
                continue
            for sid in gone:
                await self.deleted(entity, sid)

    async def deleted(self, entity: str, sid: str) -> None:
        rec = self.ledger.get(entity, sid)
        s = self.stats[entity]
        s.touch()
        if rec is None or rec.state != "done":
            return  # never in the shop: nothing to undo
        resource = api.RESOURCES.get(entity)
        if self.delete and entity in DELETABLE:
            r = await self.client.request("DELETE", f"{resource.path}/{rec.ms_id}", entity, write=True)
            if r.ok or r.status == 404:
                forget(self.ledger, entity, sid)
                s.updated += 1
                self._issues(entity, sid, [("info", "DELETED", None, "deleted in the source; deleted in Mystore (--delete)")])
            else:
                self._failed(Step(entity, {"source_id": sid}), r.details(), None, None, keep_done=True,
                             code="API_REJECTED_DELETE")
            return
        if entity in SWITCH_OFF and resource is not None:
            name, value = SWITCH_OFF[entity]
            sent = rec.sent or {"attributes": {}, "relationships": {}}
            doc = {"attributes": {**sent["attributes"], name: value}, "relationships": dict(sent["relationships"])}
            step = Step(entity, {"source_id": sid}, issues=[("info", "DELETED_IN_SOURCE_SWITCHED_OFF", name,
                                                             f"deleted in the source: {name} {value} in Mystore")])
            await self.three_way(step, resource, rec, doc, _digest(doc))
            return
        why = ("Mystore keeps orders and customers (they are never deleted)" if entity in ("orders", "customers")
               else "part of an order, which Mystore keeps" if entity.startswith("order_")
               else "Mystore's manufacturers have no inactive state: deleted only with --delete" if entity == "manufacturers"
               else "kept in Mystore")
        s.skipped += 1
        self._issues(entity, sid, [("warning" if entity in ("orders", "customers") else "info",
                                    "DELETED_IN_SOURCE_KEPT", None, f"deleted in the source; {why}")])


def conflict(name: str, sent, held, new) -> tuple:
    return ("warning", "DELTA_CONFLICT", name,
            f"{name}: changed in Mystore and in the newer dump; Mystore's value kept (first sent "
            f"{_show(sent)}, in Mystore now {_show(held)}, in the newer dump {_show(new)})")


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _cleared(resource: api.Resource, name: str):
    return [] if any(r.api == name and r.many for r in resource.rels) else None


def _digest(doc: dict) -> str:
    from ..load.ledger import digest

    return digest(doc)


def forget(ledger: Ledger, entity: str, sid: str) -> None:
    """The record is no longer in the shop: its source id no longer resolves, and a later delta
    that brings it back creates it again."""
    ledger.db.execute("UPDATE records SET state='deleted', updated_at=? WHERE entity=? AND source_id=?",
                      [time.time(), entity, sid])
