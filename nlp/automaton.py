"""Aho-Corasick matching shared by the club gazetteer and the cue tables.

Both look up a few hundred to a few thousand keys in accent-folded text in
one pass, drop matches that cut through a word, and keep the leftmost-longest
of overlapping matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

import ahocorasick


class _Spanned(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Spanned)


def build_automaton(entries: Iterable[tuple[str, object]]) -> Any | None:
    """An automaton whose matches carry each key's value; None if there are no keys."""
    automaton: Any = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for key, value in entries:
        automaton.add_word(key, value)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


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
