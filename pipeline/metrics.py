"""All Mercato metrics in one object, created against an explicit registry.

Each test builds its own `Metrics()` with a fresh registry; the worker passes
the same registry to Faust's own sensors. Names follow Prometheus conventions:
`mercato_` prefix, `_total` counters, `_seconds` durations, and labels of low
cardinality only (stage, reason, outcome, feed host; never article ids). Two
families name clubs and people, with their bounds explained beside them.
"""

from __future__ import annotations

import urllib.request

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
_EXTRACT_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1)
OFFICIAL_DEALS_KEPT = 20  # series of mercato_official_deal_timestamp_seconds per worker


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.feed_polls = Counter(
            "mercato_feed_polls_total",
            "Feed polls by outcome (200, 304, http_4xx, http_5xx, timeout, error class).",
            ["host", "outcome"],
            registry=r,
        )
        self.feed_items = Counter(
            "mercato_feed_items_total",
            "Feed items by outcome: new, updated, duplicate.",
            ["host", "outcome"],
            registry=r,
        )
        # Per-feed health: the feed label is the URL as configured, bounded by the feed list.
        self.feed_last_success = Gauge(
            "mercato_feed_last_success_timestamp_seconds",
            "Unix time of the last successful poll of a feed.",
            ["feed"],
            registry=r,
        )
        self.feed_last_new_item = Gauge(
            "mercato_feed_last_new_item_timestamp_seconds",
            "Unix time a feed last had a new or changed item.",
            ["feed"],
            registry=r,
        )
        self.feed_failures = Gauge(
            "mercato_feed_consecutive_failures",
            "Failed polls of a feed since its last success.",
            ["feed"],
            registry=r,
        )
        self.feed_stale = Gauge(
            "mercato_feed_stale",
            "1 when a feed has had no new item for MERCATO_FEED_STALE_FACTOR poll intervals.",
            ["feed"],
            registry=r,
        )
        self.feeds_owned = Gauge(
            "mercato_feeds_polled",
            "Feeds this worker polls (those of the feed-topic partitions it owns).",
            registry=r,
        )
        self.admitted = Counter(
            "mercato_articles_admitted_total",
            "Items offered by the pollers, by outcome: new, updated (new version), "
            "duplicate (already published, e.g. through another feed).",
            ["outcome"],
            registry=r,
        )
        self.fulltext = Counter(
            "mercato_fulltext_fetches_total",
            "Article-page fetches for full text, by outcome.",
            ["outcome"],
            registry=r,
        )
        self.articles = Counter(
            "mercato_stage_messages_total",
            "Messages handled per stage and direction (in, out).",
            ["stage", "direction"],
            registry=r,
        )
        self.extract_seconds = Histogram(
            "mercato_extract_duration_seconds",
            "Time to tokenize or extract one article.",
            ["stage"],
            buckets=_EXTRACT_BUCKETS,
            registry=r,
        )
        self.events = Counter(
            "mercato_events_emitted_total",
            "Event versions published to the events topic, by stage and kind.",
            ["stage", "kind"],
            registry=r,
        )
        self.dedupe_mentions = Counter(
            "mercato_dedupe_mentions_total",
            "Mentions reaching the dedupe stage, by outcome: material (version published), "
            "quiet (published by the next sweep), none (already counted), late (older than "
            "the TTL for an event no longer held).",
            ["outcome"],
            registry=r,
        )
        self.events_expired = Counter(
            "mercato_events_expired_total",
            "Events with no mention for MERCATO_EVENT_TTL_S: final version sent, state dropped.",
            registry=r,
        )
        self.dead_letters = Counter(
            "mercato_dead_letters_total",
            "Messages sent to the dead-letter topic, by stage and reason.",
            ["stage", "reason"],
            registry=r,
        )
        self.send_errors = Counter(
            "mercato_send_errors_total",
            "Messages the producer failed to deliver (after its own retries); each is logged.",
            registry=r,
        )
        self.end_to_end = Histogram(
            "mercato_end_to_end_latency_seconds",
            "From article fetched to event version emitted.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.consumer_lag = Gauge(
            "mercato_consumer_lag_messages",
            "Messages not yet processed by this worker, per assigned topic partition "
            "(high watermark from the last fetch minus the consumer position).",
            ["topic", "partition"],
            registry=r,
        )
        self.table_keys = Gauge(
            "mercato_table_keys",
            "Keys held by this worker in each state table.",
            ["table"],
            registry=r,
        )
        # Cardinality: `club` is a gazetteer canonical name (nlp/data/clubs.toml, ~300
        # clubs), direction is in|out and stage one of nlp.types.STAGES: bounded by the
        # gazetteer, a few thousand series at the very most. Never a free-text club name.
        self.club_moves = Counter(
            "mercato_club_moves_total",
            "Events reaching a new stage, per club: direction in = buying (to_club), "
            "out = selling (from_club).",
            ["club", "direction", "stage"],
            registry=r,
        )
        # Person names are unbounded, so this gauge keeps only the newest
        # OFFICIAL_DEALS_KEPT deals of this worker: older series are removed (see
        # `official_deal`), so it never holds more than that many series.
        self.official_deals = Gauge(
            "mercato_official_deal_timestamp_seconds",
            f"The newest {OFFICIAL_DEALS_KEPT} official deals seen by this worker: "
            "Unix time of the official announcement, per person, clubs and kind.",
            ["person", "from_club", "to_club", "kind"],
            registry=r,
        )
        self._deals: dict[tuple[str, str, str, str], float] = {}

    def event_reached_stage(
        self,
        stage: str,
        from_club: str | None,
        to_club: str | None,
    ) -> None:
        """Count an event's move to a new stage for the clubs it names."""
        if to_club:
            self.club_moves.labels(to_club, "in", stage).inc()
        if from_club:
            self.club_moves.labels(from_club, "out", stage).inc()

    def official_deal(
        self, person: str, from_club: str | None, to_club: str | None, kind: str, when: float
    ) -> None:
        """Record an official deal made at `when` (Unix time), keeping the newest few.

        Beyond OFFICIAL_DEALS_KEPT deals the one with the oldest announcement is
        removed from the gauge, whatever order deals arrive in (a replay may
        deliver old ones late): that one may be the deal just recorded.
        """
        key = (person, from_club or "unknown", to_club or "unknown", kind)
        self._deals[key] = max(when, self._deals.get(key, when))
        self.official_deals.labels(*key).set(self._deals[key])
        while len(self._deals) > OFFICIAL_DEALS_KEPT:
            oldest = min(self._deals, key=lambda deal: (self._deals[deal], deal))
            del self._deals[oldest]
            self.official_deals.remove(*oldest)


def scrape(port: int | str, host: str = "127.0.0.1") -> Samples:
    """A running worker's /metrics as {(sample name, sorted labels): value}; {} if unreachable.

    For the benchmarks and tests that watch a worker from outside.
    """
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return {}
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: Samples, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))
