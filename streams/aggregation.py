"""Pure aggregation: a seizure event -> per-province table deltas, applied exactly once.

Owns the metric vocabulary (``cases``, ``suspects``, ``operations``, ``events``,
``<drug>_kg`` / ``_pills`` / ``_bricks`` / ``_packages`` / ``_doses`` (``metric_name``: no
stutter, ``meth_pills`` not ``meth_pills_pills``) and the cross-drug
totals ``kg``, ``pills``, ``bricks``, ``packages``, ``doses``) and the per-province state
that the faust table ``province_state`` stores (one JSON row per province and month).

**Exactness by construction.** Kafka (and Tansu) give at-least-once delivery: after a
crash or rebalance the same event arrives again. A table row (``MonthState``) holds a
*ledger* ``events: {event_id: contribution}`` next to the sums derived from it; applying
an event whose id is already in the ledger is a no-op, and ledger and sums are written
together in ONE changelog record, so no crash can leave one updated without the other.
Event ids are deterministic (``SeizureEvent.compute_id``) and so is the row an event
belongs to (``row_key``: province and the month of its event date), so a redelivered or
re-published event always meets its own ledger entry. Events are published keyed by
province, so every row of a province lives in the same partition.

Rows are sharded by (province, event month) so that a write costs one month of events,
not the province's whole history. ``ProvinceState`` is the read model over a province's
rows (all-time sums = sum of the rows; month and 30-day values = sums of daily buckets,
so the hopping window needs no storage of its own).

Memory stays bounded by event-time expiry (``streams.windows``): a month that ended more
than ``retention_days`` before the province's latest event date is compacted — its daily
buckets and per-event detail are dropped, its sums and its ledger ids (dedup) stay.

Incidents and aggregates (period reports) are kept apart everywhere (``kind``), so a
period total never inflates incident totals. No faust, no Kafka, no clock.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field

from schemas.common import EventKind
from schemas.events import SeizureEvent
from streams.windows import Window, is_expired, month_window, window_for

UNKNOWN_PROVINCE = "unknown"
KINDS: tuple[EventKind, ...] = ("incident", "aggregate")
COUNT_METRICS = ("cases", "suspects", "operations")
UNIT_METRIC = {"kg": "kg", "g": "kg", "pill": "pills", "brick": "bricks", "package": "packages", "dose": "doses"}
"""Seizure unit -> metric suffix; ``g`` is converted to kg (Seizure.mass_kg), counts stay counts."""
DRUGS = ("heroin", "opium", "meth_crystal", "meth_pills", "synthetic_pills", "synthetic", "cannabis",
         "ketamine", "cocaine", "ecstasy", "unspecified")
MAX_CONTRIBUTORS = 200
"""Event ids listed per metric in a window snapshot (alerts carry them); the newest are kept."""


def metric_name(drug: str, suffix: str) -> str:
    """``heroin`` + ``kg`` -> ``heroin_kg``; a drug already named by its unit does not stutter:
    ``synthetic_pills`` + ``pills`` -> ``synthetic_pills`` (not ``synthetic_pills_pills``)."""
    return drug if drug.endswith(f"_{suffix}") else f"{drug}_{suffix}"


def known_metrics() -> frozenset[str]:
    """Every metric name a table can carry (rules are validated against this)."""
    suffixes = sorted(set(UNIT_METRIC.values()))
    names = {*COUNT_METRICS, "events", *suffixes}
    names |= {metric_name(d, s) for d in DRUGS for s in suffixes}
    return frozenset(names)


def province_key(event: SeizureEvent) -> str:
    """The aggregation key: the post-2025 province, else the province as named, else ``unknown``."""
    return event.province_2025 or event.province or UNKNOWN_PROVINCE


def _round(x: float) -> float:
    # masses like 1904.99 g -> 1.90499 kg: keep sums free of 1e-16 noise without losing grams
    return round(x, 9)


def event_deltas(event: SeizureEvent) -> dict[str, float]:
    """What one event adds to its province's metrics (always includes ``events``: 1)."""
    out: dict[str, float] = {"events": 1.0}
    for name in COUNT_METRICS:
        value = getattr(event, name)
        if value is not None:
            out[name] = out.get(name, 0.0) + float(value)
    for s in event.seizures:
        suffix = UNIT_METRIC[s.unit]
        amount = s.mass_kg if suffix == "kg" else s.quantity
        assert amount is not None
        for metric in (metric_name(s.drug, suffix), suffix):
            out[metric] = _round(out.get(metric, 0.0) + amount)
    return out


@dataclass(frozen=True)
class Delta:
    province: str
    kind: EventKind
    metric: str
    amount: float


def deltas(event: SeizureEvent) -> list[Delta]:
    """The table deltas of ``event`` as (province, kind, metric, amount) rows."""
    key = province_key(event)
    return [Delta(key, event.kind, m, v) for m, v in sorted(event_deltas(event).items())]


class Contribution(BaseModel):
    """One ledger entry: what an event added, kept so that the sums can be audited and re-derived."""

    kind: EventKind
    day: dt.date | None = None
    deltas: dict[str, float] = Field(default_factory=dict)
    expired: bool = False


def _empty_kinds() -> dict[str, dict]:
    return {k: {} for k in KINDS}


UNDATED = "undated"
"""Row month of events without any date (they count all-time only)."""


def row_key(event: SeizureEvent) -> str:
    """The table row of an event: ``"<province>|<YYYY-MM>"`` of its event date, or ``"<province>|undated"``.

    Deterministic from the event's facts, so a redelivered event always meets its own ledger.
    """
    day = event.event_date
    return f"{province_key(event)}|{day.strftime('%Y-%m') if day else UNDATED}"


def split_row_key(key: str) -> tuple[str, str]:
    province, _, month = key.rpartition("|")
    return province, month


class MonthState(BaseModel):
    """One ``province_state`` table row: the events of one province in one calendar month (event time).

    Sharding a province by month keeps every row (and every changelog record) as small as one
    month of events, while the ledger and the sums it guards still live in the same record.
    """

    province: str
    month: str = Field(description="YYYY-MM of the events' date, or 'undated'")
    events: dict[str, Contribution] = Field(default_factory=dict, description="ledger: event_id -> contribution")
    totals: dict[str, dict[str, float]] = Field(default_factory=_empty_kinds, description="kind -> metric -> sum")
    daily: dict[str, dict[str, dict[str, float]]] = Field(
        default_factory=_empty_kinds, description="kind -> ISO day -> metric -> sum")
    daily_events: dict[str, dict[str, list[str]]] = Field(
        default_factory=_empty_kinds, description="kind -> ISO day -> event ids")
    compacted: bool = Field(default=False, description="past retention: daily detail dropped, sums and ids kept")
    latest: dt.date | None = Field(default=None, description="latest event date in this row")

    @property
    def key(self) -> str:
        return f"{self.province}|{self.month}"

    @property
    def month_end(self) -> dt.date | None:
        if self.month == UNDATED:
            return None
        start = dt.date.fromisoformat(f"{self.month}-01")
        return month_window(start).end

    def latest_day(self) -> dt.date | None:
        return self.latest

    # --- the one mutation ---
    def apply(self, event: SeizureEvent, watermark: dt.date | None, retention_days: int) -> bool:
        """Add ``event`` once. Returns False (and changes nothing) when its id is already in the ledger.

        ``watermark`` is the latest event date of the province before this event; an event
        older than the retention counts all-time only (no daily bucket is re-created).
        """
        if event.event_id in self.events:
            return False
        day = event.event_date
        contrib = Contribution(kind=event.kind, day=day, deltas=event_deltas(event))
        self.events[event.event_id] = contrib
        _add(self.totals.setdefault(event.kind, {}), contrib.deltas)
        if day is not None and (self.latest is None or day > self.latest):
            self.latest = day
        if day is None or self.compacted or is_expired(day, watermark, retention_days):
            contrib.expired = day is not None
        else:
            iso = day.isoformat()
            _add(self.daily.setdefault(event.kind, {}).setdefault(iso, {}), contrib.deltas)
            self.daily_events.setdefault(event.kind, {}).setdefault(iso, []).append(event.event_id)
        if contrib.expired:
            contrib.deltas = {}
        return True

    def should_compact(self, watermark: dt.date | None, retention_days: int) -> bool:
        end = self.month_end
        return not self.compacted and end is not None and is_expired(end, watermark, retention_days)

    def compact(self) -> None:
        """Drop the daily detail of a month past retention; sums and ledger ids (dedup) stay."""
        self.daily, self.daily_events, self.compacted = _empty_kinds(), _empty_kinds(), True
        for c in self.events.values():
            c.expired, c.deltas = True, {}

    def to_json(self) -> dict:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, key: str, data: object) -> MonthState:
        if not data:
            province, month = split_row_key(key)
            return cls(province=province, month=month)
        return cls.model_validate(data)


class ProvinceState:
    """Read model of one province over all its month rows: totals, windows, contributors.

    Not stored: built from the rows each time (``streams.agents`` caches the parsed rows).
    """

    def __init__(self, province: str, rows: Iterable[MonthState] = ()) -> None:
        self.province = province
        self.rows: dict[str, MonthState] = {r.month: r for r in rows}

    # --- writes go to one row; this is a convenience for pure callers and tests ---
    def apply(self, event: SeizureEvent, retention_days: int) -> bool:
        month = split_row_key(row_key(event))[1]
        row = self.rows.get(month) or MonthState(province=self.province, month=month)
        changed = row.apply(event, self.watermark, retention_days)
        self.rows[month] = row
        if changed:
            self.compact_expired(retention_days)
        return changed

    def compact_expired(self, retention_days: int) -> list[MonthState]:
        """Compact every month row past retention (as of the watermark); returns the rows changed."""
        wm = self.watermark
        changed = [r for r in self.rows.values() if r.should_compact(wm, retention_days)]
        for r in changed:
            r.compact()
        return changed

    @property
    def watermark(self) -> dt.date | None:
        days = [d for d in (r.latest_day() for r in self.rows.values()) if d is not None]
        return max(days) if days else None

    @property
    def events(self) -> dict[str, Contribution]:
        out: dict[str, Contribution] = {}
        for r in self.rows.values():
            out.update(r.events)
        return out

    @property
    def totals(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = _empty_kinds()
        for r in self._ordered():
            for kind, metrics in r.totals.items():
                _add(out.setdefault(kind, {}), metrics)
        return out

    @property
    def daily(self) -> dict[str, dict[str, dict[str, float]]]:
        out: dict[str, dict[str, dict[str, float]]] = _empty_kinds()
        for r in self._ordered():
            for kind, days in r.daily.items():
                out.setdefault(kind, {}).update(days)
        return out

    def _ordered(self) -> list[MonthState]:
        return [self.rows[m] for m in sorted(self.rows)]

    def contribution(self, event_id: str) -> Contribution | None:
        for r in self.rows.values():
            c = r.events.get(event_id)
            if c is not None:
                return c
        return None

    # --- reads ---
    def window_values(self, kind: EventKind, window: Window, metrics: Iterable[str] | None = None
                      ) -> tuple[dict[str, float], dict[str, list[str]]]:
        """(metric -> value, metric -> contributing event ids) of ``kind`` over ``window``.

        ``metrics`` limits the contributor lists (rules only need theirs); values are always complete.
        """
        wanted = None if metrics is None else set(metrics)
        ids: dict[str, list[str]] = {}
        if window.name == "all":
            values = dict(self.totals.get(kind, {}))
            if wanted is None or wanted:
                # newest first, stopping once every wanted metric has its MAX_CONTRIBUTORS ids
                for r in reversed(self._ordered()):
                    row_metrics = r.totals.get(kind, {})
                    if wanted is not None and not any(m in row_metrics for m in wanted):
                        continue  # nothing of interest in this month: skip its ledger
                    for eid, c in reversed(list(r.events.items())):
                        if c.kind != kind:
                            continue
                        for m in c.deltas or values:
                            if wanted is None or m in wanted:
                                ids.setdefault(m, []).append(eid)
                    if wanted is not None and all(len(ids.get(m, ())) >= MAX_CONTRIBUTORS for m in wanted):
                        break
                ids = {m: v[:MAX_CONTRIBUTORS][::-1] for m, v in ids.items()}
            return values, ids
        else:
            values = {}
            months = {f"{d.year:04d}-{d.month:02d}" for d in window.days()}
            rows = [self.rows[m] for m in sorted(months) if m in self.rows]
            for day in window.days():
                iso = day.isoformat()
                for r in rows:
                    bucket = r.daily.get(kind, {}).get(iso)
                    if not bucket:
                        continue
                    _add(values, bucket)
                    for eid in r.daily_events.get(kind, {}).get(iso, []):
                        for m in r.events[eid].deltas:
                            if wanted is None or m in wanted:
                                ids.setdefault(m, []).append(eid)
        return values, {m: v[-MAX_CONTRIBUTORS:] for m, v in ids.items()}

    def windows_at(self, day: dt.date | None) -> dict[str, dict]:
        """The 1d / 30d / month windows containing ``day`` (default: the watermark), both kinds, for views."""
        day = day or self.watermark
        out: dict[str, dict] = {}
        for name in ("1d", "30d", "month"):
            w = window_for(name, day)  # type: ignore[arg-type]
            if w is None:
                continue
            out[name] = {"start": w.start.isoformat() if w.start else None,
                         "end": w.end.isoformat() if w.end else None,
                         **{k: self.window_values(k, w, metrics=())[0] for k in KINDS}}
        return out

    def summary(self) -> dict:
        """Totals per kind, for ``GET /api/provinces`` and the gauges."""
        wm = self.watermark
        return {"province": self.province, "events": sum(len(r.events) for r in self.rows.values()),
                "watermark": wm.isoformat() if wm else None,
                "totals": {k: dict(sorted(v.items())) for k, v in self.totals.items()}}

    def to_rows_json(self) -> dict[str, dict]:
        return {r.key: r.to_json() for r in self.rows.values()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProvinceState) and (self.province, self.rows) == (other.province, other.rows)


def _add(target: dict[str, float], delta: dict[str, float]) -> None:
    for metric, amount in delta.items():
        target[metric] = _round(target.get(metric, 0.0) + amount)


def totals_from_events(events: Iterable[SeizureEvent]) -> dict[str, dict[str, dict[str, float]]]:
    """Reference computation: province -> kind -> metric -> sum over DISTINCT event ids.

    Independent of ``ProvinceState`` (no ledger, no buckets): tests compare the tables to it.
    """
    seen: set[str] = set()
    out: dict[str, dict[str, dict[str, float]]] = {}
    for ev in events:
        if ev.event_id in seen:
            continue
        seen.add(ev.event_id)
        per_kind = out.setdefault(province_key(ev), {k: {} for k in KINDS})[ev.kind]
        for metric, amount in event_deltas(ev).items():
            per_kind[metric] = per_kind.get(metric, 0.0) + amount
    return out
