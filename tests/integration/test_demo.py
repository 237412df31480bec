"""`mercato demo` on a fresh process: sample feeds in, readable events out, clean exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.conftest import alive, children

pytestmark = pytest.mark.integration

SAMPLES = REPO / "pipeline" / "samples"


def test_demo_prints_deduplicated_events_and_exits_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "MERCATO_"))}
    demo = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "demo", "--timeout", "90"],
        env={**env, "HOME": str(tmp_path)},
        cwd=REPO,
        stdout=(tmp_path / "demo.out").open("w"),
        stderr=(tmp_path / "demo.err").open("w"),
        text=True,
    )
    spawned: set[int] = set()  # the demo's children (its broker), watched while it runs
    deadline = time.monotonic() + 150
    while demo.poll() is None and time.monotonic() < deadline:
        spawned.update(children(demo.pid))
        time.sleep(0.1)
    if demo.poll() is None:
        demo.kill()
    done = subprocess.CompletedProcess(
        demo.args,
        demo.wait(),
        (tmp_path / "demo.out").read_text(),
        (tmp_path / "demo.err").read_text(),
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert spawned, "the demo started no broker process"
    summary = done.stdout.split("transfer events:\n", 1)[1]
    expected = json.loads((SAMPLES / "expected.json").read_text())
    # Moves reported by both sample feeds come out as ONE event citing both outlets.
    syndicated = [m for m in expected if len(m["sources"]) == 2]
    assert syndicated
    for move in syndicated:
        surname = move["person"].split()[-1]
        lines = [line for line in summary.splitlines() if surname in line]
        assert len(lines) == 1, f"{surname}: {lines}"
        assert "2 source(s)" in lines[0]
        assert move["final_stage"].upper() in lines[0]
    time.sleep(0.5)
    assert not [pid for pid in spawned if alive(pid)], "the demo left a process behind"
