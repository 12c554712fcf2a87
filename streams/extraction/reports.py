"""Structured field reports already carry their figures: map them to one event, no text reading."""
from __future__ import annotations

from schemas.events import Seizure, SeizureEvent
from schemas.items import ReportItem


def events_from_report(item: ReportItem) -> list[SeizureEvent]:
    """One event per report, or none when the report carries no figure."""
    from streams.extraction.places import resolve_province  # local: keeps import cost off the hot path

    place = resolve_province(item.province, item.published or item.date) if item.province else None
    seizures = [Seizure(drug=s.drug, quantity=s.quantity, unit=s.unit, qualifier=s.qualifier) for s in item.seizures]
    if not seizures and all(v is None for v in (item.cases, item.suspects, item.operations)):
        return []
    event = SeizureEvent(
        kind=item.kind,
        country=(place.country if place else item.country),
        province=(place.name if place else item.province),
        province_code=place.code if place else None,
        province_2025=place.successor if place else None,
        province_2025_code=place.successor_code if place else None,
        district=item.district, date=item.date, period_start=item.period_start, period_end=item.period_end,
        cases=item.cases, suspects=item.suspects, operations=item.operations,
        seizures=seizures, item_id=item.id, source=item.source, published=item.published,
        event_id="pending",
    )
    event.event_id = event.compute_id(0)
    return [event]
