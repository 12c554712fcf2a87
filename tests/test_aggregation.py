"""Unit tests of streams.aggregation: the arithmetic, and exactness under redelivery."""
from __future__ import annotations

import datetime as dt
import math

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from schemas.events import Seizure, SeizureEvent
from streams.aggregation import (
    MonthState,
    ProvinceState,
    deltas,
    event_deltas,
    known_metrics,
    province_key,
    row_key,
    totals_from_events,
)
from streams.windows import trailing_window

PROVINCES = ["Sơn La", "Lạng Sơn", "Hà Nội"]
DRUGS = ["heroin", "meth_crystal", "synthetic_pills", "cannabis"]
UNITS = ["kg", "g", "pill", "brick", "package", "dose"]


def ev(n: int = 0, **fields: object) -> SeizureEvent:
    fields.setdefault("kind", "incident")
    fields.setdefault("province", "Sơn La")
    fields.setdefault("seizures", [Seizure(drug="heroin", quantity=2, unit="brick")])
    e = SeizureEvent(item_id=f"item-{n}", event_id="x", **fields)
    e.event_id = e.compute_id(n)
    return e


def test_event_deltas() -> None:
    e = ev(cases=1, suspects=3, seizures=[Seizure(drug="heroin", quantity=1500, unit="g"),
                                          Seizure(drug="heroin", quantity=12, unit="brick"),
                                          Seizure(drug="meth_pills", quantity=6000, unit="pill")])
    d = event_deltas(e)
    assert d == {"events": 1, "cases": 1, "suspects": 3, "heroin_kg": 1.5, "kg": 1.5, "heroin_bricks": 12,
                 "bricks": 12, "meth_pills": 6000, "pills": 6000}
    assert set(d) <= known_metrics()
    assert {x.province for x in deltas(e)} == {"Sơn La"}


def test_post_2025_province_is_the_key() -> None:
    assert province_key(ev(province="Hà Giang", province_2025="Tuyên Quang")) == "Tuyên Quang"
    assert province_key(ev(province=None)) == "unknown"


def test_incidents_and_aggregates_stay_apart() -> None:
    s = ProvinceState(province="Sơn La")
    s.apply(ev(1, cases=5), 400)
    s.apply(ev(2, kind="aggregate", cases=300, period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31)),
            400)
    assert s.totals["incident"]["cases"] == 5 and s.totals["aggregate"]["cases"] == 300


def test_applying_twice_is_a_noop() -> None:
    s = ProvinceState(province="Sơn La")
    e = ev(1, date=dt.date(2023, 6, 9))
    assert s.apply(e, 400) is True
    before = s.to_rows_json()
    assert s.apply(e, 400) is False
    assert s.to_rows_json() == before


def test_state_survives_json_roundtrip() -> None:
    s = ProvinceState(province="Sơn La")
    s.apply(ev(1, date=dt.date(2023, 6, 9)), 400)
    again = ProvinceState("Sơn La", [MonthState.from_json(k, v) for k, v in s.to_rows_json().items()])
    assert again == s
    assert again.apply(ev(1, date=dt.date(2023, 6, 9)), 400) is False


def test_windows_sum_daily_buckets() -> None:
    s = ProvinceState(province="Sơn La")
    for n, day in enumerate([dt.date(2023, 1, 1), dt.date(2023, 1, 15), dt.date(2023, 2, 10)]):
        s.apply(ev(n, date=day), 400)
    w = s.windows_at(dt.date(2023, 2, 10))
    assert w["1d"]["incident"]["heroin_bricks"] == 2
    assert w["month"]["incident"]["heroin_bricks"] == 2
    assert w["30d"]["incident"]["heroin_bricks"] == 4  # Jan 15 and Feb 10 are within 30 days
    values, ids = s.window_values("incident", trailing_window(dt.date(2023, 2, 10)))
    assert values["events"] == 2 and len(ids["heroin_bricks"]) == 2


def test_expiry_keeps_all_time_and_dedup() -> None:
    s = ProvinceState(province="Sơn La")
    old = ev(1, date=dt.date(2020, 1, 1))
    s.apply(old, 30)
    s.apply(ev(2, date=dt.date(2023, 1, 1)), 30)
    assert "2020-01-01" not in s.daily["incident"]
    assert s.totals["incident"]["heroin_bricks"] == 4
    assert s.apply(old, 30) is False  # still deduplicated after its bucket expired
    late = ev(3, date=dt.date(2021, 5, 1))  # arrives after the watermark moved past it
    assert s.apply(late, 30) is True
    assert s.totals["incident"]["heroin_bricks"] == 6 and "2021-05-01" not in s.daily["incident"]


seizures = st.builds(Seizure, drug=st.sampled_from(DRUGS), unit=st.sampled_from(UNITS),
                     quantity=st.floats(min_value=0.001, max_value=1e6, allow_nan=False))
events = st.builds(
    lambda n, kind, prov, day, cases, sz: ev(n, kind=kind, province=prov, date=day, cases=cases, seizures=sz),
    st.integers(0, 30), st.sampled_from(["incident", "aggregate"]), st.sampled_from(PROVINCES),
    st.none() | st.dates(dt.date(2019, 1, 1), dt.date(2024, 12, 31)), st.none() | st.integers(0, 1000),
    st.lists(seizures, min_size=1, max_size=3))


def _apply_all(stream: list[SeizureEvent], retention: int = 4000) -> dict[str, ProvinceState]:
    states: dict[str, ProvinceState] = {}
    for e in stream:
        key = province_key(e)
        states.setdefault(key, ProvinceState(province=key)).apply(e, retention)
    return states


def _close(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k], rel_tol=1e-9, abs_tol=1e-9) for k in a)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(events, max_size=25), st.randoms(use_true_random=False))
def test_redelivery_in_any_order_gives_the_same_totals(stream: list[SeizureEvent], rnd) -> None:
    """At-least-once: each event once, then some again, shuffled == each event exactly once."""
    redelivered = stream + [e for e in stream if rnd.random() < 0.5]
    rnd.shuffle(redelivered)
    once, twice = _apply_all(stream), _apply_all(redelivered)
    expected = totals_from_events(stream)
    assert once.keys() == twice.keys() == expected.keys()
    for prov, state in twice.items():
        for kind in ("incident", "aggregate"):
            assert _close(state.totals[kind], expected[prov][kind])
            assert _close(state.totals[kind], once[prov].totals[kind])
        assert state.events.keys() == once[prov].events.keys()


def test_rows_are_sharded_by_province_and_event_month() -> None:
    assert row_key(ev(1, date=dt.date(2023, 6, 9))) == "Sơn La|2023-06"
    assert row_key(ev(1, province_2025="Tuyên Quang", province="Hà Giang")) == "Tuyên Quang|undated"
    agg = ev(2, kind="aggregate", cases=3, period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31))
    assert row_key(agg) == "Sơn La|2021-12"  # event date of a period report: its end
    s = ProvinceState(province="Sơn La")
    for n, day in enumerate([dt.date(2023, 1, 31), dt.date(2023, 2, 1), None]):
        s.apply(ev(n, date=day), 400)
    assert sorted(s.rows) == ["2023-01", "2023-02", "undated"]
    assert s.totals["incident"]["heroin_bricks"] == 6
    assert s.windows_at(dt.date(2023, 2, 1))["30d"]["incident"]["heroin_bricks"] == 4  # spans two rows
