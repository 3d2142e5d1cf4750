"""`dumpkit verify`: read the shop back and compare it with the package, field by field.

Every resource the loader writes is read in full (paginated, sparse fieldsets of the fields
the loader sends). Through the ledger's id map each package record is found in the shop and
each attribute and relationship compared with what the package says now; a record that is not
in the shop must be in the load issues with its reason. Shop records that no package record
maps to are counted as extra (a duplicate, or something that was there before).
"""
from __future__ import annotations

import asyncio
import json
import os
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..errors import DumpkitError
from ..mystore import api
from . import package
from .client import MystoreClient, Unauthorized
from .ledger import Ledger, ledger_path
from .loader import GROUPS, IMAGE_OF, LEDGER_ENTITIES, Loader, Step, resolve_groups

DERIVED = {"product_attributes", "order_line_attributes"}
EXAMPLES = 10


@dataclass
class EntityCheck:
    entity: str
    in_package: int = 0
    as_sent: int = 0          # in the shop, every field equal
    differing: int = 0        # in the shop, some field differs
    explained: int = 0        # not in the shop, with the reason in the load issues
    missing: int = 0          # not in the shop and no reason: a bug
    extra_in_shop: int = 0    # shop records of this type that no package record maps to
    examples: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.differing or self.missing or self.extra_in_shop)


@dataclass
class VerifyResult:
    shop: str
    checks: list[EntityCheck]
    requests: int
    seconds: float

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_dict(self) -> dict:
        return {"shop": self.shop, "ok": self.ok, "requests": self.requests, "seconds": round(self.seconds, 3),
                "entities": [{**asdict(c), "ok": c.ok} for c in self.checks]}


def same(sent, got) -> bool:
    if isinstance(sent, dict) and isinstance(got, dict):
        return sent.keys() == got.keys() and all(same(sent[k], got[k]) for k in sent)
    if isinstance(sent, list) and isinstance(got, list):
        return sorted(map(str, sent)) == sorted(map(str, got))
    if sent is None or got is None:
        return sent == got
    if isinstance(sent, str) and isinstance(got, str):
        return sent == got
    try:
        return Decimal(str(sent)) == Decimal(str(got))
    except InvalidOperation:
        return str(sent) == str(got)


async def _read_all(client, resource: api.Resource, wanted: list[str]) -> dict[str, dict]:
    """Every record of the type: id -> {attributes, relationships as ids}."""
    shop: dict[str, dict] = {}
    number = 1
    while True:
        r = await client.request("GET", resource.path, resource.entity,
                                 params={**api.page_params(number), **api.fields_param(resource.type, wanted)})
        if r.status == 404 and number > 1:
            break
        if not r.ok:
            raise DumpkitError(f"GET {resource.path}: " + "; ".join(r.details()))
        for obj in (r.body or {}).get("data") or []:
            shop[str(obj["id"])] = {"attributes": obj.get("attributes") or {}, "relationships": api.rel_ids(obj)}
        if not ((r.body or {}).get("links") or {}).get("next"):
            break
        number += 1
    return shop


def _differences(doc: dict, got: dict) -> list[str]:
    out = []
    for name, value in doc["attributes"].items():
        if not same(value, got["attributes"].get(name)):
            out.append(f"{name}: sent {value!r}, shop has {got['attributes'].get(name)!r}")
    for name, value in doc["relationships"].items():
        if not same(value, got["relationships"].get(name)):
            out.append(f"{name}: sent {value!r}, shop has {got['relationships'].get(name)!r}")
    return out


async def _verify(out: Path, ledger: Ledger, client, groups: list[str]) -> list[EntityCheck]:
    loader = Loader(out, ledger, client, images=None, batch=False, concurrency=1, retry_failed=False)
    loader.statuses = ledger.get_meta("order_statuses") or {}
    checks = []
    entities = [e for e in LEDGER_ENTITIES if any(e in GROUPS[g] for g in groups)]
    images_in_shop: set[str] = set()
    image_check = None
    for entity in entities:
        check = EntityCheck(entity)
        checks.append(check)
        done = ledger.done(entity)
        issues = ledger.issues(entity)
        if entity == "product_images":
            image_check = check  # compared once products and their option-value links are read
            continue
        resource = api.RESOURCES[entity]
        shop = await _read_all(client, resource, resource.attr_names() + resource.rel_names())
        for obj in shop.values() if entity in ("products", "product_attributes") else ():
            images_in_shop.update(v for k, v in obj["attributes"].items() if k in api.IMAGE_SLOTS and v)
        mapped = {ms for ms, _ in done.values()}
        check.extra_in_shop = len(set(shop) - mapped)
        for ms in sorted(set(shop) - mapped)[:EXAMPLES]:
            _example(check, None, f"{resource.type} {ms} in the shop is no package record's")
        if entity in DERIVED:
            expected = {sid: None for sid in set(done) | set(issues)}
        else:
            expected = {row["source_id"]: row for row in package.rows(out, entity)}
        uploads = _uploads(ledger) if entity == "products" else {}
        for sid, row in expected.items():
            check.in_package += 1
            ms, sent = done.get(sid, (None, None))
            if ms is None or ms not in shop:
                if sid in issues:
                    check.explained += 1
                else:
                    check.missing += 1
                    _example(check, sid, "not in the shop" + (f" (id {ms} is gone)" if ms else "") +
                             " and no reason in the load issues")
                continue
            if row is None:
                doc = sent
            else:
                step = Step(entity, row, uploads.get(sid))
                if entity in IMAGE_OF:
                    image = ledger.ms_id(IMAGE_OF[entity], sid)
                    step.uploads = {"image": image} if image else None
                doc, problem = await loader.desired(step)
                if doc is None:
                    check.differing += 1
                    _example(check, sid, f"in the shop, but the package's record cannot be resolved now: {problem}")
                    continue
            diffs = _differences(doc, shop[ms])
            if diffs:
                check.differing += 1
                _example(check, sid, "; ".join(diffs)[:500])
            else:
                check.as_sent += 1
    if image_check is not None:
        _check_images(out, ledger, image_check, images_in_shop)
    return checks


def _check_images(out: Path, ledger: Ledger, check: EntityCheck, images_in_shop: set[str]) -> None:
    """An uploaded image counts when a product (image..image8) or an option-value link carries it."""
    done, issues = ledger.done("product_images"), ledger.issues("product_images")
    for sid in package.source_ids(out, "product_images"):
        check.in_package += 1
        ms = done.get(sid, (None,))[0]
        if ms is not None and ms in images_in_shop:
            check.as_sent += 1
        elif sid in issues:
            check.explained += 1
        elif ms is None:
            check.missing += 1
            _example(check, sid, "not uploaded and no reason in the load issues")
        else:
            check.differing += 1
            _example(check, sid, f"uploaded as {ms} but nothing in the shop carries it")


def _uploads(ledger: Ledger) -> dict[str, dict]:
    """product source id -> {slot: file name} of its uploaded images, as the loader sent them."""
    out: dict[str, dict] = {}
    for sid, (ms, sent) in ledger.done("products").items():
        slots = {k: v for k, v in ((sent or {}).get("attributes") or {}).items() if k in api.IMAGE_SLOTS}
        if slots:
            out[sid] = slots
    return out


def _example(check: EntityCheck, sid: str | None, text: str) -> None:
    if len(check.examples) < EXAMPLES:
        check.examples.append({"source_id": sid, "problem": text})


def verify(out: Path, shop: str, *, token: str | None, api_url: str = api.DEFAULT_API_URL,
           state_dir: Path | None = None, only: list[str] | None = None,
           rate_per_minute: float = api.RATE_LIMIT_PER_MINUTE, concurrency: int = 4) -> VerifyResult:
    import time

    out = Path(out)
    package._check_package(out)
    groups = resolve_groups(only)
    if not token:
        raise DumpkitError("no API token: set MYSTORE_TOKEN or give --token-file (read scopes suffice)")
    path = ledger_path(state_dir, shop)
    if not path.exists():
        raise DumpkitError(f"no ledger for shop {shop!r} at {path}: nothing was loaded into it from here "
                           f"(give --state if the load used another state folder)")
    ledger = Ledger.open(path, shop, lock=False)
    start = time.monotonic()

    async def main():
        client = MystoreClient(api.shop_base_url(api_url, shop), token, rate_per_minute, concurrency)
        try:
            return await _verify(out, ledger, client, groups), client.stats.requests
        finally:
            await client.aclose()

    try:
        checks, requests = asyncio.run(main())
    except Unauthorized as e:
        raise DumpkitError(f"the API refused the token ({e})") from None
    finally:
        ledger.close()
    result = VerifyResult(shop, checks, requests, time.monotonic() - start)
    (out / "load").mkdir(exist_ok=True)
    target = out / "load" / "verify.json"
    tmp = target.with_name("verify.json.partial")
    tmp.write_text(json.dumps(result.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return result
