"""The bust record on the compacted ``seizure-busts`` topic, keyed by ``cluster_id``.

One real-world seizure told by one or more reports: its current figures (merged from the
reports, see ``streams.clustering``) and its provenance. The latest record per key is the
bust's state; a null value (tombstone) means every report of it was withdrawn.
"""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from schemas.common import Drug, Qualifier, WireModel


class BustSeizure(WireModel):
    drug: Drug
    quantity: float = Field(description="kg for masses, else a count in `unit`")
    unit: str = Field(description="kg, pill, brick, package or dose")
    qualifier: Qualifier = "exact"

class Bust(WireModel):
    cluster_id: str
    area: str = Field(description="area key: a province name, or LA:..., region:..., country:..., unknown")
    date: dt.date | None = Field(default=None, description="the bust's date (of the report that founded it)")
    cases: int | None = None
    suspects: int | None = None
    operations: int | None = None
    seizures: list[BustSeizure] = Field(default_factory=list)
    reports: int = Field(description="how many reports (items) told this bust")
    sources: list[str] = Field(default_factory=list, description="distinct outlets among the kept reports")
    item_ids: list[str] = Field(default_factory=list, description="items of the kept reports (up to 16)")
    event_ids: list[str] = Field(default_factory=list, description="events of the kept reports (up to 16)")
    first_seen: dt.date | None = Field(default=None, description="earliest publication among its reports")
    last_seen: dt.date | None = Field(default=None, description="latest publication among its reports")
    metrics: dict[str, float] = Field(default_factory=dict, description="what the bust adds to its area's tables")
