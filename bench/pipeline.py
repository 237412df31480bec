"""The whole pipeline against a hand-written aiokafka loop doing the same work.

    python -m bench.pipeline [--articles 100000] [--runs 3] [--out bench-pipeline.json]

On the embedded broker (or KAFKA_BOOTSTRAP_SERVERS), in one run:
  1. extractor   the pure extractor alone (bench.extractor), articles/s on one core;
  2. bare loop   one aiokafka consumer reads `news.articles.raw`, tokenizes,
                 extracts and folds mentions into event states in-process, and
                 produces event versions: the baseline, articles/s;
  3. pipeline    a real `mercato run` worker (stream-only) from the same raw
                 topic to `transfers.events`, articles/s, and the ratio 3/2;
  4. latency     article fetched -> event emitted while articles arrive at a
                 steady 50/s (p50, p99 from the worker's own histogram);
  5. peak RSS    of this process (bare loop) and of the worker.
Articles are built from the dev-set texts (`bench.extractor.build_articles`)
with the surnames of the labelled people varied for every pass over the 400
texts, so moves are spread over many events, about six articles each (median
and mean on 8,000 articles), as in a real news flow; people the dev set does
not label keep their names and become the long sagas that reach an event's
200 kept articles (three of 4,817 events on 8,000 articles).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from agents.extract import mentions_of, warm_up
from agents.tokenize import prepare_article
from bench.extractor import DEVSET, build_articles, measure_extractor
from pipeline.broker import free_port
from pipeline.feeds import iso, now_iso
from pipeline.metrics import Samples, scrape, total
from pipeline.offsets import caught_up, end_offsets
from pipeline.replay import fold
from pipeline.runtime import cluster, tune_gc
from pipeline.settings import Settings
from pipeline.topics import TopicSpec, ensure_topics
from schemas.codec import decode, encode
from schemas.records import RawArticle, TransferEvent
from transfers.state import Change, EventState

REPO = Path(__file__).resolve().parent.parent
SUFFIXES = [
    a + b
    for a in ("", "i", "o", "an", "el", "ov")
    for b in ("", "s", "ini", "ez", "ić", "sen", "ard", "elli")
]


def surnames() -> list[str]:
    gold = DEVSET.with_name("gold.jsonl")
    names = set()
    for line in gold.read_text(encoding="utf-8").splitlines():
        record = orjson.loads(line)
        for event in record["events"] + (record.get("optional_events") or []):
            names.add(event["person"].split()[-1])
    return sorted(names, key=len, reverse=True)


def raw_articles(count: int) -> list[bytes]:
    """`count` RawArticle messages; the labelled surnames change with every pass over the texts."""
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, surnames())) + r")\b")
    texts = build_articles(min(count, 400))
    built = []
    t0 = 1_780_000_000
    for n in range(count):
        title, text = texts[n % len(texts)]
        suffix = SUFFIXES[(n // len(texts)) % len(SUFFIXES)] + str(
            n // (len(texts) * len(SUFFIXES)) or ""
        )
        vary = lambda m, s=suffix: m.group(1) + s  # noqa: E731
        body = pattern.sub(vary, text)
        built.append(
            encode(
                RawArticle(
                    id=f"bench-{n}",
                    version="v1",
                    feed="https://bench.example.test/rss",
                    source=f"outlet{n % 12}.example.test",
                    url=f"https://outlet{n % 12}.example.test/{n}",
                    title=pattern.sub(vary, title),
                    summary="",
                    content=body,
                    published=iso(t0 + n),
                    fetched_at=now_iso(),
                )
            )
        )
    return built


async def fill(servers: str, topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=servers, linger_ms=20, max_batch_size=1 << 20, max_request_size=4 << 20
    )
    await producer.start()
    try:
        for n, value in enumerate(values):
            await producer.send(topic, value, key=f"bench-{n}".encode())
        await producer.flush()
    finally:
        await producer.stop()


async def bare_loop(servers: str, raw: str, events: str, count: int) -> dict[str, float]:
    """The baseline: consume, tokenize, extract, fold, produce, in one plain loop.

    Its producer batches as the worker's does (MERCATO_PRODUCER_LINGER_MS and
    _BATCH_BYTES): on the embedded broker small batches cost the broker more, and
    neither side should win or lose by that. For the same reason it runs with the
    worker's garbage-collector threshold (MERCATO_GC_THRESHOLD).
    """
    settings = Settings.from_env()
    tune_gc(settings.gc_threshold)
    consumer = AIOKafkaConsumer(
        raw,
        bootstrap_servers=servers,
        group_id=f"bench-bare-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=True,
        fetch_max_wait_ms=20,
        max_partition_fetch_bytes=4 << 20,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=servers,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_batch_bytes,
    )
    await consumer.start()
    await producer.start()
    warm_up()  # as the extract agent does before its first article
    states: dict[str, EventState] = {}
    seen = mentions = versions = 0
    started, started_cpu = None, 0.0
    try:
        while seen < count:
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            for messages in batch.values():
                for message in messages:
                    if started is None:
                        started, started_cpu = time.perf_counter(), time.process_time()
                    seen += 1
                    article = decode(RawArticle, message.value)
                    doc, tokenized = prepare_article(article)  # as the extract agent
                    for mention in mentions_of(tokenized, None, doc):
                        mentions += 1
                        if fold(states, mention) is Change.MATERIAL:
                            versions += 1
                            view = states[mention.event_id].view()
                            await producer.send(
                                events,
                                encode(TransferEvent(**view)),
                                key=mention.event_id.encode(),
                            )
        await producer.flush()
        seconds = time.perf_counter() - (started or time.perf_counter())
        cpu_seconds = time.process_time() - started_cpu
    finally:
        await producer.stop()
        await consumer.stop()
    return {
        "seconds": seconds,
        "articles_per_s": count / seconds,
        "cpu_seconds": cpu_seconds,
        "articles_per_cpu_s": count / cpu_seconds,
        "mentions": mentions,
        "events": len(states),
        "versions": versions,
    }


def stage_count(samples: Samples, stage: str) -> float:
    return total(samples, "mercato_stage_messages_total", stage=stage, direction="in")


def worker_env(servers: str, raw: str, tag: str, data: str) -> dict[str, str]:
    # MERCATO_* settings of the calling shell reach the worker (to measure one),
    # but not its topics, ports or data directory, which are set here.
    keep = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "TMPDIR") or k.startswith("MERCATO_")
    }
    return {
        **keep,
        "KAFKA_BOOTSTRAP_SERVERS": servers,
        "MERCATO_APP_ID": f"bench-{tag}",
        "MERCATO_INGEST": "false",
        "MERCATO_TOPIC_RAW": raw,
        **{
            var: f"bench-{tag}-{name}"
            for var, name in (
                ("MERCATO_TOPIC_TOKENIZED", "tokenized"),
                ("MERCATO_TOPIC_MENTIONS", "mentions"),
                ("MERCATO_TOPIC_EVENTS", "events"),
                ("MERCATO_TOPIC_DLQ", "dlq"),
                ("MERCATO_TOPIC_FEEDS", "feeds"),
                ("MERCATO_TOPIC_POLLED", "polled"),
            )
        },
        "MERCATO_METRICS_PORT": str(free_port()),
        "MERCATO_DATA_DIR": data,
        "MERCATO_LOG_LEVEL": "warning",
    }


def start_worker(
    env: dict[str, str], data: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """A stream-only `mercato run` (no feeds) with `env`; its warnings go to `log` if given."""
    feeds = Path(data) / "feeds.txt"
    feeds.write_text("")
    with log.open("ab") if log else open(os.devnull, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "run", "--feeds", str(feeds)],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=out,
        )


def pipeline_run(servers: str, raw: str, count: int, mentions: int, data: str) -> dict[str, float]:
    """A real worker from `raw` to events: time from its first article to its last mention."""
    tag = uuid.uuid4().hex[:8]
    env = worker_env(servers, raw, tag, data)
    port = int(env["MERCATO_METRICS_PORT"])
    process = start_worker(env, data)
    try:
        started, started_cpu = None, 0.0
        while started is None:
            if stage_count(scrape(port), "tokenize") > 0:
                started, started_cpu = time.perf_counter(), _cpu_seconds(process.pid)
            _check(process)
            time.sleep(0.2)
        # A scrape renders every series in the worker (once a second cost it ~2% of its
        # CPU), so until the raw topic is done, ask the broker instead.
        while not asyncio.run(caught_up(servers, env["MERCATO_APP_ID"], [raw])):
            _check(process)
            time.sleep(1.0)
        while stage_count(scrape(port), "dedupe") < mentions:
            _check(process)
            time.sleep(1.0)  # ±1 s on runs of minutes
        seconds = time.perf_counter() - (started or time.perf_counter())
        cpu_seconds = _cpu_seconds(process.pid) - started_cpu
        rss_mb = _peak_rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return {
        "seconds": seconds,
        "articles_per_s": count / seconds,
        "cpu_seconds": cpu_seconds,
        "articles_per_cpu_s": count / cpu_seconds,
        "peak_rss_mb": rss_mb,
    }


def _check(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        raise RuntimeError("the worker exited")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def latency(servers: str, data: str, rate: float, seconds: float) -> dict[str, float]:
    """p50/p99 article fetched -> event emitted at a steady `rate`, from the worker's histogram."""
    tag = uuid.uuid4().hex[:8]
    raw = f"bench-{tag}-live-raw"
    settings = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": servers})
    await ensure_topics(settings, [TopicSpec(raw)])
    env = worker_env(servers, raw, tag, data)
    port = int(env["MERCATO_METRICS_PORT"])
    process = start_worker(env, data)
    producer = AIOKafkaProducer(bootstrap_servers=servers, linger_ms=0)
    await producer.start()
    try:
        while "mercato_stage_messages_total" not in {n for n, _ in scrape(port)}:  # noqa: ASYNC110 - another process's endpoint
            await asyncio.sleep(0.2)
        await asyncio.sleep(8)  # the group has formed and fetches are flowing
        values = raw_articles(int(rate * seconds))
        start = time.perf_counter()
        for n, value in enumerate(values):
            article = orjson.loads(value)
            article["fetched_at"] = now_iso_ms()
            await producer.send(raw, orjson.dumps(article), key=f"live-{n}".encode())
            await asyncio.sleep(max(start + (n + 1) / rate - time.perf_counter(), 0))
        await producer.flush()
        await asyncio.sleep(3)
        buckets = sorted(
            (float(dict(ls)["le"]), v)
            for (n, ls), v in scrape(port).items()
            if n == "mercato_end_to_end_latency_seconds_bucket"
        )
    finally:
        await producer.stop()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return {
        "rate": rate,
        "p50_s": quantile(buckets, 0.5),
        "p99_s": quantile(buckets, 0.99),
        "observed": buckets[-1][1] if buckets else 0,
    }


def now_iso_ms() -> str:
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def quantile(buckets: list[tuple[float, float]], q: float) -> float:
    """Prometheus' histogram_quantile: linear within the bucket that holds the rank."""
    if not buckets or buckets[-1][1] == 0:
        return float("nan")
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / max(
                count - lower_count, 1e-9
            )
        lower_bound, lower_count = bound, count
    return lower_bound


async def topic_end(servers: str, topic: str) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=servers)
    await consumer.start()
    try:
        await consumer.topics()
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum((await end_offsets(consumer, servers, tps)).values())
    finally:
        await consumer.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--latency-seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=Path("bench-pipeline.json"))
    args = parser.parse_args(argv)
    out = sys.stdout

    extractor = measure_extractor(3.0, 3)
    out.write(f"extractor: {extractor}\n")
    values = raw_articles(args.articles)
    out.write(f"{len(values)} articles, {statistics.mean(map(len, values)):.0f} bytes each\n")
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as data, cluster(settings) as ready:
        servers = ready.kafka_bootstrap_servers
        raw = f"bench-raw-{uuid.uuid4().hex[:8]}"
        asyncio.run(
            ensure_topics(settings.replace(kafka_bootstrap_servers=servers), [TopicSpec(raw)])
        )
        asyncio.run(fill(servers, raw, values))
        assert asyncio.run(topic_end(servers, raw)) == len(values)
        bare, piped = [], []
        for run in range(args.runs):
            events = f"bench-bare-events-{uuid.uuid4().hex[:8]}"
            bare.append(asyncio.run(bare_loop(servers, raw, events, len(values))))
            out.write(f"run {run + 1}: bare loop {bare[-1]['articles_per_s']:.0f} articles/s\n")
            piped.append(pipeline_run(servers, raw, len(values), int(bare[-1]["mentions"]), data))
            out.write(f"run {run + 1}: pipeline  {piped[-1]['articles_per_s']:.0f} articles/s\n")
            out.flush()
        live = asyncio.run(latency(servers, data, args.rate, args.latency_seconds))
    ratios = [p["articles_per_s"] / b["articles_per_s"] for b, p in zip(bare, piped, strict=True)]
    # The same per CPU second: steadier on a shared machine, where the wall-clock
    # rates move with what else runs (the broker shares the two cores too).
    cpu_ratios = [
        p["articles_per_cpu_s"] / b["articles_per_cpu_s"] for b, p in zip(bare, piped, strict=True)
    ]
    result = {
        "articles": len(values),
        "extractor_articles_per_s": extractor,
        "bare_loop_articles_per_s": statistics.median(b["articles_per_s"] for b in bare),
        "pipeline_articles_per_s": statistics.median(p["articles_per_s"] for p in piped),
        "ratio_pipeline_over_bare": round(statistics.median(ratios), 3),
        "ratios": [round(r, 3) for r in ratios],
        "ratio_per_cpu_second": round(statistics.median(cpu_ratios), 3),
        "cpu_ratios": [round(r, 3) for r in cpu_ratios],
        "latency": live,
        "peak_rss_mb": {
            "bare_loop_process": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            ),
            "pipeline_worker": round(max(p["peak_rss_mb"] for p in piped), 1),
        },
        "runs": {"bare": bare, "pipeline": piped},
    }
    args.out.write_text(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    rss = result["peak_rss_mb"]
    assert isinstance(rss, dict)
    rows = [
        ("extractor alone (articles/s)", f"{extractor['median']:.0f}"),
        ("bare aiokafka loop (articles/s)", f"{result['bare_loop_articles_per_s']:.0f}"),
        ("Mercato pipeline (articles/s)", f"{result['pipeline_articles_per_s']:.0f}"),
        ("ratio pipeline / bare", f"{result['ratio_pipeline_over_bare']:.3f}"),
        ("the same per CPU second", f"{result['ratio_per_cpu_second']:.3f}"),
        (f"latency p50 / p99 at {args.rate:g}/s (s)", f"{live['p50_s']:.3f} / {live['p99_s']:.3f}"),
        ("peak RSS bare / worker (MB)", f"{rss['bare_loop_process']} / {rss['pipeline_worker']}"),
    ]
    out.write("\n" + "".join(f"{name:<36}{value:>16}\n" for name, value in rows))
    out.write(f"written to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
