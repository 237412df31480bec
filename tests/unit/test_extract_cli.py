"""`mercato extract`: the JSONL contract of ../shared/eval/score.py."""

from __future__ import annotations

import io

import orjson

from nlp.types import KINDS, ROLES, STAGES
from pipeline.cli import extract_lines

ARTICLES = [
    {
        "id": "a1",
        "lang": "en",
        "title": "Aston Villa complete signing of James Whitfield",
        "text": "Aston Villa have completed the signing of striker James Whitfield "
        "from Leeds United "
        "on a permanent deal, the club announced on Tuesday.",
    },
    {"id": "a2", "title": "Match report", "text": "Lazio beat Genoa 2-0 at the Olimpico."},
]


def run(lines: list[str]) -> tuple[list[dict[str, object]], str, int]:
    out, err = io.BytesIO(), io.StringIO()
    errors = extract_lines(lines, out, err)
    return [orjson.loads(line) for line in out.getvalue().splitlines()], err.getvalue(), errors


def test_one_line_per_article_with_contract_fields() -> None:
    results, err, errors = run([orjson.dumps(a).decode() + "\n" for a in ARTICLES])
    assert (errors, err) == (0, "")
    assert [r["id"] for r in results] == ["a1", "a2"]
    for result in results:
        for event in result["events"]:  # type: ignore[attr-defined]
            assert {
                "person",
                "role",
                "from_club",
                "to_club",
                "kind",
                "stage",
                "fee_eur",
                "evidence",
            } <= set(event)
            assert event["role"] in ROLES and event["kind"] in KINDS
            assert event["stage"] in STAGES


def test_bad_lines_are_reported_and_skipped() -> None:
    lines = ["not json\n", "\n", '["a list"]\n', orjson.dumps(ARTICLES[1]).decode()]
    results, err, errors = run(lines)
    assert errors == 2
    assert "line 1: skipped" in err and "line 3: skipped" in err
    assert [r["id"] for r in results] == ["a2"]


def test_a_language_that_is_not_a_string_is_no_language_we_extract() -> None:
    # The compiled extractor checks argument types: the CLI must not pass JSON's 5 or [] on.
    lines = [orjson.dumps({**ARTICLES[0], "lang": lang}).decode() for lang in (5, ["en"], 0)]
    results, err, errors = run(lines)
    assert (errors, err) == (0, "")
    assert [bool(r["events"]) for r in results] == [False, False, True]  # 0: detected, English
