"""The analysts' and operators' views against a real worker: JSON errors, the OpenAPI document
and the responses it describes, the export downloads (through `seizurewatch export`), and
the alert webhook with its retries and dead letter.

One worker, fed the packaged dev corpus, forwarding its alerts to a local HTTP receiver that
refuses each alert once (a retry must follow) and always refuses one rule's alerts (they
must end on the alerts' dead-letter topic).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import create_topics
from tests_support import settings_env_for, wait_until

from schemas import api
from schemas.alerts import Alert, UndeliveredAlert
from schemas.events import SeizureEvent
from streams.openapi import ROUTES
from streams.samples import load_samples, publish_samples

pytestmark = pytest.mark.integration
REFUSED_RULE = "cases-reported-all-time"


class Receiver(ThreadingHTTPServer):
    """Answers 503 to the first POST of each alert, then 200; 500 always for REFUSED_RULE."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                alert = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    first = all(p["alert_id"] != alert["alert_id"] for p in receiver.posts)
                    receiver.posts.append(alert)
                status = 500 if alert["rule"] == REFUSED_RULE else 503 if first else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def worker(settings_factory: Callable[..., Any], start_worker: Callable[..., Any], receiver: Receiver) -> Iterator[Any]:
    url = f"http://user:secret@127.0.0.1:{receiver.server_address[1]}/hook"
    settings = settings_factory(alert_webhook_url=url, alert_webhook_retries=2, alert_webhook_backoff=0.05)
    create_topics(settings)
    w = start_worker(settings)
    samples = load_samples(include_seeds=False)
    publish_samples(settings.bootstrap_servers, settings.items_topic, samples, rate=0)
    wait_until(lambda: consumed(w.base_url) >= len(samples), 90)

    counts: list[int] = []

    def aggregated() -> bool:
        """Every event on the topic is counted, and the topic stopped growing (same count twice, 1.5 s apart)."""
        events = events_on_topic(settings)
        docs = get(f"{w.base_url}/api/provinces")["provinces"] + get(f"{w.base_url}/api/areas")["areas"]
        counted = sum(p["reports"] for p in docs)  # each event is one report of a bust or a period statistic
        counts.append(len(events) if events and counted == len(events) else -1)
        time.sleep(1.5)
        return len(counts) > 1 and counts[-1] == counts[-2] != -1

    wait_until(aggregated, 90)
    try:
        yield w
    finally:
        w.stop()


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def consumed(base_url: str) -> float:
    text = urllib.request.urlopen(f"{base_url}/metrics", timeout=5).read().decode()
    return sum(float(ln.rpartition(" ")[2]) for ln in text.splitlines()
               if ln.startswith("seizurewatch_items_consumed_total{"))


def events_on_topic(settings: Any) -> list[SeizureEvent]:
    """The events of the events topic that no later retraction withdrew."""
    out: dict[str, SeizureEvent] = {}
    for value in read_topic(settings, settings.events_topic):
        data = json.loads(value)
        if data.get("type") == "retraction":
            out.pop(data["event_id"], None)
        else:
            out[data["event_id"]] = SeizureEvent.model_validate(data)
    return list(out.values())


async def _records(settings: Any, topic: str) -> list[Any]:
    from streams.topic_reader import read_to_end

    return await read_to_end(settings, topic)


def read_topic(settings: Any, topic: str) -> list[bytes]:
    return [m.value for m in asyncio.run(_records(settings, topic))]


@pytest.mark.parametrize("path", ["/nope", "/api/nope", "/api/provinces/Nowhere"])
def test_unknown_routes_answer_json(worker: Any, path: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{worker.base_url}{path}", timeout=5)
    assert err.value.code == 404
    assert err.value.headers.get_content_type() == "application/json"
    body = json.loads(err.value.read())
    assert body["error"] and body.get("status", 404) == 404


def test_openapi_lists_the_registered_routes_and_the_responses_match_its_models(worker: Any) -> None:
    doc = get(f"{worker.base_url}/api/openapi.json")
    assert doc["openapi"].startswith("3.1") and set(doc["paths"]) == {r.path for r in ROUTES}
    for route in ROUTES:
        if route.response is not None:
            ref = doc["paths"][route.path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in doc["components"]["schemas"]
    base = worker.base_url
    provinces = api.ProvincesResponse.model_validate(get(f"{base}/api/provinces"))
    assert provinces.provinces and not provinces.partial
    name = next(p.name for p in provinces.provinces if p.totals.get("incident"))
    api.ProvinceDetail.model_validate(get(f"{base}/api/provinces/{urllib.request.quote(name)}"))
    api.Health.model_validate(get(f"{base}/api/health"))
    alerts = api.AlertsResponse.model_validate(get(f"{base}/api/alerts"))
    series = api.SeriesResponse.model_validate(get(f"{base}/api/series"))
    assert name in series.areas
    places = api.PlacesResponse.model_validate(get(f"{base}/api/places"))
    assert {p.name for p in places.places if p.current} >= {p.name for p in provinces.provinces}
    assert all(a.rule for a in alerts.alerts)
    event_id = next(e.event_id for e in events_on_topic(worker.settings))
    event = api.EventResponse.model_validate(get(f"{base}/api/events/{event_id}"))
    assert event.item and event.item.text and "text" not in get(f"{base}/api/events/{event_id}")


def test_estimated_mass_is_apart_from_measured_mass(worker: Any) -> None:
    provinces = get(f"{worker.base_url}/api/provinces")["provinces"]
    with_bricks = [p for p in provinces if p["totals"]["incident"].get("heroin_bricks")]
    assert with_bricks
    for p in with_bricks:
        inc = p["totals"]["incident"]
        assert p["estimated_kg"]["incident"]["heroin"] == pytest.approx(inc["heroin_bricks"] * 0.35)
        assert inc.get("heroin_kg", 0) == pytest.approx(inc.get("heroin_kg", 0))  # measured total untouched
        assert "estimated" not in json.dumps(inc)


def export(worker: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *argv: str) -> Path:
    import importlib

    for k, v in settings_env_for(worker.settings).items():
        monkeypatch.setenv(k, v)
    out = tmp_path / f"out-{len(list(tmp_path.iterdir()))}"
    parser = argparse.ArgumentParser(prog="seizurewatch")
    importlib.import_module("streams.commands.export").register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["export", *argv, "--output", str(out)])
    assert args.func(args) == 0
    return out


def test_export_round_trips_in_every_format(worker: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    on_topic = {e.event_id: e for e in events_on_topic(worker.settings)}
    csv = pd.read_csv(export(worker, monkeypatch, tmp_path, "events", "--format", "csv"), dtype={"item_id": str})
    assert len(csv) == len(on_topic) and set(csv["event_id"]) == set(on_topic)
    for _, row in csv.iterrows():
        ev = on_topic[row["event_id"]]
        for s in ev.seizures:
            if s.evidence:
                assert s.evidence.text in row["evidence_text"]
    jsonl = [json.loads(line) for line in export(worker, monkeypatch, tmp_path, "events", "--format", "jsonl")
             .read_text(encoding="utf-8").splitlines()]
    parquet = pd.read_parquet(export(worker, monkeypatch, tmp_path, "events", "--format", "parquet"))
    assert [r["event_id"] for r in jsonl] == list(csv["event_id"]) == list(parquet["event_id"])
    assert [json.dumps(r["seizures"], ensure_ascii=False, sort_keys=True) for r in jsonl] == list(parquet["seizures"])

    since = sorted(e.event_date for e in on_topic.values() if e.event_date)[len(on_topic) // 2]
    later = pd.read_csv(export(worker, monkeypatch, tmp_path, "events", "--since", since.isoformat()))
    assert set(later["event_id"]) == {i for i, e in on_topic.items() if e.event_date and e.event_date >= since}
    province = next(e.province_2025 for e in on_topic.values() if e.province_2025)
    one = pd.read_csv(export(worker, monkeypatch, tmp_path, "events", "--province", province))
    assert set(one["event_id"]) == {i for i, e in on_topic.items() if province in (e.province, e.province_2025)}

    table = pd.read_csv(export(worker, monkeypatch, tmp_path, "provinces"))
    api_doc = get(f"{worker.base_url}/api/provinces")["provinces"] + get(f"{worker.base_url}/api/areas")["areas"]
    expected = {(p["area"], k): (p, m) for p in api_doc for k, m in p["totals"].items() if m}
    assert {(r["area"], r["kind"]) for _, r in table.iterrows()} == set(expected)
    assert set(table["area_type"]) >= {"province"}
    for _, r in table.iterrows():
        entry, metrics = expected[(r["area"], r["kind"])]
        assert r["busts"] == entry["busts"] and r["area_type"] == entry["area_type"]
        assert r["cases"] == pytest.approx(metrics.get("cases", float("nan")), nan_ok=True)

    # busts: one row per real-world seizure on the busts topic, with its reports and sources
    from schemas.busts import Bust

    latest: dict[bytes, Any] = {}
    for m in asyncio.run(_records(worker.settings, worker.settings.busts_topic)):
        latest[m.key] = m.value
    busts = {b.cluster_id: b for b in (Bust.model_validate_json(v) for v in latest.values() if v is not None)}
    rows = pd.read_csv(export(worker, monkeypatch, tmp_path, "busts", "--format", "csv"))
    assert busts and set(rows["cluster_id"]) == set(busts)
    for _, r in rows.iterrows():
        assert r["reports"] == busts[r["cluster_id"]].reports
        assert json.loads(r["sources"]) == busts[r["cluster_id"]].sources
    assert {e.cluster_id for e in on_topic.values() if e.kind == "incident"} == set(busts)
    jsonl = export(worker, monkeypatch, tmp_path, "busts", "--format", "jsonl").read_text(encoding="utf-8")
    assert [json.loads(line)["cluster_id"] for line in jsonl.splitlines()] == list(rows["cluster_id"])


def test_export_refuses_bad_requests_with_json_errors(worker: Any) -> None:
    for query, status in (("/api/export/everything", 404), ("/api/export/events?format=xlsx", 400),
                          ("/api/export/events?since=yesterday", 400)):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{worker.base_url}{query}", timeout=10)
        assert err.value.code == status and json.loads(err.value.read())["error"]


def test_alerts_reach_the_webhook_after_a_retry_and_refused_ones_are_dead_lettered(worker: Any,
                                                                                   receiver: Receiver) -> None:
    def fired() -> dict[str, Alert]:
        return {a.alert_id: a for a in map(Alert.model_validate_json,
                                           read_topic(worker.settings, worker.settings.alerts_topic))}

    # the dev corpus fires alerts of the refused rule and of others
    wait_until(lambda: len({a.rule == REFUSED_RULE for a in fired().values()}) == 2, 60)
    alerts = fired()
    refused = {i for i, a in alerts.items() if a.rule == REFUSED_RULE}

    def letters() -> list[UndeliveredAlert]:
        return [UndeliveredAlert.model_validate_json(v)
                for v in read_topic(worker.settings, worker.settings.alerts_dlq_topic)]

    wait_until(lambda: {u.alert.alert_id for u in letters()} >= refused
               and {p["alert_id"] for p in receiver.posts} >= set(alerts), 60)
    with receiver.lock:
        posts = list(receiver.posts)
    for alert_id in set(alerts) - refused:
        assert [p["alert_id"] for p in posts].count(alert_id) >= 2, "a refused first POST is retried"
    dead = {u.alert.alert_id: u for u in letters()}
    assert set(dead) == refused
    for u in dead.values():
        assert u.attempts == 3 and u.last_status == 500 and u.error == "HTTP 500"
        assert "secret" not in u.url and u.url.endswith("/hook")
    metrics = urllib.request.urlopen(f"{worker.base_url}/metrics", timeout=5).read().decode()
    failed = next(ln for ln in metrics.splitlines() if ln.startswith('seizurewatch_webhook_deliveries_total{outcome="failed"}'))
    assert float(failed.rpartition(" ")[2]) == len(refused)
