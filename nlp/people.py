"""People found without a roster: capitalised name sequences, linked.

A name is a run of capitalised words (with particles such as De, van, da)
that is not a club, a place, a competition, an outlet or a common word.
Mentions of one person are linked within an article: a surname alone joins
the full name seen elsewhere ("Caldara" -> "Mattia Caldara"), and a close
misspelling joins the spelling already seen ("Kajer" -> "Kjaer").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from rapidfuzz.distance import Indel, Levenshtein

from nlp.tailpattern import TailPattern
from nlp.textfold import fold

STOPNAMES_PATH = Path(__file__).parent / "data" / "stopnames.txt"
PARTICLES = frozenset(
    [
        "de",
        "di",
        "da",
        "van",
        "von",
        "der",
        "den",
        "dos",
        "das",
        "du",
        "ter",
        "ten",
        "el",
        "al",
        "bin",
        "ben",
        "mac",
        "le",
        "la",
        "del",
        "dal",
    ]
)
# Lowercase particles that may sit inside a name ("Giovanni di Lorenzo").
_INNER_PARTICLES = PARTICLES - {"mac", "le", "la", "del", "dal"}
_WORD = re.compile(r"[^\W\d_]+(?:['\-][^\W\d_]+)*")
FUZZY_MIN_RATIO = 0.8
FUZZY_MIN_LENGTH = 5
_TITLECASE_SHARE = 0.6


@cache
def stopnames(path: Path = STOPNAMES_PATH) -> frozenset[str]:
    """Folded words that never belong to a person's name."""
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(fold(line.lstrip("~")).split())
    return frozenset(words)


@cache
def surname_stopnames(path: Path = STOPNAMES_PATH) -> frozenset[str]:
    """Stopnames that are also surnames after a first name (lines marked "~" only)."""
    soft: set[str] = set()
    hard: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("~"):
            soft.update(fold(line[1:]).split())
        elif not line.startswith("#"):
            hard.update(fold(line).split())
    return frozenset(soft - hard)


class NameMention:
    """A person named at text[start:end]; `person` indexes `People.names`.

    A plain class: compiled by mypyc, it is built and read as a C struct, where a
    named tuple's constructor runs as Python (a frozen dataclass is slower still).
    """

    __slots__ = ("end", "person", "start", "surface")

    def __init__(self, start: int, end: int, surface: str, person: int) -> None:
        self.start = start
        self.end = end
        self.surface = surface
        self.person = person

    def __repr__(self) -> str:
        return f"NameMention({self.start}, {self.end}, {self.surface!r}, {self.person})"


class _Name(NamedTuple):
    """A name as written, and the keys that link it to other mentions."""

    surface: str  # whitespace collapsed
    size: int  # words
    spelling: str  # the surname part, as written
    key: str  # the surname part, folded
    last: str  # last word of `key`
    first: str | None  # folded first word, if the name has several


@lru_cache(maxsize=4096)
def _parse_name(written: str) -> _Name:
    """The parts of a name that `link_names` compares; names recur across articles."""
    surface = " ".join(written.split())
    tokens = surface.split()
    spelling = " ".join(surname_of(tokens))
    key = fold(spelling)
    # "Van Riel" opening a sentence is Jesper van Riel's surname, not a first name.
    first = fold(tokens[0]) if len(tokens) > 1 else None
    if first in PARTICLES:
        first = None
    return _Name(surface, len(tokens), spelling, key, key.split()[-1], first)


class _Cluster:
    """One person's mentions: the fullest name seen, and its keys."""

    __slots__ = ("name", "spellings")

    def __init__(self, name: _Name) -> None:
        self.name = name  # the fullest seen; its `key` stays the first mention's
        self.spellings: dict[str, int] = {}  # in order of first use


@dataclass(frozen=True, slots=True)
class People:
    """Canonical names and every mention of them, in text order."""

    names: tuple[str, ...]
    mentions: tuple[NameMention, ...]


def surname_of(tokens: Sequence[str]) -> list[str]:
    """The surname part of a name: from its first particle, else its last word."""
    for index, token in enumerate(tokens[1:], 1):
        if fold(token) in PARTICLES and index < len(tokens) - 1:
            return list(tokens[index:])
    return list(tokens[-1:])


_ELIDED = frozenset(
    [
        "l",
        "d",
        "dell",
        "all",
        "nell",
        "sull",
        "dall",
        "coll",
        "quell",
        "un",
        "c",
        "s",
        "v",
        "m",
        "t",
    ]
)


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Words of text[start:end]; elided articles are cut off (dell'Inter -> Inter)."""
    words = []
    for match in _WORD.finditer(text, start, end):
        word_start, word = match.start(), match.group()
        if "'" in word:
            head, _, tail = word.rpartition("'")
            # "D'Ambrosio" and "O'Neill" are names; "d'Italia", "L'Inter" are not.
            if head == "L" or head[:1].islower() or head.lower() in _ELIDED - {"d"}:
                word_start += len(head) + 1
                word = tail
        words.append((word_start, word_start + len(word), word))
    return words


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


_UPPER = "".join(
    chr(code) for code in range(0x41, 0x250) if chr(code).isupper() and chr(code).isalpha()
)
_CAPITAL = "[" + _UPPER + "]"
_AFTER_CAPITAL = r"(?:'" + _CAPITAL + r")?[^\W\d_]*(?:-[^\W\d_]+)*"
_CAP_WORD = _CAPITAL + _AFTER_CAPITAL
# A run of capitalised words. The first capital comes before the check that it opens
# a word (no word character before it), so that the regex engine can skip ahead to
# capitals instead of testing the lookbehind at every position: twice as fast.
_NAME_RUN = re.compile(
    _CAPITAL
    + r"(?<!\w.)"
    + _AFTER_CAPITAL
    + r"(?:(?:[ ]|-)(?:(?:"
    + "|".join(sorted(_INNER_PARTICLES))
    + r")[ ])*"
    + _CAP_WORD
    + r")*"
)
_CAPITALISED_START = re.compile(r"(?<!\S)[\"'(]?[" + _UPPER + "]")
_HEADLINE_CHARS = 200
# "VERONA - " opening a report: what follows opens the sentence.
_DATELINE = re.compile(r"^\s*[" + _UPPER + r"][" + _UPPER + r" ]+\s*[-\u2013\u2014]\s*")
# Words after which a capitalised word names a place or a thing, not a person.
_PLACE_WORDS = (
    r"(?:in|nel|nella|nello|negli|nei|nelle|del|dello|dal|dallo|al|allo|sul|sulla|"
    r"dalla|della|alla|sulle|at|the|lo stadio|stadio|clinica|clinic|aeroporto|airport|"
    r"viale|piazza|piazzale|corso|largo|di via|in via|street|road|avenue|"
    r"(?:fly|flying|flew|travel|travels|travelling|travelled|head|heads|flown) to|"
    r"(?:volare|vola|volato|volera|atterrato|atterrata|atterra|sbarcato|sbarcata) (?:a|in))\s+$"
)
# ... after a non-word character, or at the very start of the text.
_PLACE_BEFORE = TailPattern(r"[^\w']" + _PLACE_WORDS)
_PLACE_AT_START = TailPattern(r"^" + _PLACE_WORDS)


def find_names(
    text: str,
    sentences: Sequence[tuple[int, int]],
    blocked: Sequence[tuple[int, int]],
    folded: str | None = None,
) -> list[tuple[int, int]]:
    """Spans of person-name candidates; `blocked` spans (clubs) are never part of one."""
    stop = stopnames()
    surnames = surname_stopnames()
    names = _Names(text, folded if folded is not None else fold(text), sentences, blocked)
    folded, blocked_chars = names.folded, names.blocked_chars
    for match in _NAME_RUN.finditer(text):
        surface = match.group()
        if " " not in surface and "'" not in surface:
            # Most runs are one plain word ("Il", "Roma"), and most of those are no name.
            start, end = match.span()
            if (
                folded[start:end] not in stop
                and start not in blocked_chars
                and _is_capitalised(surface)
                and not _after_article(text, start)
            ):
                names.keep([(start, end, surface)])
            continue
        run: list[tuple[int, int, str]] = []
        for word in _words(text, match.start(), match.end()):
            start, end, _ = word
            key = folded[start:end]
            if run and key in _INNER_PARTICLES and not word[2][:1].isupper():
                run.append(word)  # "Giovanni di Lorenzo"
            elif (
                (key not in stop or (run and key in surnames))
                and start not in blocked_chars
                and _is_capitalised(word[2])
                and not _after_article(text, start)
            ):
                run.append(word)
            elif run:
                names.keep(run)
                run = []
        if run:
            names.keep(run)
    found = names.found
    if names.titlecase_found:
        found.extend(_supported_by_body(names.titlecase_found, found, folded))
        found.sort()
    return found


class _Names:
    """The name runs of one text, sorted into kept and headline-only ones.

    Where else a word occurs in the text (in lowercase? capitalised inside a
    sentence?) is looked up once per word: a surname recurs through an article.
    """

    def __init__(
        self,
        text: str,
        folded: str,
        sentences: Sequence[tuple[int, int]],
        blocked: Sequence[tuple[int, int]],
    ) -> None:
        self.text = text
        self.folded = folded
        self.blocked_chars = _blocked_index(blocked)
        self.sentence_starts = [start for start, _ in sentences]
        self.titlecase = _titlecase_sentences(text, sentences)
        self.found: list[tuple[int, int]] = []
        self.titlecase_found: list[tuple[int, int]] = []
        self._where: dict[str, list[int]] = {}

    def keep(self, run: list[tuple[int, int, str]]) -> None:
        """Record a run (trailing particles cut) unless it names a place or a thing."""
        text, folded = self.text, self.folded
        while run and folded[run[-1][0] : run[-1][1]] in PARTICLES:
            run.pop()
        if not run:
            return
        start, end = run[0][0], run[-1][1]
        window = max(0, start - 12)
        back = folded[window:start][::-1]
        if _PLACE_BEFORE.search_reversed(back) or (
            window == 0 and _PLACE_AT_START.search_reversed(back)
        ):
            return  # "in Lombardia", "at Anfield", "the Emirates": places, not people
        if _of_phrase(text, start, end, self.blocked_chars):
            return  # "Hearts of Oak", "Bank of England": a named thing, not a person
        sentence_start = self._sentence_start(start)
        if len(run) == 1:
            key = folded[start:end]
            opening = _opens_sentence(text[sentence_start:start])
            if len(run[0][2]) < 2 or self._seen_lowercase(key):
                return
            if opening and not self._seen_capitalised_inside(key):
                return  # "Andiamo", "Diversi": only ever seen opening a sentence
        found = self.titlecase_found if sentence_start in self.titlecase else self.found
        found.append((start, end))

    def _sentence_start(self, position: int) -> int:
        starts = self.sentence_starts
        return starts[max(0, bisect_right(starts, position) - 1)]

    def _occurrences(self, key: str) -> list[int]:
        """Starts of `key` in the folded text as a whole word (no letter or digit
        either side)."""
        found = self._where.get(key)
        if found is None:
            folded, size = self.folded, len(key)
            found = []
            position = folded.find(key)
            while position != -1:
                end = position + size
                if (position == 0 or not folded[position - 1].isalnum()) and (
                    end == len(folded) or not folded[end].isalnum()
                ):
                    found.append(position)
                position = folded.find(key, position + 1)
            self._where[key] = found
        return found

    def _seen_lowercase(self, key: str) -> bool:
        """Whether `key` also occurs as a lowercase word (a common word, not a name)."""
        return any(self.text[position].islower() for position in self._occurrences(key))

    def _seen_capitalised_inside(self, key: str) -> bool:
        """Whether `key` occurs capitalised somewhere other than opening a sentence."""
        text = self.text
        return any(
            text[position].isupper()
            and not _opens_sentence(text[self._sentence_start(position) : position])
            for position in self._occurrences(key)
        )


def _supported_by_body(
    headline: list[tuple[int, int]], body: list[tuple[int, int]], folded: str
) -> list[tuple[int, int]]:
    """Headline names cut down to a name the body also has ("Midfielder Declan Rice")."""
    known = sorted({folded[s:e] for s, e in body}, key=len, reverse=True)
    kept = []
    for start, end in headline:
        run = folded[start:end]
        for name in known:
            if run == name or run.endswith(" " + name):
                kept.append((end - len(name), end))
                break
            if name.endswith(" " + run.split()[-1]) and len(run.split()) == 1:
                kept.append((start, end))
                break
    return kept


def _titlecase_sentences(text: str, sentences: Sequence[tuple[int, int]]) -> set[int]:
    """Starts of Title Case sentences (English headlines), whose capitals mean little."""
    starts: set[int] = set()
    for start, end in sentences:
        if end - start > _HEADLINE_CHARS or text[end - 1] in ".!?":
            continue  # headlines are short and carry no final stop
        words = text[start:end].split()
        capitalised = len(_CAPITALISED_START.findall(text, start, end))
        if len(words) >= 4 and capitalised >= _TITLECASE_SHARE * len(words):
            starts.add(start)
    return starts


def _of_phrase(text: str, start: int, end: int, blocked_chars: set[int]) -> bool:
    """Whether the run is joined by a lowercase "of" to a capitalised word that is no club."""
    if text.startswith(" of ", end) and text[end + 4 : end + 5].isupper():
        return end + 4 not in blocked_chars
    if start >= 5 and text.startswith(" of ", start - 4) and text[start - 5].isalpha():
        head = text[: start - 4].rsplit(None, 1)[-1]
        return head[:1].isupper() and start - 4 - len(head) not in blocked_chars
    return False


def _after_article(text: str, start: int) -> bool:
    """Whether an elided article sits on the word ("l'Hammarby"): a place or a club."""
    if start < 2 or text[start - 1] != "'":
        return False
    head = text[max(0, start - 6) : start - 1]
    head = head[len(head.rstrip("abcdefghijklmnopqrstuvwxyzL")) :]
    return head == "L" or head in _ELIDED - {"d"}


def _opens_sentence(before: str) -> bool:
    """Whether only punctuation or a dateline ("VERONA - ") precedes a word in its sentence."""
    return not _DATELINE.sub("", before).strip(" \"'(-:")


def _blocked_index(blocked: Sequence[tuple[int, int]]) -> set[int]:
    chars: set[int] = set()
    for start, end in blocked:
        chars.update(range(start, end))
    return chars


def link_names(text: str, spans: Sequence[tuple[int, int]]) -> People:
    """Group name mentions into people and pick each one's canonical name."""
    clusters: list[_Cluster] = []
    mentions: list[NameMention] = []
    for start, end in spans:
        name = _parse_name(text[start:end])
        index = _find_cluster(clusters, name)
        if index is None:
            clusters.append(_Cluster(name))
            index = len(clusters) - 1
        cluster = clusters[index]
        if name.size > cluster.name.size:
            # The fuller name, still compared by the surname key it was found by.
            # (Built directly: a named tuple's _replace runs as Python.)
            kept = cluster.name
            cluster.name = _Name(
                name.surface, name.size, name.spelling, kept.key, kept.last, name.first
            )
        cluster.spellings[name.spelling] = cluster.spellings.get(name.spelling, 0) + 1
        mentions.append(NameMention(start, end, name.surface, index))
    names = tuple(_canonical(cluster) for cluster in clusters)
    return People(names, tuple(mentions))


def _find_cluster(clusters: list[_Cluster], name: _Name) -> int | None:
    key, first = name.key, name.first
    for index in range(len(clusters) - 1, -1, -1):
        other = clusters[index].name
        if other.key == key or other.last == name.last:
            if first and other.first is not None and other.first != first:
                continue  # Simone vs Filippo Inzaghi
            return index
    if name.size == 1:
        # A first name alone after the full name ("Yoann" after "Yoann Mbemba"), when
        # one person only has it.
        same_first = [i for i, c in enumerate(clusters) if c.name.first == key]
        if len(same_first) == 1:
            return same_first[0]
    if len(key) < FUZZY_MIN_LENGTH:
        return None
    for index in range(len(clusters) - 1, -1, -1):
        other = clusters[index].name
        if len(other.key) < FUZZY_MIN_LENGTH or (
            first and other.first is not None and other.first != first
        ):
            continue
        if (
            Indel.normalized_similarity(other.key, key) >= FUZZY_MIN_RATIO
            or Levenshtein.normalized_similarity(other.key, key, weights=(1, 1, 1))
            >= FUZZY_MIN_RATIO
        ):
            return index
    return None


def _canonical(cluster: _Cluster) -> str:
    if cluster.name.size > 1:
        return cluster.name.surface
    spelling, _ = max(cluster.spellings.items(), key=lambda item: item[1])
    # Ties keep the first spelling seen (dicts keep insertion order).
    best = max(cluster.spellings.values())
    return next(s for s, n in cluster.spellings.items() if n == best) if best else spelling
