"""Articles per second of the pure extractor on one core, over the corpus texts.

    python benchmarks/extract_throughput.py [--rounds 15] [--shared ../shared] [--json]

Each round extracts every item of corpus/seeds, corpus/dev and corpus/dedup once (parsed
items are prepared before timing; the gazetteer is warmed up first, as in a running worker).
Prints the median, min and max of the per-round rates in articles per CPU second of this
process (what one core delivers, less disturbed by other load on a shared machine) and
the median per wall-clock second: the machine is noisy, quote the medians.
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
sys.path.insert(0, str(ROOT))

from schemas.items import parse_item
from streams.extraction import extract


def load_items(shared: Path) -> list:
    items = []
    for set_name in ("seeds", "dev", "dedup"):
        for f in sorted((shared / "corpus" / set_name).glob("*.json")):
            raw = json.loads(f.read_text(encoding="utf-8"))
            if isinstance(raw, dict) and "text" in raw:
                items.append(parse_item(raw))
    return items


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the brief asks
    items = load_items(args.shared)
    for item in items:  # warm-up: lazy gazetteer load and regex caches
        extract(item)
    cpu_rates, wall_rates = [], []
    chars = sum(len(getattr(i, "text", "") or "") for i in items)
    for _ in range(args.rounds):
        cpu, wall = time.process_time(), time.perf_counter()
        for item in items:
            extract(item)
        cpu_rates.append(len(items) / (time.process_time() - cpu))
        wall_rates.append(len(items) / (time.perf_counter() - wall))
    result = {"items_per_round": len(items), "mean_chars": round(chars / len(items)), "rounds": args.rounds,
              "median_articles_per_cpu_s": round(statistics.median(cpu_rates)),
              "min_cpu": round(min(cpu_rates)), "max_cpu": round(max(cpu_rates)),
              "median_articles_per_wall_s": round(statistics.median(wall_rates))}
    if args.json:
        print(json.dumps(result))
    else:
        print(" ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
