"""Substring gates before regexes (streams.extraction.gates): a gated search returns what the search returns."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from streams.extraction import lexicon as lx
from streams.extraction import place_roles
from streams.extraction.gates import gated_search, holds, words_pattern

_GATED = [(place_roles._MEETING, place_roles._MEETING_WORDS), (place_roles._TESTIMONY, place_roles._TESTIMONY_WORDS)]
_PARTS = ["hội nghị", "lễ ký", "lễ", "ký", "khai", "khai thác", "thừa nhận", "công", "triển", "diễn đàn", "tọa đàm",
          "bắt", "tại", "huyện", ".", ",", "x", "nghị", "hội"]


def test_words_pattern_matches_the_words_and_nothing_else() -> None:
    rx = re.compile(words_pattern(("lễ ký", "a.b", "lễ")))
    assert [m.group() for m in rx.finditer("lễ ký, a.b lễ axb")] == ["lễ ký", "a.b", "lễ"]


def test_holds_reads_only_the_span() -> None:
    assert holds("bắt giữ tại xã", ("tại",), 0, 11)
    assert not holds("bắt giữ tại xã", ("tại",), 0, 9)
    assert not holds("bắt giữ tại xã", ("tại",), 10)


@given(st.lists(st.sampled_from(_PARTS), max_size=12), st.integers(0, 60), st.integers(0, 60))
def test_a_gated_search_returns_what_the_search_returns(parts: list[str], a: int, b: int) -> None:
    text = " ".join(parts)
    for rx, words in _GATED:
        got = gated_search(rx, words, text, a, b)
        want = rx.search(text, a, b)
        assert (got and got.span()) == (want and want.span())


def test_every_place_cue_is_indexed_by_its_last_word() -> None:
    for cue in lx.PLACE_CUES:
        words = cue.split(" ")
        if len(words) <= 3:
            assert words[-1] in place_roles._CUE_LAST_WORDS[len(words)], cue
