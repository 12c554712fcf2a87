"""Vietnamese number parsing: unit tests for each format and property tests for round trips."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.extraction.numbers import apply_scale, parse_number, parse_word_number


@pytest.mark.parametrize(("raw", "mass", "expected"), [
    ("3.352", False, 3352), ("85,27", True, 85.27), ("1.904,99", True, 1904.99),
    ("521,857", False, 521857), ("1,892", True, 1.892), ("5.000", True, 5000), ("748,750", True, 748.75),
    ("05", False, 5), ("0,338", True, 0.338), ("12.087", False, 12087), ("1.234.567", False, 1234567),
    ("2,8", True, 2.8), ("56", False, 56), ("1,5", False, 1.5),
])
def test_written_numbers(raw: str, mass: bool, expected: float) -> None:
    assert parse_number(raw, mass=mass) == pytest.approx(expected)


@pytest.mark.parametrize(("raw", "expected"), [
    ("một", 1), ("hai", 2), ("năm", 5), ("mười", 10), ("mười lăm", 15), ("hai mươi", 20),
    ("ba mươi hai", 32), ("chín mươi chín", 99), ("đối tượng", None), ("", None),
])
def test_number_words(raw: str, expected: int | None) -> None:
    assert parse_word_number(raw) == expected


def test_scale_words() -> None:
    assert apply_scale(400, "nghìn") == 400_000
    assert apply_scale(56, "triệu") == 56_000_000
    assert apply_scale(1.2, "tỷ") == pytest.approx(1.2e9)
    assert apply_scale(7, None) == 7


def _vietnamese_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@given(st.integers(min_value=0, max_value=10**9))
def test_dot_grouped_integers_round_trip(n: int) -> None:
    text = _vietnamese_thousands(n)
    assert parse_number(text, mass=False) == n
    assert parse_number(text, mass=True) == n


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=99))
def test_decimal_comma_masses_round_trip(whole: int, cents: int) -> None:
    text = f"{_vietnamese_thousands(whole)},{cents:02d}"
    assert parse_number(text, mass=True) == pytest.approx(whole + cents / 100)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_one_comma_three_digits_depends_on_the_unit(head: int, tail: int) -> None:
    text = f"{head},{tail:03d}"
    assert parse_number(text, mass=False) == head * 1000 + tail  # a pill count has no fraction
    assert parse_number(text, mass=True) == pytest.approx(head + tail / 1000)  # a mass keeps its comma
