"""`dumpkit mystore-check`: the API assumptions of api.py against a real shop, read-only.

One GET per resource the loader writes (page size 1), one per sub-resource through which a
product's and an order's children are read, the response headers that matter (rate limit,
paging, content type), and per resource: the attributes and relationships assumed against
those the shop returned. Nothing is written to the shop. Run it once with a read-scoped token
and the guesses in api.py become facts (or a one-file correction).
"""
from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field

from . import api


@dataclass
class ResourceCheck:
    resource: str
    path: str
    status: int | None = None
    records: int | None = None           # total from the paging meta, when the shop gives one
    confirmed: list = field(default_factory=list)   # assumed and returned
    not_returned: list = field(default_factory=list)  # assumed, absent from the record
    unexpected: list = field(default_factory=list)  # returned, not assumed
    headers: dict = field(default_factory=dict)
    links: list = field(default_factory=list)
    note: str = ""


async def _one(client, resource: api.Resource, path: str, label: str) -> tuple[ResourceCheck, dict | None]:
    check = ResourceCheck(label, path)
    r = await client.request("GET", path, None, params=api.page_params(1, 1))
    check.status = r.status
    check.headers = {k: v for k, v in r.headers.items() if k in api.RATE_HEADERS or k in ("content-type", "link")}
    body = r.body if isinstance(r.body, dict) else {}
    check.links = sorted((body.get("links") or {}).keys())
    meta = body.get("meta") or {}
    check.records = (meta.get("pagination") or {}).get("total", meta.get("total"))
    if not r.ok:
        check.note = "; ".join(r.details())
        return check, None
    data = body.get("data") or []
    if not data:
        check.note = "no record to compare (empty list)"
        return check, None
    obj = data[0]
    got_attrs = set((obj.get("attributes") or {}).keys())
    got_rels = set((obj.get("relationships") or {}).keys())
    assumed_attrs, assumed_rels = set(resource.attr_names()), set(resource.rel_names())
    check.confirmed = sorted(assumed_attrs & got_attrs) + [f"rel {n}" for n in sorted(assumed_rels & got_rels)]
    check.not_returned = sorted(assumed_attrs - got_attrs) + [f"rel {n}" for n in sorted(assumed_rels - got_rels)]
    check.unexpected = sorted(got_attrs - assumed_attrs) + [f"rel {n}" for n in sorted(got_rels - assumed_rels)]
    return check, obj


async def run_check(client) -> list[ResourceCheck]:
    checks = []
    for entity, resource in [*api.RESOURCES.items(), ("order_status", api.ORDER_STATUS)]:
        check, obj = await _one(client, resource, resource.path, resource.path)
        checks.append(check)
        for sub_path, sub_entity in api.CHECK_SUBRESOURCES.get(entity, ()):
            if obj is None:
                continue
            sub, _ = await _one(client, api.RESOURCES[sub_entity], f"{resource.path}/{obj['id']}/{sub_path}",
                                f"{resource.path}/{{id}}/{sub_path}")
            checks.append(sub)
    return checks


def mystore_check(shop: str, token: str, api_url: str = api.DEFAULT_API_URL,
                  rate_per_minute: float = api.RATE_LIMIT_PER_MINUTE) -> list[ResourceCheck]:
    from ..load.client import MystoreClient

    async def main():
        client = MystoreClient(api.shop_base_url(api_url, shop), token, rate_per_minute, concurrency=2)
        try:
            return await run_check(client)
        finally:
            await client.aclose()
    return asyncio.run(main())


def as_dicts(checks: list[ResourceCheck]) -> list[dict]:
    return [asdict(c) for c in checks]
