"""The wire models are the source of truth: generated JSON Schemas must be current, and the
models must refuse what a worker should never accept."""
from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from pydantic import ValidationError

from schemas.events import Seizure, SeizureEvent
from schemas.export import JSON_DIR, render_schemas, stale_schemas
from schemas.items import NewsItem, ReportItem, parse_item


def test_generated_schemas_are_up_to_date() -> None:
    stale = stale_schemas()
    assert not stale, f"run `seizurewatch schemas` to regenerate: {stale}"


def test_every_schema_file_is_generated() -> None:
    on_disk = {p.name for p in JSON_DIR.glob("*.json")}
    assert on_disk == set(render_schemas()), "schemas/json holds files no model generates"


def test_event_schema_has_the_corpus_fields() -> None:
    schema = json.loads((JSON_DIR / "seizure_event.schema.json").read_text(encoding="utf-8"))
    for name in ("kind", "country", "province", "date", "period_start", "period_end", "cases", "suspects",
                 "operations", "seizures", "event_id", "item_id", "province_2025", "evidence"):
        assert name in schema["properties"], name


def test_items_default_to_news_and_drop_gold_fields() -> None:
    item = parse_item({"id": "x", "text": "abc", "events": [{"kind": "incident"}], "notes": "gold"})
    assert isinstance(item, NewsItem)
    assert isinstance(parse_item({"id": "r", "type": "report", "province": "Sơn La", "cases": 3}), ReportItem)


@pytest.mark.parametrize("bad", [
    {"id": "x", "text": "   "},
    {"id": "x", "text": ""},
    {"id": "x"},
    {"id": 5, "text": "abc"},
    {"id": "x", "text": "abc", "published": "3000-01-01"},
    {"id": "x", "type": "video", "text": "abc"},
    {"id": "r", "type": "report", "seizures": [{"drug": "heroin", "quantity": -1, "unit": "kg"}]},
    {"id": "r", "type": "report", "seizures": [{"drug": "heroin", "quantity": math.nan, "unit": "kg"}]},
    {"id": "r", "type": "report", "seizures": [{"drug": "sugar", "quantity": 1, "unit": "kg"}]},
    {"id": "r", "type": "report", "cases": -3},
    ["not", "an", "object"],
])
def test_invalid_items_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        parse_item(bad, today=dt.date(2025, 1, 1))


def test_mass_is_normalised_and_counts_are_not() -> None:
    assert Seizure(drug="heroin", quantity=756.92, unit="g").mass_kg == pytest.approx(0.75692)
    assert Seizure(drug="heroin", quantity=12, unit="brick").mass_kg is None


def test_an_event_needs_a_figure_and_gets_a_stable_id() -> None:
    with pytest.raises(ValidationError):
        SeizureEvent(kind="incident", province="Sơn La")
    a = SeizureEvent(kind="incident", item_id="i1", suspects=2)
    b = SeizureEvent(kind="incident", item_id="i1", suspects=2)
    assert a.event_id == b.event_id != SeizureEvent(kind="incident", item_id="i2", suspects=2).event_id
