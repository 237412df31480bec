"""A backfill through the whole pipeline, timed: `mercato backfill` into a running worker.

    python -m bench.backfill [--articles 100000] [--out bench-backfill.json]

The archive is one JSONL file of generated articles (`bench.pipeline.raw_articles`:
dev-set texts, names varied, publish times one second apart, so in time order).
One `mercato run` worker with its ingest stages on (the admit stage publishes
each article to raw once) runs on the embedded broker (or
KAFKA_BOOTSTRAP_SERVERS); the clock starts when `mercato backfill` starts and
stops when the dedupe stage has folded every mention the extract stage
produced for every article. Printed: the time to offer the archive, the time
to the last event, articles/s, the worker's peak RSS.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

from bench.pipeline import _peak_rss_mb, raw_articles, stage_count, start_worker, worker_env
from pipeline.metrics import scrape, total
from pipeline.runtime import cluster
from pipeline.settings import Settings


def write_archive(path: Path, count: int) -> None:
    """`count` generated articles in the JSONL archive format of `mercato backfill`."""
    with path.open("wb") as out:
        for value in raw_articles(count):
            article = orjson.loads(value)
            row = {k: article[k] for k in ("id", "url", "title", "published")}
            out.write(orjson.dumps({**row, "text": article["content"]}) + b"\n")


def progress(port: int) -> tuple[float, float, float]:
    """Articles extracted, mentions they produced, mentions folded by dedupe so far."""
    samples = scrape(port)
    return (
        stage_count(samples, "extract"),
        total(samples, "mercato_stage_messages_total", stage="extract", direction="out"),
        stage_count(samples, "dedupe"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench-backfill.json"))
    parser.add_argument("--worker-log", type=Path, help="where the worker's warnings go")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as data, cluster(settings) as ready:
        archive = Path(data) / "archive.jsonl"
        write_archive(archive, args.articles)
        servers = ready.kafka_bootstrap_servers
        tag = uuid.uuid4().hex[:8]
        env = {
            **worker_env(servers, f"bench-{tag}-raw", tag, data),
            "MERCATO_INGEST": "true",
        }
        port = int(env["MERCATO_METRICS_PORT"])
        worker = start_worker(env, data, args.worker_log)
        try:
            while "mercato_stage_messages_total" not in {n for n, _ in scrape(port)}:
                time.sleep(0.5)
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pipeline.cli", "backfill", str(archive)],
                env={**os.environ, **env},
                check=True,
                capture_output=True,
            )
            offered = time.perf_counter() - started
            reported = started
            while True:
                articles, produced, folded = progress(port)
                if articles >= args.articles and folded >= produced:
                    break
                if worker.poll() is not None:
                    raise RuntimeError("the worker exited")
                if time.perf_counter() - reported >= 30:
                    reported = time.perf_counter()
                    sys.stderr.write(
                        f"{reported - started:6.0f} s: {articles:.0f} articles extracted, "
                        f"{folded:.0f} of {produced:.0f} mentions folded\n"
                    )
                time.sleep(5.0)  # a scrape renders every series; ±5 s on a run of minutes
            seconds = time.perf_counter() - started
            rss_mb = _peak_rss_mb(worker.pid)
            samples = scrape(port)
        finally:
            worker.send_signal(2)
            worker.wait(timeout=60)
    result = {
        "articles": args.articles,
        "archive_offered_s": round(offered, 1),
        "last_event_s": round(seconds, 1),
        "articles_per_s": round(args.articles / seconds, 1),
        "mentions": total(samples, "mercato_stage_messages_total", stage="dedupe", direction="in"),
        "events_emitted": total(samples, "mercato_events_emitted_total"),
        "worker_peak_rss_mb": round(rss_mb, 1),
    }
    args.out.write_text(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    sys.stdout.write("".join(f"{k:<22}{v:>14}\n" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
