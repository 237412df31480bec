"""Polite feed polling: conditional GET, per-feed intervals, backoff, size caps.

Every feed has its own schedule; one slow or failing feed never delays the
others (each poll is its own task, bounded per host). A new or changed article
is handed to `publish`; a body that is not a feed goes to `dead_letter`.

Error policy: network errors, timeouts and HTTP errors are counted, logged and
retried with exponential backoff and jitter; nothing here stops the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from pipeline.feeds import now_iso, parse_feed
from pipeline.metrics import Metrics
from pipeline.settings import Settings
from schemas.records import RawArticle

log = logging.getLogger(__name__)

Publish = Callable[[RawArticle], Awaitable[None]]
DeadLetterFn = Callable[[str, str, bytes, str], Awaitable[None]]  # reason, detail, payload, key


@dataclass(slots=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    interval_s: float = 300.0
    failures: int = 0
    next_due: float = 0.0  # monotonic time

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "unknown"


@dataclass
class FeedPoller:
    settings: Settings
    metrics: Metrics
    publish: Publish
    dead_letter: DeadLetterFn
    per_host: int = 2
    seen: dict[str, str] = field(default_factory=dict)  # article id -> version
    _host_limits: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    def feeds(self, urls: list[str]) -> list[FeedState]:
        return [FeedState(url, interval_s=self.settings.poll_interval_s) for url in urls]

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=self.settings.http_timeout_s,
            follow_redirects=True,
        )

    async def run(self, urls: list[str], stop: asyncio.Event) -> None:
        """Poll every feed on its own schedule until `stop` is set."""
        states = self.feeds(urls)
        async with self.client() as client:
            tasks = [asyncio.create_task(self._loop(client, s, stop)) for s in states]
            try:
                await stop.wait()
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    async def _loop(self, client: httpx.AsyncClient, state: FeedState, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.poll(client, state)
            delay = max(state.next_due - time.monotonic(), 0.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def poll(self, client: httpx.AsyncClient, state: FeedState) -> int:
        """Fetch one feed once; returns how many articles were published."""
        limit = self._host_limits.setdefault(state.host, asyncio.Semaphore(self.per_host))
        async with limit:
            outcome, published = await self._fetch_and_publish(client, state)
        self.metrics.feed_polls.labels(state.host, outcome).inc()
        return published

    async def _fetch_and_publish(
        self, client: httpx.AsyncClient, state: FeedState
    ) -> tuple[str, int]:
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            async with client.stream("GET", state.url, headers=headers) as response:
                if response.status_code == 304:
                    self._succeeded(state, None, response.headers)
                    return "304", 0
                if response.status_code >= 400:
                    self._failed(state, response.headers.get("Retry-After"))
                    return f"http_{response.status_code // 100}xx", 0
                body = await self._read_capped(response)
        except httpx.TimeoutException:
            self._failed(state)
            return "timeout", 0
        except (httpx.HTTPError, OSError) as exc:
            self._failed(state)
            log.warning("feed %s: %s", state.url, exc)
            return type(exc).__name__.lower(), 0
        except _TooLarge as exc:
            self._failed(state)
            await self.dead_letter("oversized_feed", str(exc), b"", state.url)
            return "oversized", 0
        if response.url != httpx.URL(state.url) and any(
            r.status_code in (301, 308) for r in response.history
        ):
            log.info("feed %s moved permanently to %s", state.url, response.url)
            state.url = str(response.url)
        parsed = parse_feed(body, state.url, response.headers, now_iso())
        if parsed.error:
            self._failed(state)
            await self.dead_letter("malformed_feed", parsed.error, body, state.url)
            return "malformed", 0
        self._succeeded(state, parsed.ttl_s, response.headers)
        published = 0
        for article in parsed.articles:
            previous = self.seen.get(article.id)
            if previous == article.version:
                self.metrics.feed_items.labels(state.host, "duplicate").inc()
                continue
            await self.publish(article)
            self.seen[article.id] = article.version
            self.metrics.feed_items.labels(
                state.host, "new" if previous is None else "updated"
            ).inc()
            published += 1
        return "200", published

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.settings.max_feed_bytes
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _TooLarge(f"{response.url}: Content-Length {declared} > {cap} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise _TooLarge(f"{response.url}: body over {cap} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    def _succeeded(self, state: FeedState, ttl_s: float | None, headers: httpx.Headers) -> None:
        state.failures = 0
        state.etag = headers.get("ETag") or state.etag
        state.last_modified = headers.get("Last-Modified") or state.last_modified
        hinted = ttl_s or _max_age(headers.get("Cache-Control"))
        interval = hinted or self.settings.poll_interval_s
        s = self.settings
        state.interval_s = min(max(interval, s.min_poll_interval_s), s.max_poll_interval_s)
        state.next_due = time.monotonic() + state.interval_s
        self.metrics.feed_last_success.labels(state.host).set(time.time())

    def _failed(self, state: FeedState, retry_after: str | None = None) -> None:
        state.failures += 1
        s = self.settings
        backoff = min(s.min_poll_interval_s * 2 ** (state.failures - 1), s.max_poll_interval_s)
        delay = _retry_after(retry_after) or backoff * random.uniform(0.8, 1.2)
        state.next_due = time.monotonic() + min(delay, s.max_poll_interval_s)


class _TooLarge(Exception):
    pass


def _max_age(cache_control: str | None) -> float | None:
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "max-age" and value.isdigit():
            return float(value)
    return None


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError):
        return None
