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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapidfuzz.distance import Indel, Levenshtein

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


@dataclass(frozen=True, slots=True)
class NameMention:
    """A person named at text[start:end]; `person` indexes `People.names`."""

    start: int
    end: int
    surface: str
    person: int


@dataclass(slots=True)
class _Cluster:
    full: str
    surname_key: str
    spellings: Counter[str] = field(default_factory=Counter)


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
_CAP_WORD = "[" + _UPPER + r"](?:'[" + _UPPER + r"])?[^\W\d_]*(?:-[^\W\d_]+)*"
_NAME_RUN = re.compile(
    r"(?<![\w])"
    + _CAP_WORD
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
_PLACE_BEFORE = re.compile(
    r"(?:^|[^\w'])(?:in|nel|nella|nello|negli|nei|nelle|del|dello|dal|dallo|al|allo|sul|sulla|"
    r"dalla|della|alla|sulle|at|the|lo stadio|stadio|"
    r"(?:fly|flying|flew|travel|travels|travelling|travelled|head|heads|flown) to|"
    r"(?:volare|vola|volato|volera|atterrato|atterrata|atterra|sbarcato|sbarcata) (?:a|in))\s+$"
)


def find_names(
    text: str,
    sentences: Sequence[tuple[int, int]],
    blocked: Sequence[tuple[int, int]],
    folded: str | None = None,
) -> list[tuple[int, int]]:
    """Spans of person-name candidates; `blocked` spans (clubs) are never part of one."""
    stop = stopnames()
    surnames = surname_stopnames()
    folded = folded if folded is not None else fold(text)
    blocked_chars = _blocked_index(blocked)
    sentence_starts = [start for start, _ in sentences]
    titlecase = _titlecase_sentences(text, sentences)
    found: list[tuple[int, int]] = []
    titlecase_found: list[tuple[int, int]] = []
    for match in _NAME_RUN.finditer(text):
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
            else:
                _keep(
                    run,
                    text,
                    folded,
                    sentence_starts,
                    titlecase,
                    found,
                    titlecase_found,
                    blocked_chars,
                )
                run = []
        _keep(run, text, folded, sentence_starts, titlecase, found, titlecase_found, blocked_chars)
    if titlecase_found:
        found.extend(_supported_by_body(titlecase_found, found, folded))
        found.sort()
    return found


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


def _keep(
    run: list[tuple[int, int, str]],
    text: str,
    folded: str,
    sentence_starts: list[int],
    titlecase: set[int],
    found: list[tuple[int, int]],
    titlecase_found: list[tuple[int, int]],
    blocked_chars: set[int],
) -> None:
    while run and folded[run[-1][0] : run[-1][1]] in PARTICLES:
        run.pop()
    if not run:
        return
    start, end = run[0][0], run[-1][1]
    if _PLACE_BEFORE.search(folded, max(0, start - 12), start):
        return  # "in Lombardia", "at Anfield", "the Emirates": places, not people
    if _of_phrase(text, start, end, blocked_chars):
        return  # "Hearts of Oak", "Bank of England": a named thing, not a person
    sentence_start = sentence_starts[max(0, bisect_right(sentence_starts, start) - 1)]
    if len(run) == 1:
        word = run[0][2]
        key = folded[start:end]
        opening = _opens_sentence(text[sentence_start:start])
        if len(word) < 2 or _seen_lowercase(text, folded, key):
            return
        if opening and not _seen_capitalised_inside(text, folded, key, sentence_starts):
            return  # "Andiamo", "Diversi": only ever seen opening a sentence
    (titlecase_found if sentence_start in titlecase else found).append((start, end))


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


def _seen_lowercase(text: str, folded: str, key: str) -> bool:
    """Whether `key` also occurs as a lowercase word (a common word, not a name)."""
    position = folded.find(key)
    while position != -1:
        end = position + len(key)
        bounded = (position == 0 or not folded[position - 1].isalnum()) and (
            end == len(folded) or not folded[end].isalnum()
        )
        if bounded and text[position].islower():
            return True
        position = folded.find(key, position + 1)
    return False


def _seen_capitalised_inside(text: str, folded: str, key: str, sentence_starts: list[int]) -> bool:
    """Whether `key` occurs capitalised somewhere other than opening a sentence."""
    position = folded.find(key)
    while position != -1:
        end = position + len(key)
        bounded = (position == 0 or not folded[position - 1].isalnum()) and (
            end == len(folded) or not folded[end].isalnum()
        )
        if bounded and text[position].isupper():
            sentence_start = sentence_starts[max(0, bisect_right(sentence_starts, position) - 1)]
            if not _opens_sentence(text[sentence_start:position]):
                return True
        position = folded.find(key, position + 1)
    return False


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
        surface = " ".join(text[start:end].split())
        tokens = surface.split()
        surname = surname_of(tokens)
        key = fold(" ".join(surname))
        index = _find_cluster(clusters, key, tokens)
        if index is None:
            clusters.append(_Cluster(surface, key))
            index = len(clusters) - 1
        cluster = clusters[index]
        if len(tokens) > len(cluster.full.split()):
            cluster.full = surface
        cluster.spellings[" ".join(surname)] += 1
        mentions.append(NameMention(start, end, surface, index))
    names = tuple(_canonical(cluster) for cluster in clusters)
    return People(names, tuple(mentions))


def _find_cluster(clusters: list[_Cluster], key: str, tokens: list[str]) -> int | None:
    first = fold(tokens[0]) if len(tokens) > 1 else None
    for index in range(len(clusters) - 1, -1, -1):
        cluster = clusters[index]
        if cluster.surname_key == key or cluster.surname_key.split()[-1] == key.split()[-1]:
            full_tokens = cluster.full.split()
            if first and len(full_tokens) > 1 and fold(full_tokens[0]) != first:
                continue  # Simone vs Filippo Inzaghi
            return index
    for index in range(len(clusters) - 1, -1, -1):
        other = clusters[index].surname_key
        full_tokens = clusters[index].full.split()
        if first and len(full_tokens) > 1 and fold(full_tokens[0]) != first:
            continue
        if min(len(other), len(key)) >= FUZZY_MIN_LENGTH and (
            Indel.normalized_similarity(other, key) >= FUZZY_MIN_RATIO
            or Levenshtein.normalized_similarity(other, key, weights=(1, 1, 1)) >= FUZZY_MIN_RATIO
        ):
            return index
    return None


def _canonical(cluster: _Cluster) -> str:
    tokens = cluster.full.split()
    if len(tokens) > 1:
        return cluster.full
    spelling, _ = max(cluster.spellings.items(), key=lambda item: item[1])
    # Ties keep the first spelling seen (Counter keeps insertion order).
    best = max(cluster.spellings.values())
    return next(s for s, n in cluster.spellings.items() if n == best) if best else spelling
