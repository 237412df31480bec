"""Feed ingestion, scaled out on Kafka: who polls which feed, and publishing once.

mercato.feeds (key: feed URL) --feed-registry--> `feeds` table (FeedState)
owned feeds --poll task--> news.articles.polled (key: article id)
           --admit--> `articles` table --> news.articles.raw (once per id and version)

A feed belongs to the worker that owns its partition of `mercato.feeds`, so a
second worker splits the feeds and a dying worker's feeds are taken over
after the rebalance; polling stops the moment a rebalance starts, so no feed
is polled by two workers at once. Feed state and the published article ids
live in changelog-backed tables: a restart or redeploy republishes nothing.
An article reached through two feeds meets one `admit` partition (keyed by
article id) and is published once; a changed article is published again with
the same id and a new `version`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from agents.stream import reader
from pipeline.app import KeyedWrites, MercatoApp
from pipeline.deadletter import dead_letter, dead_letter_event, send_dead_letter
from pipeline.feedstate import FeedState
from pipeline.fulltext import FullTextFetcher
from pipeline.ingest import FeedPoller, FeedScheduler, http_client
from pipeline.topics import partition_of
from schemas.codec import BadRecord, decode, encode
from schemas.records import FeedSpec, RawArticle

log = logging.getLogger(__name__)


def install(app: MercatoApp) -> None:
    settings, topics, metrics = app.settings, app.topics_, app.metrics
    oversize = settings.max_message_bytes
    # feed URL (bytes) -> FeedState JSON. Written outside the stream by the poll
    # loops, so the changelog partition comes from the key (use_partitioner),
    # which is the key's partition in mercato.feeds too.
    feeds = app.bytes_table("feeds", use_partitioner=True)
    # article id (bytes) -> version published to raw.
    articles = app.bytes_table("articles", use_partitioner=True)
    admitted_out = metrics.articles.labels("ingest", "out")

    @app.agent(topics.feeds, name="feed-registry")
    async def registry(stream):  # type: ignore[no-untyped-def]
        async for event in stream.events():
            # FeedSpec keyed by URL, or a tombstone
            key: bytes = event.key or b""
            if not event.value:
                if key in feeds:
                    del feeds[key]
                    log.info("feed removed: %s", key.decode(errors="replace"))
                continue
            try:
                spec = decode(FeedSpec, event.value)
            except BadRecord as exc:
                await dead_letter_event(app, "ingest", exc.reason, exc.detail, event)
                continue
            stored = feeds.get(key)
            state = (
                FeedState.from_json(stored)
                if stored
                else FeedState(spec.url, added_at=time.time(), interval_s=settings.poll_interval_s)
            )
            if stored is None or state.title != spec.title:
                state.title = spec.title
                feeds[key] = state.to_json()

    # Written in batches of events from several partitions: each write goes
    # under its key's own partition (the key's partition in polled too).
    remember = KeyedWrites(articles, lambda key: partition_of(key, settings.partitions))
    read_polled = reader(app, RawArticle, "admit")

    @app.agent(topics.polled, name="admit")
    async def admit(stream):  # type: ignore[no-untyped-def]
        # Batches: the raw publishes of a batch are acknowledged together, one
        # wait for the broker per batch rather than per article (a backfill offers
        # thousands a second).
        async for batch in stream.take_events(settings.admit_batch, settings.admit_batch_wait_s):
            published: dict[bytes, bytes] = {}  # article id -> version, in this batch
            admitted: list[tuple[RawArticle, str]] = []
            acks = []
            for event in batch:
                # RawArticle keyed by article id, possibly seen through another feed
                article = await read_polled(event)
                if article is None:
                    continue
                key, version = article.id.encode(), article.version.encode()
                previous = published.get(key) or remember.get(key)
                if previous == version:
                    metrics.admitted.labels("duplicate").inc()
                    continue
                value = encode(article)
                if len(value) > oversize:
                    detail = f"article {article.id} is {len(value)} bytes > {oversize}"
                    letter = dead_letter("ingest", "oversized", detail, value[:oversize], key=key)
                    await send_dead_letter(app, letter)
                    continue
                # The polled message's timestamp carries over: poll time for live items,
                # the original publish time for backfilled archives.
                timestamp = event.message.timestamp
                acks.append(await app.publish(topics.raw, key, value, timestamp))
                published[key] = version
                admitted.append((article, "new" if previous is None else "updated"))
            # Published and acknowledged before remembered: a crash in between
            # republishes, never loses.
            await asyncio.gather(*acks)
            for key, version in published.items():
                remember[key] = version
            for article, outcome in admitted:
                metrics.admitted.labels(outcome).inc()
                admitted_out.inc()
                feed_host = urlsplit(article.feed).hostname or "unknown"  # as in feed metrics
                log.info(
                    "article %s v%s from %s published (feed host %s)",
                    article.id,
                    article.version,
                    article.source,
                    feed_host,
                    extra={"article_id": article.id, "feed_host": feed_host},
                )

    async def offer(article: RawArticle) -> None:
        await topics.polled.send(key=article.id.encode(), value=encode(article))

    async def to_dlq(reason: str, detail: str, payload: bytes, key: str) -> None:
        letter = dead_letter("ingest", reason, detail, payload[:oversize], key=key)
        await send_dead_letter(app, letter)

    fulltext = FullTextFetcher(settings, metrics) if settings.fulltext else None
    poller = FeedPoller(settings, metrics, offer, to_dlq, fulltext=fulltext)

    def owned() -> set[str]:
        if not app.tables_ready():
            return set()
        mine = app.active_partitions(settings.topic_feeds)
        return {
            key.decode()
            for key in list(feeds.keys())
            if partition_of(key, settings.partitions) in mine
        }

    def load(url: str) -> FeedState | None:
        stored = feeds.get(url.encode()) if app.tables_ready() else None
        return FeedState.from_json(stored) if stored else None

    def save(state: FeedState) -> None:
        if app.tables_ready() and state.url.encode() in feeds:  # not removed meanwhile
            feeds[state.url.encode()] = state.to_json()

    scheduler = FeedScheduler(poller, owned, load, save, interval_s=settings.feed_sync_interval_s)
    app.scheduler = scheduler  # type: ignore[attr-defined]  # for tests and `feeds status`

    @app.on_partitions_revoked.connect
    async def stop_polling(sender: Any, /, *_: Any, signal: Any, **__: Any) -> None:
        scheduler.pause()

    @app.task
    async def poll_feeds() -> None:
        stop = asyncio.Event()
        async with http_client(settings) as client:
            try:
                await scheduler.run(stop, client)
            finally:
                stop.set()
