"""The stream stages. `install(app)` adds them all to an app from `create_app`.

feeds --ingest--> news.articles.raw --tokenize, extract--> transfers.mentions (key: event id)
      --dedupe--> transfers.events
the tokenize step also publishes news.articles.tokenized, for downstream consumers
any stage --(bad input)--> mercato.dlq
"""

from __future__ import annotations

from agents import dedupe, extract, ingest, monitor
from pipeline.app import MercatoApp


def install(app: MercatoApp, *, with_ingest: bool = True) -> MercatoApp:
    if with_ingest:
        ingest.install(app)
    extract.install(app)
    dedupe.install(app)
    monitor.install(app)
    return app
