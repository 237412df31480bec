"""Poison on every stage's input: dead-lettered with its origin, listed, replayed once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import raw_messages, wait_for

POISON = [
    ("MERCATO_TOPIC_RAW", b"\xff\xfe not even utf-8"),
    ("MERCATO_TOPIC_RAW", b'{"id": 42, "truncated": '),
    ("MERCATO_TOPIC_MENTIONS", b'{"event_id": "e1", "person": null}'),
]


def mercato(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


async def send_poison(env: dict[str, str]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"])
    await producer.start()
    try:
        for variable, payload in POISON:
            await producer.send_and_wait(env[variable], payload, key=b"poison")
    finally:
        await producer.stop()


def stream_letters(env: dict[str, str]) -> list[dict[str, Any]]:
    return [d for d in raw_messages(env, "MERCATO_TOPIC_DLQ") if d["topic"]]


def test_poison_is_dead_lettered_listed_and_replayed_once(
    env: dict[str, str], worker: subprocess.Popen[bytes]
) -> None:
    asyncio.run(send_poison(env))
    wait_for(lambda: len(stream_letters(env)) >= 3, 90, "three dead letters")
    letters = stream_letters(env)
    assert sorted((d["stage"], d["topic"], d["reason"]) for d in letters) == [
        ("dedupe", env["MERCATO_TOPIC_MENTIONS"], "schema_violation"),
        ("tokenize", env["MERCATO_TOPIC_RAW"], "not_json"),
        ("tokenize", env["MERCATO_TOPIC_RAW"], "not_json"),
    ]
    assert all(d["offset"] is not None and d["reason"] for d in letters)
    encodings = sorted(d["payload_encoding"] for d in letters if d["stage"] == "tokenize")
    assert encodings == ["base64", "utf-8"]  # not UTF-8: kept byte for byte
    # The stream went on: the good feeds still became events.
    wait_for(lambda: bool(raw_messages(env, "MERCATO_TOPIC_EVENTS")), 60, "events")

    listed = [orjson.loads(line) for line in mercato(env, "dlq", "list", "--json").splitlines()]
    assert {d["stage"] for d in listed} >= {"ingest", "tokenize", "dedupe"}
    assert "would replay 3;" in mercato(env, "dlq", "replay", "--dry-run")
    assert "replayed 3;" in mercato(env, "dlq", "replay")
    # Sent back to their stages, still poison: dead-lettered again, byte for byte.
    wait_for(lambda: len(stream_letters(env)) >= 6, 60, "the replayed letters back in the DLQ")
    again = stream_letters(env)[3:]
    assert sorted(d["payload"] for d in again) == sorted(d["payload"] for d in letters)
    # Each letter is replayed once, whatever the filters: 7 stream letters, 4 of them replayed.
    assert "replayed 1;" in mercato(env, "dlq", "replay", "--stage", "dedupe")
    wait_for(lambda: len(stream_letters(env)) >= 7, 60, "the dedupe letter back again")
    assert "would replay 3;" in mercato(env, "dlq", "replay", "--dry-run")
