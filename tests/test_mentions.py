"""Figure finders on single sentences, and the drug scanner's equivalence with the plain pattern."""
from __future__ import annotations

import re

from corpus_support import corpus_items
from hypothesis import given
from hypothesis import strategies as st

from streams.extraction import lexicon as lx
from streams.extraction import mentions
from streams.extraction.mentions import find_counts, find_quantities, scan_drug_phrases
from streams.extraction.normalize import normalize
from streams.extraction.pipeline import split_sentences

_WORD_START_RE = re.compile(r"(?<![\w])(?:" + lx.DRUG_RE.pattern + ")")


def _plain(lower: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), lx.DRUG_OF_GROUP[m.lastgroup or ""]) for m in _WORD_START_RE.finditer(lower)]


def test_anchored_drug_scan_equals_the_plain_scan_on_the_corpus() -> None:
    for set_name in ("seeds", "dev", "dedup", "tuned", "holdout"):
        for item in corpus_items(set_name):
            lower = normalize(item["text"]).lower
            assert scan_drug_phrases(lower) == _plain(lower), item["id"]


@given(st.lists(st.sampled_from(["ma túy đá", "heroin", "hê-rô-in", " và ", ", ", "thu giữ", "5 kg", "cần sa",
                                 "ma túy tổng hợp dạng đá", "thuốc lắc", "đá", "tổng hợp", "khay", "x", '"kẹo"',
                                 "(ke)", "gói ke", "đá tinh thể", "methamphetamine", "hàng cấm", "'đá'"]),
                max_size=12))
def test_anchored_drug_scan_equals_the_plain_scan(parts: list[str]) -> None:
    lower = " ".join(parts)
    assert scan_drug_phrases(lower) == _plain(lower)


def _quantities(sentence: str) -> list[tuple[float, str, str | None, str]]:
    lower = normalize(sentence).lower
    return [(q.value, q.unit, q.drug, q.qualifier) for q in find_quantities(lower, 0, len(lower))]


def _counts(sentence: str) -> list[tuple[str, int]]:
    lower = normalize(sentence).lower
    return [(c.field, c.value) for c in find_counts(lower, 0, len(lower))]


def test_hedges_attach_to_their_number() -> None:
    assert _quantities("thu giữ hơn 390 kg hê-rô-in, gần 400 nghìn viên ma túy tổng hợp") == [
        (390, "kg", "heroin", "more_than"), (400000, "pill", "synthetic", "nearly")]


def test_weight_after_a_lot_is_marked_as_its_weight() -> None:
    lower = normalize("20 bánh heroin nặng gần 7 kg").lower
    qs = find_quantities(lower, 0, len(lower))
    assert [q.weight_of_previous for q in qs] == [False, True]


def test_mixture_before_one_weight_is_unspecified() -> None:
    assert _quantities("tang vật gồm Ketamine và Methamphetamine, nặng tổng cộng hơn 2,8kg") == [
        (2.8, "kg", "unspecified", "more_than")]


def test_shared_drug_of_a_list() -> None:
    assert _quantities("gồm gần 2.000 viên và hơn 3 kg ma túy tổng hợp") == [
        (2000, "pill", "synthetic", "nearly"), (3, "kg", "synthetic", "more_than")]


def test_prices_bullets_and_deltas_are_not_quantities() -> None:
    assert _quantities("giá 160 triệu đồng/01 bánh") == []
    assert _quantities("cùng 1 khẩu súng và 16 viên đạn") == []
    assert _quantities("thu giữ 12 kg, tăng 5 kg so với cùng kỳ") == [(12, "kg", None, "exact")]


def test_counts_and_their_traps() -> None:
    assert _counts("bắt giữ 3.352 vụ/4.424 đối tượng, phá 158 chuyên án") == [
        ("cases", 3352), ("suspects", 4424), ("operations", 158)]
    assert _counts("nhiều hơn cùng kỳ 8 vụ") == []
    assert _counts("hội nghị có 100 người tham dự") == []
    assert _counts("có 3 người dương tính với ma túy") == []
    assert _counts("khởi tố 2 bị can") == [("suspects", 2)]
    assert _counts("số người bị bắt là 1.150, tăng 45,9%") == [("suspects", 1150)]
    assert _counts("chuyên án 221C") == []


def test_people_using_drugs_are_not_suspects() -> None:
    assert _counts("kiểm tra quán, phát hiện 12 người đang sử dụng trái phép chất ma túy") == []
    assert _counts("tạm giữ 4 người gồm chủ quán và 3 nhân viên") == [("suspects", 4)]


_NUMBERISH = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "bẩy", "tám", "chín", "mười", "mươi", "mốt", "lăm", "nửa",
              "tư", "12", "3.352", "85,27", "1.904,99", "05", "kg", "gam", "viên", "bánh", "gói", "vụ", "đối tượng",
              "người", "chuyên án", "nghìn", "x", "khai", "bao", ",", ".", "/", "(", "hơn", "ma túy", "\n", "a1"]


def _windows(lower: str) -> list[tuple[int, int]]:
    """The whole text and overlapping windows of it, as the sentence pass would ask."""
    return [(0, len(lower))] + [(a, min(len(lower), a + w)) for w in (7, 40, 150) for a in range(0, len(lower), 5)]


def _same_figures(lower: str) -> None:
    for rx in (mentions.QUANTITY_RE, mentions.COUNT_RE):
        for start, end in _windows(lower):
            fast = [(m.span(), m.groupdict()) for m in mentions._figures_at_numbers(rx, lower, start, end)]
            assert fast == [(m.span(), m.groupdict()) for m in rx.finditer(lower, start, end)], (lower, start, end)
            has = mentions._has_digit(lower, start, end)
            assert not has or re.search(r"\d", lower[start:end])


def test_figures_tried_at_number_starts_equal_the_full_scan_on_the_corpus() -> None:
    for set_name in ("seeds", "dev", "dedup", "tuned"):
        for item in corpus_items(set_name):
            lower = normalize(item["text"]).lower
            starts = set(mentions._number_starts(lower))
            assert all(m.start() in starts for m in re.finditer(mentions._NUM, lower)), item["id"]
            for start, end, _ in [(0, len(lower), 0), *split_sentences(lower)]:
                for rx in (mentions.QUANTITY_RE, mentions.COUNT_RE):
                    fast = mentions._figures_at_numbers(rx, lower, start, end)
                    assert [m.span() for m in fast] == [m.span() for m in rx.finditer(lower, start, end)], item["id"]


@given(st.lists(st.sampled_from(_NUMBERISH), max_size=14), st.sampled_from([" ", "", "  "]))
def test_figures_tried_at_number_starts_equal_the_full_scan(parts: list[str], sep: str) -> None:
    lower = sep.join(parts)
    starts = set(mentions._number_starts(lower))
    assert all(m.start() in starts for m in re.finditer(mentions._NUM, lower))  # FIRST_NUMBER_WORDS covers _NUM
    _same_figures(lower)
