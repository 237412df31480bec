"""raw article -> tokenized article -> mentions of transfer events, packed by partition.

Tokenizing and extracting run in one agent on news.articles.raw: a hop
through news.articles.tokenized between them would cost a produce, a fetch,
a decode and Faust's per-message stream work for every article, and buy
nothing (the two stages share the partitioning by article id). The
tokenized article is still published, for downstream consumers; each stage
keeps its own metrics and dead-letter label.

The mentions of a batch of articles leave as one message per partition of
`transfers.mentions` (`schemas.records.MentionBatch`), keyed so that each lands
where its events' states live. One message per mention would cost the dedupe
stage Faust's per-message work 3.6 times per article.
"""

from __future__ import annotations

import time
from functools import cache

import nlp
from agents.stream import reader
from agents.tokenize import prepare_article
from nlp.gazetteer import default_gazetteer
from nlp.roster import Roster
from nlp.types import Document, Span
from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter_event
from pipeline.settings import Settings
from pipeline.topics import partition_of
from schemas.codec import encode, encode_batches
from schemas.records import Mention, RawArticle, TokenizedArticle
from transfers.keys import event_id, person_key
from transfers.neardup import signature
from transfers.neardup import warm_up as warm_up_signatures


@cache
def roster_of(path: str) -> Roster | None:
    """The roster at `path` (MERCATO_ROSTER), read once; None when no path is set."""
    return Roster.load(path) if path else None


def mentions_of(
    article: TokenizedArticle, roster: Roster | None = None, doc: Document | None = None
) -> list[Mention]:
    """The article's mentions; `doc` is its Document when the caller still has it."""
    if doc is None:
        doc = Document(
            text=article.text,
            lang=article.lang,
            sentences=tuple(Span(s, e) for s, e in article.sentences),
        )
    resolve = default_gazetteer().resolve
    found = nlp.extract(doc)
    if roster is not None:
        found = roster.apply(found)
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
            evidence_start=m.evidence_start,
            evidence_end=m.evidence_end,
            confidence=m.confidence,
            lang=article.lang,
            published=article.published,
            fetched_at=article.fetched_at,
            extractor_version=m.extractor_version,
            signature=text_signature,
        )
        for m in found
    ]


def mention_messages(
    found: list[tuple[bytes, bytes]], settings: Settings
) -> list[tuple[bytes, bytes]]:
    """(event id, encoded Mention) pairs as `transfers.mentions` (key, MentionBatch) messages."""
    return encode_batches(
        found,
        lambda key: partition_of(key, settings.partitions),
        "mentions",
        settings.mention_message_bytes,
    )


# One short article per supported language, extracted at start-up.
_WARM_UP = (
    ("Ufficiale", "Il Milan ha preso l'attaccante Marco Rossi dal Sassuolo per 10 milioni."),
    ("Done deal", "Arsenal have signed the striker John Smith from Leeds for £20m."),
)


def warm_up() -> None:
    """Build the automata and load the language model and datasketch before the first article.

    Done lazily they take ~0.8 s, which would land on the latency of the first
    articles after every deploy or rebalance.
    """
    warm_up_signatures()
    for title, text in _WARM_UP:
        nlp.extract_article(title, text)


def install(app: MercatoApp) -> None:
    settings, topics, metrics = app.settings, app.topics_, app.metrics
    roster = roster_of(settings.roster)  # a bad file stops the worker here, with its line
    tokenize_seconds = metrics.extract_seconds.labels("tokenize")
    extract_seconds = metrics.extract_seconds.labels("extract")
    tokenized_out = metrics.articles.labels("tokenize", "out")
    extract_in = metrics.articles.labels("extract", "in")
    extract_out = metrics.articles.labels("extract", "out")

    @app.agent(topics.raw, name="extract")
    async def extract(stream):  # type: ignore[no-untyped-def]
        warm_up()
        read_article = reader(app, RawArticle, "tokenize")
        async for batch in stream.take_events(
            settings.extract_batch, settings.extract_batch_wait_s
        ):
            # (event id, Mention) of the batch, sent when it is done: the batch's
            # offsets are acknowledged after this loop, and committed only once
            # the producer has flushed what it sent.
            found: list[tuple[bytes, bytes]] = []
            for event in batch:
                article = await read_article(event)  # RawArticle
                if article is None:
                    continue
                started = time.perf_counter()
                try:
                    doc, tokenized = prepare_article(article)
                except Exception as exc:  # noqa: BLE001 - poison input must not stop the stream
                    await dead_letter_event(app, "tokenize", "exception", repr(exc), event)
                    continue
                tokenized_at = time.perf_counter()
                tokenize_seconds.observe(tokenized_at - started)
                # TokenizedArticle, keyed by article id (for downstream consumers)
                await app.publish(topics.tokenized, tokenized.id.encode(), encode(tokenized))
                tokenized_out.inc()
                extract_in.inc()
                try:
                    mentions = mentions_of(tokenized, roster, doc)
                except Exception as exc:  # noqa: BLE001 - poison input must not stop the stream
                    await dead_letter_event(app, "extract", "exception", repr(exc), event)
                    continue
                extract_seconds.observe(time.perf_counter() - tokenized_at)
                found.extend((m.event_id.encode(), encode(m)) for m in mentions)
                extract_out.inc(len(mentions))
            # MentionBatch, keyed by its first event id (co-partitioned with the dedupe table)
            for key, value in mention_messages(found, settings):
                await app.publish(topics.mentions, key, value)
