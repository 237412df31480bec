"""pipeline.logs: the JSON formatter and the logging configuration MERCATO_LOG_FORMAT picks."""

from __future__ import annotations

import io
import logging
import logging.config
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from pipeline.logs import JsonFormatter, logging_config
from pipeline.settings import Settings


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    logger = logging.getLogger("agents.dedupe")
    return logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, message, args, None, extra=extra or None
    )


def test_one_json_object_per_line_with_the_extra_fields() -> None:
    line = JsonFormatter().format(
        record(
            "event %s v%d",
            "ev1",
            2,
            event_id="ev1",
            version=2,
            stage="official",
            person="Marco Verdi",
            article_id="a1",
        )
    )
    assert "\n" not in line
    data = orjson.loads(line)
    assert data["message"] == "event ev1 v2"
    assert data["level"] == "info" and data["logger"] == "agents.dedupe"
    assert {k: data[k] for k in ("event_id", "version", "stage", "person", "article_id")} == {
        "event_id": "ev1",
        "version": 2,
        "stage": "official",
        "person": "Marco Verdi",
        "article_id": "a1",
    }
    assert datetime.fromisoformat(data["time"]).utcoffset() is not None  # UTC, explicit
    # Nothing of LogRecord's own bookkeeping leaks in.
    assert not {"args", "msg", "levelno", "pathname", "created", "exc_info"} & set(data)


def test_multiline_messages_exceptions_and_odd_values_stay_on_one_line() -> None:
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        failed = logging.getLogger("x").makeRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "two\nlines",
            (),
            sys.exc_info(),
            extra={"path": Path("/tmp/a"), "nested": {"ids": ("a", "b")}},
        )
    line = JsonFormatter().format(failed)
    assert "\n" not in line
    data = orjson.loads(line)
    assert data["message"] == "two\nlines"
    assert data["level"] == "error"
    assert "ValueError: bad" in data["exc_info"]
    assert data["path"] == "/tmp/a"
    assert data["nested"] == {"ids": ["a", "b"]}


def test_text_keeps_fausts_setup_and_anything_else_is_refused() -> None:
    assert logging_config("text", "info") is None
    with pytest.raises(ValueError, match="MERCATO_LOG_FORMAT"):
        logging_config("xml", "info")
    assert Settings.from_env({}).log_format == "text"
    assert Settings.from_env({"MERCATO_LOG_FORMAT": "json"}).log_format == "json"


@pytest.fixture
def isolated_logging() -> Iterator[None]:
    """Restore the root logger after a test that configures logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_config_writes_json_lines_at_the_configured_level(
    isolated_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    config = logging_config("json", "warning")
    assert config is not None
    logging.config.dictConfig(config)
    log = logging.getLogger("agents.ingest")
    log.info("article %s published from %s", "a1", "feeds.test", extra={"article_id": "a1"})
    log.warning("article %s oversized", "a2", extra={"article_id": "a2"})
    lines = stream.getvalue().splitlines()
    assert [orjson.loads(line)["article_id"] for line in lines] == ["a2"]
