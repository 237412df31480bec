"""`mercato replay`: retained raw articles re-processed without duplicating or diverging."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import orjson

from pipeline.metrics import scrape, total
from tests.integration.conftest import raw_messages, wait_for

MATERIAL = ("person", "from_club", "to_club", "stage", "kind", "fee_eur", "sources")


def replay(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "replay", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = orjson.loads(done.stdout.strip().splitlines()[-1])
    return result


def finals(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for event in events:
        if event["version"] >= latest.get(event["event_id"], {}).get("version", -1):
            latest[event["event_id"]] = event
    return latest


def test_replay_counts_reprocesses_resumes_and_compares(
    env: dict[str, str], worker: subprocess.Popen[bytes], unique: str
) -> None:
    port = env["MERCATO_METRICS_PORT"]
    wait_for(lambda: len(raw_messages(env)) >= 4, 90, "the test feeds in raw")

    def dedupe_in() -> float:
        return total(scrape(port), "mercato_stage_messages_total", stage="dedupe", direction="in")

    wait_for(lambda: dedupe_in() >= 3, 60, "mentions reaching dedupe")
    raw = raw_messages(env)

    assert replay(env, "--from", "2099-01-01", "--dry-run")["in_window"] == 0  # future: nothing
    counted = replay(env, "--from", "2000-01-01", "--dry-run")
    assert counted["in_window"] == len(raw) and counted["articles"] == 0

    wait_for(lambda: events_settled(env), 60, "the live events to settle")
    before = raw_messages(env, "MERCATO_TOPIC_EVENTS")
    handled = dedupe_in()
    done = replay(env, "--from", "2000-01-01")
    assert done["articles"] == len(raw) and done["mentions"] >= 3
    wait_for(lambda: dedupe_in() >= handled + done["mentions"], 60, "the replayed mentions")
    # Mentions the live state already holds change nothing: no new version, no divergence.
    assert raw_messages(env, "MERCATO_TOPIC_EVENTS") == before
    # Resumable: the same command again finds nothing left to do.
    assert replay(env, "--from", "2000-01-01")["in_window"] == 0

    # Side by side: the same window built into another topic gives the same events.
    target = f"compare-{unique}"
    built = replay(env, "--from", "2000-01-01", "--target", target)
    assert built["events"] >= 1
    compared = raw_messages({**env, "MERCATO_TOPIC_EVENTS": target}, "MERCATO_TOPIC_EVENTS")
    live = finals(before)
    assert {k: [e[f] for f in MATERIAL] for k, e in finals(compared).items()} == {
        k: [e[f] for f in MATERIAL] for k, e in live.items()
    }


def events_settled(env: dict[str, str]) -> bool:
    first = raw_messages(env, "MERCATO_TOPIC_EVENTS")
    return bool(first) and raw_messages(env, "MERCATO_TOPIC_EVENTS") == first
