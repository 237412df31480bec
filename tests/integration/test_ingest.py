"""Ingestion on the real broker and a loopback feed server: once per article, polite, durable.

Workers are real `mercato run` processes; the feed server logs every request,
so the tests see conditional GETs, schedules and backoff from the outside, and
read `news.articles.raw` to its end as a downstream consumer would.
"""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest

from pipeline.broker import free_port
from pipeline.metrics import scrape, total
from tests.feedserver import FeedServer, feed_server, rss
from tests.integration.conftest import (
    FAST,
    feed_list,
    mercato_run,
    raw_messages,
    wait_for,
)


def polls_after(server: FeedServer, path: str, since: float) -> int:
    return sum(1 for r in server.hits(path) if r.at > since)


def item(n: int, text: str = "") -> tuple[str, str, str]:
    return (
        f"https://news.example.test/mercato/{n}",
        f"Trattativa numero {n}",
        text or f"Il club ha avviato i contatti per il centrocampista del caso {n}.",
    )


def test_each_article_is_published_once_across_polls_feeds_and_restarts(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, **FAST}
    with feed_server() as server:
        a = server.route("/a.xml", body=rss([item(1), item(2)]))
        # The same article as item 2 through a second outlet's feed, with tracking parameters.
        syndicated = ("https://www.news.example.test/mercato/2?utm_source=rss#top", *item(2)[1:])
        b = server.route("/b.xml", body=rss([syndicated, item(3)]))
        c = server.route("/c.xml", body=rss([item(4)]), etag=False)  # 200 with a body every time
        feeds = feed_list(tmp_path, [a, b, c])
        log = tmp_path / "worker.log"
        with mercato_run(env, feeds, log):
            wait_for(
                lambda: all(len(server.hits(p)) >= 3 for p in ("/a.xml", "/b.xml", "/c.xml")),
                60,
                "three polls of each feed",
            )
            first = raw_messages(env)
            assert sorted(m["title"] for m in first) == [
                f"Trattativa numero {n}" for n in (1, 2, 3, 4)
            ]
            # Conditional GET: once the ETag is known, /a.xml is asked with If-None-Match.
            assert any("If-None-Match" in r.headers for r in server.hits("/a.xml"))
            assert all("Mercato" in r.headers["User-Agent"] for r in server.requests)
            # A changed item and a new one: published once each; item 1 keeps its id.
            server.route(
                "/a.xml",
                body=rss([item(1, "Ora è fatta: visite mediche domani."), item(2), item(5)]),
            )
            wait_for(lambda: len(raw_messages(env)) >= 6, 30, "the changed and the new item")
        restarted = max(r.at for r in server.requests)
        with mercato_run(env, feeds, log):
            wait_for(
                lambda: all(
                    polls_after(server, p, restarted) >= 3 for p in ("/a.xml", "/b.xml", "/c.xml")
                ),
                60,
                "three polls of each feed after the restart",
            )
            # The feed state came back from Kafka: the first request after restart is conditional.
            after = [r for r in server.hits("/a.xml") if r.at > restarted]
            assert "If-None-Match" in after[0].headers
        messages = raw_messages(env)
    versions = Counter((m["id"], m["version"]) for m in messages)
    assert len(messages) == 6 and set(versions.values()) == {1}, versions
    ids = Counter(m["id"] for m in messages)
    assert sorted(ids.values()) == [1, 1, 1, 1, 2]  # item 1: two versions under one id


def test_two_workers_split_the_feeds_and_one_takes_over_when_the_other_dies(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, **FAST}
    paths = [f"/f{n}.xml" for n in range(8)]
    with feed_server() as server:
        urls = [
            server.route(p, body=rss([item(10 * n + 1), item(10 * n + 2)]))
            for n, p in enumerate(paths)
        ]
        feeds = feed_list(tmp_path, urls)
        port_a, port_b = free_port(), free_port()
        env_a = {**env, "MERCATO_METRICS_PORT": str(port_a)}
        env_b = {**env, "MERCATO_METRICS_PORT": str(port_b)}
        polled = lambda port: total(scrape(port), "mercato_feeds_polled")  # noqa: E731
        with mercato_run(env_a, feeds, tmp_path / "a.log") as worker_a:
            wait_for(lambda: polled(port_a) == 8, 60, "worker A polling all 8 feeds")
            with mercato_run(env_b, feeds, tmp_path / "b.log"):
                wait_for(
                    lambda: 0 < polled(port_b) < 8 and polled(port_a) + polled(port_b) == 8,
                    60,
                    "the two workers splitting the feeds",
                )
                split_at = time.time()
                # While split, every feed keeps being polled (none fell between the two)...
                wait_for(
                    lambda: all(polls_after(server, p, split_at) >= 1 for p in paths),
                    30,
                    "every feed polled while split",
                )
                # ... and the split held: still all 8 between them, each with a share.
                split = (polled(port_a), polled(port_b))
                worker_a.send_signal(signal.SIGKILL)
                worker_a.wait()
                wait_for(lambda: polled(port_b) == 8, 60, "worker B taking over every feed")
                taken_over = max(r.at for r in server.requests)
                wait_for(
                    lambda: all(polls_after(server, p, taken_over) >= 2 for p in paths),
                    30,
                    "polls after the takeover",
                )
        messages = raw_messages(env)
    # No feed was polled twice in one cycle: a poll a second, never two within 0.4 s.
    for path in paths:
        times = [r.at for r in server.hits(path)]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert min(gaps) > 0.4, (path, gaps)
    assert split[0] + split[1] == 8 and min(split) > 0, split
    assert Counter(m["id"] for m in messages).most_common(1)[0][1] == 1
    assert len(messages) == 16


def test_bad_feeds_are_counted_dead_lettered_and_never_stop_the_poller(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {**env, **FAST, "MERCATO_MAX_FEED_BYTES": "1000000"}
    odd = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Odd</title>'
        b"<item><title>Senza link n\xc3\xa9 guid</title><description>Il &amp; Torino &#232; "
        b"&lt;script&gt;alert(1)&lt;/script&gt; su un difensore.</description>"
        b"<pubDate>domani alle 25:99</pubDate></item></channel></rss>"
    )
    gzipped = {"Content-Encoding": "gzip"}
    with feed_server() as server:
        routes = {
            "/good.xml": {"body": rss([item(1)])},
            "/broken.xml": {"body": b"<rss><channel><item><title>Tronc"},
            "/page.html": {
                "body": b"<html><body><h1>Not a feed</h1></body></html>",
                "content_type": "text/html",
            },
            "/empty.xml": {"body": rss([])},
            "/huge.xml": {"stream_bytes": 50_000_000},
            "/stall.xml": {"body": rss([item(2)]), "delay_s": 1.6},
            "/error.xml": {"status": 500, "body": b"oops"},
            "/reset.xml": {"body": rss([item(3), item(4)]), "reset_after": 120},
            "/odd.xml": {"body": odd},
            "/gzip.xml": {"body": gzip.compress(rss([item(8)])), "headers": gzipped},
            "/moved.xml": {"status": 301, "headers": {"Location": "/new.xml"}},
        }
        urls = [server.route(path, **spec) for path, spec in routes.items()]
        server.route("/new.xml", body=rss([item(7)]))
        port = env["MERCATO_METRICS_PORT"]
        with mercato_run(env, feed_list(tmp_path, urls), tmp_path / "worker.log") as worker:
            wait_for(
                lambda: all(
                    len(server.hits(p)) >= 3 for p in [*routes, "/new.xml"] if p != "/moved.xml"
                ),
                60,
                "three polls of every feed",
            )
            wait_for(
                lambda: len(server.hits("/good.xml")) >= 8, 30, "the good feed polled on schedule"
            )
            samples = scrape(port)
            # The failing feed recovers: its next poll after the backoff publishes its item.
            server.route("/error.xml", body=rss([item(9)]))
            wait_for(
                lambda: any(m["title"] == "Trattativa numero 9" for m in raw_messages(env)),
                30,
                "the recovered feed's item",
            )
            assert worker.poll() is None, "the worker died"
        messages = [m for m in raw_messages(env) if m["title"] != "Trattativa numero 9"]
        letters = raw_messages(env, "MERCATO_TOPIC_DLQ")
        status = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "feeds", "status", "--json"],
            env={**os.environ, **env},
            capture_output=True,
            check=True,
        )
    health = {
        row["url"].rsplit("/", 1)[-1]: row for row in map(orjson.loads, status.stdout.splitlines())
    }
    assert health["good.xml"]["health"] == "ok" and health["good.xml"]["last_new_item"]
    assert health["error.xml"]["health"] == "ok"  # recovered
    assert health["stall.xml"]["health"] == "failing"
    assert health["stall.xml"]["last_outcome"] == "timeout"
    assert health["stall.xml"]["last_error"].startswith("timeout after")
    assert [row["health"] for row in health.values()][-1] == "ok"  # worst first
    titles = {m["title"] for m in messages}
    assert titles == {f"Trattativa numero {n}" for n in (1, 7, 8)} | {"Senza link né guid"}
    # A permanent redirect moved the feed: it is fetched from the new URL from then on.
    last_moved = max(r.at for r in server.hits("/moved.xml"))
    assert len([r for r in server.hits("/new.xml") if r.at > last_moved]) >= 2
    assert health["moved.xml"]["fetch_url"] == server.base + "/new.xml"
    odd_article = next(m for m in messages if m["title"] == "Senza link né guid")
    assert odd_article["url"] == "" and odd_article["published"] is None
    # Entities decoded, the script dropped by feedparser's sanitizer.
    assert "Il & Torino è" in odd_article["summary"] and "alert" not in odd_article["summary"]
    reasons = Counter((d["reason"], d["key"].rsplit("/", 1)[-1]) for d in letters)
    assert reasons[("malformed_feed", "broken.xml")] >= 1
    assert reasons[("malformed_feed", "page.html")] >= 1
    assert reasons[("oversized_feed", "huge.xml")] >= 1
    outcomes = {
        o: total(samples, "mercato_feed_polls_total", outcome=o)
        for o in ("timeout", "http_5xx", "malformed", "oversized", "empty", "200")
    }
    assert all(v >= 1 for v in outcomes.values()), outcomes
    assert total(samples, "mercato_feed_consecutive_failures", feed=server.base + "/error.xml") >= 2
    # Exponential backoff on the failing feed, while the good feed kept its one-second pace.
    times = [r.at for r in server.hits("/error.xml")][:-1]  # the last one answered 200
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps[-1] > 1.5 * gaps[0], gaps
    assert all("Mercato" in r.headers.get("User-Agent", "") for r in server.requests)


@pytest.mark.parametrize("allowed", [True])
def test_full_text_is_fetched_from_the_article_page(
    env: dict[str, str], tmp_path: Path, allowed: bool
) -> None:
    env = {
        **env,
        **FAST,
        "MERCATO_FULLTEXT": "true",
        "MERCATO_ALLOW_PRIVATE_ADDRESSES": str(allowed).lower(),
    }
    page = (
        "<html><head><title>Mercato</title></head><body><nav>Home | Calcio | Mercato</nav>"
        "<article><h1>Il Torino chiude per il difensore</h1>"
        "<p>Il Torino ha trovato l'accordo con il Lecce per il difensore centrale: prestito con "
        "obbligo di riscatto fissato a 6 milioni di euro, visite mediche previste per lunedì.</p>"
        "<p>Il giocatore ha già salutato i compagni e raggiungerà il ritiro granata.</p>"
        "</article><footer>Tutti i diritti riservati</footer></body></html>"
    ).encode()
    with feed_server() as server:
        article_url = server.route(
            "/news/torino-difensore.html", body=page, content_type="text/html; charset=utf-8"
        )
        url = server.route(
            "/summary.xml", body=rss([(article_url, "Torino, preso il difensore", "Affare fatto.")])
        )
        with mercato_run(env, feed_list(tmp_path, [url]), tmp_path / "worker.log"):
            wait_for(lambda: len(raw_messages(env)) >= 1, 60, "the article")
        [article] = raw_messages(env)
    assert "obbligo di riscatto fissato a 6 milioni" in article["content"]
    assert "Tutti i diritti riservati" not in article["content"]
    assert article["summary"] == "Affare fatto."
