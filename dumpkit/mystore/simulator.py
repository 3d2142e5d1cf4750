"""A local Mystore REST API v2 simulator: the oracle the loader is proven against.

A real HTTP server (a plain ASGI app served by uvicorn) that implements exactly the
assumptions of dumpkit/mystore/api.py: JSON:API documents under /shops/<shop>/<resource>,
Bearer tokens, required attributes and relationships (400/422 with errors[]), unique slugs,
pagination with links, filter[...], sparse fieldsets, sub-resource lists, order statuses
configured in the shop (read-only), the batch endpoints and the image upload as api.py guesses
them, and a fixed one-minute window of requests per token (429 with Retry-After). State lives
in one SQLite file, so a simulated shop survives a restart.

Seeded fault injection: 5xx before a request is handled, slow responses, and a connection
dropped after the write was committed (the case that makes duplicates).
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from . import api

TYPES = {r.type: r for r in api.RESOURCES.values()}
TYPES[api.ORDER_STATUS.type] = api.ORDER_STATUS
PATHS = {r.path: r for r in TYPES.values()}
MAX_PAGE_SIZE = 100


@dataclass
class Faults:
    """Per-request probabilities, drawn from one seeded generator."""
    error: float = 0.0        # answer 500/502/503 without handling the request
    slow: float = 0.0         # wait slow_seconds before answering
    slow_seconds: float = 2.0
    drop: float = 0.0         # commit a write, then close the connection without an answer
    seed: int = 0

    @staticmethod
    def parse(text: str | None, seed: int = 0) -> "Faults":
        """'error=0.05,slow=0.02,slow_seconds=1.5,drop=0.03'"""
        f = Faults(seed=seed)
        for part in filter(None, (text or "").split(",")):
            key, _, value = part.partition("=")
            if key.strip() not in ("error", "slow", "slow_seconds", "drop"):
                raise ValueError(f"unknown fault {key!r}: use error, slow, slow_seconds, drop")
            setattr(f, key.strip(), float(value))
        return f


class DroppedAfterCommit(Exception):
    """Raised after the response started: uvicorn closes the connection, the client gets no body."""


class _Reject(Exception):
    def __init__(self, status: int, *details: str, headers: dict | None = None):
        self.status, self.details, self.headers = status, details, headers or {}


@dataclass
class _Window:
    start: float = 0.0
    count: int = 0


@dataclass
class Stats:
    requests: int = 0
    rejected_429: int = 0
    by_method: dict = field(default_factory=dict)
    first_request: float | None = None   # time.monotonic()
    last_request: float | None = None
    throttle_times: list = field(default_factory=list)


class Shop:
    """The simulated shops' state in one SQLite file (every method runs on the server's loop)."""

    def __init__(self, path: Path, order_statuses=api.DEFAULT_ORDER_STATUSES):
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY AUTOINCREMENT, shop TEXT NOT NULL,
                type TEXT NOT NULL, attributes TEXT NOT NULL, relationships TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS records_type ON records (shop, type, id);
            CREATE TABLE IF NOT EXISTS links (shop TEXT, type TEXT, id INTEGER, rel TEXT, target TEXT);
            CREATE INDEX IF NOT EXISTS links_target ON links (shop, type, rel, target);
            CREATE INDEX IF NOT EXISTS links_id ON links (id);
            CREATE TABLE IF NOT EXISTS uniques (shop TEXT, type TEXT, attr TEXT, lang TEXT, value TEXT, id INTEGER,
                PRIMARY KEY (shop, type, attr, lang, value));
            CREATE INDEX IF NOT EXISTS uniques_id ON uniques (id);
            CREATE TABLE IF NOT EXISTS images (id INTEGER PRIMARY KEY AUTOINCREMENT, shop TEXT, filename TEXT,
                size INTEGER, sha256 TEXT);
            CREATE TABLE IF NOT EXISTS shops (shop TEXT PRIMARY KEY);
        """)
        self.order_statuses = tuple(order_statuses)

    def ensure_shop(self, shop: str) -> None:
        if self.db.execute("SELECT 1 FROM shops WHERE shop=?", [shop]).fetchone():
            return
        self.db.execute("BEGIN")
        self.db.execute("INSERT INTO shops VALUES (?)", [shop])
        for name in self.order_statuses:
            self.db.execute("INSERT INTO records (shop, type, attributes, relationships) VALUES (?,?,?,?)",
                            [shop, api.ORDER_STATUS.type, json.dumps({"name": name}), "{}"])
        self.db.execute("COMMIT")

    # ------------------------------------------------------------ reads
    def get(self, shop: str, type_: str, id_) -> dict | None:
        try:
            id_ = int(id_)
        except (TypeError, ValueError):
            return None
        row = self.db.execute("SELECT id, attributes, relationships FROM records WHERE shop=? AND type=? AND id=?",
                              [shop, type_, id_]).fetchone()
        return None if row is None else self._object(type_, row)

    @staticmethod
    def _object(type_: str, row) -> dict:
        resource = TYPES[type_]
        rels = json.loads(row[2])
        stored = json.loads(row[1])
        # like a real API: every attribute of the resource, null when never set
        obj = {"type": type_, "id": str(row[0]), "attributes": {a.api: stored.get(a.api) for a in resource.attrs}}
        if resource.rels:
            by_name = {r.api: r for r in resource.rels}
            obj["relationships"] = {
                name: {"data": ([{"type": by_name[name].type, "id": str(v)} for v in value] if by_name[name].many
                                else None if value is None else {"type": by_name[name].type, "id": str(value)})}
                for name, value in ((r.api, rels.get(r.api, [] if r.many else None)) for r in resource.rels)}
        return obj

    def query(self, shop: str, type_: str, filters: dict[str, str], limit: int, offset: int) -> tuple[list[dict], int]:
        resource = TYPES[type_]
        where, params = ["r.shop=?", "r.type=?"], [shop, type_]
        rels = {r.api for r in resource.rels}
        locs = {a.api for a in resource.attrs if a.kind == "loc"}
        for name, value in filters.items():
            if name in rels:
                where.append("r.id IN (SELECT id FROM links WHERE shop=? AND type=? AND rel=? AND target=?)")
                params += [shop, type_, name, str(value)]
            elif name in locs:
                where.append("json_extract(r.attributes, ?) = ?")
                params += [f'$."{name}"."{api.MAIN_LANGUAGE}"', value]
            else:
                where.append("CAST(json_extract(r.attributes, ?) AS TEXT) = ?")
                params += [f'$."{name}"', value]
        sql = " AND ".join(where)
        total = self.db.execute(f"SELECT count(*) FROM records r WHERE {sql}", params).fetchone()[0]
        rows = self.db.execute(f"SELECT r.id, r.attributes, r.relationships FROM records r WHERE {sql} "
                               f"ORDER BY r.id LIMIT ? OFFSET ?", params + [limit, offset]).fetchall()
        return [self._object(type_, row) for row in rows], total

    # ------------------------------------------------------------ writes
    def validate(self, shop: str, resource: api.Resource, obj: dict, current: dict | None, local: dict) -> tuple[dict, dict]:
        """(attributes, relationships as {name: id | [ids] | None}) after the API's checks."""
        if not isinstance(obj, dict) or obj.get("type") != resource.type:
            raise _Reject(409 if isinstance(obj, dict) and "type" in obj else 400,
                          f"The resource object must have type '{resource.type}'.")
        attrs = obj.get("attributes") or {}
        if not isinstance(attrs, dict):
            raise _Reject(400, "attributes must be an object.")
        known = {a.api: a for a in resource.attrs}
        errors = [f"Unknown attribute '{name}'." for name in attrs if name not in known]
        for name, value in attrs.items():
            a = known.get(name)
            if a is None or value is None:
                continue
            if a.kind == "loc" and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
                errors.append(f"The {name} must be an object of texts per language.")
            elif a.kind == "decimal":
                try:
                    Decimal(str(value))
                except InvalidOperation:
                    errors.append(f"The {name} must be a number.")
            elif a.kind in ("int", "flag") and (not isinstance(value, int) or isinstance(value, bool)):
                errors.append(f"The {name} must be an integer.")
        rels_in = obj.get("relationships") or {}
        by_name = {r.api: r for r in resource.rels}
        rels = {} if current is None else dict(current)
        for name, rel in rels_in.items():
            r = by_name.get(name)
            if r is None:
                errors.append(f"Unknown relationship '{name}'.")
                continue
            data = rel.get("data") if isinstance(rel, dict) else None
            items = data if isinstance(data, list) else [] if data is None else [data]
            ids = []
            for item in items:
                target = None
                if isinstance(item, dict) and item.get("type") == r.type:
                    target = local.get(item["lid"]) if "lid" in item else item.get("id")
                if target is None or self.get(shop, r.type, target) is None:
                    errors.append(f"The selected {name} is invalid.")
                else:
                    ids.append(str(target))
            rels[name] = ids if r.many else (ids[0] if ids else None)
        if current is None:
            for name in resource.required:
                if name in by_name:
                    if not rels.get(name):
                        errors.append(f"The {name} relationship is required.")
                else:
                    value = attrs.get(name)
                    if isinstance(value, dict):
                        value = value.get(api.MAIN_LANGUAGE)
                    if value is None or (isinstance(value, str) and not value.strip()):
                        errors.append(f"The {name} field is required.")
        if errors:
            raise _Reject(422, *errors)
        return attrs, rels

    def _uniques(self, shop: str, resource: api.Resource, id_: int, attrs: dict, new: bool = False) -> None:
        for name in resource.unique:
            if name not in attrs:
                continue
            if not new:
                self.db.execute("DELETE FROM uniques WHERE id=? AND shop=? AND type=? AND attr=?",
                                [id_, shop, resource.type, name])
            value = attrs[name]
            for lang, text in (value.items() if isinstance(value, dict) else [("", value)]):
                if text is None:
                    continue
                try:
                    self.db.execute("INSERT INTO uniques VALUES (?,?,?,?,?,?)", [shop, resource.type, name, lang, text, id_])
                except sqlite3.IntegrityError:
                    raise _Reject(422, f"The {name}{'.' + lang if lang else ''} has already been taken.") from None

    def _links(self, shop: str, type_: str, id_: int, rels: dict, new: bool = False) -> None:
        if not new:
            self.db.execute("DELETE FROM links WHERE id=?", [id_])
        for name, value in rels.items():
            for target in (value if isinstance(value, list) else [] if value is None else [value]):
                self.db.execute("INSERT INTO links VALUES (?,?,?,?,?)", [shop, type_, id_, name, str(target)])

    def create(self, shop: str, resource: api.Resource, doc: dict, local: dict) -> dict:
        attrs, rels = self.validate(shop, resource, (doc or {}).get("data"), None, local)
        cur = self.db.execute("INSERT INTO records (shop, type, attributes, relationships) VALUES (?,?,?,?)",
                              [shop, resource.type, json.dumps(attrs, ensure_ascii=False), json.dumps(rels)])
        id_ = cur.lastrowid
        self._uniques(shop, resource, id_, attrs, new=True)
        self._links(shop, resource.type, id_, rels, new=True)
        return self.get(shop, resource.type, id_)

    def update(self, shop: str, resource: api.Resource, id_: str, doc: dict, local: dict) -> dict:
        data = (doc or {}).get("data")
        if not isinstance(data, dict) or str(data.get("id")) != str(id_):
            raise _Reject(409, "The id in the document does not match the URL.")
        row = self.db.execute("SELECT attributes, relationships FROM records WHERE shop=? AND type=? AND id=?",
                              [shop, resource.type, int(id_)]).fetchone()
        if row is None:
            raise _Reject(404, f"{resource.type} {id_} not found.")
        current_attrs, current_rels = json.loads(row[0]), json.loads(row[1])
        attrs, rels = self.validate(shop, resource, data, current_rels, local)
        merged = {**current_attrs, **attrs}
        self.db.execute("UPDATE records SET attributes=?, relationships=? WHERE id=?",
                        [json.dumps(merged, ensure_ascii=False), json.dumps(rels), int(id_)])
        self._uniques(shop, resource, int(id_), attrs)
        self._links(shop, resource.type, int(id_), rels)
        return self.get(shop, resource.type, id_)

    def delete(self, shop: str, resource: api.Resource, id_: str) -> None:
        if self.get(shop, resource.type, id_) is None:
            raise _Reject(404, f"{resource.type} {id_} not found.")
        self.db.execute("DELETE FROM records WHERE id=?", [int(id_)])
        self.db.execute("DELETE FROM links WHERE id=?", [int(id_)])
        self.db.execute("DELETE FROM uniques WHERE id=? AND type=?", [int(id_), resource.type])

    def add_image(self, shop: str, name: str, data: bytes) -> dict:
        ext = Path(name).suffix.lower()
        if ext not in api.IMAGE_TYPES or not data:
            raise _Reject(422, f"The image must be a file of type: {', '.join(t[1:] for t in api.IMAGE_TYPES)}.")
        digest = hashlib.sha256(data).hexdigest()
        cur = self.db.execute("INSERT INTO images (shop, filename, size, sha256) VALUES (?,?,?,?)",
                              [shop, "", len(data), digest])
        filename = f"media/{hashlib.sha1(f'{cur.lastrowid}:{digest}'.encode()).hexdigest()}{ext}"
        self.db.execute("UPDATE images SET filename=? WHERE id=?", [filename, cur.lastrowid])
        return {"data": {"type": "images", "id": str(cur.lastrowid),
                         "attributes": {"filename": filename, "size": len(data)}}}

    def counts(self, shop: str) -> dict[str, int]:
        return dict(self.db.execute("SELECT type, count(*) FROM records WHERE shop=? GROUP BY type", [shop]).fetchall())

    def images(self, shop: str) -> list[tuple[str, str]]:
        return self.db.execute("SELECT filename, sha256 FROM images WHERE shop=? ORDER BY id", [shop]).fetchall()


class Simulator:
    """The ASGI app. `rate` requests per `window` seconds per token; tokens=None accepts any."""

    def __init__(self, state: Path, rate: int = api.RATE_LIMIT_PER_MINUTE, window: float = api.RATE_WINDOW_SECONDS,
                 tokens: set[str] | None = None, faults: Faults | None = None, latency: float = 0.0,
                 order_statuses=api.DEFAULT_ORDER_STATUSES):
        self.shop = Shop(state, order_statuses)
        self.rate, self.window, self.tokens = rate, window, tokens
        self.faults = faults or Faults()
        self.random = random.Random(self.faults.seed)
        self.latency = latency
        self.windows: dict[str, _Window] = {}
        self.stats = Stats()

    # ------------------------------------------------------------ ASGI
    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status, out_headers, payload, drop = await self.handle(scope["method"], scope["path"],
                                                               scope.get("query_string", b"").decode(), headers, body)
        raw = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        content_type = api.PLAIN_JSON if scope["path"].rstrip("/").endswith(
            (api.ATOMIC_BATCH_PATH, api.NON_ATOMIC_BATCH_PATH, api.IMAGE_UPLOAD_PATH)) else api.MEDIA_TYPE
        hdrs = [(b"content-type", content_type.encode()), (b"content-length", str(len(raw)).encode())]
        hdrs += [(k.encode(), str(v).encode()) for k, v in out_headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": hdrs})
        if drop:
            raise DroppedAfterCommit()
        await send({"type": "http.response.body", "body": raw})

    def _limit(self, token: str) -> dict:
        """Laravel-style fixed window: starts at the first request after the last one ended."""
        now = time.monotonic()
        w = self.windows.setdefault(token, _Window(now, 0))
        if now - w.start >= self.window:
            w.start, w.count = now, 0
        reset = w.start + self.window - now
        if w.count >= self.rate:
            self.stats.rejected_429 += 1
            self.stats.throttle_times.append(now)
            raise _Reject(429, "Too Many Attempts.", headers={
                "Retry-After": max(1, math.ceil(reset)), "X-RateLimit-Limit": self.rate, "X-RateLimit-Remaining": 0})
        w.count += 1
        return {"X-RateLimit-Limit": self.rate, "X-RateLimit-Remaining": self.rate - w.count}

    async def handle(self, method: str, path: str, query: str, headers: dict, body: bytes):
        self.stats.requests += 1
        self.stats.by_method[method] = self.stats.by_method.get(method, 0) + 1
        self.stats.last_request = time.monotonic()
        self.stats.first_request = self.stats.first_request or self.stats.last_request
        out: dict = {}
        try:
            auth = headers.get("authorization", "")
            if not auth.startswith("Bearer ") or not auth[7:].strip():
                raise _Reject(401, "Unauthenticated.")
            token = auth[7:].strip()
            if self.tokens is not None and token not in self.tokens:
                raise _Reject(403, "Token has expired or is invalid")
            out.update(self._limit(token))
            if self.latency:
                await asyncio.sleep(self.latency)
            draw = self.random.random()
            if draw < self.faults.error:
                raise _Reject(self.random.choice((500, 502, 503)), "Simulated server error.")
            draw -= self.faults.error
            if draw < self.faults.slow:
                await asyncio.sleep(self.faults.slow_seconds)
            draw -= self.faults.slow
            drop = method in ("POST", "PATCH") and draw < self.faults.drop
            status, payload = self.route(method, path, query, headers, body)
            return status, out, payload, drop
        except _Reject as r:
            out.update(r.headers)
            return r.status, out, {"errors": [{"status": str(r.status), "title": _TITLES.get(r.status, "Error"),
                                               "detail": d} for d in r.details]}, False

    def route(self, method: str, path: str, query: str, headers: dict, body: bytes):
        parts = [p for p in path.split("/") if p]
        if len(parts) < 3 or parts[0] != "shops":
            raise _Reject(404, "Not found.")
        shop, rest = parts[1], parts[2:]
        self.shop.ensure_shop(shop)
        params = dict(parse_qsl(query, keep_blank_values=True))
        if rest == [api.IMAGE_UPLOAD_PATH] and method == "POST":
            return 201, self._upload(shop, headers, body)
        if rest in ([api.ATOMIC_BATCH_PATH], [api.NON_ATOMIC_BATCH_PATH]) and method == "POST":
            return self._batch(shop, rest[0] == api.ATOMIC_BATCH_PATH, body)
        resource = PATHS.get(rest[0])
        if resource is None:
            raise _Reject(404, f"Unknown resource '{rest[0]}'.")
        if len(rest) == 1:
            if method == "GET":
                return 200, self._list(shop, resource, params, path, {})
            if method == "POST" and not resource.read_only:
                return self._write(shop, lambda: self.shop.create(shop, resource, _json(body), {}), 201)
        elif len(rest) == 2:
            if method == "GET":
                obj = self.shop.get(shop, resource.type, rest[1])
                if obj is None:
                    raise _Reject(404, f"{resource.type} {rest[1]} not found.")
                return 200, {"data": _sparse(obj, resource, params)}
            if method == "PATCH" and not resource.read_only:
                return self._write(shop, lambda: self.shop.update(shop, resource, rest[1], _json(body), {}), 200)
            if method == "DELETE" and not resource.read_only:
                self.shop.db.execute("BEGIN")
                try:
                    self.shop.delete(shop, resource, rest[1])
                finally:
                    self.shop.db.execute("COMMIT")
                return 204, None
        elif len(rest) == 3 and method == "GET":
            child = PATHS.get(rest[2])
            if child is None or self.shop.get(shop, resource.type, rest[1]) is None:
                raise _Reject(404, "Not found.")
            link = next((r.api for r in child.rels if r.type == resource.type), None)
            if link is None:
                raise _Reject(404, "Not found.")
            return 200, self._list(shop, child, params, path, {link: rest[1]})
        raise _Reject(405, f"{method} is not allowed here.")

    def _write(self, shop: str, fn, status: int):
        self.shop.db.execute("BEGIN")
        try:
            obj = fn()
        except BaseException:
            self.shop.db.execute("ROLLBACK")
            raise
        self.shop.db.execute("COMMIT")
        return status, {"data": obj}

    def _list(self, shop: str, resource: api.Resource, params: dict, path: str, fixed: dict) -> dict:
        try:
            number = int(params.get("page[number]", "1"))
            size = int(params.get("page[size]", "15"))
        except ValueError:
            raise _Reject(400, "page[number] and page[size] must be integers.") from None
        if number < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise _Reject(400, f"page[size] must be between 1 and {MAX_PAGE_SIZE}.")
        filters = dict(fixed)
        names = set(resource.attr_names()) | set(resource.rel_names())
        for key, value in params.items():
            if key.startswith("filter[") and key.endswith("][value]"):
                name = key[len("filter["):-len("][value]")]
                if name not in names:
                    raise _Reject(400, f"Unknown filter '{name}'.")
                filters[name] = value
        data, total = self.shop.query(shop, resource.type, filters, size, (number - 1) * size)
        last = max(1, math.ceil(total / size))
        if number > last:
            raise _Reject(404, "Page not found.")
        data = [_sparse(obj, resource, params) for obj in data]

        def link(n):
            return path + "?" + urlencode({**params, "page[number]": n, "page[size]": size})
        links = {"self": link(number), "first": link(1), "last": link(last)}
        if number < last:
            links["next"] = link(number + 1)
        return {"data": data, "links": links,
                "meta": {"pagination": {"total": total, "count": len(data), "per_page": size,
                                        "current_page": number, "total_pages": last}}}

    def _upload(self, shop: str, headers: dict, body: bytes) -> dict:
        ctype = headers.get("content-type", "")
        if not ctype.startswith("multipart/form-data"):
            raise _Reject(415, "Send the image as multipart/form-data.")
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == api.IMAGE_FIELD:
                self.shop.db.execute("BEGIN")
                try:
                    result = self.shop.add_image(shop, part.get_filename() or "", part.get_payload(decode=True) or b"")
                except BaseException:
                    self.shop.db.execute("ROLLBACK")
                    raise
                self.shop.db.execute("COMMIT")
                return result
        raise _Reject(422, f"The {api.IMAGE_FIELD} field is required.")

    def _batch(self, shop: str, atomic: bool, body: bytes):
        ops = _json(body)
        if not isinstance(ops, list) or not ops:
            raise _Reject(400, "The batch must be a non-empty array of operations.")
        if len(ops) > api.BATCH_MAX_OPERATIONS:
            raise _Reject(422, f"A batch holds at most {api.BATCH_MAX_OPERATIONS} operations.")
        local: dict[str, str] = {}
        results = []
        self.shop.db.execute("BEGIN")
        try:
            results = self._operations(shop, atomic, ops, local)
        except BaseException:
            if self.shop.db.in_transaction:
                self.shop.db.execute("ROLLBACK")
            raise
        self.shop.db.execute("COMMIT")
        return 200, results

    def _operations(self, shop: str, atomic: bool, ops: list, local: dict) -> list:
        results = []
        for i, op in enumerate(ops):
            self.shop.db.execute("SAVEPOINT op")
            try:
                if not isinstance(op, dict) or op.get("method") not in ("POST", "PATCH"):
                    raise _Reject(400, "Each operation needs method POST or PATCH, a path and a body.")
                parts = [p for p in str(op.get("path", "")).split("/") if p]
                resource = PATHS.get(parts[0]) if parts else None
                if resource is None or resource.read_only or len(parts) != (1 if op["method"] == "POST" else 2):
                    raise _Reject(404, f"Unknown path '{op.get('path')}'.")
                if op["method"] == "POST":
                    obj = self.shop.create(shop, resource, op.get("body"), local)
                    status = 201
                else:
                    obj = self.shop.update(shop, resource, parts[1], op.get("body"), local)
                    status = 200
                if op.get("lid"):
                    local[str(op["lid"])] = obj["id"]
                self.shop.db.execute("RELEASE op")
                results.append({"status": status, "body": {"data": obj}})
            except _Reject as r:
                self.shop.db.execute("ROLLBACK TO op")
                self.shop.db.execute("RELEASE op")
                errors = [{"status": str(r.status), "detail": d, "source": {"operation": i}} for d in r.details]
                if atomic:
                    raise _Reject(r.status, *[f"operation {i}: {d}" for d in r.details]) from None
                results.append({"status": r.status, "body": {"errors": errors}})
        return results


_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           409: "Conflict", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def _json(body: bytes):
    try:
        return json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise _Reject(400, "The body is not valid JSON.") from None


def _sparse(obj: dict, resource: api.Resource, params: dict) -> dict:
    wanted = params.get(f"fields[{resource.type}]")
    if wanted is None:
        return obj
    names = [n for n in wanted.split(",") if n]
    unknown = [n for n in names if n not in resource.attr_names() and n not in resource.rel_names()]
    if unknown:
        raise _Reject(400, f"Unknown field(s) in fields[{resource.type}]: {', '.join(unknown)}.")
    out = {"type": obj["type"], "id": obj["id"],
           "attributes": {k: v for k, v in obj["attributes"].items() if k in names}}
    if "relationships" in obj:
        out["relationships"] = {k: v for k, v in obj["relationships"].items() if k in names}
    return out


class _QuietDrops(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedAfterCommit))


class SimServer:
    """The simulator on 127.0.0.1 in a thread of this process (tests, `dumpkit load --into-sim`)."""

    def __init__(self, state: Path, port: int = 0, **options):
        self.app = Simulator(Path(state), **options)
        self.port = port
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "SimServer":
        import uvicorn

        logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                lifespan="off", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="mystore-sim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the Mystore simulator did not start on port {self.port}")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.app.shop.db.close()


def package_statuses(out: Path) -> tuple[str, ...]:
    """Mystore's default order statuses plus those a load package maps orders to: what a shop
    owner configures in the control panel before the load (the API cannot create statuses)."""
    import pyarrow.parquet as pq

    names: set[str] = set()
    for entity in ("orders", "order_status_history"):
        names |= {n for n in pq.read_table(Path(out) / f"{entity}.parquet", columns=["order_status"])
                  .column("order_status").to_pylist() if n}
    return tuple(api.DEFAULT_ORDER_STATUSES) + tuple(sorted(names - set(api.DEFAULT_ORDER_STATUSES)))


def serve(state: Path, port: int, **options) -> None:
    """`dumpkit mystore-sim`: serve in the foreground until interrupted."""
    import uvicorn

    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    uvicorn.run(Simulator(Path(state), **options), host="127.0.0.1", port=port, log_level="warning",
                access_log=False, lifespan="off", timeout_keep_alive=30)
