"""mentions -> one event per move, versioned, emitted on material change."""

from __future__ import annotations

import time
from datetime import datetime

import faust
import orjson

from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter_event
from schemas.codec import BadRecord, decode, encode
from schemas.records import Mention, TransferEvent
from transfers.state import Change, EventState, MentionFacts


def facts(m: Mention) -> MentionFacts:
    return MentionFacts(
        event_id=m.event_id,
        person_key=m.person_key,
        article_id=m.article_id,
        source=m.source,
        person=m.person,
        role=m.role,
        from_club=m.from_club,
        to_club=m.to_club,
        kind=m.kind,
        stage=m.stage,
        fee_eur=m.fee_eur,
        evidence=m.evidence,
        confidence=m.confidence,
        seen_at=m.published or m.fetched_at,
        extractor_version=m.extractor_version,
    )


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
    count_in = metrics.articles.labels("dedupe", "in")
    count_out = metrics.articles.labels("dedupe", "out")

    @app.agent(topics.mentions, name="dedupe")
    async def dedupe(stream):  # type: ignore[no-untyped-def]
        async for event in stream.events():
            # bytes (Mention JSON), key = event id
            count_in.inc()
            try:
                mention = decode(Mention, event.value)
            except BadRecord as exc:
                await dead_letter_event(app, "dedupe", exc.reason, exc.detail, event)
                continue
            key = mention.event_id.encode()
            stored = table.get(key)
            state = (
                EventState.from_dict(orjson.loads(stored))
                if stored
                else EventState(mention.event_id, mention.person_key)
            )
            change = state.apply(facts(mention))
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
