"""The error policy every stage shares.

`records(...)` turns a stream of raw Kafka messages into (event, record)
pairs; `reader(...)` gives the same for one event at a time (a batch). Oversized, non-JSON
or schema-violating messages are dead-lettered with their
topic/partition/offset and skipped; the stream goes on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import faust
from faust.types import EventT

from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter_event
from schemas.codec import BadRecord, decode

R = TypeVar("R", bound=faust.Record)


async def records(
    app: MercatoApp, stream: Any, cls: type[R], stage: str
) -> AsyncIterator[tuple[EventT, R]]:
    read = reader(app, cls, stage)
    async for event in stream.events():
        record = await read(event)
        if record is not None:
            yield event, record


def reader(app: MercatoApp, cls: type[R], stage: str) -> Callable[[EventT], Awaitable[R | None]]:
    """`read(event)`: the event's message as a `cls` record; None once it is dead-lettered.

    The stage's counter is bound once here, not looked up for every message.
    """
    limit = app.settings.max_message_bytes
    received = app.metrics.articles.labels(stage, "in")

    async def read(event: EventT) -> R | None:
        received.inc()
        value = event.value
        if value is not None and len(value) > limit:
            await dead_letter_event(app, stage, "oversized", f"{len(value)} bytes > {limit}", event)
            return None
        try:
            return decode(cls, value)
        except BadRecord as exc:
            await dead_letter_event(app, stage, exc.reason, exc.detail, event)
            return None

    return read
