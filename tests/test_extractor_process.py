"""The extractor in a child process: same events as in-process, a time budget, crashes contained,
the event loop free while it works, and no child left behind when the worker dies (issue 10, 4 and 8)."""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus_support import CORPUS
from tests_support import alive

from schemas.events import SeizureEvent
from schemas.items import NewsItem, parse_item
from streams.extraction import extract
from streams.extractor_process import ExtractorProcess
from streams.ingest import ExtractionFailed
from streams.settings import Settings

TESTS = Path(__file__).resolve().parent
FAKE = "fake_extractors:misbehaving"


@pytest.fixture(autouse=True)
def tests_on_child_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))


def news(text: str, item_id: str = "n") -> NewsItem:
    return NewsItem(id=item_id, text=text)


async def test_the_child_gives_exactly_the_in_process_events() -> None:
    items = [parse_item(json.loads(p.read_text(encoding="utf-8"))) for p in sorted((CORPUS / "dev").glob("*.json"))[:8]]
    bounds = Settings().figure_bounds
    proc = ExtractorProcess("streams.extraction:extract", timeout=30, bounds=bounds)
    try:
        for item in items:
            wire = await proc.extract(item)
            assert not isinstance(wire, ExtractionFailed), wire
            got = [SeizureEvent.model_validate_json(w).model_dump() for w in wire]
            assert got == [e.model_dump() for e in extract(item, bounds=bounds)], item.id
    finally:
        await proc.close()
    assert proc.started == 1


async def test_an_overrun_is_killed_and_the_next_item_works() -> None:
    """Point 4: overrun -> extraction_timeout, the child is replaced, the loop never blocked."""
    proc = ExtractorProcess(FAKE, timeout=0.5)
    lag = 0.0

    async def ticker() -> None:
        nonlocal lag
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.02)
            lag = max(lag, time.monotonic() - before - 0.02)

    try:
        assert len(await proc.extract(news("thu 25 bánh heroin"))) == 1
        tick = asyncio.create_task(ticker())
        started = time.monotonic()
        failed = await proc.extract(news("SPIN 30 heroin"))
        took = time.monotonic() - started
        tick.cancel()
        assert isinstance(failed, ExtractionFailed) and failed.reason == "extraction_timeout", failed
        assert took < 3.0 and proc.killed == 1
        assert lag < 0.25, f"the event loop was blocked for {lag:.2f}s"
        assert len(await proc.extract(news("thu 25 bánh heroin"))) == 1
    finally:
        await proc.close()
    assert proc.started == 2


async def test_crashes_errors_prints_and_garbage_are_contained() -> None:
    proc = ExtractorProcess(FAKE, timeout=20)
    try:
        crashed = await proc.extract(news("CRASH"))
        assert isinstance(crashed, ExtractionFailed) and crashed.reason == "extraction_error"
        assert "died" in crashed.error
        raised = await proc.extract(news("RAISE"))
        assert isinstance(raised, ExtractionFailed) and "RuntimeError: extractor bug" in raised.error
        printed = await proc.extract(news("PRINT thu 25 bánh heroin"))
        assert not isinstance(printed, ExtractionFailed) and len(printed) == 1
        garbage = await proc.extract(news("NOT-EVENTS"))
        assert garbage == [b""]  # the parent's revalidation makes this event_invalid
    finally:
        await proc.close()


async def test_an_extractor_that_cannot_load_gives_extraction_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_EXTRACTORS_FAIL_IMPORT", "1")
    proc = ExtractorProcess(FAKE, timeout=20)
    try:
        failed = await proc.extract(news("thu 25 bánh heroin"))
        assert isinstance(failed, ExtractionFailed) and failed.reason == "extraction_error"
        assert "cannot load the extractor" in failed.error and "ImportError" in failed.error
    finally:
        await proc.close()


PARENT = """
import asyncio, sys
from streams.extractor_process import ExtractorProcess
from schemas.items import NewsItem

async def main():
    proc = ExtractorProcess("fake_extractors:misbehaving", timeout=60)
    await proc.extract(NewsItem(id="a", text="heroin"))
    print(proc._proc.pid, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_the_child_dies_with_its_parent(how: signal.Signals) -> None:
    """Point 8: a worker killed with SIGKILL (or the OOM killer) must not leave its extractor running."""
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True,
                              env=os.environ.copy())
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        assert alive(child)
        os.kill(parent.pid, how)
        parent.wait(10)
        deadline = time.monotonic() + 10
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child), f"extractor process {child} outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()



def _children() -> set[int]:
    """Live extractor processes whose parent is this test process."""
    me, out = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmd = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z" and b"streams.extractor_process" in cmd:
            out.add(int(stat.parent.name))
    return out


async def test_a_prestarted_child_is_the_one_used() -> None:
    """The agent prestarts a child; the first item must use it, not start a second one and leave
    the first idle (110 MB each) for the worker's life."""
    before = _children()
    proc = ExtractorProcess(FAKE, timeout=20)
    proc.prestart()
    try:
        assert proc._starting is not None
        await asyncio.wait([proc._starting], timeout=20)  # started and ready before any item comes
        answer = await proc.extract(news("thu 25 bánh heroin", "first"))
        assert isinstance(answer, list) and len(answer) == 1, answer
        assert proc.started == 1
        assert len(_children() - before) == 1
    finally:
        await proc.close()


async def test_closing_while_a_child_starts_leaves_none_behind() -> None:
    """The agent can stop (rebalance, shutdown) while its child is still importing the extractor."""
    before = _children()
    proc = ExtractorProcess(FAKE, timeout=20)
    proc.prestart()
    await asyncio.sleep(0.3)  # spawned, not ready yet
    await proc.close()
    deadline = time.monotonic() + 5
    while _children() - before and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not _children() - before


# ---------------------------------------------------------------- pipelining (issue 12: both cores busy)

async def test_items_submitted_ahead_come_back_in_order_as_one_at_a_time() -> None:
    items = [parse_item(json.loads(p.read_text(encoding="utf-8"))) for p in sorted((CORPUS / "dev").glob("*.json"))[:12]]
    proc = ExtractorProcess("streams.extraction:extract", timeout=30, depth=4)
    try:
        jobs = []
        for item in items:  # the 5th submit waits until the 1st answer is in: depth bounds the pipe
            jobs.append(await proc.submit(item))
        answers = [await j.future for j in jobs]
    finally:
        await proc.close()
    for item, wire in zip(items, answers, strict=True):
        assert not isinstance(wire, ExtractionFailed), wire
        assert [SeizureEvent.model_validate_json(w).model_dump() for w in wire] == [e.model_dump() for e in extract(item)]
    assert all(j.seconds is not None and j.seconds > 0 for j in jobs)


async def test_each_budget_starts_when_the_child_begins_its_item() -> None:
    """Four items of 0.3 s each written at once with a 0.5 s budget: none overruns (the last one
    waits 0.9 s in the pipe, which is not its time)."""
    proc = ExtractorProcess(FAKE, timeout=0.5, depth=4)
    try:
        jobs = [await proc.submit(news("SPIN 0.3 thu 25 bánh heroin", f"s{i}")) for i in range(4)]
        answers = [await j.future for j in jobs]
    finally:
        await proc.close()
    assert [len(a) if isinstance(a, list) else a for a in answers] == [1, 1, 1, 1]
    assert proc.killed == 0 and proc.started == 1


async def test_an_overrun_or_a_crash_inside_a_pipeline_fails_that_item_alone() -> None:
    proc = ExtractorProcess(FAKE, timeout=0.5, depth=8)
    texts = ["thu 25 bánh heroin", "SPIN 30 heroin", "thu 25 bánh heroin", "CRASH", "thu 25 bánh heroin",
             "RAISE", "thu 25 bánh heroin"]
    try:
        jobs = [await proc.submit(news(t, f"p{i}")) for i, t in enumerate(texts)]
        answers = [await j.future for j in jobs]
    finally:
        await proc.close()
    got = [a.reason if isinstance(a, ExtractionFailed) else len(a) for a in answers]
    assert got == [1, "extraction_timeout", 1, "extraction_error", 1, "extraction_error", 1]
    assert proc.killed == 1 and proc.started == 3  # replaced after the overrun and after the crash
