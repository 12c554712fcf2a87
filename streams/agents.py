"""The two faust agents — wiring only; every decision is made by a pure module.

- ``ingest``  seizure-items -> ``streams.ingest_agent`` (``streams.ingest`` decides) -> the
              item's events (and, for a new version of a known item, retractions of its old
              events: ``streams.versions``) on the internal ``area-events`` topic keyed by
              area, or a dead letter on seizure-items-dlq
- ``area``    area-events -> ``streams.area_state.step`` on the ``area_state`` table (busts,
              period statistics, alert state of the area) -> seizure-events (with
              ``cluster_id``), seizure-busts (compacted), seizure-alerts

At-least-once, and why it is safe: ingest acknowledges a message only once everything it
produced is delivered (``streams.ingest_agent``). Elsewhere faust (non-transactional)
flushes the producer before it commits input offsets, so everything an agent sent or wrote
for a message is delivered before that message counts as done; a crash in between makes the input come again. The
transitions are written so that a replay converges (see streams.area_state for the
argument); the agent applies a step's writes in order, sends its records, awaits the
delivery of fired alerts and only then writes the rule row that remembers them (per-message
awaits elsewhere would cap throughput at one broker round trip per item).

Must not: do arithmetic on figures, parse text, or decide anything — see streams.ingest,
streams.versions, streams.area_state, streams.clustering, streams.periods, streams.rules.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from schemas.events import EventRetraction, SeizureEvent
from streams import area_state
from streams.ingest_agent import run_ingest
from streams.read_model import gauge_totals

if TYPE_CHECKING:
    from streams.runtime import Runtime

log = logging.getLogger(__name__)


def register(rt: Runtime) -> None:
    app = rt.app
    settings = rt.settings

    @app.agent(rt.items_topic, name=f"{settings.app_id}.ingest")
    async def ingest(stream: Any) -> None:
        await run_ingest(rt, stream)

    @app.agent(rt.area_events_topic, name=f"{settings.app_id}.area")
    async def area(stream: Any) -> None:
        async for value in stream:
            await apply_area_message(rt, value)

    @app.timer(interval=5.0)
    async def consumer_lag() -> None:
        record_consumer_lag(rt)

    @app.on_rebalance_complete.connect
    async def _tables_changed(sender: Any = None, **kwargs: Any) -> None:
        rt.state.invalidate()

    rt.agents.update(ingest=ingest, area=area)


def parse_area_message(value: bytes) -> SeizureEvent | EventRetraction:
    data = json.loads(value)
    if isinstance(data, dict) and data.get("type") == "retraction":
        return EventRetraction.model_validate(data)
    return SeizureEvent.model_validate(data)


async def apply_area_message(rt: Runtime, value: bytes) -> area_state.Step | None:
    """One message of the area topic: call the transition, apply its writes, send its records."""
    try:
        message = parse_area_message(value)
    except (ValidationError, ValueError) as exc:  # only we write this topic; a bad record is logged, not fatal
        log.error("unreadable record on the area topic: %s", exc)
        return None
    index = rt.state
    step = area_state.step(index, message, rt.area_config)
    for key, row in step.writes:
        index.write(key, row)
    key = step.area.encode()
    for out in step.events:
        await rt.events_topic.send(key=key, value=out.model_dump_json().encode())
    for cluster_id, bust in step.busts:
        await rt.busts_topic.send(key=cluster_id.encode(),
                                  value=None if bust is None else bust.model_dump_json().encode())
    futures = []
    for a in step.alerts:
        futures.append(await rt.alerts_topic.send(key=key, value=a.model_dump_json().encode()))
        rt.metrics.observe_alert(a.rule, a.severity)
        rt.latest_alerts.add(a)
        log.warning("ALERT %s %s %s=%s (threshold %s)", a.rule, a.province, a.metric, a.value, a.threshold)
    if futures:
        await asyncio.gather(*futures)
    for rule_key, row in step.rule_writes:
        index.write(rule_key, row)
    for final_key, row in step.finals:
        index.write(final_key, row)
    if step.changed:
        rt.metrics.observe_totals(step.area, gauge_totals(index, step.area, periods=step.periods_changed))
    return step


def record_consumer_lag(rt: Runtime) -> None:
    """Lag = highwater - next offset to read, per assigned partition of the two input topics."""
    consumer = getattr(rt.app, "_consumer", None)
    if consumer is None:
        return
    watched = {rt.settings.items_topic, rt.area_events_topic.get_topic_name()}
    try:
        assignment = consumer.assignment()
    except Exception:  # not started / rebalancing
        return
    for tp in assignment:
        if tp.topic not in watched:
            continue
        try:
            high = consumer.highwater(tp)
        except Exception:
            continue
        if high is None:
            continue
        read = consumer._read_offset.get(tp)
        position = (read + 1) if read is not None else (consumer._committed_offset.get(tp) or 0)
        rt.metrics.set_lag(tp.topic, tp.partition, int(high) - int(position))
