"""Invariants of the labelled dev set in tests/data/devset."""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlparse

import pytest

from nlp import types as nlp_types

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset"
REPO_ROOT = Path(__file__).resolve().parents[2]
SCORER = REPO_ROOT.parent / "shared" / "eval" / "score.py"

ROLES = set(nlp_types.ROLES)
KINDS = set(nlp_types.KINDS)
STAGES = set(nlp_types.STAGES)
EVENT_FIELDS = {"person", "role", "from_club", "to_club", "kind", "stage", "fee_eur", "evidence"}
ARTICLE_FIELDS = {"id", "lang", "url", "title", "published", "text"}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def articles() -> list[dict[str, Any]]:
    return _read_jsonl(DEVSET / "articles.jsonl")


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    return _read_jsonl(DEVSET / "gold.jsonl")


@pytest.fixture(scope="module")
def texts(articles: list[dict[str, Any]]) -> dict[str, str]:
    return {a["id"]: a["text"] for a in articles}


def _all_events(record: dict[str, Any]) -> list[dict[str, Any]]:
    return list(record.get("events") or []) + list(record.get("optional_events") or [])


def _load_scorer() -> ModuleType:
    if not SCORER.is_file():
        pytest.skip(f"scorer not found at {SCORER}")
    spec = importlib.util.spec_from_file_location("mercato_devset_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_and_languages(articles: list[dict[str, Any]]) -> None:
    langs = [a["lang"] for a in articles]
    # Issue 4's floors: at least 80 articles, 45 Italian and 20 English.
    assert len(articles) == 90
    assert langs.count("it") == 58
    assert langs.count("en") == 32


def test_ids_match_between_files(
    articles: list[dict[str, Any]], gold: list[dict[str, Any]]
) -> None:
    article_ids = [a["id"] for a in articles]
    assert len(set(article_ids)) == len(article_ids)
    assert article_ids == [g["id"] for g in gold]
    for article in articles:
        assert re.fullmatch(rf"dev-{article['lang']}-\d{{3}}", article["id"])


def test_article_fields(articles: list[dict[str, Any]]) -> None:
    for article in articles:
        assert set(article) == ARTICLE_FIELDS, article["id"]
        assert urlparse(article["url"]).hostname.endswith(".test")
        assert datetime.fromisoformat(article["published"].replace("Z", "+00:00")).year == 2026
        assert article["title"].strip() and article["title"] not in article["text"]
        words = len(article["text"].split())
        assert 120 <= words <= 450, (article["id"], words)


def test_events_are_well_formed(gold: list[dict[str, Any]], texts: dict[str, str]) -> None:
    for record in gold:
        for event in _all_events(record):
            where = (record["id"], event.get("person"))
            assert set(event) == EVENT_FIELDS, where
            assert isinstance(event["person"], str) and event["person"].strip(), where
            assert event["role"] in ROLES, where
            assert event["kind"] in KINDS, where
            assert event["stage"] in STAGES, where
            for club in ("from_club", "to_club"):
                assert event[club] is None or (isinstance(event[club], str) and event[club]), where
            fee = event["fee_eur"]
            assert fee is None or (isinstance(fee, (int, float)) and fee > 0), where
            assert event["evidence"] in texts[record["id"]], where


def test_kind_specific_conventions(gold: list[dict[str, Any]]) -> None:
    for record in gold:
        for event in _all_events(record):
            if event["kind"] == "extension":
                assert event["from_club"] == event["to_club"] is not None
            if event["kind"] == "departure":
                assert event["to_club"] is None and event["from_club"] is not None
            if event["kind"] == "appointment":
                assert event["role"] in {"coach", "executive"}


def test_articles_without_events_exist(gold: list[dict[str, Any]]) -> None:
    empty = [g["id"] for g in gold if not g["events"]]
    assert len(empty) >= 10  # people named who do not move, match reports, interviews


def test_gold_scores_perfectly_against_itself() -> None:
    scorer = _load_scorer()
    path = str(DEVSET / "gold.jsonl")
    result = scorer.score(
        scorer.load(path), scorer.load(path), False, scorer.load(path, "optional_events")
    )
    assert result["event_f1"] == 1.0
    assert result["gold_events"] == result["true_positives"]


def test_optional_events_are_not_penalised(gold: list[dict[str, Any]]) -> None:
    scorer = _load_scorer()
    required = {g["id"]: g["events"] for g in gold}
    optional = {g["id"]: g.get("optional_events", []) for g in gold}
    predicted = {g["id"]: _all_events(g) for g in gold}
    result = scorer.score(required, predicted, False, optional)
    assert result["precision"] == 1.0
    assert result["recall"] == 1.0
