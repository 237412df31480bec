"""The error policy every stage shares, as one stream helper.

`records(...)` turns a stream of raw Kafka messages into (event, record)
pairs. Oversized, non-JSON or schema-violating messages are dead-lettered
with their topic/partition/offset and skipped; the stream goes on.
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
    limit = app.settings.max_message_bytes
    received = app.metrics.articles.labels(stage, "in")
    async for event in stream.events():
        received.inc()
        value = event.value
        if value is not None and len(value) > limit:
            detail = f"{len(value)} bytes > {limit}"
            await dead_letter_event(app, stage, "oversized", detail, event)
            continue
        try:
            record = decode(cls, value)
        except BadRecord as exc:
            await dead_letter_event(app, stage, exc.reason, exc.detail, event)
            continue
        yield event, record
