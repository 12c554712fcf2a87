"""Unit tests of area keys (streams.areas): provinces, places abroad, regions, countries, unknown."""
from __future__ import annotations

from schemas.events import SeizureEvent
from streams.areas import area_of, area_sort_key, parse_area_key


def ev(**kw: object) -> SeizureEvent:
    return SeizureEvent(kind="aggregate", cases=1, **kw)


def test_area_keys() -> None:
    assert area_of(ev(country="VN", province="Quảng Bình", province_2025="Quảng Trị")).key == "Quảng Trị"
    assert area_of(ev(country="LA", province="Hủa Phăn")).key == "LA:Hủa Phăn"
    assert area_of(ev(country="LA")).key == "country:LA"
    assert area_of(ev(country="LA", area="Bắc Lào")).key == "region:Bắc Lào"
    assert area_of(ev(country="VN")).type == "country"
    assert area_of(ev()).key == "unknown"


def test_keys_round_trip_and_sort_provinces_first_unknown_last() -> None:
    keys = ["unknown", "country:LA", "region:Bắc Lào", "LA:Hủa Phăn", "Sơn La", "An Giang"]
    for k in keys:
        assert parse_area_key(k).key == k
    assert sorted(keys, key=lambda k: area_sort_key(parse_area_key(k))) == [
        "An Giang", "Sơn La", "LA:Hủa Phăn", "region:Bắc Lào", "country:LA", "unknown"]
