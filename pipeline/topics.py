"""Create Mercato's topics (and the tables' changelogs) before any client touches them.

Creating them explicitly gives every topic the configured partition count
(brokers that auto-create topics pick their own, and Faust refuses tables
whose changelog does not match) and gives the compacted topics their policy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code
from aiokafka.partitioner import murmur2

from pipeline.settings import Settings

log = logging.getLogger(__name__)

_TOPIC_ALREADY_EXISTS = 36


@lru_cache(maxsize=1 << 16)
def partition_of(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner (murmur2, as in Java) gives `key`.

    Workers that own a key by partition (feeds to poll, events to sweep) must
    agree with the producer that wrote it. Cached: an event's key comes back
    with every mention, and murmur2 is pure Python.
    """
    return (murmur2(key) & 0x7FFFFFFF) % partitions


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    compacted: bool = False


def topic_specs(settings: Settings, changelogs: Iterable[str] = ()) -> list[TopicSpec]:
    specs = [
        TopicSpec(settings.topic_raw),
        TopicSpec(settings.topic_tokenized),
        TopicSpec(settings.topic_mentions),
        TopicSpec(settings.topic_events, compacted=True),
        TopicSpec(settings.topic_dlq),
        TopicSpec(settings.topic_feeds, compacted=True),
        TopicSpec(settings.topic_polled),
        TopicSpec(f"{settings.topic_dlq}.replayed", compacted=True),  # pipeline.dlq
    ]
    specs += [TopicSpec(name, compacted=True) for name in changelogs]
    return specs


# The app's tables (agents/): each has a compacted changelog topic.
TABLES = ("events", "feeds", "articles")


def changelog_topics(settings: Settings, tables: Iterable[str] = TABLES) -> list[str]:
    """Faust's changelog names for the app's tables: '<app id>-<table>-changelog'."""
    return [f"{settings.app_id}-{table}-changelog" for table in tables]


async def ensure_topics(settings: Settings, specs: list[TopicSpec] | None = None) -> list[str]:
    """Create missing topics; returns the names created. Existing topics are left alone."""
    specs = specs if specs is not None else topic_specs(settings, changelog_topics(settings))
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        new = [
            NewTopic(
                spec.name,
                num_partitions=settings.partitions,
                replication_factor=settings.replication_factor,
                topic_configs={"cleanup.policy": "compact"} if spec.compacted else {},
            )
            for spec in specs
        ]
        response = await admin.create_topics(new)
    finally:
        await admin.close()
    created = []
    for name, code, *rest in response.topic_errors:
        if code == 0:
            created.append(name)
        elif code != _TOPIC_ALREADY_EXISTS:
            raise for_code(code)(f"cannot create topic {name}: {rest[0] if rest else ''}")
    if created:
        log.info("created topics: %s", ", ".join(created))
    return created
