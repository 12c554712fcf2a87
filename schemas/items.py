"""Input wire formats on ``seizure-items``: a news article or a structured field report.

Both carry ``type`` ("news" / "report"); an object without ``type`` is read as news,
which is also the shape of the annotated corpus items (their gold fields are ignored).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, TypeAdapter, field_validator

from schemas.common import Drug, EventKind, Qualifier, Unit, WireModel

EARLIEST_DATE = dt.date(1975, 1, 1)
FUTURE_SLACK = dt.timedelta(days=2)
MAX_TEXT_CHARS = 1_000_000


def _plausible_date(value: dt.date | None) -> dt.date | None:
    """Refuse dates no report can carry (year 3000, 1900): they would poison event-time windows."""
    if value is None:
        return None
    latest = dt.date.today() + FUTURE_SLACK
    if not EARLIEST_DATE <= value <= latest:
        raise ValueError(f"date {value.isoformat()} is outside {EARLIEST_DATE.isoformat()}..{latest.isoformat()}")
    return value


class _ItemBase(WireModel):
    id: str = Field(min_length=1, max_length=200)
    source: str | None = Field(default=None, max_length=200, description="outlet or feed name")
    url: str | None = Field(default=None, max_length=2000)
    published: dt.date | None = None

    _check_published = field_validator("published")(classmethod(lambda cls, v: _plausible_date(v)))


class NewsItem(_ItemBase):
    """A press article: free Vietnamese text that the extractor reads."""

    type: Literal["news"] = "news"
    title: str | None = Field(default=None, max_length=2000)
    text: str = Field(max_length=MAX_TEXT_CHARS)

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty or only whitespace")
        return value


class ReportSeizure(WireModel):
    """A drug quantity in a structured report, already in schema units."""

    drug: Drug
    quantity: float = Field(gt=0, allow_inf_nan=False)
    unit: Unit
    qualifier: Qualifier = "exact"


class ReportItem(_ItemBase):
    """A structured field report that already carries its figures (no text extraction needed)."""

    type: Literal["report"]
    kind: EventKind = "incident"
    country: str | None = Field(default="VN", pattern=r"^[A-Z]{2}$")
    province: str | None = None
    district: str | None = Field(default=None, max_length=200,
                                 description="district of the seizure place, when known (helps match reports of one bust)")
    date: dt.date | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    cases: int | None = Field(default=None, ge=0)
    suspects: int | None = Field(default=None, ge=0)
    operations: int | None = Field(default=None, ge=0)
    seizures: list[ReportSeizure] = Field(default_factory=list, max_length=200)
    title: str | None = Field(default=None, max_length=2000)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS)

    _check_dates = field_validator("date", "period_start", "period_end")(
        classmethod(lambda cls, v: _plausible_date(v))
    )


def _item_type(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("type", "news")
    return getattr(value, "type", None)


Item = Annotated[
    Annotated[NewsItem, Tag("news")] | Annotated[ReportItem, Tag("report")],
    Discriminator(_item_type, custom_error_type="unknown_item_type",
                  custom_error_message="unknown item type (expected 'news' or 'report')"),
]
"""Anything that may arrive on ``seizure-items``."""

ITEM_ADAPTER: TypeAdapter[NewsItem | ReportItem] = TypeAdapter(Item)

CORPUS_GOLD_FIELDS = ("events", "notes")
"""Keys of annotated corpus items that are answers, not input: dropped before validation."""


def parse_item(data: Any) -> NewsItem | ReportItem:
    """Validate a decoded JSON object as an item (raises pydantic.ValidationError)."""
    if isinstance(data, dict) and data.get("type", "news") == "news":
        data = {k: v for k, v in data.items() if k not in CORPUS_GOLD_FIELDS}
    return ITEM_ADAPTER.validate_python(data)
