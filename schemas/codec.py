"""Bytes <-> records: orjson for speed, Faust records for types.

`decode` is strict about what a stage needs (required fields, types) and lax
about what it does not know (extra fields are ignored), so producers can add
fields without breaking older consumers.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import faust
import orjson

from schemas.records import SCHEMA_VERSION

R = TypeVar("R", bound=faust.Record)


class BadRecord(ValueError):
    """A message that is not a valid record of the expected type."""

    def __init__(self, reason: str, detail: str, payload: bytes | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.payload = payload  # the bad item alone, for one item of a batch


def encode(record: faust.Record) -> bytes:
    return orjson.dumps(record.asdict())


def encode_dict(data: dict[str, Any]) -> bytes:
    return orjson.dumps(data)


def decode(cls: type[R], data: bytes | None) -> R:
    return _record(cls, _loads(data))


def encode_batches(
    items: Iterable[tuple[bytes, bytes]],
    partition_of: Callable[[bytes], int],
    field: str,
    max_bytes: int,
) -> list[tuple[bytes, bytes]]:
    """(key, encoded record) pairs packed as few `{field: [...]}` messages as fit.

    One message holds records of one partition only, in their order, and is
    keyed by its first record's key: the default partitioner sends it where
    each of its records would have gone alone. A message grows to `max_bytes`
    at most, unless one record alone is larger.
    """
    frame = len(_envelope(field, []))
    open_: dict[int, _Open] = {}  # partition -> its message being filled
    packed: list[tuple[bytes, bytes]] = []
    for key, value in items:
        partition = partition_of(key)
        message = open_.get(partition)
        if message is not None and message.size + 1 + len(value) > max_bytes:
            packed.append((message.key, _envelope(field, message.parts)))
            message = None
        if message is None:
            open_[partition] = _Open(key, value, frame)
        else:
            message.parts.append(value)
            message.size += 1 + len(value)
    packed.extend((m.key, _envelope(field, m.parts)) for m in open_.values())
    return packed


class _Open:
    """A message of `encode_batches` being filled: its key, records and size so far."""

    __slots__ = ("key", "parts", "size")

    def __init__(self, key: bytes, first: bytes, frame: int) -> None:
        self.key = key
        self.parts = [first]
        self.size = frame + len(first)


def _envelope(field: str, parts: list[bytes]) -> bytes:
    return b'{"%s":[%s],"schema_version":%d}' % (field.encode(), b",".join(parts), SCHEMA_VERSION)


def decode_batch(cls: type[R], data: bytes | None, field: str) -> list[R | BadRecord]:
    """The records of a `{field: [...]}` message; a bad one is a BadRecord in its place.

    A message that is one record alone (as written before batches) is a batch
    of one, so a worker reads what older producers left in the topic. Raises
    BadRecord when the message as a whole cannot be read.
    """
    obj = _loads(data)
    if field not in obj:
        return [_record(cls, obj)]
    items = obj[field]
    if not isinstance(items, list):
        raise BadRecord("schema_violation", f"{field}: expected a list, got {type(items).__name__}")
    records: list[R | BadRecord] = []
    for n, item in enumerate(items):
        try:
            records.append(_record(cls, _object(item)))
        except BadRecord as exc:
            alone = _envelope(field, [orjson.dumps(item)])
            records.append(BadRecord(exc.reason, f"{field}[{n}]: {exc.detail}", alone))
    return records


def _loads(data: bytes | None) -> dict[str, Any]:
    if data is None:
        raise BadRecord("empty", "message has no value")
    try:
        return _object(orjson.loads(data))
    except orjson.JSONDecodeError as exc:
        raise BadRecord("not_json", str(exc)) from exc


def _object(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise BadRecord("not_object", f"expected a JSON object, got {type(obj).__name__}")
    return obj


def _record(cls: type[R], obj: dict[str, Any]) -> R:
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
