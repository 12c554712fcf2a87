"""Pure: period statistics — reported, never accumulated.

A period report ("năm 2021 ... 3.352 vụ", "6 tháng đầu năm ...") restates an official
figure; adding it to running sums counts the same busts again and again. Here every
aggregate event becomes one *report* in the row of its ``(area, period)``, holding its
figures by metric, its source, item and publication date. Rows are keyed by the report's
event id, so a redelivered or republished report replaces itself (idempotent), and a
later report on the same area and period supersedes the earlier one in the headline.

**Headline rule** (``headline``), per metric:

1. *latest report for each stretch of time*: for each distinct period the value of the
   most recently published report that gives the metric (within one report, the largest
   value for that period: a part is never larger than its whole);
2. *one anchor*: the period that ends last (then the longest, then the earliest start);
3. *non-overlapping extension only*: periods that end the day before the chain starts
   are added to it, the longest first, so the figure covers one contiguous span built
   from non-overlapping reported periods — overlapping periods are never added.

The headline reports its value, its span (``start``..``end``) and the periods used.
Periods without dates are never chained; they are a headline only when the area has no
dated period. No faust, no Kafka, no clock.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from pydantic import BaseModel, Field

from schemas.events import SeizureEvent
from streams.clustering import figures_of, metrics_of

MAX_REPORTS = 32
"""Reports kept per (area, period) row: the most recently published (older ones are superseded anyway)."""


class PeriodReport(BaseModel):
    item_id: str
    source: str | None = None
    published: dt.date | None = None
    metrics: dict[str, float] = Field(default_factory=dict)


class PeriodRow(BaseModel):
    """Every report on one area and one period."""

    area: str
    start: dt.date | None = None
    end: dt.date | None = None
    reports: dict[str, PeriodReport] = Field(default_factory=dict, description="event_id -> report")

    @property
    def key(self) -> str:
        return period_row_key(self.area, self.start, self.end)

    @property
    def statistic_id(self) -> str:
        return statistic_id(self.area, self.start, self.end)

    def add(self, event_id: str, report: PeriodReport) -> bool:
        """Add (or replace) one report; keeps the ``MAX_REPORTS`` latest. False when nothing changed."""
        if self.reports.get(event_id) == report:
            return False
        reports = dict(self.reports)
        reports[event_id] = report
        if len(reports) > MAX_REPORTS:
            keep = sorted(reports, key=lambda e: (reports[e].published or dt.date.min, e))[-MAX_REPORTS:]
            reports = {e: reports[e] for e in sorted(keep)}
        changed = reports != self.reports
        self.reports = reports
        return changed

    def remove(self, event_id: str) -> bool:
        return self.reports.pop(event_id, None) is not None

    def values(self) -> dict[str, tuple[float, str]]:
        """metric -> (value, event id) of the latest report giving it (rule 1 of the headline)."""
        out: dict[str, tuple[float, str]] = {}
        rank: dict[str, tuple] = {}
        for eid, r in self.reports.items():
            for metric, value in r.metrics.items():
                key = (r.published or dt.date.min, r.item_id, value, eid)
                if metric not in rank or key > rank[metric]:
                    rank[metric], out[metric] = key, (value, eid)
        return out

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


def period_of(event: SeizureEvent) -> tuple[dt.date | None, dt.date | None]:
    """The (start, end) of an aggregate; an open end is the publication date (or the start)."""
    start = event.period_start
    end = event.period_end or event.published or start
    if start is not None and end is not None and end < start:
        end = start
    return start, end


def period_row_key(area: str, start: dt.date | None, end: dt.date | None) -> str:
    return f"s|{area}|{start.isoformat() if start else ''}|{end.isoformat() if end else ''}"


def statistic_id(area: str, start: dt.date | None, end: dt.date | None) -> str:
    """The id of a period statistic (area and period): what ``cluster_id`` says on an aggregate event."""
    raw = f"{area}\x1f{start}\x1f{end}"
    return "st-" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def report_of(event: SeizureEvent) -> PeriodReport:
    metrics = metrics_of(figures_of(event))
    metrics.pop("events", None)
    return PeriodReport(item_id=event.item_id, source=event.source, published=event.published, metrics=metrics)


class Headline(BaseModel):
    value: float
    start: dt.date | None = None
    end: dt.date | None = None
    periods: list[dict] = Field(default_factory=list, description="[{start, end, value, event_id}] used")


def headline(rows: list[PeriodRow]) -> dict[str, Headline]:
    """metric -> the headline figure of an area (rule in the module docstring)."""
    per_metric: dict[str, list[tuple[dt.date | None, dt.date | None, float, str]]] = {}
    for row in rows:
        for metric, (value, eid) in row.values().items():
            per_metric.setdefault(metric, []).append((row.start, row.end, value, eid))
    out: dict[str, Headline] = {}
    for metric, periods in sorted(per_metric.items()):
        dated = [p for p in periods if p[0] is not None and p[1] is not None]
        if not dated:
            start, end, value, eid = max(periods, key=lambda p: (p[1] or dt.date.min, p[3]))
            out[metric] = Headline(value=value, start=start, end=end,
                                   periods=[{"start": start, "end": end, "value": value, "event_id": eid}])
            continue

        def span(p: tuple) -> int:
            return (p[1] - p[0]).days

        anchor = max(dated, key=lambda p: (p[1], span(p), -p[0].toordinal(), p[3]))
        chain = [anchor]
        while True:
            before = [p for p in dated if p[1] == chain[-1][0] - dt.timedelta(days=1)]
            if not before:
                break
            chain.append(max(before, key=lambda p: (span(p), p[3])))
        chain.reverse()
        out[metric] = Headline(value=round(sum(p[2] for p in chain), 9), start=chain[0][0], end=chain[-1][1],
                               periods=[{"start": p[0], "end": p[1], "value": p[2], "event_id": p[3]}
                                        for p in chain])
    return out


def period_list(rows: list[PeriodRow]) -> list[dict]:
    """Every reported period of an area with its current values, newest period first (for views)."""
    out = []
    for row in sorted(rows, key=lambda r: (r.end or dt.date.min, r.start or dt.date.min), reverse=True):
        values = row.values()
        sources = sorted({r.source for r in row.reports.values() if r.source})
        out.append({"statistic_id": row.statistic_id, "start": row.start, "end": row.end,
                    "values": {m: v for m, (v, _) in sorted(values.items())},
                    "reports": len(row.reports), "sources": sources,
                    "published": max((r.published for r in row.reports.values() if r.published), default=None)})
    return out
