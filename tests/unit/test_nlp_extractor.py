from pathlib import Path

import pytest

from nlp.extractor import Extractor, ExtractorSettings
from nlp.gazetteer import Gazetteer
from nlp.pipeline import EXTRACTOR_VERSION, prepare
from nlp.types import Mention

FIXTURE = Path(__file__).parents[1] / "data" / "nlp" / "clubs.toml"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(Gazetteer.load(FIXTURE), ExtractorSettings(gbp_to_eur=1.17))


def _run(extractor: Extractor, title: str, body: str, lang: str) -> list[Mention]:
    return extractor.extract(prepare(title, body, lang))


def _moves(events: list[Mention]) -> set[tuple[str, str | None, str | None]]:
    return {(e.person, e.from_club, e.to_club) for e in events}


def test_completed_sale_in_passing(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Atalanta, il mercato",
        "L'Atalanta vuole investire dopo la cessione di Rossi alla Juventus.",
        "it",
    )
    assert (event.person, event.from_club, event.to_club) == ("Rossi", "Atalanta", "Juventus")
    assert (event.kind, event.stage) == ("permanent", "official")


def test_owner_club_and_implicit_buyer(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Atalanta, obiettivo difesa",
        "I nerazzurri cercano un difensore. L'altro obiettivo è Bianchi del Torino.",
        "it",
    )
    assert _moves(events) == {("Bianchi", "Torino", "Atalanta")}
    assert events[0].stage == "interest"


def test_coordination_shares_the_predicate(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Atalanta, le uscite",
        "L'Atalanta prepara il mercato. In uscita ci sono Verdi e Neri, sui quali c'è "
        "l'interessamento del Bologna.",
        "it",
    )
    assert _moves(events) == {("Verdi", "Atalanta", "Bologna"), ("Neri", "Atalanta", "Bologna")}


def test_seller_as_subject_and_stage_talks(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Mercato",
        "L'Atalanta sta cedendo il difensore Marco Gialli alla Sampdoria.",
        "it",
    )
    assert (event.from_club, event.to_club, event.stage) == ("Atalanta", "Sampdoria", "talks")


def test_quoted_sources_and_squad_owners_are_not_moving(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Atalanta",
        "L'Atalanta sta cedendo Kovac alla Sampdoria, come confermato dal dirigente Osti. "
        "La formazione di Ferretti non cambia.",
        "it",
    )
    assert {e.person for e in events} == {"Kovac"}


def test_loan_with_option_and_fee(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Ufficiale",
        "Ufficiale: Luca Blu passa dalla Roma al Genoa in prestito con diritto di riscatto "
        "fissato a 12 milioni.",
        "it",
    )
    assert (event.from_club, event.to_club) == ("Roma", "Genoa")
    assert (event.kind, event.stage, event.fee_eur) == ("loan_with_option", "official", 12_000_000)


def test_english_join_from_with_pound_fee(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Transfer news",
        "Midfielder John Brown joins Arsenal from West Ham for £40m.",
        "en",
    )
    assert (event.person, event.from_club, event.to_club) == ("John Brown", "West Ham", "Arsenal")
    assert event.stage == "official"
    assert event.fee_eur == pytest.approx(46_800_000)


def test_english_interest(extractor: Extractor) -> None:
    (event,) = _run(
        extractor, "Chelsea news", "Chelsea are interested in Brighton striker Tom Green.", "en"
    )
    assert (event.from_club, event.to_club, event.stage) == ("Brighton", "Chelsea", "interest")


def test_coach_appointment_talks(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Roma, il nuovo tecnico",
        "Il tecnico Paolo Viola è alla guida del Genoa. La Roma ha avviato contatti con "
        "l'entourage di Paolo Viola.",
        "it",
    )
    assert (event.role, event.from_club, event.to_club) == ("coach", "Genoa", "Roma")
    assert (event.kind, event.stage) == ("appointment", "talks")


def test_other_languages_produce_nothing(extractor: Extractor) -> None:
    doc = prepare("Fichaje", "El Real Madrid ficha a Pérez del Sevilla.", "es")
    assert extractor.extract(doc) == []


def test_confidence_and_evidence(extractor: Extractor) -> None:
    (event,) = _run(extractor, "Mercato", "La Juventus ha ceduto Mario Rosa al Napoli.", "it")
    assert 0.0 <= event.confidence <= 1.0
    assert "Mario Rosa al Napoli" in event.evidence


def test_round_up_dateline_names_the_buyer(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Le trattative del giorno: Lecce, Genoa e Torino",
        "LECCE - Colpo in attacco per i salentini, che seguono il mercato.\n\n"
        "GENOA - Fumata bianca con la Sampdoria per Marco Rossi.",
        "it",
    )
    assert _moves(events) == {("Marco Rossi", "Sampdoria", "Genoa")}
    assert events[0].kind == "permanent"  # agreed, with no loan or free-agent word


def test_deal_noun_then_per_marks_the_mover(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Roma, colpo sulla fascia",
        "La Roma ha raggiunto l'intesa con la Lazio per Marco Rossi. "
        "La formula: prestito con diritto di riscatto.",
        "it",
    )
    assert _moves(events) == {("Marco Rossi", "Lazio", "Roma")}
    assert events[0].kind == "loan_with_option"  # carried from the nameless next sentence


def test_injured_players_are_not_moving(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Arsenal target a defender",
        "Arsenal are keen to sign a defender after injuries to John Smith and Tom Brown "
        "stretched the squad.",
        "en",
    )
    assert events == []


@pytest.mark.parametrize(
    ("title", "body", "lang"),
    [
        (
            "Genoa, cambio in panchina",
            "Il Genoa ha esonerato il tecnico Mario Bruni dopo la sconfitta di ieri.",
            "it",
        ),
        (
            "Genoa, le ultime",
            "Il club ha comunicato la risoluzione consensuale del contratto con Mario Bruni.",
            "it",
        ),
        (
            "Arsenal news",
            "Arsenal have sacked head coach Mario Bruni after a run of five defeats.",
            "en",
        ),
    ],
)
def test_sacked_or_released_is_a_departure_with_no_destination(
    extractor: Extractor, title: str, body: str, lang: str
) -> None:
    (event,) = _run(extractor, title, body, lang)
    club = "Arsenal" if lang == "en" else "Genoa"
    assert (event.person, event.from_club, event.to_club) == ("Mario Bruni", club, None)
    assert (event.kind, event.stage) == ("departure", "official")


def test_sacking_club_is_not_the_destination(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Chelsea sack Mario Bruni and agree compensation with Brighton for Luca Verdi",
        "Chelsea have sacked manager Mario Bruni. The club have agreed a compensation "
        "package with Brighton for their manager Luca Verdi.",
        "en",
    )
    moves = _moves(events)
    assert ("Mario Bruni", "Chelsea", None) in moves
    assert not any(person == "Mario Bruni" and to for person, _, to in moves)


def test_match_report_names_no_mover(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Arsenal 2-1 Chelsea",
        "Arsenal went ahead in the 14th minute when Mario Bruni turned in a low cross.",
        "en",
    )
    assert events == []


def test_loan_cut_short_returns_to_the_owner(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Bologna, le ultime",
        "Mario Bruni, esterno di proprietà del Bologna, ha interrotto il prestito al Genoa "
        "ed è rientrato alla base.",
        "it",
    )
    assert (event.from_club, event.to_club) == ("Genoa", "Bologna")
    assert (event.kind, event.stage) == ("return_from_loan", "official")


def test_evidence_offsets_point_into_the_document(extractor: Extractor) -> None:
    body = (
        "Il Genoa ha ufficializzato l'arrivo di Mario Bruni dal Torino a titolo definitivo. "
        + "Il difensore ha firmato fino al 2029. " * 20
        + "Intanto la Sampdoria è vicina a Luca Verdi del Palermo, con l'intesa per un "
        + "prestito con diritto di riscatto "
        + "fissato a otto milioni di euro, da versare in tre rate " * 8
        + "."
    )
    doc = prepare("Genoa, ufficiale Bruni", body, "it")
    events = extractor.extract(doc)
    assert events
    for event in events:
        assert 0 <= event.evidence_start < event.evidence_end <= len(doc.text)
        assert doc.text[event.evidence_start : event.evidence_end] == event.evidence
        assert event.evidence == event.evidence.strip()
        assert event.person.split()[-1] in event.evidence


def test_mention_dict_carries_offsets_confidence_and_version(extractor: Extractor) -> None:
    (event,) = _run(
        extractor, "Genoa", "Il Genoa ha ufficializzato l'arrivo di Mario Bruni dal Torino.", "it"
    )
    row = event.to_dict()
    assert row["extractor_version"] == EXTRACTOR_VERSION
    assert {"evidence", "evidence_start", "evidence_end", "confidence"} <= set(row)
    assert 0.0 <= row["confidence"] <= 1.0


def test_confidence_ranks_explicit_official_moves_above_guessed_rumours(
    extractor: Extractor,
) -> None:
    (official,) = _run(
        extractor,
        "Genoa",
        "Ufficiale: il difensore Mario Bruni è passato dal Torino al Genoa a titolo definitivo.",
        "it",
    )
    (guessed,) = _run(
        extractor,
        "Atalanta, obiettivo difesa",
        "I nerazzurri cercano un difensore. L'altro obiettivo è Bianchi del Torino.",
        "it",
    )
    assert (guessed.to_club, guessed.stage) == ("Atalanta", "interest")  # the subject
    assert official.confidence > guessed.confidence
    assert official.confidence >= 0.8 and guessed.confidence <= 0.6


def test_club_denying_talks_over_its_player_is_the_seller(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Chelsea news",
        "Chelsea, meanwhile, have denied reports that they have held talks with Arsenal "
        "over midfielder Mario Bruni.",
        "en",
    )
    assert (event.from_club, event.to_club, event.stage) == ("Chelsea", "Arsenal", "denied")


@pytest.mark.parametrize(
    ("body", "lang", "club"),
    [
        ("Arsenal have signed free agent goalkeeper Mario Bruni.", "en", "Arsenal"),
        ("Il Genoa ha tesserato da svincolato il portiere Mario Bruni.", "it", "Genoa"),
    ],
)
def test_free_agent_signing(extractor: Extractor, body: str, lang: str, club: str) -> None:
    (event,) = _run(extractor, "Mercato", body, lang)
    assert (event.person, event.from_club, event.to_club) == ("Mario Bruni", None, club)
    assert (event.kind, event.stage) == ("free", "official")


def test_offer_to_a_club_is_made_to_the_seller(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Milan, i rossoneri rompono gli indugi per Bruni",
        "Il Milan accelera. Il direttore sportivo Luca Verdi ha presentato "
        "un'offerta ufficiale al Torino per Mario Bruni, centrale che Paolo Neri considera "
        "il profilo giusto. Il suo agente, "
        "Carlo Rossi, ha curato la trattativa.",
        "it",
    )
    assert _moves(events) == {("Mario Bruni", "Torino", "AC Milan")}


def test_a_fee_after_the_selling_club_is_no_buyer(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Genoa",
        "GENOA - Sta sostenendo le visite mediche il difensore Mario Bruni, in arrivo dal "
        "Torino per 4 milioni.",
        "it",
    )
    assert (event.from_club, event.to_club, event.stage) == ("Torino", "Genoa", "medical")


def test_match_report_stage_words_make_no_move(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Chelsea 2-1 Arsenal",
        "Arsenal almost equalised when Mario Bruni hit the crossbar, but Chelsea sealed the "
        "points with 12 minutes left.",
        "en",
    )
    assert events == []


def test_leaving_player_and_the_deal_with_the_other_side(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Chelsea news",
        "Young striker Mario Bruni is set to leave on loan, and Chelsea have already agreed "
        "a season-long deal with Premier League side Brighton.",
        "en",
    )
    assert (event.from_club, event.to_club, event.kind) == ("Chelsea", "Brighton", "loan")


def test_money_paid_to_a_club_makes_it_the_seller(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Genoa",
        "GENOA - Accordo raggiunto con il Torino per il portiere Mario Bruni: ai granata "
        "andranno 5 milioni di euro.",
        "it",
    )
    assert (event.from_club, event.to_club, event.stage) == ("Torino", "Genoa", "agreed")


def test_club_hands_its_team_to_a_new_coach(extractor: Extractor) -> None:
    events = _run(
        extractor,
        "Genoa, cambio in panchina",
        "GENOA - Il club ha comunicato l'esonero di Mario Bruni e ha affidato la squadra a "
        "Luca Verdi, che era senza panchina dall'estate.",
        "it",
    )
    moves = {(e.person, e.from_club, e.to_club, e.kind) for e in events}
    assert moves == {
        ("Mario Bruni", "Genoa", None, "departure"),
        ("Luca Verdi", None, "Genoa", "appointment"),
    }


def test_price_in_the_next_sentence_belongs_to_the_move(extractor: Extractor) -> None:
    (event,) = _run(
        extractor,
        "Milan, offerta per Bruni",
        "Il Milan ha presentato un'offerta al Torino per Mario Bruni.\n\n"
        "La proposta rossonera è di 20 milioni più 3 di bonus.",
        "it",
    )
    assert (event.to_club, event.fee_eur) == ("AC Milan", 20_000_000)


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        (
            "West Ham agree to send Mario Bruni to Brighton; Chelsea deny Arsenal talks over Verdi",
            "West Ham have agreed to send Mario Bruni to Brighton.",
            ("permanent", "agreed", "Brighton"),
        ),
        (
            "Chelsea hand Mario Bruni new deal as Arsenal and Brighton circle Luca Verdi",
            "Chelsea have handed goalkeeper Mario Bruni a new contract until 2030.",
            ("extension", "official", "Chelsea"),
        ),
    ],
)
def test_headline_clauses_keep_their_own_move(
    extractor: Extractor, title: str, body: str, expected: tuple[str, str, str]
) -> None:
    """A semicolon or an "as"/"while" before a capital starts another move."""
    events = _run(extractor, title, body, "en")
    bruni = next(e for e in events if e.person == "Mario Bruni")
    assert (bruni.kind, bruni.stage, bruni.to_club) == expected
    assert not any(e.person.endswith("Verdi") and e.kind == "extension" for e in events)
