"""Start what a run needs: a broker (embedded unless configured), topics, the app.

with kafka(settings) as settings:      # bootstrap servers now set
    app = build(settings)              # create_app + every stage
    run_worker(app)                    # blocks; Ctrl-C stops it and the broker
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import faust

import agents
from pipeline.app import MercatoApp, create_app
from pipeline.broker import EmbeddedBroker
from pipeline.logs import logging_config
from pipeline.metrics import Metrics
from pipeline.registry import register_feed_list
from pipeline.settings import Settings
from pipeline.topics import ensure_topics

log = logging.getLogger(__name__)


@contextmanager
def cluster(settings: Settings) -> Iterator[Settings]:
    """Yield settings pointing at a cluster: the configured one, or an embedded broker.

    The embedded broker runs for the duration of the block and is stopped after
    it, whatever happens. Nothing is created on the cluster (see `kafka`).
    """
    if not settings.embedded:
        yield settings
        return
    with EmbeddedBroker(settings.broker_port, settings.broker_bin) as broker:
        yield settings.replace(kafka_bootstrap_servers=broker.bootstrap_servers)


@contextmanager
def kafka(settings: Settings) -> Iterator[Settings]:
    """`cluster`, made ready for a run: Mercato's topics created, the feed list registered."""
    with cluster(settings) as ready:
        asyncio.run(_prepare(ready))
        yield ready


async def _prepare(settings: Settings) -> None:
    await ensure_topics(settings)
    change = await register_feed_list(settings)
    log.info(
        "feed list: %d added, %d updated, %d removed, %d unchanged",
        len(change.added),
        len(change.updated),
        len(change.removed),
        change.kept,
    )


def build(
    settings: Settings, metrics: Metrics | None = None, *, with_ingest: bool = True
) -> MercatoApp:
    settings.data_path.mkdir(parents=True, exist_ok=True)
    return agents.install(create_app(settings, metrics), with_ingest=with_ingest)


def new_worker(app: MercatoApp) -> faust.Worker:
    settings = app.settings
    worker = faust.Worker(
        app,
        loglevel=settings.log_level,
        quiet=True,
        # None (text) keeps Faust's console format; json replaces it (MERCATO_LOG_FORMAT).
        logging_config=logging_config(settings.log_format, settings.log_level),
    )
    worker.spinner = None  # its cursor escape codes garble logs and the demo's output
    return worker


def tune_gc(threshold: int) -> None:
    """Collect the youngest generation every `threshold` allocations (MERCATO_GC_THRESHOLD)."""
    gc.set_threshold(threshold, *gc.get_threshold()[1:])


def run_worker(app: MercatoApp) -> None:
    """Run the Faust worker until a signal stops it."""
    tune_gc(app.settings.gc_threshold)
    try:
        new_worker(app).execute_from_commandline()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
