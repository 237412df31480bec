import pytest

from nlp.language import detect_language, is_supported


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Il Milan ha chiuso per Caldara, visite mediche domani", "it"),
        ("Calciomercato Inter, Marotta accelera per il centrocampista", "it"),
        ("Arsenal have agreed a fee with Brighton for the midfielder", "en"),
        ("Chelsea are interested in the striker and will bid again", "en"),
        ("El Real Madrid ficha al delantero y cierra la operación", "es"),
        ("Le PSG officialise l'arrivée du milieu de terrain", "fr"),
    ],
)
def test_detects_short_news_sentences(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_too_little_text_is_undetermined() -> None:
    assert detect_language("1-0") == "und"
    assert detect_language("") == "und"


def test_only_italian_and_english_are_supported() -> None:
    assert is_supported("it") and is_supported("en")
    assert not is_supported("es") and not is_supported("und")
