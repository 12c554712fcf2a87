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
from schemas.busts import Bust
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


class HeadlineFigure(Open):
    value: float
    start: dt.date | None = Field(description="first day of the span the figure covers")
    end: dt.date | None = Field(description="last day of the span")
    periods: list[dict] = Field(description="the reported periods it is made of (non-overlapping)")


class ProvinceSummary(Open):
    """One area: a Vietnamese province in /api/provinces, any other area in /api/areas."""

    area: str = Field(description="area key: the post-2025 province name, or LA:..., region:..., country:..., unknown")
    area_type: Literal["province", "foreign_province", "region", "country", "unknown"]
    name: str
    country: str | None = None
    province: str | None = Field(default=None, description="post-2025 province (provinces only)")
    busts: int = Field(description="real-world busts counted (each once, whatever the number of reports)")
    periods: int = Field(description="distinct reported periods (period statistics)")
    reports: int = Field(description="reports behind the busts and the period statistics")
    watermark: dt.date | None = Field(description="latest bust date")
    totals: dict[str, Metrics] = Field(description="incident: sums over busts; aggregate: the period headline figures")
    headline: dict[str, HeadlineFigure] = Field(
        default_factory=dict, description="metric -> headline period figure (latest report per period, only "
                                          "non-overlapping periods added) with its span")
    estimated_kg: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="ESTIMATE, kind -> drug -> kg from counted units (bricks, pills) with the "
                                          "mass_estimate_kg setting; never included in the measured *_kg totals")


class ProvincesResponse(Open):
    provinces: list[ProvinceSummary]
    partial: bool = Field(description="true when a peer worker did not answer (some provinces may be missing)")


class AreasResponse(Open):
    areas: list[ProvinceSummary] = Field(description="areas that are not provinces; unknown last")
    partial: bool


class WindowValues(Open):
    start: dt.date | None
    end: dt.date | None
    incident: Metrics = Field(default_factory=dict)
    aggregate: Metrics = Field(default_factory=dict)


class ProvinceDetail(ProvinceSummary):
    windows: dict[str, WindowValues] = Field(description="1d / 30d / month windows at the watermark (busts only)")
    daily: dict[str, dict[str, Metrics]] = Field(description="incident -> ISO day -> metric -> value (busts by date)")
    period_statistics: list[dict] = Field(description="every reported period: values, reports, sources")
    bust_list: list[Bust] = Field(description="the latest busts with their reports and sources")


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
