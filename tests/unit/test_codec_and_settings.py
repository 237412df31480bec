"""Record codec strictness and the settings object."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest

from nlp.types import KINDS, ROLES, STAGES
from pipeline.settings import Settings
from schemas import records
from schemas.codec import BadRecord, decode, encode
from schemas.records import RawArticle

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas" / "json"


def raw(**changes: object) -> RawArticle:
    values: dict[str, object] = dict(
        id="a",
        version="v",
        feed="f",
        source="s.test",
        url="https://s.test/a",
        title="t",
        summary="",
        content="",
        published=None,
        fetched_at="2026-01-20T08:00:00Z",
    )
    values.update(changes)
    return RawArticle(**values)


def test_round_trip_and_no_faust_metadata() -> None:
    data = encode(raw())
    assert b"__faust" not in data
    assert decode(RawArticle, data) == raw()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{nope", "not_json"),
        (b"[1, 2]", "not_object"),
        (b'{"id": 7}', "schema_violation"),
        (b'{"id": "a"}', "schema_violation"),
        (None, "empty"),
    ],
)
def test_bad_payloads_have_a_reason(payload: bytes | None, reason: str) -> None:
    with pytest.raises(BadRecord) as caught:
        decode(RawArticle, payload)
    assert caught.value.reason == reason


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    data = json.loads(encode(raw()))
    data["added_later"] = 1
    assert decode(RawArticle, json.dumps(data).encode()) == raw()


def test_settings_from_env_mapping() -> None:
    settings = Settings.from_env({"MERCATO_PARTITIONS": "8", "KAFKA_BOOTSTRAP_SERVERS": "k:9092"})
    assert settings.partitions == 8 and not settings.embedded
    assert Settings.from_env({}).embedded
    assert Settings.from_env({}).topic_events == "transfers.events"
    with pytest.raises(ValueError, match="MERCATO_PARTITIONS"):
        Settings.from_env({"MERCATO_PARTITIONS": "many"})


def test_every_setting_is_documented_with_its_variable() -> None:
    docs = Settings.documentation()
    assert len(docs) == len(typing.get_type_hints(Settings))
    assert all(env and doc for env, _, doc in docs)
    assert len({env for env, _, _ in docs}) == len(docs)


@pytest.mark.parametrize(
    ("topic", "record"),
    [
        ("news.articles.raw", records.RawArticle),
        ("news.articles.polled", records.RawArticle),
        ("mercato.feeds", records.FeedSpec),
        ("news.articles.tokenized", records.TokenizedArticle),
        ("transfers.mentions", records.Mention),
        ("transfers.events", records.TransferEvent),
        ("mercato.dlq", records.DeadLetter),
    ],
)
def test_json_schemas_follow_the_records(topic: str, record: type) -> None:
    schema = json.loads((SCHEMAS / f"{topic}.schema.json").read_text())
    assert set(schema["properties"]) == set(record._options.fields)
    assert set(schema["required"]) == set(record._options.fields) - set(record._options.defaults)
    for field, values in (("role", ROLES), ("kind", KINDS), ("stage", STAGES)):
        if field in schema["properties"] and "enum" in schema["properties"][field]:
            assert tuple(schema["properties"][field]["enum"]) == values


def test_readme_documents_every_setting() -> None:
    readme = (SCHEMAS.parents[1] / "README.md").read_text()
    missing = [env for env, _, _ in Settings.documentation() if f"`{env}`" not in readme]
    assert not missing, f"README lacks: {missing}"
