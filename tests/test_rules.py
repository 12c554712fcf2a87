"""Unit tests of alert rules: YAML loading, thresholds, hysteresis, determinism."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from schemas.alerts import Alert
from schemas.events import Seizure, SeizureEvent
from streams.area_state import Config, step
from streams.clustering import cluster_id_for
from streams.rules import Rule, RuleState, load_rules
from streams.state_index import StateIndex

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "thresholds.example.yaml"


def ev(n: int, day: dt.date | None = None, bricks: float = 5, kind: str = "incident", **kw: object) -> SeizureEvent:
    kw.setdefault("district", f"district {n}")  # a different place: never the same bust as another n
    e = SeizureEvent(kind=kind, province="Lạng Sơn", date=day, item_id=f"i{n}", event_id="x",
                     seizures=[Seizure(drug="heroin", quantity=bricks, unit="brick")], **kw)
    e.event_id = e.compute_id(n)
    return e


def bust(e: SeizureEvent) -> str:
    return cluster_id_for(e.event_id)


class Harness:
    """The area transition on a dict table: what the area agent does with each event."""

    def __init__(self, *rules: Rule) -> None:
        self.cfg = Config(rules=list(rules), now=lambda: NOW)
        self.index = StateIndex({})

    @property
    def rule_state(self) -> RuleState:
        row = self.index.get("r|Lạng Sơn")
        return row.rules if row is not None else RuleState()

    def push(self, event: SeizureEvent) -> list[Alert]:
        s = step(self.index, event, self.cfg)
        for key, row in s.writes:
            self.index.write(key, row)
        for key, row in s.rule_writes:
            self.index.write(key, row)
        for key, row in s.finals:
            self.index.write(key, row)
        return s.alerts


def test_example_file_loads_and_is_valid() -> None:
    rules = load_rules(EXAMPLE)
    assert len(rules) >= 4
    assert {r.window for r in rules} >= {"event", "all"}


def test_bad_rules_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Rule(name="x", metric="heroin_tonnes", threshold=1)
    with pytest.raises(ValidationError):
        Rule(name="x", metric="heroin_kg", threshold=-1)
    f = tmp_path / "r.yaml"
    f.write_text("rules:\n - {name: a, metric: cases, threshold: 1}\n - {name: a, metric: cases, threshold: 2}\n")
    with pytest.raises(ValidationError):
        load_rules(f)
    assert load_rules(None) == []


def test_all_time_fires_once_on_upward_crossing() -> None:
    h = Harness(Rule(name="r", metric="heroin_bricks", window="all", threshold=10))
    assert h.push(ev(1)) == []
    fired = h.push(ev(2))
    assert len(fired) == 1 and fired[0].value == 10 and fired[0].threshold == 10
    assert sorted(fired[0].event_ids) == sorted([bust(ev(1)), bust(ev(2))])
    assert h.push(ev(3)) == [] and h.push(ev(4)) == []  # stays quiet above the threshold


def test_single_event_rule() -> None:
    h = Harness(Rule(name="big", metric="heroin_bricks", window="event", threshold=20, severity="critical"))
    assert h.push(ev(1, bricks=19)) == []
    a = h.push(ev(2, bricks=40))
    assert len(a) == 1 and a[0].event_ids == [bust(ev(2, bricks=40))] and a[0].severity == "critical"
    assert len(h.push(ev(3, bricks=25))) == 1  # every big event is its own window
    assert h.push(ev(3, bricks=25)) == []  # redelivered: applied once, fires once


def test_tumbling_window_rearms_when_it_rolls() -> None:
    h = Harness(Rule(name="m", metric="heroin_bricks", window="month", threshold=8))
    jan, feb = dt.date(2023, 1, 5), dt.date(2023, 2, 5)
    assert h.push(ev(1, jan)) == []
    a = h.push(ev(2, jan))
    assert len(a) == 1 and (a[0].window_start, a[0].window_end) == (dt.date(2023, 1, 1), dt.date(2023, 1, 31))
    assert h.push(ev(3, jan)) == []
    assert h.push(ev(4, feb)) == []
    assert len(h.push(ev(5, feb))) == 1  # new month, new crossing


def test_thirty_day_window_rearms_when_value_falls_back() -> None:
    h = Harness(Rule(name="h", metric="heroin_bricks", window="30d", threshold=10))
    d0 = dt.date(2023, 1, 1)
    assert h.push(ev(1, d0)) == []
    assert len(h.push(ev(2, d0 + dt.timedelta(days=5)))) == 1
    assert h.push(ev(3, d0 + dt.timedelta(days=10))) == []  # still above: quiet
    # 60 days later the trailing window holds only the new event: below, re-armed
    assert h.push(ev(4, d0 + dt.timedelta(days=70))) == []
    assert len(h.push(ev(5, d0 + dt.timedelta(days=71)))) == 1


def test_kind_and_province_filters() -> None:
    h = Harness(Rule(name="agg", metric="cases", kind="aggregate", threshold=100, provinces="Hà Nội"),
                Rule(name="inc", metric="cases", kind="incident", threshold=100))
    assert h.push(ev(1, kind="aggregate", cases=500)) == []  # area filter
    assert h.push(ev(2, cases=99)) == []
    assert [a.rule for a in h.push(ev(3, cases=1))] == ["inc"]


def test_undated_events_only_reach_all_time_rules() -> None:
    h = Harness(Rule(name="d", metric="heroin_bricks", window="1d", threshold=1),
                Rule(name="a", metric="heroin_bricks", window="all", threshold=1))
    assert [a.rule for a in h.push(ev(1, None))] == ["a"]


def test_alert_ids_are_deterministic() -> None:
    rules = [Rule(name="r", metric="heroin_bricks", window="all", threshold=5)]
    first, second = Harness(*rules), Harness(*rules)
    a, b = first.push(ev(1)), second.push(ev(1))
    assert a[0].alert_id == b[0].alert_id
    # a redelivered event (same state) does not fire again
    assert first.push(ev(1)) == []


def test_rule_state_roundtrip_and_prune() -> None:
    h = Harness(Rule(name="d", metric="heroin_bricks", window="1d", threshold=1))
    h.push(ev(1, dt.date(2020, 1, 1)))
    st = RuleState.from_json(h.rule_state.to_json())
    assert st == h.rule_state and len(st.fired) == 1
    st.prune(dt.date(2023, 1, 1), 400)
    assert st.fired == {}


def test_period_rules_compare_one_reported_figure_never_a_sum() -> None:
    """Two overlapping period reports of 60 cases each: 120 is never compared, nothing fires at 100."""
    rule = Rule(name="cases", metric="cases", kind="aggregate", window="all", threshold=100)
    assert rule.window == "period"
    h = Harness(rule)
    first = ev(1, kind="aggregate", cases=60, bricks=1, period_start=dt.date(2019, 1, 1), period_end=dt.date(2021, 12, 31))
    second = ev(2, kind="aggregate", cases=60, bricks=1, period_start=dt.date(2021, 1, 1), period_end=dt.date(2021, 12, 31))
    assert h.push(first) == [] and h.push(second) == []
    big = ev(3, kind="aggregate", cases=150, bricks=1, period_start=dt.date(2022, 1, 1), period_end=dt.date(2022, 12, 31))
    fired = h.push(big)
    assert [(a.value, a.window, a.window_start) for a in fired] == [(150, "period", dt.date(2022, 1, 1))]
    assert fired[0].event_ids == [big.event_id]
    assert h.push(big) == []  # redelivered: fires once
    with pytest.raises(ValidationError):
        Rule(name="x", metric="cases", kind="incident", window="period", threshold=1)


def test_old_events_still_reach_event_and_period_rules() -> None:
    rules = [Rule(name="big", metric="heroin_bricks", window="event", threshold=20),
             Rule(name="all", metric="cases", kind="aggregate", window="all", threshold=100)]
    h = Harness(*rules)
    h.push(ev(1, dt.date(2023, 4, 13)))
    old_big = ev(2, dt.date(2019, 3, 1), bricks=50)
    old_report = ev(3, kind="aggregate", cases=258, bricks=1, period_start=dt.date(2019, 1, 1),
                    period_end=dt.date(2019, 12, 31))
    fired = h.push(old_big) + h.push(old_report)
    assert [(a.rule, a.event_ids) for a in fired] == [("big", [bust(old_big)]), ("all", [old_report.event_id])]
