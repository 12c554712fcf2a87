"""The pure half of streams.broker_watch: one clear line when the broker goes, a bounded number
while it stays away, one when it is back (issue 10, point 6), and the loud empty-broker line (point 7)."""
from __future__ import annotations

import logging

from streams.broker_watch import BrokerState, lost_topics_line, transition


def run(probes: list[bool], every: float = 1.0, repeat: float = 30.0) -> tuple[BrokerState, list[tuple[int, str]]]:
    state, lines = BrokerState(), []
    for n, ok in enumerate(probes):
        state, out = transition(state, ok, "" if ok else "KafkaConnectionError: refused", n * every,
                                broker="kafka://b:9092", repeat_every=repeat)
        lines += out
    return state, lines


def test_an_outage_of_ten_minutes_logs_a_bounded_number_of_lines() -> None:
    state, lines = run([True] + [False] * 600 + [True], every=1.0, repeat=30.0)
    assert state.reachable
    levels = [lvl for lvl, _ in lines]
    assert levels[0] == logging.ERROR and "unreachable" in lines[0][1] and "refused" in lines[0][1]
    assert levels[-1] == logging.WARNING and "answers again after 600 s" in lines[-1][1]
    assert len(lines) == 2 + 600 // 30 - 1  # first, one per 30 s while down, back


def test_no_lines_while_all_is_well() -> None:
    assert run([True] * 100)[1] == []


def test_the_lost_topics_line_names_them_and_what_is_lost() -> None:
    line = lost_topics_line(["seizure-items", "app-area_state-changelog"], "kafka://b:9092")
    assert "LOST 2 TOPICS" in line and "seizure-items" in line and "changelog" in line
    assert "not yet consumed" in line and "restart" in line
