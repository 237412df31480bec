"""Dead letters: what a stage could not process, kept with why and where.

Every stage follows one policy: a message that cannot be decoded, is too
large, or makes the pure logic raise is sent to the dead-letter topic with the
original payload, its topic/partition/offset and a short reason, and the
stream goes on. `mercato dlq` (later) lists and replays them.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING

from faust.types import EventT

from pipeline.feeds import now_iso
from schemas.codec import encode
from schemas.records import DeadLetter

if TYPE_CHECKING:
    from pipeline.app import MercatoApp

log = logging.getLogger(__name__)


def dead_letter(
    stage: str,
    reason: str,
    detail: str,
    payload: bytes | None,
    *,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | str | None = None,
) -> DeadLetter:
    raw = payload or b""
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="replace")
    return DeadLetter(
        stage=stage,
        reason=reason,
        detail=detail[:2000],
        payload=text,
        payload_encoding=encoding,
        topic=topic,
        partition=partition,
        offset=offset,
        key=key,
        failed_at=now_iso(),
    )


async def send_dead_letter(app: MercatoApp, letter: DeadLetter) -> None:
    log.warning(
        "dead letter stage=%s reason=%s topic=%s partition=%s offset=%s: %s",
        letter.stage,
        letter.reason,
        letter.topic,
        letter.partition,
        letter.offset,
        letter.detail,
    )
    app.metrics.dead_letters.labels(letter.stage, letter.reason).inc()
    await app.topics_.dlq.send(key=letter.key or letter.stage, value=encode(letter))


async def dead_letter_event(
    app: MercatoApp,
    stage: str,
    reason: str,
    detail: str,
    event: EventT,
    payload: bytes | None = None,
) -> None:
    """Dead-letter the message behind a stream event, or `payload` (a part of it), where it was."""
    message = event.message
    await send_dead_letter(
        app,
        dead_letter(
            stage,
            reason,
            detail,
            message.value if payload is None else payload,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
        ),
    )
