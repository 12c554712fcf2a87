"""Lookup tables behind ``streams.extraction.places``: built once from vietnamadminunits.

Owns the *data* side of the gazetteer: reading the package's sqlite/json (legacy 63
provinces with districts and communes, the 34 post-2025 provinces with their communes,
the old->new province mapping) and the hand-written foreign list, and turning all names
into one dict keyed by a canonical syllable string. It is read lazily on first use and
never again, so callers pay no I/O per article. No Vietnamese unit is typed in here:
only a few *spelling variants* of province names the press uses (``_VN_ALIASES``).

Entries are small tuples (fast to build, cheap to keep): ``(kind, a, b, c)`` with kind
  "P" VN province name   (legacy_code | None, new_code | None, None)
  "F" foreign province    (country, canonical name, None)
  "C" country             (country, canonical name, None)
  "D" legacy district     (legacy_province_code, district_code, district_type)
  "W" legacy commune      (legacy_province_code, district_code, ward_type)
  "N" post-2025 commune   (new_province_code, None, ward_type)
"""
from __future__ import annotations

import json
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import vietnamadminunits

Entry = tuple[str, str | None, str | None, str | None]

# Old tone placement on the second vowel of a final pair -> the placement the package uses.
_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
# Central-Highlands spellings vary within the official data itself ("Đăk Môn" vs the
# press's "Đắk Môn", "Đắc Lắc"): fold them to one syllable so both sides meet.
_SYLLABLE_VARIANTS = {"đăk": "đắk", "đắc": "đắk", "đăc": "đắk", "đak": "đắk", "đac": "đắk", "lăk": "lắk"}

# Spelling variants of VN province names as the press writes them -> the package's short name.
_VN_ALIASES = {
    "TPHCM": "Hồ Chí Minh", "HCM": "Hồ Chí Minh", "Sài Gòn": "Hồ Chí Minh", "Saigon": "Hồ Chí Minh",
    "Hanoi": "Hà Nội", "Đắc Lắc": "Đắk Lắk", "Daklak": "Đắk Lắk", "Daknong": "Đắk Nông",
    "Bắc Cạn": "Bắc Kạn", "Kontum": "Kon Tum", "Gialai": "Gia Lai",
    "Bà Rịa Vũng Tàu": "Bà Rịa - Vũng Tàu", "BR-VT": "Bà Rịa - Vũng Tàu", "BRVT": "Bà Rịa - Vũng Tàu",
    "Thừa Thiên Huế": "@legacy-only:46", "TT-Huế": "@legacy-only:46",
}
# Official names that differ from the package's short form: the en dash of the
# official spelling (the corpus gold uses it), and Huế's pre-2025-01-01 provincial name.
LEGACY_NAME_OVERRIDES = {"77": "Bà Rịa – Vũng Tàu"}
HUE_CODE = "46"
HUE_OLD_NAME = "Thừa Thiên Huế"

# District names that read as ordinary words or given names: never matched without a prefix.
_FREE_DISTRICT_STOP = {
    "thống nhất", "bình minh", "độc lập", "thanh bình", "tân phú", "phú quý", "hòa bình",
    "kim thành", "tân thành", "an phú", "vĩnh phúc", "bình tân", "tân bình", "phú nhuận",
    "hoài đức", "đức linh", "thanh sơn", "kim sơn", "thanh hà", "thanh ba", "thanh thủy",
    "quang bình", "hồng dân", "tiên du", "yên thế", "đông anh", "tam nông", "ba vì",
    "gia bình", "như thanh", "như xuân", "quế sơn", "phú tân", "phú bình", "thuận thành",
    "an lão", "an nhơn", "bảo lâm", "hải hà", "kim bảng", "minh long", "nam trực",
    # also street names or names of historical figures
    "ngô quyền", "lê chân", "trần văn thời", "hai bà trưng", "hồng bàng", "thanh xuân", "đức thọ",
    "đức trọng", "đức hòa", "hà trung", "thanh chương", "mai sơn", "văn lâm", "thuận nam", "thuận bắc",
    "tuy an", "hoài ân", "la gi", "u minh", "kiến an", "an dương", "an minh", "sông công", "thọ xuân",
    "yên khánh", "văn giang", "quốc oai", "phú quí", "vụ bản", "long đất", "ô môn",
}


def syllable_key(syllable: str) -> str:
    """Canonical lookup form of one syllable: lower case, one tone placement, one Đắk spelling."""
    s = syllable.lower()
    if len(s) >= 2:
        tail = _TONES.get(s[-2:])
        if tail is not None and not (len(s) >= 3 and s[-3] == "q"):
            s = s[:-2] + tail
    return _SYLLABLE_VARIANTS.get(s, s)


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Strip every diacritic (and đ -> d): the key for no-diacritic spellings."""
    s = unicodedata.normalize("NFD", s.lower().replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Key of a whole name: syllables (letters or digits) canonicalised, joined by one space."""
    return " ".join(syllable_key(t) for t in _syllables(name))


def _syllables(name: str) -> list[str]:
    out, cur = [], []
    for ch in unicodedata.normalize("NFC", name):
        if ch.isalnum():
            cur.append(ch)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


@dataclass(slots=True)
class GazetteerIndex:
    """Everything the matcher needs, keyed by ``name_key`` (and ``fold`` of it)."""

    names: dict[str, list[Entry]] = field(default_factory=dict)
    folded: dict[str, list[Entry]] = field(default_factory=dict)
    legacy_names: dict[str, str] = field(default_factory=dict)     # legacy code -> short name
    new_names: dict[str, str] = field(default_factory=dict)        # new code -> short name
    successor: dict[str, str] = field(default_factory=dict)        # legacy code -> new code
    legacy_of_new: dict[str, list[str]] = field(default_factory=dict)
    free_district: dict[str, Entry] = field(default_factory=dict)  # key -> D entry usable without prefix
    max_syllables: int = 1
    # every proper syllable-prefix of every key: the scanner extends a candidate one syllable
    # at a time only while it is still the start of some name, so most words cost one probe.
    prefixes: set[str] = field(default_factory=set)
    pairs: set[str] = field(default_factory=set)  # the first two syllables of every longer key

    def add(self, name: str, entry: Entry, *, joined: bool = False) -> None:
        key = name_key(name)
        if not key:
            return
        bucket = self.names.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)
        fkeys = {fold(key)}
        if joined:  # "Hanoi", "Daklak": one ASCII token for a multi-syllable name
            fkeys.add(fold(key).replace(" ", ""))
        for fk in fkeys:
            fb = self.folded.setdefault(fk, [])
            if entry not in fb:
                fb.append(entry)
        self.max_syllables = max(self.max_syllables, key.count(" ") + 1)
        for k in (key, *fkeys):
            parts = k.split(" ", 2)
            if len(parts) >= 2:
                self.pairs.add(parts[0] + " " + parts[1])
            cut = k.rfind(" ")
            while cut > 0:
                self.prefixes.add(k[:cut])
                cut = k.rfind(" ", 0, cut)


def _bare(short: str) -> str:
    """'Kỳ Anh (Thị xã)' -> 'Kỳ Anh': the package tags same-named units with their type."""
    return short.split(" (", 1)[0] if short.endswith(")") else short


def _package_data() -> Path:
    return Path(vietnamadminunits.__file__).parent / "data"


def build_index(foreign_path: Path) -> GazetteerIndex:
    """Read the package data and the foreign list into a ``GazetteerIndex`` (~0.3 s, once)."""
    idx = GazetteerIndex()
    data = _package_data()
    con = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy_rows = con.execute(
            "SELECT provinceShort, provinceCode, provinceKey, districtShort, districtType, districtCode,"
            " wardShort, wardType FROM admin_units_legacy").fetchall()
        new_rows = con.execute(
            "SELECT provinceShort, provinceCode, provinceKey, wardShort, wardType FROM admin_units").fetchall()
    finally:
        con.close()
    legacy_code_of_key: dict[str, str] = {}
    new_code_of_key: dict[str, str] = {}
    seen_districts: set[str] = set()
    for pshort, pcode, pkey, dshort, dtype, dcode, wshort, wtype in legacy_rows:
        idx.legacy_names[pcode] = pshort
        legacy_code_of_key[pkey] = pcode
        if dcode not in seen_districts:  # one row per ward: add each district once
            seen_districts.add(dcode)
            idx.add(_bare(dshort), ("D", pcode, dcode, dtype))
        if wshort:
            idx.add(_bare(wshort), ("W", pcode, dcode, wtype))
    for pshort, pcode, pkey, wshort, wtype in new_rows:
        idx.new_names[pcode] = pshort
        new_code_of_key[pkey] = pcode
        if wshort:
            idx.add(_bare(wshort), ("N", pcode, None, wtype))
    with open(data / "converter_2025.json", encoding="utf-8") as fh:
        mapping = json.load(fh)["DICT_PROVINCE"]
    for new_key, legacy_keys in mapping.items():
        ncode = new_code_of_key[new_key]
        for lk in legacy_keys:
            idx.successor[legacy_code_of_key[lk]] = ncode
            idx.legacy_of_new.setdefault(ncode, []).append(legacy_code_of_key[lk])
    missing = set(idx.legacy_names) - set(idx.successor)
    if missing:  # a data change we do not understand: fail loudly at load, not silently per article
        raise RuntimeError(f"vietnamadminunits: legacy provinces without successor: {sorted(missing)}")

    # Province-level names: one "P" entry per name, carrying the legacy and/or new code.
    pcodes: dict[str, list[str | None]] = {}
    for code, short in idx.legacy_names.items():
        pcodes.setdefault(short, [None, None])[0] = code
    for code, short in idx.new_names.items():
        pcodes.setdefault(short, [None, None])[1] = code
    for short, (lcode, ncode) in pcodes.items():
        idx.add(short, ("P", lcode, ncode, None), joined=True)
    for alias, target in _VN_ALIASES.items():
        if target.startswith("@legacy-only:"):
            entry: Entry = ("P", target.split(":", 1)[1], None, None)
        else:
            lcode, ncode = pcodes[target]
            entry = ("P", lcode, ncode, None)
        idx.add(alias, entry, joined=True)

    with open(foreign_path, encoding="utf-8") as fh:
        foreign = json.load(fh)
    for kind, section in (("C", "countries"), ("F", "provinces")):
        for item in foreign[section]:
            entry = (kind, item["country"], item["name"], None)
            for spelling in [item["name"], *item.get("variants", [])]:
                idx.add(spelling, entry, joined=True)

    _mark_free_districts(idx)
    return idx


def _mark_free_districts(idx: GazetteerIndex) -> None:
    """Districts safe to match with no prefix: one district country-wide, >= 2 syllables,
    not a province/foreign name, not an ordinary word, and every post-2025 commune sharing
    the name lies in the same province (2026 reports name new communes bare; a bare name
    that is also a pre-2025 *commune* elsewhere is still read as the district, which is
    what the press means: communes are written with their 'xã'/'phường')."""
    for key, entries in idx.names.items():
        if " " not in key or key in _FREE_DISTRICT_STOP:
            continue
        districts = [e for e in entries if e[0] == "D"]
        if len(districts) != 1 or any(e[0] in "PFC" for e in entries):
            continue
        homes = {idx.successor[e[1]] if e[0] == "D" else e[1] for e in entries if e[0] in "DN"}
        if len(homes) == 1:
            idx.free_district[key] = districts[0]
