"""Input wire formats on ``seizure-items``: a news article or a structured field report.

Both carry ``type`` ("news" / "report"); an object without ``type`` is read as news,
which is also the shape of the annotated corpus items (their gold fields are ignored).

Unknown fields are accepted and ignored: feeds add metadata over time (``source_url``,
``lang``, ``tags``, the corpus' gold ``events``), and an item must not be refused for
what it adds; only the known fields are validated. (Every other wire model refuses
unknown fields: those are written by this service.)

Dates are checked against a clock that the caller passes in (``parse_item(data,
today=...)``, a validation context), never against the machine's date inside a
validator: the same bytes and the same clock always give the same answer.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationInfo, field_validator

from schemas.common import Drug, EventKind, Qualifier, Unit, WireModel

EARLIEST_DATE = dt.date(1975, 1, 1)
FUTURE_SLACK = dt.timedelta(days=2)
MAX_TEXT_CHARS = 1_000_000


def _plausible_date(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """Refuse dates no report can carry (year 3000, 1900): they would poison event-time windows.

    The upper end is ``today + FUTURE_SLACK`` where ``today`` comes from the validation
    context (``parse_item(..., today=...)``); without a clock only the lower end is checked.
    """
    if value is None:
        return None
    today = (info.context or {}).get("today")
    latest = today + FUTURE_SLACK if today is not None else dt.date.max
    if not EARLIEST_DATE <= value <= latest:
        upper = latest.isoformat() if today is not None else ""
        raise ValueError(f"date {value.isoformat()} is outside {EARLIEST_DATE.isoformat()}..{upper}")
    return value


class _ItemBase(WireModel):
    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=200)
    source: str | None = Field(default=None, max_length=200, description="outlet or feed name")
    url: str | None = Field(default=None, max_length=2000)
    published: dt.date | None = None

    _check_published = field_validator("published")(classmethod(lambda cls, v, info: _plausible_date(v, info)))


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

    model_config = ConfigDict(extra="ignore")

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
        classmethod(lambda cls, v, info: _plausible_date(v, info))
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

def parse_item(data: Any, *, today: dt.date | None = None) -> NewsItem | ReportItem:
    """Validate a decoded JSON object as an item (raises pydantic.ValidationError).

    ``today`` is the clock for the date checks (dates after ``today + FUTURE_SLACK`` are
    refused); the reader of the worker and the commands always passes it.
    """
    return ITEM_ADAPTER.validate_python(data, context={"today": today})
