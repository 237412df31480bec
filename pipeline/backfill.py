"""Load archives of old articles, so history goes through the same pipeline as news.

Saved RSS/Atom files (alone, or every feed file in a directory, with the
OPML they were saved from to name their feeds) and JSONL
articles (the `mercato extract` format: id, title, text, and optionally url,
published, lang, source) become `RawArticle`s and are offered to
`news.articles.polled` with their original publish time as the Kafka
timestamp. The running workers' admit stage publishes each (id, version) to
`news.articles.raw` once, keeping that timestamp, so running a backfill twice
publishes nothing new, and `mercato replay --from` can find them by time.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer

from pipeline.feeds import (
    FeedListError,
    article_id,
    canonical_url,
    digest,
    load_feed_entries,
    now_iso,
    parse_feed,
    source_of,
)
from pipeline.settings import Settings
from schemas.codec import encode
from schemas.records import RawArticle

FEED_SUFFIXES = (".xml", ".rss", ".atom")


class ArchiveError(ValueError):
    """An archive file cannot be read (the message names the file and line)."""


def feeds_by_host(paths: list[Path]) -> dict[str, str]:
    """Outlet host -> feed URL, from the OPML files among `paths` (a feed reader's export).

    Saved feed files do not say where they were fetched from; with the OPML they
    were saved from, each article is attributed to its outlet's feed URL.
    """
    hosts: dict[str, str] = {}
    for path in paths:
        if path.suffix.lower() == ".opml":
            try:
                urls = load_feed_entries(path)
            except FeedListError as exc:
                raise ArchiveError(str(exc)) from exc
            for url in urls:
                hosts.setdefault(source_of(url), url)
    return hosts


def archive_files(paths: list[Path]) -> list[Path]:
    """The files to load: given files, and the feed and JSONL files inside given directories."""
    files: list[Path] = []
    for path in paths:
        if path.suffix.lower() == ".opml":
            continue  # see feeds_by_host
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (*FEED_SUFFIXES, ".jsonl"))
        elif path.is_file():
            files.append(path)
        else:
            raise ArchiveError(f"no such file or directory: {path}")
    return files


def read_archive(path: Path, feeds: dict[str, str] | None = None) -> Iterator[RawArticle]:
    """The articles of one archive file; `feeds` (from `feeds_by_host`) names their feeds."""
    if path.suffix == ".jsonl":
        yield from _jsonl(path)
        return
    parsed = parse_feed(path.read_bytes(), path.resolve().as_uri(), {}, now_iso())
    if parsed.error:
        raise ArchiveError(f"{path}: {parsed.error}")
    for article in parsed.articles:
        if feeds and article.source in feeds:
            article.feed = feeds[article.source]
        yield article


def _jsonl(path: Path) -> Iterator[RawArticle]:
    fetched_at = now_iso()
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item: dict[str, Any] = orjson.loads(line)
                title, text = str(item.get("title") or ""), str(item["text"])
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise ArchiveError(f"{path}:{number}: not an article: {exc!r}") from exc
            url = str(item.get("url") or "")
            yield RawArticle(
                id=article_id(url or None, str(item.get("id") or "") or None, str(path), title),
                version=digest(" ".join(f"{title}\n{text}".split()), 8),
                feed=path.resolve().as_uri(),
                source=str(item.get("source") or (source_of(url) if url else "archive")),
                url=canonical_url(url) if url else "",
                title=title,
                summary="",
                content=text,
                published=item.get("published"),
                fetched_at=fetched_at,
                lang=item.get("lang"),
            )


def timestamp_ms(article: RawArticle) -> int | None:
    """The article's publish time as a Kafka timestamp (None: the broker's time)."""
    if not article.published:
        return None
    try:
        when = datetime.fromisoformat(article.published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int(calendar.timegm(when.utctimetuple()) * 1000)


async def offer_archives(
    settings: Settings,
    files: list[Path],
    on_file: Callable[[Path, int, str | None], None],
    feeds: dict[str, str] | None = None,
) -> tuple[int, int]:
    """Offer every article of `files` to the polled topic; returns (articles, bad files).

    `on_file(path, articles, error)` is called after each file (progress display).
    """
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_batch_bytes,
        max_request_size=settings.max_message_bytes + 65536,
    )
    await producer.start()
    offered = bad = 0
    try:
        for path in files:
            count, error = 0, None
            try:
                for article in read_archive(path, feeds):
                    await producer.send(
                        settings.topic_polled,
                        encode(article),
                        key=article.id.encode(),
                        timestamp_ms=timestamp_ms(article),
                    )
                    count += 1
            except (ArchiveError, OSError, UnicodeDecodeError) as exc:
                error, bad = str(exc), bad + 1
            offered += count
            on_file(path, count, error)
        await producer.flush()
    finally:
        await producer.stop()
    return offered, bad
