"""Stream time per partition, and which events the sweep must look at.

Expiry must not depend on when a timer happens to fire, nor on a restart, or
a replay would end with different events. So the clock is a function of the
events table itself: the stream time of a partition is the newest `last_seen`
among its live events (article times, never the wall clock, except as a cap
against articles dated in the future). An event expires once the clock is more
than the TTL past its own `last_seen`, so an expiring event is never the
newest and deleting it leaves the clock where it was; a restart rebuilds the
same index from the recovered table.

The index keeps, per event key, its partition, `last_seen` and whether a
quiet change waits to be published, so the sweep decodes only the events it
acts on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from transfers.state import EventState, idle, stream_time


@dataclass(slots=True)
class EventIndex:
    partition_of: Callable[[bytes], int]
    entries: dict[bytes, tuple[int, str, bool]] = field(default_factory=dict)
    stale: bool = True  # rebuild from the table before use (after a rebalance)
    _newest: dict[int, str] = field(default_factory=dict)  # cache of max last_seen per partition

    def rebuild(self, states: Iterable[tuple[bytes, EventState]]) -> None:
        self.entries.clear()
        self._newest.clear()
        for key, state in states:
            self.put(key, state)
        self.stale = False

    def put(self, key: bytes, state: EventState) -> None:
        partition, last_seen = self.partition_of(key), stream_time(state.last_seen)
        previous = self.entries.get(key)
        self.entries[key] = (partition, last_seen, state.pending)
        newest = self._newest.get(partition)
        if newest is not None and last_seen < newest and previous and previous[1] == newest:
            del self._newest[partition]  # the newest event moved back: recompute when asked
        elif newest is not None:
            self._newest[partition] = max(newest, last_seen)

    def remove(self, key: bytes) -> None:
        entry = self.entries.pop(key, None)
        if entry and self._newest.get(entry[0]) == entry[1]:
            del self._newest[entry[0]]

    def now(self, partition: int, wall: str) -> str:
        """Stream time of `partition`: its newest last_seen, at most `wall`; "" when empty."""
        if partition not in self._newest:
            self._newest[partition] = max(
                (seen for p, seen, _ in self.entries.values() if p == partition), default=""
            )
        newest = self._newest[partition]
        return min(newest, wall) if newest else ""

    def due(self, partitions: set[int], ttl_s: float, wall: str) -> list[bytes]:
        """Keys of `partitions` that are idle past the TTL or have an unpublished change."""
        return [
            key
            for key, (partition, last_seen, pending) in self.entries.items()
            if partition in partitions
            and (pending or idle(last_seen, self.now(partition, wall), ttl_s))
        ]
