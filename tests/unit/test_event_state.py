"""Event state: copies, versions, histories, expiry, the article cap and the sweep's index."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

import nlp
import transfers.state as state_module
from transfers.index import EventIndex
from transfers.neardup import signature
from transfers.state import Change, EventState, MentionFacts

BODY = (
    "La Fiorentina ha avviato la trattativa con il Sassuolo per Lorenzo Bellandi. I contatti "
    "tra i due club sono in corso e il giocatore gradisce la destinazione. Sul tavolo c'è "
    "un'offerta da 12 milioni di euro più bonus, mentre il Sassuolo ne chiede almeno 15. "
    "Un nuovo incontro tra i dirigenti è previsto nei prossimi giorni a Firenze."
)
ORIGINAL = signature("Bellandi", nlp.prepare("Bellandi", BODY).text)
COPY = signature("Bellandi, si tratta", nlp.prepare("Bellandi, si tratta", BODY + " (ANSA)").text)
OTHER = signature(
    "x", nlp.prepare("x", "Bellandi è vicino alla Fiorentina: accordo a un passo.").text
)


def mention(**changes: object) -> MentionFacts:
    base = MentionFacts(
        article_id="a1",
        source="one.test",
        person="Lorenzo Bellandi",
        role="player",
        from_club="Sassuolo",
        to_club="Fiorentina",
        kind="permanent",
        stage="talks",
        fee_eur=12e6,
        evidence="avviato la trattativa",
        confidence=0.6,
        published="2026-01-20T08:00:00Z",
        fetched_at="2026-01-20T08:05:00Z",
        extractor_version="0.1.0",
        signature=ORIGINAL,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


ORIGINAL_M = mention()
COPY_M = mention(
    article_id="c1", source="copycat.test", published="2026-01-20T10:00:00Z", signature=COPY
)


def merged(*mentions: MentionFacts) -> EventState:
    state = EventState("e1", "bellandi")
    for m in mentions:
        state.apply(m)
    return state


def test_a_republished_copy_is_neither_source_nor_mention() -> None:
    state = merged(ORIGINAL_M)
    assert state.apply(COPY_M) is Change.QUIET  # listed, not counted
    view = state.view()
    assert view["sources"] == ["one.test"] and view["article_ids"] == ["a1"]
    assert view["duplicate_article_ids"] == ["c1"] and view["mention_count"] == 1
    assert view["version"] == 2  # absorbed: the view moved (the copy is listed)
    different = mention(article_id="d1", source="two.test", signature=OTHER)
    assert state.apply(different) is Change.MATERIAL
    assert state.view()["sources"] == ["one.test", "two.test"]


def test_the_earliest_of_copies_counts_whichever_arrives_first() -> None:
    copy_first = merged(COPY_M)
    assert copy_first.view()["sources"] == ["copycat.test"]
    assert copy_first.apply(ORIGINAL_M) is Change.MATERIAL  # the original takes over
    assert copy_first.view() == merged(ORIGINAL_M, COPY_M).view()
    assert copy_first.view()["sources"] == ["one.test"]


def test_a_copy_reporting_another_stage_adds_nothing() -> None:
    state = merged(ORIGINAL_M, replace(COPY_M, stage="official", evidence="ufficiale"))
    assert state.stage() == "talks" and state.view()["mention_count"] == 1


def test_version_only_grows_and_counts_absorbed_mentions() -> None:
    stream = [
        ORIGINAL_M,
        COPY_M,
        mention(stage="agreed", article_version="v2"),  # the article updated
        mention(article_id="d1", source="two.test", signature=OTHER, stage="official"),
        mention(article_id="e1", source="three.test", signature="", fee_eur=15e6),
    ]
    for order in itertools.permutations(stream):
        state, versions = EventState("e1", "bellandi"), []
        for m in order:
            state.apply(m)
            versions.append(state.version)
            assert state.apply(m) is Change.NONE  # redelivery
        assert versions == sorted(versions) and versions[-1] == 5


def test_fee_and_stage_history_and_time_to_official() -> None:
    state = merged(
        mention(stage="rumour", fee_eur=10e6, published="2026-01-18T08:00:00Z", signature=""),
        mention(article_id="a2", source="two.test", fee_eur=12e6, signature=""),
        mention(article_id="a3", source="three.test", fee_eur=12e6, stage="agreed", signature=""),
        mention(
            article_id="a4",
            source="two.test",
            stage="official",
            fee_eur=None,
            published="2026-01-21T08:00:00Z",
            signature="",
        ),
    )
    view = state.view()
    assert view["fee_eur"] == 12e6
    assert [(h["fee_eur"], h["reports"]) for h in view["fee_history"]] == [(10e6, 1), (12e6, 2)]
    assert [h["stage"] for h in view["stage_history"]] == ["rumour", "talks", "agreed", "official"]
    assert view["rumour_to_official_s"] == 3 * 86400
    assert merged(ORIGINAL_M).view()["rumour_to_official_s"] is None


def test_fee_ties_go_to_the_most_recent_figure() -> None:
    state = merged(
        mention(fee_eur=10e6, signature=""),
        mention(article_id="a2", fee_eur=14e6, published="2026-01-22T08:00:00Z", signature=""),
    )
    assert state.view()["fee_eur"] == 14e6


def test_expiry_is_judged_on_stream_time() -> None:
    state = merged(ORIGINAL_M)
    ttl = 10 * 86400.0
    assert not state.expired("2026-01-30T08:00:00Z", ttl)
    assert state.expired("2026-01-30T08:00:01Z", ttl)
    assert not state.expired("2027-01-01T00:00:00Z", 0)  # 0: never
    final = state.expired_view(ttl)
    assert final["expired"] and final["version"] == state.version + 1
    assert final["updated_at"] == "2026-01-30T08:00:00Z"
    assert not state.view()["expired"]


def test_beyond_the_cap_the_newest_articles_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "MAX_ARTICLES", 3)
    days = [f"2026-01-{day:02d}T08:00:00Z" for day in range(10, 15)]
    state = EventState("e1", "bellandi")
    for n, day in enumerate(days):
        state.apply(mention(article_id=f"a{n}", source=f"s{n}.test", published=day, signature=""))
    view = state.view()
    assert view["article_ids"] == ["a2", "a3", "a4"] and view["version"] == 5
    assert view["first_seen"] == days[0]  # the stage history keeps what left
    old = mention(article_id="old", published="2026-01-01T08:00:00Z", signature="")
    assert state.apply(old) is Change.NONE  # older than all it keeps
    assert state.apply(mention(article_id="a0", published=days[0], signature="")) is Change.NONE


def test_state_round_trips_and_old_states_restart_at_their_version() -> None:
    state = merged(ORIGINAL_M, COPY_M)
    state.emitted = 1
    assert EventState.from_dict(state.to_dict()).to_dict() == state.to_dict()
    legacy = {"event_id": "e1", "person_key": "bellandi", "version": 7, "stage_seen": {}}
    restarted = EventState.from_dict(legacy)
    restarted.apply(ORIGINAL_M)
    assert restarted.version == 8


def test_index_gives_stream_time_and_due_events() -> None:
    index = EventIndex(lambda key: 0 if key.startswith(b"p0") else 1)
    old, new = merged(ORIGINAL_M), merged(mention(published="2026-03-01T00:00:00Z"))
    old.emitted = new.emitted = old.version
    index.rebuild([(b"p0-old", old), (b"p0-new", new)])
    wall = "2030-01-01T00:00:00Z"
    assert index.now(0, wall) == "2026-03-01T00:00:00Z"
    assert index.now(0, "2026-02-01T00:00:00Z") == "2026-02-01T00:00:00Z"  # capped
    assert index.now(1, wall) == ""
    assert index.due({0, 1}, 30 * 86400.0, wall) == [b"p0-old"]  # idle for over 30 days
    assert index.due({0}, 0, wall) == []
    other = merged(ORIGINAL_M)  # pending: a change not yet published
    index.put(b"p1-x", other)
    assert index.due({1}, 0, wall) == [b"p1-x"]
    index.remove(b"p0-new")
    assert index.now(0, wall) == "2026-01-20T08:00:00Z"
