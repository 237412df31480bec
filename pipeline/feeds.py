"""Feed lists, canonical URLs, article ids, and feed entries as raw articles.

Pure functions (no network): the poller in `pipeline.ingest` fetches bodies
and hands them here. Feeds are parsed from bytes, never from a URL, because
feedparser would otherwise fetch or open files by itself.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser

from schemas.records import RawArticle

BUNDLED_FEEDS = Path(__file__).parent / "feedlists" / "default.opml"

# Query parameters that identify a campaign or a click, not a page.
_TRACKING = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "cmpid",
        "ito",
        "ocid",
        "smid",
        "spm",
        "_ga",
        "yclid",
        "at_medium",
        "at_campaign",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class FeedListError(ValueError):
    """The feed list file cannot be read."""


def load_feed_list(path: str | Path) -> list[str]:
    """Feed URLs from an OPML file or a plain list (one URL per line, # comments)."""
    return list(load_feed_entries(path))


def load_feed_entries(path: str | Path) -> dict[str, str]:
    """Feed URL -> title (OPML `title`/`text`; "" in a plain list), in file order."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise FeedListError(f"cannot read feed list {file}: {exc}") from exc
    head = data.lstrip()[:200].lower()
    if head.startswith(b"<?xml") or b"<opml" in head:
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise FeedListError(f"{file} is not valid OPML: {exc}") from exc
        entries = [
            (o.attrib["xmlUrl"].strip(), o.attrib.get("title") or o.attrib.get("text") or "")
            for o in root.iter("outline")
            if o.attrib.get("xmlUrl")
        ]
    else:
        lines = data.decode("utf-8", errors="replace").splitlines()
        entries = [
            (line.strip(), "")
            for line in lines
            if line.strip() and not line.lstrip().startswith("#")
        ]
    bad = [u for u, _ in entries if urlsplit(u).scheme not in ("http", "https")]
    if bad:
        raise FeedListError(f"{file}: not http(s) URLs: {', '.join(bad[:3])}")
    listed: dict[str, str] = {}
    for url, title in entries:
        listed.setdefault(url, title)
    return listed


def canonical_url(url: str) -> str:
    """The form two links to one page share: no tracking, fragment, default port or www."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def digest(text: str, size: int = 10) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size).hexdigest()


def article_id(link: str | None, guid: str | None, feed_url: str, title: str) -> str:
    """Stable id: the canonical link, else the guid, else feed + title."""
    if link:
        return digest(canonical_url(link))
    if guid:
        return digest(f"guid:{guid}")
    return digest(f"title:{feed_url}|{title}")


def source_of(url: str) -> str:
    return (urlsplit(url).hostname or "unknown").lower().removeprefix("www.")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    return iso(time.time())


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    articles: list[RawArticle]
    ttl_s: float | None  # the feed's own refresh hint (<ttl>, sy:updatePeriod)
    error: str | None  # why the body is not a usable feed
    warning: str | None = None  # what is wrong with a body that still gave items


def parse_feed(
    body: bytes, feed_url: str, headers: Mapping[str, str] | None = None, fetched_at: str = ""
) -> ParsedFeed:
    """Entries of a feed body as raw articles; `error` set when nothing usable is found."""
    parsed = feedparser.parse(io.BytesIO(body), response_headers=dict(headers or {}))
    entries = parsed.get("entries") or []
    bozo = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries and bozo:
        return ParsedFeed([], None, f"malformed feed: {bozo!r}")
    if not entries and not parsed.get("version"):
        return ParsedFeed([], None, "not a feed: no RSS or Atom document found")
    feed_meta = parsed.get("feed", {})
    fetched_at = fetched_at or now_iso()
    feed_lang = _lang(feed_meta.get("language"))
    found = [_article(e, feed_url, fetched_at, feed_lang) for e in entries]
    articles = [a for a in found if a is not None]
    if bozo and not isinstance(bozo, _HARMLESS):
        # Broken XML that the lenient parser partly read: keep what it recovered
        # and report the body, so the outlet can be told.
        problem = f"malformed feed ({len(articles)} of {len(entries)} items recovered): {bozo!r}"
        if not articles:
            return ParsedFeed([], None, problem)
        return ParsedFeed(articles, _ttl(feed_meta), None, problem)
    return ParsedFeed(articles, _ttl(feed_meta), None)


# Bozo exceptions that only say the headers and the body disagree on the charset.
_HARMLESS = (feedparser.CharacterEncodingOverride,)


def _article(
    entry: Any, feed_url: str, fetched_at: str, feed_lang: str | None
) -> RawArticle | None:
    title = str(entry.get("title") or "").strip()
    link = entry.get("link")
    content = ""
    if entry.get("content"):
        content = "\n".join(str(c.get("value") or "") for c in entry["content"])
    summary = str(entry.get("summary") or "")
    if not (title or summary or content):
        return None
    url = str(link or "")
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    version = digest(" ".join(f"{title}\n{content or summary}".split()), 8)
    return RawArticle(
        id=article_id(link, entry.get("id"), feed_url, title),
        version=version,
        feed=feed_url,
        source=source_of(url or feed_url),
        url=canonical_url(url) if url else "",
        title=title,
        summary=summary,
        content=content if content != summary else "",
        published=iso(calendar.timegm(published)) if published else None,
        fetched_at=fetched_at,
        lang=_lang(entry.get("language")) or feed_lang,
    )


def _lang(value: Any) -> str | None:
    if not value:
        return None
    return str(value).split("-")[0].split("_")[0].lower() or None


_PERIOD_SECONDS = {
    "hourly": 3600,
    "daily": 86400,
    "weekly": 604800,
    "monthly": 2592000,
    "yearly": 31536000,
}


def _ttl(feed_meta: Any) -> float | None:
    ttl = feed_meta.get("ttl")
    if ttl and str(ttl).strip().isdigit():
        return int(str(ttl).strip()) * 60.0
    period = feed_meta.get("sy_updateperiod")
    if period in _PERIOD_SECONDS:
        frequency = str(feed_meta.get("sy_updatefrequency") or "1").strip()
        return _PERIOD_SECONDS[period] / max(int(frequency) if frequency.isdigit() else 1, 1)
    return None
