"""streams.supervision: library logs at a bounded rate (issue 10, point 6)."""
from __future__ import annotations

import logging

from streams.supervision import RateLimitFilter


def record(name: str, msg: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, None, None)


def test_repeated_library_lines_pass_once_per_interval_and_say_how_many_were_held() -> None:
    now = [0.0]
    f = RateLimitFilter(interval=30.0, clock=lambda: now[0])
    passed = []
    for tick in range(700):  # ~70 lines a second for 10 s, as during an outage
        now[0] = tick / 70
        r = record("aiokafka.conn", "Unable connect to node with id %s")
        if f.filter(r):
            passed.append(r)
    assert len(passed) == 1
    now[0] = 31.0
    r = record("aiokafka.conn", "Unable connect to node with id %s")
    assert f.filter(r) and "699 more like this" in r.msg


def test_own_lines_and_info_lines_are_never_held() -> None:
    f = RateLimitFilter(interval=30.0, clock=lambda: 0.0)
    assert all(f.filter(record("streams.broker_watch", "broker unreachable")) for _ in range(5))
    assert all(f.filter(record("faust.worker", "Starting...", logging.INFO)) for _ in range(5))
