"""Pure: the area an event is counted under — a province, a foreign province, a country or a region.

Keys (strings; they key Kafka messages, table rows and URLs):

=====================  ==========================  =========================================
type                   key                         when
=====================  ==========================  =========================================
``province``           ``Sơn La``                  a Vietnamese place: the post-2025 province
                                                   (``province_2025``), else the province as named
``foreign_province``   ``LA:Hủa Phăn``             a province abroad (country code + name)
``region``             ``region:Bắc Lào``          a named region (``SeizureEvent.area``)
``country``            ``country:LA``              a country with no province (a national review)
``unknown``            ``unknown``                 the text names no place at all
=====================  ==========================  =========================================

The province key keeps the name the API always used, so ``/api/provinces`` stays
compatible; every other key carries a prefix, so it can never be taken for a province and
never sorts among them. ``unknown`` is reserved for events with neither a country nor a
province nor a region. No faust, no Kafka.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from schemas.events import SeizureEvent

AreaType = Literal["province", "foreign_province", "region", "country", "unknown"]
UNKNOWN = "unknown"
COUNTRY_NAMES = {"VN": "Việt Nam", "LA": "Lào", "KH": "Campuchia", "CN": "Trung Quốc", "MM": "Myanmar",
                 "TH": "Thái Lan"}
AREA_TYPES: tuple[AreaType, ...] = ("province", "foreign_province", "region", "country", "unknown")


@dataclass(frozen=True)
class Area:
    key: str
    type: AreaType
    name: str
    country: str | None = None

    @property
    def is_province(self) -> bool:
        return self.type == "province"

    def to_json(self) -> dict:
        return {"key": self.key, "type": self.type, "name": self.name, "country": self.country}


def area_of(event: SeizureEvent) -> Area:
    """The area ``event`` counts under (see the module docstring for the order of the rules)."""
    country = event.country
    if event.area:
        return Area(f"region:{event.area}", "region", event.area, country)
    if country in (None, "VN") and (event.province_2025 or event.province):
        name = event.province_2025 or event.province or ""
        return Area(name, "province", name, "VN")
    if event.province:
        return Area(f"{country}:{event.province}", "foreign_province", event.province, country)
    if country:
        return Area(f"country:{country}", "country", COUNTRY_NAMES.get(country, country), country)
    return Area(UNKNOWN, "unknown", UNKNOWN, None)


def parse_area_key(key: str) -> Area:
    """The inverse of ``area_of(...).key`` (for rows and views that only hold the key)."""
    if key == UNKNOWN:
        return Area(UNKNOWN, "unknown", UNKNOWN, None)
    prefix, sep, rest = key.partition(":")
    if sep and prefix == "region":
        return Area(key, "region", rest)
    if sep and prefix == "country":
        return Area(key, "country", COUNTRY_NAMES.get(rest, rest), rest)
    if sep and len(prefix) == 2 and prefix.isupper():
        return Area(key, "foreign_province", rest, prefix)
    return Area(key, "province", key, "VN")


def area_sort_key(area: Area) -> tuple[int, str]:
    """Provinces first (by name), then foreign provinces, regions, countries; ``unknown`` last."""
    return AREA_TYPES.index(area.type), area.name
