"""EventStore: decoded states over a bytes mapping, written only on flush."""

from __future__ import annotations

from tests.unit.test_transfers import mention
from transfers.state import EventState
from transfers.store import EventStore


def state(event_id: str, *articles: str, published: bool = True) -> EventState:
    """A folded state; published (no change left for the sweep) unless said otherwise."""
    folded = EventState(event_id, "verdi")
    for article in articles:
        folded.apply(mention(article_id=article, source=f"{article}.test"))
    if published:
        folded.emitted = folded.version
    return folded


def test_a_put_reaches_the_table_on_flush_and_is_read_back_without_decoding() -> None:
    table: dict[bytes, bytes] = {}
    store = EventStore(table, capacity=10)
    first = state("ev1", "a1")
    store.put(b"ev1", first)
    assert table == {} and store.get(b"ev1") is first
    assert store.flush() == 1 and store.flush() == 0
    assert EventState.from_bytes(table[b"ev1"]).view() == first.view()
    assert store.get(b"ev1") is first  # kept decoded


def test_a_state_is_decoded_from_the_table_once_and_forgotten_on_rebalance() -> None:
    table = {b"ev1": state("ev1", "a1", "a2").to_bytes()}
    store = EventStore(table, capacity=10)
    loaded = store.get(b"ev1")
    assert loaded is not None and loaded.version == 2
    assert store.get(b"ev1") is loaded
    table[b"ev1"] = state("ev1", "a1", "a2", "a3").to_bytes()  # recovered anew
    store.forget()
    reloaded = store.get(b"ev1")
    assert reloaded is not None and reloaded.version == 3


def test_changed_states_outlive_forget_until_flushed() -> None:
    table: dict[bytes, bytes] = {}
    store = EventStore(table, capacity=0)
    store.put(b"ev1", state("ev1", "a1"))
    store.forget()
    assert store.flush() == 1 and b"ev1" in table
    assert store.get(b"ev1") is not store.get(b"ev1")  # capacity 0: decoded on every read


def test_capacity_bounds_the_decoded_copies_least_recently_used_first() -> None:
    table = {f"ev{n}".encode(): state(f"ev{n}", "a1").to_bytes() for n in range(3)}
    store = EventStore(table, capacity=2)
    ev0, ev1 = store.get(b"ev0"), store.get(b"ev1")
    assert store.get(b"ev0") is ev0  # ev0 used last: ev1 leaves first
    store.get(b"ev2")
    assert store.get(b"ev0") is ev0 and store.get(b"ev1") is not ev1


def test_delete_and_discard() -> None:
    table = {b"ev1": state("ev1", "a1").to_bytes()}
    store = EventStore(table, capacity=10)
    store.put(b"ev1", state("ev1", "a1", "a2"))
    store.discard(b"ev1")  # its update did not complete: the table's copy counts
    kept = store.get(b"ev1")
    assert kept is not None and kept.version == 1
    store.put(b"ev2", state("ev2", "a1"))
    store.delete(b"ev2")
    store.delete(b"ev1")
    assert store.flush() == 0 and table == {} and store.get(b"ev1") is None


def test_a_state_the_sweep_has_yet_to_publish_stays_decoded_beyond_capacity() -> None:
    table = {f"ev{n}".encode(): state(f"ev{n}", "a1").to_bytes() for n in range(3)}
    store = EventStore(table, capacity=1)
    pending = state("ev9", "a1", published=False)
    store.put(b"ev9", pending)
    assert store.flush() == 1
    for key in table.copy():
        store.get(key)  # more than the capacity of published states passes through
    assert store.get(b"ev9") is pending
    pending.emitted = pending.version  # the sweep published it
    store.put(b"ev9", pending)
    store.flush()
    store.get(b"ev0")
    store.get(b"ev1")
    assert store.get(b"ev9") is not pending  # now an ordinary cached state: evicted, decoded
    store.forget()
    assert store.get(b"ev9") is not None


def test_a_cold_write_reaches_the_table_but_leaves_the_cache_first() -> None:
    """The sweep's writes (hot=False) must not push the stage's working set out."""
    table = {f"ev{n}".encode(): state(f"ev{n}", "a1").to_bytes() for n in range(2)}
    store = EventStore(table, capacity=2)
    ev0, ev1 = store.get(b"ev0"), store.get(b"ev1")
    swept = state("ev2", "a1", "a2")
    store.put(b"ev2", swept, hot=False)
    assert store.get(b"ev2") is swept  # still the state itself until written
    assert store.flush() == 1 and EventState.from_bytes(table[b"ev2"]).version == 2
    assert store.get(b"ev0") is ev0 and store.get(b"ev1") is ev1  # the working set stayed
    assert store.get(b"ev2") is not swept  # the cold one left first: decoded anew


def test_a_hot_write_after_a_cold_one_is_kept() -> None:
    table = {b"ev0": state("ev0", "a1").to_bytes()}
    store = EventStore(table, capacity=1)
    store.get(b"ev0")  # the cache is full: a state left cold would be the one to leave
    folded = state("ev1", "a1")
    store.put(b"ev1", folded, hot=False)
    store.put(b"ev1", folded)  # a mention came in before the commit
    store.flush()
    assert store.get(b"ev1") is folded
