"""The optional roster: every spelling of a known person becomes the roster's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp import extract_article
from nlp.roster import Roster, RosterError

ROSTER = """name,aliases,role
Simon Kjær,Kjaer|Simon Kjaer,player
Lautaro Martínez,Lautaro Martinez,
Marco Rossi,,coach
Andrea Rossi,,
Gian Piero Gasperini,Gasp,coach
"""


@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return Roster.load(path)


@pytest.mark.parametrize(
    ("found", "canonical"),
    [
        ("Simon Kjaer", "Simon Kjær"),  # an alias
        ("SIMON KJÆR", "Simon Kjær"),  # case and accents
        ("Kajer", "Simon Kjær"),  # misspelt surname alone
        ("Simon Kajer", "Simon Kjær"),  # misspelt, first name agrees
        ("S. Kjaer", "Simon Kjær"),  # an initial
        ("Lautaro Martinez", "Lautaro Martínez"),
        ("Gasperini", "Gian Piero Gasperini"),
    ],
)
def test_spellings_of_a_roster_person_find_them(roster: Roster, found: str, canonical: str) -> None:
    person = roster.find(found)
    assert person is not None and person.name == canonical


@pytest.mark.parametrize(
    "found",
    [
        "Marco Kajer",  # the first name contradicts the roster's
        "Gabriel Martinelli",  # a different surname, however close
        "Rossi",  # two roster people share it: no guess
        "Paolo Bianchi",  # not in the roster
        "",
    ],
)
def test_names_the_roster_cannot_vouch_for_are_not_matched(roster: Roster, found: str) -> None:
    assert roster.find(found) is None


def test_apply_renames_known_people_and_keeps_the_others(roster: Roster) -> None:
    mentions = extract_article(
        "Ufficiale",
        "Il Milan ha ufficializzato l'acquisto del difensore Simon Kjaer dal Siviglia. "
        "L'Inter ha preso l'attaccante Paolo Bianchi dal Torino.",
    )
    assert {m.person for m in mentions} == {"Simon Kjaer", "Paolo Bianchi"}
    renamed = {m.person: m for m in roster.apply(mentions)}
    assert set(renamed) == {"Simon Kjær", "Paolo Bianchi"}
    assert renamed["Simon Kjær"].to_club == "AC Milan" and renamed["Simon Kjær"].role == "player"


def test_roster_roles_override_the_extractors_guess(roster: Roster) -> None:
    (mention,) = extract_article(
        "Panchina", "Il Napoli ha ufficializzato l'arrivo del difensore Gasperini dall'Atalanta."
    )
    (renamed,) = roster.apply([mention])
    assert (renamed.person, renamed.role) == ("Gian Piero Gasperini", "coach")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("person,role\nSimon Kjær,player\n", "'name' column"),
        ("name,role\n,player\n", ":2: empty name"),
        ("name,role\nSimon Kjær,goalkeeper\n", ":2: role 'goalkeeper'"),
    ],
)
def test_a_bad_roster_file_is_refused_with_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError, match=message):
        Roster.load(path)


def test_the_extract_stage_keys_events_by_the_roster_name(roster: Roster) -> None:
    from agents.extract import mentions_of
    from agents.tokenize import tokenize_article
    from schemas.records import RawArticle

    def article(spelling: str) -> RawArticle:
        return RawArticle(
            id=spelling,
            version="v1",
            feed="f",
            source="s.test",
            url=f"https://s.test/{spelling}",
            title="Ufficiale",
            summary=f"Il Milan ha ufficializzato l'acquisto del difensore {spelling} dal Siviglia.",
            content="",
            published=None,
            fetched_at="2026-01-20T08:00:00Z",
        )

    plain = [mentions_of(tokenize_article(article(s))) for s in ("Simon Kjaer", "Simon Kajer")]
    assert plain[0][0].event_id != plain[1][0].event_id  # a misspelling, another event
    named = [
        mentions_of(tokenize_article(article(s)), roster) for s in ("Simon Kjaer", "Simon Kajer")
    ]
    assert {m.person for (m,) in named} == {"Simon Kjær"}
    assert named[0][0].event_id == named[1][0].event_id  # one person, one event
