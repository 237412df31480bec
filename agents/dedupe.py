"""mentions -> one event per move, versioned, emitted on material change."""

from __future__ import annotations

import logging
import time
from datetime import datetime

import orjson

from agents.stream import records
from pipeline.app import MercatoApp
from schemas.codec import encode
from schemas.records import Mention, TransferEvent
from transfers.state import Change, EventState

log = logging.getLogger(__name__)


def _timestamp(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


def _age_seconds(iso_time: str) -> float:
    return time.time() - _timestamp(iso_time)


def install(app: MercatoApp) -> None:
    topics, metrics = app.topics_, app.metrics
    # event id (bytes) -> EventState as orjson bytes; changelog-backed.
    table = app.bytes_table("events")
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
            previous_stage = state.stage() if stored else None
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
            if update.stage != previous_stage:
                metrics.event_reached_stage(update.stage, update.from_club, update.to_club)
                if update.stage == "official":
                    announced = state.stage_seen.get("official") or update.last_seen
                    metrics.official_deal(
                        update.person,
                        update.from_club,
                        update.to_club,
                        update.kind,
                        _timestamp(announced),
                    )
            log.info(
                "event %s v%d %s: %s %s -> %s (article %s)",
                update.event_id,
                update.version,
                update.stage,
                update.person,
                update.from_club,
                update.to_club,
                mention.article_id,
                extra={
                    "event_id": update.event_id,
                    "version": update.version,
                    "stage": update.stage,
                    "person": update.person,
                    "article_id": mention.article_id,
                },
            )
