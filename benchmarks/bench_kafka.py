"""Kafka-side tools of the benchmarks: publishing, raw consume, following an output topic,
bytes of changelog topics, and processes (a worker, a peer) with their memory sampled.

Everything reads the true end of a partition from the high watermark of a fetch answer, not
from ListOffsets: Tansu 0.6 answers ListOffsets(latest) with the last batch's base offset
+ 1, which undercounts a partition written with multi-record batches
(shared/notes/broker.md).
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- produce / consume

async def partitions(consumer: object, topic: str) -> list[object]:
    """The TopicPartitions of ``topic`` (asks the broker for every topic's metadata first)."""
    from aiokafka import TopicPartition

    await consumer.topics()  # type: ignore[attr-defined]
    return [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]  # type: ignore[attr-defined]


async def produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes, bytes]]) -> tuple[int, float, int]:
    """Send every (key, value) with a batching producer; (records, seconds, bytes) until all acked."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=256 * 1024,
                                max_request_size=8 * 1024 * 1024)
    await producer.start()
    n = size = 0
    try:
        started = time.perf_counter()
        futures = []
        for key, value in records:
            futures.append(await producer.send(topic, value, key=key))
            n += 1
            size += len(value)
        await asyncio.gather(*futures)
        return n, time.perf_counter() - started, size
    finally:
        await producer.stop()


async def consume_all(bootstrap: str, topic: str, expected: int, *, decode: bool = True,
                      timeout: float = 300.0) -> tuple[int, float]:
    """Read ``expected`` records of ``topic`` from the beginning (no group), json-decoding each
    value; (records, seconds)."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                max_partition_fetch_bytes=4 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        tps = await partitions(consumer, topic)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        n = 0
        started = time.perf_counter()
        while n < expected and time.perf_counter() - started < timeout:
            for msgs in (await consumer.getmany(timeout_ms=1000, max_records=10_000)).values():
                n += len(msgs)
                if decode:
                    for m in msgs:
                        json.loads(m.value)
        return n, time.perf_counter() - started
    finally:
        await consumer.stop()


async def topic_bytes(bootstrap: str, topics: list[str]) -> dict[str, tuple[int, int]]:
    """topic -> (records, bytes of keys + values), reading each topic to its fetch high watermark."""
    return {topic: await _topic_bytes(bootstrap, topic) for topic in topics}


async def _topic_bytes(bootstrap: str, topic: str) -> tuple[int, int]:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                max_partition_fetch_bytes=8 * 1024 * 1024, fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        tps = await partitions(consumer, topic)
        if not tps:
            raise RuntimeError(f"no partitions for {topic}")
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        records = size = 0
        todo = set(tps)
        deadline = time.monotonic() + 120
        while todo and time.monotonic() < deadline:
            batch = await consumer.getmany(*todo, timeout_ms=500, max_records=10_000)
            for msgs in batch.values():
                records += len(msgs)
                size += sum(len(m.key or b"") + len(m.value or b"") for m in msgs)
            for tp in list(todo):
                high = consumer.highwater(tp)
                if high is not None and await consumer.position(tp) >= high:
                    todo.discard(tp)
        return records, size
    finally:
        await consumer.stop()


async def list_topics(bootstrap: str) -> list[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return list(await admin.list_topics())
    finally:
        await admin.close()


async def create_topics(bootstrap: str, names: list[str], partitions: int) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        new = [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names if n not in existing]
        if new:
            await admin.create_topics(new)
    finally:
        await admin.close()


# ---------------------------------------------------------------- following an output topic

@dataclass
class Progress:
    """Arrival times of the records of an output topic (monotonic seconds)."""

    times: list[float] = field(default_factory=list)
    values: list[bytes] = field(default_factory=list)

    def crossing(self, count: int) -> float | None:
        """When the ``count``-th record arrived."""
        return self.times[count - 1] if 0 < count <= len(self.times) else None


class Follower:
    """A thread that reads topics from their beginning and records when each record arrives.

    Runs its own event loop (the benchmark's main thread waits on processes and HTTP).
    ``keep_values`` keeps the record values (the latency run parses them afterwards).
    """

    def __init__(self, bootstrap: str, topics: list[str], *, keep_values: bool = False) -> None:
        self.bootstrap, self.topics, self.keep_values = bootstrap, topics, keep_values
        self.progress = {t: Progress() for t in topics}
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("follower did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def count(self, topic: str | None = None) -> int:
        return len(self.progress[topic or self.topics[0]].times)

    def wait_for(self, count: int, *, topic: str | None = None, timeout: float,
                 alive: Callable[[], bool] = lambda: True, tick: Callable[[], None] = lambda: None) -> bool:
        deadline = time.monotonic() + timeout
        while self.count(topic) < count:
            if time.monotonic() > deadline or not alive():
                return False
            tick()
            time.sleep(0.2)
        return True

    async def _run(self) -> None:
        from aiokafka import AIOKafkaConsumer

        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, group_id=None,
                                    fetch_max_wait_ms=20, max_partition_fetch_bytes=4 * 1024 * 1024)
        await consumer.start()
        try:
            tps = [tp for t in self.topics for tp in await partitions(consumer, t)]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            self._ready.set()
            while not self._stop.is_set():
                batch = await consumer.getmany(timeout_ms=100, max_records=5000)
                now = time.monotonic()
                for tp, msgs in batch.items():
                    p = self.progress[tp.topic]
                    p.times.extend([now] * len(msgs))
                    if self.keep_values:
                        p.values.extend(m.value for m in msgs)
        finally:
            self._ready.set()
            await consumer.stop()


# ---------------------------------------------------------------- processes

def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    """A memory figure of ``/proc/<pid>/status`` in kB (0 when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (and none of its children), in seconds."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Proc:
    """A benchmark subprocess (worker or peer) with its log, its memory and CPU sampled."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
        full_env.update(env)
        full_env["PYTHONUNBUFFERED"] = "1"
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.samples: list[tuple[float, int, int]] = []
        """(monotonic time, RSS of the process kB, RSS of its children kB)"""
        self.child_peak_kb = 0
        self.child_cpu = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def sample(self) -> None:
        kids = children(self.pid)
        kid_rss = sum(rss_kb(k) for k in kids)
        self.child_peak_kb = max([self.child_peak_kb] + [rss_kb(k, "VmHWM") for k in kids])
        self.child_cpu = max(self.child_cpu, sum(cpu_seconds(k) for k in kids))
        self.samples.append((time.monotonic(), rss_kb(self.pid), kid_rss))

    def peak_kb(self) -> int:
        return rss_kb(self.pid, "VmHWM")

    def rss_at(self, when: float) -> int:
        """RSS (kB) of the last sample at or before ``when``."""
        before = [s for s in self.samples if s[0] <= when]
        return before[-1][1] if before else 0

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def log_tail(self, lines: int = 40) -> str:
        self._log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def worker_process(env: dict[str, str], log_path: Path) -> Proc:
    return Proc([sys.executable, "-m", "streams.cli", "worker"], env, log_path)


def http_json(url: str, timeout: float = 3.0) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


def wait_ready(proc: Proc, base_url: str, timeout: float = 120.0) -> float:
    """Seconds until the worker's /api/health says ready."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not proc.alive():
            raise RuntimeError(f"worker exited:\n{proc.log_tail()}")
        try:
            health = http_json(f"{base_url}/api/health")
            if isinstance(health, dict) and health.get("ready"):
                return time.monotonic() - started
        except Exception:  # noqa: BLE001,S110 - not listening yet
            pass
        time.sleep(0.25)
    raise TimeoutError(f"worker not ready after {timeout:.0f} s:\n{proc.log_tail()}")
