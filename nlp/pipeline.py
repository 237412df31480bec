"""Entry points: text in, `Document` and `Mention`s out (stub, being built)."""

from __future__ import annotations

from nlp.types import Document, Mention

EXTRACTOR_VERSION = "0.0.1"


def prepare(title: str, body: str, lang: str | None = None) -> Document:
    """Return the article as one normalised document."""
    text = f"{title.strip()}\n\n{body.strip()}".strip()
    return Document(text=text, lang=lang or "und")


def extract(doc: Document) -> list[Mention]:
    """Return the transfer events the document reports."""
    return []


def extract_article(title: str, body: str, lang: str | None = None) -> list[Mention]:
    """Prepare and extract in one call."""
    return extract(prepare(title, body, lang))
