"""Wire formats of seizurewatch: the pydantic models are the single source of truth.

Every topic payload (items, events, alerts, dead letters) is one of these models; the
JSON Schema files under ``schemas/json`` are generated from them by
``seizurewatch schemas`` and never edited by hand.
"""
from schemas.common import Drug, Qualifier, Span, Unit
from schemas.events import Seizure, SeizureEvent
from schemas.items import Item, NewsItem, ReportItem, ReportSeizure, parse_item

__all__ = [
    "Drug",
    "Item",
    "NewsItem",
    "Qualifier",
    "ReportItem",
    "ReportSeizure",
    "Seizure",
    "SeizureEvent",
    "Span",
    "Unit",
    "parse_item",
]
