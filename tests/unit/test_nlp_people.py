from nlp.people import find_names, link_names, surname_of
from nlp.segment import sentence_spans


def _people(
    text: str, blocked: list[tuple[int, int]] | None = None
) -> tuple[tuple[str, ...], list[str]]:
    sentences = [(s.start, s.end) for s in sentence_spans(text)]
    people = link_names(text, find_names(text, sentences, blocked or []))
    return people.names, [people.names[m.person] for m in people.mentions]


def test_surname_joins_the_full_name() -> None:
    names, mentions = _people("Il difensore Mattia Caldara piace. Per Caldara contatti avviati.")
    assert names == ("Mattia Caldara",)
    assert mentions == ["Mattia Caldara", "Mattia Caldara"]


def test_surname_seen_first_is_upgraded_later() -> None:
    names, _ = _people("Tutti parlano di Kulusevski. Il nome è Dejan Kulusevski.")
    assert names == ("Dejan Kulusevski",)


def test_misspelling_joins_the_spelling_seen_first() -> None:
    names, mentions = _people("In uscita c'è Kjaer. Piace molto Kajer.")
    assert names == ("Kjaer",)
    assert len(mentions) == 2


def test_particles_stay_inside_names() -> None:
    names, _ = _people("Il tecnico Daniele De Rossi e il terzino Giovanni di Lorenzo.")
    assert names == ("Daniele De Rossi", "Giovanni di Lorenzo")
    assert surname_of(["Daniele", "De", "Rossi"]) == ["De", "Rossi"]


def test_common_words_competitions_and_outlets_are_not_people() -> None:
    names, _ = _people(
        "Andiamo a vedere. Secondo Sky Sport la Champions League è il sogno di Rossi a gennaio."
    )
    assert names == ("Rossi",)


def test_blocked_spans_split_names() -> None:
    text = "Il giocatore Barrow del Bologna."
    start = text.index("Bologna")
    names, _ = _people(text, [(start, start + len("Bologna"))])
    assert names == ("Barrow",)


def test_different_first_names_are_different_people() -> None:
    names, _ = _people("Simone Inzaghi sfida Filippo Inzaghi. Inzaghi sorride.")
    assert names == ("Simone Inzaghi", "Filippo Inzaghi")


def test_title_case_headline_words_need_support_in_the_body() -> None:
    text = "Arsenal Agree Fee For Star Midfielder Declan Rice\n\nThe deal for Declan Rice is done."
    names, _ = _people(text)
    assert names == ("Declan Rice",)


def test_demonyms_places_and_named_things_are_not_people() -> None:
    names, _ = _people(
        "Arriva l'Ecuadorian teenager Kevin Mina. Ha firmato Vincenzo Italiano. "
        "Poi visite mediche nei Paesi Bassi e un gol a Hearts of Oak. "
        "VERONA - Fumata bianca per Marco Rossi. Il club tratta con l'Hammarby."
    )
    assert set(names) == {"Kevin Mina", "Vincenzo Italiano", "Marco Rossi"}
