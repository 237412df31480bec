"""Money amounts in transfer prose, converted to euros.

"23 milioni", "23 mln", "€25m", "£40m", "25 million euros", "25 milioni più 5
di bonus" (base 25M; the bonus is kept apart), "500mila euro". Each amount is
tagged with what it is (fee, salary, release clause, valuation, asking price,
target) from the words around it, because only a fee belongs on an event.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

FeeKind = Literal["fee", "salary", "clause", "valuation", "asking", "target", "loan_fee"]
GBP_TO_EUR = 1.17
USD_TO_EUR = 0.92

_MULTIPLIERS = {
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mil": 1e6,
    "milione": 1e6,
    "milioni": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "bn": 1e9,
    "billion": 1e9,
    "miliardo": 1e9,
    "miliardi": 1e9,
    "k": 1e3,
    "mila": 1e3,
    "thousand": 1e3,
}
_CURRENCY_WORDS = {
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "sterline": "GBP",
    "gbp": "GBP",
    "$": "USD",
    "dollars": "USD",
    "dollari": "USD",
    "usd": "USD",
}
_NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?![\d])|\d+(?:[.,]\d{1,2})?"
_WORD_MULT = r"milioni|milione|miliardi|miliardo|millions?|billion|thousand|mln|mila|mil|mn|bn"
_SYMBOL_MULT = _WORD_MULT + r"|m|k"
_CUR_AFTER = (
    r"(?:\s*(?:di\s+)?(?P<cur_after>euros?|eur|€|pounds?|sterling|sterline|gbp|dollars|"
    r"dollari|usd|\$|£))?"
)
_AMOUNT = re.compile(
    r"(?<![\w.,])"
    r"(?:(?P<cur_before>[€£$])\s?(?P<num1>" + _NUMBER + r")\s?(?P<mult1>" + _SYMBOL_MULT + r")?\b"
    r"|(?P<num2>" + _NUMBER + r")(?:\s*\+\s*(?P<plus>" + _NUMBER + r"))?"
    r"\s?(?P<mult2>" + _WORD_MULT + r")\b\.?"
    r"|(?P<num3>" + _NUMBER + r")\s?(?P<mult3>m|k)\s?(?P<cur3>euros?|pounds?)\b"
    r"|(?P<num4>\d{1,3}(?:[.,]\d{3}){2,})\s?(?P<cur4>euros?|€))" + _CUR_AFTER,
    re.IGNORECASE,
)
# Where an amount may start: a digit or currency sign with no word, "." or "," before
# it; `_amounts` tries `_AMOUNT` only there, which is `_AMOUNT.finditer` at a third
# of the cost. The first class (ASCII digits, signs, anything non-ASCII) is cheap to
# test at every character; the lookbehinds then keep digits and signs that open a word.
_AMOUNT_START = re.compile(r"[0-9€£$\x80-\U0010ffff](?<=[\d€£$])(?<![\w.,].)")
_BONUS_TAIL = re.compile(
    r"\s*(?:\+|più|piu|plus|and|e|with|con)\s*(?:up to\s+|fino a\s+)?(?:[€£$]\s?)?"
    r"(?:" + _NUMBER + r")\s?(?:" + _SYMBOL_MULT + r")?\s*(?:di\s+|in\s+|of\s+)?"
    r"(?:potential\s+|possible\s+)?(?:bonus|add-ons?|variabili|performance)",
    re.IGNORECASE,
)
_CONTEXT_BEFORE: list[tuple[FeeKind, re.Pattern[str]]] = [
    ("clause", re.compile(r"(clausola|release clause|buy-?out|rescissori)", re.I)),
    # What a club pays to borrow a player, not the price of buying him.
    ("loan_fee", re.compile(r"(prestito oneroso|prestito a titolo oneroso|loan fee)", re.I)),
    (
        "salary",
        re.compile(
            r"(ingaggio|stipendio|guadagn|percepi|salar|wages?|earn|ritocco|"
            r"contratto (?:da|a)|pay packet)",
            re.I,
        ),
    ),
    (
        "valuation",
        re.compile(
            r"(valutazione|valutat|valuta |valued|price tag|prezzo del cartellino|"
            r"market value|valore)",
            re.I,
        ),
    ),
    ("asking", re.compile(r"(chiede|richiesta|pretende|asking|demand|want|vuole)", re.I)),
    (
        "target",
        re.compile(
            r"(incassare|intenzione|budget|tesoretto|raise|generate|recoup|"
            r"a disposizione|da investire|to spend)",
            re.I,
        ),
    ),
]
_CONTEXT_AFTER: list[tuple[FeeKind, re.Pattern[str]]] = [
    (
        "salary",
        re.compile(
            r"^\W*(?:netti|lordi|\w+\s+)?(?:a stagione|all'anno|l'anno|annui|a settimana|"
            r"per season|"
            r"a season|per year|a year|per annum|a week|per week|-a-week|a-year|di ingaggio|"
            r"d'ingaggio|di stipendio|in wages|in salary)",
            re.I,
        ),
    ),
    ("clause", re.compile(r"^\W*(?:di )?(?:clausola|release clause)", re.I)),
    ("target", re.compile(r"^\W*(?:budget|da investire|to spend|war chest)", re.I)),
]


class _AnyOf:
    """Whether any of several case-insensitive patterns occurs in a short window.

    Most amounts have no such context, and one search settles them as plain
    fees. On ASCII text (most windows), case-insensitive matching of these
    lowercase patterns is plain matching of the lowercased text, which the regex
    engine does several times faster.
    """

    def __init__(self, patterns: list[tuple[FeeKind, re.Pattern[str]]]) -> None:
        source = "|".join(f"(?:{pattern.pattern})" for _, pattern in patterns)
        if re.search("[A-Z]", re.sub(r"\\.", "", source)):
            raise ValueError("context patterns are written in lowercase")
        self._ignorecase = re.compile(source, re.I)
        self._lowercase = re.compile(source)

    def search(self, window: str) -> bool:
        """Whether one of the patterns occurs in `window`."""
        if window.isascii():
            return self._lowercase.search(window.lower()) is not None
        return self._ignorecase.search(window) is not None


_ANY_CONTEXT_BEFORE = _AnyOf(_CONTEXT_BEFORE)
_ANY_CONTEXT_AFTER = _AnyOf(_CONTEXT_AFTER)
_BEFORE_WINDOW = 45
_AFTER_WINDOW = 30


@dataclass(frozen=True, slots=True)
class Fee:
    """An amount found at text[start:end], in euros, with what it stands for."""

    start: int
    end: int
    amount_eur: float
    currency: str
    kind: FeeKind
    bonus_eur: float | None = None


# Compiled once: re's own cache of patterns costs a lookup per call.
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_SEPARATOR = re.compile(r"[.,]")
_NUMBER_RE = re.compile(_NUMBER)


def _to_float(number: str) -> float:
    if _THOUSANDS.fullmatch(number):
        return float(_SEPARATOR.sub("", number))
    return float(number.replace(",", "."))


_CLAUSE_END = re.compile(r"[;.!?]")


def _amounts(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_AMOUNT.finditer(text)`, found faster (see `_AMOUNT_START`)."""
    position = 0
    while (candidate := _AMOUNT_START.search(text, position)) is not None:
        match = _AMOUNT.match(text, candidate.start())
        if match is None:
            position = candidate.start() + 1
        else:
            yield match
            position = match.end()


def _classify(text: str, start: int, end: int) -> FeeKind:
    before = text[max(0, start - _BEFORE_WINDOW) : start]
    # Only look back within the clause: a comma or stop resets the context.
    before = _CLAUSE_END.split(before)[-1]
    after = text[end : end + _AFTER_WINDOW]
    if _ANY_CONTEXT_AFTER.search(after):
        for kind, pattern in _CONTEXT_AFTER:
            if pattern.search(after):
                return kind
    if _ANY_CONTEXT_BEFORE.search(before):
        for kind, pattern in _CONTEXT_BEFORE:
            if pattern.search(before):
                return kind
    return "fee"


def find_fees(
    text: str,
    gbp_to_eur: float = GBP_TO_EUR,
    usd_to_eur: float = USD_TO_EUR,
    default_currency: str = "EUR",
) -> list[Fee]:
    """Amounts in `text`, in order; bare millions count as `default_currency`."""
    rates = {"EUR": 1.0, "GBP": gbp_to_eur, "USD": usd_to_eur}
    fees: list[Fee] = []
    consumed = 0
    for match in _amounts(text):
        if match.start() < consumed:
            continue  # inside the bonus tail of the previous amount
        groups = match.groupdict()
        number = groups["num1"] or groups["num2"] or groups["num3"] or groups["num4"]
        mult_word = (groups["mult1"] or groups["mult2"] or groups["mult3"] or "").lower()
        currency_word = (
            groups["cur_before"] or groups["cur3"] or groups["cur4"] or groups["cur_after"] or ""
        ).lower()
        if not mult_word and not groups["num4"] and not groups["cur_before"]:
            continue
        value = _to_float(number) * _MULTIPLIERS.get(mult_word.rstrip("."), 1.0)
        if groups["cur_before"] and not mult_word and value < 10_000:
            continue  # "€5" alone is not a transfer amount
        currency = _CURRENCY_WORDS.get(currency_word, default_currency)
        end = match.end()
        bonus: float | None = None
        if groups["plus"]:
            bonus = _to_float(groups["plus"]) * _MULTIPLIERS.get(mult_word, 1.0)
        tail = _BONUS_TAIL.match(text, end)
        if tail:
            end = tail.end()
            amounts = _NUMBER_RE.findall(tail.group(0))
            if amounts:
                bonus = _to_float(amounts[0]) * _MULTIPLIERS.get(mult_word or "m", 1e6)
        rate = rates.get(currency, 1.0)
        consumed = end
        fees.append(
            Fee(
                start=match.start(),
                end=end,
                amount_eur=round(value * rate, 2),
                currency=currency,
                kind=_classify(text, match.start(), end),
                bonus_eur=round(bonus * rate, 2) if bonus is not None else None,
            )
        )
    return fees
