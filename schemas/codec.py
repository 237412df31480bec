"""Bytes <-> records: orjson for speed, Faust records for types.

`decode` is strict about what a stage needs (required fields, types) and lax
about what it does not know (extra fields are ignored), so producers can add
fields without breaking older consumers.
"""

from __future__ import annotations

import types
import typing
from typing import Any, TypeVar

import faust
import orjson

R = TypeVar("R", bound=faust.Record)


class BadRecord(ValueError):
    """A message that is not a valid record of the expected type."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def encode(record: faust.Record) -> bytes:
    return orjson.dumps(record.asdict())


def encode_dict(data: dict[str, Any]) -> bytes:
    return orjson.dumps(data)


def decode(cls: type[R], data: bytes | None) -> R:
    if data is None:
        raise BadRecord("empty", "message has no value")
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise BadRecord("not_json", str(exc)) from exc
    if not isinstance(obj, dict):
        raise BadRecord("not_object", f"expected a JSON object, got {type(obj).__name__}")
    checks = _field_checks(cls)
    for name, value in obj.items():
        allowed = checks.get(name)
        if allowed is not None and not isinstance(value, allowed):
            raise BadRecord(
                "schema_violation",
                f"{cls.__name__}.{name}: expected {_names(allowed)}, got {type(value).__name__}",
            )
    try:
        return cls(**{k: v for k, v in obj.items() if k in checks})
    except TypeError as exc:  # a required field is missing
        raise BadRecord("schema_violation", f"{cls.__name__}: {exc}") from exc


_CHECKS: dict[type, dict[str, tuple[type, ...]]] = {}


def _field_checks(cls: type[faust.Record]) -> dict[str, tuple[type, ...]]:
    """Python types accepted for each field, from the record's annotations (computed once)."""
    checks = _CHECKS.get(cls)
    if checks is None:
        hints = typing.get_type_hints(cls)
        checks = _CHECKS[cls] = {name: _accepted(hints[name]) for name in cls._options.fields}
    return checks


def _accepted(hint: Any) -> tuple[type, ...]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return tuple(t for arg in typing.get_args(hint) for t in _accepted(arg))
    if hint is type(None):
        return (type(None),)
    if hint is float:
        return (float, int)  # JSON has one number type
    if hint is int:
        return (int,)
    origin = typing.get_origin(hint)
    return (origin or hint,)


def _names(allowed: tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in allowed)
