"""Airports, ports and border gates: the table holds together and names resolve on both sides of the merger."""
from __future__ import annotations

import datetime as dt
import json

from streams.extraction.landmarks import _PATH, find_landmarks
from streams.extraction.places import resolve_province


def test_every_landmark_lies_in_a_known_province() -> None:
    table = json.loads(_PATH.read_text(encoding="utf-8"))
    for kind, entries in table.items():
        if kind.startswith("_"):
            continue
        for name, province in entries.items():
            before = resolve_province(province, dt.date(2024, 1, 1))
            assert before is not None and before.name == province, (kind, name, province)


def test_a_landmark_resolves_on_the_report_date() -> None:
    old = find_landmarks("bắt giữ tại cửa khẩu quốc tế Bờ Y", dt.date(2024, 3, 1))
    new = find_landmarks("bat giu tai cua khau quoc te Bo Y", dt.date(2026, 3, 1))
    assert [(m.text, m.province.name) for m in old] == [("Bờ Y", "Kon Tum")]
    assert [(m.text, m.province.name) for m in new] == [("Bo Y", "Quảng Ngãi")]


def test_a_name_without_its_kind_word_is_no_landmark() -> None:
    assert find_landmarks("ông Nội Bài nói về sân bay mới", dt.date(2024, 3, 1)) == []
