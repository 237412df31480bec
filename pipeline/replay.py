"""Re-process retained raw articles from a point in time: `mercato replay`.

After an extractor improvement or an outage, the articles already in
`news.articles.raw` are read again from `--from` (offsets looked up by time,
and every message's timestamp checked too, since some brokers answer a
lookup past the end with offset 0), tokenized and extracted in this process,
and their mentions are sent to `transfers.mentions`. The live dedupe stage
folds them in: a mention it has already counted changes nothing, a new or
corrected one makes a new version, so events are never duplicated and never
diverge from what the workers publish. With `--target TOPIC` the events are
built here instead, from the replayed mentions alone, and published to
TOPIC for a side-by-side comparison.

Resumable: the replay commits its progress in its own consumer group, named
after the window and target, so running the same command again goes on where
an interrupted one stopped (target mode rebuilds its events, so it restarts
from `--from`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from agents.extract import mention_messages, mentions_of, roster_of
from agents.tokenize import prepare_article
from pipeline.offsets import end_offsets
from pipeline.settings import Settings
from schemas.codec import BadRecord, decode, encode
from schemas.records import Mention, RawArticle, TransferEvent
from transfers.state import Change, EventState


def parse_time(text: str) -> int:
    """ISO 8601 date or date-time (UTC unless it gives an offset) to a Kafka timestamp (ms)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)


@dataclass
class Window:
    start_ms: int
    end_ms: int | None
    target: str | None = None

    def group(self, app_id: str) -> str:
        label = f"{self.start_ms}-{self.end_ms}-{self.target or 'live'}"
        return f"{app_id}-replay-{hashlib.blake2b(label.encode(), digest_size=6).hexdigest()}"

    def holds(self, timestamp_ms: int) -> bool:
        return timestamp_ms >= self.start_ms and (self.end_ms is None or timestamp_ms < self.end_ms)


@dataclass
class ReplayResult:
    in_window: int = 0  # raw messages in the time window (what --dry-run reports)
    articles: int = 0
    mentions: int = 0
    events: int = 0  # event versions published (target mode)
    unreadable: int = 0
    per_partition: dict[int, int] = field(default_factory=dict)


async def replay(
    settings: Settings,
    window: Window,
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,  # (done, total)
) -> ReplayResult:
    servers = settings.kafka_bootstrap_servers
    consumer = AIOKafkaConsumer(
        bootstrap_servers=servers,
        group_id=None if window.target else window.group(settings.app_id),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=50,
    )
    await consumer.start()
    producer = AIOKafkaProducer(
        bootstrap_servers=servers,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_batch_bytes,
    )
    await producer.start()
    result = ReplayResult()
    states: dict[str, EventState] = {}
    try:
        await consumer.topics()
        partitions = sorted(consumer.partitions_for_topic(settings.topic_raw) or ())
        tps = [TopicPartition(settings.topic_raw, p) for p in partitions]
        consumer.assign(tps)
        ends = await end_offsets(consumer, servers, tps)
        starts = await _start_offsets(consumer, tps, window, resume=not window.target)
        total = sum(max(ends[tp] - starts[tp], 0) for tp in tps)
        done = 0
        pending = {tp for tp in tps if starts[tp] < ends[tp]}
        for tp in pending:
            consumer.seek(tp, starts[tp])
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=200, max_records=500)
            found: list[tuple[bytes, bytes]] = []  # (event id, Mention) for the live stage
            for tp, messages in batches.items():
                for message in messages:
                    if message.offset >= ends[tp]:
                        continue
                    done += 1
                    if not window.holds(message.timestamp):
                        continue
                    result.in_window += 1
                    result.per_partition[tp.partition] = (
                        result.per_partition.get(tp.partition, 0) + 1
                    )
                    if not dry_run:
                        found += await _process(
                            message.value, producer, settings, window, states, result
                        )
            if not dry_run:
                for key, value in mention_messages(found, settings):
                    await producer.send(settings.topic_mentions, value, key=key)  # MentionBatch
                await producer.flush()
                if not window.target:
                    await consumer.commit()
            if progress:
                progress(done, total)
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
    finally:
        await producer.stop()
        await consumer.stop()
    return result


async def _start_offsets(
    consumer: AIOKafkaConsumer, tps: list[TopicPartition], window: Window, *, resume: bool
) -> dict[TopicPartition, int]:
    found = await consumer.offsets_for_times({tp: window.start_ms for tp in tps})
    beginning = await consumer.beginning_offsets(tps)
    starts = {tp: (found[tp].offset if found.get(tp) else beginning[tp]) for tp in tps}
    if resume:
        for tp in tps:
            committed = await consumer.committed(tp)
            if committed is not None:
                starts[tp] = max(starts[tp], committed)
    return starts


async def _process(
    value: bytes | None,
    producer: AIOKafkaProducer,
    settings: Settings,
    window: Window,
    states: dict[str, EventState],
    result: ReplayResult,
) -> list[tuple[bytes, bytes]]:
    """Target mode: fold and publish the events. Otherwise: the (event id, Mention) to send."""
    try:
        article = decode(RawArticle, value)
    except BadRecord:
        result.unreadable += 1  # the live tokenize stage dead-lettered it already
        return []
    result.articles += 1
    doc, tokenized = prepare_article(article)
    found: list[tuple[bytes, bytes]] = []
    for mention in mentions_of(tokenized, roster_of(settings.roster), doc):
        result.mentions += 1
        if window.target is None:
            found.append((mention.event_id.encode(), encode(mention)))
        elif fold(states, mention) is Change.MATERIAL:
            view = states[mention.event_id].view()
            await producer.send(
                window.target, encode(TransferEvent(**view)), key=mention.event_id.encode()
            )
            result.events += 1
    return found


def fold(states: dict[str, EventState], mention: Mention) -> Change:
    """Fold a mention into the in-memory events of a replay (or a benchmark's baseline)."""
    state = states.get(mention.event_id)
    if state is None:
        state = states[mention.event_id] = EventState(mention.event_id, mention.person_key)
    return state.apply(mention)


def dumps(result: ReplayResult) -> str:
    return orjson.dumps(result.__dict__, option=orjson.OPT_NON_STR_KEYS).decode()
