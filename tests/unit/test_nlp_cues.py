from nlp.cues import CueTable, lexicon
from nlp.textfold import fold


def _labels(table: CueTable, text: str) -> list[str]:
    return [cue.label for cue in table.find(fold(text))]


def test_italian_stage_cues() -> None:
    stage = lexicon("it").stage  # type: ignore[union-attr]
    assert _labels(stage, "Sondaggio del Milan") == ["interest"]
    assert _labels(stage, "Contatti avviati") == ["talks", "talks"]
    assert _labels(stage, "Fumata bianca: accordo raggiunto") == ["agreed", "agreed"]
    assert _labels(stage, "Domani le visite mediche") == ["medical"]
    assert _labels(stage, "È ufficiale") == ["official"]
    assert _labels(stage, "La trattativa è saltata") == ["talks", "collapsed"]
    assert _labels(stage, "Il club smentisce") == ["denied"]


def test_italian_kind_cues_longest_phrase_wins() -> None:
    kind = lexicon("it").kind  # type: ignore[union-attr]
    assert "loan_with_obligation" in _labels(kind, "prestito con obbligo di riscatto")
    assert "loan_with_option" in _labels(kind, "prestito con diritto di riscatto")
    assert _labels(kind, "arriva a parametro zero") == ["free"]
    assert _labels(kind, "firma il rinnovo") == ["extension"]


def test_english_cues() -> None:
    lex = lexicon("en")
    assert lex is not None
    assert _labels(lex.stage, "Chelsea are interested in him") == ["interest"]
    assert _labels(lex.stage, "set to undergo a medical") == ["medical"]
    assert _labels(lex.stage, "talks collapsed") == ["talks", "collapsed"]
    assert _labels(lex.kind, "a loan with an option to buy") == ["loan", "loan_with_option"]
    assert _labels(lex.role, "the striker") == ["player"]
    assert _labels(lex.role, "head coach") == ["coach"]


def test_word_boundaries_and_stems() -> None:
    table = CueTable({"interest": ["sondat*"], "talks": ["offerta"]})
    assert _labels(table, "già sondati e sondata") == ["interest", "interest"]
    assert _labels(table, "controfferta") == []


def test_unknown_language_has_no_lexicon() -> None:
    assert lexicon("xx") is None
