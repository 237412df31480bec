"""Feed lists, canonical URLs, article ids and feed parsing (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.feeds import (
    BUNDLED_FEEDS,
    FeedListError,
    article_id,
    canonical_url,
    load_feed_entries,
    load_feed_list,
    parse_feed,
)
from tests.conftest import DATA

FEEDS = DATA / "feeds"


def test_canonical_url_drops_tracking_fragment_default_port_and_www() -> None:
    url = "HTTPS://www.Example.test:443/calcio/articolo/?utm_source=rss&id=7&fbclid=x#commenti"
    assert canonical_url(url) == "https://example.test/calcio/articolo?id=7"


def test_canonical_url_keeps_meaningful_query_in_stable_order() -> None:
    assert canonical_url("http://a.test/p?b=2&a=1") == canonical_url("http://a.test/p?a=1&b=2")
    assert canonical_url("http://a.test:8080/p") == "http://a.test:8080/p"


def test_article_id_is_shared_by_links_to_the_same_page() -> None:
    one = article_id("https://www.a.test/x?utm_medium=feed", None, "f1", "T")
    two = article_id("https://a.test/x", "other-guid", "f2", "T2")
    assert one == two
    assert article_id(None, "guid-1", "f", "T") != article_id(None, "guid-2", "f", "T")


def test_feed_list_from_opml_and_plain_text(tmp_path: Path) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="it">'
        '<outline xmlUrl="https://a.test/rss"/><outline xmlUrl="https://b.test/atom"/>'
        "</outline></body></opml>"
    )
    plain = tmp_path / "feeds.txt"
    plain.write_text("# comment\nhttps://a.test/rss\n\nhttps://a.test/rss\nhttps://c.test/feed\n")
    assert load_feed_list(opml) == ["https://a.test/rss", "https://b.test/atom"]
    assert load_feed_list(plain) == ["https://a.test/rss", "https://c.test/feed"]


def test_feed_list_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("file:///etc/passwd\n")
    with pytest.raises(FeedListError, match="not http"):
        load_feed_list(bad)
    with pytest.raises(FeedListError, match="cannot read"):
        load_feed_list(tmp_path / "missing.opml")


def test_rss_in_latin1_with_ttl() -> None:
    parsed = parse_feed((FEEDS / "serie_a_it.xml").read_bytes(), "http://f.test/rss")
    assert parsed.error is None
    assert parsed.ttl_s == 15 * 60
    first = parsed.articles[0]
    assert first.title == "Napoli, trattativa avviata per Verdi del Torino"
    assert "società" in first.summary  # decoded from ISO-8859-1
    assert first.url == "https://mercato-uno.test/napoli/verdi-trattativa"
    assert first.source == "mercato-uno.test"
    assert first.published == "2026-01-20T08:15:00Z"
    assert first.lang == "it"


def test_atom_entries() -> None:
    parsed = parse_feed((FEEDS / "transfers_en.atom").read_bytes(), "http://f.test/atom")
    assert [a.source for a in parsed.articles] == ["transfer-desk.test"] * 2
    assert parsed.articles[1].published == "2026-01-20T11:45:00Z"
    assert parsed.articles[0].lang == "en"


def test_changed_content_changes_version_not_id() -> None:
    body = (FEEDS / "transfers_en.atom").read_bytes()
    before = parse_feed(body, "f").articles[0]
    after = parse_feed(body.replace(b"next week", b"on Monday"), "f").articles[0]
    assert before.id == after.id
    assert before.version != after.version


def test_garbage_is_an_error_not_an_exception() -> None:
    parsed = parse_feed((FEEDS / "broken.xml").read_bytes(), "f")
    assert parsed.articles == []
    assert parsed.error is not None
    assert parse_feed(b"<html><body>hello</body></html>", "f").error is not None


def test_bundled_feed_list_is_valid_opml_with_titles() -> None:
    entries = load_feed_entries(BUNDLED_FEEDS)
    assert len(entries) >= 6
    assert all(url.startswith("https://") and title for url, title in entries.items())
