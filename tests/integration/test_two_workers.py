"""Two workers in one group: partitions split, every view complete on both, a survivor takes over.

Each worker holds only its own table partitions; the web views merge the peers' answers
(streams.web). When one worker is killed, the other takes its partitions over, rebuilds
them from the changelogs, and the totals stay exact (the replayed part is deduplicated).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from test_pipeline import (
    get,
    load_extractor,
    metric_sum,
    parse_item,
    produce,
    pure_totals,
    reports_counted,
    table_totals,
    wait_for,
)

from streams.broker import free_port
from streams.settings import Settings

pytestmark = pytest.mark.integration

PROVINCES = ["Sơn La", "Điện Biên", "Lai Châu", "Nghệ An", "Quảng Trị", "Hà Nội", "Lạng Sơn", "Cao Bằng"]


def reports(prefix: str, n: int) -> list[tuple[str, bytes]]:
    out = []
    for i in range(n):
        item = {"id": f"{prefix}-{i}", "type": "report", "province": PROVINCES[i % len(PROVINCES)],
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "cases": 1, "suspects": 1 + i % 4,
                "seizures": [{"drug": "meth_crystal", "quantity": 0.5 + i % 7, "unit": "kg"}]}
        out.append((item["id"], json.dumps(item, ensure_ascii=False).encode()))
    return out


def test_two_workers_split_the_work_and_survive_a_kill(settings_factory: Callable[..., Settings],
                                                       start_worker: Callable[..., Any]) -> None:
    workers: list[Any] = []
    try:
        _scenario(settings_factory, start_worker, workers)
    except AssertionError as exc:  # the worker logs say why (joins, rebalances, recovery)
        raise AssertionError(f"{exc}\n{_diagnosis(workers)}") from exc


def _diagnosis(workers: list[Any]) -> str:
    """What a stuck takeover needs to be explained (issue 10, point 9): per live worker its consumer
    lag per partition (not read yet, or read and not counted?) and every thread's stack (SIGUSR2,
    streams.supervision), then the log tails (joins, rebalances, recovery)."""
    import os
    import signal
    import time
    import urllib.request

    out = []
    for w in workers:
        lag = ""
        if w.proc.poll() is None:
            try:
                with urllib.request.urlopen(f"{w.base_url}/metrics", timeout=10) as resp:
                    lag = "\n".join(ln for ln in resp.read().decode().splitlines()
                                    if ln.startswith(("seizurewatch_consumer_lag", "seizurewatch_items_consumed")))
            except OSError as exc:
                lag = f"/metrics: {exc}"
            os.kill(w.proc.pid, signal.SIGUSR2)
            time.sleep(1)
        out.append(f"--- {w.base_url}\n{lag}\n{w.log_tail(120)}")
    return "\n".join(out)


def _scenario(settings_factory: Callable[..., Settings], start_worker: Callable[..., Any],
              workers: list[Any]) -> None:
    import asyncio

    from streams.topics import ensure_topics

    first = settings_factory(log_level="INFO")
    second = first.model_copy(update={"web_port": free_port(), "data_dir": first.data_dir / "second"})
    asyncio.run(ensure_topics(first))
    workers += [start_worker(first, wait=False), start_worker(second, wait=False)]
    for w in workers:
        w.wait_ready(90)
    wait_for(lambda: all(get(f"{w.base_url}/api/health")["peers"] for w in workers), 60, "both in the group")

    extract = load_extractor(first.extractor)
    records = reports("two", 240)
    expected = {ev.event_id: ev for _, p in records for ev in extract(parse_item(json.loads(p)))}
    produce(first, records)
    n = len(expected)
    for w in workers:
        wait_for(lambda w=w: reports_counted(w.base_url) >= n, 90, f"{w.base_url} to see every event")
        assert table_totals(w.base_url) == pure_totals(first, list(expected.values()))
    local = [len(get(f"{w.base_url}/api/provinces?scope=local")["provinces"]) for w in workers]
    assert all(local) and sum(local) == len(PROVINCES), f"provinces split between the workers: {local}"
    assert sum(metric_sum(w.base_url, "seizurewatch_items_consumed_total") for w in workers) == len(records)

    workers[1].kill()
    survivor = workers[0]
    more = reports("after-kill", 80)
    expected.update({ev.event_id: ev for _, p in more for ev in extract(parse_item(json.loads(p)))})
    produce(first, records[:40] + more)  # some old items again, and new ones
    n = len(expected)
    wait_for(lambda: get(f"{survivor.base_url}/api/health")["peers"] == [], 60, "the dead worker to leave")
    wait_for(lambda: reports_counted(survivor.base_url) >= n, 180,
             "the survivor to hold every province")  # 20-25 s idle; a loaded 2-core box needs more
    assert reports_counted(survivor.base_url) == n
    assert table_totals(survivor.base_url) == pure_totals(first, list(expected.values()))
    assert len(get(f"{survivor.base_url}/api/provinces?scope=local")["provinces"]) == len(PROVINCES)
