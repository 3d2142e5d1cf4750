"""`dumpkit load`: a load package into a Mystore shop, exactly once and resumable.

Order: the package's dependency order (categories by depth, parents first). A product travels
as a unit (its images uploaded first so that the create carries their file names, then the
product, its option-value links and its variants), so does an order (lines, their options,
totals, status history). Units run concurrently under the client's one rate limiter.

Each record, against the ledger:
- confirmed before, same values      -> nothing is sent (unchanged)
- confirmed before, values changed   -> PATCH of the changed fields (updated)
- create sent but never confirmed    -> looked up by its natural key first; created only if absent
- refused before with the same values -> not sent again (failed, the API's reason in the issues)
- a parent that is not in the shop   -> left out with the reason (skipped); never a dangling link
- otherwise                          -> created, relationships inside the create

With --batch, new units go through atomic-batch (one request per product or order with all
its children) and new single records through non-atomic-batch, in the shapes api.py guesses.
"""
from __future__ import annotations

import asyncio
import json
import math
import os
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from ..errors import DumpkitError
from ..mystore import api
from . import package
from .client import GaveUp, MystoreClient, Response, Unauthorized, Unconfirmed
from .images import ImageMissing, ImageSource
from .ledger import Ledger, digest

# what --only picks, and the ledger entities each brings along (in load order)
GROUPS: dict[str, list[str]] = {
    "tax_classes": ["tax_classes"],
    "manufacturers": ["manufacturers"],
    "categories": ["categories"],
    "products": ["product_options", "product_option_values", "products", "product_images", "product_attributes",
                 "product_variants", "product_specials"],
    "customers": ["customers"],
    "orders": ["orders", "order_lines", "order_line_attributes", "order_totals", "order_status_history"],
    "redirects": ["redirects"],
}
LEDGER_ENTITIES = [e for g in GROUPS.values() for e in g]
IMAGE_OF = {"manufacturers": "manufacturer_images", "categories": "category_images"}


@dataclass
class EntityStats:
    entity: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    requests: int = 0
    first: float | None = None
    last: float | None = None

    @property
    def seconds(self) -> float:
        return 0.0 if self.first is None else self.last - self.first

    def touch(self) -> None:
        now = time.monotonic()
        self.first = now if self.first is None else self.first
        self.last = now


@dataclass
class LoadResult:
    shop: str
    stats: dict[str, EntityStats]
    requests: int
    seconds: float
    throttled: list[float]
    retries: int
    planned: int
    dry_run: bool
    batch: bool
    rate_per_minute: float
    ledger: Path | None
    backup: Path | None
    issues_file: Path
    requests_file: Path | None = None
    by_status: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"shop": self.shop, "requests": self.requests, "seconds": round(self.seconds, 3),
                "throttled": len(self.throttled), "retries": self.retries, "dry_run": self.dry_run,
                "batch": self.batch, "rate_per_minute": self.rate_per_minute,
                "entities": [{"entity": s.entity, "created": s.created, "updated": s.updated,
                              "unchanged": s.unchanged, "failed": s.failed, "skipped": s.skipped,
                              "requests": s.requests, "seconds": round(s.seconds, 3)} for s in self.stats.values()]}


@dataclass
class Step:
    """One record of a unit: the entity, its row (package or derived), image file names."""
    entity: str
    row: dict
    uploads: dict | None = None
    issues: list = field(default_factory=list)


class DryRunClient:
    """Sends nothing: every request goes to OUT/load/requests.jsonl and gets a made-up answer."""

    def __init__(self, path: Path):
        self.file = open(path, "w", encoding="utf-8")
        self.counter = 0
        self.on_request = None
        self.stats = type("S", (), {"requests": 0, "throttled": [], "retries": 0, "by_status": {}})()

    def _id(self) -> str:
        self.counter += 1
        return f"dry-run:{self.counter}"

    async def request(self, method: str, path: str, entity: str | None = None, *, write: bool = False,
                      json: object = None, params: dict | None = None, files: dict | None = None, **_) -> Response:
        body = json if files is None else {"multipart": {k: v[0] for k, v in files.items()}}
        self.file.write(_dumps({"method": method, "path": path, "params": params, "body": body, "entity": entity}) + "\n")
        self.stats.requests += 1
        if self.on_request:
            self.on_request(entity)
        if method == "GET":
            return Response(200, {"data": [], "links": {}}, {})
        if path == api.IMAGE_UPLOAD_PATH:
            return Response(201, {"data": {"attributes": {"filename": f"{self._id()}.jpg"}}}, {})
        if path in (api.ATOMIC_BATCH_PATH, api.NON_ATOMIC_BATCH_PATH):
            return Response(200, [{"status": 201, "body": {"data": {"id": self._id()}}} for _ in json], {})
        data = (json or {}).get("data", {})
        return Response(201 if method == "POST" else 200, {"data": {**data, "id": data.get("id") or self._id()}}, {})

    async def aclose(self) -> None:
        self.file.close()


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str, sort_keys=False)


class Loader:
    def __init__(self, out: Path, ledger: Ledger, client, *, images: ImageSource | None, batch: bool,
                 concurrency: int, retry_failed: bool, on_progress: Callable | None = None):
        self.out, self.ledger, self.client = Path(out), ledger, client
        self.images, self.batch, self.concurrency = images, batch, concurrency
        self.retry_failed = retry_failed
        self.stats = {e: EntityStats(e) for e in LEDGER_ENTITIES}
        self.statuses: dict[str, str] | None = None
        self._status_lock = asyncio.Lock()
        self.on_progress = on_progress
        self.client.on_request = self._counted
        self._issued = {e: set(ledger.issues(e)) for e in LEDGER_ENTITIES + list(IMAGE_OF.values())}
        self.option_of: dict[str, str] = {}

    def _counted(self, entity: str | None) -> None:
        if entity in self.stats:
            self.stats[entity].requests += 1
        if self.on_progress:
            self.on_progress(entity)

    # ------------------------------------------------------------ bookkeeping
    def _issues(self, entity: str, sid: str, issues: list[tuple]) -> None:
        """Replace the record's load issues in the ledger (written only when there are or were some)."""
        had = sid in self._issued.get(entity, set())
        if issues or had:
            self.ledger.set_issues(entity, sid, issues)
            (self._issued.setdefault(entity, set()).add if issues else self._issued[entity].discard)(sid)

    def _skip(self, step: Step, reason: str) -> None:
        s = self.stats[step.entity]
        s.skipped += 1
        s.touch()
        self._issues(step.entity, step.row["source_id"],
                     step.issues + [("error", "PARENT_NOT_LOADED", None, reason)])

    def _failed(self, step: Step, details: list[str], doc: dict | None, h: str | None, keep_done: bool = False,
                code: str = "API_REJECTED") -> None:
        s = self.stats[step.entity]
        s.failed += 1
        s.touch()
        message = "; ".join(details)
        self.ledger.fail(step.entity, step.row["source_id"], message, doc, h, keep_done)
        self._issues(step.entity, step.row["source_id"], step.issues + [("error", code, None, message)])

    # ------------------------------------------------------------ references
    async def status_id(self, name: str) -> str | None:
        """The shop's order status of that name: read once (GET order-status), kept in the ledger
        so a rerun sends nothing; read again when a name is not among them."""
        async with self._status_lock:
            if self.statuses is None:
                self.statuses = self.ledger.get_meta("order_statuses") or {}
                if isinstance(self.client, DryRunClient):
                    self.statuses = _AnyStatus()
            if name not in self.statuses and not isinstance(self.statuses, _AnyStatus):
                fresh = {}
                async for obj in self.list_all(api.ORDER_STATUS, entity="orders"):
                    fresh.setdefault(str(api.status_name(obj.get("attributes") or {})), str(obj["id"]))
                self.statuses = fresh
                self.ledger.set_meta("order_statuses", fresh)
        return self.statuses.get(name)

    async def list_all(self, resource: api.Resource, params: dict | None = None, entity: str | None = None):
        number = 1
        while True:
            r = await self.client.request("GET", resource.path, entity,
                                          params={**(params or {}), **api.page_params(number)})
            if r.status == 404 and number > 1:
                return
            if not r.ok:
                raise DumpkitError(f"GET {resource.path}: " + "; ".join(r.details()))
            for obj in (r.body or {}).get("data") or []:
                yield obj
            if not ((r.body or {}).get("links") or {}).get("next"):
                return
            number += 1

    async def resolve(self, step: Step, resource: api.Resource, local: dict | None = None) -> tuple[dict | None, str | None]:
        """Relationships as Mystore ids ({"lid": ...} for a record created earlier in the same
        batch), or None and the reason a parent is missing."""
        rels: dict = {}
        for rel in resource.rels:
            value = step.row.get(rel.column)
            values = list(value or []) if rel.many else ([] if value is None else [value])
            if not values:
                continue
            ids = []
            for v in values:
                if rel.target == "order_status":
                    ms = await self.status_id(v)
                    if ms is None:
                        return None, (f"order status {v!r} does not exist in the shop: create it in the control "
                                      f"panel (Innstillinger > Ordrestatus) or map it with --value-map, then load again")
                elif local is not None and (rel.target, v) in local:
                    ms = api.batch_local(local[(rel.target, v)])
                else:
                    ms = self.ledger.ms_id(rel.target, v)
                    if ms is None:
                        state = self.ledger.state(rel.target, v)
                        why = {"failed": "was refused by the API", "sending": "is not confirmed"}.get(
                            state, "is not in the shop (not loaded)")
                        return None, f"{rel.target} {v} ({rel.api}) {why}"
                ids.append(ms)
            rels[rel.api] = ids if rel.many else ids[0]
        return rels, None

    async def desired(self, step: Step, local: dict | None = None) -> tuple[dict | None, str | None]:
        resource = api.RESOURCES[step.entity]
        rels, problem = await self.resolve(step, resource, local)
        if problem:
            return None, problem
        attrs, filled = api.attributes(step.entity, step.row, step.uploads)
        for name in filled:
            step.issues.append(("warning", "PLACEHOLDER_SENT", name,
                                f"{name} is required by Mystore and empty in the package: "
                                f"'{api.CUSTOMER_ADDRESS_PLACEHOLDER}' sent"))
        return {"attributes": attrs, "relationships": rels}, None

    # ------------------------------------------------------------ one record
    async def put(self, step: Step) -> str | None:
        """Make the shop hold this record as the package has it; its Mystore id, or None."""
        entity, sid = step.entity, step.row["source_id"]
        resource = api.RESOURCES[entity]
        doc, problem = await self.desired(step)
        if problem:
            self._skip(step, problem)
            return None
        h = digest(doc)
        rec = self.ledger.get(entity, sid)
        s = self.stats[entity]
        if rec is not None and rec.state == "sending":
            sent = _unlid(rec.sent, doc)
            found = await self.lookup(resource, sent, entity)
            if found is not None:
                self.ledger.confirm(entity, sid, found, sent, digest(sent))
                rec = self.ledger.get(entity, sid)
        if rec is not None and rec.state == "done":
            if rec.sent_hash == h:
                s.unchanged += 1
                s.touch()
                self._issues(entity, sid, step.issues)
                return rec.ms_id
            return await self.update(step, resource, rec, doc, h)
        if rec is not None and rec.state == "failed" and rec.sent_hash == h and not self.retry_failed:
            s.failed += 1
            s.touch()
            self._issues(entity, sid, step.issues + [("error", "API_REJECTED", None, rec.last_error or "refused")])
            return None
        return await self.create(step, resource, doc, h)

    async def create(self, step: Step, resource: api.Resource, doc: dict, h: str) -> str | None:
        entity, sid = step.entity, step.row["source_id"]
        self.ledger.sending([(entity, sid, doc, h)])
        body = api.document(resource, doc["attributes"], doc["relationships"])
        try:
            r = await self.client.request("POST", resource.path, entity, write=True, json=body)
        except Unconfirmed:
            r = None  # the create may have happened: look before creating again, with backoff
        if r is None:
            try:
                async for attempt in AsyncRetrying(retry=retry_if_exception_type(Unconfirmed), reraise=True,
                                                   wait=wait_random_exponential(multiplier=0.5, max=30),
                                                   stop=stop_after_attempt(8)):
                    with attempt:
                        found = await self.lookup(resource, doc, entity)
                        if found is not None:
                            return self._created(step, found, doc, h)
                        r = await self.client.request("POST", resource.path, entity, write=True, json=body)
            except Unconfirmed as e:
                raise GaveUp(f"POST {resource.path}: {e}") from None
        if r.ok:
            return self._created(step, str(((r.body or {}).get("data") or {}).get("id")), doc, h)
        self._failed(step, r.details(), doc, h)
        return None

    def _created(self, step: Step, ms_id: str, doc: dict, h: str) -> str:
        self.ledger.confirm(step.entity, step.row["source_id"], ms_id, doc, h)
        s = self.stats[step.entity]
        s.created += 1
        s.touch()
        self._issues(step.entity, step.row["source_id"], step.issues)
        return ms_id

    async def update(self, step: Step, resource: api.Resource, rec, doc: dict, h: str) -> str | None:
        old = rec.sent or {"attributes": {}, "relationships": {}}
        attrs = {k: v for k, v in doc["attributes"].items() if old["attributes"].get(k) != v}
        attrs.update({k: None for k in old["attributes"] if k not in doc["attributes"]})
        rels = {k: v for k, v in doc["relationships"].items() if old["relationships"].get(k) != v}
        for k in old["relationships"]:
            if k not in doc["relationships"]:
                rels[k] = [] if any(r.api == k and r.many for r in resource.rels) else None
        r = await self.client.request("PATCH", f"{resource.path}/{rec.ms_id}", step.entity,
                                      json=api.document(resource, attrs, rels, rec.ms_id))
        s = self.stats[step.entity]
        if not r.ok:
            self._failed(step, r.details(), doc, h, keep_done=True, code="API_REJECTED_UPDATE")
            return rec.ms_id
        self.ledger.confirm(step.entity, step.row["source_id"], rec.ms_id, doc, h)
        s.updated += 1
        s.touch()
        self._issues(step.entity, step.row["source_id"], step.issues)
        return rec.ms_id

    async def lookup(self, resource: api.Resource, doc: dict, entity: str) -> str | None:
        """The record in the shop that an unconfirmed create made, by its natural key: one that
        matches and is not already another record's in the id map."""
        key = {}
        for name in resource.natural_key:
            value = doc["attributes"].get(name, doc["relationships"].get(name))
            if isinstance(value, dict):
                value = value.get(api.MAIN_LANGUAGE)
            if isinstance(value, list):
                value = value[0] if value else None
            if value is None:
                return None
            key[name] = str(value)
        async for obj in self.list_all(resource, api.filter_params(key), entity):
            if not self.ledger.is_mapped(entity, str(obj["id"])):
                return str(obj["id"])
        return None

    # ------------------------------------------------------------ units
    async def run_unit(self, steps: list[Step]) -> None:
        """Steps in order; a step whose parent did not make it is skipped with the reason."""
        if self.batch and len(steps) > 1 and await self.try_atomic(steps):
            return
        for step in steps:
            await self.put(step)

    async def try_atomic(self, steps: list[Step]) -> bool:
        """The whole unit in one atomic-batch request, when all of it is new. False: do it record by record."""
        if len(steps) > api.BATCH_MAX_OPERATIONS or any(self.ledger.get(s.entity, s.row["source_id"]) for s in steps):
            return False
        local: dict = {}
        ops, items = [], []
        for i, step in enumerate(steps):
            doc, problem = await self.desired(step, local)
            if problem:
                return False
            resource = api.RESOURCES[step.entity]
            lid = f"op{i}"
            local[(step.entity, step.row["source_id"])] = lid
            ops.append(api.batch_operation(resource, api.document(resource, doc["attributes"], doc["relationships"]), lid))
            items.append((step.entity, step.row["source_id"], doc, digest(doc)))
        return await self._send_batch(api.ATOMIC_BATCH_PATH, steps, ops, items, atomic=True)

    async def _send_batch(self, path: str, steps: list[Step], ops: list, items: list, atomic: bool) -> bool:
        self.ledger.sending(items)
        try:
            r = await self.client.request("POST", path, steps[0].entity, write=True, json=ops)
        except Unconfirmed:
            return False  # record by record: each is looked up before it is created again
        results = api.batch_results(r.body) if r.ok else []
        if not r.ok or len(results) != len(steps):
            with self.ledger.transaction():  # refused as a whole: nothing was created
                for entity, sid, _, _ in items:
                    self.ledger.db.execute("DELETE FROM records WHERE entity=? AND source_id=? AND state='sending'",
                                           [entity, sid])
            return False
        ids = {op["lid"]: str(((res.get("body") or {}).get("data") or {}).get("id")) for op, res in zip(ops, results)}
        with self.ledger.transaction():  # no await in here: one commit for the whole batch
            for step, (entity, sid, doc, h), result in zip(steps, items, results):
                if 200 <= int(result.get("status", 0)) < 300:
                    doc = _with_ids(doc, ids)
                    self._created(step, str(result["body"]["data"]["id"]), doc, digest(doc))
                else:
                    self._failed(step, api.error_details(result.get("body")) or [f"HTTP {result.get('status')}"],
                                 doc, h)
        return True

    async def run_singles(self, steps: list[Step]) -> None:
        """Independent records: with --batch, new ones go through non-atomic-batch in groups."""
        if not self.batch:
            await self.pool((self.put(s) for s in steps))
            return
        fresh, rest = [], []
        for s in steps:
            (rest if self.ledger.get(s.entity, s.row["source_id"]) else fresh).append(s)
        groups = [fresh[i:i + api.BATCH_MAX_OPERATIONS] for i in range(0, len(fresh), api.BATCH_MAX_OPERATIONS)]

        async def group(chunk: list[Step]) -> None:
            ops, items, ready = [], [], []
            for step in chunk:
                doc, problem = await self.desired(step)
                if problem:
                    self._skip(step, problem)
                    continue
                resource = api.RESOURCES[step.entity]
                ops.append(api.batch_operation(resource, api.document(resource, doc["attributes"],
                                                                      doc["relationships"]), f"op{len(ops)}"))
                items.append((step.entity, step.row["source_id"], doc, digest(doc)))
                ready.append(step)
            if ready and not await self._send_batch(api.NON_ATOMIC_BATCH_PATH, ready, ops, items, atomic=False):
                for step in ready:
                    step.issues = [i for i in step.issues if i[1] != "PLACEHOLDER_SENT"]
                    await self.put(step)

        await self.pool([group(g) for g in groups] + [self.put(s) for s in rest])

    async def pool(self, coros) -> None:
        """Run coroutines with at most `concurrency` at a time (a bounded window over a stream)."""
        pending: set[asyncio.Task] = set()
        for coro in coros:
            if len(pending) >= self.concurrency * 2:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for t in done:
                    t.result()
            pending.add(asyncio.ensure_future(coro))
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            for t in done:
                if t.exception():
                    for p in pending:
                        p.cancel()
                    t.result()

    # ------------------------------------------------------------ images
    async def upload(self, entity: str, sid: str, source_url: str, issues: list) -> str | None:
        """The Mystore file name of an image: from the ledger, or fetched and uploaded now."""
        rec = self.ledger.get(entity, sid)
        h = digest({"source_url": source_url})
        if rec is not None and rec.state == "done" and rec.sent_hash == h:
            self.stats.get(entity, EntityStats(entity)).unchanged += 1
            return rec.ms_id
        if self.images is None:
            issues.append(("info", "IMAGES_NOT_LOADED", "source_url",
                           f"image {source_url} not uploaded: no --images-from given"))
            return rec.ms_id if rec is not None and rec.state == "done" else None
        try:
            name, data = await self.images.fetch(source_url)
        except ImageMissing as e:
            issues.append(("warning", "IMAGE_MISSING", "source_url", str(e)))
            return None
        mime = api.IMAGE_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
        r = await self.client.request("POST", api.IMAGE_UPLOAD_PATH, entity if entity in self.stats else None,
                                      json=None, files={api.IMAGE_FIELD: (name, data, mime)},
                                      headers={"Accept": api.PLAIN_JSON})
        filename = api.uploaded_file_name(r.body) if r.ok else None
        if filename is None:
            issues.append(("warning", "IMAGE_REJECTED", "source_url",
                           f"image {source_url}: " + "; ".join(r.details() if not r.ok else ["no file name returned"])))
            return None
        self.ledger.confirm(entity, sid, filename, {"source_url": source_url}, h)
        if entity in self.stats:
            self.stats[entity].created += 1
            self.stats[entity].touch()
        return filename

    async def with_image(self, step: Step) -> Step:
        url = step.row.get("image_source_url")
        if url:
            name = await self.upload(IMAGE_OF[step.entity], step.row["source_id"], url, step.issues)
            if name:
                step.uploads = {"image": name}
        return step

    # ------------------------------------------------------------ phases
    async def phase_singles(self, entity: str) -> None:
        steps = []

        async def flush():
            if steps:
                await self.run_singles(list(steps))
                steps.clear()
        for row in package.rows(self.out, entity):
            step = Step(entity, row)
            if entity in IMAGE_OF:
                await self.with_image(step)
            steps.append(step)
            if len(steps) >= 5000:
                await flush()
        await flush()

    async def phase_categories(self) -> None:
        rows = list(package.rows(self.out, "categories"))
        by_id = {r["source_id"]: r for r in rows}
        depth: dict[str, int] = {}

        def level(sid: str, seen=()) -> int:
            if sid not in depth:
                parent = by_id[sid].get("parent_source_id")
                depth[sid] = 0 if parent not in by_id or parent in seen else level(parent, seen + (sid,)) + 1
            return depth[sid]
        for lvl in sorted({level(sid) for sid in by_id}):
            steps = [await self.with_image(Step("categories", r)) for r in rows if level(r["source_id"]) == lvl]
            await self.run_singles(steps)

    async def phase_products(self) -> None:
        self.option_of = {r["source_id"]: r["option_source_id"] for r in package.rows(self.out, "product_option_values")}
        units = package.with_children(self.out, "products", {
            "variants": ("product_variants", "product_source_id"),
            "images": ("product_images", "product_source_id")})
        await self.pool(self.product_unit(p, kids) for p, kids in units)

    async def product_unit(self, product: dict, kids: dict) -> None:
        pid = product["source_id"]
        uploads: dict[str, str] = {}
        variant_images: dict[str, str] = {}
        # a variant's image goes on the option-value link of its first value: one image per link
        first_value = {v["source_id"]: f"{pid}/{v['option_value_source_ids'][0]}" for v in kids["variants"]}
        claimed: set[str] = set()
        image_issues: list = []
        for img in kids["images"]:
            step = Step("product_images", img)
            position = img["position"]
            variant = img.get("variant_source_id")
            why = None
            if variant is None and position > len(api.IMAGE_SLOTS):
                why = ("IMAGE_SLOT_LIMIT", f"Mystore keeps {len(api.IMAGE_SLOTS)} images per product; "
                                           f"position {position} is not loaded")
            elif variant is not None and (position != 1 or first_value.get(variant) in claimed):
                why = ("VARIANT_IMAGE_NOT_LOADED", "Mystore keeps one image per option value of a product "
                                                   "(product-attributes.image); this one has no place")
            if why:
                image_issues.append((img["source_id"], [("info", why[0], "position", why[1])]))
                self.stats["product_images"].skipped += 1
                continue
            if variant is not None:
                claimed.add(first_value.get(variant))
            name = await self.upload("product_images", img["source_id"], img["source_url"], step.issues)
            image_issues.append((img["source_id"], step.issues))
            if name is None:
                self.stats["product_images"].skipped += 1
                continue
            if img.get("variant_source_id") is None:
                uploads[api.IMAGE_SLOTS[position - 1]] = name
            else:
                variant_images[img["variant_source_id"]] = name
        with self.ledger.transaction():  # no await in here
            for sid, issues in image_issues:
                self._issues("product_images", sid, issues)
        steps = [Step("products", product, uploads)]
        attributes: dict[str, Step] = {}
        variants = []
        for v in kids["variants"]:
            values = list(v["option_value_source_ids"])
            diff = Decimal(v["price_difference"] or 0)
            ids = []
            for n, value in enumerate(values):
                aid = f"{pid}/{value}"
                ids.append(aid)
                surcharge = diff if n == 0 else Decimal(0)
                if aid not in attributes:
                    row = {"source_id": aid, "product_source_id": pid, "option_source_id": self.option_of.get(value),
                           "option_value_source_id": value, "option_values_price": abs(surcharge),
                           "option_values_price_prefix": "-" if surcharge < 0 else "+"}
                    attributes[aid] = Step("product_attributes", row)
                elif n == 0 and Decimal(attributes[aid].row["option_values_price"]) != abs(surcharge):
                    attributes[aid].issues.append((
                        "warning", "VARIANT_PRICE_NOT_SPLIT", "price_difference",
                        f"variants of product {pid} with option value {value} differ in price; Mystore keeps one "
                        f"surcharge per value, {attributes[aid].row['option_values_price_prefix']}"
                        f"{attributes[aid].row['option_values_price']} was sent"))
            variants.append(Step("product_variants", {**v, "attribute_source_ids": ids}))
        for variant, name in variant_images.items():
            if first_value.get(variant) in attributes:
                attributes[first_value[variant]].uploads = {"image": name}
        await self.run_unit(steps + list(attributes.values()) + variants)

    async def phase_orders(self) -> None:
        units = package.with_children(self.out, "orders", {
            "lines": ("order_lines", "order_source_id"), "totals": ("order_totals", "order_source_id"),
            "history": ("order_status_history", "order_source_id")})
        await self.pool(self.order_unit(o, kids) for o, kids in units)

    async def order_unit(self, order: dict, kids: dict) -> None:
        steps = [Step("orders", order)]
        for line in kids["lines"]:
            steps.append(Step("order_lines", line))
            for option, value in (line.get("options") or {}).items():
                steps.append(Step("order_line_attributes", {
                    "source_id": f"{line['source_id']}/{option}", "order_line_source_id": line["source_id"],
                    "option": option, "value": value}))
        steps += [Step("order_totals", t) for t in kids["totals"]]
        steps += [Step("order_status_history", h) for h in kids["history"]]
        await self.run_unit(steps)

    async def run(self, groups: list[str]) -> None:
        for group in groups:
            if group == "categories":
                await self.phase_categories()
            elif group == "products":
                await self.phase_singles("product_options")
                await self.phase_singles("product_option_values")
                await self.phase_products()
                await self.phase_singles("product_specials")
            elif group == "orders":
                await self.phase_orders()
            else:
                await self.phase_singles(group)


def _with_ids(doc: dict, ids: dict[str, str]) -> dict:
    """A batch document with its batch-local references replaced by the ids they got."""
    def one(v):
        return ids[v["lid"]] if isinstance(v, dict) and "lid" in v else v
    rels = {k: [one(x) for x in v] if isinstance(v, list) else one(v) for k, v in doc["relationships"].items()}
    return {"attributes": doc["attributes"], "relationships": rels}


def _unlid(sent: dict | None, doc: dict) -> dict:
    """What an unconfirmed create sent, with batch-local references taken from `doc` (by now
    its parents are confirmed and have ids)."""
    if sent is None:
        return doc
    def has_lid(v):
        return isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict) for x in v))
    rels = {k: doc["relationships"].get(k) if has_lid(v) else v for k, v in sent["relationships"].items()}
    return {"attributes": sent["attributes"], "relationships": rels}


class _AnyStatus(dict):
    """A dry run does not know the shop's statuses: every name gets a made-up id."""

    def get(self, name, default=None):
        return f"dry-run:status:{name}"


def resolve_groups(only: list[str] | None) -> list[str]:
    groups = list(GROUPS) if not only else [g.strip() for g in only if g.strip()]
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise DumpkitError(f"unknown entity {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
    return [g for g in GROUPS if g in groups]


def planned_requests(out: Path, ledger: Ledger, groups: list[str], batch: bool, images: bool) -> dict[str, int]:
    """Requests still to send per entity, from the package and what the ledger has confirmed
    (unchanged records cost nothing). The ETA's numerator; refined as the load goes."""
    plan: dict[str, int] = {}
    counts = {e: package.count(out, e) for e in
              ("tax_classes", "manufacturers", "categories", "product_options", "product_option_values", "products",
               "product_variants", "product_images", "product_specials", "customers", "orders", "order_lines",
               "order_totals", "order_status_history", "redirects")}
    for g in groups:
        for e in GROUPS[g]:
            n = counts.get(e, 0)
            if e == "product_attributes":
                n = counts["product_variants"]  # about one per variant (shared values make it fewer)
            if e == "order_line_attributes":
                n = counts["order_lines"]
            if e == "product_images" and not images:
                n = 0
            left = max(0, n - ledger.count_done(e))
            if batch and e in ("products", "orders"):
                plan[e] = left
            elif batch and e in GROUPS["products"] + GROUPS["orders"]:
                plan[e] = left if e == "product_images" else 0
            elif batch:
                plan[e] = math.ceil(left / api.BATCH_MAX_OPERATIONS)
            else:
                plan[e] = left
    return plan


def write_load_issues(out: Path, ledger: Ledger, shop: str) -> Path:
    """OUT/load/issues.jsonl: the load issues of this package's records (phase 'load'), from the
    ledger, so a rerun with --only never drops what an earlier run found. Written atomically;
    the package's own files are never touched (their checksums stay valid)."""
    target = Path(out) / "load" / "issues.jsonl"
    tmp = target.with_name("issues.jsonl.partial")
    # derived records belong to the package record they come from: <parent source id>/<suffix>
    derived = {"product_attributes": "products", "order_line_attributes": "order_lines",
               "manufacturer_images": "manufacturers", "category_images": "categories"}
    with open(tmp, "w", encoding="utf-8") as f:
        for entity in LEDGER_ENTITIES + list(IMAGE_OF.values()):
            issues = ledger.issues(entity)
            if not issues:
                continue
            ids = set(package.source_ids(out, derived.get(entity, entity)))
            for sid, items in issues.items():
                if entity in ("product_attributes", "order_line_attributes"):  # ids and names may hold '/'
                    mine = any(sid[:i] in ids for i, c in enumerate(sid) if c == "/")
                else:
                    mine = sid in ids
                if not mine:
                    continue  # another package's record in the same shop
                for level, code, fld, message in items:
                    f.write(_dumps({"phase": "load", "entity": entity, "source_id": sid, "level": level,
                                    "code": code, "field": fld, "message": message, "shop": shop}) + "\n")
    os.replace(tmp, target)
    return target


def load(out: Path, shop: str, **options):
    """Load the package at `out` into the shop, under the package's lock (a
    migration into the same folder waits its turn: BusyError); see _load_locked."""
    from ..lock import hold_lock

    with hold_lock(Path(out)):
        return _load_locked(Path(out), shop, **options)


def _load_locked(out: Path, shop: str, *, token: str | None, api_url: str = api.DEFAULT_API_URL,
         state_dir: Path | None = None, only: list[str] | None = None, images_from: str | None = None,
         dry_run: bool = False, batch: bool = False, rate_per_minute: float = api.RATE_LIMIT_PER_MINUTE,
         concurrency: int = 8, retry_failed: bool = False, progress: bool = True,
         progress_every: float = 30.0, delete: bool = False, prefer_dump=()) -> LoadResult:
    """Load the package at `out` into the shop; see the module docstring. A delta package
    (dumpkit delta) is applied by dumpkit/delta/apply.py's rules: `delete`, `prefer_dump`."""
    from ..delta import apply as delta
    from .ledger import ledger_path
    from .progress import LoadProgress

    out = Path(out)
    manifest = package._check_package(out)
    groups = resolve_groups(only)
    if not dry_run and not token:
        raise DumpkitError("no API token: set MYSTORE_TOKEN or give --token-file (a Personal Access Token "
                           "made at auth.mystore.no with write scopes)")
    if images_from is not None and "://" not in str(images_from) and not Path(images_from).is_dir():
        raise DumpkitError(f"--images-from {images_from}: not a folder or an http(s) URL")
    path = ledger_path(state_dir, shop)
    ledger = Ledger.open(path, shop, memory=dry_run)
    try:
        delta.refuse(out, manifest, ledger, delete=delete, prefer_dump=prefer_dump)
    except DumpkitError:
        ledger.close()
        raise
    backup = None if dry_run else ledger.backup()
    (out / "load").mkdir(exist_ok=True)
    requests_file = out / "load" / "requests.jsonl" if dry_run else None
    images = ImageSource(images_from) if images_from is not None and not dry_run else None
    start = time.monotonic()

    async def main() -> tuple:
        client = (DryRunClient(requests_file.with_name("requests.jsonl.partial")) if dry_run else
                  MystoreClient(api.shop_base_url(api_url, shop), token, rate_per_minute, concurrency))
        plan = planned_requests(out, ledger, groups, batch, images is not None)
        loader = delta.make_loader(out, manifest, ledger, client, delete=delete, prefer_dump=prefer_dump,
                                   images=images, batch=batch, concurrency=concurrency, retry_failed=retry_failed)
        if dry_run and images_from is not None:
            loader.images = _DryImages()
        bar = LoadProgress(plan, client.stats.rate if not dry_run else (lambda: 0.0),
                           enabled=progress and not dry_run, every=progress_every)
        loader.on_progress = bar.tick
        try:
            with bar:
                await loader.run(groups)
        except Unauthorized as e:
            raise DumpkitError(f"the API refused the token ({client.redact(str(e))}): make a new Personal Access "
                               f"Token with write scopes for {shop}") from None
        except GaveUp as e:
            raise DumpkitError(f"the API stopped answering ({client.redact(str(e)) if hasattr(client, 'redact') else e}); "
                               f"everything confirmed is in the ledger: run the same command again to continue") from None
        finally:
            await client.aclose()
            if images is not None:
                await images.aclose()
        return loader, client, plan

    try:
        loader, client, plan = asyncio.run(main())
        if dry_run:
            os.replace(requests_file.with_name("requests.jsonl.partial"), requests_file)
        issues_file = write_load_issues(out, ledger, shop)
        if not dry_run:
            delta.loaded(out, manifest, ledger)
    finally:
        ledger.close()
    st = client.stats
    result = LoadResult(shop, {e: s for e, s in loader.stats.items() if any(e in GROUPS[g] for g in groups)},
                        st.requests, time.monotonic() - start, list(st.throttled), st.retries, sum(plan.values()),
                        dry_run, batch, rate_per_minute, None if dry_run else path, backup, issues_file,
                        requests_file, dict(st.by_status))
    summary = out / "load" / ("dry-run.json" if dry_run else "load.json")
    tmp = summary.with_name(summary.name + ".partial")
    tmp.write_text(json.dumps(result.to_dict(), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, summary)
    return result


class _DryImages:
    """A dry run names the images it would upload without fetching them."""

    async def fetch(self, source_url: str) -> tuple[str, bytes]:
        return Path(source_url).name or "image", b""
