"""Unit tests of event-time window arithmetic (streams.windows)."""
from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from streams.windows import (
    ALL_TIME,
    day_window,
    expiry_cutoff,
    hopping_windows,
    is_expired,
    month_window,
    trailing_window,
    window_for,
)

days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


def test_month_window_handles_lengths_and_leap_years() -> None:
    assert month_window(dt.date(2024, 2, 10)) == month_window(dt.date(2024, 2, 29))
    w = month_window(dt.date(2024, 2, 10))
    assert (w.start, w.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_window(dt.date(2023, 2, 1)).end == dt.date(2023, 2, 28)
    assert month_window(dt.date(2023, 12, 31)).start == dt.date(2023, 12, 1)


def test_trailing_window_is_thirty_days_ending_on_the_day() -> None:
    w = trailing_window(dt.date(2023, 3, 1))
    assert (w.start, w.end) == (dt.date(2023, 1, 31), dt.date(2023, 3, 1))
    assert len(w.days()) == 30


@given(days)
def test_every_window_contains_its_day(day: dt.date) -> None:
    for name in ("1d", "30d", "month", "event", "all"):
        w = window_for(name, day)
        assert w is not None and w.contains(day)


@given(days)
def test_thirty_hopping_windows_contain_a_day(day: dt.date) -> None:
    ws = hopping_windows(day)
    assert len(ws) == 30
    assert all(w.contains(day) and len(w.days()) == 30 for w in ws)
    assert [w.start for w in ws] == sorted({w.start for w in ws})
    assert trailing_window(day) in ws


@given(days, st.integers(min_value=1, max_value=10))
def test_hopping_windows_with_larger_steps_are_aligned(day: dt.date, step: int) -> None:
    ws = hopping_windows(day, size_days=30, step_days=step)
    assert all(w.start.toordinal() % step == 0 for w in ws)
    assert all(w.contains(day) for w in ws)
    assert len(ws) in (30 // step, 30 // step + 1)


@given(days, days)
def test_tumbling_windows_partition_time(a: dt.date, b: dt.date) -> None:
    assert (month_window(a) == month_window(b)) == ((a.year, a.month) == (b.year, b.month))
    assert (day_window(a) == day_window(b)) == (a == b)


def test_undated_events_only_count_all_time() -> None:
    assert window_for("all", None) is ALL_TIME
    assert window_for("1d", None) is None and window_for("30d", None) is None


def test_expiry() -> None:
    wm = dt.date(2024, 1, 31)
    assert expiry_cutoff(wm, 30) == dt.date(2024, 1, 1)
    assert is_expired(dt.date(2023, 12, 31), wm, 30)
    assert not is_expired(dt.date(2024, 1, 1), wm, 30)
    assert not is_expired(dt.date(1990, 1, 1), None, 30)
