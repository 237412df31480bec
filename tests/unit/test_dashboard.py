"""The Grafana dashboard: generated from deploy/grafana/dashboard.py, never edited by hand.

The committed JSON must be what the generator writes now, name the provisioned datasource,
and query only metrics that pipeline.metrics defines. tests/integration/test_prometheus.py
evaluates every one of its expressions in a real Prometheus.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.metrics import OFFICIAL_DEALS_KEPT, Metrics
from tests.conftest import REPO

if os.environ.get("CI") is None:  # CI installs the dev extra: there a missing SDK fails
    pytest.importorskip("grafana_foundation_sdk", reason="pip install -e '.[dev]'")

from deploy.grafana import dashboard

GRAFANA = REPO / "deploy" / "grafana"
PROVISIONING = GRAFANA / "provisioning"


def committed() -> dict[str, Any]:
    return dict(json.loads(dashboard.OUTPUT.read_text()))


def targets(board: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(panel title, target) for every query, rows' nested panels included."""
    found = []
    for panel in board["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            found += [(inner["title"], target) for target in inner.get("targets", [])]
    return found


def metric_names(metrics: Metrics) -> set[str]:
    """Every series name our registry can expose."""
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"], "gauge": [""]}
    return {
        family.name + suffix
        for family in metrics.registry.collect()
        for suffix in suffixes[family.type]
    }


def test_committed_json_is_what_the_generator_writes() -> None:
    assert dashboard.OUTPUT == GRAFANA / "dashboards" / "mercato.json"
    assert dashboard.OUTPUT.read_text() == dashboard.render(), (
        "deploy/grafana/dashboards/mercato.json is stale: run python -m deploy.grafana.dashboard"
    )


def test_check_mode_tells_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "mercato.json"
    stale.write_text(dashboard.render().replace("Mercato", "Old", 1))
    assert dashboard.main(["--check", "--output", str(stale)]) == 1
    assert dashboard.main(["--output", str(stale)]) == 0
    assert dashboard.main(["--check", "--output", str(stale)]) == 0
    assert json.loads(stale.read_text())["uid"] == "mercato"


def test_every_query_names_the_provisioned_datasource_by_uid() -> None:
    (source,) = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())[
        "datasources"
    ]
    assert source["type"] == "prometheus" and source["uid"] == dashboard.DATASOURCE_UID
    board = committed()
    found = targets(board)
    assert len(found) >= 25
    for title, target in found:
        assert target["datasource"] == {"type": "prometheus", "uid": source["uid"]}, title
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            assert variable["datasource"]["uid"] == source["uid"], variable["name"]


def test_queries_use_only_our_metrics_filtered_by_job_and_instance() -> None:
    known = metric_names(Metrics()) | {"up"}
    used = set()
    for title, target in targets(committed()):
        expr = target["expr"]
        names = set(re.findall(r"\b(mercato_\w+|up)\s*\{", expr))
        assert names, f"{title}: no metric selector in {expr}"
        assert names <= known, f"{title}: unknown metrics {names - known}"
        used |= names
        selectors = re.findall(r"\b(?:mercato_\w+|up)\s*\{([^}]*)\}", expr)
        assert all('job=~"$job", instance=~"$instance"' in s for s in selectors), title
        windows = re.findall(r"\[([^\]]+)\]", expr)
        assert all(w == "$__rate_interval" for w in windows), f"{title}: {windows}"
    wanted = {
        "mercato_stage_messages_total",
        "mercato_consumer_lag_messages",
        "mercato_end_to_end_latency_seconds_bucket",
        "mercato_extract_duration_seconds_bucket",
        "mercato_dead_letters_total",
        "mercato_feed_polls_total",
        "mercato_feed_items_total",
        "mercato_feed_last_success_timestamp_seconds",
        "mercato_events_emitted_total",
        "mercato_club_moves_total",
        "mercato_official_deal_timestamp_seconds",
    }
    assert wanted <= used, wanted - used


def test_variables_and_units() -> None:
    board = committed()
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert {"job", "instance"} <= set(variables)
    assert variables["instance"]["includeAll"] and variables["instance"]["allValue"] == ".*"
    units = {}
    for panel in board["panels"]:
        if panel["type"] != "row":
            units[panel["title"]] = panel["fieldConfig"]["defaults"].get("unit")
    assert units["End-to-end latency"] == "s"
    assert units["Tokenize and extract duration"] == "s"
    assert units["Messages per stage and direction"] == "ops"
    assert units["Since last successful poll"] == "s"
    deals = next(p for p in board["panels"] if p["title"] == "Newest official deals")
    assert f"topk({OFFICIAL_DEALS_KEPT}," in deals["targets"][0]["expr"]
    ids = [panel["id"] for panel in board["panels"]]
    assert len(set(ids)) == len(ids) and 0 not in ids
