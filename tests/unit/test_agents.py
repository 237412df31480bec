"""The stages inside Faust's test context: no broker, one AsyncMock per outbound topic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock

import orjson
import pytest

import agents
from pipeline.app import MercatoApp, create_app
from pipeline.settings import Settings
from schemas.codec import encode
from schemas.records import Mention, RawArticle


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[MercatoApp]:
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1", "MERCATO_DATA_DIR": str(tmp_path)}
    )
    app = agents.install(create_app(settings), with_ingest=False)
    app.finalize()
    app.conf.store = "memory://"
    app.flow_control.resume()
    yield app


def sent(mock: AsyncMock) -> list[dict[str, Any]]:
    return [orjson.loads(call.kwargs["value"]) for call in mock.call_args_list]


def mention(article: str, source: str, stage: str) -> bytes:
    return encode(
        Mention(
            event_id="ev1",
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
            published="2026-01-20T08:00:00Z",
            fetched_at="2026-01-20T08:05:00Z",
            extractor_version="test",
        )
    )


async def test_dedupe_emits_one_event_per_move_and_versions_on_change(app: MercatoApp) -> None:
    events, dlq = AsyncMock(), AsyncMock()
    app.topics_.events.send = events  # type: ignore[method-assign]
    app.topics_.dlq.send = dlq  # type: ignore[method-assign]
    agent = app.agents["dedupe"]
    async with agent.test_context() as ctx:
        await ctx.put(mention("a1", "one.test", "talks"), key=b"ev1")
        await ctx.put(mention("a1", "one.test", "talks"), key=b"ev1")  # redelivered
        await ctx.put(mention("a2", "two.test", "agreed"), key=b"ev1")
        await ctx.put(b"{broken", key=b"ev1")
    versions = sent(events)
    assert [(v["version"], v["stage"], v["sources"]) for v in versions] == [
        (1, "talks", ["one.test"]),
        (2, "agreed", ["one.test", "two.test"]),
    ]
    assert all(call.kwargs["key"] == b"ev1" for call in events.call_args_list)
    (letter,) = sent(dlq)
    assert (letter["stage"], letter["reason"]) == ("dedupe", "not_json")


async def test_tokenize_dead_letters_poison_and_passes_good_articles(app: MercatoApp) -> None:
    tokenized, dlq = AsyncMock(), AsyncMock()
    app.topics_.tokenized.send = tokenized  # type: ignore[method-assign]
    app.topics_.dlq.send = dlq  # type: ignore[method-assign]
    good = RawArticle(
        id="a1",
        version="v1",
        feed="f",
        source="s.test",
        url="https://s.test/a1",
        title="Ufficiale: Rossi alla Juventus",
        summary="<p>La Juventus ha ufficializzato l&#39;acquisto dell&#8217;attaccante.</p>",
        content="",
        published=None,
        fetched_at="2026-01-20T08:00:00Z",
    )
    agent = app.agents["tokenize"]
    async with agent.test_context() as ctx:
        await ctx.put(b"\xff\xfe not json", key=b"x")
        await ctx.put(encode(good), key=b"a1")
        await ctx.put(b'{"id": 3}', key=b"y")
    (article,) = sent(tokenized)
    assert article["id"] == "a1" and article["lang"] == "it"
    assert "<p>" not in article["text"] and article["sentences"]
    assert [(d["reason"], d["payload_encoding"]) for d in sent(dlq)] == [
        ("not_json", "base64"),
        ("schema_violation", "utf-8"),
    ]
