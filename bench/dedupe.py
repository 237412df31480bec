"""The dedupe stage's per-mention work, in process: what a worker pays per mention.

    python -m bench.dedupe [--articles 1500] [--repeats 5] [--per-commit 300]

Mentions are extracted once from `bench.pipeline.raw_articles`; then, for each
mention, the steps of `agents.dedupe` run against a dict standing for the
table, through `transfers.store.EventStore`: read the state, check expiry and
the current stage, apply, build the view on a material change, update the
index. Two ways of keeping the state run alternately, and both medians and
their ratio are printed:
  per mention   no decoded copies kept, every change written at once: each
                mention decodes and re-encodes its whole event (how the stage
                worked before its states were kept decoded);
  per commit    decoded states kept, changed ones written every
                `--per-commit` mentions (a worker writes them when Faust
                commits, every 2.8 s: a few hundred mentions in a backfill).
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
from transfers.store import EventStore

NOW = "2099-01-01T00:00:00Z"
TTL_S = 60 * 86400


def per_mention_us(mentions: list[Mention], capacity: int, per_commit: int) -> float:
    """CPU microseconds per mention for the agent's steps over `mentions`."""
    store = EventStore({}, capacity)
    index = EventIndex(lambda key: hash(key) % 4)
    index.stale = False
    started = time.process_time()
    for n, m in enumerate(mentions, 1):
        key = m.event_id.encode()
        state = store.get(key) or EventState(m.event_id, m.person_key)
        state.expired(index.now(index.partition_of(key), NOW), TTL_S)
        state.stage()
        change = state.apply(m)
        if change is not Change.NONE:
            if change is Change.MATERIAL:
                state.view()
                state.emitted = state.version
            store.put(key, state)
            index.put(key, state)
        if n % per_commit == 0:
            store.flush()
    store.flush()
    return (time.process_time() - started) / len(mentions) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--per-commit", type=int, default=300)
    args = parser.parse_args(argv)
    articles = [decode(RawArticle, value) for value in raw_articles(args.articles)]
    mentions = [m for a in articles for m in mentions_of(tokenize_article(a))]
    each, batched = [], []
    for _ in range(args.repeats):
        each.append(per_mention_us(mentions, capacity=0, per_commit=1))
        batched.append(per_mention_us(mentions, capacity=2000, per_commit=args.per_commit))
    before, after = statistics.median(each), statistics.median(batched)
    sys.stdout.write(
        f"{len(mentions)} mentions from {len(articles)} articles; CPU us per mention, "
        f"medians of {args.repeats} alternating runs: written per mention {before:.0f}, "
        f"per commit ({args.per_commit} mentions) {after:.0f} (ratio {before / after:.2f})\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
