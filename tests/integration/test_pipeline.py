"""The whole pipeline against the real embedded broker and a real worker process.

One broker (session) and one worker app (module) are shared: the module publishes the
seeds, the dev corpus (read from ../shared at test time, see tests/corpus_support.py), report items built from the
seeds' gold annotations, and a set of bad inputs interleaved with valid items; the tests
then read events, alerts and dead letters back with aiokafka and the tables over HTTP.
Every expectation is computed here from ``extract()`` (the worker's configured extractor)
and from the gold annotations, never hard-coded. Order matters (module state): the
republish and restart tests run last.
"""
from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from corpus_support import CORPUS

from schemas.alerts import Alert
from schemas.dead_letter import DeadLetter
from schemas.events import SeizureEvent
from schemas.items import parse_item
from streams.ingest import load_extractor
from streams.settings import Settings

pytestmark = pytest.mark.integration

SEEDS = sorted((CORPUS / "seeds").glob("*.json"))
DEV = sorted((CORPUS / "dev").glob("*.json"))
TEN_MB = 10 * 1024 * 1024
MASS = {"kg": 1.0, "g": 0.001}
SUFFIX = {"kg": "kg", "g": "kg", "pill": "pills", "brick": "bricks", "package": "packages", "dose": "doses"}

if not SEEDS or not DEV:  # pragma: no cover - a green run must have used the corpus
    raise FileNotFoundError(f"no corpus under {CORPUS}: is ../shared beside the repository?")


# ---------------------------------------------------------------- inputs

def bad_inputs() -> list[tuple[str, bytes, str]]:
    """(key, payload, expected reason): at least 12 kinds of bad input."""
    news = {"id": "bad-x", "published": "2023-06-11", "text": "Công an thu giữ 12 bánh heroin."}

    def j(**kw: Any) -> bytes:
        return json.dumps({**news, **kw}, ensure_ascii=False).encode()

    report = {"id": "bad-r", "type": "report", "province": "Sơn La", "date": "2023-06-01"}
    big = json.dumps({**news, "id": "bad-big", "text": "heroin " * (TEN_MB // 7)}).encode()
    assert len(big) >= TEN_MB
    return [
        ("bad-not-json", b"Ban tin khong phai JSON", "invalid_json"),
        ("bad-truncated", b'{"id": "t", "text": "abc', "invalid_json"),
        ("bad-array", json.dumps([news]).encode(), "not_an_object"),
        ("bad-scalar", b"42", "not_an_object"),
        ("bad-missing-text", json.dumps({"id": "m", "published": "2023-01-01"}).encode(), "schema_violation"),
        ("bad-wrong-types", j(text=["a", "list"], published=12), "schema_violation"),
        ("bad-10mb", big, "too_large"),
        ("bad-utf8", b'{"id": "u", "text": "C\xf4ng an \xff\xfe"}', "undecodable"),
        ("bad-empty-text", j(text=""), "schema_violation"),
        ("bad-whitespace", j(text=" \n\t  "), "schema_violation"),
        ("bad-year-3000", j(published="3000-01-01"), "schema_violation"),
        ("bad-negative", json.dumps({**report, "seizures": [{"drug": "heroin", "quantity": -5, "unit": "kg"}]}).encode(),
         "schema_violation"),
        ("bad-nan", b'{"id": "n", "type": "report", "cases": NaN}', "schema_violation"),
        ("bad-nan-qty", (b'{"id": "n2", "type": "report", "seizures": [{"drug": "heroin", "quantity": NaN, '
                         b'"unit": "kg"}]}'), "schema_violation"),
        ("bad-type", j(type="tweet"), "unknown_item_type"),
        ("bad-extra-field", j(lang="vi"), "schema_violation"),
    ]


def gold_reports() -> list[tuple[dict, dict]]:
    """(report item, gold event) for every gold event of the seeds: the pipeline must count gold exactly."""
    out = []
    for path in SEEDS:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for n, ev in enumerate(doc["events"]):
            item = {"id": f"gold-{doc['id']}-{n}", "type": "report", "kind": ev["kind"], "country": ev["country"],
                    "province": ev["province"], "date": ev["date"], "period_start": ev["period_start"],
                    "period_end": ev["period_end"], "published": doc.get("published"), "cases": ev["cases"],
                    "suspects": ev["suspects"], "operations": ev["operations"],
                    "seizures": [{k: s[k] for k in ("drug", "quantity", "unit", "qualifier")} for s in ev["seizures"]]}
            out.append((item, ev))
    return out


def valid_items() -> list[tuple[str, bytes]]:
    items = [(json.loads(p.read_bytes())["id"], p.read_bytes()) for p in SEEDS + DEV]
    items += [(it["id"], json.dumps(it, ensure_ascii=False).encode()) for it, _ in gold_reports()]
    return items


def interleaved() -> list[tuple[str, bytes]]:
    """Valid items with a bad input after every few of them."""
    good, bad = valid_items(), [(k, p) for k, p, _ in bad_inputs()]
    out: list[tuple[str, bytes]] = []
    step = max(1, len(good) // len(bad))
    for i, rec in enumerate(good):
        out.append(rec)
        if i % step == step - 1 and bad:
            out.append(bad.pop(0))
    return out + bad


# ---------------------------------------------------------------- expectations (independent of the tables)

def expected_events(settings: Settings) -> dict[str, SeizureEvent]:
    extract = load_extractor(settings.extractor)
    out: dict[str, SeizureEvent] = {}
    for _, payload in valid_items():
        for ev in extract(parse_item(json.loads(payload))):
            out[ev.event_id] = ev
    return out


def key_of(ev: SeizureEvent) -> str:
    return ev.province_2025 or ev.province or "unknown"


def add_figures(acc: dict[str, float], cases: Any, suspects: Any, operations: Any, seizures: list[dict]) -> None:
    """Written from corpus/SCHEMA.md, not from streams.aggregation."""
    acc["events"] = acc.get("events", 0) + 1
    for name, v in (("cases", cases), ("suspects", suspects), ("operations", operations)):
        if v is not None:
            acc[name] = acc.get(name, 0) + v
    for s in seizures:
        suffix = SUFFIX[s["unit"]]
        value = s["quantity"] * MASS.get(s["unit"], 1.0)
        # README: a drug named by its unit does not repeat it (meth_pills, not meth_pills_pills)
        per_drug = s["drug"] if s["drug"].endswith(f"_{suffix}") else f"{s['drug']}_{suffix}"
        for m in (per_drug, suffix):
            acc[m] = acc.get(m, 0) + value


def totals_from(events: dict[str, SeizureEvent]) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: {"incident": {}, "aggregate": {}})
    for ev in events.values():
        add_figures(out[key_of(ev)][ev.kind], ev.cases, ev.suspects, ev.operations,
                    [s.model_dump() for s in ev.seizures])
    return dict(out)


def assert_totals_equal(actual: dict, expected: dict) -> None:
    assert sorted(actual) == sorted(expected)
    for prov in expected:
        for kind in ("incident", "aggregate"):
            a, e = actual[prov].get(kind, {}), expected[prov].get(kind, {})
            assert sorted(a) == sorted(e), (prov, kind)
            for m in e:
                assert math.isclose(a[m], e[m], rel_tol=1e-9, abs_tol=1e-9), (prov, kind, m, a[m], e[m])


# ---------------------------------------------------------------- Kafka and HTTP helpers

async def _produce(settings: Settings, records: list[tuple[str, bytes]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, max_request_size=32 * 1024 * 1024)
    await producer.start()
    try:
        futs = [await producer.send(settings.items_topic, payload, key=key.encode()) for key, payload in records]
        await asyncio.gather(*futs)
    finally:
        await producer.stop()


def produce(settings: Settings, records: list[tuple[str, bytes]]) -> None:
    asyncio.run(_produce(settings, records))


async def _read_topic(settings: Settings, topic: str) -> list[Any]:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=None,
                                enable_auto_commit=False, max_partition_fetch_bytes=64 * 1024 * 1024,
                                fetch_max_bytes=64 * 1024 * 1024)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(settings.partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        out: list[Any] = []
        todo = {tp for tp in tps if end[tp] > 0}
        deadline = time.monotonic() + 30
        while todo and time.monotonic() < deadline:
            for tp, msgs in (await consumer.getmany(*todo, timeout_ms=1000)).items():
                out.extend(msgs)
                if msgs and msgs[-1].offset + 1 >= end[tp]:
                    todo.discard(tp)
        assert not todo, f"could not read {topic} to its end"
        return out
    finally:
        await consumer.stop()


def read_topic(settings: Settings, topic: str) -> list[Any]:
    return asyncio.run(_read_topic(settings, topic))


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read().decode("utf-8"))


def table_totals(base_url: str) -> dict[str, dict[str, dict[str, float]]]:
    return {p["province"]: p["totals"] for p in get(f"{base_url}/api/provinces")["provinces"]}


def metric_sum(base_url: str, name: str, **labels: str) -> float:
    with urllib.request.urlopen(f"{base_url}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        head, _, value = line.rpartition(" ")
        if head.split("{")[0] != name:
            continue
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            total += float(value)
    return total


def downstream_lag(run: Run) -> float:
    """Messages the aggregate and alert agents have not read yet (-1 while the gauge is missing)."""
    from streams.topics import updates_topic

    with urllib.request.urlopen(f"{run.base_url}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    topics = (run.settings.events_topic, updates_topic(run.settings))
    lines = [ln for ln in text.splitlines() if ln.startswith("seizurewatch_consumer_lag_messages{")
             and any(f'topic="{t}"' in ln for t in topics)]
    if len(lines) < 2 * run.settings.partitions:
        return -1
    return sum(float(ln.rpartition(" ")[2]) for ln in lines)


def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if cond():
                return
        except Exception:
            pass
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


# ---------------------------------------------------------------- the shared run

class Run:
    settings: Settings
    worker: Any
    base_url: str
    sent: int
    expected: dict[str, SeizureEvent]
    seconds: float


@pytest.fixture(scope="module")
def run(settings_factory: Callable[..., Settings], start_worker: Callable[..., Any]) -> Iterator[Run]:
    from streams.topics import ensure_topics

    r = Run()
    r.settings = settings_factory()
    asyncio.run(ensure_topics(r.settings))
    r.worker = start_worker(r.settings)
    r.base_url = r.worker.base_url
    r.expected = expected_events(r.settings)
    records = interleaved()
    r.sent = len(records)
    started = time.monotonic()
    produce(r.settings, records)
    wait_for(lambda: metric_sum(r.base_url, "seizurewatch_items_consumed_total") >= r.sent, 60, "items consumed")
    n_events = len(r.expected)
    wait_for(lambda: sum(p["events"] for p in get(f"{r.base_url}/api/provinces")["provinces"]) >= n_events,
             60, "tables to hold every event")
    r.seconds = time.monotonic() - started
    print(f"\n{r.sent} items, {n_events} events through the pipeline in {r.seconds:.1f}s")
    yield r
    r.worker.stop()


def test_events_are_exactly_what_extract_gives(run: Run) -> None:
    msgs = read_topic(run.settings, run.settings.events_topic)
    got = {}
    for m in msgs:
        ev = SeizureEvent.model_validate_json(m.value)
        assert m.key.decode() == key_of(ev), "events are keyed by province"
        got[ev.event_id] = ev
    assert len(msgs) == len(got), "no event published twice on a single pass"
    assert {k: v.model_dump() for k, v in got.items()} == {k: v.model_dump() for k, v in run.expected.items()}


def test_tables_equal_totals_computed_from_the_events(run: Run) -> None:
    assert_totals_equal(table_totals(run.base_url), totals_from(run.expected))


def test_gold_reports_are_counted_exactly(run: Run) -> None:
    """Seeds: each gold event as a report item; the province rows must contain the gold figures."""
    extract = load_extractor(run.settings.extractor)
    gold: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: {"incident": {}, "aggregate": {}})
    for item, ev in gold_reports():
        produced = extract(parse_item(item))
        assert len(produced) == 1
        add_figures(gold[key_of(produced[0])][ev["kind"]], ev["cases"], ev["suspects"], ev["operations"],
                    ev["seizures"])
    # the gold contribution = tables minus what the other (corpus) items contributed
    others = {k: v for k, v in run.expected.items() if not v.item_id.startswith("gold-")}
    rest = totals_from(others)
    tables = table_totals(run.base_url)
    for prov, kinds in gold.items():
        for kind, metrics in kinds.items():
            for m, value in metrics.items():
                have = tables[prov][kind].get(m, 0) - rest.get(prov, {}).get(kind, {}).get(m, 0)
                assert math.isclose(have, value, rel_tol=1e-9, abs_tol=1e-9), (prov, kind, m, have, value)


def test_province_detail_and_event_views(run: Run) -> None:
    import urllib.parse

    tables = table_totals(run.base_url)
    prov = min(tables)
    detail = get(f"{run.base_url}/api/provinces/{urllib.parse.quote(prov)}")
    assert detail["totals"] == tables[prov]
    assert set(detail["windows"]) <= {"1d", "30d", "month"}
    ev = next(e for e in run.expected.values() if not e.item_id.startswith("gold-"))
    view = get(f"{run.base_url}/api/events/{ev.event_id}")
    assert view["event"]["event_id"] == ev.event_id and view["item"]["text"] and "text" not in view  # the text once
    for span in ev.evidence.values():
        assert view["item"]["text"][span.start:span.end] == span.text


def test_every_bad_input_is_dead_lettered_with_its_reason(run: Run) -> None:
    letters = {}
    for m in read_topic(run.settings, run.settings.dlq_topic):
        letters[m.key.decode()] = DeadLetter.model_validate_json(m.value)
    expected = {k: (p, reason) for k, p, reason in bad_inputs()}
    assert len({r for _, r in expected.values()}) >= 6 and len(expected) >= 12
    assert sorted(letters) == sorted(expected)
    for key, (payload, reason) in expected.items():
        d = letters[key]
        assert d.reason == reason, (key, d.reason, d.error)
        assert d.source_topic == run.settings.items_topic and d.source_offset is not None
        assert d.payload_size == len(payload)
        if not d.payload_truncated:
            assert d.original_bytes() == payload
    for reason in {r for _, r in expected.values()}:
        n = sum(1 for _, r in expected.values() if r == reason)
        assert metric_sum(run.base_url, "seizurewatch_dead_letters_total", reason=reason) == n


def test_item_outcomes_are_counted(run: Run) -> None:
    extract = load_extractor(run.settings.extractor)
    with_events = sum(1 for _, p in valid_items() if extract(parse_item(json.loads(p))))
    assert metric_sum(run.base_url, "seizurewatch_items_consumed_total", outcome="events") == with_events
    assert metric_sum(run.base_url, "seizurewatch_items_consumed_total", outcome="no_events") == \
        len(valid_items()) - with_events
    assert metric_sum(run.base_url, "seizurewatch_items_consumed_total", outcome="dead_letter") == len(bad_inputs())
    assert metric_sum(run.base_url, "seizurewatch_events_total") == len(run.expected)


def replay_alerts(run: Run, events_in_topic_order: list[SeizureEvent]) -> set[str]:
    """The alert ids the pure modules give for the events in the order the worker saw them."""
    from streams.aggregation import ProvinceState
    from streams.rules import RuleState, evaluate, load_rules, snapshot

    rules = load_rules(run.settings.thresholds_file)
    states: dict[str, ProvinceState] = {}
    rstates: dict[str, RuleState] = {}
    ids = set()
    for ev in events_in_topic_order:
        k = key_of(ev)
        st = states.setdefault(k, ProvinceState(province=k))
        st.apply(ev, run.settings.window_retention_days)
        for a in evaluate(rules, rstates.setdefault(k, RuleState()), snapshot(st, ev, rules=rules)):
            ids.add(a.alert_id)
    return ids


def _alerts(run: Run) -> dict[str, Alert]:
    return {a.alert_id: a for a in (Alert.model_validate_json(m.value)
                                    for m in read_topic(run.settings, run.settings.alerts_topic))}


def test_alerts_match_the_rules(run: Run) -> None:
    msgs = read_topic(run.settings, run.settings.events_topic)
    by_partition: dict[int, list[Any]] = defaultdict(list)
    for m in msgs:
        by_partition[m.partition].append(m)
    ordered = [SeizureEvent.model_validate_json(m.value) for p in sorted(by_partition)
               for m in sorted(by_partition[p], key=lambda m: m.offset)]
    wait_for(lambda: len(_alerts(run)) >= len(replay_alerts(run, ordered)), 30, "alerts")
    alerts = _alerts(run)
    assert set(alerts) == replay_alerts(run, ordered)
    for a in alerts.values():
        assert a.value >= a.threshold and a.event_ids
        assert set(a.event_ids) <= set(run.expected)
    api = {a["alert_id"] for a in get(f"{run.base_url}/api/alerts")["alerts"]}
    assert set(alerts) <= api or len(api) == run.settings.latest_alerts


def test_publishing_everything_twice_changes_no_total(run: Run) -> None:
    before = table_totals(run.base_url)
    alerts_before = set(_alerts(run))
    consumed = metric_sum(run.base_url, "seizurewatch_items_consumed_total")
    records = interleaved()
    produce(run.settings, records)
    wait_for(lambda: metric_sum(run.base_url, "seizurewatch_items_consumed_total") >= consumed + len(records),
             60, "second pass consumed")
    # the aggregate agent is downstream: wait until it read every event of the second pass
    n_events = len(read_topic(run.settings, run.settings.events_topic))
    assert n_events == 2 * len(run.expected)
    wait_for(lambda: downstream_lag(run) == 0, 30, "aggregate and alert agents to catch up")
    assert table_totals(run.base_url) == before
    assert_totals_equal(table_totals(run.base_url), totals_from(run.expected))
    time.sleep(1.0)
    assert set(_alerts(run)) == alerts_before, "no new alert id from a redelivery"


def test_restarted_worker_recovers_its_tables(run: Run, start_worker: Callable[..., Any]) -> None:
    before = table_totals(run.base_url)
    run.worker.stop()
    run.worker = start_worker(run.settings)
    try:
        wait_for(lambda: table_totals(run.base_url) == before, 30, "tables recovered from the changelogs")
    finally:
        assert_totals_equal(table_totals(run.base_url), before)
    assert_totals_equal(table_totals(run.base_url), totals_from(run.expected))
    # and it keeps counting exactly: one more pass of the corpus changes nothing
    consumed = metric_sum(run.base_url, "seizurewatch_items_consumed_total")
    produce(run.settings, valid_items()[:5])
    wait_for(lambda: metric_sum(run.base_url, "seizurewatch_items_consumed_total") >= consumed + 5, 30, "consumed")
    wait_for(lambda: downstream_lag(run) == 0, 30, "aggregate to catch up")
    assert table_totals(run.base_url) == before


def test_a_killed_worker_counts_exactly_after_restart(run: Run, start_worker: Callable[..., Any]) -> None:
    """kill -9 in the middle of a burst: the redelivered part must not be counted twice."""
    extract = load_extractor(run.settings.extractor)
    provinces = ["Sơn La", "Điện Biên", "Lai Châu", "Nghệ An", "Quảng Trị"]
    burst = []
    for i in range(400):
        item = {"id": f"burst-{i}", "type": "report", "province": provinces[i % len(provinces)],
                "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "suspects": 1 + i % 3,
                "seizures": [{"drug": "heroin", "quantity": 1 + i % 30, "unit": "brick"}]}
        burst.append((item["id"], json.dumps(item, ensure_ascii=False).encode()))
    expected = dict(run.expected)
    for _, payload in burst:
        for ev in extract(parse_item(json.loads(payload))):
            expected[ev.event_id] = ev
    consumed = metric_sum(run.base_url, "seizurewatch_items_consumed_total")
    produce(run.settings, burst)
    wait_for(lambda: metric_sum(run.base_url, "seizurewatch_items_consumed_total") >= consumed + 50, 30, "burst")
    run.worker.kill()
    run.worker = start_worker(run.settings)
    n = len(expected)
    wait_for(lambda: sum(p["events"] for p in get(f"{run.base_url}/api/provinces")["provinces"]) >= n, 90,
             "every event after the crash")
    wait_for(lambda: downstream_lag(run) == 0, 30, "aggregate to catch up")
    assert_totals_equal(table_totals(run.base_url), totals_from(expected))
    events_on_topic = len(read_topic(run.settings, run.settings.events_topic))
    print(f"\nevents topic holds {events_on_topic} records for {n} distinct events after the kill")
