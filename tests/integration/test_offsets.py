"""End offsets on the real broker: ListOffsets may stop a batch short, the probe does not."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from pipeline.broker import EmbeddedBroker
from pipeline.offsets import end_offsets


async def test_end_offsets_count_every_record_of_the_last_batch(
    broker: EmbeddedBroker, unique: str
) -> None:
    topic = f"offsets-{unique}"
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap_servers, linger_ms=50)
    await producer.start()
    try:
        # Five records in one batch on partition 0, nothing on partition 1.
        futures = [await producer.send(topic, b"x", partition=0) for _ in range(5)]
        await producer.flush()
        assert [f.result().offset for f in futures] == [0, 1, 2, 3, 4]
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap_servers)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
        ends = await end_offsets(consumer, broker.bootstrap_servers, tps)
    finally:
        await consumer.stop()
    assert ends == {tps[0]: 5, tps[1]: 0}
