"""`mercato run` with no cluster configured: embedded broker, /metrics, no orphan on exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.broker import free_port
from tests.conftest import REPO
from tests.integration.conftest import alive, children

pytestmark = pytest.mark.integration


def wait_for_metric(
    port: int, process: subprocess.Popen[bytes], needle: str, timeout: float = 60
) -> str:
    """Scrape /metrics until `needle` shows up; returns the page."""
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        assert process.poll() is None, "mercato run exited early"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as reply:
                page = reply.read().decode()
        except OSError:
            pass
        if needle in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{needle} never appeared on /metrics:\n{page[-1500:]}")


def start(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    feeds = tmp_path / "feeds.txt"
    feeds.write_text("http://127.0.0.1:9/unreachable.xml\n")  # nothing listens on port 9
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "MERCATO_"))}
    env.update(MERCATO_METRICS_PORT=str(port), MERCATO_DATA_DIR=str(tmp_path / "data"))
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "--feeds", str(feeds)],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL])
def test_embedded_run_serves_metrics_and_leaves_no_broker_behind(
    tmp_path: Path, stop: signal.Signals
) -> None:
    process, port = start(tmp_path)
    try:
        # The unreachable feed is counted, not fatal.
        unreachable = 'mercato_feed_polls_total{host="127.0.0.1",outcome="connecterror"} 1.0'
        metrics = wait_for_metric(port, process, unreachable)
        assert "mercato_faust_" in metrics  # Faust's own sensors on the same registry
        (broker,) = children(process.pid)
        assert b"tansu" in Path(f"/proc/{broker}/cmdline").read_bytes()
        process.send_signal(stop)
        code = process.wait(timeout=30)
        assert code == (0 if stop == signal.SIGINT else -signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(broker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(broker), f"broker {broker} outlived `mercato run` ({stop.name})"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
