"""Accent and case folding that keeps every character where it was.

Matching runs on folded text while spans must point into the original, so
the fold maps each character to exactly one character (é -> e, Ł -> l, ’ -> ').
Characters outside the Latin blocks are left as they are.
"""

from __future__ import annotations

import re
import unicodedata

_EXTRA = {
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ı": "i",
    "ß": "ß",
    "\u2019": "'",
    "\u2018": "'",
    "`": "'",
    "\u00b4": "'",
}


def _fold_char(char: str) -> str:
    if char in _EXTRA:
        return _EXTRA[char]
    base = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    ).lower()
    return base if len(base) == 1 else char.lower() if len(char.lower()) == 1 else char


_TABLE = {
    code: _fold_char(chr(code))
    for block in (range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for code in block
    if _fold_char(chr(code)) != chr(code)
}
_TABLE.update({ord(k): v for k, v in _EXTRA.items()})


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LOWER_TABLE = {chr(code): value for code, value in _TABLE.items()}


def _fold_match(match: re.Match[str]) -> str:
    char = match.group()
    return _LOWER_TABLE.get(char, char)


# Italian's accented letters, most of the non-ASCII characters of our articles. In a
# long text they go first, by one str.replace each (a quick scan): the substitution,
# which calls back into Python for every character it replaces, is left with the
# rest, if any. Each becomes an ASCII letter, so the order of replacements is moot.
_COMMON = tuple((char, _LOWER_TABLE[char]) for char in "àèéìòùóíáç")
_LONG = 200


def fold(text: str) -> str:
    """Lowercase, accent-free text of the same length as `text`."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return text.translate(_TABLE)  # rare: a character whose lowercase is longer
    if lowered.isascii():
        return lowered
    if len(lowered) > _LONG:
        for char, plain in _COMMON:
            if char in lowered:
                lowered = lowered.replace(char, plain)
        if lowered.isascii():
            return lowered
    return _NON_ASCII.sub(_fold_match, lowered)


def fold_key(text: str) -> str:
    """Folded text with inner whitespace collapsed: a lookup key for names."""
    return " ".join(fold(text).split())
