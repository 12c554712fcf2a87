"""What running the extractor in a child process costs, against running it in the event loop.

    python benchmarks/extraction_isolation.py [--rounds 7] [--shared ../shared]

The worker extracts each item in a child process (``streams.extractor_process``) so that a
large item cannot block the event loop and an overrun can be killed. This measures, over
the corpus items (seeds, dev, dedup; 75 items) sent one at a time as the ingest agent does:

- items per wall second, in the loop (``decode_and_extract``) and through the child
  (``decode`` + ``ExtractorProcess.extract`` + ``conclude``), and the difference per item;
- the CPU time the *worker process* spends per item in each mode (the child's CPU is not
  the worker's: it runs beside the loop, on another core when there is one);
- the longest the event loop stayed blocked while a ~300 KB page was extracted (a ticker
  task that wakes every 10 ms measures how late it wakes).

Medians over ``--rounds`` rounds; quote them with the machine's load (it is shared).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemas.items import NewsItem
from streams.extractor_process import ExtractorProcess
from streams.ingest import Source, conclude, decode, decode_and_extract, load_extractor
from streams.settings import Settings


def load_payloads(shared: Path) -> list[bytes]:
    out = []
    for set_name in ("seeds", "dev", "dedup"):
        for f in sorted((shared / "corpus" / set_name).glob("*.json")):
            raw = json.loads(f.read_text(encoding="utf-8"))
            if isinstance(raw, dict) and "text" in raw:
                out.append(json.dumps(raw, ensure_ascii=False).encode())
    return out


def big_page(shared: Path, size: int) -> NewsItem:
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((shared / "corpus" / "dev").glob("*.json"))]
    parts: list[str] = []
    while sum(len(t.encode()) for t in parts) < size:
        parts.append(texts[len(parts) % len(texts)])
    return NewsItem(id="big", text="\n\n".join(parts), published=dt.date(2024, 5, 1))


async def in_loop(payloads: list[bytes], settings: Settings) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for p in payloads:
        decode_and_extract(p, settings=settings, topic="t")
    return time.perf_counter() - wall, time.process_time() - cpu


async def in_child(payloads: list[bytes], settings: Settings, proc: ExtractorProcess) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for p in payloads:
        now = dt.datetime.now(dt.UTC)
        parsed = decode(p, settings=settings, now=now)
        produced = await proc.extract(parsed.item) if parsed.item is not None else None
        conclude(p, parsed, produced, settings=settings, source=Source("t"), now=now)
    return time.perf_counter() - wall, time.process_time() - cpu


async def loop_blocked(work) -> float:
    worst = 0.0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, time.perf_counter() - before - 0.01)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    await work()
    stop.set()
    await tick
    return worst


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--page-kb", type=int, default=300)
    args = ap.parse_args()
    settings = Settings()
    payloads = load_payloads(args.shared)
    extract = load_extractor(settings.extractor, settings.figure_bounds)
    extract(NewsItem(id="warm", text="Công an tỉnh Sơn La thu 4 bánh heroin."))
    proc = ExtractorProcess(settings.extractor, timeout=600, bounds=settings.figure_bounds)
    await in_child(payloads[:3], settings, proc)  # start and warm the child
    rows: dict[str, list[tuple[float, float]]] = {"loop": [], "child": []}
    for _ in range(args.rounds):
        rows["loop"].append(await in_loop(payloads, settings))
        rows["child"].append(await in_child(payloads, settings, proc))
    n = len(payloads)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in rows.items()}
    print(f"{n} corpus items per round, {args.rounds} rounds, load average {os.getloadavg()[0]:.2f}")
    for k, (wall, cpu) in med.items():
        print(f"  {k:5s}: {n / wall:7.1f} items/s wall, {wall / n * 1000:6.3f} ms/item wall, "
              f"{cpu / n * 1000:6.3f} ms/item CPU of the worker process")
    print(f"  child - loop: {(med['child'][0] - med['loop'][0]) / n * 1000:+.3f} ms/item wall "
          f"({med['loop'][0] / med['child'][0]:.2f}x the in-loop rate)")
    page = big_page(args.shared, args.page_kb * 1000)
    blocked_loop = await loop_blocked(lambda: asyncio.sleep(0, extract(page)))
    blocked_child = await loop_blocked(lambda: proc.extract(page))
    print(f"  {args.page_kb} KB page: event loop blocked {blocked_loop * 1000:.0f} ms in the loop, "
          f"{blocked_child * 1000:.0f} ms with the child")
    await proc.close()


if __name__ == "__main__":
    asyncio.run(main())
