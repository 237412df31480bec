"""Faults on real processes: a worker killed mid-stream, a frozen broker. Nothing is lost.

Thousands of articles go in through `mercato backfill`; the tests count what
comes out of every stage by reading the topics, and compare the final events
with an undisturbed run (a fresh group replaying the same raw topic).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline.broker import EmbeddedBroker
from pipeline.feeds import iso
from tests.conftest import DATA, isolated_env
from tests.feedserver import feed_server, rss
from tests.integration.conftest import (
    FAST,
    caught_up,
    feed_list,
    mercato_run,
    raw_messages,
    wait_for,
)

ARTICLES = 2000


def write_archive(path: Path, count: int) -> None:
    """`count` distinct articles from the dev-set texts, each with its own URL and update line.

    Publish times follow the order (two days in all): events expire by stream
    time, so an archive scattered over more than `MERCATO_EVENT_TTL_S` would be
    judged differently by runs that read it in different orders.
    """
    texts = [
        orjson.loads(line) for line in (DATA / "devset" / "articles.jsonl").read_text().splitlines()
    ]
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            base = texts[n % len(texts)]
            out.write(
                orjson.dumps(
                    {
                        "id": f"fault-{n}",
                        "url": f"https://archive{n % 7}.example.test/mercato/{n}",
                        "title": base["title"],
                        "text": f"{base['text']} Aggiornamento numero {n}.",
                        "published": iso(1_780_000_000 + 60 * n),  # a minute apart
                    }
                ).decode()
                + "\n"
            )


def backfill(env: dict[str, str], path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "backfill", str(path)],
        env={**os.environ, **env},
        capture_output=True,
        check=True,
    )


def distinct_ids(env: dict[str, str], variable: str) -> set[str]:
    return {m["id"] for m in raw_messages(env, variable)}


def finals(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for event in raw_messages(env, "MERCATO_TOPIC_EVENTS"):
        if event["version"] >= latest.get(event["event_id"], {}).get("version", -1):
            latest[event["event_id"]] = event
    return latest


def settled(env: dict[str, str]) -> bool:
    """The worker has committed all its input, and no quiet change is left for the sweep.

    The sweep runs every second (MERCATO_EVENT_SWEEP_INTERVAL_S=1 below), so
    events unchanged over three seconds after the input is done are final.
    """
    # The topics the worker consumes (tokenized is only published, for downstream).
    if not caught_up(env, "MERCATO_TOPIC_RAW", "MERCATO_TOPIC_MENTIONS"):
        return False
    first = finals(env)
    time.sleep(3.0)
    return bool(first) and finals(env) == first


def fresh_group(env: dict[str, str], prefix: str) -> dict[str, str]:
    """Same raw topic, new app id and downstream topics: an undisturbed second run."""
    renamed = {
        var: f"{prefix}-{env[var]}"
        for var in (
            "MERCATO_TOPIC_FEEDS",
            "MERCATO_TOPIC_POLLED",
            "MERCATO_TOPIC_TOKENIZED",
            "MERCATO_TOPIC_MENTIONS",
            "MERCATO_TOPIC_EVENTS",
            "MERCATO_TOPIC_DLQ",
        )
    }
    return {
        **env,
        **renamed,
        "MERCATO_APP_ID": f"{prefix}-{env['MERCATO_APP_ID']}",
        "MERCATO_INGEST": "false",
    }


# Three worker runs over 2,000 articles: ~80 s on a quiet machine, and over the
# suite's 180 s default when the machine is shared.
@pytest.mark.timeout(480)
def test_worker_killed_mid_stream_loses_nothing_and_ends_on_the_same_events(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, **FAST, "MERCATO_EVENT_SWEEP_INTERVAL_S": "1"}
    archive = tmp_path / "archive.jsonl"
    write_archive(archive, ARTICLES)
    log = tmp_path / "worker.log"
    with feed_server() as server:
        feeds = feed_list(tmp_path, [server.route("/empty.xml", body=rss([]))])
        with mercato_run(env, feeds, log) as worker:
            backfill(env, archive)
            wait_for(
                lambda: len(distinct_ids(env, "MERCATO_TOPIC_TOKENIZED")) >= ARTICLES // 3,
                120,
                "a third of the stream",
            )
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        processed_before = len(distinct_ids(env, "MERCATO_TOPIC_TOKENIZED"))
        with mercato_run(env, feeds, log):
            wait_for(
                lambda: len(distinct_ids(env, "MERCATO_TOPIC_TOKENIZED")) == ARTICLES,
                240,
                "every article tokenized",
            )
            wait_for(lambda: settled(env), 120, "the events to settle")
        assert len(distinct_ids(env, "MERCATO_TOPIC_RAW")) == ARTICLES  # published once each
        undisturbed = fresh_group(env, "again")
        with mercato_run(undisturbed, feeds, tmp_path / "again.log"):
            wait_for(
                lambda: len(distinct_ids(undisturbed, "MERCATO_TOPIC_TOKENIZED")) == ARTICLES,
                240,
                "the undisturbed run",
            )
            wait_for(lambda: settled(undisturbed), 120, "its events to settle")
    assert ARTICLES // 3 <= processed_before < ARTICLES
    killed, clean = finals(env), finals(undisturbed)
    assert len(killed) >= 20
    diverging = {
        k: {
            f: (killed.get(k, {}).get(f), v)
            for f, v in clean[k].items()
            if killed.get(k, {}).get(f) != v
        }
        for k in clean
        if killed.get(k) != clean[k]
    }
    assert not diverging and killed.keys() == clean.keys(), list(diverging.items())[:2]


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    """A broker of this test's own, since the test freezes it."""
    with EmbeddedBroker() as running:
        yield running


def test_frozen_broker_recovers_by_itself_with_nothing_lost(
    own_broker: EmbeddedBroker, unique: str, tmp_path: Path
) -> None:
    env = {**isolated_env(own_broker, unique, tmp_path), **FAST}
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_archive(first, 200)
    lines = (tmp_path / "first.jsonl").read_text().splitlines()
    write_archive(second, 400)
    second.write_text("\n".join((second.read_text().splitlines())[200:]) + "\n")
    with feed_server() as server:
        feeds = feed_list(tmp_path, [server.route("/empty.xml", body=rss([]))])
        with mercato_run(env, feeds, tmp_path / "worker.log") as worker:
            backfill(env, first)
            wait_for(
                lambda: len(distinct_ids(env, "MERCATO_TOPIC_TOKENIZED")) == len(lines),
                120,
                "the first batch",
            )
            own_broker.pause()  # longer than the 6 s session timeout and the request timeouts
            time.sleep(15)
            own_broker.resume()
            backfill(env, second)
            wait_for(
                lambda: len(distinct_ids(env, "MERCATO_TOPIC_TOKENIZED")) == 400,
                180,
                "everything after the freeze",
            )
            assert worker.poll() is None, "the worker died"
    assert len(distinct_ids(env, "MERCATO_TOPIC_RAW")) == 400
