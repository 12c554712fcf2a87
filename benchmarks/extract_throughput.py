"""Articles per second of the pure extractor on one core, over the corpus texts.

    python benchmarks/extract_throughput.py [--rounds 15] [--json]

Pins itself to one core, parses every corpus text (``bench_corpus.corpus_texts``: the
shared seeds, dev and dedup sets and the project's tuned and holdout sets) into an item
before timing, warms the gazetteer up (its index is built once per process, as in a
running worker), then extracts every item once per round. Reports the median, min and max
of the per-round rates in articles per CPU second of this process (what one core
delivers, less disturbed by other load on a shared machine), the median per wall second,
the p50/p99 time of one article (CPU, over every article of every round) and the time of
one article of 50 KB (median of 5). The machine is noisy: quote the medians.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench_corpus import corpus_texts, long_article  # noqa: E402

from schemas.items import parse_item  # noqa: E402
from streams.extraction import extract  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def measure(rounds: int) -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the brief asks
    texts = corpus_texts()
    items = [parse_item(t.item(f"x-{i}")) for i, t in enumerate(texts)]
    for item in items:  # warm-up: lazy gazetteer load and regex caches
        extract(item)
    cpu_rates, wall_rates, per_article = [], [], []
    for _ in range(rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for item in items:
            t = time.thread_time()
            extract(item)
            per_article.append(time.thread_time() - t)
        cpu_rates.append(len(items) / (time.process_time() - cpu))
        wall_rates.append(len(items) / (time.perf_counter() - wall))
    long = parse_item(long_article(texts))
    long_times = []
    for _ in range(5):
        t = time.thread_time()
        events = extract(long)
        long_times.append(time.thread_time() - t)
    chars = sum(len(t.text) for t in texts)
    return {"articles": len(items), "mean_chars": round(chars / len(items)), "rounds": rounds,
            "median_articles_per_cpu_s": round(statistics.median(cpu_rates)),
            "min_cpu": round(min(cpu_rates)), "max_cpu": round(max(cpu_rates)),
            "median_articles_per_wall_s": round(statistics.median(wall_rates)),
            "p50_ms": round(percentile(per_article, 0.50) * 1000, 3),
            "p99_ms": round(percentile(per_article, 0.99) * 1000, 3),
            "long_article_bytes": len(long.text.encode("utf-8")), "long_article_events": len(events),
            "long_article_ms": round(statistics.median(long_times) * 1000, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = measure(args.rounds)
    if args.json:
        print(json.dumps(result))
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
