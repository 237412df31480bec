from nlp.normalize import join_title_body, normalize_text, strip_html


def test_html_tags_and_entities_are_removed() -> None:
    assert normalize_text("<p>Dell&rsquo;Inter &egrave; <b>forte</b></p>") == "Dell'Inter è forte"


def test_scripts_are_dropped_and_blocks_become_paragraphs() -> None:
    text = normalize_text("<p>Primo</p><script>var x = 1;</script><p>Secondo</p>")
    assert text == "Primo\n\nSecondo"


def test_typographic_quotes_and_dashes_are_unified() -> None:
    assert normalize_text("l’Atalanta «vola» — “ok”…") == 'l\'Atalanta "vola" - "ok"...'


def test_whitespace_collapses_but_paragraphs_survive() -> None:
    assert normalize_text("a  b\u00a0c\r\n\r\n\r\n d\te") == "a b c\n\nd e"


def test_nfc_composes_accents() -> None:
    assert normalize_text("Iban\u0303ez") == "Ibañez"


def test_plain_text_passes_html_stripping_untouched() -> None:
    assert strip_html("Milan 2 < 3 Inter") == "Milan 2 < 3 Inter"


def test_title_and_body_are_joined_by_a_blank_line() -> None:
    assert join_title_body(" Titolo ", "Corpo.") == "Titolo\n\nCorpo."
    assert join_title_body("", "Corpo.") == "Corpo."
