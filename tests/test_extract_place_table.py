"""Place of the seizure as an explicit decision (issue 9, family 1): one row per pattern."""
from __future__ import annotations

import datetime as dt

import pytest
from extraction_table import Row, run

from schemas.items import NewsItem
from streams.extraction import extract

ROWS = [
    pytest.param(Row("Ngày 12/3, Bộ đội Biên phòng tỉnh Điện Biên phối hợp với lực lượng chức năng Lào bắt giữ "
                     "Vàng A Sử tại bản Huổi Lả, huyện Mường Khoa, tỉnh Phông Sa Lỳ (Lào), thu giữ 20 bánh heroin.",
                     ["incident Phông Sa Lỳ s=1 heroin:20brick"]), id="foreign-locative-beats-agency"),
    pytest.param(Row("Bộ đội Biên phòng tỉnh Lai Châu cho biết đơn vị vừa phối hợp với Công an tỉnh Luang Namtha "
                     "(Lào) bắt giữ 2 đối tượng, thu 6 bánh heroin.", ["incident - s=2 heroin:6brick"]),
                 id="joint-operation-without-place-is-null"),
    pytest.param(Row("Ngày 3/5, Công an tỉnh Tây Ninh bắt giữ Lê Văn Tư tại bến xe Miền Đông, TP Hồ Chí Minh, sau "
                     "khi Tư nhập cảnh qua cửa khẩu Mộc Bài, thu 2 kg ma túy đá.",
                     ["incident Hồ Chí Minh s=1 meth_crystal:2kg"]), id="entry-point-is-not-the-place"),
    pytest.param(Row("Chiều 5/3, Công an tỉnh Điện Biên phối hợp bắt giữ Lò Văn Sáng tại quận Long Biên, Hà Nội, "
                     "thu 3 kg ma túy đá.", ["incident Hà Nội s=1 meth_crystal:3kg"]), id="bust-in-another-province"),
    pytest.param(Row("Năm 2023, lực lượng chức năng hai tỉnh Sơn La và Điện Biên bắt 320 vụ, thu giữ 12 kg heroin.",
                     ["aggregate - c=320 heroin:12kg"]), id="total-over-two-provinces-is-null"),
    pytest.param(Row("Sáng 8/4, Công an huyện Mộc Châu bắt quả tang Hà Văn Tùng (SN 1992, trú tại xã Tà Xùa, "
                     "huyện Bắc Yên, tỉnh Sơn La) mua 2 bánh heroin ở tỉnh Điện Biên mang về tiêu thụ.",
                     ["incident Sơn La s=1 heroin:2brick"]), id="residence-and-origin-never-place"),
    pytest.param(Row("Ngày 14/5, Công an huyện Kỳ Sơn bắt giữ Xồng Bá Lầu khi đang vận chuyển 4 bánh heroin "
                     "từ Lào về Hà Nội tiêu thụ.", ["incident Nghệ An s=1 heroin:4brick"], title="Nghệ An: Bắt đối "
                     "tượng chở 4 bánh heroin"), id="route-is-not-the-place-headline-prefix-is"),
    pytest.param(Row("Từ đầu năm đến nay, trên địa bàn tỉnh, lực lượng chức năng của Công an tỉnh Lạng Sơn phát "
                     "hiện, bắt giữ 215 vụ, 318 đối tượng phạm tội về ma túy.", ["aggregate Lạng Sơn c=215 s=318"]),
                 id="own-area-anaphora"),
    pytest.param(Row("Năm 2023, lực lượng chức năng trên toàn quốc đã phát hiện, bắt giữ 24.000 vụ, 41.000 đối "
                     "tượng phạm tội về ma túy.", ["aggregate - c=24000 s=41000"]), id="national-figure-is-null"),
    pytest.param(Row("Ngày 9/5, Đồn Biên phòng Na Mèo phối hợp với Công an huyện Quan Sơn (Thanh Hóa) bắt quả tang "
                     "Lò Văn Pánh vận chuyển 1.500 viên hồng phiến.", ["incident Thanh Hóa s=1 meth_pills:1500pill"]),
                 id="district-agency-gives-its-province"),
    pytest.param(Row("Ngày 15/3, Công an Bình Thuận phối hợp với công an hai tỉnh Kon Tum và Quảng Ninh bóc gỡ "
                     "đường dây ma túy, bắt 5 đối tượng, thu 5 kg ma túy đá.", ["incident - s=5 meth_crystal:5kg"]),
                 id="joint-operation-of-three-provinces-is-null"),
    pytest.param(Row("Ngày 20/9, tại xã Lóng Sập, tỉnh Sơn La, Công an bắt quả tang 2 đối tượng, thu 12 bánh "
                     "heroin.", ["incident Sơn La s=2 heroin:12brick"], published="2025-09-22"),
                 id="post-merger-province"),
    pytest.param(Row("Ngày 20/9, tại xã Lũng Cú, Công an tỉnh Tuyên Quang (Hà Giang cũ) bắt quả tang 1 đối tượng, "
                     "thu 3 bánh heroin.", ["incident Tuyên Quang s=1 heroin:3brick"], published="2025-09-22"),
                 id="post-merger-former-province-mention"),
    pytest.param(Row("Ngày 4/12, Hải quan cửa khẩu sân bay quốc tế Tân Sơn Nhất phát hiện một nam hành khách giấu "
                     "2,1 kg ketamine trong hành lý ký gửi.", ["incident Hồ Chí Minh ketamine:2.1kg"],
                     published="2023-12-06"), id="an-airport-names-the-province"),
    pytest.param(Row("Ngày 9/1, tổ công tác kiểm tra một xe tải tại cửa khẩu Kim Thành, bắt giữ tài xế, thu 12.000 "
                     "viên hồng phiến.", ["incident Lào Cai s=1 meth_pills:12000pill"], published="2022-01-11"),
                 id="a-border-gate-wins-over-a-district-of-the-same-name"),
    pytest.param(Row("Ngày 14/5, Đồn Biên phòng cửa khẩu quốc tế Na Mèo phối hợp Công an huyện Viêng Xay, tỉnh Hủa Phăn "
                     "(Lào) bắt quả tang một người vận chuyển 2.000 viên hồng phiến tại bản Phiêng Luông, cách biên "
                     "giới 4 km về phía Lào.", ["incident Hủa Phăn s=1 meth_pills:2000pill"], published="2021-05-16"),
                 id="on-the-partner-side-of-the-border"),
    pytest.param(Row("Ngày 7/11, Công an tỉnh Phú Thọ phối hợp Công an tỉnh Tuyên Quang bắt giữ Hà Văn Luận (SN 1988, "
                     "trú tại huyện Thanh Sơn) tại thôn Khuôn Hà, xã Lăng Can, huyện Lâm Bình (tỉnh Tuyên Quang), thu "
                     "3 bánh heroin.", ["incident Tuyên Quang s=1 heroin:3brick"], published="2023-11-09"),
                 id="a-home-in-parentheses-then-the-seizure-place"),
    pytest.param(Row("Ngày 19/6, Bộ đội Biên phòng tỉnh Đắk Nông phối hợp lực lượng chức năng tỉnh Mondulkiri (Campuchia) bắt giữ "
                     "3 người tại huyện Keo Seima, thu 2 kg ma túy đá.", ["incident Mondulkiri s=3 meth_crystal:2kg"],
                     published="2022-06-21"), id="an-unknown-district-beside-a-foreign-partner-is-abroad"),
    pytest.param(Row("Ngày 3/9, Đồn Biên phòng Tam Hợp phối hợp lực lượng an ninh huyện Khăm Cợt, tỉnh Bô Ly Khăm Xay "
                     "(Lào) bắt giữ ngay trên địa bàn huyện này một người, thu 4 bánh heroin.",
                     ["incident Bô Ly Khăm Xay s=1 heroin:4brick"], published="2024-09-05"),
                 id="this-district-is-the-foreign-force-s"),
    pytest.param(Row("Tối 11/4, tại nút giao cao tốc Pháp Vân – Cầu Giẽ thuộc xã Duy Minh (thị xã Duy Tiên), Công an "
                     "tỉnh Hà Nam bắt Đỗ Văn Tài vận chuyển 5 bánh heroin.", ["incident Hà Nam s=1 heroin:5brick"],
                     published="2024-04-13"), id="an-expressway-names-its-ends"),
    pytest.param(Row("Hai vụ bắt giữ ma túy trong tuần.\n\nTại Quảng Trị, sáng 5/3, tổ công tác bắt Hồ Văn Pả vận chuyển "
                     "3.000 viên hồng phiến.", ["incident Quảng Trị s=1 meth_pills:3000pill"], published="2024-03-07"),
                 id="a-paragraph-opening-on-its-place"),
    pytest.param(Row("Năm 2024, lực lượng Cảnh sát điều tra tội phạm về ma túy Công an các cấp đã bắt giữ 24.310 vụ, "
                     "41.200 đối tượng. Hội nghị tổng kết được tổ chức sáng 10/1 tại Hà Nội.",
                     ["aggregate - c=24310 s=41200"], published="2025-01-10"), id="police-of-every-level-is-national"),
    pytest.param(Row("Theo Bộ Chỉ huy BĐBP tỉnh Thừa Thiên Huế, từ ngày 2/4 đến nay, lực lượng chức năng các tỉnh ven "
                     "biển miền Trung đã thu gom ít nhất 140 bánh cocaine trôi dạt.",
                     ["aggregate - cocaine:140brick~least"], published="2024-05-02"),
                 id="a-source-is-no-force-of-several-provinces"),
    pytest.param(Row("Công an tỉnh Tây Ninh phối hợp Cảnh sát tỉnh Svay Rieng (Campuchia) bắt hai người tại một nhà nghỉ "
                     "ở thị trấn Bavet, sát cửa khẩu Mộc Bài, thu 1,2 kg ma túy đá.",
                     ["incident Svay Rieng s=2 meth_crystal:1.2kg"], published="2023-10-12"),
                 id="next-to-a-border-gate-is-no-place"),
    pytest.param(Row("Tối 3/5, tổ công tác bắt 2 người đang nhận 6 bánh heroin tại ấp Bình Dương, xã Phú "
                     "Hữu, huyện An Phú.", ["incident An Giang s=2 heroin:6brick"], published="2022-05-05"),
                 id="a-hamlet-named-like-a-province"),
    pytest.param(Row("Công an TP Hà Nội vừa phá đường dây vận chuyển ma túy từ khu vực biên giới Cao Bằng về Hà Nội, "
                     "bắt 3 đối tượng tại quận Hoàng Mai, thu 2 kg ma túy đá.", ["incident Hà Nội s=3 meth_crystal:2kg"],
                     published="2022-05-05"), id="from-the-border-area-is-an-origin"),
    pytest.param(Row("Công an tỉnh Yên Bái vừa bắt Giàng A Chứ khi đang vận chuyển 5 bánh heroin qua khu vực rừng "
                     "giáp ranh tỉnh Lào Cai.", ["incident Yên Bái s=1 heroin:5brick"], published="2022-05-05"),
                 id="the-forest-bordering-a-province-is-not-in-it"),
]


@pytest.mark.parametrize("row", ROWS)
def test_place(row: Row) -> None:
    assert run(row) == row.expected


MORE_ROWS = [
    pytest.param(Row("Vào hồi 7 giờ ngày 28/8, tại bản Lách, xã Tén Tằn, Đồn Biên phòng Tén Tằn (Thanh Hóa) bắt quả "
                     "tang Vi Văn Phỏng vận chuyển 4 bánh heroin. Phỏng khai được một người Lào ở huyện Viêng Xay, "
                     "tỉnh Hủa Phăn thuê mang số heroin qua biên giới.", ["incident Thanh Hóa s=1 heroin:4brick"]),
                 id="testimony-places-are-backstory"),
    pytest.param(Row("Lúc 6h ngày 3-4-2013, Cục Điều tra chống buôn lậu cùng Cục Cảnh sát biển Việt Nam triển khai "
                     "bắt giữ tại khu vực Dốc Má (Cao Phong, Hòa Bình), khống chế 5 đối tượng, thu 20 bánh heroin.",
                     ["incident Hòa Bình s=5 heroin:20brick"], published="2013-04-04"),
                 id="national-agency-is-no-foreign-force"),
    pytest.param(Row("Khoảng 19 giờ ngày 3/10, cảnh sát huyện Peam Chor, tỉnh Prey Veng (Campuchia) kiểm tra một "
                     "căn nhà ven sông, bắt quả tang 2 đối tượng, thu 12 kg ma túy đá. Đồn Biên phòng Dinh Bà (Đồng "
                     "Tháp) đã cung cấp thông tin.", ["incident Prey Veng s=2 meth_crystal:12kg"]),
                 id="foreign-police-acting-alone"),
]


@pytest.mark.parametrize("row", MORE_ROWS)
def test_place_more(row: Row) -> None:
    assert run(row) == row.expected


REGION_ROWS = [
    pytest.param("Theo Bộ đội Biên phòng, năm 2024 lực lượng chức năng các tỉnh Bắc Lào đã bắt giữ 45 vụ, 60 đối "
                 "tượng, thu 320 bánh heroin.", ("LA", "Bắc Lào"), id="the-forces-of-a-named-region"),
    pytest.param("Trong 6 tháng đầu năm, lực lượng chức năng các tỉnh Tây Nguyên phát hiện, bắt giữ 210 vụ, 305 đối tượng, thu 12 kg ma túy đá.",
                 ("VN", "Tây Nguyên"), id="a-vietnamese-region"),
]


@pytest.mark.parametrize(("text", "expected"), REGION_ROWS)
def test_a_total_over_a_named_region_is_the_regions(text: str, expected: tuple[str, str]) -> None:
    """The region's area key, not the country of the forces that report it (issue 11: areas that are not provinces)."""
    events = extract(NewsItem(id="row", text=text, published=dt.date(2024, 12, 20)))
    assert [(e.kind, e.province, e.country, e.area) for e in events] == [("aggregate", None, *expected)]
