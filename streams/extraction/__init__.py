"""Pure extraction: an item in, its validated seizure events out. No Kafka here.

``extract(item)`` is the only entry point the rest of the service uses; it never
touches I/O and is deterministic, so the same item always yields the same events
(and the same event ids).
"""
from __future__ import annotations

from schemas.bounds import FigureBounds
from schemas.events import SeizureEvent
from schemas.items import NewsItem, ReportItem
from streams.extraction.pipeline import DEFAULT_BOUNDS, explain_news, extract_news
from streams.extraction.reports import events_from_report

EXTRACTOR_VERSION = "1"


def extract(item: NewsItem | ReportItem, bounds: FigureBounds | None = None) -> list[SeizureEvent]:
    """Every seizure statement of ``item`` as a validated event (empty list when it has none).

    ``bounds``: plausibility bounds per kind and unit (default ``schemas.bounds.FigureBounds()``); a figure
    above its bound is left out of its event and listed in the event's ``dropped`` with the reason."""
    if isinstance(item, ReportItem):
        return events_from_report(item)
    return extract_news(item, bounds or DEFAULT_BOUNDS)


def explain(item: NewsItem | ReportItem) -> str:
    """A reader's account of ``extract(item)``: lines skipped by the page pass, then for every statement
    the sentences used, the figures merged, and why this kind, place and date (``extract --explain``)."""
    if isinstance(item, ReportItem):
        events = events_from_report(item)
        return f"== {item.id}\nstructured report: {len(events)} event(s) taken as given, no text read"
    from streams.extraction.explain import render
    from streams.extraction.normalize import normalize

    blocks, trace = explain_news(item)
    norm = normalize(item.text)
    summary = [(b.role, b.reason, norm.original[slice(*norm.span(b.start, b.end))]) for b in blocks]
    return render(item.id, summary, trace)


__all__ = ["EXTRACTOR_VERSION", "explain", "extract"]
