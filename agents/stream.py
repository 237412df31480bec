"""The error policy every stage shares.

`reader(...)` turns one event of a stream (of a `take_events` batch) into its
record, and `batch_reader(...)` into the records of a message that carries
several. Oversized, non-JSON or schema-violating messages are dead-lettered
with their topic/partition/offset and skipped, a bad record of a batch alone;
the stream goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import faust
from faust.types import EventT

from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter_event
from schemas.codec import BadRecord, decode, decode_batch

R = TypeVar("R", bound=faust.Record)


def reader(app: MercatoApp, cls: type[R], stage: str) -> Callable[[EventT], Awaitable[R | None]]:
    """`read(event)`: the event's message as a `cls` record; None once it is dead-lettered.

    The stage's counter is bound once here, not looked up for every message.
    """
    limit = app.settings.max_message_bytes
    received = app.metrics.articles.labels(stage, "in")

    async def read(event: EventT) -> R | None:
        received.inc()
        try:
            return decode(cls, _within(limit, event.value))
        except BadRecord as exc:
            await dead_letter_event(app, stage, exc.reason, exc.detail, event)
            return None

    return read


def batch_reader(
    app: MercatoApp, cls: type[R], stage: str, field: str
) -> Callable[[EventT], Awaitable[list[R]]]:
    """`read(event)`: the good `cls` records of a `{field: [...]}` message.

    The stage counts records, not messages. A bad record is dead-lettered as a
    batch of one under the message's key, so `mercato dlq replay` sends it back
    to the same partition; the others are read.
    """
    limit = app.settings.max_message_bytes
    received = app.metrics.articles.labels(stage, "in")

    async def read(event: EventT) -> list[R]:
        try:
            items = decode_batch(cls, _within(limit, event.value), field)
        except BadRecord as exc:
            received.inc()
            await dead_letter_event(app, stage, exc.reason, exc.detail, event)
            return []
        received.inc(len(items))
        good: list[R] = []
        for item in items:
            if isinstance(item, BadRecord):
                await dead_letter_event(app, stage, item.reason, item.detail, event, item.payload)
            else:
                good.append(item)
        return good

    return read


def _within(limit: int, value: bytes | None) -> bytes | None:
    """`value`, unless it is larger than MERCATO_MAX_MESSAGE_BYTES."""
    if value is not None and len(value) > limit:
        raise BadRecord("oversized", f"{len(value)} bytes > {limit}")
    return value
