"""Shared fixtures: the real broker process, unique names per test, leak guards."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

# Imported now, not lazily by its pytest plugin at the end of the session: on
# CPython 3.11.7 parsing (assertion rewriting) a module while the garbage of
# Faust's test event loops is finalised raises "AST constructor recursion depth
# mismatch" and fails the run after the tests passed.
import hypothesis  # noqa: F401
import pytest

from pipeline.broker import EmbeddedBroker, free_port
from pipeline.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """One real Kafka-protocol broker process for the whole session."""
    with EmbeddedBroker() as running:
        yield running


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def settings(broker: EmbeddedBroker, unique: str, tmp_path: Path) -> Settings:
    """Settings on the session broker with this test's own topics, group and ports."""
    return Settings.from_env(isolated_env(broker, unique, tmp_path))


def isolated_env(broker: EmbeddedBroker, unique: str, tmp_path: Path) -> dict[str, str]:
    """Environment variables giving a test its own topics, consumer group and ports."""
    return {
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers,
        "MERCATO_APP_ID": f"mercato-{unique}",
        "MERCATO_TOPIC_RAW": f"raw-{unique}",
        "MERCATO_TOPIC_TOKENIZED": f"tokenized-{unique}",
        "MERCATO_TOPIC_MENTIONS": f"mentions-{unique}",
        "MERCATO_TOPIC_EVENTS": f"events-{unique}",
        "MERCATO_TOPIC_DLQ": f"dlq-{unique}",
        "MERCATO_TOPIC_FEEDS": f"feeds-{unique}",
        "MERCATO_TOPIC_POLLED": f"polled-{unique}",
        "MERCATO_METRICS_PORT": str(free_port()),
        "MERCATO_DATA_DIR": str(tmp_path / "data"),
        "MERCATO_SESSION_TIMEOUT_S": "6",
    }


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """Fail a test that leaves threads or environment changes behind."""
    threads = set(threading.enumerate())
    env = _environment()
    yield
    leaked = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
    for thread in leaked:
        thread.join(timeout=2)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"test left threads running: {still}"
    assert _environment() == env, "test changed os.environ"


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}


@pytest.fixture
def env(broker: EmbeddedBroker, unique: str, tmp_path: Path) -> dict[str, str]:
    """The same isolation as `settings`, as environment variables for a subprocess."""
    return isolated_env(broker, unique, tmp_path)
