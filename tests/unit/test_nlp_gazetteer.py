from pathlib import Path

import pytest

from nlp.gazetteer import Gazetteer, default_gazetteer, italian_adjective_forms

FIXTURE = Path(__file__).parents[1] / "data" / "nlp" / "clubs.toml"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(FIXTURE)


def _found(gazetteer: Gazetteer, text: str) -> list[tuple[str, tuple[str, ...], str]]:
    return [(m.surface, m.candidates, m.kind) for m in gazetteer.find(text)]


def test_names_after_elided_articles(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "Il Milan e l'Inter, dell'Atalanta") == [
        ("Milan", ("ac-milan",), "alias"),
        ("Inter", ("inter",), "name"),
        ("Atalanta", ("atalanta",), "name"),
    ]


def test_word_boundaries(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "Milanello interista Internazionale")[0][0] == "Milanello"
    assert [m.surface for m in gazetteer.find("Milanese e interismo")] == []


def test_accents_and_case_are_folded_but_capitals_required(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "BAYERN MÜNCHEN")[0][1] == ("bayern",)
    assert gazetteer.find("la dea bendata") == []  # "Dea" is capitalised in the data
    assert _found(gazetteer, "la Dea vince")[0][2] == "nickname"


def test_leftmost_longest(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "Bayern Monaco e Monaco") == [
        ("Bayern Monaco", ("bayern",), "alias"),
        ("Monaco", ("monaco",), "name"),
    ]


def test_shared_nicknames_and_cities_keep_every_candidate(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "i nerazzurri")[0][1] == ("inter", "atalanta")
    assert _found(gazetteer, "a Milano")[0][1:] == (("inter", "ac-milan"), "city")
    assert _found(gazetteer, "a Bergamo")[0][1:] == (("atalanta",), "city")


def test_a_name_beats_a_city(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "il Torino")[0][1:] == (("torino",), "name")


def test_italian_adjective_forms_of_colour_nicknames(gazetteer: Gazetteer) -> None:
    assert italian_adjective_forms("rossoneri") == ["rossonero", "rossonera", "rossonere"]
    assert italian_adjective_forms("la Dea") == []
    assert _found(gazetteer, "la pista giallorossa")[0][1] == ("roma", "lecce")


def test_hyphen_variants(gazetteer: Gazetteer) -> None:
    assert _found(gazetteer, "il Paris Saint Germain")[0][1] == ("psg",)


def test_resolve_and_canonical_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("Strasburgo") == "strasbourg"
    assert gazetteer.resolve("ac milan") == "ac-milan"
    assert gazetteer.resolve("blucerchiati") == "sampdoria"
    assert gazetteer.resolve("nerazzurri") is None  # shared
    assert gazetteer.resolve("Nowhere FC") is None
    assert gazetteer.canonical_name("leicester") == "Leicester City"


def test_default_gazetteer_is_cached() -> None:
    assert default_gazetteer() is default_gazetteer()
