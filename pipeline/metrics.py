"""All Mercato metrics in one object, created against an explicit registry.

Each test builds its own `Metrics()` with a fresh registry; the worker passes
the same registry to Faust's own sensors. Names follow Prometheus conventions:
`mercato_` prefix, `_total` counters, `_seconds` durations, and labels of low
cardinality only (stage, reason, outcome, feed host; never article ids).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
_EXTRACT_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1)


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
        self.feed_last_success = Gauge(
            "mercato_feed_last_success_timestamp_seconds",
            "Unix time of the last successful poll of a feed (staleness = now - this).",
            ["host"],
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
        self.dead_letters = Counter(
            "mercato_dead_letters_total",
            "Messages sent to the dead-letter topic, by stage and reason.",
            ["stage", "reason"],
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
