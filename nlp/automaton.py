"""Aho-Corasick matching shared by the club gazetteer and the cue tables.

Both look up a few hundred to a few thousand keys in accent-folded text in
one pass, drop matches that cut through a word, and keep the leftmost-longest
of overlapping matches.

The automaton is ahocorasick_rs (the Rust aho-corasick crate, as a DFA): one
call returns every match of a text as a list, where walking pyahocorasick's
iterator took three times as long, and the matches come in the same order (by
end, the longest first among those ending together), which decides ties
between equal spans. One automaton can hold the keys of several tables, so
that the extractor walks an article once for clubs and cues together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar

from ahocorasick_rs import AhoCorasick, Implementation


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Spanned)
V = TypeVar("V")

# (index of the key, start, end) of one match, in characters.
Match = tuple[int, int, int]


class Automaton(Generic[V]):
    """Keys with a value each, found all at once (overlapping) in a text."""

    __slots__ = ("_automaton", "keys", "values")

    def __init__(self, entries: Iterable[tuple[str, V]]) -> None:
        self.keys: list[str] = []
        self.values: list[V] = []  # values[i] belongs to keys[i]
        for key, value in entries:
            self.keys.append(key)
            self.values.append(value)
        self._automaton = (
            AhoCorasick(self.keys, implementation=Implementation.DFA) if self.keys else None
        )

    def matches(self, text: str) -> list[Match]:
        """Every occurrence of every key in `text`, overlapping ones included, ordered
        by end, the longest first among those ending at one place."""
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(text, overlapping=True)


def leftmost_longest(found: list[S]) -> list[S]:
    """Matches that do not overlap, each the longest of those starting leftmost.

    Sorts `found` in place; among equal spans the first one found wins.
    """
    found.sort(key=_leftmost_longest_order)
    chosen: list[S] = []
    last_end = -1
    for item in found:
        if item.start >= last_end:
            chosen.append(item)
            last_end = item.end
    return chosen


def _leftmost_longest_order(item: _Spanned) -> tuple[int, int]:
    return item.start, item.start - item.end
