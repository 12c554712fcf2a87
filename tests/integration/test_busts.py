"""Counting each real thing once, through the running pipeline: the dedup corpus and my own near misses.

Two workers (two app ids on the one broker) read the same reports in two different
orders; the events read back from ``seizure-events`` are scored with the project's
scorer (``../shared/tools/score_dedup.py``), and both workers must end with the same
tables — the tables that one report per bust gives.
"""
from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from corpus_support import CORPUS, SHARED
from test_pipeline import (
    get,
    latest_busts,
    produce,
    pure_totals,
    read_topic,
    reports_counted,
    table_totals,
    wait_for,
)

from schemas.events import SeizureEvent
from schemas.items import parse_item
from streams.ingest import load_extractor
from streams.settings import Settings
from streams.topics import ensure_topics

pytestmark = pytest.mark.integration

DEDUP = sorted((CORPUS / "dedup").glob("dd-*.json"))


def near_misses() -> list[dict]:
    """My own cases (report items): same day next district, same amount another week, a trial months later."""
    base = {"type": "report", "province": "Lai Châu", "suspects": 1,
            "seizures": [{"drug": "heroin", "quantity": 8, "unit": "brick"}]}
    return [
        {**base, "id": "nm-1", "date": "2024-11-04", "published": "2024-11-05", "district": "Phong Thổ"},
        {**base, "id": "nm-2", "date": "2024-11-04", "published": "2024-11-05", "district": "Sìn Hồ"},  # next district
        {**base, "id": "nm-3", "date": "2024-11-11", "published": "2024-11-12", "district": "Phong Thổ"},  # a week on
        {**base, "id": "nm-4", "date": "2024-11-04", "published": "2025-03-02", "district": "Phong Thổ"},  # trial
        {**base, "id": "nm-5", "date": "2024-11-05", "published": "2024-11-06", "district": "Phong Thổ",
         "seizures": [{"drug": "heroin", "quantity": 2.8, "unit": "kg", "qualifier": "about"}]},  # next day, other unit
    ]


NEAR_MISS_SAME = [{"nm-1", "nm-4"}, {"nm-2"}, {"nm-3"}, {"nm-5"}]


def records() -> list[tuple[str, bytes]]:
    out = [(json.loads(p.read_bytes())["id"], p.read_bytes()) for p in DEDUP]
    return out + [(i["id"], json.dumps(i, ensure_ascii=False).encode()) for i in near_misses()]


@pytest.fixture(scope="module")
def two_orders(settings_factory: Callable[..., Settings], start_worker: Callable[..., Any]) -> list[tuple[Settings, str]]:
    assert DEDUP, f"no dedup corpus under {CORPUS}"
    runs = []
    for seed in (1, 2):
        s = settings_factory()
        asyncio.run(ensure_topics(s))
        runs.append((s, start_worker(s, wait=False)))
    for s, w in runs:
        w.wait_ready(90)
        recs = records()
        random.Random(s.app_id).shuffle(recs)
        produce(s, recs)
    n = len(expected_events(runs[0][0]))
    for _, w in runs:
        wait_for(lambda w=w: reports_counted(w.base_url) >= n, 90, "every report counted")
    return [(s, w.base_url) for s, w in runs]


def expected_events(settings: Settings) -> list[SeizureEvent]:
    extract = load_extractor(settings.extractor)
    return [e for _, p in records() for e in extract(parse_item(json.loads(p)))]


def events_read_back(settings: Settings) -> list[dict]:
    n = len(expected_events(settings))
    wait_for(lambda: len(read_topic(settings, settings.events_topic)) >= n, 60, "every event on seizure-events")
    return [json.loads(m.value) for m in read_topic(settings, settings.events_topic)]


def test_dedup_corpus_scores_at_least_095(two_orders: list[tuple[Settings, str]], tmp_path: Path) -> None:
    for settings, _ in two_orders:
        pred = tmp_path / f"{settings.app_id}.jsonl"
        pred.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in events_read_back(settings)
                                  if e["item_id"].startswith("dd-")), encoding="utf-8")
        out = subprocess.run([sys.executable, str(SHARED / "tools" / "score_dedup.py"), "--json", "--pred", str(pred),
                              str(CORPUS / "dedup")], capture_output=True, text=True, check=True)
        score = json.loads(out.stdout)
        print(f"\nscore_dedup ({settings.app_id}): {score}")
        assert score["aligned"] == score["events"]
        assert score["precision"] >= 0.95 and score["recall"] >= 0.95, score


def test_near_misses_through_the_pipeline(two_orders: list[tuple[Settings, str]]) -> None:
    settings, _ = two_orders[0]
    cluster = {e["item_id"]: e["cluster_id"] for e in events_read_back(settings) if e["item_id"].startswith("nm-")}
    groups = [{cluster[i] for i in same} for same in NEAR_MISS_SAME]
    assert all(len(g) == 1 for g in groups), groups
    assert len(set().union(*groups)) == len(NEAR_MISS_SAME), "the near misses stay apart"


def test_any_order_same_tables_as_one_report_per_bust(two_orders: list[tuple[Settings, str]]) -> None:
    (first, url1), (_, url2) = two_orders
    assert table_totals(url1) == table_totals(url2)
    assert table_totals(url1) == pure_totals(first, expected_events(first))
    busts = latest_busts(first)
    clusters = json.loads((CORPUS / "dedup" / "clusters.json").read_text(encoding="utf-8"))["clusters"]
    incident_clusters = {c for c, v in clusters.items() if "Aggregate" not in v["description"]}
    dedup_busts = [b for b in busts.values() if any(i.startswith("dd-") for i in b["item_ids"])]
    assert len(dedup_busts) == len(incident_clusters), "one bust per real-world event"
    assert max(b["reports"] for b in dedup_busts) == 4  # c01: four outlets
    # one report per bust, fed on its own, gives the same tables (the bust's most complete report)
    by_event = {e.event_id: e for e in expected_events(first)}
    singles = []
    for b in busts.values():
        members = [by_event[i] for i in b["event_ids"]]
        best = [e for e in members if pure_totals(first, [e]) == pure_totals(first, members)]
        singles += best[:1] or members  # no single report has every figure (c10): all of them, still one bust
    singles += [e for e in by_event.values() if e.kind == "aggregate"]
    assert pure_totals(first, singles) == pure_totals(first, list(by_event.values()))
    assert get(f"{url1}/api/busts/{dedup_busts[0]['cluster_id']}")["cluster_id"] == dedup_busts[0]["cluster_id"]


def test_a_corrected_item_replaces_its_old_events(two_orders: list[tuple[Settings, str]]) -> None:
    """Issue 10, point 3: the same id republished with 5 kg changed to 7 kg gives 7 kg, and the stream says so."""
    settings, url = two_orders[0]
    item = {"id": "ver-1", "type": "report", "province": "Hà Giang", "date": "2024-09-09", "suspects": 1,
            "seizures": [{"drug": "heroin", "quantity": 5, "unit": "kg"}]}
    before = reports_counted(url)
    produce(settings, [("ver-1", json.dumps(item).encode())])
    wait_for(lambda: reports_counted(url) == before + 1, 30, "the first version counted")
    area = "Tuyên Quang"  # Hà Giang's post-2025 province
    path = f"{url}/api/provinces/{quote(area)}"
    assert get(path)["totals"]["incident"]["heroin_kg"] == 5
    corrected = {**item, "seizures": [{"drug": "heroin", "quantity": 7, "unit": "kg"}]}
    produce(settings, [("ver-1", json.dumps(corrected).encode())] * 2)  # the new version, twice
    wait_for(lambda: get(path)["totals"]["incident"].get("heroin_kg") == 7, 30,
             "the tables corrected by the difference")
    assert reports_counted(url) == before + 1
    records = [json.loads(m.value) for m in read_topic(settings, settings.events_topic)
               if json.loads(m.value).get("item_id") == "ver-1"]
    retractions = [r for r in records if r.get("type") == "retraction"]
    events = [r for r in records if r.get("type") != "retraction"]
    assert len({e["event_id"] for e in events}) == 2
    old = next(e for e in events if e["seizures"][0]["quantity"] == 5)
    assert retractions and {r["event_id"] for r in retractions} == {old["event_id"]}
    assert retractions[0]["area"] == area and retractions[0]["cluster_id"] == old["cluster_id"]
