"""Entry points: raw title and body in, `Document` and `Mention`s out.

`prepare` does everything that does not depend on the language's patterns
(normalisation, language, sentences, tokens); `extract` runs the rules.
"""

from __future__ import annotations

from functools import cache

from nlp.extractor import Extractor
from nlp.language import detect_language
from nlp.normalize import join_title_body
from nlp.segment import sentence_bounds, sentence_spans, token_spans
from nlp.types import EXTRACTOR_VERSION, Document, Mention


@cache
def default_extractor() -> Extractor:
    """The extractor over the packaged gazetteer and cue lexicons, built once."""
    return Extractor()


def prepare(
    title: str, body: str, lang: str | None = None, *, with_tokens: bool = True
) -> Document:
    """Normalise title and body into one document, detect its language, segment it.

    `with_tokens=False` skips token spans, which the extractor does not need.
    """
    text = join_title_body(title or "", body or "")
    return Document(
        text=text,
        lang=lang or detect_language(text),
        sentences=sentence_spans(text),
        tokens=token_spans(text) if with_tokens else (),
    )


def extract(doc: Document) -> list[Mention]:
    """Transfer events in `doc`; [] for languages other than Italian and English."""
    return default_extractor().extract(doc)


def extract_article(title: str, body: str, lang: str | None = None) -> list[Mention]:
    """`prepare` then `extract`, without building the Document and its spans (the rules
    read sentences as (start, end) pairs)."""
    text = join_title_body(title or "", body or "")
    return default_extractor().extract_text(
        text, lang or detect_language(text), sentence_bounds(text)
    )


__all__ = ["EXTRACTOR_VERSION", "default_extractor", "extract", "extract_article", "prepare"]
