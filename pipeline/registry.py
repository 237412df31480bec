"""The feed list in Kafka: `mercato.feeds`, and reading compacted topics to their end.

The feed list is a compacted topic keyed by feed URL, so every worker sees
the same list, its partitions decide which worker polls which feed, and
`mercato feeds` can change it while workers run. A run given a feed list makes
the topic match it (new feeds added, missing ones removed with tombstones); a
run with no list keeps what the topic holds, or loads the bundled list when
the topic is empty.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer

from pipeline.feeds import BUNDLED_FEEDS, iso, load_feed_entries
from pipeline.feedstate import FeedState
from pipeline.offsets import read_to_end
from pipeline.settings import Settings
from pipeline.topics import changelog_topics
from schemas.codec import BadRecord, decode, encode
from schemas.records import FeedSpec

log = logging.getLogger(__name__)


async def read_compacted(settings: Settings, topic: str) -> dict[bytes, bytes]:
    """The latest value of every key of `topic`, read to its end (tombstones drop keys)."""
    latest: dict[bytes, bytes] = {}
    for message in await read_to_end(settings.kafka_bootstrap_servers, topic):
        key = message.key or b""
        if message.value:
            latest[key] = message.value
        else:
            latest.pop(key, None)
    return latest


async def current_feeds(settings: Settings) -> dict[str, FeedSpec]:
    feeds = {}
    for key, value in (await read_compacted(settings, settings.topic_feeds)).items():
        try:
            feeds[key.decode()] = decode(FeedSpec, value)
        except (BadRecord, UnicodeDecodeError) as exc:
            log.warning("mercato.feeds: unreadable entry %r: %s", key[:200], exc)
    return feeds


@dataclass(frozen=True, slots=True)
class FeedListChange:
    added: list[str]
    updated: list[str]
    removed: list[str]
    kept: int


async def publish_feeds(
    settings: Settings, entries: dict[str, str], *, replace: bool
) -> FeedListChange:
    """Make `mercato.feeds` hold `entries` (URL -> title); `replace` removes the others."""
    current = await current_feeds(settings)
    added = [url for url in entries if url not in current]
    updated = [url for url in entries if url in current and current[url].title != entries[url]]
    removed = sorted(set(current) - set(entries)) if replace else []
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        for url in added + updated:
            value = encode(FeedSpec(url=url, title=entries[url]))
            await producer.send(settings.topic_feeds, key=url.encode(), value=value)
        for url in removed:
            await producer.send(settings.topic_feeds, key=url.encode(), value=None)
        await producer.flush()
    finally:
        await producer.stop()
    kept = len(current) - len(updated) - len(removed)
    return FeedListChange(added, updated, removed, kept)


async def register_feed_list(settings: Settings) -> FeedListChange:
    """What a run does with the feed list (see the module docstring)."""
    if settings.feeds_file:
        entries = load_feed_entries(Path(settings.feeds_file))
        return await publish_feeds(settings, entries, replace=True)
    current = await current_feeds(settings)
    if current:
        return FeedListChange(added=[], updated=[], removed=[], kept=len(current))
    return await publish_feeds(settings, load_feed_entries(BUNDLED_FEEDS), replace=False)


async def feed_states(settings: Settings, now: float | None = None) -> list[dict[str, Any]]:
    """Every listed feed with its stored state and health (ok, failing, stale, new), worst first.

    Read from the `feeds` table's changelog, so it works with no worker running.
    """
    now = time.time() if now is None else now
    listed = await current_feeds(settings)
    stored = await read_compacted(settings, changelog_topics(settings, ["feeds"])[0])
    rows = []
    for url, spec in listed.items():
        raw = stored.get(url.encode())
        state = FeedState.from_json(raw) if raw else FeedState(url, title=spec.title)
        if not state.last_polled:
            health = "new"
        elif state.failures:
            health = "failing"
        elif state.stale(now, settings.stale_factor):
            health = "stale"
        else:
            health = "ok"
        rows.append(
            {
                "url": url,
                "title": spec.title,
                "health": health,
                "last_success": _when(state.last_success),
                "last_new_item": _when(state.last_new_item),
                "failures": state.failures,
                "last_outcome": state.last_outcome,
                "last_error": state.last_error,
                "interval_s": state.interval_s,
                "fetch_url": state.fetch_url,
            }
        )
    order = {"failing": 0, "stale": 1, "new": 2, "ok": 3}
    return sorted(rows, key=lambda r: (order[r["health"]], r["url"]))


def _when(ts: float | None) -> str | None:
    return iso(ts) if ts else None
