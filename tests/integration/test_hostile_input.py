"""Hostile input against a running worker (issue 10, points 1, 2, 5, and the fuzz test).

Every message must end as events, "no events" or one dead letter, whatever is wrong with
it, and the worker must stay alive and answer strict JSON. Expectations are computed
here with the same pure function the worker runs (``streams.ingest.decode_and_extract``),
so the assertions compare the worker's observable outputs (topics, metrics, API) to an
independent run over the bytes that were sent.
"""
from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from test_pipeline import metric_sum, produce, read_topic, wait_for

from schemas.dead_letter import DeadLetter
from schemas.events import SeizureEvent
from streams.ingest import decode_and_extract
from streams.settings import Settings
from streams.topics import area_events_topic, ensure_topics

pytestmark = pytest.mark.integration


def strict_get(url: str) -> Any:
    """GET and parse as RFC 8259 JSON: NaN / Infinity (Python's json extension) fail the test."""
    with urllib.request.urlopen(url, timeout=10) as resp:
        body = resp.read().decode("utf-8")

    def refuse(constant: str) -> None:
        raise AssertionError(f"{url} answered the non-JSON constant {constant}")

    return json.loads(body, parse_constant=refuse)


def assert_api_is_strict_json(base_url: str) -> None:
    provinces = strict_get(f"{base_url}/api/provinces")["provinces"]
    for p in provinces[:50]:
        strict_get(f"{base_url}/api/provinces/{urllib.parse.quote(p['province'])}")
    strict_get(f"{base_url}/api/alerts")
    assert strict_get(f"{base_url}/api/health")["ready"] is True


def dead_letters(settings: Settings) -> dict[tuple[int | None, int | None], DeadLetter]:
    """The DLQ by the (partition, offset) of the item each letter is about."""
    letters = (DeadLetter.model_validate_json(m.value) for m in read_topic(settings, settings.dlq_topic))
    return {(d.source_partition, d.source_offset): d for d in letters}


def ingested_events(settings: Settings) -> list[SeizureEvent]:
    """What ingest published: the events on the internal area-events topic (retractions left out)."""
    out = []
    for m in read_topic(settings, area_events_topic(settings)):
        data = json.loads(m.value)
        if data.get("type") != "retraction":
            out.append(SeizureEvent.model_validate(data))
    return out


def consumed(base_url: str) -> float:
    return metric_sum(base_url, "seizurewatch_items_consumed_total")


@pytest.fixture(scope="module")
def worker(settings_factory: Callable[..., Settings], start_worker: Callable[..., Any]) -> Iterator[Any]:
    import asyncio

    settings = settings_factory()
    asyncio.run(ensure_topics(settings))
    w = start_worker(settings)
    yield w
    w.stop()


def news(item_id: str, text: str, **extra: Any) -> bytes:
    return json.dumps({"id": item_id, "published": "2024-03-02", "text": text, **extra}, ensure_ascii=False).encode()


def report(item_id: str, province: str, **figures: Any) -> bytes:
    return json.dumps({"id": item_id, "type": "report", "province": province, "date": "2024-03-01", **figures},
                      ensure_ascii=False).encode()


SEIZURE_TEXT = ("Ngày 1/3, Công an tỉnh Sơn La bắt quả tang Lò Văn A (SN 1990) đang vận chuyển "
                "4 bánh heroin tại bản Púng, xã Chiềng Ban, huyện Mai Sơn.")


def test_lone_surrogates_neither_stall_nor_lose_anything(worker: Any) -> None:
    """Point 1: 300 such messages stalled the worker for 25 minutes and were lost; a valid item sent
    after them came out 19.6 minutes later. Now: 300 dead letters and the item within seconds."""
    s = worker.settings
    before = consumed(worker.base_url)
    bad = [(f"sur-{n}", b'{"id": "x\\udfff%d", "text": "thu 2 kg heroin"}' % n) for n in range(300)]
    started = time.monotonic()
    positions = produce(s, [*bad, ("after-surrogates", news("after-surrogates", SEIZURE_TEXT))])
    wait_for(lambda: consumed(worker.base_url) >= before + 301, 45, "all 301 messages consumed")
    took = time.monotonic() - started
    letters = dead_letters(s)
    assert {p: letters[p].reason for p in positions[:300]} == dict.fromkeys(positions[:300], "invalid_json")
    assert any(e.item_id == "after-surrogates" for e in ingested_events(s))
    assert worker.proc.poll() is None and worker.health()["ready"]
    assert took < 45
    print(f"\n301 messages (300 lone surrogates) consumed in {took:.1f}s")


def test_absurd_figures_are_dead_lettered_and_the_api_stays_json(worker: Any) -> None:
    """Point 2: two reports with quantity 1e308 made the province sum Infinity and /api/provinces
    invalid JSON for every province. Now they are dead letters and the valid report counts."""
    s = worker.settings
    before = consumed(worker.base_url)
    absurd = [{"drug": "heroin", "quantity": 1e308, "unit": "kg"}]
    positions = produce(s, [("absurd-1", report("absurd-1", "Điện Biên", seizures=absurd)),
                            ("absurd-2", report("absurd-2", "Điện Biên", seizures=absurd)),
                            ("fine", report("fine", "Điện Biên", seizures=[
                                {"drug": "heroin", "quantity": 3, "unit": "kg"}]))])
    wait_for(lambda: consumed(worker.base_url) >= before + 3, 30, "three reports consumed")
    letters = dead_letters(s)
    assert [letters[p].reason for p in positions[:2]] == ["figure_out_of_bounds"] * 2
    assert positions[2] not in letters
    wait_for(lambda: any(p["province"] == "Điện Biên" for p in strict_get(f"{worker.base_url}/api/provinces")
                         ["provinces"]), 20, "Điện Biên in the tables")
    detail = strict_get(f"{worker.base_url}/api/provinces/{urllib.parse.quote('Điện Biên')}")
    assert detail["totals"]["incident"]["heroin_kg"] == 3
    assert_api_is_strict_json(worker.base_url)


def test_items_with_extra_metadata_are_counted(worker: Any) -> None:
    """Point 5: an item with fields the model does not know (source_url, lang, tags) was dead-lettered."""
    s = worker.settings
    before = metric_sum(worker.base_url, "seizurewatch_items_consumed_total", outcome="events")
    produce(s, [("extra", news("extra-meta", SEIZURE_TEXT, source_url="https://example.vn/a", lang="vi",
                               tags=["ma túy", "Sơn La"], crawler={"run": 7}))])
    wait_for(lambda: metric_sum(worker.base_url, "seizurewatch_items_consumed_total", outcome="events")
             >= before + 1, 30, "the item with extra fields to give events")
    assert any(e.item_id == "extra-meta" for e in ingested_events(s))


# ---------------------------------------------------------------- the fuzz test

PROVINCES = ["Sơn La", "Lạng Sơn", "Hà Tĩnh", "Nghệ An", "Quảng Trị", "Điện Biên", "TP Hồ Chí Minh", "Atlantis"]
DRUGS = ["heroin", "meth_crystal", "cannabis", "ketamine", "sugar", ""]
UNITS = ["kg", "g", "pill", "brick", "package", "dose", "ton"]


def _json_bytes(obj: Any) -> bytes:
    # allow_nan: NaN / Infinity reach the worker as the non-standard tokens Python writes
    return json.dumps(obj, ensure_ascii=False, allow_nan=True).encode("utf-8")


def message_strategy() -> st.SearchStrategy[bytes]:
    """Random bytes, truncated and deeply nested JSON, lone surrogates, huge and absurd numbers,
    wrong types, control characters, mixed scripts (st.text draws from all of Unicode), extra fields,
    and plausible news and report items among them."""
    number = st.one_of(st.integers(0, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                       st.sampled_from(["1e308", "hai", "1.000.000", "9" * 30]))
    sentence = st.builds(lambda n, d, u, p: f"Ngày 3/5, Công an tỉnh {p} bắt quả tang đối tượng mang {n} {u} {d}.",
                         number, st.sampled_from(["heroin", "ma túy đá", "thuốc lắc", "cần sa"]),
                         st.sampled_from(["bánh", "kg", "gam", "viên", "gói", "tấn"]), st.sampled_from(PROVINCES))
    values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                          lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                          max_leaves=8)
    extra = st.dictionaries(st.sampled_from(["source_url", "lang", "tags", "meta"]) | st.text(max_size=8),
                            values, max_size=3)
    dates = st.none() | st.dates().map(str) | st.text(max_size=12) | st.integers()
    news_obj = st.builds(lambda i, t, title, pub, ex: {**ex, "id": i, "text": t, "title": title, "published": pub},
                         st.text(min_size=1, max_size=30) | values,
                         st.lists(sentence | st.text(max_size=80), min_size=1, max_size=4).map(" ".join) | values,
                         st.none() | st.text(max_size=40), dates, extra)
    seizure = st.fixed_dictionaries({
        "drug": st.sampled_from(DRUGS), "unit": st.sampled_from(UNITS),
        "quantity": st.one_of(st.floats(), st.integers(), st.sampled_from([1e308, 1e-300, 10**30, -1, "5"]))})
    report_obj = st.builds(
        lambda i, p, k, c, s, z, d, ex: {**ex, "id": i, "type": "report", "province": p, "kind": k, "cases": c,
                                         "suspects": s, "seizures": z, "date": d},
        st.text(min_size=1, max_size=20), st.sampled_from(PROVINCES) | st.none(),
        st.sampled_from(["incident", "aggregate", "bust"]), st.none() | st.integers(-5, 10**20),
        st.none() | st.integers(0, 100), st.lists(seizure, max_size=3), dates, extra)
    plausible = st.builds(lambda i, sents, pub: {"id": f"fz-{i}", "published": pub.isoformat(), "text": " ".join(sents)},
                          st.uuids(), st.lists(sentence, min_size=1, max_size=3),
                          st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2025, 12, 31))).map(_json_bytes)
    objects = (news_obj | report_obj).map(_json_bytes)
    truncated = st.tuples(objects, st.floats(0, 1)).map(lambda t: t[0][: int(len(t[0]) * t[1])])
    nested = st.tuples(st.integers(1, 5_000), st.booleans()).map(
        lambda t: (b'{"a":' * t[0] + b"1" + b"}" * t[0]) if t[1] else (b"[" * t[0] + b"]" * t[0]))
    surrogate = st.tuples(objects, st.sampled_from([b"\\udfff", b"\\ud800", b"\\udbff\\udbff", b"x\\udc00y"])).map(
        lambda t: t[0].replace(b'"id": "', b'"id": "' + t[1], 1).replace(b'"text": "', b'"text": "' + t[1], 1))
    odd_numbers = st.sampled_from([b'{"id":"n","text":"a","cases":' + b"9" * 5000 + b"}",
                                   b'{"id":"n","type":"report","cases":1e400}',
                                   b'{"id":"n","type":"report","cases":NaN}',
                                   b'{"id":"n","type":"report","seizures":[{"drug":"heroin","unit":"kg",'
                                   b'"quantity":-Infinity}]}'])
    return st.one_of(plausible, plausible, objects, objects, st.binary(max_size=200), truncated, nested, surrogate, odd_numbers,
                     values.map(_json_bytes))


def generate_messages(n_batches: int, batch: int) -> list[bytes]:
    out: list[bytes] = []

    @hsettings(max_examples=n_batches, database=None, deadline=None, phases=[Phase.generate],
               suppress_health_check=list(HealthCheck))
    @given(st.lists(message_strategy(), min_size=batch, max_size=batch))
    def collect(messages: list[bytes]) -> None:
        out.extend(messages)

    collect()
    return out


@pytest.mark.slow
def test_fuzz_ten_thousand_messages_each_end_once(settings_factory: Callable[..., Settings],
                                                   start_worker: Callable[..., Any]) -> None:
    """≥ 10,000 generated messages through a running worker: sent = items with events + items
    without + dead letters (metrics, and per message on the topics), worker alive, API strict JSON."""
    import asyncio

    messages = generate_messages(n_batches=520, batch=20)
    assert len(messages) >= 10_000
    s = settings_factory()
    asyncio.run(ensure_topics(s))
    w = start_worker(s)
    try:
        started = time.monotonic()
        produce(s, [(f"fuzz-{n}", m) for n, m in enumerate(messages)])
        wait_for(lambda: consumed(w.base_url) >= len(messages), 240, f"{len(messages)} messages consumed")
        took = time.monotonic() - started
        time.sleep(1.0)  # nothing more may come

        # what each message must become: the worker's own pure step, run here on the bytes as they
        # stand on the topic (read back: positions from produce acks are not trusted on Tansu)
        on_topic = read_topic(s, s.items_topic)
        assert sorted(m.value for m in on_topic) == sorted(messages)
        expected = {(m.partition, m.offset): decode_and_extract(m.value, settings=s, topic=s.items_topic,
                                                                partition=m.partition, offset=m.offset)
                    for m in on_topic}
        outcomes = Counter(r.outcome for r in expected.values())
        by_metric = {o: metric_sum(w.base_url, "seizurewatch_items_consumed_total", outcome=o)
                     for o in ("events", "no_events", "dead_letter")}
        assert sum(by_metric.values()) == len(messages)
        assert by_metric == {o: outcomes[o] for o in by_metric}

        letters = dead_letters(s)
        want = {pos: r.dead_letter.reason for pos, r in expected.items() if r.dead_letter is not None}
        differ = [(pos, letters.get(pos), want.get(pos)) for pos in set(letters) | set(want)
                  if getattr(letters.get(pos), "reason", None) != want.get(pos)]
        assert not differ, [(p, d and (d.reason, d.error[:300], d.original_bytes()[:300]), w) for p, d, w in differ[:3]]
        published = {e.event_id for e in ingested_events(s)}
        assert published == {e.event_id for r in expected.values() for e in r.events}

        assert w.proc.poll() is None, w.log_tail()
        assert_api_is_strict_json(w.base_url)
        for d in letters.values():  # the extractor's bugs, for its owner (they are dead letters, not failures)
            if d.reason == "extraction_error":
                print(f"\nextraction_error: {d.error[:300]!r} on {d.original_bytes()[:300]!r}")
        print(f"\n{len(messages)} fuzz messages ({dict(outcomes)}) consumed in {took:.1f}s; "
              f"{len(published)} events, reasons {dict(Counter(d.reason for d in letters.values()))}")
    finally:
        w.stop()
