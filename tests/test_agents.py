"""The agents under faust's test harness (``agent.test_context()``): wiring only, no Kafka.

The output topics are replaced by recorders (faust channels do not resolve delivery
futures, and the agents await delivery for at-least-once); the tables are faust's own
memory tables inside the agent's test context. What the agents must do: route results
to the right topic with the right key, call the pure modules, count outcomes.
"""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from schemas.alerts import Alert
from schemas.dead_letter import DeadLetter
from schemas.events import Seizure, SeizureEvent
from streams.aggregation import province_key
from streams.app import create_app, runtime
from streams.broker import free_port
from streams.settings import Settings

RULES = Path(__file__).resolve().parents[1] / "deploy" / "thresholds.example.yaml"


class Recorder:
    """Stands in for a faust topic: records sends, delivery resolves at once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[bytes | None, bytes]] = []

    async def send(self, *, key: bytes | None = None, value: bytes) -> asyncio.Future:
        self.sent.append((key, value))
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        fut.set_result(None)
        return fut

    def get_topic_name(self) -> str:
        return self.name


def fake_extract(item: Any) -> list[SeizureEvent]:
    if "heroin" not in (item.text or ""):
        return []
    ev = SeizureEvent(kind="incident", province="Lạng Sơn", item_id=item.id, event_id="",
                      seizures=[Seizure(drug="heroin", quantity=25, unit="brick")])
    return [ev]


@pytest.fixture()
def rt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    import streams.ingest

    monkeypatch.setattr(streams.ingest, "load_extractor", lambda spec: fake_extract)
    settings = Settings(app_id="agents-test", web_port=free_port(), data_dir=tmp_path, thresholds_file=RULES)
    app = create_app(settings)
    app.finalize()
    app.flow_control.resume()
    r = runtime(app)
    for name in ("events_topic", "dlq_topic", "updates_topic", "alerts_topic"):
        setattr(r, name, Recorder(name))
    return r


async def test_ingest_publishes_events_keyed_by_province(rt: Any) -> None:
    async with rt.agents["ingest"].test_context() as agent:
        await agent.put(json.dumps({"id": "a", "text": "thu 25 bánh heroin"}).encode(), key=b"a")
        await agent.put(json.dumps({"id": "b", "text": "hội nghị phòng chống ma túy"}).encode(), key=b"b")
    assert len(rt.events_topic.sent) == 1
    key, value = rt.events_topic.sent[0]
    ev = SeizureEvent.model_validate_json(value)
    assert key == province_key(ev).encode() == "Lạng Sơn".encode()
    assert rt.dlq_topic.sent == []
    assert rt.recent_events.get(ev.event_id)["item"]["text"] == "thu 25 bánh heroin"
    samples = {s.labels["outcome"]: s.value for s in rt.metrics.items_consumed.collect()[0].samples
               if s.name.endswith("_total")}
    assert samples == {"events": 1, "no_events": 1, "dead_letter": 0}


async def test_ingest_sends_bad_input_to_the_dlq(rt: Any) -> None:
    async with rt.agents["ingest"].test_context() as agent:
        await agent.put(b"[1, 2]", key=b"k1")
        await agent.put(b"\xff\xfe", key=b"k2")
    reasons = [(k, DeadLetter.model_validate_json(v).reason) for k, v in rt.dlq_topic.sent]
    assert reasons == [(b"k1", "not_an_object"), (b"k2", "undecodable")]
    assert rt.events_topic.sent == []


def _event(n: int, bricks: float = 25) -> bytes:
    ev = SeizureEvent(kind="incident", province="Lạng Sơn", item_id=f"i{n}", event_id="",
                      seizures=[Seizure(drug="heroin", quantity=bricks, unit="brick")])
    return ev.model_dump_json().encode()


async def test_aggregate_counts_a_redelivered_event_once(rt: Any) -> None:
    async with rt.agents["aggregate"].test_context() as agent:
        for value in (_event(1), _event(2), _event(1)):
            await agent.put(value, key="Lạng Sơn".encode())
        state = rt.rows.province("Lạng Sơn")
    assert state.totals["incident"]["heroin_bricks"] == 50
    assert len(state.events) == 2
    # one snapshot per delivery (also for the duplicate: the alert side is idempotent)
    assert len(rt.updates_topic.sent) == 3


async def test_alert_agent_fires_once_per_crossing(rt: Any) -> None:
    async with rt.agents["aggregate"].test_context() as agg:
        for value in (_event(1), _event(2)):
            await agg.put(value, key="Lạng Sơn".encode())
    snapshots = [v for _, v in rt.updates_topic.sent]
    async with rt.agents["alert"].test_context() as agent:
        for value in snapshots + snapshots:  # everything delivered twice
            await agent.put(value, key="Lạng Sơn".encode())
    alerts = [Alert.model_validate_json(v) for _, v in rt.alerts_topic.sent]
    # two single-incident alerts (>= 20 bricks each), no duplicates from the redelivery
    assert sorted(a.rule for a in alerts) == ["heroin-bricks-single-incident"] * 2
    assert len({a.alert_id for a in alerts}) == 2
    assert all(k == "Lạng Sơn".encode() for k, _ in rt.alerts_topic.sent)
    assert {a.alert_id for a in rt.latest_alerts.merged([])} == {a.alert_id for a in alerts}
