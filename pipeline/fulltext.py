"""Optional full text: fetch an article's page and keep its main text.

Many feeds carry a two-line summary; the extractor reads much better with the
article itself. trafilatura is the well-kept choice for main-text extraction
(boilerplate, menus and comments removed, good on Italian news pages). Pages
are fetched under their own limits: only public http(s) addresses (see
`pipeline.safeurl`), each redirect checked, a per-host concurrency limit, a
body cap and a total time limit. Any failure leaves the article as the feed
gave it: full text is an enrichment, never a reason to lose an article.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import httpx
import trafilatura

from pipeline.metrics import Metrics
from pipeline.safeurl import UnsafeURLError, check_url
from pipeline.settings import Settings

log = logging.getLogger(__name__)

_MAX_REDIRECTS = 5


class _PageError(Exception):
    """Why a page gave no text (its message is the metric outcome)."""


@dataclass
class FullTextFetcher:
    settings: Settings
    metrics: Metrics
    _limits: dict[str, asyncio.Semaphore] = field(default_factory=dict)

    async def text(self, client: httpx.AsyncClient, url: str) -> str | None:
        """The main text of the page at `url`, or None (counted by outcome)."""
        host = httpx.URL(url).host if url else ""
        limit = self._limits.setdefault(host, asyncio.Semaphore(self.settings.fulltext_per_host))
        try:
            async with limit, asyncio.timeout(self.settings.fulltext_timeout_s):
                html = await self._fetch(client, url)
            text = await asyncio.to_thread(trafilatura.extract, html, favor_precision=True)
            if not text:
                raise _PageError("no_text")
        except UnsafeURLError as exc:
            log.warning("full text refused for %s: %s", url, exc)
            outcome = "refused"
        except TimeoutError:
            outcome = "timeout"
        except _PageError as exc:
            outcome = str(exc)
        except (httpx.HTTPError, OSError) as exc:
            log.info("full text of %s failed: %s", url, exc)
            outcome = "error"
        else:
            self.metrics.fulltext.labels("ok").inc()
            return str(text)
        self.metrics.fulltext.labels(outcome).inc()
        return None

    async def _fetch(self, client: httpx.AsyncClient, url: str) -> str:
        cap = self.settings.fulltext_max_bytes
        for _ in range(_MAX_REDIRECTS + 1):
            await check_url(url, allow_private=self.settings.allow_private_addresses)
            async with client.stream("GET", url, follow_redirects=False) as response:
                if response.is_redirect:
                    url = str(response.url.join(response.headers["Location"]))
                    continue
                if response.status_code != 200:
                    raise _PageError(f"http_{response.status_code // 100}xx")
                if "html" not in response.headers.get("Content-Type", "text/html"):
                    raise _PageError("not_html")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > cap:
                        raise _PageError("oversized")
                return body.decode(response.encoding or "utf-8", errors="replace")
        raise _PageError("too_many_redirects")
