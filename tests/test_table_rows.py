"""ProvinceRows: cached parsing of table rows and the province index (on a plain dict)."""
from __future__ import annotations

import datetime as dt

from schemas.events import Seizure, SeizureEvent
from streams.aggregation import row_key
from streams.table_rows import ProvinceRows


def ev(n: int, province: str, day: dt.date | None) -> SeizureEvent:
    e = SeizureEvent(kind="incident", province=province, date=day, item_id=f"i{n}", event_id="x",
                     seizures=[Seizure(drug="heroin", quantity=n + 1, unit="brick")])
    e.event_id = e.compute_id(n)
    return e


def apply(rows: ProvinceRows, e: SeizureEvent) -> None:
    row = rows.row(row_key(e))
    state = rows.province(row.province, override=row)
    if row.apply(e, state.watermark, 400):
        rows.save(row)


def test_rows_index_and_cache() -> None:
    table: dict = {}
    rows = ProvinceRows(table)
    for n, (p, d) in enumerate([("Sơn La", dt.date(2023, 1, 5)), ("Sơn La", dt.date(2023, 2, 5)),
                                ("Hà Nội", None), ("Sơn La", dt.date(2023, 2, 6))]):
        apply(rows, ev(n, p, d))
    assert sorted(table) == ["Hà Nội|undated", "Sơn La|2023-01", "Sơn La|2023-02"]
    assert rows.provinces() == ["Hà Nội", "Sơn La"]
    assert rows.province("Sơn La").totals["incident"]["heroin_bricks"] == 1 + 2 + 4
    assert rows.row("Sơn La|2023-02") is rows.row("Sơn La|2023-02")  # parsed once


def test_rows_written_behind_its_back_are_seen() -> None:
    """Recovery or a rebalance fills the table directly: the index and cache must follow."""
    other: dict = {}
    writer = ProvinceRows(other)
    apply(writer, ev(1, "Lai Châu", dt.date(2023, 3, 1)))
    table: dict = {}
    rows = ProvinceRows(table)
    assert rows.provinces() == []
    table.update(other)  # as a changelog recovery would
    assert rows.provinces() == ["Lai Châu"]
    # a value replaced behind its back is re-parsed (identity, not key, decides)
    before = rows.row("Lai Châu|2023-03")
    apply(writer, ev(2, "Lai Châu", dt.date(2023, 3, 2)))
    table.update(other)
    after = rows.row("Lai Châu|2023-03")
    assert after is not before and len(after.events) == 2
