"""Text signatures: copies are near-identical, different articles are not."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import nlp
from agents.extract import mentions_of
from agents.tokenize import tokenize_article
from schemas.records import RawArticle
from transfers.neardup import (
    THRESHOLD,
    near_any,
    near_duplicates,
    shingles,
    signature,
    similarity,
)

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset" / "articles.jsonl"

TITLE = "UFFICIALE: Bellandi è un nuovo giocatore della Fiorentina"
BODY = (
    "È ufficiale: Lorenzo Bellandi è un nuovo giocatore della Fiorentina. Il centrocampista "
    "arriva dal Sassuolo a titolo definitivo e ha firmato un contratto fino al 2030. "
    "Classe 2003, Bellandi ha collezionato 21 presenze e 4 gol in questa stagione. "
    "Il club viola ha battuto la concorrenza di Bologna e Torino, che avevano presentato "
    "offerte simili, grazie al progetto tecnico illustrato dal direttore sportivo."
)


def sig(title: str, body: str) -> str:
    return signature(title, nlp.prepare(title, body).text)


def test_signature_is_stable_and_compact() -> None:
    first = sig(TITLE, BODY)
    assert first == sig(TITLE, BODY) and len(first) == 344  # 64 x 32 bits, base64
    assert sig("", "") == ""
    assert similarity(first, "") == 0.0
    assert shingles("Uno, due; TRE!") == {b"uno due tre"}


def test_republished_copies_are_near_duplicates() -> None:
    original = sig(TITLE, BODY)
    new_headline = sig("Fiorentina, ecco Bellandi: è fatta", BODY)
    credit_line = sig(TITLE.title(), BODY + " (Fonte: agenzie)")
    assert near_duplicates(original, new_headline)  # long body: the headline is not hashed
    assert similarity(original, credit_line) >= 0.9


def test_a_different_write_up_of_the_same_move_is_not() -> None:
    other = (
        "La Fiorentina ha chiuso per Lorenzo Bellandi: il Sassuolo incassa la cifra pattuita "
        "e il giocatore ha già svolto le visite mediche. Per lui contratto fino al 2030. "
        "Il centrocampista era seguito anche da Bologna e Torino, ma ha scelto i viola."
    )
    assert similarity(sig(TITLE, BODY), sig("Bellandi alla Fiorentina", other)) < 0.3


def test_short_items_are_told_apart_by_their_titles() -> None:
    teaser = "Leggi tutte le notizie di calciomercato sul nostro sito."
    talks = sig("Rossi, contatti avviati con la Juventus", teaser)
    agreed = sig("Rossi-Juventus, è fatta: accordo raggiunto con il club", teaser)
    assert not near_duplicates(talks, agreed)


def test_dev_set_articles_are_far_below_the_threshold() -> None:
    articles = [json.loads(line) for line in DEVSET.read_text().splitlines() if line.strip()]
    sigs = [sig(a["title"], a["text"]) for a in articles[:25]]
    assert max(similarity(a, b) for a, b in combinations(sigs, 2)) < THRESHOLD / 4


def test_the_extract_stage_signs_each_article_once() -> None:
    raw = RawArticle(
        id="a1",
        version="v1",
        feed="f",
        source="s.test",
        url="https://s.test/a1",
        title=TITLE,
        summary=BODY,
        content="",
        published=None,
        fetched_at="2026-01-20T08:00:00Z",
    )
    found = mentions_of(tokenize_article(raw))
    assert found and {m.signature for m in found} == {sig(TITLE, BODY)}


def test_near_any_answers_as_near_duplicates_pair_by_pair() -> None:
    base = sig(TITLE, BODY)
    copies = [
        base,
        sig("Bellandi alla Fiorentina, è ufficiale", BODY),
        sig(TITLE, BODY.rsplit(". ", 1)[0] + "."),  # last sentence cut
        sig(TITLE, BODY + " Fonte: agenzie."),
    ]
    articles = [json.loads(line) for line in DEVSET.read_text().splitlines() if line.strip()]
    others = [sig(a["title"], a["text"]) for a in articles[:12]]
    short = "AAAAAA=="  # one 32-bit value: a signature of another size never matches
    pool = [*copies, *others, "", short]
    theirs = [pool[i : i + 3] for i in range(len(pool))] + [[]]
    for mine in ([base], [others[0], base], [""], [short], []):
        expected = [any(near_duplicates(a, b) for a in mine for b in sigs) for sigs in theirs]
        assert near_any(mine, theirs) == expected
    assert sum(near_any([base], [[c] for c in copies])) >= 3  # the copies are found
