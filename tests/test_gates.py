"""Substring gates before regexes (streams.extraction.gates): a gated search returns what the search returns."""
from __future__ import annotations

import re

from corpus_support import corpus_items
from hypothesis import given
from hypothesis import strategies as st

from streams.extraction import lexicon as lx
from streams.extraction import mentions, pipeline, place_roles
from streams.extraction.gates import gated_search, matches_from, words_gate, words_pattern
from streams.extraction.normalize import normalize
from streams.extraction.pipeline import split_sentences

GATED = [
    (pipeline._BUST_CUE, pipeline._BUST_CUE_GATE), (pipeline._BREAK_INSIDE, pipeline._BREAK_INSIDE_GATE),
    (place_roles._MEETING, place_roles._MEETING_GATE), (place_roles._TESTIMONY, place_roles._TESTIMONY_GATE),
    (mentions._PRICE_BEFORE, mentions._PRICE_GATE), (mentions._MONEY_BEFORE, mentions._PRICE_GATE),
    (lx.DELTA_BEFORE, mentions._DELTA_GATE), (mentions._WEIGHT_BEFORE, mentions._WEIGHT_GATE),
    (lx.TOTAL_CUE, mentions._TOTAL_GATE), (mentions._CASE_LINK_BEFORE, mentions._LINK_GATE),
    (lx.TYPICAL_BEFORE, mentions._TYPICAL_GATE), (lx.ADDED_BEFORE, mentions._ADDED_GATE),
    (lx.NOT_SEIZED_BEFORE, mentions._NOT_SEIZED_GATE),
    (mentions._INITIALS_BEFORE_AGE, mentions._INITIALS_GATE), (mentions._HANDED_OVER, mentions._HANDED_OVER_GATE),
    *((rx, gate) for rx, _, _, gate in mentions._SUSPECT_PHRASES),
    (lx.EXTENSION_VERB, lx.EXTENSION_GATE), (lx.NOT_ARREST_VERB, lx.NOT_ARREST_GATE),
]
"""Every (pattern, gate) pair the extractor uses: the gate must find a word wherever the pattern matches."""
_PARTS = ["hội nghị", "lễ ký", "lễ", "ký", "khai", "khai thác", "thừa nhận", "công", "triển", "diễn đàn", "tọa đàm",
          "bắt", "bắt giữ", "tạm giữ", "tài xế", "bị", "đã", "khống chế", "đối tượng", "một", "cả", "hai", "cùng",
          "3", "đồng phạm", "số", "người", "bị bắt", "là", "nâng tổng số", "lên", "tại", "huyện", ".", ",", "x",
          "giá", "mỗi", "/", "đồng", "tăng", "so với", "nặng", "tổng cộng", "thu thêm", "vụ", "với", "thường",
          "bánh", "trót lọt", "xe tải", "từ", "đến", "-", "T.V.K.", "(SN 1990)", "(", "Phúc", "được", "bàn giao",
          "cho", "Lò Văn A", "kg", "dừng xe kiểm tra", "dừng", "kiểm tra", "trong đó", "trong số này", "trong",
          "bắt thêm", "tiếp tục", "giữ", "mời", "về", "làm việc", "lên", "xử phạt hành chính", "còn lại", "triệu tập"]
_ENDS = ["Câu một", "hai", ".", "..", "!", "?", "…", "\n", "\n\n", '"', "”", ")", " ", "  ", "3.5", "TP.", "x"]


def test_words_pattern_matches_the_words_and_nothing_else() -> None:
    rx = re.compile(words_pattern(("lễ ký", "a.b", "lễ")))
    assert [m.group() for m in rx.finditer("lễ ký, a.b lễ axb")] == ["lễ ký", "a.b", "lễ"]


def test_a_gate_finds_its_words_inside_the_span_only() -> None:
    gate = words_gate(("tại", "xã"))
    assert gate.search("bắt giữ tại xã", 0, 11)
    assert not gate.search("bắt giữ tại", 0, 9)
    assert not gate.search("bắt giữ tại", 10)


@given(st.lists(st.sampled_from(_PARTS), max_size=12), st.integers(0, 60), st.integers(0, 60))
def test_a_gated_search_returns_what_the_search_returns(parts: list[str], a: int, b: int) -> None:
    for text in (" ".join(parts), normalize(" ".join(parts)).lower):
        for rx, gate in GATED:
            got = gated_search(rx, gate, text, a, b)
            want = rx.search(text, a, b)
            assert (got and got.span()) == (want and want.span()), rx.pattern


def test_every_gate_passes_where_its_pattern_matches_on_the_corpus() -> None:
    for set_name in ("seeds", "dev", "dedup", "tuned"):
        for item in corpus_items(set_name):
            norm = normalize(item["text"])
            spans = [(a, b) for a, b, _ in split_sentences(norm.lower)]
            for text in (norm.text, norm.lower):
                for rx, gate in GATED:
                    for a, b in spans:
                        if rx.search(text, a, b):
                            assert gate.search(text, a, b), (item["id"], rx.pattern, text[a:b])


def test_every_place_cue_is_indexed_by_its_last_word() -> None:
    for cue in lx.PLACE_CUES:
        words = cue.split(" ")
        if len(words) <= 3:
            assert words[-1] in place_roles._CUE_LAST_WORDS[len(words)], cue


@given(st.lists(st.sampled_from(_ENDS), max_size=16), st.integers(0, 40), st.integers(0, 40))
def test_matches_from_equal_the_full_scan(parts: list[str], a: int, b: int) -> None:
    text = "".join(parts)
    want = [m.span() for m in pipeline._SENTENCE_END.finditer(text, a, b)]
    assert [m.span() for m in matches_from(pipeline._SENTENCE_END, pipeline._SENTENCE_END_FIRST, text, a, b)] == want
