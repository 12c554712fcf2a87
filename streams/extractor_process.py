"""The extractor in a child process, with a time budget per item.

Why a process: extraction is CPU-bound Python. Run inside the worker's event loop, one
963 KB page (199 events) blocked everything for 7.5 s — the HTTP server, health checks,
the other agents, the consumer's heartbeats. In a child process the loop stays free while
an item is extracted, and an item that overruns ``settings.extraction_timeout`` can be
stopped the only way Python code can be stopped from outside: the child is killed (and a
new one started), and the item becomes an ``extraction_timeout`` dead letter.

One child per worker: the ingest agent writes items to it ahead of time (``submit``, up to
``depth``) and takes the answers in reading order, so the child extracts while the worker's
loop publishes (per-partition order and at-least-once are kept by the agent: nothing is
acknowledged before its outputs are delivered, in reading order). The child is started lazily, warmed up (first extraction builds the gazetteer
index), and replaced after a kill or a crash; its start-up time is not part of an item's
budget. It dies with the worker: it exits when its input pipe closes (the worker is
gone, whatever killed it), and on Linux the kernel also sends it SIGKILL when its parent
dies (``PR_SET_PDEATHSIG``).

Wire protocol (pipes, length-prefixed frames, ``!I`` = 4-byte big-endian length):
The child gets the extractor's ``module:function`` and the figure bounds (JSON) as arguments.
parent -> child: one frame per item, the item's JSON. child -> parent: one status frame,
``b"R"`` (ready, once), ``b"K<n>"`` followed by ``n`` frames of event JSON, or ``b"E"``
followed by one frame with the error text. The child's stdout is moved to its stderr
before the extractor is imported, so a ``print`` in the extractor cannot corrupt the
protocol. No faust, no Kafka in the child.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import struct
import sys
import time
from collections import deque
from dataclasses import dataclass

from schemas.bounds import FigureBounds
from schemas.events import SeizureEvent
from schemas.items import NewsItem, ReportItem
from streams.ingest import ExtractionFailed
from streams.lifetime import die_with_parent

log = logging.getLogger(__name__)

_LEN = struct.Struct("!I")
START_TIMEOUT = 120.0
"""Seconds a new child may take to import and warm up the extractor (not part of any item's budget)."""

WARM_UP_TEXT = ("Ngày 3/5, Công an tỉnh Sơn La bắt quả tang Lò Văn A (SN 1990) vận chuyển 4 bánh heroin "
                "tại bản Púng, xã Chiềng Ban, huyện Mai Sơn.")


@dataclass(eq=False)
class _Job:
    """One item written to the child, its answer pending."""

    item: NewsItem | ReportItem
    frame: bytes
    future: asyncio.Future[list[bytes] | ExtractionFailed]
    began: float | None = None
    """When the child began the item (the budget runs from there): the previous answer, or the write."""
    seconds: float | None = None
    """How long the child took (set with the answer)."""


class ExtractorProcess:
    """``await submit(item)`` -> a future of the events' wire JSON, or an ``ExtractionFailed``;
    ``await extract(item)`` waits for it. Never raises for an item.

    Items are pipelined: up to ``depth`` of them sit in the child's input pipe, so the child
    starts the next one the moment it answers, while the worker's loop concludes, versions and
    publishes the previous ones (two cores busy instead of one at a time). Answers come back in
    the order of the writes. Each item's budget starts when the child begins it; when the head
    item overruns (or the child dies on it), that item alone fails: the child is replaced and
    the items written after it are written again to the new child, in order.
    """

    def __init__(self, spec: str, timeout: float, *, bounds: FigureBounds | None = None,
                 python: str = sys.executable, depth: int = 4) -> None:
        self.spec = spec
        self.timeout = timeout
        self.bounds = bounds
        self.python = python
        self.depth = max(1, depth)
        self._proc: asyncio.subprocess.Process | None = None
        self._starting: asyncio.Task[asyncio.subprocess.Process] | None = None
        self._jobs: deque[_Job] = deque()
        self._lock = asyncio.Lock()  # writes to the child and its replacement, in order
        self._space = asyncio.Semaphore(self.depth)
        self._work = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        self.started = 0  # children started so far (a test and the log read it)
        self.killed = 0

    # --- lifecycle ---
    async def _spawn(self) -> asyncio.subprocess.Process:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = await asyncio.create_subprocess_exec(
            self.python, "-m", "streams.extractor_process", self.spec,
            *([self.bounds.model_dump_json()] if self.bounds is not None else []),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=None, env=env,
            limit=64 * 1024 * 1024)
        self.started += 1
        try:
            status = await asyncio.wait_for(_read_frame(proc), START_TIMEOUT)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError) as exc:
            await _kill(proc)
            raise RuntimeError(f"the extractor process did not start ({type(exc).__name__})") from None
        except BaseException:  # cancelled while it starts (the agent stopped): leave no child behind
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            raise
        if status != b"R":
            error = (await _read_frame(proc)).decode("utf-8", "replace") if status == b"E" else repr(status)
            await _kill(proc)
            raise RuntimeError(f"the extractor process did not start: {error}")
        log.info("extractor process %d ready (%s)", proc.pid, self.spec)
        return proc

    def prestart(self) -> None:
        """Start a child in the background (so that the first item, or the one after a kill, waits less).
        A child started earlier and not yet taken by ``_ready`` is the one to use, even when its start
        has finished: starting another would leave the first one idle for the worker's life."""
        if self._proc is None and self._starting is None:
            self._starting = asyncio.ensure_future(self._spawn())

    async def _ready(self) -> asyncio.subprocess.Process:
        if self._proc is not None and self._proc.returncode is None:
            return self._proc
        self._proc = None
        self.prestart()
        assert self._starting is not None
        starting, self._starting = self._starting, None
        proc = await starting
        if proc.returncode is not None:  # prestarted, then died while waiting for work: start afresh
            return await self._ready()
        self._proc = proc
        return proc

    async def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(BaseException):
                await self._pump
            self._pump = None
        for job in self._jobs:
            if not job.future.done():
                job.future.cancel()
        self._jobs.clear()
        if self._starting is not None:
            self._starting.cancel()
            with contextlib.suppress(BaseException):
                proc = await self._starting
                await _kill(proc)
            self._starting = None
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(Exception):
                assert proc.stdin is not None
                proc.stdin.close()  # the child exits on end of input
                await asyncio.wait_for(proc.wait(), 2.0)
            await _kill(proc)

    # --- items ---
    async def extract(self, item: NewsItem | ReportItem) -> list[bytes] | ExtractionFailed:
        return await (await self.submit(item)).future

    async def submit(self, item: NewsItem | ReportItem) -> _Job:
        """Write ``item`` to the child (waiting while ``depth`` items are pending); its job, whose
        ``future`` is the answer."""
        await self._space.acquire()
        payload = item.model_dump_json().encode("utf-8")
        job = _Job(item, _LEN.pack(len(payload)) + payload, asyncio.get_running_loop().create_future())
        job.future.add_done_callback(lambda _: self._space.release())
        async with self._lock:
            if self._jobs and self._proc is not None:
                proc = self._proc  # pending jobs were written to it: only the pump replaces it, in order
            else:
                try:
                    proc = await self._ready()
                except RuntimeError as exc:
                    job.future.set_result(ExtractionFailed("extraction_error", str(exc)))
                    return job
            self._jobs.append(job)
            if len(self._jobs) == 1:
                job.began = time.monotonic()
            await self._write(proc, [job])
        if self._pump is None or self._pump.done():
            self._pump = asyncio.ensure_future(self._run_pump())
        self._work.set()
        return job

    async def _write(self, proc: asyncio.subprocess.Process, jobs: list[_Job]) -> None:
        assert proc.stdin is not None
        with contextlib.suppress(ConnectionError, BrokenPipeError):  # a dead child: the pump sees it
            proc.stdin.write(b"".join(j.frame for j in jobs))
            await proc.stdin.drain()

    async def _run_pump(self) -> None:
        """Read the answers in order, settle each job; on an overrun or a dead child, fail the head
        job and move the others to a new child."""
        while True:
            if not self._jobs:
                self._work.clear()
                await self._work.wait()
                continue
            head, proc = self._jobs[0], self._proc
            if proc is None:  # replaced after a failure and not restarted yet
                await self._restart()
                continue
            if head.began is None:
                head.began = time.monotonic()
            budget = head.began + self.timeout - time.monotonic()
            failure: ExtractionFailed | None = None
            try:
                answer = await asyncio.wait_for(self._answer(proc), max(0.0, budget))
            except TimeoutError:
                self.killed += 1
                log.warning("item %s: extraction overran its %.1f s budget; extractor process %d killed",
                            head.item.id[:100], self.timeout, proc.pid)
                failure = ExtractionFailed("extraction_timeout",
                                           f"extraction took more than extraction_timeout={self.timeout:g} s")
            except (asyncio.IncompleteReadError, ConnectionError, BrokenPipeError) as exc:
                failure = ExtractionFailed("extraction_error", f"the extractor process died ({type(exc).__name__}, "
                                                               f"exit code {proc.returncode})")
            if failure is not None:
                self._jobs.popleft()
                _settle(head, failure)
                await self._restart(proc)
                continue
            self._jobs.popleft()
            now = time.monotonic()
            head.seconds = now - head.began
            if self._jobs:
                self._jobs[0].began = now
            _settle(head, answer)

    async def _restart(self, dead: asyncio.subprocess.Process | None = None) -> None:
        """Replace the child; write the pending jobs to the new one (their budgets start afresh)."""
        async with self._lock:
            if dead is not None:
                await _kill(dead)
                if self._proc is dead:
                    self._proc = None
            try:
                proc = await self._ready()
            except RuntimeError as exc:
                while self._jobs:
                    _settle(self._jobs.popleft(), ExtractionFailed("extraction_error", str(exc)))
                return
            if self._jobs:
                self._jobs[0].began = None  # set by the pump once the child is up
                await self._write(proc, list(self._jobs))

    async def _answer(self, proc: asyncio.subprocess.Process) -> list[bytes] | ExtractionFailed:
        status = await _read_frame(proc)
        if status == b"E":
            return ExtractionFailed("extraction_error", (await _read_frame(proc)).decode("utf-8", "replace"))
        if status[:1] != b"K":
            raise ConnectionError(f"protocol error: {status[:20]!r}")
        return [await _read_frame(proc) for _ in range(int(status[1:]))]


def _settle(job: _Job, result: list[bytes] | ExtractionFailed) -> None:
    if not job.future.done():
        job.future.set_result(result)


async def _read_frame(proc: asyncio.subprocess.Process) -> bytes:
    assert proc.stdout is not None
    (size,) = _LEN.unpack(await proc.stdout.readexactly(_LEN.size))
    return await proc.stdout.readexactly(size)


async def _kill(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(proc.wait(), 5.0)


# ---------------------------------------------------------------- the child


def _child(spec: str, bounds_json: str | None) -> int:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the worker; it stops us by closing the pipe
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # print() in the extractor goes to stderr, never into the protocol
    sys.stdout = sys.stderr

    def send(*frames: bytes) -> None:
        out.write(b"".join(_LEN.pack(len(f)) + f for f in frames))
        out.flush()

    try:
        from schemas.items import ITEM_ADAPTER
        from streams.ingest import load_extractor

        bounds = FigureBounds.model_validate_json(bounds_json) if bounds_json else None
        extract = load_extractor(spec, bounds)
        extract(NewsItem(id="warm-up", text=WARM_UP_TEXT))  # builds the gazetteer index once
        gc.freeze()  # the index and the tables are for life: the collector need not walk them again
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which dead-letters items
        send(b"E", f"cannot load the extractor {spec}: {type(exc).__name__}: {exc}".encode("utf-8", "replace"))
        return 1
    send(b"R")

    def read_exactly(n: int) -> bytes | None:
        chunks, got = [], 0
        while got < n:
            chunk = inp.read(n - got)
            if not chunk:
                return None
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    while True:
        head = read_exactly(_LEN.size)
        if head is None:
            return 0  # the worker closed the pipe (or died): so do we
        body = read_exactly(_LEN.unpack(head)[0])
        if body is None:
            return 0
        try:
            item = ITEM_ADAPTER.validate_json(body)
            # an event that is not encodable (surrogatepass) or not an event at all (b"") is
            # sent as is: the parent refuses it as event_invalid, as it does in-process
            events = [e.model_dump_json().encode("utf-8", "surrogatepass") if isinstance(e, SeizureEvent) else b""
                      for e in extract(item)]
        except Exception as exc:  # noqa: BLE001 - the extractor is someone else's code: report it
            text = f"{type(exc).__name__}: {exc}"
            send(b"E", text[:2000].encode("utf-8", "backslashreplace"))
            continue
        send(b"K%d" % len(events), *events)


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1] if len(sys.argv) > 1 else "streams.extraction:extract",
                    sys.argv[2] if len(sys.argv) > 2 else None))
