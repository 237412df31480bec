"""The dedupe stage's per-mention work, in process: what a worker pays per mention.

    python -m bench.dedupe [--articles 1500] [--repeats 5]

Mentions are extracted once from `bench.pipeline.raw_articles`; then, for each
mention, the steps of `agents.dedupe` run against a dict standing for the
table: decode the stored state, check expiry and the current stage, apply,
build the view on a material change, encode the state, update the index. The
same loop runs with the event summary memoised (as shipped) and recomputed on
every read (as before), alternating, and prints both medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from agents.extract import mentions_of
from agents.tokenize import tokenize_article
from bench.pipeline import raw_articles
from schemas.codec import decode
from schemas.records import Mention, RawArticle
from transfers.index import EventIndex
from transfers.state import Change, EventState

NOW = "2099-01-01T00:00:00Z"
TTL_S = 60 * 86400


def per_mention_us(mentions: list[Mention]) -> float:
    """CPU microseconds per mention for the agent's steps over `mentions`."""
    table: dict[bytes, bytes] = {}
    index = EventIndex(lambda key: hash(key) % 4)
    index.stale = False
    started = time.process_time()
    for m in mentions:
        key = m.event_id.encode()
        stored = table.get(key)
        state = EventState.from_bytes(stored) if stored else EventState(m.event_id, m.person_key)
        state.expired(index.now(index.partition_of(key), NOW), TTL_S)
        state.stage()
        change = state.apply(m)
        if change is Change.NONE:
            continue
        if change is Change.MATERIAL:
            state.view()
            state.emitted = state.version
        table[key] = state.to_bytes()
        index.put(key, state)
    return (time.process_time() - started) / len(mentions) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    articles = [decode(RawArticle, value) for value in raw_articles(args.articles)]
    mentions = [m for a in articles for m in mentions_of(tokenize_article(a))]
    memoised = EventState._summary
    recomputed, shipped = [], []
    try:
        for _ in range(args.repeats):
            EventState._summary = EventState._summarise  # type: ignore[method-assign]
            recomputed.append(per_mention_us(mentions))
            EventState._summary = memoised  # type: ignore[method-assign]
            shipped.append(per_mention_us(mentions))
    finally:
        EventState._summary = memoised  # type: ignore[method-assign]
    before, after = statistics.median(recomputed), statistics.median(shipped)
    sys.stdout.write(
        f"{len(mentions)} mentions from {len(articles)} articles; CPU us per mention, "
        f"medians of {args.repeats} alternating runs: summary recomputed {before:.0f}, "
        f"memoised {after:.0f} (ratio {before / after:.2f})\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
