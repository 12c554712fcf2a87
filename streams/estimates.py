"""Estimated mass of counted units (bricks, pills, ...): labelled estimates, never mixed with measured kg.

Owns the conversion from a count to an *estimated* mass with the factors of the
``mass_estimate_kg`` setting (whose description states their sources), keyed by unit
(``brick``) or by drug and unit (``heroin.brick``, which wins). A measured mass (kg, g)
is never estimated, a unit without a factor gives no estimate, and no function here
returns a sum of measured and estimated mass: callers show them side by side.
Pure: no faust, no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from schemas.common import MASS_FACTOR_KG, Drug
from schemas.events import Seizure
from streams.aggregation import UNIT_METRIC, metric_name

COUNT_UNITS = tuple(u for u in UNIT_METRIC if u not in MASS_FACTOR_KG)
"""Units that are counts: brick, pill, package, dose."""
_METRIC_TO_DRUG_UNIT = {metric_name(d, UNIT_METRIC[u]): (d, u) for d in get_args(Drug) for u in COUNT_UNITS}
"""``heroin_bricks`` -> (heroin, brick), ``meth_pills`` -> (meth_pills, pill)."""


def factor(drug: str, unit: str, factors: Mapping[str, float]) -> float | None:
    """kg per ``unit`` of ``drug`` (``drug.unit`` first, then ``unit``), None for masses and unknown units."""
    if unit not in COUNT_UNITS:
        return None
    value = factors.get(f"{drug}.{unit}", factors.get(unit))
    return float(value) if value is not None and value > 0 else None


def estimate_kg(drug: str, unit: str, quantity: float, factors: Mapping[str, float]) -> float | None:
    """The estimated mass of ``quantity`` ``unit`` of ``drug``; None when it is a mass or has no factor."""
    f = factor(drug, unit, factors)
    return None if f is None else round(quantity * f, 9)


def seizure_estimate_kg(seizure: Seizure, factors: Mapping[str, float]) -> float | None:
    """The estimated mass of one seizure figure; None when it is measured or has no factor."""
    return estimate_kg(seizure.drug, seizure.unit, seizure.quantity, factors)


def estimates_by_drug(metrics: Mapping[str, float], factors: Mapping[str, float]) -> dict[str, float]:
    """Estimated kg per drug from table metrics (``heroin_bricks: 8`` -> ``heroin: 2.8``); counts only."""
    out: dict[str, float] = {}
    for metric, value in metrics.items():
        drug_unit = _METRIC_TO_DRUG_UNIT.get(metric)
        if drug_unit is None or not value:
            continue
        f = factor(*drug_unit, factors)
        if f is not None:
            out[drug_unit[0]] = round(out.get(drug_unit[0], 0.0) + value * f, 9)
    return dict(sorted(out.items()))
