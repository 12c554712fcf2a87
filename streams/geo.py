"""Province coordinates for the dashboard's map, from the gazetteer package (vietnamadminunits).

The package ships a latitude and longitude for every province of the post-July-2025 map
(34) and of the earlier one (63); the tables are keyed by post-2025 names, but a name from
before the merger can still appear (an area the extractor could not map), so both are
listed, the current ones flagged. Foreign areas (Lao, Cambodian, Chinese border
provinces, regions) have no coordinates here: the dashboard shows them apart, as a list.
Pure and cached; no faust.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

SOURCE = "vietnamadminunits (parser_from_2025.json and parser_legacy.json: provinceShort, provinceLat, provinceLon)"


def _provinces(filename: str) -> list[dict]:
    text = resources.files("vietnamadminunits").joinpath("data", filename).read_text(encoding="utf-8")
    return list(json.loads(text)["DICT_PROVINCE"].values())


@lru_cache(maxsize=1)
def places() -> list[dict]:
    """``[{name, code, lat, lon, country, current}]``: post-2025 provinces first, then the older ones not among them."""
    out: dict[str, dict] = {}
    for filename, current in (("parser_from_2025.json", True), ("parser_legacy.json", False)):
        for p in _provinces(filename):
            name = p["provinceShort"]
            if name not in out:
                out[name] = {"name": name, "code": p.get("provinceCode"), "lat": float(p["provinceLat"]),
                             "lon": float(p["provinceLon"]), "country": "VN", "current": current}
    return list(out.values())
