"""Periodic gauges: consumer lag per assigned partition, and table sizes.

Lag uses the high watermark that fetch responses carry (right on every
broker) rather than ListOffsets, which the embedded broker answers off by one.
"""

from __future__ import annotations

from pipeline.app import MercatoApp


def install(app: MercatoApp) -> None:
    metrics = app.metrics

    @app.timer(interval=app.settings.monitor_interval_s)
    async def measure() -> None:
        consumer = app.consumer
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            position = await consumer.position(tp)
            if highwater is None or highwater < 0 or position is None:
                continue
            metrics.consumer_lag.labels(tp.topic, str(tp.partition)).set(
                max(highwater - position, 0)
            )
        for name, table in app.tables.items():
            metrics.table_keys.labels(name).set(len(table))
