"""Pure: the metric vocabulary and the arithmetic of table values (sums, differences, windows).

Owns the metric names (``cases``, ``suspects``, ``operations``, ``events``,
``<drug>_kg`` / ``_pills`` / ``_bricks`` / ``_packages`` / ``_doses`` (``metric_name``: no
stutter, ``meth_pills`` not ``meth_pills_pills``) and the cross-drug totals ``kg``, ``pills``, ``bricks``, ``packages``, ``doses``) and the few operations the
tables need on metric dicts: add, subtract (a bust whose figures changed moves its area's
totals by the difference, never by its whole figures again), and the sum of a window's
days. What a bust or a period report *is* lives in ``streams.clustering`` and
``streams.periods``; where it is stored in ``streams.area_state``. No faust, no Kafka.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from schemas.common import EventKind
from streams.windows import Window

KINDS: tuple[EventKind, ...] = ("incident", "aggregate")
COUNT_METRICS = ("cases", "suspects", "operations")
SUFFIXES = ("kg", "pills", "bricks", "packages", "doses")
UNIT_METRIC = {"kg": "kg", "g": "kg", "pill": "pills", "brick": "bricks", "package": "packages", "dose": "doses"}
"""Seizure unit -> metric suffix; ``g`` is converted to kg (Seizure.mass_kg), counts stay counts."""
DRUGS = ("heroin", "opium", "meth_crystal", "meth_pills", "synthetic_pills", "synthetic", "cannabis",
         "ketamine", "cocaine", "ecstasy", "unspecified")


def metric_name(drug: str, suffix: str) -> str:
    """``heroin`` + ``kg`` -> ``heroin_kg``; a drug already named by its unit does not stutter:
    ``synthetic_pills`` + ``pills`` -> ``synthetic_pills`` (not ``synthetic_pills_pills``)."""
    return drug if drug.endswith(f"_{suffix}") else f"{drug}_{suffix}"


def known_metrics() -> frozenset[str]:
    """Every metric name a table can carry (rules are validated against this)."""
    names = {*COUNT_METRICS, "events", *SUFFIXES}
    names |= {metric_name(d, s) for d in DRUGS for s in SUFFIXES}
    return frozenset(names)


def _round(x: float) -> float:
    # masses like 1904.99 g -> 1.90499 kg: keep sums free of 1e-16 noise without losing grams
    return round(x, 9)


def add_into(target: dict[str, float], delta: Mapping[str, float], sign: float = 1.0) -> None:
    """``target += sign * delta``; metrics that reach zero are dropped (a withdrawn bust leaves no trace)."""
    for metric, amount in delta.items():
        value = _round(target.get(metric, 0.0) + sign * amount)
        if value == 0.0:
            target.pop(metric, None)
        else:
            target[metric] = value


def difference(new: Mapping[str, float], old: Mapping[str, float]) -> dict[str, float]:
    """``new - old`` per metric (the correction a changed bust applies to its area)."""
    out: dict[str, float] = {}
    for metric in set(new) | set(old):
        d = _round(new.get(metric, 0.0) - old.get(metric, 0.0))
        if d:
            out[metric] = d
    return out


def window_sum(window: Window, day_values: Callable[[dt.date], Mapping[str, float]]) -> dict[str, float]:
    """The sum of the daily values over a bounded window."""
    out: dict[str, float] = {}
    for day in window.days():
        add_into(out, day_values(day))
    return out


def total(values: Iterable[Mapping[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for v in values:
        add_into(out, v)
    return out
