"""Record codec strictness and the settings object."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest

from nlp.types import KINDS, ROLES, STAGES
from pipeline.settings import Settings
from schemas import records
from schemas.codec import BadRecord, decode, decode_batch, encode, encode_batches
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


def _by_last_digit(key: bytes) -> int:
    return int(key[-1:]) % 3


def test_batches_hold_one_partition_in_order_keyed_by_their_first_record() -> None:
    items = [(f"k{n}".encode(), encode(raw(id=f"a{n}"))) for n in range(10)]
    packed = encode_batches(items, _by_last_digit, "articles", 1 << 20)
    assert len(packed) == 3
    seen = []
    for key, value in packed:
        ids = [a.id for a in decode_batch(RawArticle, value, "articles")]  # type: ignore[union-attr]
        assert key == f"k{ids[0][1:]}".encode()
        assert {int(i[-1]) % 3 for i in ids} == {_by_last_digit(key)}
        assert ids == sorted(ids, key=lambda i: int(i[1:]))
        seen += ids
        assert json.loads(value)["schema_version"] == records.SCHEMA_VERSION
    assert sorted(seen) == sorted(f"a{n}" for n in range(10))


def test_batches_stay_under_the_byte_limit_unless_one_record_is_larger() -> None:
    items = [(b"k0", encode(raw(id=f"a{n}", title="x" * 200))) for n in range(20)]
    one = len(items[0][1])
    packed = encode_batches(items, _by_last_digit, "articles", 3 * one + 60)
    assert len(packed) == 7  # 3 + 3 + ... + 2
    assert all(len(value) <= 3 * one + 60 for _, value in packed)
    ids = [a.id for _, v in packed for a in decode_batch(RawArticle, v, "articles")]  # type: ignore[union-attr]
    assert ids == [f"a{n}" for n in range(20)]
    (alone,) = encode_batches(items[:1], _by_last_digit, "articles", 10)
    assert len(decode_batch(RawArticle, alone[1], "articles")) == 1


def test_a_bad_record_in_a_batch_is_returned_in_its_place_with_its_own_payload() -> None:
    good = encode(raw(id="a1"))
    value = b'{"articles":[%s,{"id":7},%s]}' % (good, encode(raw(id="a3")))
    first, bad, third = decode_batch(RawArticle, value, "articles")
    assert first == raw(id="a1") and third == raw(id="a3")
    assert isinstance(bad, BadRecord) and bad.reason == "schema_violation"
    assert bad.detail.startswith("articles[1]: RawArticle.id")
    assert bad.payload is not None
    assert json.loads(bad.payload)["articles"] == [{"id": 7}]


def test_a_record_alone_reads_as_a_batch_of_one() -> None:
    assert decode_batch(RawArticle, encode(raw()), "articles") == [raw()]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [(b"{nope", "not_json"), (b'{"articles": 3}', "schema_violation"), (None, "empty")],
)
def test_a_batch_that_cannot_be_read_raises(payload: bytes | None, reason: str) -> None:
    with pytest.raises(BadRecord) as caught:
        decode_batch(RawArticle, payload, "articles")
    assert caught.value.reason == reason


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
        ("transfers.mentions", records.MentionBatch),
        ("transfers.events", records.TransferEvent),
        ("mercato.dlq", records.DeadLetter),
    ],
)
def test_json_schemas_follow_the_records(topic: str, record: type) -> None:
    follows(json.loads((SCHEMAS / f"{topic}.schema.json").read_text()), record)


def test_the_mentions_schema_holds_mention_records() -> None:
    schema = json.loads((SCHEMAS / "transfers.mentions.schema.json").read_text())
    assert schema["properties"]["mentions"]["items"] == {"$ref": "#/$defs/mention"}
    follows(schema["$defs"]["mention"], records.Mention)


def follows(schema: dict[str, Any], record: type) -> None:
    assert set(schema["properties"]) == set(record._options.fields)
    assert set(schema["required"]) == set(record._options.fields) - set(record._options.defaults)
    for field, values in (("role", ROLES), ("kind", KINDS), ("stage", STAGES)):
        if field in schema["properties"] and "enum" in schema["properties"][field]:
            assert tuple(schema["properties"][field]["enum"]) == values


def test_readme_documents_every_setting() -> None:
    readme = (SCHEMAS.parents[1] / "README.md").read_text()
    missing = [env for env, _, _ in Settings.documentation() if f"`{env}`" not in readme]
    assert not missing, f"README lacks: {missing}"
