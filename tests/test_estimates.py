"""Estimated mass of counted units: factors by unit or drug.unit, never for measured masses."""
from __future__ import annotations

import pytest

from schemas.events import Seizure
from streams.estimates import estimates_by_drug, factor, seizure_estimate_kg
from streams.settings import Settings

FACTORS = Settings().mass_estimate_kg


def test_default_factors_are_the_documented_ones() -> None:
    assert FACTORS == {"brick": 0.35, "pill": 0.0001}
    description = Settings.model_fields["mass_estimate_kg"].description or ""
    assert "UNODC" in description and "bánh" in description  # the sources are stated


def test_counted_units_are_estimated_and_measured_masses_never() -> None:
    assert seizure_estimate_kg(Seizure(drug="heroin", quantity=12, unit="brick"), FACTORS) == pytest.approx(4.2)
    assert seizure_estimate_kg(Seizure(drug="meth_pills", quantity=56_000, unit="pill"), FACTORS) == pytest.approx(5.6)
    assert seizure_estimate_kg(Seizure(drug="heroin", quantity=3, unit="kg"), FACTORS) is None
    assert seizure_estimate_kg(Seizure(drug="heroin", quantity=300, unit="g"), FACTORS) is None
    assert seizure_estimate_kg(Seizure(drug="heroin", quantity=40, unit="dose"), FACTORS) is None


def test_a_drug_specific_factor_wins() -> None:
    factors = {"brick": 0.35, "cannabis.brick": 1.0}
    assert factor("cannabis", "brick", factors) == 1.0
    assert factor("heroin", "brick", factors) == 0.35
    assert factor("heroin", "kg", factors) is None


def test_table_metrics_give_estimates_per_drug_without_the_measured_kg() -> None:
    metrics = {"heroin_kg": 7.0, "kg": 7.0, "heroin_bricks": 20, "bricks": 20, "meth_pills": 10_000, "pills": 10_000,
               "cases": 3}
    assert estimates_by_drug(metrics, FACTORS) == {"heroin": pytest.approx(7.0), "meth_pills": pytest.approx(1.0)}
