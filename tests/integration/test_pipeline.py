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
import urllib.parse
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
        ("bad-lone-surrogate", b'{"id": "s\\udfff", "text": "C\\u00f4ng an thu 2 kg heroin"}', "invalid_json"),
        ("bad-absurd-figure", json.dumps({**report, "seizures": [{"drug": "heroin", "quantity": 1e308,
                                                                  "unit": "kg"}]}).encode(), "figure_out_of_bounds"),
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
    """The area key, written from the README's table of area keys (not from streams.areas)."""
    if ev.area:
        return f"region:{ev.area}"
    if ev.country in (None, "VN") and (ev.province_2025 or ev.province):
        return ev.province_2025 or ev.province or ""
    if ev.province:
        return f"{ev.country}:{ev.province}"
    return f"country:{ev.country}" if ev.country else "unknown"


# ---------------------------------------------------------------- Kafka and HTTP helpers

async def _produce(settings: Settings, records: list[tuple[str, bytes]]) -> list[tuple[int, int]]:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, max_request_size=32 * 1024 * 1024)
    await producer.start()
    try:
        futs = [await producer.send(settings.items_topic, payload, key=key.encode()) for key, payload in records]
        return [(md.partition, md.offset) for md in await asyncio.gather(*futs)]
    finally:
        await producer.stop()


def produce(settings: Settings, records: list[tuple[str, bytes]]) -> list[tuple[int, int]]:
    """Send ``(key, payload)`` records to the items topic; returns their (partition, offset)."""
    return asyncio.run(_produce(settings, records))


def read_topic(settings: Settings, topic: str) -> list[Any]:
    """Every record of ``topic`` now (to the fetch high watermark: the worker batches its topics)."""
    from streams.topic_reader import read_to_end

    return asyncio.run(read_to_end(settings, topic))


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read().decode("utf-8"))


def table_totals(base_url: str) -> dict[str, dict[str, dict[str, float]]]:
    """area -> {incident: bust sums, aggregate: period headline} for provinces and the other areas."""
    docs = get(f"{base_url}/api/provinces")["provinces"] + get(f"{base_url}/api/areas")["areas"]
    return {p["area"]: p["totals"] for p in docs}


def reports_counted(base_url: str) -> int:
    """Reports (events) the tables hold: each in one bust or one period statistic."""
    docs = get(f"{base_url}/api/provinces")["provinces"] + get(f"{base_url}/api/areas")["areas"]
    return sum(p["reports"] for p in docs)


def latest_busts(settings: Settings) -> dict[str, dict]:
    """cluster_id -> the latest record of the compacted busts topic (tombstones remove)."""
    out: dict[str, dict] = {}
    for m in sorted(read_topic(settings, settings.busts_topic), key=lambda m: (m.partition, m.offset)):
        if m.value is None:
            out.pop(m.key.decode(), None)
        else:
            out[m.key.decode()] = json.loads(m.value)
    return out


def bust_totals(settings: Settings) -> dict[str, dict[str, float]]:
    """area -> incident totals recomputed from the bust records (each bust's figures once)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for b in latest_busts(settings).values():
        for metric, value in b["metrics"].items():
            out[b["area"]][metric] = round(out[b["area"]].get(metric, 0) + value, 9)
    return dict(out)


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
    """Messages the area agent has not read yet (-1 while the gauge is missing)."""
    from streams.topics import area_events_topic

    with urllib.request.urlopen(f"{run.base_url}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    topics = (area_events_topic(run.settings),)
    lines = [ln for ln in text.splitlines() if ln.startswith("seizurewatch_consumer_lag_messages{")
             and any(f'topic="{t}"' in ln for t in topics)]
    if len(lines) < run.settings.partitions:
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
    wait_for(lambda: reports_counted(r.base_url) >= n_events, 60, "tables to hold every event")
    r.seconds = time.monotonic() - started
    print(f"\n{r.sent} items, {n_events} events through the pipeline in {r.seconds:.1f}s")
    yield r
    r.worker.stop()


def test_events_are_exactly_what_extract_gives(run: Run) -> None:
    msgs = read_topic(run.settings, run.settings.events_topic)
    got = {}
    for m in msgs:
        ev = SeizureEvent.model_validate_json(m.value)
        assert m.key.decode() == key_of(ev), "events are keyed by area"
        assert ev.cluster_id and ev.cluster_id[:3] == ("bu-" if ev.kind == "incident" else "st-")
        got[ev.event_id] = ev
    assert len(msgs) == len(got), "no event published twice on a single pass"
    strip = {"cluster_id"}
    assert {k: v.model_dump(exclude=strip) for k, v in got.items()} == \
        {k: v.model_dump(exclude=strip) for k, v in run.expected.items()}


def test_tables_equal_the_busts_each_counted_once(run: Run) -> None:
    """Incident totals = the sum of the busts' current figures (seizure-busts), not of the reports."""
    assert table_totals(run.base_url) == pure_totals(run.settings, list(run.expected.values()))
    wait_for(lambda: len(latest_busts(run.settings)) > 0, 30, "bust records")
    tables = table_totals(run.base_url)
    assert_incidents_equal({a: t["incident"] for a, t in tables.items() if t["incident"]}, bust_totals(run.settings))
    busts = latest_busts(run.settings)
    incidents = [e for e in run.expected.values() if e.kind == "incident"]
    assert len(busts) <= len(incidents)
    assert sum(b["reports"] for b in busts.values()) == len(incidents)


def assert_incidents_equal(actual: dict[str, dict[str, float]], expected: dict[str, dict[str, float]]) -> None:
    assert sorted(actual) == sorted(expected)
    for area, metrics in expected.items():
        assert sorted(actual[area]) == sorted(metrics), area
        for m, v in metrics.items():
            assert math.isclose(actual[area][m], v, rel_tol=1e-9, abs_tol=1e-9), (area, m, actual[area][m], v)


def test_gold_reports_join_the_bust_or_statistic_of_their_article(run: Run) -> None:
    """Seeds: each gold event sent again as a report item is the same real-world fact as the article's event."""
    extract = load_extractor(run.settings.extractor)
    cluster = {ev.event_id: ev.cluster_id for ev in (SeizureEvent.model_validate_json(m.value)
                                                      for m in read_topic(run.settings, run.settings.events_topic))}
    for item, _ in gold_reports():
        report = extract(parse_item(item))[0]
        article = [e for e in run.expected.values() if e.item_id == item["id"].split("-")[1] + "-" +
                   item["id"].split("-")[2] and key_of(e) == key_of(report) and e.kind == report.kind
                   and (e.period_start, e.period_end, e.date) == (report.period_start, report.period_end, report.date)]
        assert article, item["id"]
        assert cluster[report.event_id] in {cluster[a.event_id] for a in article}, item["id"]


def test_period_reports_give_a_headline_never_a_sum_and_no_unknown_province(run: Run) -> None:
    provinces = get(f"{run.base_url}/api/provinces")["provinces"]
    assert "unknown" not in {p["area"] for p in provinces}
    assert all(p["area_type"] == "province" for p in provinces)
    areas = get(f"{run.base_url}/api/areas")["areas"]
    assert areas and all(a["area_type"] != "province" for a in areas)
    son_la = next(p for p in provinces if p["area"] == "Sơn La")
    reported = {e.cases for e in run.expected.values() if e.kind == "aggregate" and key_of(e) == "Sơn La" and e.cases}
    assert son_la["totals"]["aggregate"]["cases"] in reported and son_la["totals"]["aggregate"]["cases"] != 4329
    head = son_la["headline"]["cases"]
    assert (head["start"], head["end"]) == ("2019-01-01", "2021-12-31")
    # windows hold busts only: no period total on a one-day window
    detail = get(f"{run.base_url}/api/provinces/{urllib.parse.quote('Sơn La')}")
    assert all(w["incident"].get("cases", 0) < 977 for w in detail["windows"].values())
    assert len(detail["period_statistics"]) >= 2


def test_province_detail_and_event_views(run: Run) -> None:
    import urllib.parse

    provinces = {p["area"]: p["totals"] for p in get(f"{run.base_url}/api/provinces")["provinces"]}
    prov = min(provinces)
    detail = get(f"{run.base_url}/api/provinces/{urllib.parse.quote(prov)}")
    assert detail["totals"] == provinces[prov]
    if detail["bust_list"]:
        bust = detail["bust_list"][0]
        assert get(f"{run.base_url}/api/busts/{bust['cluster_id']}") == bust
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


def pure_totals(settings: Settings, events: list[SeizureEvent]) -> dict:
    """The tables the pure transition gives for these events, each delivered once (order-independent here)."""
    from streams import read_model
    from streams.area_state import Config, step
    from streams.state_index import StateIndex

    index = StateIndex({})
    cfg = Config(tolerance_days=settings.bust_match_days, retention_days=settings.window_retention_days)
    for ev in sorted(events, key=lambda e: e.event_id):
        s = step(index, ev, cfg)
        for key, row in s.writes + s.finals:
            index.write(key, row)
    provinces, others = read_model.summaries(index)
    return {d["area"]: d["totals"] for d in provinces + others}


def replay_alerts(run: Run, messages_in_partition_order: list[bytes]) -> set[str]:
    """The alert ids the pure transition gives for the area topic's messages in the order the worker saw them."""
    from streams.agents import parse_area_message
    from streams.area_state import Config, step
    from streams.rules import load_rules
    from streams.state_index import StateIndex

    index = StateIndex({})
    cfg = Config(rules=load_rules(run.settings.thresholds_file), tolerance_days=run.settings.bust_match_days,
                 retention_days=run.settings.window_retention_days)
    ids = set()
    for value in messages_in_partition_order:
        s = step(index, parse_area_message(value), cfg)
        for key, row in s.writes + s.rule_writes + s.finals:
            index.write(key, row)
        ids |= {a.alert_id for a in s.alerts}
    return ids


def _alerts(run: Run) -> dict[str, Alert]:
    return {a.alert_id: a for a in (Alert.model_validate_json(m.value)
                                    for m in read_topic(run.settings, run.settings.alerts_topic))}


def test_alerts_match_the_rules(run: Run) -> None:
    from streams.topics import area_events_topic

    msgs = read_topic(run.settings, area_events_topic(run.settings))
    by_partition: dict[int, list[Any]] = defaultdict(list)
    for m in msgs:
        by_partition[m.partition].append(m)
    ordered = [m.value for p in sorted(by_partition) for m in sorted(by_partition[p], key=lambda m: m.offset)]
    wait_for(lambda: len(_alerts(run)) >= len(replay_alerts(run, ordered)), 30, "alerts")
    alerts = _alerts(run)
    assert set(alerts) == replay_alerts(run, ordered)
    for a in alerts.values():
        assert a.value >= a.threshold and a.event_ids
        assert all(i.startswith("bu-") or i in run.expected for i in a.event_ids)
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
    # the area agent is downstream: wait until it re-published every event of the second pass
    wait_for(lambda: len(read_topic(run.settings, run.settings.events_topic)) >= 2 * len(run.expected), 60,
             "second pass of events")
    assert len(read_topic(run.settings, run.settings.events_topic)) == 2 * len(run.expected)
    wait_for(lambda: downstream_lag(run) == 0, 30, "the area agent to catch up")
    assert table_totals(run.base_url) == before
    time.sleep(1.0)
    assert set(_alerts(run)) == alerts_before, "no new alert id from a redelivery"


def test_restarted_worker_recovers_its_tables(run: Run, start_worker: Callable[..., Any]) -> None:
    before = table_totals(run.base_url)
    run.worker.stop()
    run.worker = start_worker(run.settings)
    try:
        wait_for(lambda: table_totals(run.base_url) == before, 30, "tables recovered from the changelogs")
    finally:
        assert table_totals(run.base_url) == before
    # and it keeps counting exactly: one more pass of the corpus changes nothing
    consumed = metric_sum(run.base_url, "seizurewatch_items_consumed_total")
    produce(run.settings, valid_items()[:5])
    wait_for(lambda: metric_sum(run.base_url, "seizurewatch_items_consumed_total") >= consumed + 5, 30, "consumed")
    wait_for(lambda: downstream_lag(run) == 0, 30, "area agent to catch up")
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
    wait_for(lambda: reports_counted(run.base_url) >= n, 90, "every event after the crash")
    wait_for(lambda: downstream_lag(run) == 0, 30, "area agent to catch up")
    assert reports_counted(run.base_url) == n, "no report counted twice"
    assert table_totals(run.base_url) == pure_totals(run.settings, list(expected.values()))
    events_on_topic = len(read_topic(run.settings, run.settings.events_topic))
    print(f"\nevents topic holds {events_on_topic} records for {n} distinct events after the kill")
