"""raw article -> normalised, language-tagged, sentence-split article.

The stage runs inside the extract agent (`agents.extract`), which publishes
its output to news.articles.tokenized for downstream consumers.
"""

from __future__ import annotations

import nlp
from nlp.segment import token_count
from nlp.types import Document
from schemas.records import RawArticle, TokenizedArticle


def tokenize_article(article: RawArticle) -> TokenizedArticle:
    return prepare_article(article)[1]


def prepare_article(article: RawArticle) -> tuple[Document, TokenizedArticle]:
    """The article as the extractor reads it, and as news.articles.tokenized carries it.

    Callers that extract right away pass the Document on (`mentions_of(..., doc=)`)
    instead of rebuilding it from the record's sentence offsets.
    """
    body = article.content or article.summary
    # The feed's declared language is only a hint: syndicated items keep the
    # language of the feed they pass through, so the text decides.
    doc = nlp.prepare(article.title, body, with_tokens=False)
    return doc, TokenizedArticle(
        id=article.id,
        version=article.version,
        source=article.source,
        url=article.url,
        title=article.title,
        lang=doc.lang,
        text=doc.text,
        sentences=[[s.start, s.end] for s in doc.sentences],
        token_count=token_count(doc.text),
        published=article.published,
        fetched_at=article.fetched_at,
    )
