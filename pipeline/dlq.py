"""Dead letters for people: list them, and send them back once the cause is fixed.

`replay` re-sends each letter's original payload to the topic it was read from
(same key), so the stage that failed sees it again, and records the letter in
the compacted topic `<dlq topic>.replayed`, so every letter is replayed once,
however many times and with whichever filters the command runs. Letters with no
source topic (a feed body that was not a feed, an oversized feed) cannot be
replayed: the feed is polled again anyway; they are counted as skipped.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from pipeline.feeds import now_iso
from pipeline.offsets import read_to_end
from pipeline.registry import read_compacted
from pipeline.settings import Settings
from schemas.codec import BadRecord, decode
from schemas.records import DeadLetter

Match = Callable[[DeadLetter], bool]


def matcher(stage: str | None = None, reason: str | None = None) -> Match:
    return lambda d: (stage is None or d.stage == stage) and (reason is None or d.reason == reason)


def payload_bytes(letter: DeadLetter) -> bytes:
    if letter.payload_encoding == "base64":
        return base64.b64decode(letter.payload)
    return letter.payload.encode("utf-8")


async def list_letters(settings: Settings, match: Match) -> list[DeadLetter]:
    letters = []
    for message in await read_to_end(settings.kafka_bootstrap_servers, settings.topic_dlq):
        try:
            letter = decode(DeadLetter, message.value)
        except BadRecord:
            continue
        if match(letter):
            letters.append(letter)
    return letters


@dataclass
class ReplayCount:
    replayed: int = 0
    skipped: int = 0  # no source topic, or filtered out
    unreadable: int = 0


def replayed_topic(settings: Settings) -> str:
    """Compacted record of replayed letters, keyed by the letter's DLQ partition and offset."""
    return f"{settings.topic_dlq}.replayed"


async def replay_letters(settings: Settings, match: Match, *, dry_run: bool) -> ReplayCount:
    """Re-send matching letters to their source topics, once (see the module docstring)."""
    servers = settings.kafka_bootstrap_servers
    done = await read_compacted(settings, replayed_topic(settings))
    count = ReplayCount()
    producer = AIOKafkaProducer(bootstrap_servers=servers)
    await producer.start()
    try:
        for message in await read_to_end(servers, settings.topic_dlq):
            mark = f"{message.partition}:{message.offset}".encode()
            try:
                letter = decode(DeadLetter, message.value)
            except BadRecord:
                count.unreadable += 1
                continue
            if mark in done or not letter.topic or not match(letter):
                count.skipped += 1
                continue
            count.replayed += 1
            if dry_run:
                continue
            key = letter.key.encode() if letter.key else None
            await producer.send_and_wait(letter.topic, payload_bytes(letter), key=key)
            # Recorded only once it is sent: a crash in between replays it again, never loses it.
            await producer.send(replayed_topic(settings), now_iso().encode(), key=mark)
        await producer.flush()
    finally:
        await producer.stop()
    return count
