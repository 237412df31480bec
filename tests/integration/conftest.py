"""`mercato run` workers as subprocesses, for the tests that read what they produce."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import DATA, REPO
from tests.helpers import serve_directory

FEEDS = DATA / "feeds"


@contextlib.contextmanager
def mercato_run(
    env: dict[str, str], feed_list: Path, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`mercato run --feeds FILE` in a subprocess, stopped with SIGINT (Ctrl-C) afterwards."""
    with log_path.open("ab") as log:  # a file: a full pipe would block the worker
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "run", "--feeds", str(feed_list)],
            env={**_base_env(), **env},
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


@pytest.fixture
def worker(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`mercato run` polling the test feeds."""
    with serve_directory(FEEDS) as base:
        feed_list = tmp_path / "feeds.txt"
        feed_list.write_text(
            f"# test feeds\n{base}/serie_a_it.xml\n{base}/transfers_en.atom\n{base}/broken.xml\n"
        )
        with mercato_run(env, feed_list, tmp_path / "worker.log") as process:
            yield process


def scrape(port: int | str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """One worker's /metrics as {(sample name, sorted labels): value}; {} if unreachable."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return {}
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def metric(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}
