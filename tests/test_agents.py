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
from streams.app import create_app, runtime
from streams.areas import area_of
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


async def settled(rt: Any, n: int, timeout: float = 5.0) -> None:
    """Wait until ``n`` items are counted: ingest counts an item once its outputs are delivered,
    in a task of its own (streams.ingest_agent), so ``put`` returning is not enough."""
    deadline = asyncio.get_running_loop().time() + timeout
    while sum(s.value for s in rt.metrics.items_consumed.collect()[0].samples if s.name.endswith("_total")) < n:
        assert asyncio.get_running_loop().time() < deadline, "ingest did not settle"
        await asyncio.sleep(0.01)


def fake_extract(item: Any) -> list[SeizureEvent]:
    if "heroin" not in (item.text or ""):
        return []
    ev = SeizureEvent(kind="incident", province="Lạng Sơn", item_id=item.id, event_id="",
                      seizures=[Seizure(drug="heroin", quantity=25, unit="brick")])
    return [ev]


@pytest.fixture()
def rt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    import streams.ingest

    monkeypatch.setattr(streams.ingest, "load_extractor", lambda spec, bounds=None: fake_extract)
    # the fake extractor lives in this process: extract in the loop (the child process is tested
    # in tests/test_extractor_process.py and by every worker of the integration tests)
    settings = Settings(app_id="agents-test", web_port=free_port(), data_dir=tmp_path, thresholds_file=RULES,
                        extraction_in_process=True)
    app = create_app(settings)
    app.finalize()
    app.flow_control.resume()
    r = runtime(app)
    for name in ("events_topic", "dlq_topic", "area_events_topic", "busts_topic", "alerts_topic"):
        setattr(r, name, Recorder(name))
    return r


async def test_ingest_publishes_events_keyed_by_area(rt: Any) -> None:
    async with rt.agents["ingest"].test_context() as agent:
        await agent.put(json.dumps({"id": "a", "text": "thu 25 bánh heroin"}).encode(), key=b"a")
        await agent.put(json.dumps({"id": "b", "text": "hội nghị phòng chống ma túy"}).encode(), key=b"b")
        await settled(rt, 2)
    assert len(rt.area_events_topic.sent) == 1
    key, value = rt.area_events_topic.sent[0]
    ev = SeizureEvent.model_validate_json(value)
    assert key == area_of(ev).key.encode() == "Lạng Sơn".encode()
    assert rt.dlq_topic.sent == []
    assert rt.recent_events.get(ev.event_id)["item"]["text"] == "thu 25 bánh heroin"
    samples = {s.labels["outcome"]: s.value for s in rt.metrics.items_consumed.collect()[0].samples
               if s.name.endswith("_total")}
    assert samples == {"events": 1, "no_events": 1, "dead_letter": 0}


async def test_ingest_sends_bad_input_to_the_dlq(rt: Any) -> None:
    async with rt.agents["ingest"].test_context() as agent:
        await agent.put(b"[1, 2]", key=b"k1")
        await agent.put(b"\xff\xfe", key=b"k2")
        await settled(rt, 2)
    reasons = [(k, DeadLetter.model_validate_json(v).reason) for k, v in rt.dlq_topic.sent]
    assert reasons == [(b"k1", "not_an_object"), (b"k2", "undecodable")]
    assert rt.area_events_topic.sent == []


async def test_a_new_version_of_an_item_retracts_its_old_events(rt: Any) -> None:
    async with rt.agents["ingest"].test_context() as agent:
        await agent.put(json.dumps({"id": "a", "text": "thu 25 bánh heroin"}).encode(), key=b"a")
        await agent.put(json.dumps({"id": "a", "text": "thu 25 bánh heroin"}).encode(), key=b"a")  # same version
        await settled(rt, 2)  # a publisher task sends, in reading order, after the loop read the message
        assert len(rt.area_events_topic.sent) == 2
        await agent.put(json.dumps({"id": "a", "text": "hội nghị"}).encode(), key=b"a")  # new version: no events
        await settled(rt, 3)
    old = SeizureEvent.model_validate_json(rt.area_events_topic.sent[0][1])
    retraction = json.loads(rt.area_events_topic.sent[2][1])
    assert retraction == {"type": "retraction", "event_id": old.event_id, "item_id": "a", "cluster_id": None,
                          "area": "Lạng Sơn", "reason": "item_replaced"}


def _event(n: int, bricks: float = 25) -> bytes:
    ev = SeizureEvent(kind="incident", province="Lạng Sơn", item_id=f"i{n}", event_id="", district=f"d{n}",
                      seizures=[Seizure(drug="heroin", quantity=bricks, unit="brick")])
    return ev.model_dump_json().encode()


async def test_area_agent_counts_a_bust_once_and_sends_events_busts_and_alerts(rt: Any) -> None:
    async with rt.agents["area"].test_context() as agent:
        for value in (_event(1), _event(2, bricks=30), _event(1)):  # the 3rd is a redelivery
            await agent.put(value, key="Lạng Sơn".encode())
    assert rt.state.area_totals("Lạng Sơn")["heroin_bricks"] == 55
    events = [SeizureEvent.model_validate_json(v) for _, v in rt.events_topic.sent]
    assert len(events) == 3 and all(e.cluster_id and e.cluster_id.startswith("bu-") for e in events)
    assert events[0].cluster_id == events[2].cluster_id != events[1].cluster_id
    assert {k for k, _ in rt.busts_topic.sent} == {e.cluster_id.encode() for e in events}
    alerts = [Alert.model_validate_json(v) for _, v in rt.alerts_topic.sent]
    # two single-incident alerts (>= 20 bricks each), no duplicate from the redelivery
    assert sorted(a.rule for a in alerts) == ["heroin-bricks-single-incident"] * 2
    assert len({a.alert_id for a in alerts}) == 2
    assert all(k == "Lạng Sơn".encode() for k, _ in rt.alerts_topic.sent)
    assert {a.alert_id for a in rt.latest_alerts.merged([])} == {a.alert_id for a in alerts}


async def test_ingest_survives_a_message_whose_dead_letter_held_a_lone_surrogate(rt: Any) -> None:
    """Issue 10 point 1: this message crashed the agent while it wrote the dead letter (and was lost)."""
    async with rt.agents["ingest"].test_context() as agent:
        for n in range(3):
            await agent.put(b'{"id": "x\\udfff", "text": "thu 25 b\\u00e1nh heroin"}', key=b"s%d" % n)
        await agent.put(json.dumps({"id": "ok", "text": "thu 25 bánh heroin"}).encode(), key=b"ok")
        await settled(rt, 4)
    letters = [DeadLetter.model_validate_json(v) for _, v in rt.dlq_topic.sent]
    assert [d.reason for d in letters] == ["invalid_json"] * 3
    assert [k for k, _ in rt.dlq_topic.sent] == [b"s0", b"s1", b"s2"]
    assert len(rt.area_events_topic.sent) == 1


class TooLarge(Recorder):
    """A DLQ that refuses records above ``limit`` bytes, as a broker does (not retriable)."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(name)
        self.limit = limit

    async def send(self, *, key: bytes | None = None, value: bytes) -> asyncio.Future:
        from aiokafka.errors import MessageSizeTooLargeError

        if len(value) > self.limit:
            raise MessageSizeTooLargeError(f"{len(value)} bytes")
        return await super().send(key=key, value=value)


async def test_a_result_that_cannot_be_sent_becomes_an_unpublishable_dead_letter(rt: Any) -> None:
    """A send failure retrying cannot cure must neither drop the message nor retry it for ever."""
    rt.dlq_topic = TooLarge("dlq", limit=10_000)
    rt.settings = rt.settings.model_copy(update={"max_message_bytes": 10_000})
    big = b"[" + b"1," * 10_000 + b"1]"  # not_an_object: its dead letter is > 10,000 bytes
    async with rt.agents["ingest"].test_context() as agent:
        await agent.put(big, key=b"big")
        await agent.put(json.dumps({"id": "ok", "text": "thu 25 bánh heroin"}).encode(), key=b"ok")
        await settled(rt, 2)
    [(key, value)] = rt.dlq_topic.sent
    letter = DeadLetter.model_validate_json(value)
    assert key == b"big" and letter.reason == "unpublishable" and letter.payload_truncated
    assert letter.payload_size == len(big) and big.startswith(letter.original_bytes())
    assert len(rt.area_events_topic.sent) == 1
