"""Plain data shared by the pure NLP stages: no Kafka, no I/O.

The agents turn these into Faust records; `mercato extract` turns them into
JSON lines (the gold.jsonl contract). Keeping them as frozen dataclasses means
the extractor can be unit-tested and benchmarked without the runtime.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, get_args

Role = Literal["player", "coach", "executive"]
Kind = Literal[
    "permanent",
    "loan",
    "loan_with_option",
    "loan_with_obligation",
    "free",
    "return_from_loan",
    "extension",
    "appointment",
    "departure",
    "unknown",
]
# Ordered by how far a deal has progressed; collapsed/denied close an event.
Stage = Literal[
    "rumour", "interest", "talks", "agreed", "medical", "official", "collapsed", "denied"
]

# Bump when the events produced for the same input may change.
EXTRACTOR_VERSION = "0.3.0"

# The values of each, in the order above.
ROLES: tuple[Role, ...] = get_args(Role)
KINDS: tuple[Kind, ...] = get_args(Kind)
STAGES: tuple[Stage, ...] = get_args(Stage)


def _by_constructor(value: Any) -> tuple[Any, tuple[Any, ...]]:
    """`__reduce__` of the frozen dataclasses below: copies and pickles rebuild them
    through the constructor. Compiled by mypyc, the default way sets the fields one
    by one, which a frozen dataclass refuses (FrozenInstanceError)."""
    return type(value), tuple(getattr(value, item.name) for item in fields(value))


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into `Document.text`."""

    start: int
    end: int

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _by_constructor(self)


@dataclass(frozen=True, slots=True)
class Document:
    """A normalised, language-tagged article, ready for extraction."""

    text: str  # title + blank line + body, normalised (see nlp.normalize)
    lang: str  # ISO 639-1 code, or "und" when undetermined
    sentences: tuple[Span, ...] = ()
    tokens: tuple[Span, ...] = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _by_constructor(self)


@dataclass(frozen=True, slots=True)
class Mention:
    """One transfer event as one article reports it."""

    person: str
    role: Role
    from_club: str | None
    to_club: str | None
    kind: Kind
    stage: Stage
    fee_eur: float | None
    evidence: str
    confidence: float = 0.5
    extras: dict[str, Any] = field(default_factory=dict)
    # Where `evidence` sits in `Document.text`: text[evidence_start:evidence_end].
    evidence_start: int = 0
    evidence_end: int = 0
    extractor_version: str = EXTRACTOR_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _by_constructor(self)
