"""A `mercato run` worker on the test feeds, for the tests that read what it produces."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, REPO
from tests.helpers import serve_directory

FEEDS = DATA / "feeds"


@pytest.fixture
def worker(env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`mercato run` polling the test feeds, stopped with SIGINT (Ctrl-C) afterwards."""
    with serve_directory(FEEDS) as base:
        feed_list = tmp_path / "feeds.txt"
        feed_list.write_text(
            f"# test feeds\n{base}/serie_a_it.xml\n{base}/transfers_en.atom\n{base}/broken.xml\n"
        )
        log = (tmp_path / "worker.log").open("wb")  # a file: a full pipe would block the worker
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
            log.close()


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "VIRTUAL_ENV", "PYTHONPATH", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}
