"""The three faust agents — wiring only; every decision is made by a pure module.

- ``ingest``    seizure-items -> ``streams.ingest.decode_and_extract`` -> seizure-events
                (keyed by province, which repartitions them for the tables) or seizure-items-dlq
- ``aggregate`` seizure-events -> ``MonthState.apply`` on its (province, month) row of the
                ``province_state`` table
                -> a ``rules.Snapshot`` on the internal updates topic
- ``alert``     updates -> ``rules.evaluate`` with the ``alert_state`` table -> seizure-alerts

At-least-once, and why it is safe: faust (non-transactional) flushes the producer before
it commits input offsets, so everything an agent sent for a message is delivered before
that message counts as done; a crash in between makes the input come again. The
aggregate ledger (dedup by event id) turns a replayed event into a no-op, and the
aggregate agent re-sends the snapshot even for a duplicate (its first delivery may have
died before the snapshot left). The alert agent is the one place where order matters
(its rule state must never be saved while the alert it records is lost), so it awaits
the delivery of fired alerts *before* it writes its table; a replay then re-publishes
the same deterministic alert id at worst, never a different alert. Per-message awaits
elsewhere would cap throughput at one broker round trip per item.

Must not: do arithmetic on figures, parse text, or decide reasons — see streams.ingest,
streams.aggregation, streams.rules.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from schemas.alerts import Alert
from schemas.events import SeizureEvent
from streams.aggregation import province_key, row_key
from streams.ingest import decode_and_extract
from streams.rules import RuleState, Snapshot, evaluate, snapshot

if TYPE_CHECKING:
    from streams.runtime import Runtime

log = logging.getLogger(__name__)

ALERTS_PER_PROVINCE = 20
"""Latest alerts kept in each alert_state row, so GET /api/alerts survives a restart."""


async def _deliver(futures: list[Any]) -> None:
    """Wait until the broker acknowledged every send."""
    if futures:
        await asyncio.gather(*futures)


def register(rt: Runtime) -> None:
    app = rt.app
    settings = rt.settings

    @app.agent(rt.items_topic, name=f"{settings.app_id}.ingest")
    async def ingest(stream: Any) -> None:
        async for event in stream.events():
            msg = event.message
            result = decode_and_extract(msg.value, settings=settings, topic=msg.topic,
                                        partition=msg.partition, offset=msg.offset)
            await publish_ingest_result(rt, result, key=msg.key)

    @app.agent(rt.events_topic, name=f"{settings.app_id}.aggregate")
    async def aggregate(stream: Any) -> None:
        async for value in stream:
            await apply_event_message(rt, value)

    @app.agent(rt.updates_topic, name=f"{settings.app_id}.alert")
    async def alert(stream: Any) -> None:
        async for value in stream:
            await evaluate_update_message(rt, value)

    @app.timer(interval=5.0)
    async def consumer_lag() -> None:
        record_consumer_lag(rt)

    rt.agents.update(ingest=ingest, aggregate=aggregate, alert=alert)


async def publish_ingest_result(rt: Runtime, result: Any, key: bytes | None = None) -> None:
    """Publish the events of one item (or its dead letter) and count the outcome."""
    m = rt.metrics
    if result.dead_letter is not None:
        letter = result.dead_letter
        await rt.dlq_topic.send(key=key, value=letter.model_dump_json().encode())
        m.observe_dead_letter(letter.reason)
        log.info("dead letter %s (item %s): %s", letter.reason, letter.item_id, letter.error[:200])
    else:
        for ev in result.events:
            await rt.events_topic.send(key=province_key(ev).encode(), value=ev.model_dump_json().encode())
            m.observe_event(ev)
        if result.item is not None:
            rt.recent_events.add(result.item, result.events)
    m.observe_item(result.outcome, result.extraction_seconds)


async def apply_event_message(rt: Runtime, value: bytes) -> None:
    """Apply one seizure-events message to its province row, then hand the snapshot to the alert agent."""
    try:
        event = SeizureEvent.model_validate_json(value)
    except ValidationError as exc:  # only we write this topic; a bad record is logged, not fatal
        log.error("unreadable record on %s: %s", rt.settings.events_topic, exc)
        return
    province = province_key(event)
    rows = rt.rows
    row = rows.row(row_key(event))
    state = rows.province(province, override=row)
    changed = row.apply(event, state.watermark, rt.settings.window_retention_days)
    # also on a duplicate: the first delivery may have died before its snapshot was sent;
    # the alert side is idempotent (fired keys, deterministic alert ids)
    snap = snapshot(state, event, rules=rt.rules)
    await rt.updates_topic.send(key=province.encode(), value=snap.model_dump_json().encode())
    if changed:
        rows.save(row)
        for old in state.compact_expired(rt.settings.window_retention_days):
            rows.save(old)
        rt.metrics.observe_totals(province, state.totals)


async def evaluate_update_message(rt: Runtime, value: bytes) -> list[Alert]:
    """Evaluate the rules on one province snapshot; publish what fires."""
    try:
        snap = Snapshot.model_validate_json(value)
    except ValidationError as exc:
        log.error("unreadable province update: %s", exc)
        return []
    row = rt.alert_state.get(snap.province) or {}
    rstate = RuleState.from_json(row.get("rules"))
    fired = evaluate(rt.rules, rstate, snap)
    rstate.prune(snap.watermark, rt.settings.window_retention_days)
    futures = []
    for a in fired:
        futures.append(await rt.alerts_topic.send(key=snap.province.encode(), value=a.model_dump_json().encode()))
        rt.metrics.observe_alert(a.rule, a.severity)
        rt.latest_alerts.add(a)
        log.warning("ALERT %s %s %s=%s (threshold %s)", a.rule, a.province, a.metric, a.value, a.threshold)
    await _deliver(futures)
    new_row = {"rules": rstate.to_json(),
               "recent": (row.get("recent", []) + [a.model_dump(mode="json") for a in fired])[-ALERTS_PER_PROVINCE:]}
    if new_row != row:
        rt.alert_state[snap.province] = new_row
    return fired


def record_consumer_lag(rt: Runtime) -> None:
    """Lag = highwater - next offset to read, per assigned partition of the three input topics."""
    consumer = getattr(rt.app, "_consumer", None)
    if consumer is None:
        return
    watched = {rt.settings.items_topic, rt.settings.events_topic, rt.updates_topic.get_topic_name()}
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
