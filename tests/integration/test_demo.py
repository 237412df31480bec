"""`mercato demo` on a fresh process: sample feeds in, readable events out, clean exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration

SAMPLES = REPO / "pipeline" / "samples"


def broker_processes() -> set[int]:
    pids = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"tansu" in cmdline and b"broker" in cmdline:
                pids.add(int(proc.name))
    return pids


def test_demo_prints_deduplicated_events_and_exits_cleanly(tmp_path: Path) -> None:
    before = broker_processes()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAFKA_", "MERCATO_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "demo", "--timeout", "90"],
        env={**env, "HOME": str(tmp_path)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
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
    assert broker_processes() == before, "the demo left a broker process behind"
