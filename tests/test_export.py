"""Exports round-trip: what is written in each format reads back (pandas, json, pyarrow) as the rows.

Events come from the packaged development corpus through the real extractor.
"""
from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from schemas.busts import Bust, BustSeizure
from schemas.events import EventRetraction, SeizureEvent
from schemas.items import parse_item
from streams.export import (
    AREA_COLUMNS,
    BUST_COLUMNS,
    EVENT_COLUMNS,
    ExportError,
    area_rows,
    bust_row,
    encode,
    event_row,
    live_busts,
    live_events,
    select_busts,
    select_events,
)
from streams.extraction import extract
from streams.samples import load_samples
from streams.settings import Settings

FACTORS = Settings().mass_estimate_kg


@pytest.fixture(scope="module")
def events() -> list[SeizureEvent]:
    items = [parse_item(json.loads(s.value)) for s in load_samples(include_seeds=False)]
    out = [e for item in items for e in extract(item)]
    assert len(out) > 20
    return out


@pytest.fixture(scope="module")
def rows(events: list[SeizureEvent]) -> list[dict]:
    return [event_row(e, FACTORS) for e in select_events(events)]


def test_csv_opens_with_pandas_one_row_per_event_with_its_evidence(events: list[SeizureEvent], rows: list[dict]) -> None:
    data = encode(rows, EVENT_COLUMNS, "csv")
    frame = pd.read_csv(io.BytesIO(data), dtype={"item_id": str})
    assert list(frame.columns) == [c.name for c in EVENT_COLUMNS]
    assert len(frame) == len({e.event_id for e in events}) == len(rows)
    assert list(frame["event_id"]) == [r["event_id"] for r in rows]
    by_id = {e.event_id: e for e in events}
    for _, line in frame.iterrows():
        ev = by_id[line["event_id"]]
        seizures = json.loads(line["seizures"]) if isinstance(line["seizures"], str) else []
        assert [(s["drug"], s["quantity"], s["unit"]) for s in seizures] == \
            [(s.drug, s.quantity, s.unit) for s in ev.seizures]
        for s, z in zip(seizures, ev.seizures):
            assert s["evidence"]["text"] == z.evidence.text and s["evidence"]["text"] in line["evidence_text"]
        evidence = json.loads(line["evidence"])
        assert evidence == {k: v.model_dump() for k, v in ev.evidence.items()}
        assert pd.isna(line["suspects"]) if ev.suspects is None else line["suspects"] == ev.suspects
        assert line["province"] == ev.province or (pd.isna(line["province"]) and ev.province is None)


def test_jsonl_round_trips_exactly(rows: list[dict]) -> None:
    data = encode(rows, EVENT_COLUMNS, "jsonl")
    back = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert back == rows


def test_parquet_round_trips_with_types(rows: list[dict]) -> None:
    data = encode(rows, EVENT_COLUMNS, "parquet")
    frame = pd.read_parquet(io.BytesIO(data))
    assert list(frame.columns) == [c.name for c in EVENT_COLUMNS] and len(frame) == len(rows)
    first = next(r for r in rows if r["date"])
    line = frame[frame["event_id"] == first["event_id"]].iloc[0]
    assert line["date"] == dt.date.fromisoformat(first["date"])
    assert json.loads(line["seizures"]) == first["seizures"]
    assert line["evidence_text"] == first["evidence_text"]
    assert str(frame["cases"].dtype) == "Int64" or frame["cases"].dtype.kind in "if"


def test_measured_and_estimated_mass_stay_apart(rows: list[dict]) -> None:
    bricks = next(r for r in rows if any(s["unit"] == "brick" for s in r["seizures"]))
    kg_sum = sum(s["mass_kg"] for s in bricks["seizures"] if s["mass_kg"] is not None)
    assert bricks["measured_kg"] == (pytest.approx(kg_sum) if kg_sum else None)
    n = sum(s["quantity"] for s in bricks["seizures"] if s["unit"] == "brick")
    pills = sum(s["quantity"] for s in bricks["seizures"] if s["unit"] == "pill")
    assert bricks["estimated_kg"] == pytest.approx(n * 0.35 + pills * 0.0001)


def test_filters_since_and_province(events: list[SeizureEvent]) -> None:
    since = dt.date(2020, 1, 1)
    picked = select_events(events + events, since=since)  # duplicates collapse
    assert picked and all(e.event_date and e.event_date >= since for e in picked)
    assert len({e.event_id for e in picked}) == len(picked)
    name = next(e.province_2025 for e in events if e.province_2025)
    in_province = select_events(events, province=name.upper())
    assert in_province and all(name in (e.province, e.province_2025) for e in in_province)


def test_area_rows_spread_metrics_into_columns_in_tabular_formats() -> None:
    summaries = [{"area": "Sơn La", "area_type": "province", "name": "Sơn La", "province": "Sơn La", "busts": 2,
                  "periods": 1, "reports": 4, "watermark": "2023-06-03",
                  "totals": {"incident": {"events": 2, "cases": 2, "heroin_bricks": 8, "bricks": 8},
                             "aggregate": {"cases": 3352}},
                  "headline": {"cases": {"value": 3352, "start": "2019-01-01", "end": "2021-12-31", "periods": []}},
                  "estimated_kg": {"incident": {"heroin": 2.8}}},
                 {"area": "LA:Hủa Phăn", "area_type": "foreign_province", "name": "Hủa Phăn", "busts": 1,
                  "periods": 0, "reports": 1, "watermark": None, "totals": {"incident": {"events": 1, "heroin_kg": 3}}}]
    rows = area_rows(summaries)
    frame = pd.read_csv(io.BytesIO(encode(rows, AREA_COLUMNS, "csv")))
    assert list(frame["kind"]) == ["incident", "aggregate", "incident"]
    assert list(frame["area_type"]) == ["province", "province", "foreign_province"]
    assert list(frame["cases"])[:2] == [2, 3352] and frame.loc[0, "heroin_bricks"] == 8
    assert frame.loc[0, "estimated_kg_heroin"] == pytest.approx(2.8) and pd.isna(frame.loc[1, "estimated_kg_heroin"])
    assert json.loads(frame.loc[1, "headline"]) == {"cases": {"value": 3352, "start": "2019-01-01", "end": "2021-12-31"}}
    parquet = pd.read_parquet(io.BytesIO(encode(rows, AREA_COLUMNS, "parquet")))
    assert list(parquet["busts"]) == [2, 2, 1] and parquet.loc[2, "heroin_kg"] == 3
    assert [json.loads(line) for line in encode(rows, AREA_COLUMNS, "jsonl").splitlines()] == rows
    assert area_rows(summaries, province="hà nội") == []
    assert [r["area"] for r in area_rows(summaries, province="hủa phăn")] == ["LA:Hủa Phăn"]


def test_busts_round_trip_and_the_latest_record_of_a_bust_wins() -> None:
    first = Bust(cluster_id="bu-1", area="Sơn La", date=dt.date(2023, 6, 2), suspects=2, reports=1, sources=["A"],
                 seizures=[BustSeizure(drug="heroin", quantity=12, unit="brick", qualifier="about"),
                           BustSeizure(drug="heroin", quantity=4.2, unit="kg", qualifier="about")])
    later = first.model_copy(update={"reports": 3, "sources": ["A", "B"], "last_seen": dt.date(2023, 6, 4)})
    gone = Bust(cluster_id="bu-2", area="Lào Cai", date=dt.date(2023, 1, 1), reports=1, cases=1)
    busts = live_busts([(b"bu-1", first), (b"bu-2", gone), (b"bu-1", later), (b"bu-2", None)])
    assert busts == [later]
    rows = [bust_row(b, FACTORS) for b in select_busts(busts, since=dt.date(2023, 6, 1), province="sơn la")]
    assert rows[0]["measured_kg"] == pytest.approx(4.2) and rows[0]["estimated_kg"] == pytest.approx(4.2)
    frame = pd.read_csv(io.BytesIO(encode(rows, BUST_COLUMNS, "csv")))
    assert list(frame.columns) == [c.name for c in BUST_COLUMNS]
    assert frame.loc[0, "reports"] == 3 and json.loads(frame.loc[0, "sources"]) == ["A", "B"]
    assert pd.read_parquet(io.BytesIO(encode(rows, BUST_COLUMNS, "parquet"))).loc[0, "date"] == dt.date(2023, 6, 2)
    assert select_busts(busts, since=dt.date(2024, 1, 1)) == []


def test_retracted_events_are_not_exported(events: list[SeizureEvent]) -> None:
    gone = events[0]
    records = [*events, EventRetraction(event_id=gone.event_id, item_id=gone.item_id, area="x")]
    assert gone.event_id not in {e.event_id for e in live_events(records)}
    assert len(live_events(records)) == len({e.event_id for e in events}) - 1


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ExportError):
        encode([], EVENT_COLUMNS, "xlsx")
