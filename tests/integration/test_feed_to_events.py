"""Feeds served on loopback -> `mercato run` on the real broker -> events read downstream.

The worker runs as a subprocess through the operator interface (`mercato run
--feeds FILE` with KAFKA_BOOTSTRAP_SERVERS), and a plain aiokafka consumer
reads its topics the way a downstream service would.
"""

from __future__ import annotations

import json
import signal
import subprocess
from typing import Any

import jsonschema
import pytest

from nlp.types import STAGES
from pipeline.broker import EmbeddedBroker
from schemas.records import SCHEMA_VERSION
from tests.conftest import REPO
from tests.helpers import read_until
from tests.integration.conftest import FEEDS

pytestmark = pytest.mark.integration

EXPECTED = json.loads((FEEDS / "expected.json").read_text())
SCHEMAS = REPO / "schemas" / "json"


def _rank(stage: str) -> int:
    return STAGES.index(stage)


def _final(messages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The latest version of each event, as a compacted-topic reader would keep it."""
    finals: dict[str, dict[str, Any]] = {}
    for message in messages:
        value = message["value"]
        if value["version"] > finals.get(message["key"], {}).get("version", 0):
            finals[message["key"]] = value
    return finals


def _matches(event: dict[str, Any], expected: dict[str, Any]) -> bool:
    return (
        event["person"].split()[-1] == expected["person"].split()[-1]
        and event["to_club"] == expected["to_club"]
    )


def _all_expected(finals: dict[str, dict[str, Any]]) -> bool:
    for want in EXPECTED["events"]:
        found = [e for e in finals.values() if _matches(e, want)]
        if not found or sorted(found[0]["sources"]) != want["sources"]:
            return False
    return True


async def test_feeds_become_deduplicated_events(
    worker: subprocess.Popen[bytes], env: dict[str, str], broker: EmbeddedBroker
) -> None:
    bootstrap = broker.bootstrap_servers
    messages = await read_until(
        bootstrap, env["MERCATO_TOPIC_EVENTS"], lambda m: _all_expected(_final(m)), timeout=90
    )
    finals = _final(messages)
    assert _all_expected(finals), f"events seen: {list(finals.values())}"

    for want in EXPECTED["events"]:
        (event,) = [e for e in finals.values() if _matches(e, want)]
        assert event["from_club"] == want["from_club"]
        if "stage" in want:
            assert event["stage"] == want["stage"]
        else:
            assert _rank(event["stage"]) >= _rank(want["min_stage"])
    # One move reported by two outlets is ONE event with both as sources.
    verdi = [e for e in finals.values() if e["person_key"] == "verdi"]
    assert len(verdi) == 1 and len(verdi[0]["sources"]) == 2 and verdi[0]["mention_count"] >= 2
    # Keys are the event ids.
    assert all(m["key"] == m["value"]["event_id"] for m in messages)

    letters = await read_until(
        bootstrap, env["MERCATO_TOPIC_DLQ"], lambda m: len(m) >= 1, timeout=30
    )
    assert [(d["value"]["stage"], d["value"]["reason"]) for d in letters] == [
        (d["stage"], d["reason"]) for d in EXPECTED["dead_letters"]
    ]
    assert letters[0]["value"]["payload_encoding"] == "base64"  # the broken body is not UTF-8

    # Ctrl-C stops the worker cleanly.
    worker.send_signal(signal.SIGINT)
    assert worker.wait(timeout=30) == 0


def _records(messages: list[dict[str, Any]]) -> int:
    """Records in `messages`: a transfers.mentions message holds several."""
    return sum(len(m["value"].get("mentions", [m])) for m in messages)


async def test_topic_messages_match_json_schemas(
    worker: subprocess.Popen[bytes], env: dict[str, str], broker: EmbeddedBroker
) -> None:
    bootstrap = broker.bootstrap_servers
    await read_until(bootstrap, env["MERCATO_TOPIC_EVENTS"], lambda m: _all_expected(_final(m)), 90)
    counts = {
        "news.articles.raw": ("MERCATO_TOPIC_RAW", 4),
        "news.articles.tokenized": ("MERCATO_TOPIC_TOKENIZED", 4),
        "transfers.mentions": ("MERCATO_TOPIC_MENTIONS", 3),  # mentions, in fewer messages
        "transfers.events": ("MERCATO_TOPIC_EVENTS", 2),
        "mercato.dlq": ("MERCATO_TOPIC_DLQ", 1),
    }
    for schema_name, (variable, at_least) in counts.items():
        schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
        validator = jsonschema.Draft202012Validator(schema)
        messages = await read_until(
            bootstrap, env[variable], lambda m, n=at_least: _records(m) >= n, 30
        )
        assert _records(messages) >= at_least, f"{schema_name}: only {_records(messages)} records"
        for message in messages:
            errors = [e.message for e in validator.iter_errors(message["value"])]
            assert not errors, f"{schema_name} offset {message['offset']}: {errors}"
            assert message["value"]["schema_version"] == SCHEMA_VERSION
