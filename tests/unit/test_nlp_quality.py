"""Quality gates: the extractor scored by the project's scorer on labelled articles."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from nlp import extract_article

ROOT = Path(__file__).parents[2]
SHARED = Path(__file__).parents[3] / "shared"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "eval" / "score.py"
DEVSET = ROOT / "tests" / "data" / "devset"
# Written by someone who never saw the extractor, and never tuned on (see its README):
# the generalisation figure. The floor only guards against a collapse.
HOLDOUT = ROOT / "tests" / "data" / "holdout"
HOLDOUT_F1_FLOOR = 0.82  # 0.828 with extractor 0.3.0 (0.700 with 0.2.0, 0.657 with 0.1.0)
# Dev-set event F1 reached by this extractor version; raise it as rules improve.
DEVSET_F1_FLOOR = 0.905  # 0.911 with extractor 0.3.0 (0.893 with 0.2.0)
# A second blind batch (see its README), tuned on since extractor 0.3.0.
DEV2 = ROOT / "tests" / "data" / "dev2"
DEV2_F1_FLOOR = 0.84  # 0.845 with extractor 0.3.0 (0.576 with 0.2.0)
# Share of matched dev-set events whose stage is right (the issue asks for 0.75).
DEVSET_STAGE_FLOOR = 0.90


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mercato_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _predict(articles: Path) -> dict[str, list[dict[str, Any]]]:
    predictions = {}
    with articles.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                article = json.loads(line)
                events = extract_article(article.get("title") or "", article["text"])
                predictions[str(article["id"])] = [event.to_dict() for event in events]
    return predictions


def _f1(folder: Path) -> dict[str, Any]:
    scorer = _scorer()
    gold_path = str(folder / "gold.jsonl")
    result: dict[str, Any] = scorer.score(
        scorer.load(gold_path),
        _predict(folder / "articles.jsonl"),
        False,
        scorer.load(gold_path, "optional_events"),
    )
    return result


@pytest.mark.skipif(
    not SEEDS.is_dir() or not SCORER.is_file(), reason="shared/seeds or shared/eval absent"
)
def test_seed_articles() -> None:
    result = _f1(SEEDS)
    assert result["event_f1"] >= 0.8
    # The floor: at least 8 of the 9 seed events found, at most one extra.
    assert result["true_positives"] >= 8
    assert result["pred_events"] - result["true_positives"] <= 1


@pytest.mark.skipif(
    not (DEVSET / "gold.jsonl").is_file() or not SCORER.is_file(),
    reason="dev set or shared/eval scorer absent",
)
def test_devset_articles() -> None:
    result = _f1(DEVSET)
    assert result["event_f1"] >= DEVSET_F1_FLOOR
    assert result["stage_accuracy"] >= DEVSET_STAGE_FLOOR


@pytest.mark.skipif(
    not (DEV2 / "gold.jsonl").is_file() or not SCORER.is_file(),
    reason="dev2 set or shared/eval scorer absent",
)
def test_dev2_articles() -> None:
    assert _f1(DEV2)["event_f1"] >= DEV2_F1_FLOOR


@pytest.mark.skipif(not SCORER.is_file(), reason="shared/eval scorer absent")
def test_holdout_articles() -> None:
    assert _f1(HOLDOUT)["event_f1"] >= HOLDOUT_F1_FLOOR
