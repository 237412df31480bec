"""`mercato run` workers as subprocesses, for the tests that read what they produce."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from pipeline import offsets
from pipeline.offsets import read_to_end
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


# Fast schedules for tests: a poll a second, backoff from 0.5 s up to 4 s.
FAST = {
    "MERCATO_POLL_INTERVAL_S": "1",
    "MERCATO_MIN_POLL_INTERVAL_S": "0.5",
    "MERCATO_MAX_POLL_INTERVAL_S": "4",
    "MERCATO_HTTP_TIMEOUT_S": "1",
    "MERCATO_FEED_SYNC_INTERVAL_S": "0.2",
}


def raw_messages(env: dict[str, str], topic_var: str = "MERCATO_TOPIC_RAW") -> list[dict[str, Any]]:
    records = asyncio.run(read_to_end(env["KAFKA_BOOTSTRAP_SERVERS"], env[topic_var]))
    return [orjson.loads(r.value) for r in records if r.value]


def caught_up(env: dict[str, str], *topic_vars: str) -> bool:
    """Whether the worker group (`MERCATO_APP_ID`) has committed every message of these topics."""
    servers, topics = env["KAFKA_BOOTSTRAP_SERVERS"], [env[v] for v in topic_vars]
    return asyncio.run(offsets.caught_up(servers, env["MERCATO_APP_ID"], topics))


def feed_list(tmp_path: Path, urls: list[str], name: str = "feeds.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{u}\n" for u in urls))
    return path


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `condition` until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)


def children(pid: int) -> list[int]:
    """Live child process ids of `pid` (empty once it has exited)."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        return []
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}
