"""The Faust app factory.

`create_app(settings)` gives an app with Mercato's topics, metrics and Faust
sensors wired in, but no stages: `agents.install(app)` adds those (see
`pipeline.runtime.build`). Keeping the two apart lets tests build an app with
any settings and install the stages into it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.streams import _current_event
from faust.types import TableT, TransportT
from prometheus_client import CollectorRegistry, Histogram

from pipeline.metrics import Metrics
from pipeline.settings import Settings
from pipeline.transport import Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Topics:
    """The app's topic handles, named by settings."""

    raw: faust.TopicT
    tokenized: faust.TopicT
    mentions: faust.TopicT
    events: faust.TopicT
    dlq: faust.TopicT
    feeds: faust.TopicT
    polled: faust.TopicT


class MercatoApp(faust.App):
    """A Faust app that carries its settings, topics and metrics."""

    settings: Settings
    metrics: Metrics
    topics_: Topics

    def bytes_table(self, name: str, **options: Any) -> TableT:
        """A compacted, changelog-backed table of bytes keys and values (orjson inside).

        The key and value types make Faust write and recover the changelog as
        raw bytes; a `Schema` alone is not enough (recovery would parse JSON).
        """
        return self.Table(
            name,
            default=None,
            key_type=bytes,
            value_type=bytes,
            extra_topic_configs={"cleanup.policy": "compact"},
            **options,
        )

    async def publish(
        self, topic: faust.TopicT, key: bytes, value: bytes, timestamp: float | None = None
    ) -> Awaitable[Any]:
        """Hand one message to the producer, without Faust's per-message channel work.

        `Topic.send` wraps every message in a FutureMessage, a sensor state and
        a callback, which the stages do not use (without them, pipeline/bare went
        from 0.55 to 0.70 on 4,000 articles).
        The guarantee is the same: Faust flushes the producer before it commits
        the offsets of the input that caused the message. A failed delivery is
        logged and counted, as Faust does for its own sends. Returns the delivery,
        for a stage that must know the broker has the message (admit).
        """
        delivery = await self.producer.send(
            topic.get_topic_name(), key, value, None, timestamp, None
        )
        delivery.add_done_callback(self._delivered)  # type: ignore[attr-defined]
        return delivery

    def _delivered(self, delivery: asyncio.Future[Any]) -> None:
        if not delivery.cancelled() and delivery.exception() is not None:
            self.metrics.send_errors.inc()
            log.error("a message was not delivered: %r", delivery.exception())

    def tables_ready(self) -> bool:
        """No rebalance under way and the tables recovered: table state may be used."""
        recovery = self.tables.recovery  # type: ignore[attr-defined]
        return not self.rebalancing and bool(recovery.completed.is_set())

    def active_partitions(self, topic: str) -> set[int]:
        """Partitions of `topic` this worker actively owns (not its standby copies)."""
        return {tp.partition for tp in self.assignor.assigned_actives() if tp.topic == topic}

    def _new_transport(self) -> TransportT:
        return Transport(self.conf.broker_consumer, self, loop=self.loop)

    def _new_producer_transport(self) -> TransportT:
        return Transport(self.conf.broker_producer, self, loop=self.loop)


class KeyedWrites(MutableMapping[bytes, bytes]):
    """A table of a `use_partitioner` kind, written under each key's own partition.

    Faust's RocksDB store files a write under the partition of the stream
    event being processed (`faust.streams.current_event`). Writes made outside
    one (the sweep's timer, the write before a commit), or in a batch whose
    events come from several partitions, need the key's own partition
    instead: each write runs with a stand-in event that carries only it. The
    memory store does not look.
    """

    def __init__(self, table: TableT, partition_of: Callable[[bytes], int]) -> None:
        self.table = table
        self.partition_of = partition_of

    def __getitem__(self, key: bytes) -> bytes:
        value: bytes = self.table[key]
        return value

    def get(self, key: bytes, default: Any = None) -> Any:
        return self.table.get(key, default)

    def __setitem__(self, key: bytes, value: bytes) -> None:
        stand_in = _PartitionOnly(self.partition_of(key))
        token = _current_event.set(weakref.ref(stand_in))  # type: ignore[arg-type]
        try:
            self.table[key] = value
        finally:
            _current_event.reset(token)

    def __delitem__(self, key: bytes) -> None:
        del self.table[key]  # the store finds the key's partition itself

    def __contains__(self, key: object) -> bool:
        return key in self.table

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


class _PartitionOnly:
    """What the RocksDB store reads of the current event: `message.partition`."""

    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition)


def broker_urls(servers: str) -> list[str]:
    return [f"kafka://{host.strip()}" for host in servers.split(",") if host.strip()]


def create_app(settings: Settings, metrics: Metrics | None = None, **overrides: Any) -> MercatoApp:
    """A configured app; `overrides` are extra Faust settings (tests use them)."""
    if settings.embedded:
        raise ValueError(
            "create_app needs broker addresses: start the embedded broker first "
            "(pipeline.runtime does) or set KAFKA_BOOTSTRAP_SERVERS"
        )
    conf: dict[str, Any] = {
        "broker": broker_urls(settings.kafka_bootstrap_servers),
        "store": settings.table_store,
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        "processing_guarantee": settings.processing_guarantee,
        "broker_session_timeout": settings.session_timeout_s,
        "broker_heartbeat_interval": max(settings.session_timeout_s / 10, 0.5),
        "broker_rebalance_timeout": settings.session_timeout_s * 2,
        "broker_commit_interval": settings.commit_interval_s,
        "producer_linger": settings.producer_linger_ms / 1000,
        "producer_max_batch_size": settings.producer_batch_bytes,
        "consumer_auto_offset_reset": "earliest",
        "web_bind": settings.metrics_host,
        "web_port": settings.metrics_port,
        "web_host": settings.metrics_host,
        "datadir": str(settings.data_path / settings.app_id),
        "autodiscover": False,
        "stream_wait_empty": False,  # stages are idempotent; shut down promptly
    }
    conf.update(overrides)
    app = MercatoApp(settings.app_id, **conf)
    app.settings = settings
    app.metrics = metrics or Metrics()
    _faust_sensors(app, app.metrics.registry)
    app.topics_ = Topics(
        raw=_bytes_topic(app, settings.topic_raw),
        tokenized=_bytes_topic(app, settings.topic_tokenized),
        mentions=_bytes_topic(app, settings.topic_mentions),
        events=_bytes_topic(app, settings.topic_events),
        dlq=_bytes_topic(app, settings.topic_dlq),
        feeds=_bytes_topic(app, settings.topic_feeds),
        polled=_bytes_topic(app, settings.topic_polled),
    )
    return app


class _MillisecondsToSeconds:
    """Faust observes event runtimes in ms; Prometheus wants base units."""

    def __init__(self, histogram: Histogram) -> None:
        self.histogram = histogram

    def observe(self, milliseconds: float) -> None:
        self.histogram.observe(milliseconds / 1000)


def _faust_sensors(app: MercatoApp, registry: CollectorRegistry) -> None:
    """Faust's own sensors on our registry, with its one non-conventional name fixed.

    `events_runtime_ms` fails `promtool check metrics` (abbreviated unit), so it
    is replaced by `mercato_faust_events_runtime_seconds`.
    """
    setup_prometheus_sensors(app, registry=registry, name_prefix="mercato_faust")
    monitor: Any = app.monitor
    metrics = monitor._metrics
    registry.unregister(metrics.events_runtime_latency)
    seconds = Histogram(
        "mercato_faust_events_runtime_seconds",
        "Time an agent spent on one event.",
        buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        registry=registry,
    )
    monitor._metrics = metrics._replace(events_runtime_latency=_MillisecondsToSeconds(seconds))


def _bytes_topic(app: faust.App, name: str) -> faust.TopicT:
    """Keys and values travel as bytes; `schemas.codec` encodes and validates them.

    Decoding in the stage rather than in Faust means a poison message reaches
    the stage's error policy (dead-letter topic) instead of killing the stream,
    and the JSON carries no Faust-specific metadata for other consumers.
    """
    return app.topic(name, key_serializer="raw", value_serializer="raw")
