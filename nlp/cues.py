"""Stage, kind and role lexicons, read from data/cues.toml.

Cue words decide how far a deal has gone and what kind it is; they are data
so that users can extend them without touching code. Each table compiles to
one regex over accent-folded lowercase text, longest phrase first.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    """Phrases grouped by label ("interest", "loan", "coach"...), matched at once."""

    def __init__(self, phrases_by_label: dict[str, list[str]]) -> None:
        self._exact: dict[str, str] = {}
        self._stems: list[tuple[str, str]] = []
        alternatives: list[str] = []
        for label, phrases in phrases_by_label.items():
            for raw in phrases:
                phrase = fold(raw.strip())
                if not phrase:
                    continue
                if phrase.endswith("*"):
                    stem = phrase[:-1]
                    self._stems.append((stem, label))
                    alternatives.append(re.escape(stem) + r"\w*")
                else:
                    self._exact.setdefault(phrase, label)
                    alternatives.append(re.escape(phrase))
        alternatives.sort(key=len, reverse=True)
        body = "|".join(alternatives) or r"(?!x)x"
        self._pattern = re.compile(r"(?<![\w])(?:" + body + r")(?![\w])")

    def label_of(self, phrase: str) -> str | None:
        if phrase in self._exact:
            return self._exact[phrase]
        return next((label for stem, label in self._stems if phrase.startswith(stem)), None)

    def find(self, folded: str, start: int = 0, end: int | None = None) -> list[Cue]:
        """Cues in folded[start:end] (pass accent-folded lowercase text)."""
        hits: list[Cue] = []
        for match in self._pattern.finditer(folded, start, len(folded) if end is None else end):
            label = self.label_of(match.group())
            if label is not None:
                hits.append(Cue(match.start(), match.end(), label, match.group()))
        return hits


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
