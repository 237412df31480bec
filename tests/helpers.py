"""Test helpers: a loopback feed server and a plain downstream consumer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer

from pipeline.demo import serve_directory

__all__ = ["read_topic", "read_until", "serve_directory"]


async def read_until(
    bootstrap: str,
    topic: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 60.0,  # noqa: ASYNC109 - a deadline over many polls, not one await
) -> list[dict[str, Any]]:
    """Read a topic from the start, as a downstream service would, until `done(messages)`.

    Each message is {"key", "value", "partition", "offset"} with the value decoded from JSON.
    """
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=50,
    )
    await consumer.start()
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    try:
        while not done(messages) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for records in batch.values():
                messages += [
                    {
                        "key": r.key.decode() if r.key else None,
                        "value": orjson.loads(r.value) if r.value else None,
                        "partition": r.partition,
                        "offset": r.offset,
                    }
                    for r in records
                ]
    finally:
        await consumer.stop()
    return messages


def read_topic(
    bootstrap: str, topic: str, count: int, timeout: float = 30.0
) -> list[dict[str, Any]]:
    """Synchronously read at least `count` messages (fewer if the timeout expires)."""
    return asyncio.run(read_until(bootstrap, topic, lambda m: len(m) >= count, timeout))
