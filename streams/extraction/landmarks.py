"""Airports, seaports and border gates as places ("sân bay Nội Bài", "cảng Cát Lái", "cửa khẩu Hoa Lư").

The press often names the place of a seizure by the airport, port or border gate where it
happened, and no commune: customs at "sân bay quốc tế Tân Sơn Nhất", border guards at "cửa
khẩu Lao Bảo". The names are in ``data/landmarks.json`` (one table: kind word -> name -> the
province before the 2025 merger); the province of the report's date comes from the same
resolver as every other name. A name is read only after its kind word, and then it wins over
a commune or district of the same name elsewhere ("cửa khẩu Kim Thành" is in Lào Cai, not
the Kim Thành district of Hải Dương). Written with or without diacritics.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from streams.extraction.places import PlaceMention

_PATH = Path(__file__).with_name("data") / "landmarks.json"
_KIND_WORDS = {"sân bay": ("sân bay", "cảng hàng không"), "cảng": ("cảng",), "cửa khẩu": ("cửa khẩu",)}
_QUALIFIER = r"(?:\s+(?:quốc tế|quoc te|quốc gia|quoc gia|chính|phụ|biên giới|bien gioi))?"
_GATE = ("bay", "cảng", "cang", "khẩu", "khau", "hàng không", "hang khong")


def _fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
                   if not unicodedata.combining(c))


def _either(s: str) -> str:
    """A regex for ``s`` written with or without diacritics."""
    folded = _fold(s)
    return re.escape(s) if folded == s else f"(?:{re.escape(s)}|{re.escape(folded)})"


@lru_cache(maxsize=1)
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over every kind word and name, and folded lower name -> pre-merger province."""
    data = json.loads(_PATH.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    alternatives = []
    for kind, words in _KIND_WORDS.items():
        entries: dict[str, str] = data[kind]
        names.update({_fold(n).lower(): p for n, p in entries.items()})
        kind_rx = "|".join(_either(w) for w in words)
        name_rx = "|".join(_either(n) for n in sorted(entries, key=len, reverse=True))
        alternatives.append(rf"\b(?:{kind_rx}){_QUALIFIER}\s+(?P<{kind.replace(' ', '_')}>{name_rx})\b")
    return re.compile("|".join(alternatives), re.IGNORECASE), names


def find_landmarks(text: str, on: dt.date | None) -> list[PlaceMention]:
    """The landmarks named in ``text`` (NFC), as place mentions of level 'commune' resolved on ``on``."""
    from streams.extraction.places import PlaceMention, resolve_province

    lower = text.lower()
    if not any(g in lower for g in _GATE):
        return []
    rx, names = _table()
    out: list[PlaceMention] = []
    for m in rx.finditer(text):
        group = next(g for g, v in m.groupdict().items() if v)
        province = resolve_province(names[_fold(m.group(group)).lower()], on)
        if province is not None:
            out.append(PlaceMention(m.start(group), m.end(group), m.group(group), province, "commune", None))
    return out
