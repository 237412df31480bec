"""An optional roster: one canonical name for every spelling of a person.

Without a roster, a person is named as the article first names them in
full, and the event id comes from the surname. Outlets spell names
differently ("Kjær", "Kjaer", a misspelt "Kajer"), and a data desk that keeps
a list of the players and coaches it follows wants every spelling to become
the name on its list, so that all of them land on one event.

The roster is a CSV file with a header: `name` (required), `aliases`
(optional, separated by `|`: other spellings of the name or of the surname
alone, the name without accents) and `role` (optional: player, coach, executive). A name found by
the extractor is matched, in this order:

1. exactly, after case and accent folding, against a name or an alias;
2. by its surname (last word) against the roster's surnames: the same
   surname, or else the single closest one by rapidfuzz ratio on folded text
   (at least `MIN_SIMILARITY`); exactly one roster person must carry it, and
   a first name, when the article gives one, must be theirs or its initial.

A name that matches no one is kept as the article wrote it: the roster
refines names, it never hides a mover it does not know.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from nlp.textfold import fold_key
from nlp.types import ROLES, Mention, Role

# rapidfuzz ratio (0-100) a misspelt surname must reach: "kajer" vs "kjaer" is
# 80, "lukaku" vs "lukako" 83, "martinez" vs "martinelli" 78, "rossi" vs
# "russo" 60. "bastone" vs "bastoni" (86) shows the risk, which the first-name
# check and the single-best-match rule keep small.
MIN_SIMILARITY = 80.0


class RosterError(ValueError):
    """The roster file cannot be read: the message names the line."""


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: Role | None = None


class Roster:
    """Canonical people, looked up by any spelling (see the module docstring)."""

    def __init__(self, people: Iterable[tuple[str, Sequence[str], Role | None]]) -> None:
        self._by_key: dict[str, Person] = {}
        self._by_surname: dict[str, list[Person]] = {}
        for name, aliases, role in people:
            person = Person(name.strip(), role)
            for spelling in (name, *aliases):
                key = fold_key(spelling)
                if not key:
                    continue
                self._by_key.setdefault(key, person)
                holders = self._by_surname.setdefault(key.rsplit(" ", 1)[-1], [])
                if person not in holders:
                    holders.append(person)
        self._surnames = list(self._by_surname)

    @classmethod
    def load(cls, path: str | Path) -> Roster:
        """Read a roster CSV (header: name, aliases, role)."""
        people: list[tuple[str, list[str], Role | None]] = []
        with Path(path).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "name" not in reader.fieldnames:
                raise RosterError(f"{path}: the header must have a 'name' column")
            for line, row in enumerate(reader, start=2):
                name = (row.get("name") or "").strip()
                if not name:
                    raise RosterError(f"{path}:{line}: empty name")
                role = (row.get("role") or "").strip() or None
                if role is not None and role not in ROLES:
                    raise RosterError(f"{path}:{line}: role {role!r} is not one of {ROLES}")
                aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
                people.append((name, aliases, role))
        return cls(people)

    def find(self, name: str) -> Person | None:
        """The roster person `name` refers to, or None."""
        key = fold_key(name)
        if not key:
            return None
        exact = self._by_key.get(key)
        if exact is not None:
            return exact
        words = key.split(" ")
        surname = words[-1]
        if surname not in self._by_surname:
            best = process.extract(surname, self._surnames, scorer=fuzz.ratio, limit=2)
            if not best or best[0][1] < MIN_SIMILARITY:
                return None
            if len(best) > 1 and best[1][1] == best[0][1]:
                return None  # two roster surnames equally close: no guess
            surname = best[0][0]
        candidates = self._by_surname[surname]
        if len(candidates) != 1:
            return None  # a surname several roster people share
        person = candidates[0]
        return person if _same_first_name(words, person) else None

    def apply(self, mentions: Iterable[Mention]) -> list[Mention]:
        """`mentions` with roster names (and roles, where the roster gives one)."""
        out = []
        for mention in mentions:
            person = self.find(mention.person)
            if person is not None:
                mention = dataclasses.replace(
                    mention, person=person.name, role=person.role or mention.role
                )
            out.append(mention)
        return out


def _same_first_name(words: list[str], person: Person) -> bool:
    """No first name in the article, or the roster's, or its initial."""
    given = fold_key(person.name).split(" ")[:-1]
    if len(words) < 2 or not given:
        return True
    first = words[0].rstrip(".")
    return first == given[0] or (len(first) == 1 and given[0].startswith(first))
