"""What Mercato remembers about one feed, kept in Kafka so it survives restarts.

A `FeedState` lives in the `feeds` table (changelog-backed, keyed by the feed
URL as configured). Whichever worker owns the feed's partition reads it,
polls, and writes it back: validators for conditional GET, the schedule, the
failure count, health timestamps, and the ids and versions of the items in the
feed's latest body, so an item seen in an earlier poll is never offered again,
even by a worker that has just taken the feed over.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

# A feed with no new item for less than this is never called stale, whatever its interval.
MIN_STALE_SECONDS = 3600.0


@dataclass(slots=True)
class FeedState:
    url: str  # as configured: the table key, never changed
    fetch_url: str = ""  # where it is fetched now (permanent redirects update it)
    title: str = ""
    etag: str | None = None
    last_modified: str | None = None
    interval_s: float = 300.0
    failures: int = 0  # consecutive
    next_due: float = 0.0  # Unix time: a worker taking the feed over keeps the schedule
    added_at: float = 0.0
    last_polled: float | None = None
    last_success: float | None = None
    last_new_item: float | None = None
    last_outcome: str = ""
    last_error: str = ""
    items: dict[str, str] = field(default_factory=dict)  # article id -> version, latest body

    def __post_init__(self) -> None:
        self.fetch_url = self.fetch_url or self.url

    @property
    def host(self) -> str:
        return urlsplit(self.fetch_url).hostname or "unknown"

    def stale(self, now: float, factor: float) -> bool:
        """No new item for `factor` poll intervals (at least an hour) since it was added."""
        since = self.last_new_item or self.added_at
        if not since:
            return False
        return now - since > max(factor * self.interval_s, MIN_STALE_SECONDS)

    def to_json(self) -> bytes:
        return orjson.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, data: bytes) -> FeedState:
        values: dict[str, Any] = orjson.loads(data)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})
