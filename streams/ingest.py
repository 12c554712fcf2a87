"""Pure ingest step: the raw bytes of one ``seizure-items`` message in, events or a dead letter out.

Owns the order of checks and the choice of the dead-letter reason code
(``schemas.dead_letter.DeadLetterReason``), so that every bad input maps to one stable
code. ``decode_and_extract`` never raises: whatever the bytes are, the caller gets an
``IngestResult`` it can publish. The order matters and is part of the contract:

1. ``too_large``     size > ``settings.max_item_bytes``, checked before decoding anything
2. ``undecodable``   not UTF-8
3. ``invalid_json``  not JSON
4. ``not_an_object`` JSON, but an array / string / number / null
5. ``unknown_item_type`` ``type`` is neither "news" nor "report"
6. ``schema_violation``  any other validation error (missing/empty text, wrong types,
   NaN, negative quantities, implausible dates such as the year 3000, ...)
7. ``extraction_error``  the extractor raised
8. ``event_invalid``     the extractor returned something that is not a valid event

It must not import faust or aiokafka, and it does no I/O: publishing is the agent's job.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from schemas.dead_letter import DeadLetter, DeadLetterReason
from schemas.events import SeizureEvent
from schemas.items import NewsItem, ReportItem, parse_item
from streams.settings import Settings

Outcome = Literal["events", "no_events", "dead_letter"]
Extractor = Callable[[NewsItem | ReportItem], list[SeizureEvent]]

_ERROR_CHARS = 2000


@dataclass
class IngestResult:
    """What one input became. Exactly one of ``events`` (possibly empty) / ``dead_letter`` is meaningful."""

    item_id: str | None = None
    item: NewsItem | ReportItem | None = None
    events: list[SeizureEvent] = field(default_factory=list)
    dead_letter: DeadLetter | None = None
    extraction_seconds: float | None = None

    @property
    def outcome(self) -> Outcome:
        if self.dead_letter is not None:
            return "dead_letter"
        return "events" if self.events else "no_events"


def load_extractor(spec: str) -> Extractor:
    """``module:function`` -> the function (default ``streams.extraction:extract``)."""
    import importlib

    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "extract")


def _reject_constant(name: str) -> float:
    """json.loads hook for NaN/Infinity: keep them as floats so the models refuse them (schema_violation)."""
    return float(name.replace("Infinity", "inf"))


def _item_id_of(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("id")
        if isinstance(value, str) and value:
            return value[:200]
    return None


def _validation_reason(exc: ValidationError) -> DeadLetterReason:
    if any(e.get("type") == "unknown_item_type" for e in exc.errors()):
        return "unknown_item_type"
    return "schema_violation"


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= _ERROR_CHARS else text[: _ERROR_CHARS - 1] + "…"


@dataclass
class Parsed:
    """Steps 1-6 of the module docstring: an item, or the reason it is not one."""

    item: NewsItem | ReportItem | None = None
    reason: DeadLetterReason | None = None
    error: str = ""
    item_id: str | None = None


def parse_payload(raw: bytes, settings: Settings) -> Parsed:
    """Check and decode one payload without extracting (also used by ``seizurewatch publish``)."""
    if len(raw) > settings.max_item_bytes:
        return Parsed(reason="too_large", error=f"{len(raw)} bytes > max_item_bytes={settings.max_item_bytes}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Parsed(reason="undecodable", error=_short(exc))
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, RecursionError) as exc:
        return Parsed(reason="invalid_json", error=_short(exc))
    if not isinstance(data, dict):
        return Parsed(reason="not_an_object", error=f"expected a JSON object, got {type(data).__name__}")
    item_id = _item_id_of(data)
    try:
        return Parsed(item=parse_item(data), item_id=item_id)
    except ValidationError as exc:
        return Parsed(reason=_validation_reason(exc), error=_short(exc), item_id=item_id)


def decode_and_extract(
    payload: bytes | None,
    *,
    settings: Settings,
    topic: str,
    partition: int | None = None,
    offset: int | None = None,
    extractor: Extractor | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> IngestResult:
    """Turn one message value into its events, or into a dead letter with the right reason. Never raises."""
    raw = payload if isinstance(payload, bytes) else (b"" if payload is None else bytes(payload))
    item_id: str | None = None

    def dead(reason: DeadLetterReason, error: str, **extra: Any) -> IngestResult:
        letter = DeadLetter.for_payload(
            raw, max_bytes=settings.dlq_max_payload_bytes, reason=reason, error=error, item_id=item_id,
            source_topic=topic, source_partition=partition, source_offset=offset, failed_at=now(),
        )
        return IngestResult(item_id=item_id, dead_letter=letter, **extra)

    try:
        parsed = parse_payload(raw, settings)
        item_id = parsed.item_id
        if parsed.item is None:
            assert parsed.reason is not None
            return dead(parsed.reason, parsed.error)
        item = parsed.item

        extract = extractor
        started = time.perf_counter()
        try:
            if extract is None:
                # imported lazily: a broken extractor must become extraction_error
                # dead letters rather than a worker that cannot start
                extract = load_extractor(settings.extractor)
            produced = list(extract(item))
        except Exception as exc:  # the extractor is someone else's code: contain it
            return dead("extraction_error", _short(exc), item=item,
                        extraction_seconds=time.perf_counter() - started)
        elapsed = time.perf_counter() - started

        try:
            events = [_revalidate(ev) for ev in produced]
        except (ValidationError, TypeError, ValueError) as exc:
            return dead("event_invalid", _short(exc), item=item, extraction_seconds=elapsed)
        return IngestResult(item_id=item.id, item=item, events=events, extraction_seconds=elapsed)
    except Exception as exc:  # pragma: no cover - last line of defence: never crash the worker
        return dead("schema_violation", _short(exc))


def _revalidate(event: object) -> SeizureEvent:
    """Round-trip through the wire format: what we publish must parse back as the same event."""
    if not isinstance(event, SeizureEvent):
        raise TypeError(f"extractor returned {type(event).__name__}, not SeizureEvent")
    wire = event.model_dump_json()
    again = SeizureEvent.model_validate_json(wire)
    if not again.event_id:
        raise ValueError("event has no event_id")
    return again
