"""Club names, aliases, nicknames and city metonyms found in text.

One Aho-Corasick automaton over accent-folded lowercase keys finds every
entry in a single pass; matches must sit on word boundaries, words written
with a capital in the data must be capitalised in the text (so "reading" is
not Reading), and overlapping matches keep the leftmost-longest ("Bayern
Monaco" is Bayern, not Monaco). A key that several clubs share (nerazzurri,
Milano) keeps all of them as candidates; the extractor picks one by context.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from nlp.automaton import Automaton, Match, leftmost_longest
from nlp.textfold import fold, fold_key

MatchKind = Literal["name", "alias", "nickname", "city"]
# When one key is both a name and a city (Torino, Roma), the name wins.
_KIND_RANK: dict[MatchKind, int] = {"name": 0, "alias": 1, "nickname": 2, "city": 3}
DEFAULT_PATH = Path(__file__).parent / "data" / "clubs.toml"
_MIN_PLURAL_NICKNAME = 7
# What the automaton holds for one key: its kind, its clubs, the words it capitalises.
ClubKey = tuple[MatchKind, tuple[str, ...], frozenset[int]]


@dataclass(frozen=True, slots=True)
class Club:
    """One club as the data file describes it."""

    id: str
    name: str
    official: str = ""
    country: str = ""
    league: str = ""
    aliases: tuple[str, ...] = ()
    nicknames: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


class ClubMatch:
    """A span of text naming one of `candidates` (club ids, data-file order).

    A plain class: compiled by mypyc, it is built and read as a C struct, where a
    named tuple's constructor runs as Python (a frozen dataclass is slower still).
    """

    __slots__ = ("candidates", "end", "kind", "start", "surface")

    def __init__(
        self, start: int, end: int, surface: str, candidates: tuple[str, ...], kind: MatchKind
    ) -> None:
        self.start = start
        self.end = end
        self.surface = surface
        self.candidates = candidates
        self.kind = kind

    def __repr__(self) -> str:
        return (
            f"ClubMatch({self.start}, {self.end}, {self.surface!r}, {self.candidates!r}, "
            f"{self.kind!r})"
        )


@dataclass(slots=True)
class _Entry:
    kind: MatchKind
    candidates: list[str] = field(default_factory=list)
    # Word positions that must start with a capital letter in the text.
    capitalised: frozenset[int] = frozenset()


def italian_adjective_forms(nickname: str) -> list[str]:
    """Other genders/numbers of a plural colour nickname: rossoneri -> rossonero.

    Italian writes "il giocatore rossonero", "la pista giallorossa"; the data
    lists the plural only.
    """
    if " " in nickname or not nickname.islower() or len(nickname) < _MIN_PLURAL_NICKNAME:
        return []
    if not nickname.endswith("i"):
        return []
    stem = nickname[:-1]
    return [stem + ending for ending in ("o", "a", "e")]


def _capitalised_words(surface: str, kind: MatchKind) -> frozenset[int]:
    """Positions of words the data capitalises ("City", "la Dea"): the text must too."""
    words = surface.split()
    return frozenset(i for i, word in enumerate(words) if word[:1].isupper())


def _surface_variants(surface: str) -> list[str]:
    variants = [surface]
    if "-" in surface:
        variants.append(surface.replace("-", " "))
    if "." in surface:
        variants.append(surface.replace(".", ""))
    return variants


class Gazetteer:
    """Finds clubs in text and maps any of their names to a club id."""

    def __init__(self, clubs: Iterable[Club]) -> None:
        self._clubs: dict[str, Club] = {}
        entries: dict[str, _Entry] = {}
        for club in clubs:
            self._clubs[club.id] = club
            for kind, surfaces in (
                ("name", (club.name,)),
                ("alias", (*club.aliases, club.official)),
                ("nickname", club.nicknames),
                ("city", club.cities),
            ):
                for surface in surfaces:
                    self._add(entries, club.id, surface, kind)  # type: ignore[arg-type]
            for nickname in club.nicknames:
                for form in italian_adjective_forms(nickname):
                    self._add(entries, club.id, form, "nickname")
        self._entries = entries
        self._automaton: Automaton[ClubKey] = Automaton(
            (key, (entry.kind, tuple(entry.candidates), entry.capitalised))
            for key, entry in entries.items()
        )
        self._ids_by_key = self._build_resolver()

    @staticmethod
    def _add(entries: dict[str, _Entry], club_id: str, surface: str, kind: MatchKind) -> None:
        for variant in _surface_variants(surface.strip()):
            key = fold_key(variant)
            if not key:
                continue
            capitalised = _capitalised_words(variant, kind)
            entry = entries.get(key)
            if entry is None or _KIND_RANK[kind] < _KIND_RANK[entry.kind]:
                entries[key] = _Entry(kind, [club_id], capitalised)
            elif kind == entry.kind:
                if club_id not in entry.candidates:
                    entry.candidates.append(club_id)
                # Several spellings of one key: demand only what all demand.
                entry.capitalised = entry.capitalised & capitalised

    def _build_resolver(self) -> dict[str, str]:
        ids: dict[str, str] = {}
        for key, entry in self._entries.items():
            if len(entry.candidates) == 1:
                ids[key] = entry.candidates[0]
        for club in self._clubs.values():  # names and ids always win
            ids[fold_key(club.id.replace("-", " "))] = club.id
            ids[fold_key(club.id)] = club.id
            ids[fold_key(club.name)] = club.id
        return ids

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read a clubs TOML file (`[[club]]` tables); the packaged one by default."""
        path = path or DEFAULT_PATH
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        return cls(_club_from_table(table) for table in data.get("club", []))

    @property
    def clubs(self) -> dict[str, Club]:
        return dict(self._clubs)

    def club(self, club_id: str) -> Club:
        return self._clubs[club_id]

    def canonical_name(self, club_id: str) -> str:
        """The common short name of a club ("Inter", "AC Milan")."""
        club = self._clubs.get(club_id)
        return club.name if club else club_id

    def resolve(self, name: str) -> str | None:
        """Club id for any name, alias, official name or unshared nickname."""
        return self._ids_by_key.get(fold_key(name))

    def automaton_entries(self) -> list[tuple[str, ClubKey]]:
        """The automaton's keys and values, for an automaton that also finds other things
        (see `select`)."""
        return list(zip(self._automaton.keys, self._automaton.values, strict=True))

    def find(self, text: str, folded: str | None = None) -> list[ClubMatch]:
        """Leftmost-longest club mentions in `text`, in order.

        `folded` is `textfold.fold(text)` when the caller already has it.
        """
        folded = folded if folded is not None else fold(text)
        return self.select(text, folded, self._automaton.matches(folded), self._automaton.values)

    def select(
        self, text: str, folded: str, matches: list[Match], values: Sequence[ClubKey | None]
    ) -> list[ClubMatch]:
        """`find`'s result from the automaton `matches` of `folded`, where `values[i]` is
        what `automaton_entries` gives for the i-th key (None: a key of something else)."""
        size = len(text)
        found: list[ClubMatch] = []
        for index, start, end in matches:
            value = values[index]
            if value is None:
                continue
            if (start > 0 and folded[start - 1].isalnum()) or (
                end < size and folded[end].isalnum()
            ):
                continue  # inside a word ("interessamento" is not Inter)
            kind, candidates, capitalised = value
            surface = text[start:end]
            if capitalised and not _has_capitals(surface, capitalised):
                continue
            found.append(ClubMatch(start, end, surface, candidates, kind))
        return leftmost_longest(found)


def _has_capitals(surface: str, positions: frozenset[int]) -> bool:
    words = surface.split()
    return all(i < len(words) and words[i][:1].isupper() for i in positions)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(item) for item in value if str(item).strip())
    return ()


def _club_from_table(table: dict[str, Any]) -> Club:
    return Club(
        id=str(table["id"]),
        name=str(table.get("name") or table["id"]),
        official=str(table.get("official") or ""),
        country=str(table.get("country") or ""),
        league=str(table.get("league") or ""),
        aliases=_strings(table.get("aliases")),
        nicknames=_strings(table.get("nicknames")),
        cities=_strings(table.get("cities")),
    )


@cache
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer, loaded once (empty if the data file is absent)."""
    if not DEFAULT_PATH.exists():
        return Gazetteer(())
    return Gazetteer.load(DEFAULT_PATH)
