"""tokenized article -> one mention per transfer event, keyed by event id."""

from __future__ import annotations

import time

import nlp
from agents.stream import records
from nlp.gazetteer import default_gazetteer
from nlp.types import Document, Span
from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter_event
from schemas.codec import encode
from schemas.records import Mention, TokenizedArticle
from transfers.keys import event_id, person_key
from transfers.neardup import signature, warm_up


def mentions_of(article: TokenizedArticle) -> list[Mention]:
    doc = Document(
        text=article.text,
        lang=article.lang,
        sentences=tuple(Span(s, e) for s, e in article.sentences),
    )
    resolve = default_gazetteer().resolve
    found = nlp.extract(doc)
    # Once per article, and only when it mentions a move: copies are judged per event.
    text_signature = signature(article.title, article.text) if found else ""
    return [
        Mention(
            event_id=event_id(m.person, m.to_club, m.from_club, resolve),
            person_key=person_key(m.person),
            article_id=article.id,
            article_version=article.version,
            source=article.source,
            url=article.url,
            person=m.person,
            role=m.role,
            from_club=m.from_club,
            to_club=m.to_club,
            kind=m.kind,
            stage=m.stage,
            fee_eur=m.fee_eur,
            evidence=m.evidence,
            confidence=m.confidence,
            lang=article.lang,
            published=article.published,
            fetched_at=article.fetched_at,
            extractor_version=nlp.EXTRACTOR_VERSION,
            signature=text_signature,
        )
        for m in found
    ]


def install(app: MercatoApp) -> None:
    topics, metrics = app.topics_, app.metrics
    seconds = metrics.extract_seconds.labels("extract")
    count_out = metrics.articles.labels("extract", "out")

    @app.agent(topics.tokenized, name="extract")
    async def extract(stream):  # type: ignore[no-untyped-def]
        warm_up()
        async for event, article in records(app, stream, TokenizedArticle, "extract"):
            # TokenizedArticle
            started = time.perf_counter()
            try:
                mentions = mentions_of(article)
            except Exception as exc:  # noqa: BLE001 - poison input must not stop the stream
                await dead_letter_event(app, "extract", "exception", repr(exc), event)
                continue
            seconds.observe(time.perf_counter() - started)
            # Mention, keyed by event id (co-partitioned with the dedupe table)
            for mention in mentions:
                await topics.mentions.send(key=mention.event_id, value=encode(mention))
                count_out.inc()
