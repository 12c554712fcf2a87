"""The extractor on short reports written for these tests: one pattern family per test.

Each text is new (not from the corpus), in the phrasing habits of Vietnamese press
reports, so these tests check rules rather than memorised answers.
"""
from __future__ import annotations

import datetime as dt

import pytest

from schemas.items import NewsItem
from streams.extraction import extract


def run(text: str, published: str | None = "2024-05-20", title: str | None = None):
    return extract(NewsItem(id="t", text=text, title=title,
                            published=dt.date.fromisoformat(published) if published else None))


def seizures(events) -> set[tuple[str, float, str, str]]:
    return {(s.drug, s.quantity, s.unit, s.qualifier) for e in events for s in e.seizures}


# --------------------------------------------------------------- numbers and units

def test_decimal_comma_and_thousand_dots_in_one_bust() -> None:
    events = run("Chiều 18/5, Công an tỉnh Nghệ An bắt quả tang Lô Văn Tình (SN 1990) vận chuyển 1.250 viên "
                 "hồng phiến và 0,75kg ma túy đá.")
    assert seizures(events) == {("meth_pills", 1250, "pill", "exact"), ("meth_crystal", 0.75, "kg", "exact")}


def test_pill_count_with_comma_is_thousands_but_grams_keep_decimals() -> None:
    events = run("Ngày 2/5, Đồn Biên phòng Na Mèo (Bộ đội Biên phòng tỉnh Thanh Hóa) bắt giữ một đối tượng, "
                 "thu 12,500 viên ma túy tổng hợp và 1,892 gram heroin.")
    assert seizures(events) == {("synthetic_pills", 12500, "pill", "exact"), ("heroin", 1.892, "g", "exact")}


def test_scale_words_and_hedges() -> None:
    events = run("Trong năm 2023, lực lượng chức năng tỉnh Điện Biên đã phát hiện, bắt giữ 612 vụ, 830 đối tượng; "
                 "thu giữ gần 300 nghìn viên ma túy tổng hợp, khoảng 1,2 tấn thuốc phiện và ít nhất 45 kg "
                 "heroin.")
    assert seizures(events) == {("synthetic_pills", 300000, "pill", "nearly"), ("opium", 1200, "kg", "about"),
                                ("heroin", 45, "kg", "at_least")}


def test_units_bricks_packages_doses() -> None:
    events = run("Sáng 3/5, Công an huyện Kỳ Sơn (Nghệ An) bắt quả tang Vi Văn Hùng (SN 1988) mang 05 bánh "
                 "heroin, 12 túi ma túy đá và 30 tép heroin.")
    assert seizures(events) == {("heroin", 5, "brick", "exact"), ("meth_crystal", 12, "package", "exact"),
                                ("heroin", 30, "dose", "exact")}


# --------------------------------------------------------------- drugs and spellings

@pytest.mark.parametrize(("written", "drug"), [
    ("hê-rô-in", "heroin"), ("hêrôin", "heroin"), ("Heroin", "heroin"), ("nhựa thuốc phiện", "opium"),
    ("ma tuý đá", "meth_crystal"), ("ma túy tổng hợp dạng đá", "meth_crystal"), ("cần sa", "cannabis"),
    ("ketamin", "ketamine"), ("ma túy dạng khay", "ketamine"), ("cocaine", "cocaine"), ("MDMA", "ecstasy"),
    ("ma túy các loại", "unspecified"),
])
def test_drug_spellings(written: str, drug: str) -> None:
    events = run(f"Tối 10/5, Công an tỉnh Hà Tĩnh bắt quả tang Trần Văn Nam (SN 1995) cất giấu 2,5 kg {written}.")
    assert seizures(events) == {(drug, 2.5, "kg", "exact")}


def test_pills_of_named_drugs() -> None:
    events = run("Ngày 9/5, Công an tỉnh Kon Tum bắt giữ Y Thắng (25 tuổi) cùng 300 viên thuốc lắc và "
                 "40 viên ma túy tổng hợp.")
    assert seizures(events) == {("ecstasy", 300, "pill", "exact"), ("synthetic_pills", 40, "pill", "exact")}


# --------------------------------------------------------------- counts

def test_slash_and_comma_pairs_of_cases_and_suspects() -> None:
    events = run("Từ đầu năm đến nay, Công an tỉnh Yên Bái đã phát hiện, bắt giữ 215 vụ/318 đối tượng phạm tội "
                 "về ma túy, phá 12 chuyên án.")
    assert len(events) == 1
    e = events[0]
    assert (e.kind, e.cases, e.suspects, e.operations) == ("aggregate", 215, 318, 12)
    assert (e.period_start, e.period_end) == (dt.date(2024, 1, 1), dt.date(2024, 5, 20))


def test_number_words_for_people_and_operations() -> None:
    events = run("Công an tỉnh Lai Châu vừa phá thành công một chuyên án, bắt quả tang hai đối tượng vận "
                 "chuyển 6 bánh heroin.")
    assert len(events) == 1
    assert (events[0].suspects, events[0].operations) == (2, 1)


def test_named_arrested_people_are_counted() -> None:
    events = run("Khoảng 21 giờ ngày 14/5, tại bản Huổi Lóng, xã Chiềng Sơn, Công an tỉnh Sơn La bắt quả tang "
                 "Mùa A Dế (SN 1992) và Sồng A Lử (SN 1989) đang vận chuyển 8 bánh heroin. Tổ công tác triệu tập "
                 "Vàng Văn Chư (SN 1970) để làm rõ.")
    assert events[0].suspects == 2


# --------------------------------------------------------------- traps

def test_birth_years_ages_money_and_bullets_are_not_figures() -> None:
    events = run("Chiều 11/5, Công an tỉnh Hà Tĩnh bắt quả tang Nguyễn Văn Ba (SN 1990, 34 tuổi) mang 3 bánh "
                 "heroin, 1 khẩu súng, 16 viên đạn và 25 triệu đồng; giá mỗi bánh 150 triệu đồng/01 bánh.")
    assert seizures(events) == {("heroin", 3, "brick", "exact")}
    assert events[0].suspects == 1


def test_meetings_awards_and_documents_give_no_event() -> None:
    assert run("Ngày 15/5, Ban Chỉ đạo tỉnh Nghệ An tổng kết Kế hoạch 1250 và Chỉ thị 36; tặng Bằng khen cho "
               "12 tập thể, 25 cá nhân có thành tích trong phòng, chống ma túy. Hội nghị có 200 người tham dự.") == []


def test_year_on_year_deltas_and_breakdowns_are_dropped() -> None:
    events = run("Trong năm 2023, Công an tỉnh Thanh Hóa đã bắt giữ 540 vụ, 790 đối tượng phạm tội về ma túy, "
                 "tăng 25 vụ so với cùng kỳ. Trong đó, 480 vụ với 700 bị can đã bị khởi tố.")
    assert [(e.cases, e.suspects) for e in events] == [(540, 790)]


def test_rehab_and_drug_tests_are_not_arrests() -> None:
    assert run("Sáng 12/5, Công an tỉnh Nghệ An tổ chức xét nghiệm cho 300 công nhân, phát hiện 5 người dương "
               "tính với ma túy; 40 học viên cai nghiện được đưa về cơ sở.") == []


def test_sum_of_busts_told_is_not_an_extra_event() -> None:
    events = run("Trong hai ngày, Công an tỉnh Điện Biên liên tiếp bắt giữ hai vụ vận chuyển ma túy.\n\n"
                 "Vụ thứ nhất, sáng 5/5, tại xã Mường Nhé, tổ công tác bắt quả tang Lò Văn Hải (SN 1980) mang "
                 "2 bánh heroin.\n\nVụ thứ hai, chiều 6/5, Công an huyện Tuần Giáo bắt giữ Quàng Văn Xôm (SN 1975) "
                 "cùng 1,5 kg thuốc phiện.")
    assert [e.kind for e in events] == ["incident", "incident"]
    assert [seizures([e]) for e in events] == [{("heroin", 2, "brick", "exact")}, {("opium", 1.5, "kg", "exact")}]


def test_stated_total_replaces_its_parts() -> None:
    events = run("Ngày 7/5, Công an tỉnh Lạng Sơn bắt quả tang Hoàng Thị Mai (SN 1984) cất giấu 20 gói heroin; "
                 "khám xét nơi ở thu thêm 35 gói. Tổng cộng, lực lượng chức năng thu giữ 55 gói heroin.")
    assert seizures(events) == {("heroin", 55, "package", "exact")}


def test_weight_of_a_lot_goes_to_its_drug() -> None:
    events = run("Sáng 16/5, Công an tỉnh Quảng Trị bắt giữ Hồ Văn Lâm (SN 1991) chở 30 bánh heroin nặng gần "
                 "10,5 kg cùng 4 kg ma túy đá.")
    assert seizures(events) == {("heroin", 30, "brick", "exact"), ("heroin", 10.5, "kg", "nearly"),
                                ("meth_crystal", 4, "kg", "exact")}


# --------------------------------------------------------------- dates and kinds

def test_incident_date_takes_the_year_of_publication() -> None:
    events = run("Ngày 19/5, Công an tỉnh Hà Giang cho biết, lúc 22 giờ ngày 17/5 đã bắt quả tang Sùng Mí Dế "
                 "(SN 1993) vận chuyển 4 bánh heroin.", published="2024-05-20")
    assert events[0].date == dt.date(2024, 5, 17)


def test_date_from_last_december_in_a_january_report() -> None:
    events = run("Tối 30/12, Công an tỉnh Cao Bằng bắt quả tang Nông Văn Tú (SN 1987) mang 2 bánh heroin.",
                 published="2024-01-03")
    assert events[0].date == dt.date(2023, 12, 30)


def test_incident_and_aggregate_in_one_text() -> None:
    events = run("Sáng 18/5, Công an tỉnh Yên Bái bắt quả tang Giàng A Tủa (SN 1985) mang 3 bánh heroin.\n\n"
                 "Từ đầu năm 2024 đến nay, Công an tỉnh đã phát hiện 88 vụ, bắt 120 đối tượng, thu 9 kg heroin.")
    assert [e.kind for e in events] == ["incident", "aggregate"]
    assert events[1].period_start == dt.date(2024, 1, 1)
    assert (events[1].cases, events[1].suspects) == (88, 120)


@pytest.mark.parametrize(("phrase", "start", "end"), [
    ("Năm 2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ("Giai đoạn 2019 – 2021", dt.date(2019, 1, 1), dt.date(2021, 12, 31)),
    ("6 tháng đầu năm", dt.date(2024, 1, 1), dt.date(2024, 6, 30)),  # the half year, not the publication day
    ("Quý I/2024", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
    ("Từ tháng 3 đến hết tháng 4", dt.date(2024, 3, 1), dt.date(2024, 4, 30)),
    ("Trong tháng 4", dt.date(2024, 4, 1), dt.date(2024, 4, 30)),
    ("Sau 5 năm (2018-2023)", dt.date(2018, 1, 1), dt.date(2023, 12, 31)),
])
def test_periods(phrase: str, start: dt.date, end: dt.date) -> None:
    events = run(f"{phrase}, Công an tỉnh Hà Tĩnh đã bắt giữ 150 vụ, 210 đối tượng phạm tội về ma túy.")
    assert (events[0].kind, events[0].period_start, events[0].period_end) == ("aggregate", start, end)


def test_empty_of_figures_and_non_vietnamese_text() -> None:
    assert run("The police seized drugs yesterday in a big operation.") == []
    assert run("Hôm nay trời nắng đẹp.") == []


# --------------------------------------------------------------- places

def test_place_of_seizure_not_residence() -> None:
    events = run("Chiều 12/5, tại xã Tân Mỹ, huyện Văn Lãng, Công an tỉnh Lạng Sơn bắt quả tang Phạm Văn Đức "
                 "(SN 1989, trú tại phường Hồng Hải, TP Hạ Long, tỉnh Quảng Ninh) vận chuyển 6 bánh heroin.")
    assert events[0].province == "Lạng Sơn"


def test_city_variants_resolve_to_official_names() -> None:
    for written in ("TP.HCM", "TP HCM", "TPHCM", "Sài Gòn"):
        events = run(f"Ngày 3/5, Công an {written} bắt quả tang Lê Văn Tâm (SN 1990) cất giấu 500 viên thuốc lắc.")
        assert events[0].province == "Hồ Chí Minh", written


def test_pre_merger_province_keeps_its_name_and_maps_to_its_successor() -> None:
    events = run("Ngày 8/3, Công an tỉnh Quảng Bình bắt quả tang Hồ Văn Khai (SN 1985) vận chuyển 10 bánh heroin "
                 "qua huyện Minh Hóa.", published="2022-03-10")
    e = events[0]
    assert (e.province, e.province_2025, e.country) == ("Quảng Bình", "Quảng Trị", "VN")
    assert e.province_code and e.province_code.isdigit()  # official codes of both eras
    assert e.province_2025_code and e.province_2025_code.isdigit()


def test_seizure_in_laos_is_placed_in_laos() -> None:
    events = run("Ngày 10/5, Bộ đội Biên phòng tỉnh Điện Biên phối hợp Công an tỉnh Phông Sa Lỳ (Lào) bắt giữ "
                 "hai đối tượng tại bản Na Hắm, huyện Mường Mày, tỉnh Phông Sa Lỳ, thu 20.000 viên ma túy tổng hợp.")
    assert (events[0].country, events[0].province) == ("LA", "Phông Sa Lỳ")


def test_evidence_spans_point_into_the_text() -> None:
    text = ("Chiều 14/5, Công an tỉnh Sơn La bắt quả tang Lò Văn Pọm (SN 1980) vận chuyển 85,27kg Heroin "
            "và hơn 1.000 viên hồng phiến.")
    event = run(text)[0]
    assert [text[s.evidence.start:s.evidence.end] for s in event.seizures] == ["85,27kg Heroin",
                                                                              "hơn 1.000 viên hồng phiến"]
    assert text[event.evidence["province"].start:event.evidence["province"].end] == "Sơn La"
    assert text[event.evidence["date"].start:event.evidence["date"].end] == "14/5"


def test_lunar_new_year_dates() -> None:
    events = run("Chiều mùng 4 Tết, Công an tỉnh Điện Biên bắt quả tang Giàng A Sùng (SN 1988) vận chuyển 4 bánh "
                 "heroin.", published="2025-02-03")
    assert events[0].date == dt.date(2025, 2, 1)  # Tết Ất Tỵ fell on 29 January 2025
    events = run("Đêm 30 Tết, Công an tỉnh Lai Châu bắt giữ Lò Văn Sinh (SN 1990) cùng 2 bánh heroin.",
                 published="2024-02-12")
    assert events[0].date == dt.date(2024, 2, 9)  # the eve of Tết Giáp Thìn (10 February 2024)
