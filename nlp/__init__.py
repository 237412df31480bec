"""Pure, synchronous extraction of transfer events from football news.

Agents and the CLI call `extract_article(title, body)`; everything below is
plain Python over `nlp.types` dataclasses, with data files loaded once.
"""

from nlp.pipeline import EXTRACTOR_VERSION, extract, extract_article, prepare

__all__ = ["EXTRACTOR_VERSION", "extract", "extract_article", "prepare"]
