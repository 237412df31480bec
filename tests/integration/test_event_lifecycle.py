"""One move reported by three outlets over time, plus a copy: one event, the expected versions.

Feeds on a loopback server gain one article at a time (rumour, talks,
official, then another outlet's near-verbatim copy of the official one); a
downstream aiokafka consumer reads `transfers.events`. Run undisturbed and
with the worker killed (SIGKILL) between two articles; then the same raw
topic is replayed by a fresh worker group into new topics, which must end in
the identical final event.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from pipeline.metrics import scrape, total
from tests.feedserver import feed_server, rss
from tests.integration.conftest import (
    FAST,
    feed_list,
    mercato_run,
    raw_messages,
    wait_for,
)

T0 = 1_780_000_000.0
STORY = {
    "a": (
        "Fiorentina, suggestione Bellandi",
        "Secondo voci di mercato Lorenzo Bellandi del Sassuolo potrebbe finire alla Fiorentina. "
        "Si tratta per ora di una semplice voce.",
    ),
    "b": (
        "Fiorentina-Sassuolo, avviata la trattativa per Bellandi",
        "La Fiorentina ha avviato la trattativa con il Sassuolo per Lorenzo Bellandi. I contatti "
        "tra i due club sono in corso e il giocatore gradisce la destinazione.",
    ),
    "c": (
        "UFFICIALE: Bellandi è un nuovo giocatore della Fiorentina",
        "È ufficiale: Lorenzo Bellandi è un nuovo giocatore della Fiorentina. Il centrocampista "
        "arriva dal Sassuolo a titolo definitivo e ha firmato un contratto fino al 2030.",
    ),
}
# Outlet d republishes c's article nearly word for word under its own URL.
STORY["d"] = (STORY["c"][0].replace("UFFICIALE", "Ufficiale"), STORY["c"][1] + " (Fonte: agenzie)")
EXPECTED = [("rumour", 1), ("talks", 2), ("official", 3)]


def events(env: dict[str, str]) -> list[dict[str, Any]]:
    return raw_messages(env, "MERCATO_TOPIC_EVENTS")


def versions_seen(env: dict[str, str]) -> list[tuple[str, int]]:
    """(stage, number of sources) as versions go by, repeats folded (sweeps republish counts)."""
    by_version: dict[int, dict[str, Any]] = {}
    for event in events(env):
        earlier = by_version.setdefault(event["version"], event)
        assert earlier == event, "two different events carry one version number"
    seen: list[tuple[str, int]] = []
    for _, event in sorted(by_version.items()):
        if not seen or seen[-1] != (event["stage"], len(event["sources"])):
            seen.append((event["stage"], len(event["sources"])))
    return seen


def publish(server: Any, outlet: str, step: int) -> None:
    title, text = STORY[outlet]
    link = f"https://www.outlet-{outlet}.example.test/calciomercato/bellandi-{outlet}"
    server.route(f"/{outlet}.xml", body=rss([(link, title, text, T0 + 3600 * step)]))


@pytest.mark.parametrize(
    ("crash", "store"),
    [(False, "memory://"), (True, "memory://"), (True, "rocksdb://")],
    ids=["undisturbed", "killed-and-restarted", "killed-and-restarted-rocksdb"],
)
def test_three_outlets_and_a_copy_make_one_event_with_the_expected_versions(
    env: dict[str, str], tmp_path: Path, unique: str, crash: bool, store: str
) -> None:
    env = {
        **env,
        "MERCATO_TABLE_STORE": store,
        **FAST,
        "MERCATO_MONITOR_INTERVAL_S": "0.5",
        "MERCATO_EVENT_SWEEP_INTERVAL_S": "1",  # counts and copies are published by the sweep
    }
    port = env["MERCATO_METRICS_PORT"]
    log = tmp_path / "worker.log"
    with feed_server() as server:
        feeds = feed_list(tmp_path, [server.route(f"/{o}.xml", body=rss([])) for o in STORY])
        worker = mercato_run(env, feeds, log)
        process = worker.__enter__()
        try:
            for step, outlet in enumerate("abc"):
                publish(server, outlet, step)
                wait_for(lambda n=step: len(versions_seen(env)) > n, 90, f"version {step + 1}")
                if crash and outlet == "b":
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    worker.__exit__(None, None, None)
                    worker = mercato_run(env, feeds, log)
                    process = worker.__enter__()
            handled = total(scrape(port), "mercato_stage_messages_total", stage="dedupe")
            publish(server, "d", 3)
            wait_for(lambda: len(raw_messages(env)) == 4, 60, "the copy published to raw")
            wait_for(
                lambda: (
                    total(scrape(port), "mercato_stage_messages_total", stage="dedupe") > handled
                ),
                60,
                "the copy's mention reaching the dedupe stage",
            )
            # The copy adds no source but is counted in the version, published by the sweep.
            wait_for(lambda: any(e["duplicate_article_ids"] for e in events(env)), 30, "the sweep")
        finally:
            worker.__exit__(None, None, None)
    assert versions_seen(env) == EXPECTED
    finals = {e["event_id"]: e for e in events(env)}
    assert len(finals) == 1
    [final] = finals.values()
    assert final["person"] == "Lorenzo Bellandi"
    assert (final["from_club"], final["to_club"], final["stage"]) == (
        "Sassuolo",
        "Fiorentina",
        "official",
    )
    assert [s.split(".")[0] for s in final["sources"]] == ["outlet-a", "outlet-b", "outlet-c"]
    assert len(final["duplicate_article_ids"]) == 1 and final["mention_count"] == 3

    # Replay: a fresh group (new app id, stream-only) reads the same raw topic into new topics.
    replay = {
        **env,
        "MERCATO_APP_ID": f"replay-{unique}",
        "MERCATO_INGEST": "false",
        "MERCATO_TOPIC_FEEDS": f"replay-feeds-{unique}",
        "MERCATO_TOPIC_POLLED": f"replay-polled-{unique}",
        "MERCATO_TOPIC_TOKENIZED": f"replay-tokenized-{unique}",
        "MERCATO_TOPIC_MENTIONS": f"replay-mentions-{unique}",
        "MERCATO_TOPIC_EVENTS": f"replay-events-{unique}",
        "MERCATO_TOPIC_DLQ": f"replay-dlq-{unique}",
    }
    with mercato_run(replay, feeds, tmp_path / "replay.log"):
        wait_for(
            lambda: any(e["version"] >= final["version"] for e in events(replay)),
            90,
            "the replayed final event",
        )
    replayed = {e["event_id"]: e for e in events(replay)}
    assert replayed == finals
