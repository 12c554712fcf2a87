"""The extractor never raises and stays linear, whatever text it is given."""
from __future__ import annotations

import datetime as dt
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.items import NewsItem
from streams.extraction import extract

_PIECES = st.sampled_from([
    "bắt giữ", "3.352 vụ", "/", "4.424 đối tượng", "hơn", "85,27kg", "heroin", "ma túy đá", "ngày 3/4",
    "năm 2021", "giai đoạn 2019 – 2021", "trong đó", "Công an tỉnh Sơn La", "(SN 1990)", "Nguyễn Văn A",
    "tổng cộng", "nặng", "gần", "viên", "bánh", ",", ".", ";", "\n", " ", "🙂", "\u0301", "\x00", "TP.HCM",
    "Hủa Phăn", "tại", "trú tại", "cùng ngày", "Vụ thứ hai", "12", "0", "-5", "1e9", "999999999999",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.none() | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2026, 1, 1)))
def test_random_reports_never_crash(pieces: list[str], published: dt.date | None) -> None:
    text = " ".join(pieces)
    if not text.strip():
        text = "x"
    events = extract(NewsItem(id="fuzz", text=text, published=published))
    for event in events:
        assert event.has_figures()
        for span in event.evidence.values():
            assert text[span.start:span.end] == span.text


def test_long_run_on_text_is_linear() -> None:
    chunk = "thu giữ 5 kg heroin và 20 bánh heroin, bắt 3 đối tượng, "
    small, big = chunk * 200, chunk * 2000
    t0 = time.process_time()
    extract(NewsItem(id="s", text=small))
    t_small = time.process_time() - t0
    t0 = time.process_time()
    extract(NewsItem(id="b", text=big))
    t_big = time.process_time() - t0
    assert t_big < 30 * max(t_small, 1e-3), (t_small, t_big)  # 10x the text, well under 100x the time
