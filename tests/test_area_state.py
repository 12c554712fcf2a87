"""Unit tests of the area transition (streams.area_state) on a dict table: exactness under any crash and replay.

The crash model is the one the module docstring argues from: the writes of all messages
form one log (one changelog partition, in order); a crash keeps a prefix of it, and the
messages after the last committed one (a commit only follows the flush of all of a
message's writes) come again.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

from conftest import ROOT
from corpus_support import corpus_items

from schemas.events import EventRetraction, Seizure, SeizureEvent
from schemas.items import parse_item
from streams import read_model
from streams.area_state import Config, step
from streams.extraction import extract
from streams.rules import load_rules
from streams.state_index import StateIndex

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
CFG = Config(rules=load_rules(ROOT / "deploy" / "thresholds.example.yaml"), now=lambda: NOW)


def corpus_events() -> list[SeizureEvent]:
    return [e for s in ("dedup", "seeds", "dev") for item in corpus_items(s) for e in extract(parse_item(item))]


def run(messages: list[Any], table: dict | None = None, log: list | None = None, cfg: Config = CFG) -> StateIndex:
    index = StateIndex(table if table is not None else {})
    for m in messages:
        s = step(index, m, cfg)
        for key, row in s.writes + s.rule_writes + s.finals:
            index.write(key, row)
            if log is not None:
                log.append((len(log), m, key, row))
    return index


def view(index: StateIndex) -> tuple:
    provinces, others = read_model.summaries(index)
    return json.dumps(provinces, sort_keys=True), json.dumps(others, sort_keys=True)



NO_HORIZON = Config(rules=CFG.rules, retention_days=100_000, now=CFG.now)


def test_any_order_gives_the_same_tables_as_one_report_per_bust() -> None:
    events = corpus_events()
    reference = run(events, cfg=NO_HORIZON)
    for seed in range(3):
        order = list(events)
        random.Random(seed).shuffle(order)
        assert view(run(order)) == view(reference), seed
    # one report per bust: the report whose figures are the bust's own figures
    singles = []
    for area in reference.areas():
        for bust in reference.busts_of(area):
            ids = set(bust.members)
            match = [e for e in events if e.event_id in ids and reference.get(f"m|{e.event_id}") is not None]
            best = next((e for e in match if run([e], cfg=NO_HORIZON).busts_of(area)[0].metrics == bust.metrics),
                        None)
            if best is not None:
                singles.append(best)
            else:  # no single report has all the bust's figures: feed all of them (still counted once)
                singles += match
    singles += [e for e in events if e.kind == "aggregate"]
    assert totals(run(singles, cfg=NO_HORIZON)) == totals(reference)
    assert totals(run(events)) == totals(reference), "archiving past the horizon keeps every sum"


def test_state_is_bounded_by_the_horizon_and_archives_keep_the_sums() -> None:
    """Three years of busts in one province, a 60-day horizon: old months become one archive row each."""
    start = dt.date(2021, 1, 1)
    events = [SeizureEvent(kind="incident", province="Lạng Sơn", date=start + dt.timedelta(days=d), item_id=f"h{d}",
                           suspects=1 + d % 3, seizures=[Seizure(drug="heroin", quantity=1 + d % 7, unit="brick")])
              for d in range(0, 3 * 365, 3)]
    short = Config(retention_days=60)
    bounded = run(events + events[:50], cfg=short)  # and old reports again: recognised, not counted twice
    unbounded = run(events, cfg=NO_HORIZON)
    assert totals(bounded) == totals(unbounded)
    busts = [k for k in bounded.table if k.startswith("b|")]
    assert len(busts) <= (60 + 31) // 3 + 1, len(busts)
    assert len([k for k in bounded.table if k.startswith("h|")]) >= 30
    assert read_model.monthly_series(bounded) == read_model.monthly_series(unbounded)
    # a crash between the archive row and the deletion of its bust rows: the archive wins
    log: list = []
    clean = run(events, log=log, cfg=short)
    for cut in [i for i, (_, _, key, _) in enumerate(log) if key.startswith("h|")][:20]:
        surviving: dict = {}
        for _, _, key, row in log[:cut + 1]:
            if row is None:
                surviving.pop(key, None)
            else:
                surviving[key] = row.to_json()
        assert totals(StateIndex(dict(surviving))) == totals(run([], table=dict(surviving), cfg=short))
        resume = events.index(log[cut][1])
        assert totals(run(events[resume:], table=surviving, cfg=short)) == totals(clean), cut


def totals(index: StateIndex) -> dict:
    """area -> (number of busts, totals): what 'counted once' is about (report counts aside)."""
    provinces, others = read_model.summaries(index)
    return {d["area"]: (d["busts"], d["totals"]) for d in provinces + others}


def test_a_crash_anywhere_and_the_replay_converge_to_the_clean_state() -> None:
    events = corpus_events()
    random.Random(7).shuffle(events)
    log: list = []
    clean = run(events, log=log)
    assert len(log) > len(events)
    rng = random.Random(11)
    for cut in sorted(rng.sample(range(len(log)), 60)) + [len(log) - 1]:
        surviving: dict = {}
        for _, _, key, row in log[:cut]:
            if row is None:
                surviving.pop(key, None)
            else:
                surviving[key] = row.to_json()
        # the crash happened while the message of write `cut` was being processed; the
        # last commit was at or before it: replay from a random earlier message
        crashed_at = events.index(log[cut][1])
        resume = rng.randint(max(0, crashed_at - 5), crashed_at)
        recovered = run(events[resume:], table=surviving)
        assert view(recovered) == view(clean), cut
        assert comparable(surviving) == comparable(clean.table), cut


def comparable(table: dict) -> dict:
    """The table with each latest alert reduced to its id (fired_at follows the clock), without the bust rows
    an archive already counts (a crash between archiving and deleting leaves them; the next pass deletes them)."""
    index = StateIndex(dict(table))
    stale = {k for k in table if k.startswith("b|") and k in index.stale_keys(k.split("|")[1])}
    return {k: (v["alert"]["alert_id"] if k.startswith("a|") else v) for k, v in table.items() if k not in stale}


def test_redelivery_changes_nothing() -> None:
    events = corpus_events()
    once = run(events)
    twice = run(events + events)
    assert once.table == twice.table


def test_no_province_named_unknown_and_son_la_headline() -> None:
    index = run(corpus_events())
    provinces, others = read_model.summaries(index)
    assert "unknown" not in {p["area"] for p in provinces}
    assert all(not p["area"].startswith(("country:", "region:")) for p in provinces)
    assert "country:LA" in {o["area"] for o in others}
    son_la = next(p for p in provinces if p["area"] == "Sơn La")
    cases = son_la["headline"]["cases"]
    assert cases["value"] == 3352 and (cases["start"], cases["end"]) == ("2019-01-01", "2021-12-31")
    assert son_la["totals"]["aggregate"]["cases"] != 3352 + 977


def test_a_more_precise_report_corrects_the_tables_by_the_difference() -> None:
    d = dt.date(2024, 6, 20)

    def report(n: int, *seizures: tuple[float, str, str]) -> SeizureEvent:
        return SeizureEvent(kind="incident", province="Cao Bằng", date=d, item_id=f"cb-{n}", suspects=2,
                            published=d + dt.timedelta(days=n),
                            seizures=[Seizure(drug="meth_crystal", quantity=q, unit=u, qualifier=ql)
                                      for q, u, ql in seizures])

    index = StateIndex({})
    totals = []
    for e in (report(1, (20, "package", "exact")), report(2, (20, "package", "exact"), (20, "kg", "more_than")),
              report(3, (20.4, "kg", "exact"))):
        s = step(index, e, CFG)
        for key, row in s.writes + s.finals:
            index.write(key, row)
        totals.append(dict(index.area_totals("Cao Bằng")))
        assert len({ev.cluster_id for ev in s.events}) == 1
    assert [t.get("meth_crystal_kg") for t in totals] == [None, 20, 20.4]
    assert all(t["events"] == 1 for t in totals)
    assert index.busts_of("Cao Bằng")[0].record().reports == 3
    assert index.day_values("Cao Bằng", d)["meth_crystal_kg"] == 20.4, "daily values follow the bust"


def test_a_retraction_takes_the_report_out_and_corrects_the_tables() -> None:
    d = dt.date(2024, 3, 5)
    five = SeizureEvent(kind="incident", province="Sơn La", date=d, item_id="x", suspects=1,
                        seizures=[Seizure(drug="heroin", quantity=5, unit="kg")])
    seven = five.model_copy(update={"seizures": [Seizure(drug="heroin", quantity=7, unit="kg")], "event_id": ""})
    seven = SeizureEvent.model_validate(seven.model_dump(exclude={"event_id"}))
    index = run([five])
    assert index.area_totals("Sơn La")["heroin_kg"] == 5
    retraction = EventRetraction(event_id=five.event_id, item_id="x", area="Sơn La")
    s = step(index, retraction, CFG)
    assert s.events[0].cluster_id and s.busts == [(s.events[0].cluster_id, None)]
    for key, row in s.writes + s.finals:
        index.write(key, row)
    assert index.area_totals("Sơn La") == {} and index.areas() == []
    run([seven, retraction], table=index.table)
    after = StateIndex(dict(index.table))
    assert after.area_totals("Sonla") == {} and after.area_totals("Sơn La")["heroin_kg"] == 7
    # a period report can be withdrawn as well
    period = SeizureEvent(kind="aggregate", province="Sơn La", item_id="p", cases=10,
                          period_start=dt.date(2023, 1, 1), period_end=dt.date(2023, 12, 31))
    run([period, EventRetraction(event_id=period.event_id, item_id="p", area="Sơn La")], table=after.table)
    assert StateIndex(after.table).periods_of("Sơn La") == []
