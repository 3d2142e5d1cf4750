"""The HTTP client of the loader: one shared rate limiter, several requests in flight,
retries with backoff and jitter, 429 honoured, and the token kept out of everything it says.

A write whose outcome is unknown (a timeout or a dropped connection after the request went
out, a 5xx) is never retried blindly: it raises Unconfirmed, and the loader looks the record
up by its natural key before it creates it again.
"""
from __future__ import annotations

import asyncio
import json
import random
import time
from collections import deque
from dataclasses import dataclass, field

import httpx
from aiolimiter import AsyncLimiter
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_random_exponential

from ..mystore import api

# pace a little under the limit: a request that travels faster than the one before it must
# not land in the server's window early
SAFETY = 0.99
SAFE_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)  # nothing reached the server


class Retryable(Exception):
    """A request that may be sent again as it is (idempotent, or it never reached the server)."""


class RateLimited(Retryable):
    def __init__(self, retry_after: float):
        super().__init__(f"429, retry after {retry_after:.1f} s")
        self.retry_after = retry_after


class Unconfirmed(Exception):
    """A write went out but its outcome is unknown (timeout, dropped connection, 5xx)."""


class Unauthorized(Exception):
    """401/403: the token is wrong, expired or lacks a scope. Not a record's fault: the load stops."""


class GaveUp(Exception):
    """Retries exhausted: the API is not answering (the load stops, the ledger keeps its place)."""


@dataclass
class Response:
    status: int
    body: object
    headers: dict

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def details(self) -> list[str]:
        return api.error_details(self.body) or [f"HTTP {self.status}"]


@dataclass
class ClientStats:
    requests: int = 0
    by_status: dict = field(default_factory=dict)
    throttled: list = field(default_factory=list)   # seconds since start of each 429
    retries: int = 0
    started: float = field(default_factory=time.monotonic)
    recent: deque = field(default_factory=lambda: deque(maxlen=4096))

    def rate(self, window: float = 60.0) -> float:
        """Requests per second over the last `window` seconds (or since the start)."""
        now = time.monotonic()
        while self.recent and now - self.recent[0] > window:
            self.recent.popleft()
        span = min(window, now - self.started)
        return len(self.recent) / span if span > 1 else 0.0


class Redactor:
    """Replaces the token wherever text could carry it (error messages, issues, logs)."""

    def __init__(self, token: str | None):
        self.token = token

    def __call__(self, text: str) -> str:
        text = str(text)
        return text.replace(self.token, "***") if self.token else text


class MystoreClient:
    def __init__(self, base_url: str, token: str, rate_per_minute: float = api.RATE_LIMIT_PER_MINUTE,
                 concurrency: int = 8, timeout: float = 60.0, max_attempts: int = 8, max_wait: float = 60.0):
        self.redact = Redactor(token)
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=httpx.Timeout(timeout, connect=10.0),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            headers={"Authorization": f"Bearer {token}", "Accept": api.MEDIA_TYPE, "User-Agent": api.USER_AGENT})
        # one request per interval, no burst: never more than the limit in any window
        self.limiter = AsyncLimiter(1, 60.0 / (rate_per_minute * SAFETY))
        self.slots = asyncio.Semaphore(concurrency)
        self.paused_until = 0.0
        self.max_attempts, self.max_wait = max_attempts, max_wait
        self.stats = ClientStats()
        self.on_request = None  # callback(entity) per request sent

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _send(self, method: str, path: str, entity: str | None, **kw) -> Response:
        if kw.get("json") is not None:  # JSON:API documents, plain JSON for the batch endpoints
            plain = path in (api.ATOMIC_BATCH_PATH, api.NON_ATOMIC_BATCH_PATH)
            kw["content"] = json.dumps(kw.pop("json"), ensure_ascii=False).encode()
            kw["headers"] = {**kw.get("headers", {}), "Content-Type": api.PLAIN_JSON if plain else api.MEDIA_TYPE}
            if plain:
                kw["headers"]["Accept"] = api.PLAIN_JSON
        kw.pop("json", None)
        async with self.slots:
            while (wait := self.paused_until - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            await self.limiter.acquire()
            self.stats.requests += 1
            self.stats.recent.append(time.monotonic())
            if self.on_request:
                self.on_request(entity)
            r = await self.http.request(method, path, **kw)
        try:
            body = r.json() if r.content else None
        except ValueError:
            body = None
        self.stats.by_status[r.status_code] = self.stats.by_status.get(r.status_code, 0) + 1
        if r.status_code == 429:
            after = _retry_after(r.headers.get("retry-after"))
            self.stats.throttled.append(time.monotonic() - self.stats.started)
            self.paused_until = max(self.paused_until, time.monotonic() + after)
            raise RateLimited(after)
        return Response(r.status_code, body, {k.lower(): v for k, v in r.headers.items()})

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited):
            return exc.retry_after + random.uniform(0, 0.5)
        return wait_random_exponential(multiplier=0.5, max=self.max_wait)(state)

    def _stop(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited):
            return state.seconds_since_start > 3600
        return state.attempt_number >= self.max_attempts

    async def request(self, method: str, path: str, entity: str | None = None, *, write: bool = False, **kw) -> Response:
        """Send with retries. For a write (`write=True`, a POST), an outcome that cannot be known
        raises Unconfirmed instead of a retry; everything else is retried with backoff and jitter."""
        async def once() -> Response:
            try:
                r = await self._send(method, path, entity, **kw)
            except SAFE_ERRORS as e:
                raise Retryable(self.redact(f"{type(e).__name__}: {e}")) from None
            except (httpx.TimeoutException, httpx.TransportError) as e:
                if write:
                    raise Unconfirmed(self.redact(f"{type(e).__name__}: {e}")) from None
                raise Retryable(self.redact(f"{type(e).__name__}: {e}")) from None
            if r.status in (401, 403):
                raise Unauthorized(f"HTTP {r.status} on {method} {path}: " + "; ".join(r.details()))
            if r.status >= 500:
                if write:
                    raise Unconfirmed(f"HTTP {r.status}: " + "; ".join(r.details()))
                raise Retryable(f"HTTP {r.status}")
            return r

        try:
            return await once()  # the common case, without the retry machinery
        except Retryable:
            self._count_retry()
        try:
            async for attempt in AsyncRetrying(retry=retry_if_exception_type(Retryable), wait=self._wait,
                                               stop=self._stop, reraise=True,
                                               before_sleep=lambda s: self._count_retry()):
                with attempt:
                    return await once()
        except Retryable as e:
            raise GaveUp(f"{method} {path}: {self.redact(str(e))} after {self.max_attempts} attempts") from None

    def _count_retry(self) -> None:
        self.stats.retries += 1


def _retry_after(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else api.RETRY_AFTER_DEFAULT
    except ValueError:
        return api.RETRY_AFTER_DEFAULT
