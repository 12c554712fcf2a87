"""The ingest agent's loop: read a message, let ``streams.ingest`` decide, publish, acknowledge.

Owns the delivery guarantee of ``seizure-items``: **a message is acknowledged (its offset
may be committed) only once everything it produced is delivered** to the broker, in the
order the messages were read. faust would ack a message also when the agent body raises
or is cancelled at shutdown (that is how one bad message used to be lost), so the stream
is read with manual acks (``stream.noack()``).

The extractor runs in a child process with a time budget per item
(``streams.extractor_process``), so the event loop (HTTP, heartbeats, the other agent)
stays free while an item is extracted and an overrun becomes an ``extraction_timeout``
dead letter. Two stages keep both cores busy: the reading loop decodes message N and
writes its item to the child (up to ``DEPTH`` ahead) while a *publisher* task concludes,
versions and sends the messages before it, in reading order; the child extracts in the
meantime. (One item at a time left the child idle while the loop published, and the loop
idle while the child extracted.)

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
import weakref
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faust.streams import _current_event

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
DEPTH = 8
"""Messages read ahead of the publisher: their items written to (or being extracted by) the child."""


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


@dataclass
class Pending:
    """One message read, its item decoded and handed to the extractor; ``result()`` concludes it."""

    event: Any
    raw: bytes
    source: Source
    done: IngestResult | None = None
    parsed: Any = None
    job: Any = None
    now: dt.datetime | None = None

    async def result(self, rt: Runtime) -> IngestResult:
        if self.done is not None:
            return self.done
        produced = await self.job.future
        return conclude(self.raw, self.parsed, produced, settings=rt.settings, source=self.source, now=self.now,
                        extraction_seconds=self.job.seconds)


async def run_ingest(rt: Runtime, stream: Any) -> None:
    """The body of the ingest agent: the reading stage (this loop), the publisher, the acker."""
    acking = stream.noack()
    window: asyncio.Queue[InFlight] = asyncio.Queue(maxsize=WINDOW)
    ahead: asyncio.Queue[Pending] = asyncio.Queue(maxsize=DEPTH)
    extractor = None if rt.settings.extraction_in_process else ExtractorProcess(
        rt.settings.extractor, rt.settings.extraction_timeout, bounds=rt.settings.figure_bounds, depth=DEPTH)
    if extractor is not None:
        extractor.prestart()
    tasks = [asyncio.create_task(_ack_in_order(rt, acking, window)),
             asyncio.create_task(_publish_in_order(rt, ahead, window))]
    try:
        async for event in acking.events():
            msg = event.message
            source = Source(msg.topic, msg.partition, msg.offset, msg.key)
            await ahead.put(await start_one(rt, event, as_bytes(msg.value), source, extractor))
            for task in tasks:
                if task.done():  # they only end by raising: surface that here
                    task.result()
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if extractor is not None:
            await extractor.close()


async def start_one(rt: Runtime, event: Any, raw: bytes, source: Source,
                    extractor: ExtractorProcess | None) -> Pending:
    """``streams.ingest`` decides; the item goes to the extractor process with its time budget
    (or, with ``extraction_in_process``, is extracted right here in the loop)."""
    s = rt.settings
    pending = Pending(event, raw, source)
    if extractor is None:
        pending.done = decode_and_extract(raw, settings=s, topic=source.topic, partition=source.partition,
                                          offset=source.offset, key=source.key)
        return pending
    pending.now = dt.datetime.now(dt.UTC)
    pending.parsed = decode(raw, settings=s, now=pending.now)
    if pending.parsed.item is None:
        pending.done = conclude(raw, pending.parsed, None, settings=s, source=source, now=pending.now)
    else:
        pending.job = await extractor.submit(pending.parsed.item)
    return pending


async def _publish_in_order(rt: Runtime, ahead: asyncio.Queue[Pending], window: asyncio.Queue[InFlight]) -> None:
    """Conclude, version and send each message in reading order; hand it to the acker."""
    while True:
        pending = await ahead.get()
        result = await pending.result(rt)
        flight = InFlight(pending.event, result, pending.raw, pending.source)
        # item_versions is written in the partition of the message's own event (faust reads it from
        # the stream's current event, which the reading loop has already moved past)
        _current_event.set(weakref.ref(pending.event))
        try:
            result.outputs = versioned(rt, result)
            flight.futures = await _send(rt, result.outputs)
        except Exception as exc:  # noqa: BLE001 - not retriable: settle() turns it into a dead letter
            flight.send_error = exc
        await window.put(flight)


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
