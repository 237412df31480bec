"""Patterns anchored at the end of a window (`...$`), matched backwards.

The extractor asks, for every club and person mention, whether the words
right before it fit a pattern ("... alla", "signed for the"). Written as
`re.search(r"...$", before)`, that makes the regex engine try a match at
every start position of the window (about 70) before `$` can fail it; with
a couple of hundred such searches per article they were a fifth of the
extractor's time. Reversing the pattern and the window turns each search
into one attempt from the window's end, with the same answer.

The reversal works on `re`'s own parse of the pattern and is exact for
literals, classes, groups, alternation, repetition, anchors and lookarounds
(a lookahead turns into a lookbehind, so it needs a fixed width); a pattern
it cannot reverse keeps the forward search.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import cache
from typing import Any

# The parser behind re.compile, so that the reversal reads a pattern as `re` does.
# It is private: without it, every pattern keeps its forward search.
_parser: Any
_c: Any
try:
    _parser = importlib.import_module("re._parser")
    _c = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover
    _parser = _c = None


class TailPattern:
    """A regex that only matches up to the end of the window it is tested on.

    `search_reversed(window[::-1])` finds a match exactly when `re.search(source,
    window)` does (only whether it finds one means anything: the match is of the
    reversed text). A caller testing several patterns on one window reverses it
    once. `search_reversed` is the reversed regex's own `match` (or `search`), so
    a test costs no Python call on top of the regex engine's work.
    """

    __slots__ = ("forward", "search_reversed")

    def __init__(self, source: str) -> None:
        self.forward = re.compile(source)
        self.search_reversed: Callable[[str], re.Match[str] | None] = self._forward_search
        backward = _backward(source)
        if backward is not None:
            self.search_reversed = backward

    def search(self, window: str) -> re.Match[str] | None:
        """`re.search(source, window)`, computed backwards where possible (a match of
        the reversed window: test it for truth only)."""
        return self.search_reversed(window[::-1])

    def _forward_search(self, reversed_window: str) -> re.Match[str] | None:
        return self.forward.search(reversed_window[::-1])


def _backward(source: str) -> Callable[[str], re.Match[str] | None] | None:
    """The test of the reversed pattern on a reversed window, or None if it cannot be built."""
    if _parser is None:
        return None
    try:
        tree = _parser.parse(source)
        if tree.state.flags & ~re.UNICODE:
            return None  # flags would have to be carried over
        reversed_source = _reverse(tree.data)
        if _ends_with_end(tree.data):
            # Every match ends at the window's end (or before a final newline, which
            # the reversed text then starts with): one attempt at its start will do.
            return re.compile(r"\n?(?:" + reversed_source + ")").match
        return re.compile(reversed_source).search
    except (KeyError, ValueError, re.error):
        return None


@cache
def _tables() -> tuple[dict[Any, str], dict[Any, str]]:
    """Class categories, and anchors as seen from the other end of the text."""
    categories = {
        _c.CATEGORY_DIGIT: r"\d",
        _c.CATEGORY_NOT_DIGIT: r"\D",
        _c.CATEGORY_SPACE: r"\s",
        _c.CATEGORY_NOT_SPACE: r"\S",
        _c.CATEGORY_WORD: r"\w",
        _c.CATEGORY_NOT_WORD: r"\W",
    }
    anchors = {
        _c.AT_BEGINNING: r"\Z",
        _c.AT_BEGINNING_STRING: r"\Z",
        # "$" is the end, or just before a final newline: reversed, the start or
        # just after a newline that opens the text.
        _c.AT_END: r"(?:\A|(?<=\A\n))",
        _c.AT_END_STRING: r"\A",
        _c.AT_BOUNDARY: r"\b",
        _c.AT_NON_BOUNDARY: r"\B",
    }
    return categories, anchors


def _reverse(items: list[tuple[Any, Any]]) -> str:
    """Regex source matching the reverse of what `items` (a parsed sequence) matches."""
    # A slice, not reversed(): mypyc (2.4) crashes on a comprehension over reversed()
    # of a list whose items hold Any.
    return "".join(_reverse_item(op, value) for op, value in items[::-1])


def _reverse_item(op: Any, value: Any) -> str:
    if op is _c.LITERAL:
        return re.escape(chr(value))
    if op is _c.NOT_LITERAL:
        return "[^" + re.escape(chr(value)) + "]"
    if op is _c.IN:
        return _char_class(value)
    if op is _c.AT:
        return _tables()[1][value]
    if op is _c.BRANCH:
        return "(?:" + "|".join(_reverse(branch.data) for branch in value[1]) + ")"
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, sub = value
        if add_flags or del_flags:
            raise ValueError("inline flags")
        return "(?:" + _reverse(sub.data) + ")"
    if op is _c.MAX_REPEAT or op is _c.MIN_REPEAT:
        low, high, sub = value
        upper = "" if high == _c.MAXREPEAT else str(high)
        lazy = "?" if op is _c.MIN_REPEAT else ""
        return "(?:" + _reverse(sub.data) + "){" + f"{low},{upper}" + "}" + lazy
    if op is _c.ASSERT or op is _c.ASSERT_NOT:
        direction, sub = value  # 1 looks ahead, -1 behind: swapped backwards
        opening = ("(?<" if direction == 1 else "(?") + ("=" if op is _c.ASSERT else "!")
        return opening + _reverse(sub.data) + ")"
    raise ValueError(f"cannot reverse {op}")


def _char_class(items: list[tuple[Any, Any]]) -> str:
    parts = []
    for op, value in items:
        if op is _c.NEGATE:
            parts.append("^")
        elif op is _c.LITERAL:
            parts.append(re.escape(chr(value)))
        elif op is _c.RANGE:
            parts.append(re.escape(chr(value[0])) + "-" + re.escape(chr(value[1])))
        elif op is _c.CATEGORY:
            parts.append(_tables()[0][value])
        else:
            raise ValueError(f"cannot reverse class item {op}")
    return "[" + "".join(parts) + "]"


def _ends_with_end(items: list[tuple[Any, Any]]) -> bool:
    """Whether every way through the sequence ends on `$` (so matches end at the end)."""
    if not items:
        return False
    op, value = items[-1]
    if op is _c.AT:
        return value is _c.AT_END or value is _c.AT_END_STRING
    if op is _c.BRANCH:
        return all(_ends_with_end(branch.data) for branch in value[1])
    if op is _c.SUBPATTERN:
        return _ends_with_end(value[3].data)
    return False
