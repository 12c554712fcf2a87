"""The alert record published on ``seizure-alerts`` when a province crosses a threshold."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from schemas.common import EventKind, WireModel

Severity = Literal["info", "warning", "critical"]
WindowName = Literal["all", "1d", "30d", "month", "event", "period"]
"""``all`` = all-time, ``1d`` daily tumbling, ``30d`` hopping by day, ``month`` calendar month,
``event`` = a single bust on its own (a very large seizure), ``period`` = one reported period statistic."""


class Alert(WireModel):
    alert_id: str = Field(description="deterministic: rule, province and window start")
    rule: str
    severity: Severity
    province: str = Field(description="the area key: a province name, or LA:..., region:..., country:..., unknown")
    metric: str
    kind: EventKind
    window: WindowName
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    value: float
    threshold: float
    event_ids: list[str] = Field(default_factory=list, description="events that contributed to the value")
    fired_at: dt.datetime


class UndeliveredAlert(WireModel):
    """The record on the alerts' dead-letter topic: an alert the webhook never accepted.

    Holds the alert itself (replay by POSTing ``alert`` again), where it was sent (the URL
    without credentials), how often, and why the last attempt failed.
    """

    alert: Alert
    url: str = Field(description="the webhook URL, user info and query removed")
    attempts: int = Field(ge=1)
    last_status: int | None = Field(default=None, description="HTTP status of the last attempt; null = no answer")
    error: str = Field(description="why the last attempt failed")
    failed_at: dt.datetime
