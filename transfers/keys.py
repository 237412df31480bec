"""Stable keys for people and transfer events.

The event id is what makes dedupe work on Kafka: every mention of one move
must hash to the same key (and so the same partition of `transfers.mentions`)
whoever reports it, however the names are spelled, and again on replay. It is
derived from the person's surname key and the destination club's gazetteer id
(origin club when the destination is unknown), never from wall-clock time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

# Surname particles kept with the surname: "De Rossi", "van Dijk", "Di Lorenzo".
_PARTICLES = frozenset(
    [
        "de",
        "di",
        "da",
        "del",
        "della",
        "dalla",
        "dello",
        "van",
        "von",
        "der",
        "den",
        "dos",
        "das",
        "du",
        "le",
        "la",
        "lo",
        "mac",
        "mc",
        "el",
        "al",
        "ben",
        "bin",
    ]
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Letters that have no decomposition into a base letter and a mark: without
# this, "Højlund" would fold to "h jlund" and "Kılıç" to "k l c".
_LETTERS = str.maketrans(
    {"ø": "o", "ß": "ss", "ł": "l", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "đ": "d", "ı": "i"}
)


def fold(text: str) -> str:
    """Lower-case ASCII with accents removed and punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped.lower().translate(_LETTERS)).strip()


def person_key(name: str) -> str:
    """The folded surname, with its particles: 'Gian Piero Gasperini' -> 'gasperini'."""
    tokens = fold(name).split()
    if not tokens:
        return ""
    start = len(tokens) - 1
    while start > 0 and tokens[start - 1] in _PARTICLES:
        start -= 1
    return " ".join(tokens[start:])


def club_key(name: str | None, resolve: Callable[[str], str | None]) -> str:
    """Gazetteer id of a club name, or its folded form when the gazetteer does not know it."""
    if not name:
        return ""
    return resolve(name) or fold(name).replace(" ", "-")


def event_id(
    person: str,
    to_club: str | None,
    from_club: str | None,
    resolve: Callable[[str], str | None],
) -> str:
    """A 16-hex-digit id, the same for every mention of one move."""
    destination = club_key(to_club, resolve)
    anchor = f"to:{destination}" if destination else f"from:{club_key(from_club, resolve)}"
    basis = f"{person_key(person)}|{anchor}"
    return hashlib.blake2b(basis.encode(), digest_size=8).hexdigest()
