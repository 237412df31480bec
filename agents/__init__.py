"""The stream stages. `install(app)` adds them all to an app from `create_app`.

feeds --ingest--> news.articles.raw --tokenize--> news.articles.tokenized
      --extract--> transfers.mentions (key: event id) --dedupe--> transfers.events
any stage --(bad input)--> mercato.dlq
"""

from __future__ import annotations

from agents import dedupe, extract, ingest, monitor, tokenize
from pipeline.app import MercatoApp


def install(app: MercatoApp, *, with_ingest: bool = True) -> MercatoApp:
    if with_ingest:
        ingest.install(app)
    tokenize.install(app)
    extract.install(app)
    dedupe.install(app)
    monitor.install(app)
    return app
