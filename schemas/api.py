"""Response models of the worker's HTTP API: ``/api/openapi.json`` is generated from them.

These describe what the views return (tests validate real responses against them); the
views themselves build plain dicts from the read model. Documents that the read model may
grow carry ``extra="allow"``: a client must ignore fields it does not know.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.alerts import Alert
from schemas.events import SeizureEvent

Metrics = dict[str, float]
"""metric -> value: ``cases``, ``suspects``, ``operations``, ``events``, ``<drug>_kg``, ``<drug>_pills`` ..."""


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorResponse(BaseModel):
    error: str = Field(description="what went wrong, for people")
    status: int = Field(description="the HTTP status, repeated")


class Health(Open):
    ready: bool = Field(description="joined the consumer group, tables recovered, not rebalancing")
    assigned_partitions: int
    recovered: bool
    rebalancing: bool
    app_id: str
    peers: list[str] = Field(default_factory=list, description="web URLs of the other workers of the group")


class ProvinceSummary(Open):
    province: str = Field(description="post-2025 province (the aggregation key)")
    events: int = Field(description="events counted")
    watermark: dt.date | None = Field(description="latest event date")
    totals: dict[str, Metrics] = Field(description="kind (incident / aggregate) -> metric -> value")
    estimated_kg: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="ESTIMATE, kind -> drug -> kg from counted units (bricks, pills) with the "
                                          "mass_estimate_kg setting; never included in the measured *_kg totals")


class ProvincesResponse(Open):
    provinces: list[ProvinceSummary]
    partial: bool = Field(description="true when a peer worker did not answer (some provinces may be missing)")


class WindowValues(Open):
    start: dt.date | None
    end: dt.date | None
    incident: Metrics = Field(default_factory=dict)
    aggregate: Metrics = Field(default_factory=dict)


class ProvinceDetail(ProvinceSummary):
    windows: dict[str, WindowValues] = Field(description="1d / 30d / month windows at the watermark")
    daily: dict[str, dict[str, Metrics]] = Field(description="kind -> ISO day -> metric -> value (within retention)")


class AlertsResponse(Open):
    alerts: list[Alert]
    partial: bool


class ItemInfo(Open):
    id: str
    type: str
    title: str | None = None
    text: str | None = Field(default=None, description="the item's text: evidence offsets point into it")
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None


class EventResponse(Open):
    event: SeizureEvent
    item: ItemInfo | None = Field(description="the item the event was read from, with its text (once)")


class SeriesResponse(Open):
    by: Literal["month"] = "month"
    kind: Literal["incident"] = "incident"
    areas: dict[str, dict[str, Metrics]] = Field(
        description="province -> YYYY-MM -> metric -> value; sum the months of a date range for its totals")
    partial: bool = False


class Place(BaseModel):
    name: str
    code: str | None = None
    lat: float
    lon: float
    country: str = Field(description="ISO code: VN, LA, KH, CN")
    current: bool = Field(description="a province of the post-July-2025 map (false: a pre-2025 province)")


class PlacesResponse(BaseModel):
    places: list[Place]
    source: str = Field(description="where the coordinates come from")
