"""Worker logging: Faust's console lines (text) or one JSON object per line (json).

Stages log one line per thing that matters to an operator (an article
published, an event version emitted) with the ids as `extra` fields:

    log.info("event %s v%d", event_id, version, extra={"event_id": event_id, ...})

In text mode the ids are in the message; in json mode they are also fields of
the object, so a log pipeline can filter on `event_id` or `article_id`.
`MERCATO_LOG_FORMAT` picks the mode; `pipeline.runtime.new_worker` hands the
configuration to Faust's worker, which applies it when it starts.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

FORMATS = ("text", "json")

# Attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and key not in payload:
                payload[key] = value
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        # default=str: an extra that JSON cannot hold (a Path, an exception) is still logged.
        return orjson.dumps(payload, default=str).decode()


def logging_config(log_format: str, level: str) -> dict[str, Any] | None:
    """A `logging.config.dictConfig` for the worker; None keeps Faust's own (text) setup."""
    if log_format not in FORMATS:
        raise ValueError(f"MERCATO_LOG_FORMAT={log_format!r}: expected one of {FORMATS}")
    if log_format == "text":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["default"]},
    }
