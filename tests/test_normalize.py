"""Unicode and tone-mark normalisation keep offsets into the original text."""
from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from streams.extraction.normalize import normalize


def test_old_and_new_tone_placement_meet() -> None:
    assert normalize("ma tuý").lower == normalize("ma túy").lower == "ma túy"
    assert normalize("Hoà Bình").text == "Hòa Bình"
    assert normalize("Thuỷ").text == "Thủy"


def test_words_that_must_not_change() -> None:
    for word in ("quý", "hoàng", "Quảng", "khoảng", "tuyến", "thuyền"):
        assert normalize(word).text == word


def test_nfd_input_maps_spans_back() -> None:
    original = unicodedata.normalize("NFD", "thu giữ 5 kg ma túy đá")
    n = normalize(original)
    assert n.text == "thu giữ 5 kg ma túy đá"
    start = n.text.index("ma túy")
    a, b = n.span(start, start + len("ma túy"))
    assert unicodedata.normalize("NFC", original[a:b]) == "ma túy"


@given(st.text(alphabet="aăâeêioôơuưyàáạảãđ óòọỏõ úùụủũ ýỳỵỷỹ,.", max_size=60))
def test_offsets_stay_inside_the_original(text: str) -> None:
    for form in ("NFC", "NFD"):
        original = unicodedata.normalize(form, text)
        n = normalize(original)
        assert len(n.lower) == len(n.text)
        for i in range(len(n.text) + 1):
            assert 0 <= n.to_original(i) <= len(original)
