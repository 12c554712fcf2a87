"""Pure read model of the area tables: what ``/api``, the dashboard, the export and the gauges show.

Functions of a ``StateIndex`` (rows + derived sums), returning plain JSON-ready dicts.
Provinces and other areas are kept apart (``area_type``); within a province:

- ``totals.incident``  sums over its *busts* (each real-world seizure once, whatever the
  number of reports that told it);
- ``totals.aggregate`` the *headline* of its period statistics (``streams.periods``: one
  reported figure, or a sum of non-overlapping reported periods; never overlapping ones),
  with ``headline`` giving each figure's span and the periods it is made of;
- ``windows`` (1d / 30d / month) and ``daily`` hold busts only: a period total never
  shows as a one-day spike.

Every number is finite (the models refuse NaN/inf), so the documents are strict JSON.
No faust, no Kafka.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from streams.aggregation import window_sum
from streams.areas import area_sort_key, parse_area_key
from streams.periods import headline, period_list
from streams.state_index import StateIndex
from streams.windows import window_for

DEFAULT_BUSTS = 50


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def watermark(index: StateIndex, area: str) -> dt.date | None:
    return index.watermark(area)


def area_summary(index: StateIndex, area: str) -> dict:
    """One row of ``/api/provinces`` or ``/api/areas``."""
    a = parse_area_key(area)
    busts = index.busts_of(area)
    period_rows = index.periods_of(area)
    heads = headline(period_rows)
    wm = watermark(index, area)
    archives = index.archives_of(area)
    incident_reports = sum(b.reports for b in busts) + sum(a.reports for a in archives)
    period_reports = sum(len(r.reports) for r in period_rows)
    doc = {
        "area": a.key, "area_type": a.type, "name": a.name, "country": a.country,
        "busts": len(busts) + sum(len(a.ids) for a in archives), "periods": len(period_rows),
        "reports": incident_reports + period_reports,
        "watermark": wm,
        "totals": {"incident": dict(sorted(index.area_totals(area).items())),
                   "aggregate": {m: h.value for m, h in heads.items()}},
        "headline": {m: h.model_dump(mode="json") for m, h in heads.items()},
    }
    if a.type == "province":
        doc["province"] = a.name
    return _jsonable(doc)


def summaries(index: StateIndex) -> tuple[list[dict], list[dict]]:
    """(provinces, other areas), each sorted: provinces by name; others by type then name, unknown last."""
    keys = sorted(index.areas(), key=lambda k: area_sort_key(parse_area_key(k)))
    docs = [area_summary(index, k) for k in keys]
    return [d for d in docs if d["area_type"] == "province"], [d for d in docs if d["area_type"] != "province"]


def windows_at(index: StateIndex, area: str, day: dt.date | None) -> dict[str, dict]:
    """The 1d / 30d / month windows containing ``day`` (incidents = busts only)."""
    out: dict[str, dict] = {}
    if day is None:
        return out
    for name in ("1d", "30d", "month"):
        w = window_for(name, day)  # type: ignore[arg-type]
        if w is None:
            continue
        out[name] = {"start": w.start.isoformat() if w.start else None, "end": w.end.isoformat() if w.end else None,
                     "incident": window_sum(w, lambda d: index.day_values(area, d))}
    return out


def bust_docs(index: StateIndex, area: str, limit: int = DEFAULT_BUSTS) -> list[dict]:
    """The area's latest busts (``seizure-busts`` records), newest date first."""
    busts = sorted(index.busts_of(area), key=lambda b: (b.day or dt.date.min, b.id), reverse=True)[:limit]
    return [b.record().model_dump(mode="json") for b in busts]


def area_detail(index: StateIndex, area: str, busts: int = DEFAULT_BUSTS) -> dict | None:
    """``/api/provinces/{name}`` and ``/api/areas/{key}``: summary, windows, daily values, periods, busts."""
    if area not in index.areas():
        return None
    doc = area_summary(index, area)
    wm = watermark(index, area)
    doc.update(windows=windows_at(index, area, wm), daily={"incident": index.daily(area)},
               period_statistics=_jsonable(period_list(index.periods_of(area))),
               bust_list=bust_docs(index, area, busts))
    return doc


def find_bust(index: StateIndex, cluster_id: str) -> dict | None:
    for area in index.areas():
        for b in index.busts_of(area):
            if b.id == cluster_id:
                return b.record().model_dump(mode="json")
    return None


def gauge_totals(index: StateIndex, area: str, periods: bool) -> dict[str, dict[str, float]]:
    """What the gauges of ``area`` show after a change: bust sums, and the period headline when it may have moved."""
    out = {"incident": dict(index.area_totals(area))}
    if periods:
        out["aggregate"] = {m: h.value for m, h in headline(index.periods_of(area)).items()}
    return out


def list_order(doc: dict) -> tuple[int, str]:
    """Sort key of list entries: provinces by name; others by type then name; ``unknown`` last."""
    return area_sort_key(parse_area_key(doc["area"]))


def monthly_series(index: StateIndex) -> dict[str, dict[str, dict[str, float]]]:
    """province -> YYYY-MM -> incident sums (busts by their date; provinces only, undated left out)."""
    from streams.aggregation import add_into

    out: dict[str, dict[str, dict[str, float]]] = {}
    for area in index.areas():
        if parse_area_key(area).type != "province":
            continue
        for day, values in index.daily(area).items():
            add_into(out.setdefault(area, {}).setdefault(day[:7], {}), values)
        for archive in index.archives_of(area):  # months past the horizon: their sums
            add_into(out.setdefault(area, {}).setdefault(archive.month, {}), archive.metrics)
    return {a: {m: dict(sorted(v.items())) for m, v in sorted(months.items())} for a, months in out.items()}
