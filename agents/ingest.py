"""Feed ingestion as a worker task: poll feeds, publish new articles to raw."""

from __future__ import annotations

import asyncio
import logging

from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter, send_dead_letter
from pipeline.feeds import BUNDLED_FEEDS, load_feed_list
from pipeline.ingest import FeedPoller
from schemas.codec import encode
from schemas.records import RawArticle

log = logging.getLogger(__name__)


def install(app: MercatoApp) -> None:
    settings = app.settings
    oversize = settings.max_message_bytes

    async def publish(article: RawArticle) -> None:
        value = encode(article)
        if len(value) > oversize:
            detail = f"article {article.id} is {len(value)} bytes > {oversize}"
            await send_dead_letter(
                app, dead_letter("ingest", "oversized", detail, value, key=article.id)
            )
            return
        await app.topics_.raw.send(key=article.id, value=value)
        app.metrics.articles.labels("ingest", "out").inc()

    async def to_dlq(reason: str, detail: str, payload: bytes, key: str) -> None:
        letter = dead_letter("ingest", reason, detail, payload[:oversize], key=key)
        await send_dead_letter(app, letter)

    poller = FeedPoller(settings, app.metrics, publish, to_dlq)
    app.poller = poller  # type: ignore[attr-defined]  # for the demo's progress view

    @app.task
    async def ingest_feeds() -> None:
        urls = load_feed_list(settings.feeds_file or BUNDLED_FEEDS)
        log.info("polling %d feeds", len(urls))
        stop = asyncio.Event()
        try:
            await poller.run(urls, stop)
        finally:
            stop.set()
