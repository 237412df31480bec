"""Throughput of the pure extractor, `nlp.extract_article`, on one core.

Articles of about 2.5 KB are built from the dev set: each joins paragraphs of
same-language dev articles (a different pairing and paragraph order each
time) and is cut at a sentence end near the target size, so every article is
distinct and reads like a real round-up. After a warm-up pass, the extractor
runs over them in a loop for a fixed time, several times, in this one thread.
Compare the median against a baseline measured in the same session: on a
shared machine the same code can run tens of percent faster or slower from
one minute to the next. The CPU-time rate leaves out time the process spent
waiting for the core, and is steadier.

    python -m bench.extractor --seconds 3 --repeats 5

To measure another copy of `nlp` (the code before a change), put its parent
directory first on PYTHONPATH and run from outside the checkout (`-m` puts
the current directory first): the line printed names the `nlp` it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import nlp

DEVSET = Path(__file__).resolve().parent.parent / "tests" / "data" / "devset" / "articles.jsonl"
TARGET_CHARS = 2500
ARTICLES = 120


def load_devset(path: Path = DEVSET) -> list[dict[str, str]]:
    """The dev-set articles (id, lang, title, text...), in file order."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def build_articles(
    count: int = ARTICLES, target_chars: int = TARGET_CHARS, path: Path = DEVSET
) -> list[tuple[str, str]]:
    """`count` distinct (title, text) pairs of about `target_chars` characters.

    Article i starts with dev article i (cycling), then takes the paragraphs of
    other dev articles in its language (stride and rotation depend on i) until
    the text passes the target, and is cut back to the last sentence end before
    it. Deterministic: the same articles every run.
    """
    devset = load_devset(path)
    by_lang: dict[str, list[dict[str, str]]] = {}
    for article in devset:
        by_lang.setdefault(article["lang"], []).append(article)
    built: list[tuple[str, str]] = []
    for index in range(count):
        first = devset[index % len(devset)]
        pool = by_lang[first["lang"]]
        stride = 1 + index // len(devset)
        paragraphs = first["text"].split("\n\n")
        step = 0
        while sum(len(p) + 2 for p in paragraphs) < target_chars + 400:
            step += 1
            other = pool[(pool.index(first) + step * stride) % len(pool)]
            more = other["text"].split("\n\n")
            rotation = (index + step) % len(more)
            paragraphs.extend(more[rotation:] + more[:rotation])
        built.append((first["title"], _cut("\n\n".join(paragraphs), target_chars)))
    return built


def _cut(text: str, target_chars: int) -> str:
    """`text` cut after the last full stop within `target_chars` (if one is near it)."""
    head = text[:target_chars]
    end = max(head.rfind(". "), head.rfind(".\n"))
    return head[: end + 1] if end > target_chars * 0.8 else head


def _rates(articles: list[tuple[str, str]], seconds: float) -> tuple[float, float]:
    """Articles per second of wall-clock and of CPU time, over whole passes lasting
    at least `seconds`."""
    extract = nlp.extract_article
    done = 0
    began, began_cpu = time.perf_counter(), time.process_time()
    elapsed = 0.0
    while elapsed < seconds:
        for title, text in articles:
            extract(title, text)
        done += len(articles)
        elapsed = time.perf_counter() - began
    return done / elapsed, done / max(time.process_time() - began_cpu, 1e-9)


def measure_extractor(seconds: float, repeats: int) -> dict[str, float]:
    """Articles/s of `nlp.extract_article` in this thread: `repeats` runs of `seconds`.

    Keys: median, min, max (wall-clock rates), cpu_median (rate per CPU second),
    mean_chars (title and text), articles (distinct ones cycled through), repeats.
    """
    articles = build_articles()
    for title, text in articles:  # warm-up: data files, automata, regex caches
        nlp.extract_article(title, text)
    runs = [_rates(articles, seconds) for _ in range(max(1, repeats))]
    wall = [rate for rate, _ in runs]
    return {
        "median": statistics.median(wall),
        "min": min(wall),
        "max": max(wall),
        "cpu_median": statistics.median(cpu for _, cpu in runs),
        "mean_chars": statistics.fmean(len(title) + len(text) for title, text in articles),
        "articles": float(len(articles)),
        "repeats": float(len(runs)),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: run `measure_extractor` and write one summary line to stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.extractor",
        description="Articles/s of nlp.extract_article on ~2.5 KB articles, one thread.",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one run (3)")
    parser.add_argument("--repeats", type=int, default=5, help="number of runs (5)")
    parser.add_argument("--cpu", type=int, help="pin the process to this CPU first (Linux)")
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    result = measure_extractor(args.seconds, args.repeats)
    sys.stdout.write(
        f"extractor: median {result['median']:.0f} articles/s "
        f"(min {result['min']:.0f}, max {result['max']:.0f}; "
        f"{result['cpu_median']:.0f} per CPU second) over {result['repeats']:.0f} runs "
        f"of {args.seconds:g} s; {result['articles']:.0f} articles of "
        f"{result['mean_chars']:.0f} characters on average; nlp from {Path(nlp.__file__).parent}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
