"""Outages, as an operator lives them (issue 10, points 6, 7 and 8).

Each test has a broker of its own (the session broker must not be stopped), on a fixed
port so that it can come back where the worker expects it. The embedded broker keeps
nothing across a restart: coming back, it is an *empty* broker (point 7).
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_pipeline import metric_sum, produce, wait_for
from tests_support import alive

from streams.broker import EmbeddedBroker, free_port
from streams.settings import Settings
from streams.topics import ensure_topics, topic_specs

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SHUTDOWN_TIMEOUT = 5.0

ITEM = ("Ngày 1/3, Công an tỉnh Sơn La bắt quả tang Lò Văn A (SN 1990) đang vận chuyển {n} bánh heroin "
        "tại bản Púng, xã Chiềng Ban, huyện Mai Sơn.")


def news(n: int) -> tuple[str, bytes]:
    return f"out-{n}", json.dumps({"id": f"out-{n}", "published": "2024-03-02", "text": ITEM.format(n=n + 2)},
                                  ensure_ascii=False).encode()


@pytest.fixture()
def own_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(port=free_port(), log_path=tmp_path / "tansu.log")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def health(worker: Any) -> dict | None:
    return worker.health()


def log_lines(worker: Any) -> list[str]:
    return worker.log_path.read_text(errors="replace").splitlines()


def topics_on(broker: EmbeddedBroker) -> set[str]:
    from aiokafka.admin import AIOKafkaAdminClient

    async def run() -> set[str]:
        admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
        await admin.start()
        try:
            return set(await admin.list_topics())
        finally:
            await admin.close()

    return asyncio.run(run())


def test_broker_down_then_back_empty(own_broker: EmbeddedBroker, settings_factory: Callable[..., Settings],
                                     start_worker: Callable[..., Any]) -> None:
    """Down: not ready, a few clear lines, no flood. Back empty: detected, topics re-created, said
    loudly, new items counted. Down again: SIGTERM stops the worker within seconds."""
    s = settings_factory(broker=own_broker.url, shutdown_timeout=SHUTDOWN_TIMEOUT, log_level="INFO")
    asyncio.run(ensure_topics(s))
    w = start_worker(s)
    consumed = lambda: metric_sum(w.base_url, "seizurewatch_items_consumed_total")
    produce(s, [news(0)])
    wait_for(lambda: consumed() >= 1, 60, "the first item")

    # --- point 6: the broker goes away
    before = len(log_lines(w))
    own_broker.stop()
    wait_for(lambda: (health(w) or {}).get("ready") is False, 20, "health to say not ready")
    assert (health(w) or {}).get("broker", {}).get("reachable") is False
    time.sleep(10)
    outage = log_lines(w)[before:]
    clear = [ln for ln in outage if "unreachable" in ln and "broker" in ln]
    assert clear, "\n".join(outage[-40:])
    assert len(outage) < 60, f"{len(outage)} log lines in ~15 s of outage:\n" + "\n".join(outage[-40:])

    # --- point 7: it comes back, empty
    own_broker.start()  # same port
    wait_for(lambda: (health(w) or {}).get("ready") is True, 90, "health to be ready again")
    lost = [ln for ln in log_lines(w) if "LOST" in ln and "TOPICS" in ln]
    assert lost and s.items_topic in lost[0] and "CRITICAL" in lost[0], lost
    assert {spec.name for spec in topic_specs(s)} <= topics_on(own_broker)
    produce(s, [news(1)])
    wait_for(lambda: consumed() >= 2, 90, "an item sent to the re-created topics")

    # --- point 6: SIGTERM with the broker gone stops within seconds
    own_broker.stop()
    wait_for(lambda: (health(w) or {}).get("ready") is False, 20, "not ready again")
    started = time.monotonic()
    w.proc.send_signal(signal.SIGTERM)
    w.proc.wait(SHUTDOWN_TIMEOUT + 15)
    took = time.monotonic() - started
    assert took < SHUTDOWN_TIMEOUT + 10, took
    print(f"\noutage: {len(outage)} log lines in ~15 s; SIGTERM with the broker down took {took:.1f}s")


def test_a_paused_broker_is_waited_for_and_nothing_is_lost(own_broker: EmbeddedBroker,
                                                          settings_factory: Callable[..., Settings],
                                                          start_worker: Callable[..., Any]) -> None:
    """A broker that stops answering for a while (SIGSTOP: a hung host, a network cut) and comes back
    with its data: the worker reports not ready meanwhile and resumes by itself."""
    s = settings_factory(broker=own_broker.url, shutdown_timeout=SHUTDOWN_TIMEOUT)
    asyncio.run(ensure_topics(s))
    w = start_worker(s)
    consumed = lambda: metric_sum(w.base_url, "seizurewatch_items_consumed_total")
    produce(s, [news(n) for n in range(5)])
    wait_for(lambda: consumed() >= 5, 60, "the first items")
    assert own_broker.pid is not None
    os.kill(own_broker.pid, signal.SIGSTOP)
    try:
        wait_for(lambda: (health(w) or {}).get("ready") is False, 30, "not ready while the broker hangs")
    finally:
        os.kill(own_broker.pid, signal.SIGCONT)
    produce(s, [news(n) for n in range(5, 10)])
    wait_for(lambda: consumed() >= 10, 90, "the items after the pause")
    wait_for(lambda: (health(w) or {}).get("ready") is True, 60, "ready again")



def test_up_killed_leaves_no_broker_and_no_worker(tmp_path: Path) -> None:
    """Point 8: `up` killed with SIGKILL (or by the OOM killer) left its broker and worker running for ever."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "up", "--no-samples", "--web-port", str(free_port())],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("worker ready after"):
                break
        out = "".join(lines)
        broker = re.search(r"^broker:\s+\S+ \(embedded, pid (\d+)\)", out, re.MULTILINE)
        worker = re.search(r"^worker:\s+pid (\d+)", out, re.MULTILINE)
        assert broker and worker, out
        pids = [int(broker.group(1)), int(worker.group(1))]
        children = [int(p) for p in _children_of(pids[1])]  # the worker's extractor process
        assert all(alive(p) for p in pids)
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 15
        while any(alive(p) for p in pids + children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in pids + children if alive(p)], out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _children_of(pid: int) -> list[str]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(stat.parent.name)
        except (OSError, ValueError, IndexError):
            continue
    return out
