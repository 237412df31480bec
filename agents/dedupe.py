"""mentions -> one event per move, versioned, emitted on material change."""

from __future__ import annotations

import time
from datetime import datetime

import faust
import orjson

from agents.stream import records
from pipeline.app import MercatoApp
from schemas.codec import encode
from schemas.records import Mention, TransferEvent
from transfers.state import Change, EventState


def _age_seconds(iso_time: str) -> float:
    return time.time() - datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


def install(app: MercatoApp) -> None:
    topics, metrics = app.topics_, app.metrics
    # event id (bytes) -> EventState as orjson bytes; changelog-backed.
    table = app.Table(
        "events",
        default=None,
        schema=faust.Schema(key_serializer="raw", value_serializer="raw"),
        extra_topic_configs={"cleanup.policy": "compact"},
    )
    app.events_table = table  # type: ignore[attr-defined]
    count_out = metrics.articles.labels("dedupe", "out")

    @app.agent(topics.mentions, name="dedupe")
    async def dedupe(stream):  # type: ignore[no-untyped-def]
        async for _, mention in records(app, stream, Mention, "dedupe"):
            # Mention, key = event id
            key = mention.event_id.encode()
            stored = table.get(key)
            state = (
                EventState.from_dict(orjson.loads(stored))
                if stored
                else EventState(mention.event_id, mention.person_key)
            )
            change = state.apply(mention)
            if change is Change.NONE:
                continue
            table[key] = orjson.dumps(state.to_dict())
            if change is Change.QUIET:
                continue
            update = TransferEvent(**state.view())
            # TransferEvent, keyed by event id
            await topics.events.send(key=key, value=encode(update))
            count_out.inc()
            metrics.events.labels(update.stage, update.kind).inc()
            metrics.end_to_end.observe(max(_age_seconds(mention.fetched_at), 0.0))
