"""Large items against a running worker (issue 10, point 4): extraction runs off the event loop
with a time budget per item.

Pages are built at test time from the dev corpus (../shared), concatenated: the extractor's
cost grows faster than the size, so a 950 KB page of 700 articles takes far longer than its
budget here, and a 300 KB page about two seconds. While the worker extracts, its HTTP server
must keep answering; the overrun must become an ``extraction_timeout`` dead letter and the
next item must go through.
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from corpus_support import CORPUS
from test_hostile_input import dead_letters, ingested_events
from test_pipeline import metric_sum, produce, wait_for

from streams.settings import Settings
from streams.topics import ensure_topics

pytestmark = pytest.mark.integration
BUDGET = 4.0


def page(size: int, item_id: str) -> bytes:
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted((CORPUS / "dev").glob("*.json"))]
    parts: list[str] = []
    n = 0
    while sum(len(t.encode()) + 2 for t in parts) < size:
        parts.append(texts[n % len(texts)])
        n += 1
    doc = {"id": item_id, "published": "2024-05-01", "text": "\n\n".join(parts)}
    return json.dumps(doc, ensure_ascii=False).encode()


class HealthProbe(threading.Thread):
    """GET /api/health every 50 ms; remembers the slowest answer."""

    def __init__(self, base_url: str) -> None:
        super().__init__(daemon=True)
        self.base_url, self.slowest, self.answers = base_url, 0.0, 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            started = time.monotonic()
            with urllib.request.urlopen(f"{self.base_url}/api/health", timeout=30) as resp:
                resp.read()
            self.slowest = max(self.slowest, time.monotonic() - started)
            self.answers += 1
            time.sleep(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join(35)


def test_large_pages_do_not_block_and_overruns_are_dead_lettered(
        settings_factory: Callable[..., Settings], start_worker: Callable[..., Any]) -> None:
    s = settings_factory(extraction_timeout=BUDGET)
    asyncio.run(ensure_topics(s))
    w = start_worker(s)
    try:
        consumed = lambda: metric_sum(w.base_url, "seizurewatch_items_consumed_total")
        probe = HealthProbe(w.base_url)
        probe.start()
        started = time.monotonic()
        produce(s, [("page-300k", page(300_000, "page-300k"))])
        wait_for(lambda: consumed() >= 1, 60, "the 300 KB page")
        took = time.monotonic() - started
        probe.stop()
        assert any(e.item_id == "page-300k" for e in ingested_events(s))
        assert probe.answers > 5 and probe.slowest < 0.5, (
            f"HTTP blocked for {probe.slowest:.2f}s while a {took:.1f}s page was extracted")

        started = time.monotonic()
        positions = produce(s, [("page-950k", page(950_000, "page-950k")),
                                ("small", json.dumps({"id": "small", "published": "2024-05-01", "text": (
                                    "Ngày 1/5, Công an tỉnh Sơn La bắt quả tang Lò Văn A (SN 1990) mang 4 bánh "
                                    "heroin tại xã Chiềng Ban, huyện Mai Sơn.")}, ensure_ascii=False).encode())])
        wait_for(lambda: consumed() >= 3, 60, "the 950 KB page and the small item after it")
        overrun = time.monotonic() - started
        letter = dead_letters(s)[positions[0]]
        assert letter.reason == "extraction_timeout" and letter.item_id == "page-950k"
        assert any(e.item_id == "small" for e in ingested_events(s))
        assert overrun < BUDGET + 30
        assert w.health()["ready"]
        print(f"\n300 KB page: {took:.1f}s, slowest health answer meanwhile {probe.slowest * 1000:.0f} ms; "
              f"950 KB page dead-lettered and the next item through after {overrun:.1f}s")
    finally:
        w.stop()
