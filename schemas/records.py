"""The value of every topic, as a typed Faust record.

Serialized as JSON (Faust uses orjson when it is installed). Each record has a
JSON Schema beside it in `schemas/json/`, the contract for consumers in other
languages; `tests/integration` validates real topic messages against them.
Times are ISO 8601 UTC strings so the JSON stays readable and portable.
"""

from __future__ import annotations

from typing import Any

import faust

SCHEMA_VERSION = 1


class FeedSpec(faust.Record, serializer="json"):
    """`mercato.feeds`: one configured feed, key = `url`; a null value removes it."""

    url: str
    title: str = ""
    schema_version: int = SCHEMA_VERSION


class RawArticle(faust.Record, serializer="json"):
    """`news.articles.raw`: one message per new (or changed) article, key = `id`.

    `news.articles.polled` carries the same record: every item new to its feed,
    before the articles table admits it once across feeds.
    """

    id: str  # stable article id (canonical URL or guid digest)
    version: str  # content digest: a changed article is republished with a new version
    feed: str  # feed URL it came through
    source: str  # outlet (host of the article URL, without www.)
    url: str
    title: str
    summary: str
    content: str  # full text when the feed carries it, else ""
    published: str | None  # from the feed, ISO 8601 UTC
    fetched_at: str  # ISO 8601 UTC
    lang: str | None = None  # declared by the feed, if any
    schema_version: int = SCHEMA_VERSION


class TokenizedArticle(faust.Record, serializer="json"):
    """`news.articles.tokenized`: the normalised, language-tagged article, key = `id`."""

    id: str
    version: str
    source: str
    url: str
    title: str
    lang: str  # ISO 639-1, "und" when undetermined
    text: str  # title + blank line + body, normalised
    sentences: list[list[int]]  # [start, end) character offsets into text
    token_count: int
    published: str | None
    fetched_at: str
    schema_version: int = SCHEMA_VERSION


class Mention(faust.Record, serializer="json"):
    """One extracted event mention: an item of a `MentionBatch` on `transfers.mentions`."""

    event_id: str
    person_key: str  # shared by competing destinations of one person
    article_id: str
    article_version: str
    source: str
    url: str
    person: str
    role: str
    from_club: str | None
    to_club: str | None
    kind: str
    stage: str
    fee_eur: float | None
    evidence: str
    confidence: float
    lang: str
    published: str | None
    fetched_at: str
    extractor_version: str
    # MinHash of the article's text (transfers.neardup): finds republished copies.
    signature: str = ""
    # Where `evidence` is in the tokenized article's `text`: text[evidence_start:evidence_end]
    # (0, 0 in mentions from extractors before 0.2.0).
    evidence_start: int = 0
    evidence_end: int = 0
    schema_version: int = SCHEMA_VERSION


class MentionBatch(faust.Record, serializer="json"):
    """`transfers.mentions`: mentions of events of one partition, in the order extracted.

    key = the first mention's event id: the default partitioner puts the message
    on the partition of every event in it. One message per partition per batch
    of articles, not one per mention: each Kafka message costs the stages far
    more than a mention in it (README, Benchmarks). A value that is one
    `Mention` alone, as written before batches, reads as a batch of one.
    """

    mentions: list[Mention]
    schema_version: int = SCHEMA_VERSION


class TransferEvent(faust.Record, serializer="json"):
    """`transfers.events`: the deduplicated event, key = `event_id`, compacted.

    A version is published at once when something material changes (stage,
    fee, kind, clubs or the set of sources); other changes (counts, times,
    copies) are published by the next sweep, so the last version of a key is
    always the whole current event. `version` is the number of distinct
    (article, article version, stage) mentions absorbed, copies included: it
    only grows, may skip numbers, and a replay in any order ends on the same
    one. `expired` marks the last version of an event with no mention for
    MERCATO_EVENT_TTL_S of stream time (its version is one more); a later
    mention starts the key afresh from version 1.
    """

    event_id: str
    person_key: str
    version: int
    person: str
    role: str
    from_club: str | None
    to_club: str | None
    kind: str
    stage: str
    fee_eur: float | None
    sources: list[str]
    article_ids: list[str]
    mention_count: int
    confidence: float
    first_seen: str
    last_seen: str
    updated_at: str
    evidence: str
    extractor_version: str
    # Added later: None only when decoding versions published before them.
    fee_history: list[dict[str, Any]] | None = None
    stage_history: list[dict[str, Any]] | None = None
    duplicate_article_ids: list[str] | None = None
    rumour_to_official_s: int | None = None
    expired: bool = False
    schema_version: int = SCHEMA_VERSION


class DeadLetter(faust.Record, serializer="json"):
    """`mercato.dlq`: something a stage could not process, with why and where."""

    stage: str  # ingest | tokenize | extract | dedupe
    reason: str  # short, low-cardinality class: malformed_feed, oversized, bad_record, ...
    detail: str  # the error message
    payload: str  # the original payload (text, or base64 when not UTF-8)
    payload_encoding: str  # "utf-8" or "base64"
    topic: str | None
    partition: int | None
    offset: int | None
    key: str | None
    failed_at: str
    schema_version: int = SCHEMA_VERSION
