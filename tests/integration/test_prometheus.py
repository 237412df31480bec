"""A real Prometheus scrapes a running worker; every alert rule and every dashboard query
evaluates; the throughput, latency, events and market panels have data; logs are JSON lines."""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.broker import EmbeddedBroker, free_port
from tests.conftest import REPO
from tests.helpers import read_until

pytestmark = pytest.mark.integration

DEPLOY = REPO / "deploy" / "prometheus"
RULES = DEPLOY / "alerts.yml"
DASHBOARD = REPO / "deploy" / "grafana" / "dashboards" / "mercato.json"
# What Grafana would put in for the dashboard's variables: the test job, all workers,
# all stages; a rate window of 1 min (at the test's 1 s scrapes, many samples).
VARIABLES = {
    "job": "mercato",
    "instance": ".*",
    "stage": ".*",
    "__rate_interval": "1m",
    "__interval": "15s",
    "__range": "1h",
}
# Families added for the market panels: promtool must see samples of them.
MARKET_METRICS = ("mercato_club_moves_total", "mercato_official_deal_timestamp_seconds")


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    """The shared isolation, with the worker logging JSON lines (MERCATO_LOG_FORMAT)."""
    return {**env, "MERCATO_LOG_FORMAT": "json"}


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: .ci/run installs the Debian package")
        pytest.skip(f"{name} not installed (apt-get install prometheus)")
    return path


@pytest.fixture
def prometheus(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """Prometheus on loopback scraping the test worker every second, with our alert rules."""
    port = free_port()
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": "mercato",
                "static_configs": [{"targets": [f"127.0.0.1:{env['MERCATO_METRICS_PORT']}"]}],
            }
        ],
    }
    config_file = tmp_path / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config))
    log = (tmp_path / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            _binary("prometheus"),
            f"--config.file={config_file}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def query(base: str, expr: str) -> dict[str, Any]:
    url = f"{base}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return dict(json.loads(reply.read()))
    except urllib.error.HTTPError as error:  # a bad expression answers 400 with the reason
        return dict(json.loads(error.read()))


def wait_for(base: str, expr: str, timeout: float = 60, finite: bool = False) -> list[Any]:
    """The series `expr` returns once it returns any (with `finite`: any that is a number)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = query(base, expr)
        except OSError:
            result = {}
        if result.get("status") == "success" and result["data"]["result"]:
            series = list(result["data"]["result"])
            if not finite or any(math.isfinite(float(s["value"][1])) for s in series):
                return series
        time.sleep(0.5)
    raise AssertionError(f"no {'finite ' if finite else ''}data for {expr}")


def concrete(expr: str) -> str:
    """A dashboard expression with its Grafana variables replaced by VARIABLES."""
    done = re.sub(r"\$\{?(\w+)\}?", lambda m: VARIABLES[m.group(1)], expr)
    assert "$" not in done, done
    return done


def dashboard_queries() -> dict[str, list[str]]:
    """Panel title -> its PromQL expressions, as written in the dashboard JSON."""
    board = json.loads(DASHBOARD.read_text())
    panels: dict[str, list[str]] = {}
    for panel in board["panels"]:
        for inner in [panel, *panel.get("panels", [])]:
            for target in inner.get("targets", []):
                panels.setdefault(inner["title"], []).append(target["expr"])
    return panels


def dashboard_variables() -> list[tuple[str, str, str]]:
    """(name, series selector, label) of every `label_values(...)` query variable."""
    board = json.loads(DASHBOARD.read_text())
    found = []
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            match = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", variable["query"])
            assert match, variable["query"]
            found.append((variable["name"], match.group(1), match.group(2)))
    return found


def label_values(base: str, label: str, selector: str) -> list[str]:
    params = urllib.parse.urlencode({"match[]": selector})
    with urllib.request.urlopen(f"{base}/api/v1/label/{label}/values?{params}", timeout=5) as r:
        reply = json.loads(r.read())
    assert reply["status"] == "success", reply
    return list(reply["data"])


def labels_of(series: list[Any], label: str) -> set[str]:
    return {s["metric"].get(label, "") for s in series}


def test_promtool_accepts_rules_and_config() -> None:
    promtool = _binary("promtool")
    for args in (
        ["check", "rules", str(RULES)],
        ["check", "config", str(DEPLOY / "prometheus.yml")],
    ):
        done = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr


def test_real_prometheus_scrapes_the_pipeline(
    prometheus: str,
    worker: subprocess.Popen[bytes],
    env: dict[str, str],
    broker: EmbeddedBroker,
    tmp_path: Path,
) -> None:
    # Prometheus starts first, so it scrapes the worker before the events come and the
    # latency histogram has a rate. Wait for events, then for Prometheus to have scraped.
    events = asyncio.run(
        read_until(broker.bootstrap_servers, env["MERCATO_TOPIC_EVENTS"], lambda m: len(m) >= 2)
    )
    wait_for(prometheus, 'up{job="mercato"} == 1')
    panels = {
        "throughput": 'sum by (stage) (rate(mercato_stage_messages_total{direction="in"}[1m]))',
        "latency p99": "histogram_quantile(0.99, sum by (le) "
        "(rate(mercato_end_to_end_latency_seconds_bucket[5m])))",
        "events": "sum by (stage, kind) (mercato_events_emitted_total)",
        "dead letters": "sum by (stage, reason) (mercato_dead_letters_total)",
        "feed health": "mercato_feed_last_success_timestamp_seconds",
        "lag": "sum by (topic) (mercato_consumer_lag_messages)",
    }
    for name, expr in panels.items():
        assert wait_for(prometheus, expr), name
    # Every alert rule's expression evaluates without error.
    rules = yaml.safe_load(RULES.read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            result = query(prometheus, rule["expr"])
            assert result.get("status") == "success", (rule["alert"], result)
    check_dashboard(prometheus, env["MERCATO_METRICS_PORT"])
    # promtool accepts the whole page as scraped: our families and Faust's sensors.
    port = env["MERCATO_METRICS_PORT"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        page = reply.read().decode()
    for name in (*MARKET_METRICS, "mercato_faust_events_runtime_seconds_bucket"):
        assert re.search(rf"^{name}\{{.+\}} \S+$", page, re.MULTILINE), name
    done = subprocess.run(
        [_binary("promtool"), "check", "metrics"], input=page, capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    check_json_logs(tmp_path / "worker.log", events)


def check_dashboard(prometheus: str, metrics_port: str) -> None:
    """Every dashboard query evaluates; the panels ops look at first show the pipeline."""
    panels = dashboard_queries()
    expressions = [expr for exprs in panels.values() for expr in exprs]
    assert len(expressions) >= 25, len(expressions)
    failures = {}
    for expr in expressions:
        result = query(prometheus, concrete(expr))
        if result.get("status") != "success":
            failures[expr] = result.get("error", result)
    assert not failures, failures
    # The variables list this job and this worker.
    values = {
        name: label_values(prometheus, label, concrete(selector))
        for name, selector, label in dashboard_variables()
    }
    assert "mercato" in values["job"], values
    assert f"127.0.0.1:{metrics_port}" in values["instance"], values

    def data(title: str, finite: bool = False) -> list[Any]:
        assert title in panels, f"dashboard has no panel {title!r}"
        series = []
        for expr in panels[title]:
            series += wait_for(prometheus, concrete(expr), timeout=30, finite=finite)
        return series

    throughput = data("Messages per stage and direction")
    assert {"tokenize", "extract", "dedupe"} <= labels_of(throughput, "stage"), throughput
    assert {"in", "out"} == labels_of(throughput, "direction"), throughput
    assert len(data("End-to-end latency", finite=True)) == 3  # p50, p90, p99
    data("Tokenize and extract duration")
    data("Event versions per stage")
    assert "official" in labels_of(data("Event versions by stage"), "stage")
    assert "kind" in data("Event versions by kind")[0]["metric"]
    # The market: tests/data/feeds/expected.json has James Whitfield's official move
    # to Aston Villa and Marco Verdi's to Napoli.
    buying = wait_for(
        prometheus,
        concrete(panels["Top clubs buying"][0]).replace('stage=~".*"', 'stage="official"'),
        timeout=30,
    )
    assert "Aston Villa" in labels_of(buying, "club"), buying
    assert "Napoli" in labels_of(data("Top clubs buying"), "club")
    assert "club" in data("Top clubs selling")[0]["metric"]
    deals = data("Newest official deals")
    whitfield = [d for d in deals if d["metric"]["person"].endswith("Whitfield")]
    assert whitfield and whitfield[0]["metric"]["to_club"] == "Aston Villa", deals
    announced_ms = float(whitfield[0]["value"][1])
    assert 1e12 < announced_ms <= time.time() * 1000  # milliseconds, in the past
    data("Since last successful poll")


def check_json_logs(log_file: Path, events: list[dict[str, Any]]) -> None:
    """One JSON line per event version emitted, naming its event, version and article."""
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in log_file.read_text().splitlines() if line[:1] == "{"]
        logged = {(r["event_id"], r["version"]): r for r in lines if "event_id" in r}
        missing = [e for e in events if (e["key"], e["value"]["version"]) not in logged]
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not missing, missing
    for event in events:
        record = logged[(event["key"], event["value"]["version"])]
        assert record["level"] == "info" and record["logger"] == "agents.dedupe"
        assert record["stage"] == event["value"]["stage"]
        assert record["article_id"] in event["value"]["article_ids"]
    published = {r["article_id"]: r for r in lines if r.get("logger") == "agents.ingest"}
    assert published, "no article publication was logged"
    assert all(r["feed_host"] == "127.0.0.1" for r in published.values()), published
    assert {r["article_id"] for r in logged.values()} <= set(published)
