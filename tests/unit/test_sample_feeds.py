"""The demo feeds in pipeline/samples parse cleanly and tell the stories in expected.json."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from time import struct_time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import pytest

from nlp import types as nlp_types

SAMPLES = Path(__file__).resolve().parents[2] / "pipeline" / "samples"
FEEDS = {"calciomercato_it.xml": ("rss20", 8), "transfers_en.atom": ("atom10", 6)}
STAGES = set(nlp_types.STAGES)
FIRST_DAY = datetime(2026, 1, 20, tzinfo=UTC)
LAST_DAY = datetime(2026, 1, 31, 23, 59, tzinfo=UTC)
KINDS = set(nlp_types.KINDS)


def _parse(name: str) -> Any:
    return feedparser.parse((SAMPLES / name).read_bytes())


def _body(entry: Any) -> str:
    """Entry text without markup: the full content when present, else the summary."""
    raw = entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(query), ""))


def _when(stamp: struct_time) -> datetime:
    return datetime(*stamp[:6], tzinfo=UTC)


def _entries() -> list[tuple[str, Any]]:
    return [(name, entry) for name in FEEDS for entry in _parse(name).entries]


@pytest.fixture(scope="module")
def expected() -> list[dict[str, Any]]:
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_feed_parses_without_errors(name: str) -> None:
    parsed = _parse(name)
    version, count = FEEDS[name]
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == version
    assert len(parsed.entries) == count


def test_rss_feed_details() -> None:
    parsed = _parse("calciomercato_it.xml")
    assert parsed.feed.get("ttl") == "15"
    assert parsed.feed.get("language", "").startswith("it")
    assert sum(1 for e in parsed.entries if e.get("content")) >= 2
    raw = (SAMPLES / "calciomercato_it.xml").read_text(encoding="utf-8")
    assert "&egrave;" in raw and "\u2019" in raw  # HTML entities and typographic apostrophes
    for entry in parsed.entries:
        assert entry.get("id") and entry.get("published_parsed")


def test_atom_feed_details() -> None:
    parsed = _parse("transfers_en.atom")
    assert parsed.feed.get("language", "").startswith("en")
    for entry in parsed.entries:
        details = [entry.get("summary_detail"), *entry.get("content", [])]
        assert any(d and d.get("type") == "text/html" for d in details)
        assert entry.get("id") and entry.get("updated_parsed")


def test_entries_are_short_dated_articles_on_test_hosts() -> None:
    for name, entry in _entries():
        words = len(_body(entry).split())
        assert 80 <= words <= 200, (name, entry.title, words)
        assert urlsplit(entry.link).hostname.endswith(".test")
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        assert FIRST_DAY <= _when(stamp) <= LAST_DAY


def test_one_item_is_syndicated_with_tracking_parameters() -> None:
    by_link: dict[str, list[str]] = {}
    for _name, entry in _entries():
        by_link.setdefault(_canonical(entry.link), []).append(entry.link)
    shared = {url: links for url, links in by_link.items() if len(links) > 1}
    assert len(shared) == 1
    links = next(iter(shared.values()))
    assert len(set(links)) == 2
    assert any("utm_" in link for link in links) and any("utm_" not in link for link in links)


def test_expected_moves_are_reported_by_their_sources(expected: list[dict[str, Any]]) -> None:
    assert len(expected) >= 5
    assert len({(m["person"], m["to_club"]) for m in expected}) == len(expected)
    articles: dict[str, tuple[str, str]] = {}
    for _name, entry in _entries():
        host = urlsplit(entry.link).hostname or ""
        articles[_canonical(entry.link)] = (host, f"{entry.title} {_body(entry)}")
    for move in expected:
        assert move["final_stage"] in STAGES and move["kind"] in KINDS
        surname = move["person"].split()[-1]
        reporting = [(host, text) for host, text in articles.values() if surname in text]
        assert sorted({host for host, _ in reporting}) == sorted(move["sources"]), move["person"]
        assert len(reporting) == move["articles"], move["person"]
    multi = [m for m in expected if len(m["sources"]) > 1]
    assert any(len(m["stages_seen"]) >= 3 for m in multi)


def test_opml_lists_both_sample_feeds() -> None:
    root = ET.parse(SAMPLES / "feeds.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    urls = [o.attrib["xmlUrl"] for o in root.iter("outline") if "xmlUrl" in o.attrib]
    assert urls == [f"http://127.0.0.1:{{port}}/{name}" for name in FEEDS]
    for url in urls:
        filled = url.format(port=8765)
        assert urlsplit(filled).port == 8765
        assert (SAMPLES / urlsplit(filled).path.lstrip("/")).is_file()
