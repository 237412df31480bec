"""The state of one transfer event, merged from its mentions.

Every field is a function of the SET of mentions seen, not of their order:
mentions of one event reach its partition in an order that depends on how
upstream partitions interleave, and a replay must end in the same event. So
the state keeps small tallies (stages with their latest time, fees with their
counts, sources) and derives the public view from them.

Times are the articles' own (published, else fetched), never the wall clock,
for the same reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Protocol

PROGRESS = ("rumour", "interest", "talks", "agreed", "medical", "official")
CLOSING = ("collapsed", "denied")  # together with PROGRESS: every nlp.types.STAGES
_RANK = {stage: rank for rank, stage in enumerate(PROGRESS)}
MAX_ARTICLES = 500  # per event; beyond this, further articles only bump counts


class Change(Enum):
    """What one mention did to an event."""

    NONE = "none"  # already counted: redelivery, replay, republished article
    QUIET = "quiet"  # tallies moved (another mention) but the public view did not
    MATERIAL = "material"  # stage, fee, kind, clubs or sources changed: new version


class MentionLike(Protocol):
    """What the merge reads of a mention: a `schemas.records.Mention` fits."""

    article_id: str
    source: str
    person: str
    role: str
    from_club: str | None
    to_club: str | None
    kind: str
    stage: str
    fee_eur: float | None
    evidence: str
    confidence: float
    published: str | None
    fetched_at: str
    extractor_version: str


@dataclass(frozen=True, slots=True)
class MentionFacts:
    """A plain mention for pure code (tests, benchmarks) without Faust records."""

    article_id: str
    source: str
    person: str
    role: str
    from_club: str | None
    to_club: str | None
    kind: str
    stage: str
    fee_eur: float | None
    evidence: str
    confidence: float
    published: str | None
    fetched_at: str
    extractor_version: str


@dataclass(slots=True)
class EventState:
    event_id: str
    person_key: str
    version: int = 0
    names: dict[str, int] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    from_clubs: dict[str, int] = field(default_factory=dict)
    to_clubs: dict[str, int] = field(default_factory=dict)
    fees: dict[str, int] = field(default_factory=dict)  # str(int(eur)) -> articles
    stage_seen: dict[str, str] = field(default_factory=dict)  # stage -> latest time
    evidence: dict[str, str] = field(default_factory=dict)  # stage -> evidence of latest
    sources: dict[str, float] = field(default_factory=dict)  # outlet -> best confidence
    articles: dict[str, list[str]] = field(default_factory=dict)  # article -> stages
    mention_count: int = 0
    first_seen: str = ""
    last_seen: str = ""
    extractor_version: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventState:
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    # --- merging ---------------------------------------------------------

    def apply(self, m: MentionLike) -> Change:
        """Fold one mention in, and say whether the public view changed.

        A mention already counted (same article, same stage) changes nothing.
        """
        stages = self.articles.get(m.article_id)
        if stages is not None and m.stage in stages:
            return Change.NONE
        seen_at = m.published or m.fetched_at  # the article's time, never the wall clock
        before = self.material()
        if stages is None:
            if len(self.articles) < MAX_ARTICLES:
                self.articles[m.article_id] = [m.stage]
            _bump(self.names, m.person)
            _bump(self.roles, m.role)
            _bump(self.kinds, m.kind)
            if m.from_club:
                _bump(self.from_clubs, m.from_club)
            if m.to_club:
                _bump(self.to_clubs, m.to_club)
            if m.fee_eur is not None:
                _bump(self.fees, str(round(m.fee_eur)))
        else:
            stages.append(m.stage)
            stages.sort()
        self.mention_count += 1
        if seen_at >= self.stage_seen.get(m.stage, ""):
            self.stage_seen[m.stage] = seen_at
            self.evidence[m.stage] = m.evidence
        self.sources[m.source] = max(self.sources.get(m.source, 0.0), m.confidence)
        self.first_seen = min(self.first_seen or seen_at, seen_at)
        self.last_seen = max(self.last_seen, seen_at)
        self.extractor_version = max(self.extractor_version, m.extractor_version)
        if self.material() == before:
            return Change.QUIET
        self.version += 1
        return Change.MATERIAL

    # --- the public view -------------------------------------------------

    def stage(self) -> str:
        """Most advanced progress stage, unless a later collapse/denial closed it.

        'official' always wins: a deal announced by the club is done, whatever
        was said before.
        """
        progress = [s for s in PROGRESS if s in self.stage_seen]
        best = max(progress, key=_RANK.__getitem__) if progress else None
        if best == "official":
            return best
        closing = [s for s in CLOSING if s in self.stage_seen]
        if closing:
            last_close = max(closing, key=lambda s: (self.stage_seen[s], s))
            if best is None or self.stage_seen[last_close] > self.stage_seen[best]:
                return last_close
        return best or "rumour"

    def kind(self) -> str:
        specific = {k: n for k, n in self.kinds.items() if k != "unknown"}
        return _top(specific) or "unknown"

    def fee_eur(self) -> float | None:
        top = _top(self.fees)
        return float(top) if top is not None else None

    def confidence(self) -> float:
        """Grows with independent outlets and with the stage reached."""
        if not self.sources:
            return 0.0
        doubt = 1.0
        for value in sorted(self.sources.values(), reverse=True):
            doubt *= 1.0 - 0.6 * value
        stage_weight = {"official": 0.3, "medical": 0.2, "agreed": 0.15}.get(self.stage(), 0.0)
        return round(min(1.0, (1.0 - doubt) + stage_weight * doubt), 3)

    def material(self) -> tuple[Any, ...]:
        return (
            self.stage(),
            self.fee_eur(),
            self.kind(),
            _top(self.from_clubs),
            _top(self.to_clubs),
            tuple(sorted(self.sources)),
        )

    def view(self) -> dict[str, Any]:
        """The `transfers.events` record for this state."""
        stage = self.stage()
        return {
            "event_id": self.event_id,
            "person_key": self.person_key,
            "version": self.version,
            "person": _best_name(self.names),
            "role": _top(self.roles) or "player",
            "from_club": _top(self.from_clubs),
            "to_club": _top(self.to_clubs),
            "kind": self.kind(),
            "stage": stage,
            "fee_eur": self.fee_eur(),
            "sources": sorted(self.sources),
            "article_ids": sorted(self.articles),
            "mention_count": self.mention_count,
            "confidence": self.confidence(),
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "updated_at": self.last_seen,
            "evidence": self.evidence.get(stage, ""),
            "extractor_version": self.extractor_version,
        }


def _bump(tally: dict[str, int], key: str) -> None:
    tally[key] = tally.get(key, 0) + 1


def _top(tally: dict[str, int]) -> str | None:
    """Most frequent key; ties go to the smallest key so order never matters."""
    if not tally:
        return None
    return min(tally.items(), key=lambda item: (-item[1], item[0]))[0]


def _best_name(names: dict[str, int]) -> str:
    """The fullest form of the name ('Simon Kjaer' over 'Kjaer'), then the most frequent."""
    if not names:
        return ""
    return min(names.items(), key=lambda item: (-len(item[0].split()), -item[1], item[0]))[0]
