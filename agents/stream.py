"""The error policy every stage shares.

`records(...)` turns a stream of raw Kafka messages into (event, record)
pairs; `record_of(...)` does it for one event of a batch. Oversized, non-JSON
or schema-violating messages are dead-lettered with their
topic/partition/offset and skipped; the stream goes on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
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
    async for event in stream.events():
        record = await record_of(app, event, cls, stage)
        if record is not None:
            yield event, record


async def record_of(app: MercatoApp, event: EventT, cls: type[R], stage: str) -> R | None:
    """The event's message as a `cls` record; None once it is dead-lettered."""
    app.metrics.articles.labels(stage, "in").inc()
    value = event.value
    limit = app.settings.max_message_bytes
    if value is not None and len(value) > limit:
        await dead_letter_event(app, stage, "oversized", f"{len(value)} bytes > {limit}", event)
        return None
    try:
        return decode(cls, value)
    except BadRecord as exc:
        await dead_letter_event(app, stage, exc.reason, exc.detail, event)
        return None
