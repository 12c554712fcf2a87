"""The seizure event: what the extractor emits and what ``seizure-events`` carries.

Field names and values of the first block follow ``corpus/SCHEMA.md`` exactly so that
the scorer reads our output as is; the rest is what downstream users need (identity,
normalised masses, official codes, post-2025 province, evidence spans).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Literal

from pydantic import Field, computed_field, model_validator

from schemas.common import MASS_FACTOR_KG, Drug, EventKind, Qualifier, Span, Unit, WireModel


class Seizure(WireModel):
    """One drug quantity in one unit, in the order written."""

    drug: Drug
    quantity: float = Field(gt=0, allow_inf_nan=False)
    unit: Unit
    qualifier: Qualifier = "exact"
    evidence: Span | None = None

    @model_validator(mode="before")
    @classmethod
    def _drop_derived(cls, data: object) -> object:
        """``mass_kg`` is computed and serialized; accept it back (and ignore it) so events round-trip."""
        if isinstance(data, dict) and "mass_kg" in data:
            data = {k: v for k, v in data.items() if k != "mass_kg"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mass_kg(self) -> float | None:
        """The quantity in kilograms when it is a mass, else None (pills stay pills)."""
        factor = MASS_FACTOR_KG.get(self.unit)
        return None if factor is None else round(self.quantity * factor, 9)


class DroppedFigure(WireModel):
    """A figure the text states but the event leaves out, and why (e.g. above its plausibility bound)."""

    text: str = Field(description="the figure as written")
    reason: str = Field(description="'out_of_bounds: ...' (see schemas.bounds)")


class SeizureEvent(WireModel):
    """One statement of seizure figures: a single bust or a period/area total."""

    # --- the fields of corpus/SCHEMA.md ---
    kind: EventKind
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    province: str | None = Field(default=None, description="as officially named at the time of the report")
    date: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    cases: int | None = Field(default=None, ge=0)
    suspects: int | None = Field(default=None, ge=0)
    operations: int | None = Field(default=None, ge=0)
    seizures: list[Seizure] = Field(default_factory=list)

    # --- identity and provenance ---
    event_id: str = Field(default="", description="deterministic: same item and figures give the same id")
    item_id: str = ""
    source: str | None = None
    published: dt.date | None = None

    # --- places, normalised ---
    province_code: str | None = Field(default=None, description="official code of `province`")
    province_2025: str | None = Field(default=None, description="the post-July-2025 province it lies in")
    province_2025_code: str | None = None
    district: str | None = Field(default=None, description="district (huyện/quận/thị xã) of the seizure place, "
                                 "as written with diacritics, when the text names it; matching of reports uses it")
    commune: str | None = Field(default=None, description="commune (xã/phường/thị trấn/bản) of the seizure place, when named")
    area: str | None = Field(default=None, description="a named region when the place is no single province "
                             "('Bắc Lào', 'Tam giác vàng'); null otherwise")

    # --- the real-world event it reports (set by the worker before seizure-events) ---
    cluster_id: str | None = Field(default=None, description="the bust this report belongs to (``bu-...``, stable: "
                                   "derived from the report that founded it) or, for a period total, the period "
                                   "statistic (``st-...``: area and period); null before clustering")

    # --- evidence: field name -> where it came from ---
    evidence: dict[str, Span] = Field(default_factory=dict)
    dropped: list[DroppedFigure] = Field(default_factory=list, description="figures of the statement left out "
                                         "as implausible (above the bounds of schemas.bounds), with the reason")

    @model_validator(mode="after")
    def _consistent(self) -> SeizureEvent:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        if not self.has_figures():
            raise ValueError("an event needs at least one figure (cases, suspects, operations or a seizure)")
        if not self.event_id:
            self.event_id = self.compute_id()
        return self

    def has_figures(self) -> bool:
        """True when the event carries something to count."""
        return bool(self.seizures) or any(v is not None for v in (self.cases, self.suspects, self.operations))

    def compute_id(self, ordinal: int = 0) -> str:
        """A stable id from the item id and the event's facts, so a redelivered item maps to the same ids."""
        facts = {
            "item": self.item_id, "n": ordinal, "kind": self.kind, "province": self.province,
            "date": str(self.date), "ps": str(self.period_start), "pe": str(self.period_end),
            "c": self.cases, "s": self.suspects, "o": self.operations,
            "z": [(s.drug, s.quantity, s.unit, s.qualifier) for s in self.seizures],
        }
        digest = hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return f"ev-{digest[:20]}"

    @property
    def event_date(self) -> dt.date | None:
        """The event-time used by windows: the incident date, else the period end, else publication."""
        return self.date or self.period_end or self.published


class EventRetraction(WireModel):
    """On ``seizure-events``: an earlier event is withdrawn (its item was republished with other figures).

    Consumers drop the event with this ``event_id``; the tables were corrected by the difference.
    """

    type: Literal["retraction"] = "retraction"
    event_id: str
    item_id: str
    cluster_id: str | None = Field(default=None, description="the bust or statistic it had belonged to")
    area: str = Field(description="the area key it was counted under")
    reason: str = Field(default="item_replaced", description="why: item_replaced = a new version of the item")
