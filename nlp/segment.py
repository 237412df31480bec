"""Sentence and token spans with character offsets into the document text.

Rules rather than a model: news prose is well punctuated, and a regex pass
costs microseconds. Line breaks always end a sentence (titles and subheadings
carry no final stop); a stop ends one when the next word starts a new
sentence and the word before is not an abbreviation or an initial.
"""

from __future__ import annotations

import re

from nlp.types import Span

_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "vs",
        "v",
        "prof",
        "sig",
        "sigg",
        "dott",
        "ing",
        "avv",
        "ecc",
        "etc",
        "pag",
        "no",
        "nr",
        "n",
        "fc",
        "ac",
        "cf",
        "co",
        "ltd",
        "inc",
        "gen",
        "col",
        "capt",
        "lt",
        "ca",
        "approx",
    ]
)
# A candidate boundary: terminal punctuation, optional closers, spaces, then
# something that can open a sentence. Written to open with a plain character class
# ("[.!?][.!?]*" rather than "[.!?]+"), which lets the regex engine skip to stops.
_BOUNDARY = re.compile(r"""([.!?][.!?]*)(["')\]]*)(\s+)(?=["'(\[]?[A-ZÀ-ÖØ-Þ0-9])""")
# The last word before a stop, read backwards from the stop (see `_ends_sentence`).
_LAST_WORD_BACKWARDS = re.compile(r"\W*(\w+)")
_LINE = re.compile(r"[^\n]+")
_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)*"  # numbers with separators: 1.5, 23,5, 1.000.000
    r"|\w+'(?=\w)(?!(?:s|re|ve|ll|d|m|t)\b)"  # Italian elision: dell' l' un'
    r"|'(?:s|re|ve|ll|d|m)\b|n't\b"  # English clitics
    r"|\w+(?:-\w+)*"
    r"|[^\w\s]"
)


def _ends_sentence(text: str, stop_start: int) -> bool:
    """Whether the stop at `stop_start` closes a sentence (not `G.`, `vs.`)."""
    if text[stop_start] != ".":
        return True
    # The last word of the 20 characters before the stop: matched on them reversed,
    # one attempt instead of a search from each of the 20 positions.
    word = _LAST_WORD_BACKWARDS.match(text[max(0, stop_start - 20) : stop_start][::-1])
    if word is None:
        return True
    token = word.group(1)[::-1]
    if len(token) == 1 and token.isalpha():
        return False  # an initial: "G. P. Gasperini"
    return token.lower() not in _ABBREVIATIONS


def sentence_spans(text: str) -> tuple[Span, ...]:
    """Sentences of `text`, trimmed, as half-open spans."""
    return tuple(Span(start, end) for start, end in sentence_bounds(text))


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """`sentence_spans` as (start, end) pairs: what the extractor reads, without
    building a Span (a frozen dataclass, slow to build) for each sentence."""
    bounds: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start, end = line.start(), line.end()
        cursor = start
        for boundary in _BOUNDARY.finditer(text, start, end):
            if _ends_sentence(text, boundary.start(1)):
                stop = boundary.end(2)
                if stop > cursor:
                    bounds.append(_trimmed(text, cursor, stop))
                cursor = boundary.end(3)
        if cursor < end:
            bounds.append(_trimmed(text, cursor, end))
    return [(start, end) for start, end in bounds if end > start]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def token_count(text: str) -> int:
    """len(token_spans(text)), without building the spans."""
    return sum(1 for _ in _TOKEN.finditer(text))


def token_spans(text: str) -> tuple[Span, ...]:
    """Word, number and punctuation tokens; elided articles (l', dell') apart."""
    return tuple(Span(m.start(), m.end()) for m in _TOKEN.finditer(text))
