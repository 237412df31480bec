"""The state of one transfer event, merged from its mentions.

Everything public is a function of the SET of mentions seen, not of their
order: mentions of one event reach its partition in an order that depends on
how upstream partitions interleave, and a replay must end in the same event.
So the state keeps what each article said (a `Report`, bounded by
MAX_ARTICLES) and derives the view from the reports every time.

- Copies: an article whose text signature is near-identical (see
  `transfers.neardup`) to an EARLIER article of the event (article time, then
  id) is a copy: it is listed, but is no source, mention, vote or stage
  evidence. Whichever arrives first, the earliest article of a group of
  copies is the one that counts.
- Version: the number of distinct (article, article version, stage) mentions
  absorbed, copies included, redeliveries not. It only grows, and it is a
  function of the set, so a replay ends on the same number. Copies must count:
  a copy seen before its original first counts as a source, then gives way,
  and both views need their own version number.
- Times are the articles' own (published, else fetched), never the wall
  clock, for the same reason; expiry is judged against a stream time given
  by the caller.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Protocol

import lz4.block
import orjson

from transfers.neardup import near_any

PROGRESS = ("rumour", "interest", "talks", "agreed", "medical", "official")
CLOSING = ("collapsed", "denied")  # together with PROGRESS: every nlp.types.STAGES
_RANK = {stage: rank for rank, stage in enumerate(PROGRESS)}
_ORDER = {stage: rank for rank, stage in enumerate(PROGRESS + CLOSING)}
# Articles kept per event. Beyond it the oldest (article time, then id) leaves:
# its mentions still count in `version`, its stage times in the history, the
# rest of it leaves the view; an article older than all those kept is ignored.
MAX_ARTICLES = 200
MAX_SIGNATURES = 4  # per article (one per text version; the smallest kept)
MAX_EVIDENCE = 400  # characters kept of an evidence sentence
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# First byte of a stored state: LZ4 now; zlib and plain JSON ("{") as older versions wrote.
_LZ4 = b"l"
_ZLIB = b"z"


class Change(Enum):
    """What one mention did to an event."""

    NONE = "none"  # already absorbed (redelivery, replay) or too old to keep
    QUIET = "quiet"  # the view moved (counts, times, copies) but nothing material
    MATERIAL = "material"  # stage, fee, kind, clubs or sources changed: publish now


class MentionLike(Protocol):
    """What the merge reads of a mention: a `schemas.records.Mention` fits."""

    article_id: str
    article_version: str
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
    signature: str


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
    article_version: str = "v1"
    signature: str = ""


@dataclass(slots=True)
class Report:
    """What one article said about the event, over all its versions and stages.

    Every field is a union, min or max over the article's mentions, so the
    order they come in does not matter.
    """

    source: str
    time: str  # article time: earliest of its mentions
    units: list[str] = field(default_factory=list)  # "version|stage" absorbed, sorted
    stages: dict[str, list[str]] = field(default_factory=dict)  # stage -> [order, evidence]
    names: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    from_clubs: list[str] = field(default_factory=list)
    to_clubs: list[str] = field(default_factory=list)
    fees: list[int] = field(default_factory=list)
    confidence: float = 0.0
    extractor_version: str = ""
    signatures: list[str] = field(default_factory=list)
    near: list[str] = field(default_factory=list)  # kept articles with near-identical text

    def absorb(self, m: MentionLike) -> bool:
        """Fold one new mention in; True when the text signatures changed."""
        _add(self.units, f"{m.article_version}|{m.stage}")
        self.source = min(self.source, m.source)
        self.time = min(self.time, m.published or m.fetched_at)
        evidence = [f"{m.fetched_at}|{m.article_version}", m.evidence[:MAX_EVIDENCE]]
        self.stages[m.stage] = max(self.stages.get(m.stage, evidence), evidence)
        _add(self.names, m.person)
        _add(self.roles, m.role)
        _add(self.kinds, m.kind)
        if m.from_club:
            _add(self.from_clubs, m.from_club)
        if m.to_club:
            _add(self.to_clubs, m.to_club)
        if m.fee_eur is not None:
            _add(self.fees, round(m.fee_eur))
        self.confidence = max(self.confidence, m.confidence)
        self.extractor_version = max(self.extractor_version, m.extractor_version)
        if not m.signature or m.signature in self.signatures:
            return False
        self.signatures = sorted([*self.signatures, m.signature])[:MAX_SIGNATURES]
        return m.signature in self.signatures


_REPORT_FIELDS = tuple(f.name for f in fields(Report))


@dataclass(slots=True)
class _Summary:
    """The counted articles and what they add up to (derived, never stored)."""

    counted: list[tuple[str, Report]]
    copies: list[str]
    stage_times: dict[str, tuple[str, str]]  # stage -> (first, last)
    first_seen: str
    last_seen: str


@dataclass(slots=True)
class EventState:
    event_id: str
    person_key: str
    articles: dict[str, Report] = field(default_factory=dict)
    evicted: int = 0  # mentions of articles dropped by MAX_ARTICLES (still in `version`)
    evicted_stages: dict[str, list[str]] = field(default_factory=dict)  # stage -> [first, last]
    emitted: int = 0  # version last published (not part of the view)
    # The derived summary of the current articles: the agent reads it several times
    # per mention (expiry, stage, material, view, index), so it is built once per change.
    _memo: _Summary | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventState:
        if "stage_seen" in data:  # the format before per-article reports: start over,
            # keeping the version number growing and nothing to publish
            version = data["version"]
            return cls(data["event_id"], data["person_key"], evicted=version, emitted=version)
        values = dict(data)
        articles = {key: Report(**value) for key, value in values.pop("articles").items()}
        return cls(articles=articles, **values)

    @classmethod
    def from_bytes(cls, stored: bytes) -> EventState:
        """A state stored by `to_bytes`, or by versions that stored zlib or plain JSON."""
        kind = stored[:1]
        if kind == _LZ4:
            stored = lz4.block.decompress(stored[1:])
        elif kind == _ZLIB:
            stored = zlib.decompress(stored[1:])
        return cls.from_dict(orjson.loads(stored))

    def to_bytes(self) -> bytes:
        """The state as a table value: LZ4-compressed JSON.

        Each write goes to the table's changelog in full: a state holds a
        report per article (signatures, evidence), 26 KB on average over a
        3,000-article backfill. On the states of a 20,000-article run, LZ4
        took 5.5-6.4 us a state to compress and 1.9 to decompress, zlib
        (level 1) 39-41 and 21; LZ4 leaves 41% of the JSON, zlib 31%. The
        dedupe stage writes every changed state at each commit.
        """
        return _LZ4 + lz4.block.compress(orjson.dumps(self.to_dict()))

    def to_dict(self) -> dict[str, Any]:
        """Plain data for orjson (`asdict` deep-copies: 30x slower on a full event)."""
        return {
            "event_id": self.event_id,
            "person_key": self.person_key,
            "articles": {
                key: {name: getattr(report, name) for name in _REPORT_FIELDS}
                for key, report in self.articles.items()
            },
            "evicted": self.evicted,
            "evicted_stages": self.evicted_stages,
            "emitted": self.emitted,
        }

    @property
    def version(self) -> int:
        return self.evicted + sum(len(r.units) for r in self.articles.values())

    @property
    def pending(self) -> bool:
        """The view has changed since the version last published."""
        return self.version > self.emitted

    # --- merging ---------------------------------------------------------

    def apply(self, m: MentionLike) -> Change:
        """Fold one mention in, and say what changed in the public view."""
        report = self.articles.get(m.article_id)
        if report is not None and f"{m.article_version}|{m.stage}" in report.units:
            return Change.NONE
        if report is None and len(self.articles) >= MAX_ARTICLES:
            oldest = min((r.time, key) for key, r in self.articles.items())
            if (m.published or m.fetched_at, m.article_id) < oldest:
                return Change.NONE  # older than all it keeps: a redelivery of an evicted one?
        before = self.material()
        if report is None:
            report = self.articles[m.article_id] = Report(m.source, m.published or m.fetched_at)
        if report.absorb(m):
            self._link(m.article_id, report)
        if len(self.articles) > MAX_ARTICLES:
            self._evict()
        self._memo = None  # the articles changed
        return Change.MATERIAL if self.material() != before else Change.QUIET

    def _link(self, article_id: str, report: Report) -> None:
        """Recompute which kept articles have text near-identical to this one."""
        for key in report.near:
            self.articles[key].near.remove(article_id)
        report.near = []
        others = [(key, other) for key, other in self.articles.items() if key != article_id]
        near = near_any(report.signatures, [other.signatures for _, other in others])
        for (key, other), is_near in zip(others, near, strict=True):
            if is_near:
                _add(report.near, key)
                _add(other.near, article_id)

    def _evict(self) -> None:
        _, key = min((r.time, key) for key, r in self.articles.items())
        report = self.articles[key]
        if self._counts(key, report):
            for stage in report.stages:
                first, last = self.evicted_stages.get(stage, [report.time, report.time])
                self.evicted_stages[stage] = [min(first, report.time), max(last, report.time)]
        self.evicted += len(report.units)
        for other in report.near:
            self.articles[other].near.remove(key)
        del self.articles[key]

    def _counts(self, key: str, report: Report) -> bool:
        """Not a copy: no kept article with near-identical text is earlier."""
        return not any((self.articles[n].time, n) < (report.time, key) for n in report.near)

    # --- the public view -------------------------------------------------

    def _summary(self) -> _Summary:
        if self._memo is None:
            self._memo = self._summarise()
        return self._memo

    def _summarise(self) -> _Summary:
        counted, copies = [], []
        for key, report in sorted(self.articles.items()):
            if self._counts(key, report):
                counted.append((key, report))
            else:
                copies.append(key)
        times: dict[str, tuple[str, str]] = {s: (f, t) for s, (f, t) in self.evicted_stages.items()}
        for _, report in counted:
            for stage in report.stages:
                first, last = times.get(stage, (report.time, report.time))
                times[stage] = (min(first, report.time), max(last, report.time))
        return _Summary(
            counted=counted,
            copies=copies,
            stage_times=times,
            first_seen=min((f for f, _ in times.values()), default=""),
            last_seen=max((t for _, t in times.values()), default=""),
        )

    def stage(self, summary: _Summary | None = None) -> str:
        """Most advanced progress stage, unless a later collapse/denial closed it.

        'official' always wins: a deal announced by the club is done, whatever
        was said before.
        """
        latest = {s: t for s, (_, t) in (summary or self._summary()).stage_times.items()}
        progress = [s for s in PROGRESS if s in latest]
        best = max(progress, key=_RANK.__getitem__) if progress else None
        if best == "official":
            return best
        closing = [s for s in CLOSING if s in latest]
        if closing:
            last_close = max(closing, key=lambda s: (latest[s], s))
            if best is None or latest[last_close] > latest[best]:
                return last_close
        return best or "rumour"

    def material(self) -> tuple[Any, ...]:
        summary = self._summary()
        votes = _votes(summary)
        return (
            self.stage(summary),
            _best_fee(summary),
            _kind(votes["kinds"]),
            _top(votes["from_clubs"]),
            _top(votes["to_clubs"]),
            tuple(sorted(_sources(summary))),
        )

    @property
    def last_seen(self) -> str:
        return self._summary().last_seen

    def view(self) -> dict[str, Any]:
        """The `transfers.events` record for this state."""
        summary = self._summary()
        votes = _votes(summary)
        stage = self.stage(summary)
        sources = _sources(summary)
        fee_history = _fee_history(summary)
        evidence = max(
            ((r.time, key, r.stages[stage][1]) for key, r in summary.counted if stage in r.stages),
            default=("", "", ""),
        )[2]
        official = summary.stage_times.get("official")
        return {
            "event_id": self.event_id,
            "person_key": self.person_key,
            "version": self.version,
            "person": _best_name(votes["names"]),
            "role": _top(votes["roles"]) or "player",
            "from_club": _top(votes["from_clubs"]),
            "to_club": _top(votes["to_clubs"]),
            "kind": _kind(votes["kinds"]),
            "stage": stage,
            "fee_eur": _best_fee(summary),
            "fee_history": fee_history,
            "sources": sorted(sources),
            "article_ids": [key for key, _ in summary.counted],
            "duplicate_article_ids": summary.copies,
            "mention_count": sum(len(r.stages) for _, r in summary.counted),
            "confidence": _confidence(sources, stage),
            "first_seen": summary.first_seen,
            "last_seen": summary.last_seen,
            "updated_at": summary.last_seen,
            "rumour_to_official_s": (
                _seconds(summary.first_seen, official[0]) if official else None
            ),
            "stage_history": [
                {"stage": s, "first_seen": first, "last_seen": last}
                for s, (first, last) in sorted(
                    summary.stage_times.items(), key=lambda item: (item[1][0], _ORDER[item[0]])
                )
            ],
            "evidence": evidence,
            "extractor_version": max((r.extractor_version for _, r in summary.counted), default=""),
            "expired": False,
        }

    # --- expiry ----------------------------------------------------------

    def expires_at(self, ttl_s: float) -> str:
        """Stream time after which the event is over: its last mention plus the TTL."""
        last = _parse(self.last_seen)
        return _format(last + timedelta(seconds=ttl_s)) if last else ""

    def expired(self, now: str, ttl_s: float) -> bool:
        """No mention for longer than `ttl_s` at stream time `now` (ttl 0: never)."""
        return idle(self.last_seen, now, ttl_s)

    def expired_view(self, ttl_s: float) -> dict[str, Any]:
        """The last version of an event that is over, the same whenever it is sent."""
        return {
            **self.view(),
            "version": self.version + 1,
            "updated_at": self.expires_at(ttl_s),
            "expired": True,
        }


def _add(values: list[Any], value: Any) -> None:
    """Insert into a sorted list of distinct values."""
    if value not in values:
        values.append(value)
        values.sort()


def _votes(summary: _Summary) -> dict[str, dict[str, int]]:
    """One vote per counted article for each value it reported."""
    votes: dict[str, dict[str, int]] = {
        name: {} for name in ("names", "roles", "kinds", "from_clubs", "to_clubs")
    }
    for _, report in summary.counted:
        for name, tally in votes.items():
            for value in getattr(report, name):
                tally[value] = tally.get(value, 0) + 1
    return votes


def _sources(summary: _Summary) -> dict[str, float]:
    """Outlet -> best confidence among its counted articles."""
    sources: dict[str, float] = {}
    for _, report in summary.counted:
        sources[report.source] = max(sources.get(report.source, 0.0), report.confidence)
    return sources


def _fee_history(summary: _Summary) -> list[dict[str, Any]]:
    """Every figure reported, with how many articles gave it and when: oldest first."""
    figures: dict[int, list[Any]] = {}  # fee -> [reports, first, last]
    for _, report in summary.counted:
        for fee in report.fees:
            tally = figures.setdefault(fee, [0, report.time, report.time])
            tally[0] += 1
            tally[1], tally[2] = min(tally[1], report.time), max(tally[2], report.time)
    return [
        {"fee_eur": float(fee), "reports": n, "first_seen": first, "last_seen": last}
        for fee, (n, first, last) in sorted(figures.items(), key=lambda item: (item[1][1], item[0]))
    ]


def _best_fee(summary: _Summary) -> float | None:
    """The best corroborated figure: most articles, then the most recently reported, then larger."""
    history = _fee_history(summary)
    if not history:
        return None
    best = max(history, key=lambda h: (h["reports"], h["last_seen"], h["fee_eur"]))
    return float(best["fee_eur"])


def _kind(kinds: dict[str, int]) -> str:
    return _top({k: n for k, n in kinds.items() if k != "unknown"}) or "unknown"


def _confidence(sources: dict[str, float], stage: str) -> float:
    """Grows with independent outlets and with the stage reached."""
    if not sources:
        return 0.0
    doubt = 1.0
    for value in sorted(sources.values(), reverse=True):
        doubt *= 1.0 - 0.6 * value
    stage_weight = {"official": 0.3, "medical": 0.2, "agreed": 0.15}.get(stage, 0.0)
    return round(min(1.0, (1.0 - doubt) + stage_weight * doubt), 3)


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


def _parse(iso_time: str) -> datetime | None:
    """An aware datetime (naive means UTC); None for a time that does not parse."""
    try:
        parsed = datetime.fromisoformat(iso_time)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def stream_time(iso_time: str) -> str:
    """`iso_time` in the one format of derived times ("" when it does not parse)."""
    parsed = _parse(iso_time)
    return _format(parsed) if parsed else ""


def idle(last: str, now: str, ttl_s: float) -> bool:
    """More than `ttl_s` from `last` to `now` (False when ttl_s is 0 or a time is unknown)."""
    before, current = _parse(last), _parse(now)
    if ttl_s <= 0 or before is None or current is None:
        return False
    return current > before + timedelta(seconds=ttl_s)


def _seconds(start: str, end: str) -> int | None:
    begin, finish = _parse(start), _parse(end)
    if begin is None or finish is None:
        return None
    return max(0, round((finish - begin).total_seconds()))
