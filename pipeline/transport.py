"""Faust's aiokafka transport with a configurable worker fetch wait.

Faust hard-codes `fetch_max_wait_ms=1500` for the worker consumer. On brokers
that do not wake a waiting fetch when data arrives (the embedded one), that is
up to 1.5 s per hop; on Apache Kafka a shorter wait only costs a few idle
requests. `MERCATO_FETCH_MAX_WAIT_MS` sets it.

It also corrects the end offsets Faust's table recovery reads up to
(`pipeline.offsets`): otherwise a restarted worker on the embedded broker can
recover a table without its last changelog records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import aiokafka
from faust.transport.drivers import aiokafka as driver
from faust.types import TP, ConsumerT

from pipeline.offsets import log_end_offsets


class _ConsumerThread(driver.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        wait_ms = getattr(self.app, "settings", None)
        if wait_ms is not None:
            # aiokafka reads this when it builds its Fetcher in start().
            consumer._fetch_max_wait_ms = self.app.settings.fetch_max_wait_ms  # type: ignore[attr-defined]
        return consumer

    async def _highwaters(self, partitions: list[TP]) -> Mapping[TP, int]:
        reported = await super()._highwaters(partitions)
        settings = getattr(self.app, "settings", None)
        if settings is None or self.consumer.in_transaction or not reported:
            return reported
        ends = await log_end_offsets(settings.kafka_bootstrap_servers, reported)
        return {TP(tp.topic, tp.partition): offset for tp, offset in ends.items()}


class _Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(driver.Transport):
    Consumer: ClassVar[type[ConsumerT]] = _Consumer
