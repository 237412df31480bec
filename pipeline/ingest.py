"""Polite feed polling: conditional GET, per-feed schedules, backoff, size caps.

`FeedPoller.poll` fetches one feed once and offers the items that are new to
that feed (or changed) to `offer`; a body that is not a feed goes to
`dead_letter`. `FeedScheduler` runs one polling loop per feed this worker
owns and stops them the moment ownership changes. Feed state (validators,
schedule, health, the items of the latest body) is read from and written back
through `load`/`save`, which the agents back with a changelog table.

Error policy: network errors, timeouts and HTTP errors are counted, logged and
retried with exponential backoff and jitter; nothing here stops the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpx

from pipeline.feeds import now_iso, parse_feed
from pipeline.feedstate import FeedState
from pipeline.fulltext import FullTextFetcher
from pipeline.metrics import Metrics
from pipeline.settings import Settings
from schemas.records import RawArticle

log = logging.getLogger(__name__)

Offer = Callable[[RawArticle], Awaitable[None]]
DeadLetterFn = Callable[[str, str, bytes, str], Awaitable[None]]  # reason, detail, payload, key


def http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        timeout=settings.http_timeout_s,
        follow_redirects=True,
    )


@dataclass
class FeedPoller:
    settings: Settings
    metrics: Metrics
    offer: Offer
    dead_letter: DeadLetterFn
    per_host: int = 2
    fulltext: FullTextFetcher | None = None
    _host_limits: dict[str, asyncio.Semaphore] = field(default_factory=dict)
    _slots: asyncio.Semaphore | None = None

    async def poll(self, client: httpx.AsyncClient, state: FeedState) -> int:
        """Fetch one feed once, updating `state`; returns how many items were offered."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.settings.fetch_concurrency)
        limit = self._host_limits.setdefault(state.host, asyncio.Semaphore(self.per_host))
        # Slots first, so a request's deadline starts when it can really be sent.
        async with self._slots, limit:
            state.last_polled = time.time()
            outcome, offered = await self._fetch_and_offer(client, state)
        state.last_outcome = outcome
        self.metrics.feed_polls.labels(state.host, outcome).inc()
        self._export_health(state)
        return offered

    def _export_health(self, state: FeedState) -> None:
        m, feed = self.metrics, state.url
        if state.last_success:
            m.feed_last_success.labels(feed).set(state.last_success)
        if state.last_new_item:
            m.feed_last_new_item.labels(feed).set(state.last_new_item)
        m.feed_failures.labels(feed).set(state.failures)
        m.feed_stale.labels(feed).set(int(state.stale(time.time(), self.settings.stale_factor)))

    async def _fetch_and_offer(
        self, client: httpx.AsyncClient, state: FeedState
    ) -> tuple[str, int]:
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        try:
            # One deadline for the whole exchange: a server that drips a byte at a
            # time would pass every per-read timeout.
            async with (
                asyncio.timeout(self.settings.http_timeout_s),
                client.stream("GET", state.fetch_url, headers=headers) as response,
            ):
                if response.status_code == 304:
                    self._succeeded(state, None, response.headers)
                    return "304", 0
                if response.status_code >= 400:
                    self._failed(state, f"HTTP {response.status_code}", response.headers)
                    return f"http_{response.status_code // 100}xx", 0
                body = await self._read_capped(response)
        except (httpx.TimeoutException, TimeoutError) as exc:
            self._failed(state, f"timeout after {self.settings.http_timeout_s} s")
            log.warning("feed %s: timeout (%s)", state.url, type(exc).__name__)
            return "timeout", 0
        except (httpx.HTTPError, OSError) as exc:
            self._failed(state, f"{type(exc).__name__}: {exc}")
            log.warning("feed %s: %s: %s", state.url, type(exc).__name__, exc)
            return type(exc).__name__.lower(), 0
        except _TooLarge as exc:
            self._failed(state, str(exc))
            await self.dead_letter("oversized_feed", str(exc), b"", state.url)
            return "oversized", 0
        if any(r.status_code in (301, 308) for r in response.history):
            log.info("feed %s moved permanently to %s", state.fetch_url, response.url)
            state.fetch_url = str(response.url)
        parsed = parse_feed(body, state.url, response.headers, now_iso())
        if parsed.error:
            self._failed(state, parsed.error)
            log.warning("feed %s: %s", state.url, parsed.error)
            await self.dead_letter("malformed_feed", parsed.error, body, state.url)
            return "malformed", 0
        self._succeeded(state, parsed.ttl_s, response.headers)
        if parsed.warning:
            log.warning("feed %s: %s", state.url, parsed.warning)
            await self.dead_letter("malformed_feed", parsed.warning, body, state.url)
        if not parsed.articles:
            log.info("feed %s: a valid feed with no items", state.url)
            state.items = {}
            return "empty", 0
        offered = 0
        for article in parsed.articles:
            previous = state.items.get(article.id)
            if previous == article.version:
                self.metrics.feed_items.labels(state.host, "duplicate").inc()
                continue
            if self.fulltext and not article.content and article.url:
                article.content = await self.fulltext.text(client, article.url) or ""
            await self.offer(article)
            state.items[article.id] = article.version
            self.metrics.feed_items.labels(
                state.host, "new" if previous is None else "updated"
            ).inc()
            offered += 1
        if offered:
            state.last_new_item = time.time()
        # Remember exactly the items of this body: bounded by the feed's own size.
        current = {a.id for a in parsed.articles}
        state.items = {k: v for k, v in state.items.items() if k in current}
        return "200", offered

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
        state.last_error = ""
        state.etag = headers.get("ETag") or state.etag
        state.last_modified = headers.get("Last-Modified") or state.last_modified
        hinted = ttl_s or _max_age(headers.get("Cache-Control"))
        interval = hinted or self.settings.poll_interval_s
        s = self.settings
        state.interval_s = min(max(interval, s.min_poll_interval_s), s.max_poll_interval_s)
        state.last_success = time.time()
        state.next_due = state.last_success + state.interval_s

    def _failed(
        self, state: FeedState, error: str, headers: Mapping[str, str] | None = None
    ) -> None:
        state.failures += 1
        state.last_error = error[:500]
        s = self.settings
        backoff = min(s.min_poll_interval_s * 2 ** (state.failures - 1), s.max_poll_interval_s)
        retry_after = _retry_after((headers or {}).get("Retry-After"))
        delay = retry_after if retry_after is not None else backoff * random.uniform(0.8, 1.2)
        state.next_due = time.time() + min(max(delay, 0.0), s.max_poll_interval_s)


@dataclass
class FeedScheduler:
    """One polling loop per owned feed; `sync` starts and stops loops as ownership changes.

    `owned()` gives the URLs of the feeds this worker owns right now (none
    while a rebalance is in progress), `load(url)` a feed's stored state and
    `save(state)` stores it after each poll. A loop re-reads its state before
    each poll, so the schedule survives a takeover by another worker.
    """

    poller: FeedPoller
    owned: Callable[[], set[str]]
    load: Callable[[str], FeedState | None]
    save: Callable[[FeedState], None]
    interval_s: float = 1.0
    _loops: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def polling(self) -> list[str]:
        return sorted(self._loops)

    async def run(self, stop: asyncio.Event, client: httpx.AsyncClient) -> None:
        try:
            while not stop.is_set():
                self.sync(client)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.interval_s)
        finally:
            await self.stop_all()

    def sync(self, client: httpx.AsyncClient) -> None:
        owned = self.owned()
        for url in [u for u, task in self._loops.items() if u not in owned or task.done()]:
            self._loops.pop(url).cancel()
        for url in owned - self._loops.keys():
            self._loops[url] = asyncio.create_task(self._loop(client, url), name=f"poll {url}")
        self.poller.metrics.feeds_owned.set(len(self._loops))

    def pause(self) -> None:
        """Stop polling at once (a rebalance is starting: the feeds may move)."""
        for task in self._loops.values():
            task.cancel()
        self._loops.clear()
        self.poller.metrics.feeds_owned.set(0)

    async def stop_all(self) -> None:
        tasks = list(self._loops.values())
        self.pause()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _loop(self, client: httpx.AsyncClient, url: str) -> None:
        while (state := self.load(url)) is not None:
            delay = state.next_due - time.time()
            if delay > 0:
                await asyncio.sleep(min(delay, self.interval_s))
                continue
            await self.poller.poll(client, state)
            self.save(state)


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
