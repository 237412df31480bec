"""`mercato demo`: the whole pipeline on bundled sample feeds, printed for a person.

Serves `pipeline/samples/` on a loopback HTTP server, starts the embedded
broker and a worker that polls those feeds, prints every event version as it
comes out of `transfers.events`, and stops once every published article has
gone through every stage.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson

from pipeline.app import MercatoApp
from pipeline.broker import free_port
from pipeline.runtime import build, kafka, new_worker
from pipeline.settings import Settings

SAMPLES = Path(__file__).parent / "samples"
FEED_SUFFIXES = (".xml", ".atom", ".rss")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_directory(directory: Path, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve `directory` over HTTP on a free loopback port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="sample-feeds", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def describe(event: dict[str, Any]) -> str:
    """One readable line for one event version."""
    fee = f"  €{event['fee_eur'] / 1e6:.1f}m" if event.get("fee_eur") else ""
    origin = event.get("from_club") or "?"
    destination = event.get("to_club") or "?"
    sources = event.get("sources", [])
    return (
        f"v{event['version']:<2} {event['stage'].upper():<9} {event['person']} ({event['role']})"
        f"  {origin} -> {destination}  {event['kind']}{fee}"
        f"  [{len(sources)} source(s): {', '.join(sources)}; confidence {event['confidence']:.2f}]"
    )


def _count(app: MercatoApp, stage: str, direction: str) -> float:
    value = app.metrics.registry.get_sample_value(
        "mercato_stage_messages_total", {"stage": stage, "direction": direction}
    )
    return value or 0.0


def _polls(app: MercatoApp) -> float:
    return sum(
        sample.value
        for metric in app.metrics.feed_polls.collect()
        for sample in metric.samples
        if sample.name.endswith("_total")
    )


def drained(app: MercatoApp, feeds: int, printed: int) -> bool:
    """Every feed polled once and every message through every stage."""
    return (
        _polls(app) >= feeds
        and _count(app, "tokenize", "in") >= _count(app, "ingest", "out")
        and _count(app, "extract", "in") >= _count(app, "tokenize", "out")
        and _count(app, "dedupe", "in") >= _count(app, "extract", "out")
        and printed >= _count(app, "dedupe", "out")
    )


def run_demo(settings: Settings, timeout: float = 120.0, out: Any = None) -> int:
    """Run the demo; returns a process exit code (0 when events came out)."""
    out = out or sys.stdout
    feeds = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in FEED_SUFFIXES)
    finals: dict[str, dict[str, Any]] = {}
    printed = [0]
    with serve_directory(SAMPLES) as base, tempfile.TemporaryDirectory() as tmp:
        feed_list = Path(tmp) / "feeds.txt"
        feed_list.write_text("".join(f"{base}/{name}\n" for name in feeds))
        demo_settings = settings.replace(
            kafka_bootstrap_servers="",  # always the embedded broker
            feeds_file=str(feed_list),
            data_dir=tmp,
            metrics_port=free_port(),
            log_level="warning" if settings.log_level == "info" else settings.log_level,
        )
        out.write(
            f"Serving {len(feeds)} sample feeds at {base}; starting the pipeline "
            f"(metrics: http://127.0.0.1:{demo_settings.metrics_port}/metrics)...\n"
        )
        out.flush()
        with kafka(demo_settings) as ready:
            app = build(ready)
            worker = new_worker(app)
            worker.redirect_stdouts = False

            @app.agent(app.topics_.events, name="demo-printer")
            async def show(stream):  # type: ignore[no-untyped-def]
                async for value in stream:
                    event = orjson.loads(value)
                    finals[event["event_id"]] = event
                    printed[0] += 1
                    out.write(describe(event) + "\n")
                    out.flush()

            @app.task
            async def stop_when_done() -> None:
                started = time.monotonic()
                settled = 0
                while time.monotonic() - started < timeout:
                    await asyncio.sleep(0.2)
                    settled = settled + 1 if drained(app, len(feeds), printed[0]) else 0
                    if settled >= 5:  # a second with nothing left in flight
                        break
                else:
                    out.write(f"demo: timed out after {timeout:.0f} s\n")
                await worker.stop()

            with contextlib.suppress(SystemExit):
                worker.execute_from_commandline()
    out.write(f"\n{len(finals)} transfer events:\n")
    for event in sorted(finals.values(), key=lambda e: (e["stage"], e["person"])):
        out.write("  " + describe(event) + "\n")
    return 0 if finals else 1
