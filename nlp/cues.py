"""Stage, kind and role lexicons, read from data/cues.toml.

Cue words decide how far a deal has gone and what kind it is; they are data
so that users can extend them without touching code. Each table is matched
over accent-folded lowercase text by one Aho-Corasick automaton (see
nlp.automaton), longest phrase first.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nlp.automaton import Automaton, Match, leftmost_longest
from nlp.textfold import fold

DEFAULT_PATH = Path(__file__).parent / "data" / "cues.toml"
# What the automaton holds for one phrase: (table index, label, stem) for each table
# that has it, and whether the phrase starts and ends on a word character.
CueKey = tuple[tuple[tuple[int, str, bool], ...], bool, bool]


class Cue:
    """A cue phrase at [start, end) of the text, with the label it stands for.

    A plain class: an article yields about fifty, and compiled by mypyc it is
    built and read as a C struct, where a named tuple's constructor runs as
    Python (and a frozen dataclass takes four times as long again).
    """

    __slots__ = ("end", "label", "phrase", "start")

    def __init__(self, start: int, end: int, label: str, phrase: str) -> None:
        self.start = start
        self.end = end
        self.label = label
        self.phrase = phrase

    def __repr__(self) -> str:
        return f"Cue({self.start}, {self.end}, {self.label!r}, {self.phrase!r})"


class CueTable:
    """Phrases grouped by label ("interest", "loan", "coach"...), matched at once.

    An Aho-Corasick automaton finds every phrase in one pass (a regex
    alternation of a few hundred phrases is ten times slower); matches must
    sit on word boundaries and the leftmost-longest one wins.
    """

    def __init__(self, phrases_by_label: dict[str, list[str]]) -> None:
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
        self._matcher = CueSet([self])

    def find(self, folded: str, start: int = 0, end: int | None = None) -> list[Cue]:
        """Cues in folded[start:end] (pass accent-folded lowercase text)."""
        return self._matcher.find(folded, start, end)[0]


class CueSet:
    """Several cue tables matched in one pass; `find` gives each table's cues.

    Same results as calling each table's `find`: matches are bucketed per
    table, then each table keeps its own leftmost-longest cues.
    """

    def __init__(self, tables: list[CueTable]) -> None:
        self.size = len(tables)
        owners: dict[str, list[tuple[int, str, bool]]] = {}
        for index, table in enumerate(tables):
            for phrase, label, stem in table.entries:
                owners.setdefault(phrase, []).append((index, label, stem))
        # Whether a phrase starts and ends on a word character is known now: at a
        # match, only the text outside it needs a look.
        self._automaton: Automaton[CueKey] = Automaton(
            (phrase, (tuple(found), _is_word_char(phrase[0]), _is_word_char(phrase[-1])))
            for phrase, found in owners.items()
        )

    def automaton_entries(self) -> list[tuple[str, CueKey]]:
        """The automaton's keys and values, for an automaton that also finds other things
        (see `select`)."""
        return list(zip(self._automaton.keys, self._automaton.values, strict=True))

    def find(self, folded: str, start: int = 0, end: int | None = None) -> list[list[Cue]]:
        """Cues of every table in folded[start:end] (accent-folded lowercase text)."""
        stop = len(folded) if end is None else end
        if start == 0 and stop == len(folded):
            matches = self._automaton.matches(folded)
        else:
            matches = [
                (index, first + start, after + start)
                for index, first, after in self._automaton.matches(folded[start:stop])
            ]
        return self.select(folded, matches, self._automaton.values, stop)

    def select(
        self, folded: str, matches: list[Match], values: Sequence[CueKey | None], stop: int
    ) -> list[list[Cue]]:
        """`find`'s result from the automaton `matches` of `folded` that end by `stop`,
        where `values[i]` is what `automaton_entries` gives for the i-th key (None: a key of
        something else)."""
        found: list[list[Cue]] = [[] for _ in range(self.size)]
        size = len(folded)
        for key, first, after in matches:
            value = values[key]
            if value is None:
                continue
            owners, starts_word, ends_word = value
            if starts_word and first > 0 and _is_word_char(folded[first - 1]):
                continue  # the phrase starts inside a word
            bounded = not (ends_word and after < size and _is_word_char(folded[after]))
            stem_end = after
            for index, label, stem in owners:
                if stem:
                    if stem_end == after:
                        while stem_end < stop and _is_word_char(folded[stem_end]):
                            stem_end += 1
                    found[index].append(Cue(first, stem_end, label, folded[first:stem_end]))
                elif bounded:
                    found[index].append(Cue(first, after, label, folded[first:after]))
        return [leftmost_longest(cues) for cues in found]


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
