"""The stages inside Faust's test context: no broker, one AsyncMock per outbound topic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import orjson
import pytest
from faust.types import TP

import agents
from agents.extract import mentions_of
from agents.tokenize import tokenize_article
from bench.pipeline import raw_articles
from nlp.segment import token_spans
from pipeline.app import MercatoApp, create_app
from pipeline.settings import Settings
from pipeline.topics import partition_of
from schemas.codec import decode, encode
from schemas.records import Mention, RawArticle

TTL_DAYS = 10


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[MercatoApp]:
    settings = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1",
            "MERCATO_DATA_DIR": str(tmp_path),
            "MERCATO_EVENT_TTL_S": str(TTL_DAYS * 86400),
        }
    )
    app = agents.install(create_app(settings), with_ingest=False)
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()

    def key_partition(topic: str, key: bytes) -> TP:
        """The producer's choice for tables written by key (no producer runs here)."""
        return TP(topic, partition_of(key, settings.partitions))

    app.producer.key_partition = key_partition  # type: ignore[method-assign]

    async def publish(topic: Any, key: bytes, value: bytes, timestamp: float | None = None) -> Any:
        """The stages' direct producer path, routed to the topic's mock."""
        return await topic.send(key=key, value=value, timestamp=timestamp)

    app.publish = publish  # type: ignore[method-assign]
    yield app


def sent(mock: AsyncMock) -> list[dict[str, Any]]:
    return [orjson.loads(call.kwargs["value"]) for call in mock.call_args_list]


def batch(*mentions: bytes) -> bytes:
    """A transfers.mentions message of several mentions."""
    return b'{"mentions":[%s],"schema_version":1}' % b",".join(mentions)


def mention(
    article: str,
    source: str,
    stage: str,
    event_id: str = "ev1",
    published: str = "2026-01-20T08:00:00Z",
) -> bytes:
    return encode(
        Mention(
            event_id=event_id,
            person_key="verdi",
            article_id=article,
            article_version="v",
            source=source,
            url=f"https://{source}/{article}",
            person="Marco Verdi",
            role="player",
            from_club="Torino",
            to_club="Napoli",
            kind="unknown",
            stage=stage,
            fee_eur=None,
            evidence="...",
            confidence=0.6,
            lang="it",
            published=published,
            fetched_at="2026-03-01T08:05:00Z",
            extractor_version="test",
        )
    )


async def test_dedupe_emits_one_event_per_move_and_versions_on_change(app: MercatoApp) -> None:
    events, dlq = AsyncMock(), AsyncMock()
    app.topics_.events.send = events  # type: ignore[method-assign]
    app.topics_.dlq.send = dlq  # type: ignore[method-assign]
    agent = app.agents["dedupe"]
    async with agent.test_context() as ctx:
        talks = mention("a1", "one.test", "talks")
        await ctx.put(batch(talks, talks), key=b"ev1")  # the second one redelivered
        await ctx.put(mention("a2", "two.test", "agreed"), key=b"ev1")  # alone, as before batches
        # One bad mention in a batch: the others are folded.
        await ctx.put(batch(b'{"event_id": 5}', mention("a3", "six.test", "agreed")), key=b"ev1")
        await ctx.put(b"{broken", key=b"ev1")
    versions = sent(events)
    assert [(v["version"], v["stage"], v["sources"]) for v in versions] == [
        (1, "talks", ["one.test"]),
        (2, "agreed", ["one.test", "two.test"]),
        (3, "agreed", ["one.test", "six.test", "two.test"]),
    ]
    assert all(call.kwargs["key"] == b"ev1" for call in events.call_args_list)
    item, whole = sent(dlq)
    assert (item["stage"], item["reason"], item["key"]) == ("dedupe", "schema_violation", "ev1")
    assert orjson.loads(item["payload"])["mentions"] == [{"event_id": 5}]  # replayable alone
    assert (whole["stage"], whole["reason"]) == ("dedupe", "not_json")
    received = app.metrics.registry.get_sample_value(
        "mercato_stage_messages_total", {"stage": "dedupe", "direction": "in"}
    )
    assert received == 6  # mentions, and the unreadable message


# ev1, ev7 and ev11 share partition 1 of 4: one stream time.
LATER = "2026-02-10T08:00:00Z"  # 21 days after the first mentions: past the TTL


async def test_dedupe_expires_idle_events_on_stream_time(app: MercatoApp) -> None:
    events = AsyncMock()
    app.topics_.events.send = events  # type: ignore[method-assign]
    async with app.agents["dedupe"].test_context() as ctx:
        await ctx.put(mention("a1", "one.test", "talks"), key=b"ev1")
        await ctx.put(mention("b1", "one.test", "talks", "ev7", LATER), key=b"ev7")
        # A new event older than stream time minus the TTL is too late: dropped.
        await ctx.put(mention("c1", "one.test", "talks", "ev11"), key=b"ev11")
        # ev1 is over: its final version, then a new life for the key.
        await ctx.put(mention("a2", "two.test", "agreed", "ev1", LATER), key=b"ev1")
    assert [(v["event_id"], v["version"], v["stage"], v["expired"]) for v in sent(events)] == [
        ("ev1", 1, "talks", False),
        ("ev7", 1, "talks", False),
        ("ev1", 2, "talks", True),
        ("ev1", 1, "agreed", False),
    ]
    final = sent(events)[2]
    assert final["updated_at"] == "2026-01-30T08:00:00Z"  # last_seen + TTL, not the wall clock
    late = app.metrics.registry.get_sample_value(
        "mercato_dedupe_mentions_total", {"outcome": "late"}
    )
    assert late == 1


async def folded(app: MercatoApp, count: int) -> None:
    """Wait until the dedupe stage has folded `count` mentions in all.

    `put` returns once the stream has the message; the agent folds it with
    its batch a little later. The sweep then waits for the batch's lock.
    """
    outcomes = ("none", "quiet", "material", "late")
    for _ in range(500):
        done = sum(
            app.metrics.registry.get_sample_value("mercato_dedupe_mentions_total", {"outcome": o})
            or 0
            for o in outcomes
        )
        if done >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{done} of {count} mentions folded")


async def test_sweep_publishes_quiet_changes_and_expires(app: MercatoApp) -> None:
    events = AsyncMock()
    app.topics_.events.send = events  # type: ignore[method-assign]
    sweep = app.events_sweep  # type: ignore[attr-defined]
    table = app.events_table  # type: ignore[attr-defined]
    async with app.agents["dedupe"].test_context() as ctx:
        await ctx.put(mention("a1", "one.test", "talks"), key=b"ev1")
        await ctx.put(mention("a9", "one.test", "talks"), key=b"ev1")  # quiet
        await folded(app, 2)
        assert len(events.call_args_list) == 1
        await sweep({1})
        await sweep({1})  # nothing left to publish
        await ctx.put(mention("b1", "one.test", "talks", "ev7", LATER), key=b"ev7")
        await folded(app, 3)
        await sweep({0, 2, 3})  # not this worker's partition: nothing happens
        assert b"ev1" not in table  # states reach the table when Faust commits
        app.sensors.on_commit_initiated(app.consumer)
        assert b"ev1" in table and b"ev7" in table
        await sweep({1})
    assert [
        (v["event_id"], v["version"], v["mention_count"], v["expired"]) for v in sent(events)
    ] == [
        ("ev1", 1, 1, False),
        ("ev1", 2, 2, False),
        ("ev7", 1, 1, False),
        ("ev1", 3, 2, True),
    ]
    assert b"ev1" not in table and b"ev7" in table


async def test_extract_agent_dead_letters_poison_and_passes_good_articles(app: MercatoApp) -> None:
    tokenized, mentions, dlq = AsyncMock(), AsyncMock(), AsyncMock()
    app.topics_.tokenized.send = tokenized  # type: ignore[method-assign]
    app.topics_.mentions.send = mentions  # type: ignore[method-assign]
    app.topics_.dlq.send = dlq  # type: ignore[method-assign]
    good = RawArticle(
        id="a1",
        version="v1",
        feed="f",
        source="s.test",
        url="https://s.test/a1",
        title="Ufficiale: Rossi alla Juventus",
        summary="<p>La Juventus ha ufficializzato l&#39;acquisto dell&#8217;attaccante "
        "Marco Rossi dal Sassuolo.</p>",
        content="",
        published=None,
        fetched_at="2026-01-20T08:00:00Z",
    )
    agent = app.agents["extract"]
    async with agent.test_context() as ctx:
        await ctx.put(b"\xff\xfe not json", key=b"x")
        await ctx.put(encode(good), key=b"a1")
        await ctx.put(b'{"id": 3}', key=b"y")
    (article,) = sent(tokenized)
    assert article["id"] == "a1" and article["lang"] == "it"
    assert "<p>" not in article["text"] and article["sentences"]
    assert article["token_count"] == len(token_spans(article["text"]))
    (message,) = mentions.call_args_list  # one message per partition of the batch's events
    (mention,) = orjson.loads(message.kwargs["value"])["mentions"]  # from the same agent
    assert message.kwargs["key"] == mention["event_id"].encode()
    assert (mention["article_id"], mention["to_club"], mention["stage"]) == (
        "a1",
        "Juventus",
        "official",
    )
    # The evidence offsets point into the tokenized text that went downstream.
    start, end = mention["evidence_start"], mention["evidence_end"]
    assert end > start and article["text"][start:end] == mention["evidence"]
    assert [(d["reason"], d["payload_encoding"]) for d in sent(dlq)] == [
        ("not_json", "base64"),
        ("schema_violation", "utf-8"),
    ]


async def test_extract_agent_packs_each_partitions_mentions_into_its_messages(
    app: MercatoApp,
) -> None:
    mentions, tokenized = AsyncMock(), AsyncMock()
    app.topics_.mentions.send = mentions  # type: ignore[method-assign]
    app.topics_.tokenized.send = tokenized  # type: ignore[method-assign]
    articles = raw_articles(12)
    expected = [
        m for value in articles for m in mentions_of(tokenize_article(decode(RawArticle, value)))
    ]
    partitions = app.settings.partitions
    async with app.agents["extract"].test_context() as ctx:
        for n, value in enumerate(articles):
            await ctx.put(value, key=f"bench-{n}".encode())
    assert len(tokenized.call_args_list) == len(articles)
    got = []
    for call in mentions.call_args_list:
        batch = orjson.loads(call.kwargs["value"])["mentions"]
        assert batch[0]["event_id"].encode() == call.kwargs["key"]
        home = partition_of(call.kwargs["key"], partitions)
        assert {partition_of(m["event_id"].encode(), partitions) for m in batch} == {home}
        got += batch
    assert len(expected) > len(mentions.call_args_list) > 1  # several partitions, fewer messages
    assert sorted((m["article_id"], m["event_id"], m["evidence_start"]) for m in got) == sorted(
        (m.article_id, m.event_id, m.evidence_start) for m in expected
    )


@pytest.mark.parametrize(("agent", "stage"), [("extract", "tokenize"), ("dedupe", "dedupe")])
async def test_a_message_over_the_size_limit_is_dead_lettered_unread(
    app: MercatoApp, agent: str, stage: str
) -> None:
    dlq = AsyncMock()
    app.topics_.dlq.send = dlq  # type: ignore[method-assign]
    limit = app.settings.max_message_bytes
    async with app.agents[agent].test_context() as ctx:
        await ctx.put(b'{"pad": "%s"}' % (b"x" * limit), key=b"k")
    (letter,) = sent(dlq)
    assert (letter["stage"], letter["reason"]) == (stage, "oversized")
    assert letter["detail"] == f"{limit + 11} bytes > {limit}"


async def test_a_failed_delivery_is_counted_and_logged(
    app: MercatoApp, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.get_running_loop()
    failed = app.metrics.send_errors
    before = failed._value.get()
    delivered, lost = loop.create_future(), loop.create_future()
    delivered.set_result(None)
    lost.set_exception(RuntimeError("MessageSizeTooLarge"))
    app._delivered(delivered)
    assert failed._value.get() == before
    app._delivered(lost)
    assert failed._value.get() == before + 1
    assert "MessageSizeTooLarge" in caplog.text
