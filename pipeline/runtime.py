"""Start what a run needs: a broker (embedded unless configured), topics, the app.

with kafka(settings) as settings:      # bootstrap servers now set
    app = build(settings)              # create_app + every stage
    run_worker(app)                    # blocks; Ctrl-C stops it and the broker
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import faust

import agents
from pipeline.app import MercatoApp, create_app
from pipeline.broker import EmbeddedBroker
from pipeline.metrics import Metrics
from pipeline.settings import Settings
from pipeline.topics import ensure_topics

log = logging.getLogger(__name__)


@contextmanager
def kafka(settings: Settings) -> Iterator[Settings]:
    """Yield settings pointing at a ready cluster with Mercato's topics.

    With no KAFKA_BOOTSTRAP_SERVERS, an embedded broker is started for the
    duration of the block and stopped after it, whatever happens.
    """
    if not settings.embedded:
        asyncio.run(ensure_topics(settings))
        yield settings
        return
    with EmbeddedBroker(settings.broker_port, settings.broker_bin) as broker:
        ready = settings.replace(kafka_bootstrap_servers=broker.bootstrap_servers)
        asyncio.run(ensure_topics(ready))
        yield ready


def build(
    settings: Settings, metrics: Metrics | None = None, *, with_ingest: bool = True
) -> MercatoApp:
    settings.data_path.mkdir(parents=True, exist_ok=True)
    return agents.install(create_app(settings, metrics), with_ingest=with_ingest)


def new_worker(app: MercatoApp) -> faust.Worker:
    worker = faust.Worker(app, loglevel=app.settings.log_level, quiet=True)
    worker.spinner = None  # its cursor escape codes garble logs and the demo's output
    return worker


def run_worker(app: MercatoApp) -> None:
    """Run the Faust worker until a signal stops it."""
    try:
        new_worker(app).execute_from_commandline()
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
