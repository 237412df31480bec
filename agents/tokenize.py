"""raw article -> normalised, language-tagged, sentence-split article.

The stage runs inside the extract agent (`agents.extract`), which publishes
its output to news.articles.tokenized for downstream consumers.
"""

from __future__ import annotations

import nlp
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
