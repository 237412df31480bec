"""mentions -> one event per move, versioned; idle events expire.

A material change (stage, fee, kind, clubs, sources) is published at once;
other changes (counts, times, copies) by the sweep, every
MERCATO_EVENT_SWEEP_INTERVAL_S, so the last version of each key is always the
whole current event. The sweep also expires events idle for
MERCATO_EVENT_TTL_S of stream time (see `transfers.index`): a final version
with `expired: true`, then the key leaves the table (a tombstone in its
changelog). The agent applies the same rule before it folds a mention in, so
the outcome does not depend on when the sweep runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

import faust
from faust.types import ConsumerT

from agents.stream import batch_reader
from pipeline.app import KeyedWrites, MercatoApp
from pipeline.topics import partition_of
from schemas.codec import encode
from schemas.records import Mention, TransferEvent
from transfers.index import EventIndex
from transfers.state import Change, EventState, idle
from transfers.store import EventStore

log = logging.getLogger(__name__)


def _timestamp(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


def _age_seconds(iso_time: str) -> float:
    return time.time() - _timestamp(iso_time)


def _wall() -> str:
    """The wall clock, only ever a cap on stream time (articles dated in the future)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class WriteBeforeCommit(faust.Sensor):
    """Writes the changed event states to the table when Faust starts a commit.

    Faust then flushes the producer, the table's changelog with it, and only
    then commits the offsets of the mentions behind those states.
    """

    def __init__(self, store: EventStore) -> None:
        super().__init__()
        self.store = store

    def on_commit_initiated(self, consumer: ConsumerT) -> Any:
        self.store.flush()


def install(app: MercatoApp) -> None:
    settings, topics, metrics = app.settings, app.topics_, app.metrics
    ttl = settings.event_ttl_s
    # event id (bytes) -> EventState.to_bytes(); changelog-backed. The sweep
    # writes and deletes outside the stream, so the changelog partition comes from
    # the key (use_partitioner): the key's partition in transfers.mentions too.
    table = app.bytes_table("events", use_partitioner=True)
    app.events_table = table  # type: ignore[attr-defined]
    index = EventIndex(lambda key: partition_of(key, settings.partitions))
    # One writer of a key at a time, and its versions sent in order: the agent or the sweep.
    lock = asyncio.Lock()
    count_out = metrics.articles.labels("dedupe", "out")
    outcomes = {change: metrics.dedupe_mentions.labels(change.value) for change in Change}
    late = metrics.dedupe_mentions.labels("late")

    # Decoded states, written when Faust commits (see transfers.store).
    store = EventStore(KeyedWrites(table, index.partition_of), settings.event_cache_size)
    app.sensors.add(WriteBeforeCommit(store))

    def ensure_index() -> None:
        if index.stale:
            store.flush()
            index.rebuild(
                (key, EventState.from_bytes(value)) for key, value in list(table.items()) if value
            )

    async def publish(view: dict[str, Any], article_id: str | None = None) -> TransferEvent:
        update = TransferEvent(**view)
        # TransferEvent, keyed by event id
        await app.publish(topics.events, update.event_id.encode(), encode(update))
        count_out.inc()
        metrics.events.labels(update.stage, update.kind).inc()
        log.info(
            "event %s v%d %s%s: %s %s -> %s (article %s)",
            update.event_id,
            update.version,
            update.stage,
            " expired" if update.expired else "",
            update.person,
            update.from_club,
            update.to_club,
            article_id,
            extra={
                "event_id": update.event_id,
                "version": update.version,
                "stage": update.stage,
                "person": update.person,
                "article_id": article_id,
            },
        )
        return update

    async def expire(key: bytes, state: EventState) -> None:
        """Send the final version, then forget the event (a crash between sends it again)."""
        await publish(state.expired_view(ttl))
        store.delete(key)
        index.remove(key)
        metrics.events_expired.inc()

    @app.on_partitions_revoked.connect
    async def forget_index(sender: Any, /, *_: Any, signal: Any, **__: Any) -> None:
        index.stale = True
        store.flush()  # Faust committed before this signal: nothing should be left
        store.forget()

    @app.on_partitions_assigned.connect
    async def rebuild_index(sender: Any, /, *_: Any, signal: Any, **__: Any) -> None:
        index.stale = True  # rebuilt from the recovered table on first use
        store.forget()

    async def fold(mention: Mention) -> None:
        """Fold one mention into its event; publish at once if the change is material."""
        key = mention.event_id.encode()
        now = index.now(index.partition_of(key), _wall())
        state = store.get(key)
        if state is not None and state.expired(now, ttl):
            await expire(key, state)
            state = None
        if state is None and idle(mention.published or mention.fetched_at, now, ttl):
            late.inc()  # its event is over (or would expire at once)
            return
        if state is None:
            state = EventState(mention.event_id, mention.person_key)
            previous_stage = None
        else:
            previous_stage = state.stage()
        try:
            change = state.apply(mention)
        except Exception:
            store.discard(key)  # half applied: the table's copy is what counts
            raise
        outcomes[change].inc()
        if change is Change.NONE:
            return
        store.put(key, state)  # before the send: a cancelled send still leaves it pending
        if change is Change.QUIET:
            index.put(key, state)
            return  # the sweep publishes it
        # Sent before it is written: a crash in between sends it again.
        update = await publish(state.view(), mention.article_id)
        state.emitted = state.version
        index.put(key, state)
        metrics.end_to_end.observe(max(_age_seconds(mention.fetched_at), 0.0))
        if update.stage != previous_stage:
            metrics.event_reached_stage(update.stage, update.from_club, update.to_club)
            if update.stage == "official":
                history = update.stage_history or []
                announced = [s["first_seen"] for s in history if s["stage"] == "official"]
                metrics.official_deal(
                    update.person,
                    update.from_club,
                    update.to_club,
                    update.kind,
                    _timestamp(announced[0] if announced else update.last_seen),
                )

    @app.agent(topics.mentions, name="dedupe")
    async def dedupe(stream):  # type: ignore[no-untyped-def]
        # Batches: one lock and one index check per batch. The states they change
        # reach the table when Faust commits (WriteBeforeCommit), not here.
        read_mentions = batch_reader(app, Mention, "dedupe", "mentions")
        async for batch in stream.take_events(settings.dedupe_batch, settings.dedupe_batch_wait_s):
            async with lock:
                ensure_index()
                for event in batch:
                    # MentionBatch, key = its first event id
                    for mention in await read_mentions(event):
                        await fold(mention)

    async def sweep(partitions: set[int]) -> None:
        """Publish quiet changes and expire idle events of `partitions`."""
        async with lock:
            ensure_index()
            due = index.due(partitions, ttl, _wall())
        for key in due:
            async with lock:
                if index.stale:
                    return  # a rebalance started: the next owner sweeps
                state = store.get(key)
                if state is None:
                    index.remove(key)
                    continue
                if state.expired(index.now(index.partition_of(key), _wall()), ttl):
                    await expire(key, state)
                elif state.pending:
                    await publish(state.view())
                    state.emitted = state.version
                    store.put(key, state, hot=False)  # written, not a sign of coming use
                    index.put(key, state)

    app.events_sweep = sweep  # type: ignore[attr-defined]  # for tests

    @app.timer(interval=settings.event_sweep_interval_s)
    async def sweep_owned() -> None:
        """Sweep the partitions this worker actively owns (not its standby copies)."""
        if app.tables_ready():
            await sweep(app.active_partitions(settings.topic_mentions))
