"""Plausibility bounds of figures: the largest value one statement may carry, per kind and unit.

A finite but absurd figure (``quantity: 1e308``) is valid JSON and a valid float, yet two of
them make a province's sum ``Infinity``, which is not JSON and poisons every view and rule
downstream. The reader (``streams.item_reader``) checks report items and the ingest step
checks extracted events against these bounds; a figure above its bound dead-letters the
item as ``figure_out_of_bounds`` (replayable after raising the bound).

Why bounds keep sums finite: every bound is below 1e12 and a float holds 1.8e308, so no
realistic number of events (< 1e290) can overflow a sum.

The defaults are generous (about ten times the largest seizures reported anywhere): a
bound is a guard against garbage, not a judgement on the news. They are settings
(``SEIZUREWATCH_FIGURE_BOUNDS``, JSON, e.g. ``{"incident": {"kg": 20000}}``; unnamed
limits keep their defaults). Masses are bounded in kilograms whatever unit they were
written in. No faust, no Kafka.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from schemas.common import MASS_FACTOR_KG

MAX_BOUND = 1e12
"""No bound may exceed this (the 'sums stay finite' argument above relies on it)."""


class KindLimits(BaseModel):
    """Largest figure of one statement of one kind: a mass in kg, counts per unit, people and cases."""

    model_config = ConfigDict(extra="forbid")

    kg: float = Field(default=100_000.0, gt=0, le=MAX_BOUND, description="mass, any mass unit, in kg")
    pill: float = Field(default=1e9, gt=0, le=MAX_BOUND)
    brick: float = Field(default=1e6, gt=0, le=MAX_BOUND)
    package: float = Field(default=1e7, gt=0, le=MAX_BOUND)
    dose: float = Field(default=1e8, gt=0, le=MAX_BOUND)
    cases: int = Field(default=10_000, gt=0, le=int(MAX_BOUND))
    suspects: int = Field(default=10_000, gt=0, le=int(MAX_BOUND))
    operations: int = Field(default=10_000, gt=0, le=int(MAX_BOUND))


class AggregateLimits(KindLimits):
    """Period and area totals (a province's year, a national campaign) are larger than one bust."""

    kg: float = Field(default=10_000_000.0, gt=0, le=MAX_BOUND, description="mass, any mass unit, in kg")
    pill: float = Field(default=1e11, gt=0, le=MAX_BOUND)
    brick: float = Field(default=1e8, gt=0, le=MAX_BOUND)
    package: float = Field(default=1e9, gt=0, le=MAX_BOUND)
    dose: float = Field(default=1e10, gt=0, le=MAX_BOUND)
    cases: int = Field(default=10_000_000, gt=0, le=int(MAX_BOUND))
    suspects: int = Field(default=10_000_000, gt=0, le=int(MAX_BOUND))
    operations: int = Field(default=10_000_000, gt=0, le=int(MAX_BOUND))


class _Quantity(Protocol):
    quantity: float
    unit: str


class Figures(Protocol):
    """What a report item and an extracted event have in common."""

    kind: str
    cases: int | None
    suspects: int | None
    operations: int | None

    @property
    def seizures(self) -> Iterable[_Quantity]: ...


class FigureBounds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident: KindLimits = Field(default_factory=KindLimits)
    aggregate: AggregateLimits = Field(default_factory=AggregateLimits)

    def limit(self, kind: str, name: str) -> float:
        """The bound of one figure: ``name`` is a count field (cases, suspects, operations) or a unit
        (masses are bounded in kg: pass ``kg`` with the mass in kg)."""
        limits: KindLimits = self.aggregate if kind == "aggregate" else self.incident
        return float(getattr(limits, "kg" if name in MASS_FACTOR_KG else name))

    def violations(self, figures: Figures) -> list[str]:
        """One line per figure above its bound (empty when all are plausible)."""
        limits: KindLimits = self.aggregate if figures.kind == "aggregate" else self.incident
        out = []
        for name in ("cases", "suspects", "operations"):
            value = getattr(figures, name)
            bound = getattr(limits, name)
            if value is not None and value > bound:
                out.append(f"{name} {_short(value)} > {bound:g} (figure_bounds.{figures.kind}.{name})")
        for n, s in enumerate(figures.seizures):
            factor = MASS_FACTOR_KG.get(s.unit)
            if factor is not None:
                value, limit_name = s.quantity * factor, "kg"
            else:
                value, limit_name = s.quantity, s.unit
            bound = getattr(limits, limit_name)
            if value > bound:
                out.append(f"seizures[{n}] {_short(s.quantity)} {s.unit} > {bound:g} {limit_name} "
                           f"(figure_bounds.{figures.kind}.{limit_name})")
        return out


def _short(value: float) -> str:
    """A figure for an error line: ints of any size stay readable (``:g`` overflows past 1e308)."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(text)} digits)"
