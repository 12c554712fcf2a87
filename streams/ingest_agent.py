"""The ingest agent's loop: read a message, let ``streams.ingest`` decide, publish, acknowledge.

Owns the delivery guarantee of ``seizure-items``: **a message is acknowledged (its offset
may be committed) only once everything it produced is delivered** to the broker, in the
order the messages were read. faust would ack a message also when the agent body raises
or is cancelled at shutdown (that is how one bad message used to be lost), so the stream
is read with manual acks (``stream.noack()``).

The extractor runs in a child process with a time budget per item
(``streams.extractor_process``), so the event loop (HTTP, heartbeats, the other agent)
stays free while an item is extracted and an overrun becomes an ``extraction_timeout``
dead letter. One message is extracted at a time, in reading order.

Sending and waiting are pipelined: the loop sends the outputs of message N and goes on to
N+1 while an *acker* task waits, in reading order, for the broker's acks of N and then
acknowledges it. At most ``WINDOW`` messages wait this way, so a worker cut off from its
broker stops reading instead of buffering without bound. (Awaiting each delivery inside
the loop halved ingest throughput: every item paid a full broker round trip.)

Failures:

- retriable (broker down, leader moving, timeouts): the outputs of the message are sent
  again, with backoff, until the broker takes them (duplicates are harmless: event ids are
  deterministic, dead letters carry their source offset); the loop stalls behind it;
- not retriable (a record the broker refuses, e.g. too large): the message becomes an
  ``unpublishable`` dead letter whose payload is cut to fit, so nothing is dropped and
  nothing is retried for ever.

Metrics count an item when its outputs are delivered, so ``items_consumed_total`` never
counts a message whose results could still be lost. Wiring only: no decisions here.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from streams.extractor_process import ExtractorProcess
from streams.ingest import (
    IngestResult,
    Output,
    Source,
    as_bytes,
    conclude,
    decode,
    decode_and_extract,
    fallback_dead_letter,
)

if TYPE_CHECKING:
    from streams.runtime import Runtime

log = logging.getLogger(__name__)

WINDOW = 256
"""Messages whose outputs may be in flight (sent, not yet acknowledged by the broker)."""


@dataclass
class InFlight:
    """One message between 'outputs sent' and 'acknowledged'."""

    event: Any
    result: IngestResult
    raw: bytes
    source: Source
    futures: list[Awaitable[Any]] = field(default_factory=list)
    send_error: Exception | None = None
    """A non-retriable failure while handing the outputs to the producer (settled by the acker)."""


def retriable(exc: BaseException) -> bool:
    """A send failure that waiting can cure (broker down, leader moving: retried until it works),
    as opposed to one that the content causes (too large, not encodable)."""
    from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError

    if isinstance(exc, (KafkaConnectionError, KafkaTimeoutError, ConnectionError, asyncio.TimeoutError)):
        return True
    return bool(getattr(exc, "retriable", False))


async def run_ingest(rt: Runtime, stream: Any) -> None:
    """The body of the ingest agent."""
    acking = stream.noack()
    window: asyncio.Queue[InFlight] = asyncio.Queue(maxsize=WINDOW)
    acker = asyncio.create_task(_ack_in_order(rt, acking, window))
    extractor = None if rt.settings.extraction_in_process else ExtractorProcess(
        rt.settings.extractor, rt.settings.extraction_timeout, bounds=rt.settings.figure_bounds)
    if extractor is not None:
        extractor.prestart()
    try:
        async for event in acking.events():
            msg = event.message
            source = Source(msg.topic, msg.partition, msg.offset, msg.key)
            raw = as_bytes(msg.value)
            result = await ingest_one(rt, raw, source, extractor)
            flight = InFlight(event, result, raw, source)
            try:
                result.outputs = versioned(rt, result)
                flight.futures = await _send(rt, result.outputs)
            except Exception as exc:  # noqa: BLE001 - not retriable: settle() turns it into a dead letter
                flight.send_error = exc
            await window.put(flight)
            if acker.done():  # it only ends by raising: surface that here
                acker.result()
    finally:
        acker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await acker
        if extractor is not None:
            await extractor.close()


async def ingest_one(rt: Runtime, raw: bytes, source: Source, extractor: ExtractorProcess | None) -> IngestResult:
    """``streams.ingest`` decides; the extractor runs in its process with the item's time budget
    (or, with ``extraction_in_process``, right here in the loop)."""
    s = rt.settings
    if extractor is None:
        return decode_and_extract(raw, settings=s, topic=source.topic, partition=source.partition,
                                  offset=source.offset, key=source.key)
    now = dt.datetime.now(dt.UTC)
    parsed = decode(raw, settings=s, now=now)
    if parsed.item is None:
        return conclude(raw, parsed, None, settings=s, source=source, now=now)
    started = time.perf_counter()
    produced = await extractor.extract(parsed.item)
    return conclude(raw, parsed, produced, settings=s, source=source, now=now,
                    extraction_seconds=time.perf_counter() - started)


def versioned(rt: Runtime, result: IngestResult) -> list[Output]:
    """The outputs of ``result`` preceded by the retractions of the item's replaced version
    (``streams.versions``), whose record is written to ``item_versions`` here, in the
    message's stream context (a replay of the same version re-sends the retractions)."""
    from streams.versions import ItemVersion, new_version

    if result.dead_letter is not None or result.item is None:
        return result.outputs
    stored = rt.item_versions.get(result.item.id)
    previous = ItemVersion.model_validate(stored) if stored else None
    record, retractions = new_version(previous, result.item.id, result.events)
    if record is not None:
        rt.item_versions[result.item.id] = record.to_json()
    return [Output("area_events", r.area.encode(), r.model_dump_json().encode()) for r in retractions] + result.outputs


async def _ack_in_order(rt: Runtime, acking: Any, window: asyncio.Queue[InFlight]) -> None:
    while True:
        flight = await window.get()
        await settle(rt, flight)
        await acking.ack(flight.event)


async def _send(rt: Runtime, outputs: list[Output]) -> list[Awaitable[Any]]:
    """Hand ``outputs`` to the producer in order; returns the delivery futures. A retriable
    failure to even enqueue (no metadata while the broker is down) is retried here."""
    topics = {"area_events": rt.area_events_topic, "dlq": rt.dlq_topic}
    attempt = 0
    while True:
        try:
            return [await topics[o.topic].send(key=o.key, value=o.value) for o in outputs]
        except Exception as exc:
            if not retriable(exc):
                raise
            attempt += 1
            await _backoff(rt, attempt, exc)


async def _backoff(rt: Runtime, attempt: int, exc: BaseException) -> None:
    log.warning("send failed (attempt %d, will retry): %s: %s", attempt, type(exc).__name__, exc)
    await asyncio.sleep(min(5.0, 0.1 * 2 ** min(attempt, 6)))


async def _deliver(rt: Runtime, flight: InFlight) -> None:
    """Wait for the broker's acks of ``flight``; on a retriable failure send everything again."""
    if flight.send_error is not None:
        error, flight.send_error = flight.send_error, None
        raise error
    attempt = 0
    while True:
        try:
            if flight.futures:
                await asyncio.gather(*flight.futures)
            return
        except Exception as exc:
            if not retriable(exc):
                raise
            attempt += 1
            await _backoff(rt, attempt, exc)
            flight.futures = await _send(rt, flight.result.outputs)


async def settle(rt: Runtime, flight: InFlight) -> None:
    """Make sure the outputs of ``flight`` are delivered (or replaced by a dead letter that is), then count it."""
    source = flight.source
    try:
        await _deliver(rt, flight)
    except Exception as exc:  # noqa: BLE001 - not retriable: the content cannot be published
        log.error("cannot publish the result of %s[%s]@%s (%s): %s", source.topic, source.partition,
                  source.offset, flight.result.outcome, exc)
        flight.result = unpublishable(rt, flight, exc)
        try:
            flight.futures = await _send(rt, flight.result.outputs)
            await _deliver(rt, flight)
        except Exception as again:  # noqa: BLE001 - nothing smaller can be sent: say so, go on
            log.critical("LOST %s[%s]@%s: not even its %d-byte dead letter could be published: %s",
                         source.topic, source.partition, source.offset, len(flight.result.outputs[0].value), again)
    observe(rt, flight.result)


def unpublishable(rt: Runtime, flight: InFlight, exc: BaseException) -> IngestResult:
    """The ``unpublishable`` dead letter replacing a result the broker refused, its payload cut
    so that the record fits ``max_message_bytes`` (base64 inflates by 4/3; preview, error and
    fields take at most ~6 KB)."""
    s = rt.settings
    cap = max(0, min(s.dlq_max_payload_bytes, (s.max_message_bytes - 6000) * 3 // 4))
    letter = fallback_dead_letter(flight.raw, settings=s, source=flight.source, now=dt.datetime.now(dt.UTC),
                                  max_bytes=cap, error=f"could not publish the {flight.result.outcome} result: {exc}")
    return IngestResult(item_id=flight.result.item_id, dead_letter=letter,
                        outputs=[Output("dlq", flight.source.key, letter.model_dump_json().encode())])


def observe(rt: Runtime, result: IngestResult) -> None:
    """Count a delivered result (metrics, the recent-events store for the evidence view)."""
    m = rt.metrics
    if result.dead_letter is not None:
        letter = result.dead_letter
        m.observe_dead_letter(letter.reason)
        log.info("dead letter %s (item %s): %s", letter.reason, letter.item_id, letter.error[:200])
    else:
        for ev in result.events:
            m.observe_event(ev)
        if result.item is not None:
            rt.recent_events.add(result.item, result.events)
    m.observe_item(result.outcome, result.extraction_seconds)
