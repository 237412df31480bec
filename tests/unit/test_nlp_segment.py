from nlp.segment import sentence_spans, token_spans


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in sentence_spans(text)]


def test_stops_initials_and_abbreviations() -> None:
    text = "Dopo l'addio di G. P. Gasperini, il Milan vs. Inter. Ora tocca a Leao!"
    assert _sentences(text) == [
        "Dopo l'addio di G. P. Gasperini, il Milan vs. Inter.",
        "Ora tocca a Leao!",
    ]


def test_line_breaks_end_sentences_without_a_stop() -> None:
    assert _sentences("Titolo senza punto\n\nCorpo. Altro") == [
        "Titolo senza punto",
        "Corpo.",
        "Altro",
    ]


def test_quotes_open_a_new_sentence() -> None:
    assert _sentences('Ha parlato. "Resto qui" ha detto.') == [
        "Ha parlato.",
        '"Resto qui" ha detto.',
    ]


def test_spans_point_into_the_text() -> None:
    text = "  Uno. Due.  "
    assert [(s.start, s.end) for s in sentence_spans(text)] == [(2, 6), (7, 11)]


def test_tokens_split_elision_and_keep_english_clitics() -> None:
    text = "dell'Inter, Arsenal's 23,5 mln"
    assert [text[t.start : t.end] for t in token_spans(text)] == [
        "dell'",
        "Inter",
        ",",
        "Arsenal",
        "'s",
        "23,5",
        "mln",
    ]
