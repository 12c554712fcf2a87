"""Unit tests of the metric arithmetic (streams.aggregation): sums, differences, windows."""
from __future__ import annotations

import datetime as dt

from streams.aggregation import add_into, difference, known_metrics, metric_name, total, window_sum
from streams.windows import month_window, trailing_window


def test_metric_vocabulary() -> None:
    names = known_metrics()
    assert {"cases", "events", "kg", "heroin_kg", "meth_pills", "heroin_bricks", "ketamine_doses"} <= names
    assert "heroin_tonnes" not in names and "meth_pills_pills" not in names
    assert metric_name("synthetic_pills", "pills") == "synthetic_pills" and metric_name("heroin", "kg") == "heroin_kg"


def test_add_and_subtract_leave_no_residue() -> None:
    acc: dict[str, float] = {}
    add_into(acc, {"kg": 1.90499, "events": 1})
    add_into(acc, {"kg": 0.1, "events": 1})
    assert acc == {"kg": 2.00499, "events": 2}
    add_into(acc, {"kg": 2.00499, "events": 2}, -1)
    assert acc == {}, "a withdrawn bust leaves no zero-valued metric behind"


def test_difference_is_the_correction() -> None:
    old = {"events": 1, "meth_crystal_kg": 20.0, "kg": 20.0, "meth_crystal_packages": 20}
    new = {"events": 1, "meth_crystal_kg": 20.4, "kg": 20.4, "meth_crystal_packages": 20}
    d = difference(new, old)
    assert d == {"meth_crystal_kg": 0.4, "kg": 0.4}
    acc = dict(old)
    add_into(acc, d)
    assert acc == new


def test_window_sum_reads_only_the_window_days() -> None:
    days = {dt.date(2024, 3, 1): {"events": 1}, dt.date(2024, 3, 31): {"events": 2}, dt.date(2024, 4, 1): {"events": 4}}
    get = lambda d: days.get(d, {})
    assert window_sum(month_window(dt.date(2024, 3, 15)), get) == {"events": 3}
    assert window_sum(trailing_window(dt.date(2024, 4, 1)), get) == {"events": 6}
    assert total(days.values()) == {"events": 7}
