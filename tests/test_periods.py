"""Unit tests of period statistics (streams.periods): reported figures, supersession, the headline rule."""
from __future__ import annotations

import datetime as dt

from schemas.events import SeizureEvent
from streams.periods import PeriodRow, headline, period_of, report_of, statistic_id


def agg(n: int, start: str | None, end: str | None, cases: int, published: str | None = None) -> SeizureEvent:
    return SeizureEvent(kind="aggregate", province="Sơn La", item_id=f"p{n}", cases=cases,
                        period_start=dt.date.fromisoformat(start) if start else None,
                        period_end=dt.date.fromisoformat(end) if end else None,
                        published=dt.date.fromisoformat(published) if published else None)


def rows(*events: SeizureEvent) -> list[PeriodRow]:
    out: dict[tuple, PeriodRow] = {}
    for e in events:
        start, end = period_of(e)
        row = out.setdefault((start, end), PeriodRow(area="Sơn La", start=start, end=end))
        row.add(e.event_id, report_of(e))
    return list(out.values())


def test_overlapping_periods_are_never_added() -> None:
    """The Sơn La seeds: 3.352 cases in 2019–2021 and 977 in 2009–2019 overlap in 2019: never 4.329."""
    h = headline(rows(agg(1, "2019-01-01", "2021-12-31", 3352, "2022-04-14"),
                      agg(2, "2009-01-01", "2019-04-25", 977, "2019-04-25")))["cases"]
    assert h.value == 3352 and (h.start, h.end) == (dt.date(2019, 1, 1), dt.date(2021, 12, 31))


def test_adjacent_periods_are_chained_into_one_span() -> None:
    h = headline(rows(agg(1, "2023-01-01", "2023-12-31", 100), agg(2, "2024-01-01", "2024-06-30", 40),
                      agg(3, "2024-01-01", "2024-03-31", 25)))["cases"]
    assert h.value == 140 and (h.start, h.end) == (dt.date(2023, 1, 1), dt.date(2024, 6, 30))
    assert [p["value"] for p in h.periods] == [100, 40]


def test_a_later_report_on_the_same_period_supersedes() -> None:
    early, late = agg(1, "2024-01-01", "2024-06-30", 300, "2024-07-01"), agg(2, "2024-01-01", "2024-06-30", 312,
                                                                              "2024-07-05")
    assert headline(rows(early, late))["cases"].value == 312
    assert headline(rows(late, early))["cases"].value == 312
    r = rows(early)[0]
    assert not r.add(early.event_id, report_of(early)), "a redelivered report changes nothing"


def test_undated_statistics_and_ids() -> None:
    h = headline(rows(agg(1, None, None, 7)))["cases"]
    assert h.value == 7 and h.start is None
    assert statistic_id("Sơn La", dt.date(2024, 1, 1), None) != statistic_id("Lai Châu", dt.date(2024, 1, 1), None)
    assert period_of(agg(2, "2024-01-01", None, 1, "2024-05-01")) == (dt.date(2024, 1, 1), dt.date(2024, 5, 1))
