"""raw article -> normalised, language-tagged, sentence-split article."""

from __future__ import annotations

import time

import nlp
from agents.stream import records
from pipeline.app import MercatoApp
from pipeline.deadletter import dead_letter_event
from schemas.codec import encode
from schemas.records import RawArticle, TokenizedArticle


def tokenize_article(article: RawArticle) -> TokenizedArticle:
    body = article.content or article.summary
    # The feed's declared language is only a hint: syndicated items keep the
    # language of the feed they pass through, so the text decides.
    doc = nlp.prepare(article.title, body)
    return TokenizedArticle(
        id=article.id,
        version=article.version,
        source=article.source,
        url=article.url,
        title=article.title,
        lang=doc.lang,
        text=doc.text,
        sentences=[[s.start, s.end] for s in doc.sentences],
        token_count=len(doc.tokens),
        published=article.published,
        fetched_at=article.fetched_at,
    )


def install(app: MercatoApp) -> None:
    topics, metrics = app.topics_, app.metrics
    seconds = metrics.extract_seconds.labels("tokenize")
    count_out = metrics.articles.labels("tokenize", "out")

    @app.agent(topics.raw, name="tokenize")
    async def tokenize(stream):  # type: ignore[no-untyped-def]
        async for event, article in records(app, stream, RawArticle, "tokenize"):
            # RawArticle
            started = time.perf_counter()
            try:
                tokenized = tokenize_article(article)
            except Exception as exc:  # noqa: BLE001 - poison input must not stop the stream
                await dead_letter_event(app, "tokenize", "exception", repr(exc), event)
                continue
            seconds.observe(time.perf_counter() - started)
            # TokenizedArticle, keyed by article id
            await topics.tokenized.send(key=tokenized.id, value=encode(tokenized))
            count_out.inc()
