"""Archives through the pipeline: publish times kept, published once however often loaded."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import orjson

from pipeline.metrics import scrape, total
from pipeline.offsets import read_to_end
from tests.conftest import DATA
from tests.feedserver import feed_server, rss
from tests.integration.conftest import FAST, feed_list, mercato_run, wait_for


def backfill(env: dict[str, str], *paths: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "backfill", *map(str, paths)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_backfill_keeps_publish_times_and_publishes_each_article_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, **FAST}
    archive = tmp_path / "archive"
    archive.mkdir()
    devset = (DATA / "devset" / "articles.jsonl").read_text().splitlines()[:5]
    (archive / "articles.jsonl").write_text("\n".join(devset) + "\n")
    (archive / "transfers_en.atom").write_bytes((DATA / "feeds" / "transfers_en.atom").read_bytes())
    (tmp_path / "saved-from.opml").write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="Transfer desk" xmlUrl="https://transfer-desk.test/feed.atom"/>'
        "</body></opml>"
    )
    expected = 5 + (DATA / "feeds" / "transfers_en.atom").read_text().count("<entry>")
    port = env["MERCATO_METRICS_PORT"]
    with feed_server() as server:
        feeds = feed_list(tmp_path, [server.route("/empty.xml", body=rss([]))])
        with mercato_run(env, feeds, tmp_path / "worker.log"):
            loaded = backfill(env, tmp_path / "saved-from.opml", archive)
            assert f"{expected} articles offered from 2 files" in loaded
            wait_for(lambda: len(read_raw(env)) >= expected, 60, "the backfilled articles")
            assert f"{expected} articles offered" in backfill(env, archive)  # again
            wait_for(
                lambda: (
                    total(scrape(port), "mercato_articles_admitted_total", outcome="duplicate")
                    >= expected
                ),
                60,
                "the second load admitted as duplicates",
            )
    raw = read_raw(env)
    assert len(raw) == expected
    by_title = {orjson.loads(value)["title"]: (timestamp, value) for timestamp, value in raw}
    # Articles of the saved feed are attributed to the feed the OPML lists for their outlet.
    feeds = {orjson.loads(value)["feed"] for _, value in raw}
    assert "https://transfer-desk.test/feed.atom" in feeds
    for line in devset:
        article = orjson.loads(line)
        timestamp, value = by_title[article["title"]]
        published = datetime.fromisoformat(article["published"].replace("Z", "+00:00"))
        assert timestamp == int(published.timestamp() * 1000)
        assert orjson.loads(value)["content"] == article["text"]


def read_raw(env: dict[str, str]) -> list[tuple[int, bytes]]:
    records = asyncio.run(read_to_end(env["KAFKA_BOOTSTRAP_SERVERS"], env["MERCATO_TOPIC_RAW"]))
    return [(r.timestamp, r.value) for r in records if r.value]
