"""Pure ingest step: the raw bytes of one ``seizure-items`` message in, the bytes to publish out.

Every message ends as exactly one of: its events (``seizure-events``), "no events", or
one dead letter (``seizure-items-dlq``) with a stable reason. This module decides which,
and also *encodes* what is to be published, so that anything that can go wrong with the
content of a message (a lone surrogate, a value JSON cannot carry) goes wrong here, where
it becomes a dead letter, and never in the agent while it sends. ``decode_and_extract``
never raises.

Reasons, in the order they are checked: steps 1-7 are ``streams.item_reader.read_item``
(``too_large``, ``undecodable``, ``invalid_json``, ``not_an_object``,
``unknown_item_type``, ``schema_violation``, ``figure_out_of_bounds``), then

8. ``extraction_error``      the extractor raised
9. ``extraction_timeout``    the extractor overran ``settings.extraction_timeout`` (decided by
                             the caller that runs it, see ``streams.extraction_pool``)
10. ``event_invalid``        the extractor returned something that is not a valid, encodable event
11. ``figure_out_of_bounds`` an extracted figure is above ``settings.figure_bounds``
12. ``unpublishable``        last line of defence: the dead letter itself could not be encoded

It must not import faust or aiokafka, and it does no I/O: publishing is the agent's job.
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from schemas.bounds import FigureBounds
from schemas.dead_letter import DeadLetter, DeadLetterReason
from schemas.events import SeizureEvent
from schemas.items import NewsItem, ReportItem
from streams.item_reader import Parsed, read_item, short
from streams.settings import Settings

Outcome = Literal["events", "no_events", "dead_letter"]
DEFAULT_EXTRACTOR = "streams.extraction:extract"
Extractor = Callable[[NewsItem | ReportItem], list[SeizureEvent]]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Output:
    """One record to publish, already encoded: to the internal area-events topic (events keyed by
    area, retractions) or to the dead-letter topic."""

    topic: Literal["area_events", "dlq"]
    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class Source:
    """Where a message came from (copied into its dead letter)."""

    topic: str
    partition: int | None = None
    offset: int | None = None
    key: bytes | None = None


@dataclass
class IngestResult:
    """What one input became. Exactly one of ``events`` (possibly empty) / ``dead_letter`` is meaningful;
    ``outputs`` are the encoded records, in publishing order."""

    item_id: str | None = None
    item: NewsItem | ReportItem | None = None
    events: list[SeizureEvent] = field(default_factory=list)
    dead_letter: DeadLetter | None = None
    extraction_seconds: float | None = None
    outputs: list[Output] = field(default_factory=list)
    summary: str = ""
    """One line saying why, for a terminal (``seizurewatch extract``); empty unless dead-lettered."""

    @property
    def outcome(self) -> Outcome:
        if self.dead_letter is not None:
            return "dead_letter"
        return "events" if self.events else "no_events"


@dataclass(frozen=True)
class ExtractionFailed:
    """The extractor did not return events: it raised (``extraction_error``) or overran (``extraction_timeout``)."""

    reason: Literal["extraction_error", "extraction_timeout"]
    error: str


def load_extractor(spec: str, bounds: FigureBounds | None = None) -> Extractor:
    """``module:function`` -> the function (default ``streams.extraction:extract``).

    The default extractor takes the plausibility bounds (``settings.figure_bounds``) and leaves an
    implausible figure out of its event; a plug-in extractor is called with the item alone, and
    step 11 dead-letters its implausible figures instead."""
    import functools
    import importlib

    module, _, name = spec.partition(":")
    function = getattr(importlib.import_module(module), name or "extract")
    if bounds is not None and f"{module}:{name or 'extract'}" == DEFAULT_EXTRACTOR:
        return functools.partial(function, bounds=bounds)
    return function  # type: ignore[no-any-return]


def as_bytes(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else (b"" if payload is None else bytes(payload))


def dead_letter(raw: bytes, reason: DeadLetterReason, error: str, *, settings: Settings, source: Source,
                item_id: str | None, now: dt.datetime, summary: str = "", **extra: Any) -> IngestResult:
    """The dead-letter result of ``raw``, encoded; falls back to ``unpublishable`` if even that fails."""
    fields: dict[str, Any] = {"reason": reason, "error": error, "item_id": item_id, "source_topic": source.topic,
                              "source_partition": source.partition, "source_offset": source.offset,
                              "failed_at": now}
    try:
        letter = DeadLetter.for_payload(raw, max_bytes=settings.dlq_max_payload_bytes, **fields)  # type: ignore[arg-type]
        value = letter.model_dump_json().encode("utf-8")
    except Exception as exc:  # noqa: BLE001 - a bug in the dead letter must not lose the message
        letter = fallback_dead_letter(raw, settings=settings, source=source, now=now,
                                      error=f"could not encode the {reason} dead letter: {short(exc)}")
        value = letter.model_dump_json().encode("utf-8")
    first_line = (summary or letter.error).splitlines()[0][:300] if (summary or letter.error) else ""
    return IngestResult(item_id=letter.item_id, dead_letter=letter, outputs=[Output("dlq", source.key, value)],
                        summary=first_line, **extra)


def fallback_dead_letter(raw: bytes, *, settings: Settings, source: Source, now: dt.datetime,
                         error: str, max_bytes: int | None = None) -> DeadLetter:
    """An ``unpublishable`` dead letter built from ASCII-only parts: it always encodes."""
    cap = settings.dlq_max_payload_bytes if max_bytes is None else max_bytes
    return DeadLetter.for_payload(raw, max_bytes=cap, reason="unpublishable", error=ascii(error)[:2000],
                                  source_topic=ascii(source.topic)[1:-1], source_partition=source.partition,
                                  source_offset=source.offset, failed_at=now)


def decode(payload: Any, *, settings: Settings, now: dt.datetime) -> Parsed:
    """Steps 1-7: the item, or why it is not one (``streams.item_reader``); ``now`` is the clock."""
    return read_item(as_bytes(payload), settings, today=now.date())


def conclude(raw: bytes, parsed: Parsed, produced: Sequence[Any] | ExtractionFailed | None, *,
             settings: Settings, source: Source, now: dt.datetime,
             extraction_seconds: float | None = None) -> IngestResult:
    """Steps 8-12: from the parse and what the extractor gave (events or wire JSON) to the result."""
    try:
        if parsed.item is None:
            assert parsed.reason is not None
            return dead_letter(raw, parsed.reason, parsed.error, settings=settings, source=source,
                               item_id=parsed.item_id, now=now, summary=parsed.summary)
        item = parsed.item
        common: dict[str, Any] = {"settings": settings, "source": source, "item_id": item.id, "now": now,
                                  "item": item, "extraction_seconds": extraction_seconds}
        if isinstance(produced, ExtractionFailed):
            return dead_letter(raw, produced.reason, produced.error, **common)  # type: ignore[arg-type]
        try:
            encoded = [_revalidate(ev) for ev in (produced or [])]
        except (ValidationError, TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
            return dead_letter(raw, "event_invalid", short(exc), **common)  # type: ignore[arg-type]
        problems = [f"{ev.event_id}: {p}" for ev, _, _ in encoded for p in settings.figure_bounds.violations(ev)]
        if problems:
            error = "extracted figure out of bounds: " + "; ".join(problems)
            return dead_letter(raw, "figure_out_of_bounds", error[:2000], summary=problems[0],
                               **common)  # type: ignore[arg-type]
        return IngestResult(item_id=item.id, item=item, events=[ev for ev, _, _ in encoded],
                            extraction_seconds=extraction_seconds,
                            outputs=[Output("area_events", key, value) for _, key, value in encoded])
    except Exception as exc:  # noqa: BLE001 - last line of defence: never crash the worker
        letter = fallback_dead_letter(raw, settings=settings, source=source, now=now,
                                      error=f"internal error: {short(exc)}")
        return IngestResult(item_id=None, dead_letter=letter,
                            outputs=[Output("dlq", source.key, letter.model_dump_json().encode("utf-8"))])


def decode_and_extract(
    payload: bytes | None,
    *,
    settings: Settings,
    topic: str,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
    extractor: Extractor | None = None,
    now: Callable[[], dt.datetime] = _utcnow,
) -> IngestResult:
    """Turn one message value into its encoded events, or into a dead letter with the right reason,
    running the extractor in this process (the CLI, tests; the worker runs it in
    ``streams.extraction_pool`` with a time budget). Never raises."""
    raw = as_bytes(payload)
    source = Source(topic, partition, offset, key)
    clock = now()
    parsed = decode(raw, settings=settings, now=clock)
    if parsed.item is None:
        return conclude(raw, parsed, None, settings=settings, source=source, now=clock)
    started = time.perf_counter()
    produced: list[Any] | ExtractionFailed
    try:
        # loaded lazily: a broken extractor must become extraction_error dead letters
        # rather than a worker that cannot start
        extract = extractor if extractor is not None else load_extractor(settings.extractor, settings.figure_bounds)
        produced = list(extract(parsed.item))
    except Exception as exc:  # noqa: BLE001 - the extractor is someone else's code: contain it
        produced = ExtractionFailed("extraction_error", short(exc))
    return conclude(raw, parsed, produced, settings=settings, source=source, now=clock,
                    extraction_seconds=time.perf_counter() - started)


def event_key(event: SeizureEvent) -> bytes:
    """Events are keyed by their area (so an area's state lives in one partition)."""
    from streams.areas import area_of

    return area_of(event).key.encode("utf-8")


def _revalidate(event: object) -> tuple[SeizureEvent, bytes, bytes]:
    """(event, key, value): round-trip through the wire format, so that what we publish parses
    back as the same event and is valid UTF-8. Accepts an event or its wire JSON."""
    if isinstance(event, (str, bytes)):
        wire = event if isinstance(event, str) else event.decode("utf-8")
    elif isinstance(event, SeizureEvent):
        wire = event.model_dump_json()
    else:
        raise TypeError(f"extractor returned {type(event).__name__}, not SeizureEvent")
    value = wire.encode("utf-8")
    again = SeizureEvent.model_validate_json(value)
    if not again.event_id:
        raise ValueError("event has no event_id")
    return again, event_key(again), value
