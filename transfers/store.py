"""Event states over the events table: decoded once, written once per commit.

Decoding a stored state (LZ4, JSON, one `Report` per article) and encoding
it again cost the dedupe stage more than folding the mention in: it re-read
and rewrote the whole event for every mention. So the stage keeps the states
it used recently decoded, and writes each state it changed once, when Faust
starts to commit offsets (`agents.dedupe.WriteBeforeCommit`). Nothing is
lost by the delay: Faust flushes the producer (so the table's changelog)
before it commits, and commits an offset only once its message has been
processed; after a crash, the mentions whose states were not written are
delivered again, and folding a mention in twice changes nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import MutableMapping

from transfers.state import EventState


class EventStore:
    """`get`, `put`, `delete` and `flush` over a mapping of event key -> `EventState.to_bytes()`.

    `put` only marks a state changed; `flush` writes the changed ones.
    `capacity` bounds the decoded states kept besides the changed ones and the
    pending ones (0: none). A pending state has a quiet change the sweep has yet
    to publish: it stays decoded until then, or the sweep, a minute later,
    would decode it again (with thousands of live events that was a fifth of the
    worker's time at 90,000 articles), and push the dedupe stage's working set
    out of the cache on the way.
    """

    def __init__(self, table: MutableMapping[bytes, bytes], capacity: int) -> None:
        self.table = table
        self.capacity = capacity
        self._changed: dict[bytes, EventState] = {}
        self._recent: OrderedDict[bytes, EventState] = OrderedDict()
        self._pending: dict[bytes, EventState] = {}
        self._cold: set[bytes] = set()  # changed, but no sign the stage needs them again

    def get(self, key: bytes) -> EventState | None:
        state = self._changed.get(key)
        if state is not None:
            return state
        state = self._pending.get(key)
        if state is not None:
            return state
        state = self._recent.get(key)
        if state is not None:
            self._recent.move_to_end(key)
            return state
        stored = self.table.get(key)
        if not stored:
            return None
        state = EventState.from_bytes(stored)
        self._remember(key, state)
        return state

    def put(self, key: bytes, state: EventState, *, hot: bool = True) -> None:
        """`state` is the event's new state: the next `flush` writes it.

        `hot=False` for a write that says nothing of what the stage reads next
        (the sweep recording what it published): once written, the state is the
        first to leave the decoded cache. Promoted like any other, the states a
        sweep publishes would push the dedupe stage's working set out, to be
        decoded again from the table.
        """
        self._recent.pop(key, None)
        self._pending.pop(key, None)
        self._changed[key] = state
        if hot:
            self._cold.discard(key)
        else:
            self._cold.add(key)

    def delete(self, key: bytes) -> None:
        """Forget the event now (the table's changelog gets a tombstone)."""
        self.discard(key)
        if key in self.table:
            del self.table[key]

    def discard(self, key: bytes) -> None:
        """Drop what is held of `key` unwritten: its update did not complete."""
        self._changed.pop(key, None)
        self._recent.pop(key, None)
        self._pending.pop(key, None)
        self._cold.discard(key)

    def flush(self) -> int:
        """Write every changed state to the table; how many were written."""
        written = len(self._changed)
        for key, state in self._changed.items():
            self.table[key] = state.to_bytes()
            self._remember(key, state, hot=key not in self._cold)
        self._changed.clear()
        self._cold.clear()
        return written

    def forget(self) -> None:
        """Drop the decoded copies of written states: after a rebalance the table
        may have been recovered anew. Changed states stay until `flush`."""
        self._recent.clear()
        self._pending.clear()

    def _remember(self, key: bytes, state: EventState, *, hot: bool = True) -> None:
        if state.pending:
            self._pending[key] = state
            return
        if self.capacity <= 0:
            return
        self._recent[key] = state
        self._recent.move_to_end(key, last=hot)  # cold: first in line to leave
        while len(self._recent) > self.capacity:
            self._recent.popitem(last=False)
