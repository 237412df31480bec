"""Pure pieces of ingestion: the SSRF guard, feed state, feed-to-partition mapping."""

from __future__ import annotations

import pytest
from aiokafka.partitioner import DefaultPartitioner

from pipeline.feedstate import FeedState
from pipeline.safeurl import UnsafeURLError, check_url
from pipeline.topics import partition_of


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://192.168.0.10/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "javascript:alert(1)",
    ],
)
async def test_links_into_the_operators_network_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        await check_url(url)


async def test_public_addresses_pass_and_private_ones_only_when_allowed() -> None:
    await check_url("http://93.184.215.14/article")  # a literal public address: no DNS needed
    await check_url("http://127.0.0.1:8000/article", allow_private=True)
    with pytest.raises(UnsafeURLError):
        await check_url("file:///etc/passwd", allow_private=True)


def test_feed_state_round_trips_and_ignores_unknown_fields() -> None:
    state = FeedState("https://a.test/feed", etag='"x"', items={"id1": "v1"}, failures=2)
    again = FeedState.from_json(state.to_json()[:-1] + b',"later_field":1}')
    assert again == state
    assert again.fetch_url == "https://a.test/feed"


def test_staleness_needs_several_intervals_and_at_least_an_hour() -> None:
    state = FeedState("https://a.test/feed", interval_s=300, added_at=1000.0)
    assert not state.stale(1000.0 + 3000, factor=6)  # 50 min: under the 1 h floor
    assert state.stale(1000.0 + 3700, factor=6)
    state.last_new_item = 1000.0 + 3600
    assert not state.stale(1000.0 + 3700, factor=6)
    assert not FeedState("https://b.test/feed").stale(10**9, factor=6)  # never added: unknown


def test_feeds_map_to_the_partition_the_producer_writes_them_to() -> None:
    """Ownership is computed from the key: it must match the producer's own choice."""
    producer_choice = DefaultPartitioner()
    keys = [f"https://feeds.test/{n}.xml".encode() for n in range(200)]
    chosen = [producer_choice(k, [0, 1, 2, 3], [0, 1, 2, 3]) for k in keys]
    assert [partition_of(k, 4) for k in keys] == chosen
    assert set(chosen) == {0, 1, 2, 3}
