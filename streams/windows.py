"""Pure event-time window arithmetic: which windows a date falls in, and when they expire.

Event time is ``SeizureEvent.event_date`` (the incident date, else the period end, else
the publication date), never the wall clock or the Kafka timestamp, so that replaying a
topic rebuilds the same windows. Windows are closed date ranges ``[start, end]``:

- ``1d``    daily tumbling: ``[d, d]``
- ``month`` calendar-month tumbling: first..last day of d's month
- ``30d``   hopping, 30 days long, stepping daily: the 30 windows ``[s, s+29]`` with
            ``d-29 <= s <= d`` contain d; the *trailing* one ``[d-29, d]`` is "the last
            30 days as of d" (what tables show and rules evaluate)
- ``all``   all time (no bounds)
- ``event`` one single event (bounds = its date)

Expiry: a window whose end is more than ``retention_days`` before the watermark (the
latest event date seen) is dropped. Expiry follows event time too, so it is replayable.

No faust, no Kafka, no clock.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

WindowName = Literal["all", "1d", "30d", "month", "event"]
TUMBLING_AND_HOPPING: tuple[WindowName, ...] = ("1d", "30d", "month")
HOP_SIZE_DAYS = 30
HOP_STEP_DAYS = 1


@dataclass(frozen=True, order=True)
class Window:
    """A closed range of event dates; ``start``/``end`` are None only for ``all``."""

    name: WindowName
    start: dt.date | None
    end: dt.date | None

    def contains(self, day: dt.date) -> bool:
        if self.start is None or self.end is None:
            return True
        return self.start <= day <= self.end

    def days(self) -> list[dt.date]:
        """Every day of a bounded window (empty for ``all``)."""
        if self.start is None or self.end is None:
            return []
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    @property
    def key(self) -> str:
        """Stable text key, e.g. ``month:2023-06-01`` or ``all``."""
        return self.name if self.start is None else f"{self.name}:{self.start.isoformat()}"


ALL_TIME = Window("all", None, None)


def day_window(day: dt.date) -> Window:
    return Window("1d", day, day)


def month_window(day: dt.date) -> Window:
    last = calendar.monthrange(day.year, day.month)[1]
    return Window("month", day.replace(day=1), day.replace(day=last))


def trailing_window(day: dt.date, size_days: int = HOP_SIZE_DAYS) -> Window:
    """The hopping window that ends on ``day``: the last ``size_days`` days as of ``day``."""
    return Window("30d", day - dt.timedelta(days=size_days - 1), day)


def hopping_windows(day: dt.date, size_days: int = HOP_SIZE_DAYS, step_days: int = HOP_STEP_DAYS) -> list[Window]:
    """Every hopping window containing ``day`` (starts aligned to the epoch ordinal, step ``step_days``)."""
    first_start = day - dt.timedelta(days=size_days - 1)
    # align starts to multiples of step (ordinal-based) so windows are the same for every day
    offset = (-first_start.toordinal()) % step_days
    start = first_start + dt.timedelta(days=offset)
    out = []
    while start <= day:
        out.append(Window("30d", start, start + dt.timedelta(days=size_days - 1)))
        start += dt.timedelta(days=step_days)
    return out


def window_for(name: WindowName, day: dt.date | None) -> Window | None:
    """The window of kind ``name`` that a table shows / a rule evaluates for an event on ``day``.

    None when the window needs a date and the event has none (such events count only all-time).
    """
    if name == "all":
        return ALL_TIME
    if day is None:
        return None
    if name == "1d":
        return day_window(day)
    if name == "month":
        return month_window(day)
    if name == "30d":
        return trailing_window(day)
    if name == "event":
        return Window("event", day, day)
    raise ValueError(f"unknown window {name!r}")


def expiry_cutoff(watermark: dt.date | None, retention_days: int) -> dt.date | None:
    """Windows ending before this date are expired (None: nothing expires yet)."""
    if watermark is None:
        return None
    return watermark - dt.timedelta(days=retention_days)


def is_expired(window_end: dt.date, watermark: dt.date | None, retention_days: int) -> bool:
    cutoff = expiry_cutoff(watermark, retention_days)
    return cutoff is not None and window_end < cutoff


def parse_day(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
