"""Stage, kind and role lexicons, read from data/cues.toml.

Cue words decide how far a deal has gone and what kind it is; they are data
so that users can extend them without touching code. Each table compiles to
one regex over accent-folded lowercase text, longest phrase first.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import ahocorasick

from nlp.textfold import fold

DEFAULT_PATH = Path(__file__).parent / "data" / "cues.toml"


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue phrase at [start, end) of the text, with the label it stands for."""

    start: int
    end: int
    label: str
    phrase: str


class CueTable:
    """Phrases grouped by label ("interest", "loan", "coach"...), matched at once.

    An Aho-Corasick automaton finds every phrase in one pass (a regex
    alternation of a few hundred phrases is ten times slower); matches must
    sit on word boundaries and the leftmost-longest one wins.
    """

    def __init__(self, phrases_by_label: dict[str, list[str]]) -> None:
        self._automaton: Any = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        seen: set[str] = set()
        # (phrase, label, stem) in table order, first label of a phrase only.
        self.entries: list[tuple[str, str, bool]] = []
        for label, phrases in phrases_by_label.items():
            for raw in phrases:
                phrase = fold(raw.strip())
                stem = phrase.endswith("*")
                phrase = phrase.rstrip("*")
                if phrase and phrase not in seen:
                    seen.add(phrase)
                    self.entries.append((phrase, label, stem))
                    self._automaton.add_word(phrase, (len(phrase), label, stem))
        self._empty = not seen
        if seen:
            self._automaton.make_automaton()

    def find(self, folded: str, start: int = 0, end: int | None = None) -> list[Cue]:
        """Cues in folded[start:end] (pass accent-folded lowercase text)."""
        if self._empty:
            return []
        stop = len(folded) if end is None else end
        found: list[Cue] = []
        for last, (length, label, stem) in self._automaton.iter(folded, start, stop):
            first, after = last - length + 1, last + 1
            if first > 0 and _is_word_char(folded[first - 1]) and _is_word_char(folded[first]):
                continue
            if stem:
                while after < stop and _is_word_char(folded[after]):
                    after += 1
            elif (
                after < len(folded)
                and _is_word_char(folded[after])
                and _is_word_char(folded[after - 1])
            ):
                continue
            found.append(Cue(first, after, label, folded[first:after]))
        found.sort(key=lambda cue: (cue.start, cue.start - cue.end))
        chosen: list[Cue] = []
        last_end = -1
        for cue in found:
            if cue.start >= last_end:
                chosen.append(cue)
                last_end = cue.end
        return chosen


class CueSet:
    """Several cue tables matched in one pass; `find` gives each table's cues.

    Same results as calling each table's `find`: matches are bucketed per
    table, then each table keeps its own leftmost-longest cues.
    """

    def __init__(self, tables: list[CueTable]) -> None:
        self.size = len(tables)
        entries: dict[str, list[tuple[int, str, bool]]] = {}
        for index, table in enumerate(tables):
            for phrase, label, stem in table.entries:
                entries.setdefault(phrase, []).append((index, label, stem))
        self._automaton: Any = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for phrase, owners in entries.items():
            self._automaton.add_word(phrase, (len(phrase), tuple(owners)))
        self._empty = not entries
        if entries:
            self._automaton.make_automaton()

    def find(self, folded: str) -> list[list[Cue]]:
        """Cues of every table over the whole (accent-folded lowercase) text."""
        found: list[list[Cue]] = [[] for _ in range(self.size)]
        if self._empty:
            return found
        stop = len(folded)
        for last, (length, owners) in self._automaton.iter(folded):
            first, after = last - length + 1, last + 1
            if first > 0 and _is_word_char(folded[first - 1]) and _is_word_char(folded[first]):
                continue
            bounded = not (
                after < stop and _is_word_char(folded[after]) and _is_word_char(folded[after - 1])
            )
            stem_end = after
            for index, label, stem in owners:
                if stem:
                    if stem_end == after:
                        while stem_end < stop and _is_word_char(folded[stem_end]):
                            stem_end += 1
                    found[index].append(Cue(first, stem_end, label, folded[first:stem_end]))
                elif bounded:
                    found[index].append(Cue(first, after, label, folded[first:after]))
        return [_leftmost_longest(cues) for cues in found]


def _leftmost_longest(found: list[Cue]) -> list[Cue]:
    found.sort(key=lambda cue: (cue.start, cue.start - cue.end))
    chosen: list[Cue] = []
    last_end = -1
    for cue in found:
        if cue.start >= last_end:
            chosen.append(cue)
            last_end = cue.end
    return chosen


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The cue tables of one language."""

    stage: CueTable
    kind: CueTable
    role: CueTable


@cache
def load_lexicons(path: Path = DEFAULT_PATH) -> dict[str, Lexicon]:
    """Lexicons by language code, read once."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        lang: Lexicon(
            stage=CueTable(tables.get("stage", {})),
            kind=CueTable(tables.get("kind", {})),
            role=CueTable(tables.get("role", {})),
        )
        for lang, tables in data.items()
    }


def lexicon(lang: str) -> Lexicon | None:
    """The packaged lexicon for `lang`, or None if there is none."""
    return load_lexicons().get(lang)
