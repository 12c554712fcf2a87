"""Exports for researchers: events, busts and area totals as CSV, JSON Lines or Parquet.

Owns the exported datasets — their columns (``DATASETS``: name -> documented columns,
the README's column tables are checked against them), how a record or a read-model
document becomes a flat row (``event_row``, ``bust_row``, ``area_rows``), the filters
(``--since``, ``--province``) and the three file formats (``encode``). It does not read
Kafka or tables: the worker's views hand it the events and busts of their topics and the
area summaries of the read model (``streams.web_analysis``).

Rows are flat so that a spreadsheet and pandas read them as they are: nested values (the
seizures with their evidence, the evidence spans of the other fields) are JSON text in CSV
and Parquet, and JSON in JSON Lines. One row per event; measured kg and estimated kg (from
counted units, ``streams.estimates``) are separate columns and never added together.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from schemas.busts import Bust
from schemas.common import MASS_FACTOR_KG
from schemas.events import EventRetraction, SeizureEvent
from streams.estimates import estimate_kg, seizure_estimate_kg

Format = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "parquet")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet"}


@dataclass(frozen=True)
class Column:
    name: str
    type: Literal["string", "integer", "number", "date", "json"]
    meaning: str


EVENT_COLUMNS: tuple[Column, ...] = (
    Column("event_id", "string", "deterministic id of the event (same report and figures, same id)"),
    Column("cluster_id", "string", "the bust (bu-...) or period statistic (st-...) this report belongs to: "
                                   "reports of one real-world seizure share it"),
    Column("item_id", "string", "id of the news item or report it was read from"),
    Column("source", "string", "the outlet or reporting unit"),
    Column("published", "date", "publication date of the item"),
    Column("kind", "string", "incident (one bust) or aggregate (a period or area total)"),
    Column("country", "string", "ISO code of the country of the place"),
    Column("province", "string", "province as named at the time of the report"),
    Column("province_2025", "string", "the post-July-2025 province (the aggregation key)"),
    Column("district", "string", "district of the seizure place, when named"),
    Column("commune", "string", "commune of the seizure place, when named"),
    Column("area", "string", "a named region when the place is no single province"),
    Column("date", "date", "day of the incident"),
    Column("period_start", "date", "first day of an aggregate's period"),
    Column("period_end", "date", "last day of an aggregate's period"),
    Column("cases", "integer", "drug cases"),
    Column("suspects", "integer", "suspects (people arrested or prosecuted)"),
    Column("operations", "integer", "police operations"),
    Column("measured_kg", "number", "sum of the seizures stated as a mass (kg, g), in kg"),
    Column("estimated_kg", "number", "ESTIMATE: sum of the counted seizures (bricks, pills) converted with the "
                                     "mass_estimate_kg setting; never included in measured_kg"),
    Column("seizures", "json", "list of {drug, quantity, unit, qualifier, mass_kg, estimated_kg, evidence: "
                               "{start, end, text}}, in the order written"),
    Column("evidence", "json", "field -> {start, end, text}: where province, date, cases, suspects ... were read"),
    Column("evidence_text", "string", "every figure with the words it was read from, for eyes: "
                                      "'suspects: «...» | heroin 20 brick: «20 bánh heroin»'"),
)

BUST_COLUMNS: tuple[Column, ...] = (
    Column("cluster_id", "string", "the bust: one real-world seizure, counted once however many reports told it"),
    Column("area", "string", "area key: the post-2025 province, or LA:..., region:..., country:..., unknown"),
    Column("date", "date", "the bust's date"),
    Column("cases", "integer", "drug cases"),
    Column("suspects", "integer", "suspects"),
    Column("operations", "integer", "police operations"),
    Column("measured_kg", "number", "sum of the figures stated as a mass, in kg"),
    Column("estimated_kg", "number", "ESTIMATE from counted units (mass_estimate_kg); never included in measured_kg"),
    Column("seizures", "json", "list of {drug, quantity, unit, qualifier}: the bust's current figures, merged from "
                               "its reports (the most precise wins)"),
    Column("reports", "integer", "how many reports (items) told this bust"),
    Column("sources", "json", "the distinct outlets among them"),
    Column("item_ids", "json", "the items of its reports (up to 32)"),
    Column("event_ids", "json", "the events of its reports (up to 32): their evidence is in the events export"),
    Column("first_seen", "date", "earliest publication among its reports"),
    Column("last_seen", "date", "latest publication among its reports"),
)

AREA_COLUMNS: tuple[Column, ...] = (
    Column("area", "string", "area key: the post-2025 province, or LA:..., region:..., country:..., unknown"),
    Column("area_type", "string", "province, foreign_province, region, country or unknown"),
    Column("name", "string", "the area's name"),
    Column("kind", "string", "incident (sums over busts) or aggregate (the period headline figures)"),
    Column("busts", "integer", "real-world busts counted"),
    Column("periods", "integer", "distinct reported periods"),
    Column("reports", "integer", "reports behind the busts and the period statistics"),
    Column("watermark", "date", "latest bust date"),
    Column("metrics", "json", "metric -> value (cases, suspects, <drug>_kg, <drug>_pills ...) as in the tables; "
                              "in CSV and Parquet one column per metric follows instead"),
    Column("estimated_kg", "json", "ESTIMATE per drug from counted units (drug -> kg); in CSV and Parquet one "
                                   "column estimated_kg_<drug> per drug instead"),
    Column("headline", "json", "aggregate rows: metric -> {value, start, end}, the span each headline figure covers"),
)

DATASETS: dict[str, tuple[Column, ...]] = {"events": EVENT_COLUMNS, "busts": BUST_COLUMNS, "provinces": AREA_COLUMNS}


class ExportError(ValueError):
    """A request the export cannot serve (unknown dataset or format, parquet without pyarrow)."""


# --- rows -------------------------------------------------------------------------------

def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def event_row(event: SeizureEvent, factors: Mapping[str, float]) -> dict[str, Any]:
    """One flat row of ``EVENT_COLUMNS`` (``seizures`` and ``evidence`` still as lists/dicts)."""
    seizures = []
    for s in event.seizures:
        seizures.append({"drug": s.drug, "quantity": s.quantity, "unit": s.unit, "qualifier": s.qualifier,
                         "mass_kg": s.mass_kg, "estimated_kg": seizure_estimate_kg(s, factors),
                         "evidence": s.evidence.model_dump() if s.evidence else None})
    measured = [s["mass_kg"] for s in seizures if s["mass_kg"] is not None]
    estimated = [s["estimated_kg"] for s in seizures if s["estimated_kg"] is not None]
    evidence = {k: v.model_dump() for k, v in event.evidence.items()}
    said = [f"{k}: «{v['text']}»" for k, v in evidence.items()]
    said += [f"{s['drug']} {s['quantity']:g} {s['unit']}: «{s['evidence']['text']}»" for s in seizures if s["evidence"]]
    return {
        "event_id": event.event_id, "cluster_id": event.cluster_id, "item_id": event.item_id, "source": event.source,
        "published": _iso(event.published), "kind": event.kind, "country": event.country,
        "province": event.province, "province_2025": event.province_2025, "district": event.district,
        "commune": event.commune, "area": event.area, "date": _iso(event.date),
        "period_start": _iso(event.period_start), "period_end": _iso(event.period_end),
        "cases": event.cases, "suspects": event.suspects, "operations": event.operations,
        "measured_kg": round(sum(measured), 9) if measured else None,
        "estimated_kg": round(sum(estimated), 9) if estimated else None,
        "seizures": seizures, "evidence": evidence, "evidence_text": " | ".join(said),
    }


def live_events(records: Iterable[SeizureEvent | EventRetraction]) -> list[SeizureEvent]:
    """The events of a stretch of the events topic, in topic order, minus the retracted ones."""
    by_id: dict[str, SeizureEvent] = {}
    for rec in records:
        if isinstance(rec, EventRetraction):
            by_id.pop(rec.event_id, None)
        else:
            by_id[rec.event_id] = rec
    return list(by_id.values())


def _in_province(names: Iterable[str | None], province: str | None) -> bool:
    if not province:
        return True
    wanted = province.casefold()
    return any(n is not None and (n.casefold() == wanted or n.casefold().endswith(":" + wanted)) for n in names)


def select_events(events: Iterable[SeizureEvent], since: dt.date | None = None,
                  province: str | None = None) -> list[SeizureEvent]:
    """Distinct events (by id, the last copy wins) dated on or after ``since`` in ``province``, in date order.

    ``province`` matches the name at the time of the report or the post-2025 province,
    without regard to case. Undated events are left out when ``since`` is given.
    """
    by_id: dict[str, SeizureEvent] = {}
    for ev in events:
        if since is not None and (ev.event_date is None or ev.event_date < since):
            continue
        if not _in_province((ev.province, ev.province_2025), province):
            continue
        by_id[ev.event_id] = ev
    return sorted(by_id.values(), key=lambda e: (e.event_date or dt.date.min, e.event_id))


def live_busts(records: Iterable[tuple[bytes | None, Bust | None]]) -> list[Bust]:
    """The busts of the compacted busts topic: the last record per key; a tombstone (None) removes it."""
    by_key: dict[bytes | None, Bust] = {}
    for key, bust in records:
        if bust is None:
            by_key.pop(key, None)
        else:
            by_key[key] = bust
    return list(by_key.values())


def select_busts(busts: Iterable[Bust], since: dt.date | None = None, province: str | None = None) -> list[Bust]:
    """Busts dated on or after ``since`` in ``province`` (area key or name), in date order."""
    out = [b for b in busts if (since is None or (b.date is not None and b.date >= since))
           and _in_province((b.area,), province)]
    return sorted(out, key=lambda b: (b.date or dt.date.min, b.cluster_id))


def bust_row(bust: Bust, factors: Mapping[str, float]) -> dict[str, Any]:
    """One flat row of ``BUST_COLUMNS``."""
    seizures = [s.model_dump(mode="json") for s in bust.seizures]
    measured = [s.quantity * MASS_FACTOR_KG[s.unit] for s in bust.seizures if s.unit in MASS_FACTOR_KG]
    estimated = [e for e in (estimate_kg(s.drug, s.unit, s.quantity, factors) for s in bust.seizures) if e is not None]
    return {
        "cluster_id": bust.cluster_id, "area": bust.area, "date": _iso(bust.date), "cases": bust.cases,
        "suspects": bust.suspects, "operations": bust.operations,
        "measured_kg": round(sum(measured), 9) if measured else None,
        "estimated_kg": round(sum(estimated), 9) if estimated else None,
        "seizures": seizures, "reports": bust.reports, "sources": list(bust.sources), "item_ids": list(bust.item_ids),
        "event_ids": list(bust.event_ids), "first_seen": _iso(bust.first_seen), "last_seen": _iso(bust.last_seen),
    }


def area_rows(summaries: Iterable[Mapping[str, Any]], province: str | None = None) -> list[dict[str, Any]]:
    """One row per area and kind from ``/api/provinces`` and ``/api/areas`` entries (read_model.area_summary)."""
    rows = []
    for entry in summaries:
        key = str(entry.get("area") or entry.get("province"))
        name = str(entry.get("name") or key)
        if not _in_province((key, name), province):
            continue
        for kind, metrics in (entry.get("totals") or {}).items():
            if not metrics:
                continue
            rows.append({"area": key, "area_type": entry.get("area_type"), "name": name, "kind": kind,
                         "busts": entry.get("busts"), "periods": entry.get("periods"), "reports": entry.get("reports"),
                         "watermark": entry.get("watermark"), "metrics": dict(sorted(metrics.items())),
                         "estimated_kg": dict((entry.get("estimated_kg") or {}).get(kind, {})),
                         "headline": {m: {k: h.get(k) for k in ("value", "start", "end")}
                                      for m, h in (entry.get("headline") or {}).items()} if kind == "aggregate" else {}})
    return rows


# --- formats ----------------------------------------------------------------------------

def flat(rows: list[dict[str, Any]], columns: tuple[Column, ...]) -> tuple[list[str], list[dict[str, Any]]]:
    """Rows for tabular formats: nested columns as JSON text, except ``metrics`` / ``estimated_kg``
    of the province rows, which become one column each (``heroin_kg``, ``estimated_kg_heroin``)."""
    names = [c.name for c in columns]
    spread = {c.name for c in columns if c.type == "json" and c.name in ("metrics", "estimated_kg")
              and any(x.name == "metrics" for x in columns)}
    extra: dict[str, list[str]] = {n: sorted({k for r in rows for k in (r.get(n) or {})}) for n in spread}
    header = [n for n in names if n not in spread]
    for n in names:
        if n in spread:
            header += [k if n == "metrics" else f"{n}_{k}" for k in extra[n]]
    out = []
    for r in rows:
        row: dict[str, Any] = {}
        for c in columns:
            value = r.get(c.name)
            if c.name in spread:
                for k in extra[c.name]:
                    row[k if c.name == "metrics" else f"{c.name}_{k}"] = (value or {}).get(k)
            elif c.type == "json":
                row[c.name] = None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
            else:
                row[c.name] = value
        out.append(row)
    return header, out


def encode(rows: list[dict[str, Any]], columns: tuple[Column, ...], fmt: str) -> bytes:
    """The rows as a file: CSV (UTF-8 with BOM, so spreadsheets read the diacritics), JSON Lines, Parquet."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    header, table = flat(rows, columns)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
        return buf.getvalue().encode("utf-8-sig")
    if fmt == "parquet":
        return _parquet(header, table, columns)
    raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _parquet(header: list[str], table: list[dict[str, Any]], columns: tuple[Column, ...]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError("parquet needs pyarrow: pip install 'seizurewatch[parquet]'") from exc
    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "date": pa.date32(),
             "json": pa.string()}
    declared = {c.name: c.type for c in columns}
    fields = [pa.field(n, types[declared.get(n, "number")]) for n in header]
    arrays = {}
    for f in fields:
        values = [r.get(f.name) for r in table]
        if f.type == pa.date32():
            values = [dt.date.fromisoformat(v) if v else None for v in values]
        arrays[f.name] = pa.array(values, type=f.type)
    sink = io.BytesIO()
    pq.write_table(pa.table(arrays, schema=pa.schema(fields)), sink)
    return sink.getvalue()


def filename(dataset: str, fmt: str, today: dt.date) -> str:
    return f"seizurewatch-{dataset}-{today.isoformat()}.{fmt}"
