"""Why an event is what it is: the sentences it was read from, the figures merged into it, and the
reasons for its kind, place and date — what ``seizurewatch extract --explain`` prints.

Decisions are made in ``pipeline`` and ``place_decision``; this module only holds their record and
renders it for a reader (an analyst checking a figure, a contributor adding a rule).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from schemas.events import SeizureEvent


@dataclass
class Explanation:
    """One statement of an article and what became of it."""

    event: SeizureEvent | None
    kind: str
    kind_reason: str
    sentences: list[str]
    merged: list[str] = field(default_factory=list)
    place_reason: str | None = None
    date_reason: str | None = None
    dropped_because: str | None = None


def render(item_id: str, blocks_summary: list[tuple[str, str, str]], explanations: list[Explanation]) -> str:
    """Plain text for a terminal: the page's skipped lines, then one paragraph per statement."""
    out = [f"== {item_id}"]
    skipped = [(role, reason, text) for role, reason, text in blocks_summary if role not in ("lead", "body")]
    if skipped:
        out.append("page: lines not read as the article")
        out += [f"  [{role}] {text[:90]}{'…' if len(text) > 90 else ''}  ({reason})" for role, reason, text in skipped]
    if not explanations:
        out.append("no statement with a figure")
    for n, ex in enumerate(explanations, 1):
        ev = ex.event
        if ev is None:
            out.append(f"statement {n}: {ex.kind}, NO EVENT — {ex.dropped_because}")
        else:
            figures = ", ".join(f"{s.quantity:g} {s.unit} {s.drug}" + ("" if s.qualifier == "exact" else f" ({s.qualifier})")
                                for s in ev.seizures)
            counts = ", ".join(f"{k}={getattr(ev, k)}" for k in ("cases", "suspects", "operations") if getattr(ev, k))
            out.append(f"statement {n}: {ev.kind} {ev.event_id} — {', '.join(x for x in (counts, figures) if x)}")
            where = ev.province or ev.area or ev.country or "no place"
            out.append(f"  place: {where} — {ex.place_reason}")
            when = ev.date or (f"{ev.period_start}..{ev.period_end}" if ev.period_start or ev.period_end else "undated")
            out.append(f"  date: {when} — {ex.date_reason or 'the period the total covers'}")
        out.append(f"  kind: {ex.kind} — {ex.kind_reason}")
        if ex.merged:
            out.append(f"  merged or left out: {'; '.join(ex.merged)}")
        out += [f"  | {s[:160]}{'…' if len(s) > 160 else ''}" for s in ex.sentences]
    return "\n".join(out)
