"""A real Prometheus scrapes a running worker; every alert rule evaluates; panels have data."""

from __future__ import annotations

import asyncio
import json
import os
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


def wait_for(base: str, expr: str, timeout: float = 60) -> list[Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = query(base, expr)
        except OSError:
            result = {}
        if result.get("status") == "success" and result["data"]["result"]:
            return list(result["data"]["result"])
        time.sleep(0.5)
    raise AssertionError(f"no data for {expr}")


def test_promtool_accepts_rules_and_config() -> None:
    promtool = _binary("promtool")
    for args in (
        ["check", "rules", str(RULES)],
        ["check", "config", str(DEPLOY / "prometheus.yml")],
    ):
        done = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr


def test_real_prometheus_scrapes_the_pipeline(
    worker: subprocess.Popen[bytes], prometheus: str, env: dict[str, str], broker: EmbeddedBroker
) -> None:
    # Wait for the pipeline to produce events, then for Prometheus to have scraped it.
    asyncio.run(
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
    # promtool accepts Mercato's own metric families as scraped.
    port = env["MERCATO_METRICS_PORT"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        page = reply.read().decode()
    # Faust's own sensors are left out: one of them is named in milliseconds (see README).
    ours = "\n".join(line for line in page.splitlines() if "mercato_faust_" not in line) + "\n"
    done = subprocess.run(
        [_binary("promtool"), "check", "metrics"], input=ours, capture_output=True, text=True
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
