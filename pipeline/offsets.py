"""Log-end offsets that are right on every broker.

`ListOffsets(LATEST)` is the usual way to ask where a partition ends; the
embedded broker answers it with the base offset of the last record batch
instead of the log-end offset (BROKER_NOTES quirk 1), so anything that reads
"up to the end" (Faust's table recovery, `mercato feeds status`, replays)
would stop one batch short. The high watermark in a Fetch response is right
everywhere, so we fetch once from the reported end and take the watermark:
on Apache Kafka that fetch is empty and confirms the reported offset.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition


async def log_end_offsets(
    bootstrap_servers: str | list[str],
    reported: Mapping[TopicPartition, int],
    *,
    timeout_s: float = 10.0,
) -> dict[TopicPartition, int]:
    """The log-end offset of each partition, probed from `reported` (ListOffsets' answer)."""
    tps = [TopicPartition(tp.topic, tp.partition) for tp in reported]
    if not tps:
        return {}
    probe = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
        max_partition_fetch_bytes=1024,  # only the watermark is wanted
    )
    await probe.start()
    try:
        probe.assign(tps)
        for tp in tps:
            probe.seek(tp, max(reported[tp], 0))
        deadline = time.monotonic() + timeout_s
        while any(probe.highwater(tp) is None for tp in tps):
            if time.monotonic() > deadline:
                missing = [tp for tp in tps if probe.highwater(tp) is None]
                raise TimeoutError(f"no fetch response for {missing} in {timeout_s} s")
            await probe.getmany(*tps, timeout_ms=50, max_records=1)
            await asyncio.sleep(0)
        return {tp: max(int(probe.highwater(tp)), reported[tp]) for tp in tps}
    finally:
        await probe.stop()


async def end_offsets(
    consumer: AIOKafkaConsumer, bootstrap_servers: str | list[str], tps: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """ListOffsets through `consumer`, corrected by `log_end_offsets`."""
    reported = await consumer.end_offsets(tps)
    return await log_end_offsets(bootstrap_servers, reported)


async def caught_up(bootstrap_servers: str, group_id: str, topics: list[str]) -> bool:
    """Whether consumer group `group_id` has committed every message of `topics`.

    Faust commits an offset only once its agent is done with the message, so
    this says that nothing is in flight any more, which no "unchanged for a
    while" check can say on a loaded machine; and it costs the workers nothing.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group_id, enable_auto_commit=False
    )
    await consumer.start()
    try:
        await consumer.topics()
        tps = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        ends = await end_offsets(consumer, bootstrap_servers, tps)
        for tp in tps:
            if ends[tp] > (await consumer.committed(tp) or 0):
                return False
        return bool(tps)
    finally:
        await consumer.stop()


async def read_to_end(bootstrap_servers: str, topic: str) -> list[ConsumerRecord[bytes, bytes]]:
    """Every message of `topic` from the beginning to its end now, partition by partition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, fetch_max_wait_ms=50
    )
    await consumer.start()
    try:
        await consumer.topics()  # refreshes metadata, so a topic created just now is known
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        ends = await end_offsets(consumer, bootstrap_servers, tps)
        await consumer.seek_to_beginning(*tps)
        messages: list[ConsumerRecord[bytes, bytes]] = []
        pending = {tp for tp in tps if ends[tp] > 0}
        while pending:
            batches = await consumer.getmany(*pending, timeout_ms=200)
            for batch in batches.values():
                messages += batch
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return [m for m in messages if m.offset < ends[TopicPartition(m.topic, m.partition)]]
    finally:
        await consumer.stop()
