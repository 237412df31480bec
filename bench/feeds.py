"""Feed polling at scale: 1,000 feeds of 30 items on loopback, against plain feedparser.

    python -m bench.feeds [--feeds 1000] [--items 30] [--out bench-feeds.json]

A server process answers on 127.0.0.x (one loopback address per 250 feeds'
worth of hosts, so per-host limits behave as with many outlets) and the
poller under test runs in this process with its real code path: conditional
GET, parsing, per-feed item memory, and each offered article encoded and
sent to a Kafka topic on the embedded broker (or KAFKA_BOOTSTRAP_SERVERS).
Three measures:
  full    first cycle, every feed 200 with its whole body;
  steady  next cycle, 90% of feeds answer 304 and 10% have 3 new items;
  parse   plain `feedparser.parse` over the same 1,000 bodies (the CPU floor).
Figures: items/s, cycle seconds, CPU seconds of this process, peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import multiprocessing
import resource
import sys
import time
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import feedparser
import orjson
from aiokafka import AIOKafkaProducer

from pipeline.broker import free_port
from pipeline.feedstate import FeedState
from pipeline.ingest import FeedPoller, http_client
from pipeline.metrics import Metrics
from pipeline.runtime import cluster
from pipeline.settings import Settings
from schemas.codec import encode
from schemas.records import RawArticle

SENTENCE = (
    "il club ha avviato i contatti con l'entourage del centrocampista classe 2001 per un "
    "trasferimento a titolo definitivo la cifra richiesta è di 18 milioni più bonus e la "
    "trattativa potrebbe chiudersi entro la fine della settimana secondo fonti vicine alla società"
)
WORDS = SENTENCE.split(" ")


def feed_body(feed: int, generation: int, items: int) -> bytes:
    """Feed `feed` at `generation`: every tenth feed gains 3 items per generation."""
    shift = 3 * generation if feed % 10 == 0 else 0
    entries = []
    for n in range(shift, shift + items):
        words = " ".join(WORDS[(feed + n + k) % len(WORDS)] for k in range(45))
        link = f"https://outlet{feed}.example.test/calciomercato/{feed}-{n}"
        entries.append(
            f"<item><title>Mercato {feed}-{n}: trattativa in corso</title><link>{link}</link>"
            f"<guid>{link}</guid><description>{words}</description>"
            f"<pubDate>{formatdate(1_780_000_000 + n * 60, usegmt=True)}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Outlet {feed}</title><link>https://outlet{feed}.example.test/</link>"
        + "".join(reversed(entries))
        + "</channel></rss>"
    ).encode()


def _serve(port: int, items: int, generation: Synchronized[int], ready: Any) -> None:
    bodies: dict[tuple[int, int], tuple[bytes, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            feed = int(self.path.rsplit("/", 1)[-1].split(".")[0])
            gen = generation.value if feed % 10 == 0 else 0
            if (feed, gen) not in bodies:
                body = feed_body(feed, gen, items)
                bodies[(feed, gen)] = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
            body, etag = bodies[(feed, gen)]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("", port), Handler)
    ready.set()
    server.serve_forever()


def feed_urls(port: int, feeds: int) -> list[str]:
    return [f"http://127.0.{n // 250}.{n % 250 + 1}:{port}/feed/{n}.xml" for n in range(feeds)]


@dataclass
class Cycle:
    name: str
    seconds: float
    cpu_seconds: float
    items: int
    statuses: dict[str, int]

    def row(self) -> dict[str, Any]:
        return {
            "cycle": self.name,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "items": self.items,
            "items_per_s": round(self.items / self.seconds, 1) if self.seconds else None,
            "statuses": self.statuses,
        }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def poll_cycles(
    bootstrap: str, urls: list[str], generation: Synchronized[int]
) -> list[Cycle]:
    settings = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": bootstrap}).replace(
        min_poll_interval_s=0.0
    )
    metrics = Metrics()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=262144)
    await producer.start()
    topic = f"bench-polled-{int(time.time())}"

    async def offer(article: RawArticle) -> None:
        await producer.send(topic, key=article.id.encode(), value=encode(article))

    async def dead_letter(reason: str, detail: str, payload: bytes, key: str) -> None:
        raise RuntimeError(f"unexpected dead letter {reason}: {detail}")

    poller = FeedPoller(settings, metrics, offer, dead_letter)
    states = [FeedState(url) for url in urls]
    cycles = []
    try:
        async with http_client(settings) as client:
            for name, gen in (("full", 0), ("steady", 1)):
                generation.value = gen
                started, cpu = time.perf_counter(), _cpu()
                offered = await asyncio.gather(*(poller.poll(client, s) for s in states))
                await producer.flush()
                statuses: dict[str, int] = {}
                for s in states:
                    statuses[s.last_outcome] = statuses.get(s.last_outcome, 0) + 1
                cycles.append(
                    Cycle(name, time.perf_counter() - started, _cpu() - cpu, sum(offered), statuses)
                )
    finally:
        await producer.stop()
    return cycles


def parse_floor(feeds: int, items: int) -> Cycle:
    bodies = [feed_body(n, 0, items) for n in range(feeds)]
    started, cpu = time.perf_counter(), _cpu()
    parsed = sum(len(feedparser.parse(io.BytesIO(b)).entries) for b in bodies)
    return Cycle("parse", time.perf_counter() - started, _cpu() - cpu, parsed, {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("bench-feeds.json"))
    args = parser.parse_args(argv)

    floor = parse_floor(args.feeds, args.items)
    port = free_port()
    context = multiprocessing.get_context("spawn")
    generation: Synchronized[int] = context.Value("i", 0)
    ready = context.Event()
    server = context.Process(target=_serve, args=(port, args.items, generation, ready), daemon=True)
    server.start()
    ready.wait(30)
    try:
        with cluster(Settings.from_env()) as on_cluster:
            servers = on_cluster.kafka_bootstrap_servers
            cycles = asyncio.run(poll_cycles(servers, feed_urls(port, args.feeds), generation))
    finally:
        server.terminate()
        server.join()
    full = cycles[0]
    result = {
        "feeds": args.feeds,
        "items_per_feed": args.items,
        "cycles": [c.row() for c in (*cycles, floor)],
        "full_over_parse_floor": round(full.seconds / floor.seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    args.out.write_text(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    out = sys.stdout
    out.write(f"{'cycle':<8}{'seconds':>9}{'cpu s':>9}{'items':>8}{'items/s':>10}  statuses\n")
    for row in result["cycles"]:
        out.write(
            f"{row['cycle']:<8}{row['seconds']:>9}{row['cpu_seconds']:>9}{row['items']:>8}"
            f"{row['items_per_s'] or '':>10}  {row['statuses']}\n"
        )
    out.write(
        f"full cycle / plain-parse floor: {result['full_over_parse_floor']}x; "
        f"peak RSS {result['peak_rss_mb']} MB; written to {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
