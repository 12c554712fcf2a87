"""Vietnamese numerals: "3.352", "85,27", "1.904,99", "521,857 viên", "10 nghìn", "hai", "05".

The one ambiguity Vietnamese press leaves is a single separator followed by exactly
three digits ("521,857", "5.000", "1,892"): for counts (pills, cases) it groups
thousands; for masses a comma is a decimal mark and a dot groups thousands.
"""
from __future__ import annotations

import re

NUMBER_PATTERN = r"\d{1,3}(?:[.,]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
"""A written number (digits with dot/comma separators); interpretation is `parse_number`'s job."""

SCALE = {"nghìn": 1e3, "ngàn": 1e3, "vạn": 1e4, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}

_UNITS = {"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
          "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
NUMBER_WORDS = ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "bẩy", "tám", "chín", "mười")
FIRST_NUMBER_WORDS = NUMBER_WORDS + ("nửa",)
"""The words a number written in words begins with (every match of WORD_NUMBER_PATTERN starts with one)."""
WORD_NUMBER_PATTERN = (
    r"(?:(?:hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín)\s+mươi(?:\s+(?:mốt|hai|ba|bốn|tư|lăm|năm|sáu|bảy|tám|chín))?"
    r"|mười(?:\s+(?:một|hai|ba|bốn|lăm|năm|sáu|bảy|tám|chín))?"
    r"|một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|nửa)"
)
"""Number words 1..99 as they appear before a counted noun ("hai đối tượng", "mười lăm vụ")."""

_WORD_RE = re.compile(WORD_NUMBER_PATTERN)


def parse_number(raw: str, *, mass: bool) -> float:
    """The value of a written number; ``mass`` says whether the unit is a mass (decimal comma rule)."""
    s = raw.strip()
    if "," in s and "." in s:  # 1.904,99: dots group, comma is decimal
        return float(s.replace(".", "").replace(",", "."))
    for sep in (".", ","):
        if sep in s:
            parts = s.split(sep)
            grouped = len(parts) > 2 or (len(parts) == 2 and len(parts[1]) == 3)
            if len(parts) > 2:
                return float("".join(parts))
            if grouped and not (mass and sep == ","):
                return float("".join(parts))
            return float(parts[0] + "." + parts[1])
    return float(s)


def parse_word_number(raw: str) -> float | None:
    """"hai" -> 2, "mười lăm" -> 15, "ba mươi hai" -> 32, "nửa" -> 0.5; None if not a number word phrase."""
    words = raw.split()
    if not words or not _WORD_RE.fullmatch(" ".join(words)):
        return None
    if words == ["nửa"]:
        return 0.5
    if words[0] == "mười":
        return 10 + (_UNITS.get(words[1], 0) if len(words) > 1 else 0)
    if len(words) >= 2 and words[1] == "mươi":
        return _UNITS[words[0]] * 10 + (_UNITS.get(words[2], 0) if len(words) > 2 else 0)
    return _UNITS.get(words[0])


def apply_scale(value: float, scale: str | None) -> float:
    return value * SCALE[scale] if scale else value
