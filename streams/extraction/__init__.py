"""Pure extraction: an item in, its validated seizure events out. No Kafka here.

``extract(item)`` is the only entry point the rest of the service uses; it never
touches I/O and is deterministic, so the same item always yields the same events
(and the same event ids).
"""
from __future__ import annotations

from schemas.events import SeizureEvent
from schemas.items import NewsItem, ReportItem
from streams.extraction.pipeline import extract_news
from streams.extraction.reports import events_from_report

EXTRACTOR_VERSION = "1"


def extract(item: NewsItem | ReportItem) -> list[SeizureEvent]:
    """Every seizure statement of ``item`` as a validated event (empty list when it has none)."""
    if isinstance(item, ReportItem):
        return events_from_report(item)
    return extract_news(item)


__all__ = ["EXTRACTOR_VERSION", "extract"]
