"""Unit tests of bust matching and merging (streams.clustering), on hand-made near misses and the dedup corpus."""
from __future__ import annotations

import datetime as dt
import itertools
import json
import random

from corpus_support import CORPUS, corpus_items

from schemas.events import Seizure, SeizureEvent
from schemas.items import parse_item
from streams.clustering import (
    Candidate,
    choose,
    cluster_id_for,
    compare,
    figures_of,
    lookup_days,
    merge,
    metrics_of,
)
from streams.extraction import extract

D = dt.date(2024, 3, 5)


def ev(n: int, day: dt.date | None = D, *seizures: tuple[str, float, str, str], suspects: int | None = 2,
       published: dt.date | None = None, district: str | None = None) -> SeizureEvent:
    return SeizureEvent(kind="incident", province="Sơn La", date=day, item_id=f"i{n}", suspects=suspects,
                        published=published or (day or D) + dt.timedelta(days=1), district=district,
                        seizures=[Seizure(drug=d, quantity=q, unit=u, qualifier=ql) for d, q, u, ql in seizures])


def join(e: SeizureEvent, *others: SeizureEvent) -> bool:
    """Would ``e`` join a bust founded by one of ``others`` (looked up the way streams.area_state does)?"""
    days = lookup_days(e.date, e.published, 1)
    cands = [Candidate(key=o.event_id, cluster_id=o.event_id, day=o.date, figures=figures_of(o))
             for o in others if o.event_date in days]
    return choose(figures_of(e), e.date, cands) is not None


HEROIN_12 = ("heroin", 12, "brick", "exact")


def test_same_bust_in_other_units_and_hedges_is_joined() -> None:
    base = ev(1, D, HEROIN_12)
    assert join(ev(2, D, HEROIN_12, ("heroin", 4.2, "kg", "about")), base)
    assert join(ev(3, D, ("heroin", 4, "kg", "more_than")), base)  # no shared unit: same day, suspects, drug
    assert join(ev(4, D - dt.timedelta(days=1), HEROIN_12), base)  # "hôm qua": one day off, same figures
    assert join(ev(5, None, HEROIN_12, published=D + dt.timedelta(days=2)), base)  # undated, published after
    grams = ev(6, D, ("meth_crystal", 1200, "g", "exact"), ("synthetic_pills", 500, "pill", "exact"))
    assert join(grams, ev(7, D, ("meth_crystal", 1.2, "kg", "exact"), ("ecstasy", 500, "pill", "exact")))
    total = ev(8, D, ("unspecified", 8, "kg", "exact"), suspects=3)
    assert join(total, ev(9, D, ("meth_crystal", 5, "kg", "exact"), ("ketamine", 3, "kg", "exact"), suspects=3))


def test_near_misses_stay_apart() -> None:
    base = ev(1, D, HEROIN_12, district="Mộc Châu")
    # same day, neighbouring district, same amount
    assert not join(ev(2, D, HEROIN_12, district="Yên Châu"), base)
    # same amount, another week
    assert not join(ev(3, D + dt.timedelta(days=7), HEROIN_12), base)
    # same day, other figures: 0,6 kg is not 6 kg; 5 bricks are not 12
    assert not join(ev(4, D, ("meth_crystal", 0.6, "kg", "exact")), ev(5, D, ("meth_crystal", 6, "kg", "exact")))
    assert not join(ev(6, D, ("heroin", 5, "brick", "exact"), suspects=2), base)
    # one day off needs agreeing figures, not only the same number of suspects
    assert not join(ev(7, D + dt.timedelta(days=1), ("heroin", 4, "kg", "more_than")), base)
    # a trial article months later that restates the bust with its date joins it; a new bust then does not
    trial = ev(8, D, HEROIN_12, published=D + dt.timedelta(days=120))
    assert join(trial, base)
    assert not join(ev(9, D + dt.timedelta(days=120), HEROIN_12), base)


def test_compare_reads_hedges_as_intervals() -> None:
    a = figures_of(ev(1, D, ("meth_crystal", 20, "kg", "more_than")))
    assert compare(a, figures_of(ev(2, D, ("meth_crystal", 20.4, "kg", "exact"))))[0] == "strong"
    assert compare(a, figures_of(ev(3, D, ("meth_crystal", 19.5, "kg", "exact"))))[0] == "contradict"
    near = figures_of(ev(4, D, ("opium", 400, "kg", "nearly")))
    assert compare(near, figures_of(ev(5, D, ("opium", 390, "kg", "exact"))))[0] == "strong"
    assert compare(near, figures_of(ev(6, D, ("opium", 420, "kg", "exact"))))[0] == "contradict"


def test_merge_keeps_the_most_precise_figure_whatever_the_order() -> None:
    reports = [ev(1, D, ("meth_crystal", 20, "package", "exact")),
               ev(2, D, ("meth_crystal", 20, "package", "exact"), ("meth_crystal", 20, "kg", "more_than")),
               ev(3, D, ("meth_crystal", 20.4, "kg", "exact"), published=D + dt.timedelta(days=3))]
    results = {json.dumps(merge(figures_of(r) for r in order).model_dump(mode="json"), sort_keys=True)
               for order in itertools.permutations(reports)}
    assert len(results) == 1
    merged = merge(figures_of(r) for r in reports)
    assert metrics_of(merged) == {"events": 1, "suspects": 2, "meth_crystal_packages": 20, "packages": 20,
                                  "meth_crystal_kg": 20.4, "kg": 20.4}
    labels = merge([figures_of(ev(4, D, ("synthetic_pills", 500, "pill", "exact"))),
                    figures_of(ev(5, D, ("ecstasy", 500, "pill", "exact")))])
    assert [o.drug for o in labels.obs] == ["ecstasy"], "the specific label wins over the generic one"
    named = merge([figures_of(ev(6, D, ("unspecified", 8, "kg", "exact"))),
                   figures_of(ev(7, D, ("meth_crystal", 5, "kg", "exact"), ("ketamine", 3, "kg", "exact")))])
    assert sorted(o.drug for o in named.obs) == ["ketamine", "meth_crystal"], "unspecified only while nothing is named"


def test_ids_and_lookup_days() -> None:
    assert cluster_id_for("ev-1") == cluster_id_for("ev-1") != cluster_id_for("ev-2")
    assert lookup_days(D, None, 1) == [D - dt.timedelta(days=1), D, D + dt.timedelta(days=1)]
    assert lookup_days(None, D, 1) == [D - dt.timedelta(days=n) for n in range(4)]
    assert lookup_days(None, None, 1) == []


def _pairs(assignment: dict[tuple[str, int], str], gold: dict[tuple[str, int], str]) -> tuple[float, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same_gold, same_pred = gold[a] == gold[b], assignment[a] == assignment[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return tp / ((tp + fp) or 1), tp / ((tp + fn) or 1)


def test_dedup_corpus_clusters_like_gold_in_any_order() -> None:
    """Pure check of the matcher on ../shared/corpus/dedup (the running pipeline is tested in integration)."""
    clusters = json.loads((CORPUS / "dedup" / "clusters.json").read_text(encoding="utf-8"))["clusters"]
    gold = {(item, n): c for c, v in clusters.items() for item, n in v["members"]}
    events = [(item["id"], n, e) for item in corpus_items("dedup")
              for n, e in enumerate(extract(parse_item(item)))]
    assert {(i, n) for i, n, _ in events} == set(gold)
    for seed in range(5):
        order = list(events)
        random.Random(seed).shuffle(order)
        open_busts: list[tuple[SeizureEvent, list]] = []
        assignment: dict[tuple[str, int], str] = {}
        for item_id, n, e in order:
            if e.kind == "aggregate":
                assignment[(item_id, n)] = f"st-{item_id}-{n}"
                continue
            cands = [Candidate(key=f.event_id, cluster_id=f.event_id, day=f.date, figures=merge(figs))
                     for f, figs in open_busts if f.province == e.province and abs((f.date - e.date).days) <= 1]
            chosen = choose(figures_of(e), e.date, cands)
            if chosen is None:
                open_busts.append((e, [figures_of(e)]))
                assignment[(item_id, n)] = e.event_id
            else:
                next(figs for f, figs in open_busts if f.event_id == chosen.cluster_id).append(figures_of(e))
                assignment[(item_id, n)] = chosen.cluster_id
        precision, recall = _pairs(assignment, gold)
        assert precision >= 0.95 and recall >= 0.95, (seed, precision, recall)
