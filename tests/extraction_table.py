"""Table-driven extraction tests: a row is (text, expected events), one line to add a case.

Each expected event is written as ``"<kind> <province or -> [c=N] [s=N] [o=N] <drug>:<qty><unit>[~qual] ..."``,
the same rendering ``render`` gives an extracted event, so a failing row prints both sides
in one readable form. Texts are written for these tests (never copied from the corpus or
the press); published defaults to 2024-05-20.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from schemas.events import SeizureEvent
from schemas.items import NewsItem
from streams.extraction import extract

QUAL = {"exact": "", "more_than": "~more", "nearly": "~nearly", "about": "~about", "at_least": "~least"}


@dataclass(frozen=True)
class Row:
    text: str
    expected: list[str] = field(default_factory=list)
    published: str | None = "2024-05-20"
    title: str | None = None


def render(event: SeizureEvent) -> str:
    parts = [event.kind, event.province or "-"]
    for name, value in (("c", event.cases), ("s", event.suspects), ("o", event.operations)):
        if value is not None:
            parts.append(f"{name}={value}")
    for s in event.seizures:
        parts.append(f"{s.drug}:{s.quantity:g}{s.unit}{QUAL[s.qualifier]}")
    return " ".join(parts)


def run(row: Row) -> list[str]:
    published = dt.date.fromisoformat(row.published) if row.published else None
    return [render(e) for e in extract(NewsItem(id="row", text=row.text, title=row.title, published=published))]
