"""Property: any interleaving of the same mentions ends in the same event, version included.

Mentions are drawn from a small pool of articles so that redeliveries, several
stages and versions of one article, copies (near-identical signatures, one of
them a chain A~B~C with A and C apart) and equal times are all common.
"""

from __future__ import annotations

import base64
from array import array

from hypothesis import given, settings
from hypothesis import strategies as st

from transfers.neardup import near_duplicates
from transfers.state import PROGRESS, Change, EventState, MentionFacts, idle


def _sig(changed: dict[int, int]) -> str:
    values = array("I", (changed.get(i, 1000 + i) for i in range(64)))
    return base64.b64encode(values.tobytes()).decode()


CHAIN_A = _sig({})
CHAIN_B = _sig({i: i for i in range(8)})  # 56/64 with A
CHAIN_C = _sig({i: i for i in range(16)})  # 56/64 with B, 48/64 with A
ALONE = _sig({i: 7 * i for i in range(40)})
assert near_duplicates(CHAIN_A, CHAIN_B) and near_duplicates(CHAIN_B, CHAIN_C)
assert not near_duplicates(CHAIN_A, CHAIN_C) and not near_duplicates(CHAIN_A, ALONE)

STAGES = (*PROGRESS, "collapsed", "denied")
TIMES = ("2026-01-20T08:00:00Z", "2026-01-21T08:00:00Z", "2026-01-22T08:00:00Z")
# article id -> (source, signature); the same outlet may appear twice.
ARTICLES = {
    "a": ("one.test", CHAIN_A),
    "b": ("two.test", CHAIN_B),
    "c": ("three.test", CHAIN_C),
    "d": ("one.test", ALONE),
    "e": ("four.test", ""),
    "f": ("two.test", CHAIN_A),  # an exact copy of a
}

UNITS = st.tuples(
    st.sampled_from(sorted(ARTICLES)), st.sampled_from(("v1", "v2")), st.sampled_from(STAGES)
)
CONTENT = st.tuples(
    st.sampled_from((None, 10e6, 12e6)),
    st.sampled_from(("unknown", "loan", "permanent")),
    st.sampled_from(("Bellandi", "Lorenzo Bellandi")),
    st.sampled_from((0.4, 0.7)),
)


@st.composite
def mention_lists(draw: st.DrawFn, max_size: int = 14) -> list[MentionFacts]:
    """Mentions, repeats included; one mention's content is a function of its
    (article, article version, stage), as the extract stage makes it."""
    units = draw(st.lists(UNITS, min_size=1, max_size=max_size))
    content = {unit: draw(CONTENT) for unit in sorted(set(units))}
    times = {unit[:2]: draw(st.sampled_from(TIMES)) for unit in sorted(set(units))}
    stream = []
    for article, version, stage in units:
        fee, kind, name, confidence = content[article, version, stage]
        stream.append(
            MentionFacts(
                article_id=article,
                source=ARTICLES[article][0],
                person=name,
                role="player",
                from_club="Sassuolo",
                to_club="Fiorentina",
                kind=kind,
                stage=stage,
                fee_eur=fee,
                evidence=f"{name} {stage} {version}",
                confidence=confidence,
                published=times[article, version],
                fetched_at="2026-01-23T00:00:00Z",
                extractor_version="0.1.0",
                article_version=version,
                signature=ARTICLES[article][1],
            )
        )
    return stream


def merge(stream: list[MentionFacts]) -> EventState:
    state = EventState("e1", "bellandi")
    for m in stream:
        state.apply(m)
    return state


@settings(max_examples=300, deadline=None)
@given(mention_lists().flatmap(lambda ms: st.tuples(st.just(ms), st.permutations(ms))))
def test_any_interleaving_ends_in_the_same_event(streams: tuple[list[MentionFacts], ...]) -> None:
    first, second = streams
    assert merge(first).view() == merge(second).view()
    assert merge(first).to_dict() == merge(second).to_dict()


@settings(max_examples=200, deadline=None)
@given(mention_lists())
def test_versions_only_grow_and_redeliveries_change_nothing(stream: list[MentionFacts]) -> None:
    state, last, seen = EventState("e1", "bellandi"), 0, set()
    for m in stream:
        before = state.view()
        change = state.apply(m)
        unit = (m.article_id, m.article_version, m.stage)
        assert (change is Change.NONE) == (unit in seen)
        seen.add(unit)
        assert state.version == len(seen) and state.version >= last
        assert (state.view() == before) == (change is Change.NONE)
        last = state.version


@settings(max_examples=100, deadline=None)
@given(mention_lists(max_size=10))
def test_expiry_follows_the_last_counted_mention(stream: list[MentionFacts]) -> None:
    state = merge(stream)
    last = state.view()["last_seen"]
    assert state.expired("2026-03-01T00:00:00Z", 30 * 86400.0) == idle(
        last, "2026-03-01T00:00:00Z", 30 * 86400.0
    )
    assert state.expired_view(86400.0)["version"] == state.version + 1
