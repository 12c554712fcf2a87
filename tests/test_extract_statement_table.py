"""Statements: restatements merge, two busts stay two, sums of busts are not events (issue 9, families 2, 3)."""
from __future__ import annotations

import pytest
from extraction_table import Row, run

ROWS = [
    pytest.param(Row("Trong ngày 6/9, Công an Quận 8 và Công an TP Thủ Đức liên tiếp bắt giữ 5 đối tượng, thu hơn "
                     "1,3 kg ketamine.\n\nKhoảng 15h ngày 6/9, Công an Quận 8 kiểm tra một căn hộ, bắt giữ 3 đối "
                     "tượng, thu 1,2 kg ketamine.\n\nCùng ngày, tại TP Thủ Đức, Công an phường Linh Trung bắt giữ 2 "
                     "đối tượng, thu 150 gam ketamine.\n\nTổng cộng, qua hai vụ, lực lượng công an đã bắt giữ 5 đối "
                     "tượng, thu giữ hơn 1,3 kg ketamine.",
                     ["incident Hồ Chí Minh s=3 ketamine:1.2kg", "incident Hồ Chí Minh s=2 ketamine:150g"],
                     title="TP.HCM: Triệt phá hai điểm mua bán ma túy"),
                 id="lead-and-recap-sum-two-busts"),
    pytest.param(Row("Khoảng 15h ngày 11/3, Công an TP Nam Định bắt quả tang Trần Văn Mạnh tàng trữ 4 gói heroin. "
                     "Trước đó, tối 9/3, Công an huyện Giao Thủy bắt quả tang Đặng Văn Khiêm tàng trữ nửa kg cần sa.",
                     ["incident Nam Định s=1 heroin:4package", "incident Nam Định s=1 cannabis:0.5kg"],
                     published="2024-03-12"),
                 id="an-earlier-bust-is-another-bust"),
    pytest.param(Row("Công an quận Lê Chân (TP Hải Phòng) ngày 15/3 cho biết đã bắt quả tang Lê Thị Hoa về hành vi "
                     "tàng trữ trái phép chất ma túy.\n\nTrước đó, chiều 13/3, tổ công tác kiểm tra nhà Hoa, phát hiện "
                     "25 gói heroin.", ["incident Hải Phòng s=1 heroin:25package"], published="2024-03-15"),
                 id="the-report-of-the-day-then-the-bust"),
    pytest.param(Row("Hai thanh niên bị bắt cùng hơn 2 kg ma túy đá giấu trong hộp trà.\n\nNgày 11/8, Công an tỉnh "
                     "Hà Nam cho biết đã tạm giữ hình sự Trịnh Văn Tuấn và Lê Văn Sơn.\n\nTrước đó, sáng 9/8, tổ công "
                     "tác kiểm tra hai người tại TP Phủ Lý, phát hiện trong hộp trà 2,06 kg ma túy đá. Khám xét nơi ở "
                     "của Tuấn, công an thu thêm 12 gam ketamine.",
                     ["incident Hà Nam s=2 meth_crystal:2.06kg ketamine:12g"], published="2024-08-12"),
                 id="the-lead-and-the-report-of-the-day-then-the-bust-with-more"),
    pytest.param(Row("Công an tỉnh Yên Bái vừa phá chuyên án 315Y, bắt 3 đối tượng, thu 4 bánh heroin và 250 gam ma túy "
                     "đá.\n\nRạng sáng 2/10, tại xã Mậu A, huyện Văn Yên, tổ công tác bắt quả tang Giàng A Dế và Vàng "
                     "A Chư đang giao 3 bánh heroin.\n\nMở rộng điều tra, ngày 4/10, công an khám xét nhà Dế, thu thêm "
                     "1 bánh heroin và 90 gam ma túy đá.\n\nTừ lời khai của Dế, ngày 6/10, ban chuyên án bắt Hà Văn "
                     "Nghĩa tại xã Mậu A, thu 160 gam ma túy đá.",
                     ["incident Yên Bái s=3 heroin:4brick meth_crystal:250g"], published="2024-10-08"),
                 id="an-operation-told-on-over-days-is-one-bust-with-the-lead-totals"),
    pytest.param(Row("Công an tỉnh Lai Châu phối hợp Công an TP Hà Nội phá đường dây, thu 7 bánh heroin.\n\nNgày "
                     "12/4, tại thị trấn Tam Đường, tổ công tác bắt Lò Văn Phong đang cất 2 bánh heroin.\n\nTừ lời khai "
                     "của Phong, ngày 15/4, tại quận Hoàng Mai, Hà Nội, ban chuyên án bắt Ngô Đức Hưng đang nhận 5 "
                     "bánh heroin.", ["incident Lai Châu s=1 heroin:2brick", "incident Hà Nội s=1 heroin:5brick"],
                     published="2024-04-17"),
                 id="an-extension-in-another-province-is-another-bust"),
    pytest.param(Row("Công an tỉnh Bình Thuận bắt 2 đối tượng, thu 1,6 kg ma túy đá và 500 viên thuốc lắc.\n\nTối "
                     "20/5, tại phường Phú Thủy, TP Phan Thiết, công an bắt quả tang Võ Văn Lành cất 1,5 kg ma túy "
                     "đá trong cốp xe.\n\nNgày 21/5, khám xét nơi ở của Lành, công an thu thêm 100 gam ma túy đá và "
                     "500 viên thuốc lắc.", ["incident Bình Thuận s=2 meth_crystal:1.6kg ecstasy:500pill"],
                     published="2024-05-23"),
                 id="a-lead-total-over-parts-in-kg-and-g"),
    pytest.param(Row("Công an tỉnh Thanh Hóa bắt 3 đối tượng, thu 9 bánh heroin.\n\nTối 2/6, tại xã Trung Lý, tổ công tác "
                     "bắt Giàng A Sềnh cất giữ 9 bánh heroin.\n\nNgày 4/6, tại thị xã Bỉm Sơn, trinh sát bắt tiếp Lê Văn "
                     "Hùng (SN 1985) và Lê Thị Hà (SN 1990), những người nhận hàng của Sềnh.",
                     ["incident Thanh Hóa s=3 heroin:9brick"], published="2024-06-06"),
                 id="more-arrests-of-the-same-operation"),
    pytest.param(Row("Trong ngày 3/10, công an hai tỉnh bắt giữ 2 đối tượng.\n\nTại Sơn La, sáng 3/10, tổ công tác bắt "
                     "Lò Văn Hải (SN 1990) tàng trữ 1 bánh heroin.\n\nTại Điện Biên, khoảng 20h cùng ngày, tổ công tác "
                     "bắt Quàng Văn Sướng (SN 1987) vận chuyển 2.000 viên hồng phiến.",
                     ["incident Sơn La s=1 heroin:1brick", "incident Điện Biên s=1 meth_pills:2000pill"],
                     published="2024-10-05"), id="a-paragraph-opening-in-another-province-is-another-bust"),
    pytest.param(Row("Năm 2024, Công an tỉnh Sơn La phá 40 chuyên án, bắt 812 đối tượng phạm tội về ma túy. Trong số "
                     "chuyên án đã phá, Phòng PC04 chủ trì 12 chuyên án, bắt 130 đối tượng.",
                     ["aggregate Sơn La s=812 o=40"], published="2025-01-05"), id="a-split-among-the-operations"),
    pytest.param(Row("Năm 2025, lực lượng chức năng tỉnh Lào Cai bắt giữ 980 vụ, 1.410 đối tượng phạm tội về ma túy. "
                     "Riêng trên địa bàn các xã thuộc tỉnh Yên Bái cũ, lực lượng chức năng bắt 402 vụ, 566 đối tượng.",
                     ["aggregate Lào Cai c=980 s=1410"], published="2025-12-20"), id="a-share-of-the-merged-province"),
    pytest.param(Row("Chỉ trong ngày 14.3, công an hai địa phương bắt giữ 2 vụ, thu gần 5 kg ma túy đá.\n\nSáng "
                     "14.3, Công an tỉnh Long An bắt Phan Văn Lực tại xã Mỹ Yên, thu 3,1 kg ma túy đá.\n\nCùng ngày, "
                     "tại tỉnh Tiền Giang, công an bắt Mai Thị Lan, thu 1,7 kg ma túy đá.",
                     ["incident Long An s=1 meth_crystal:3.1kg", "incident Tiền Giang s=1 meth_crystal:1.7kg"],
                     published="2024-03-16"),
                 id="a-day-total-of-the-busts-told-without-a-sum-word"),
    pytest.param(Row("6 tháng đầu năm 2023, lực lượng chức năng tỉnh Sơn La bắt giữ 412 vụ, 530 đối tượng phạm tội về ma túy. Ban chỉ "
                     "đạo yêu cầu phấn đấu cả năm bắt giữ trên 800 vụ, triệt phá 15 đường dây.",
                     ["aggregate Sơn La c=412 s=530"], published="2023-07-10"),
                 id="a-target-is-no-result"),
]


@pytest.mark.parametrize("row", ROWS)
def test_statements(row: Row) -> None:
    assert run(row) == row.expected


PEOPLE = [
    pytest.param(Row("Ngày 3/4, Đồn Biên phòng Chiềng Khương bắt quả tang Lò Văn Hặc (SN 1995) vận chuyển 2 bánh heroin. "
                     "Đối tượng bỏ trốn được xác định là Cầm Văn Puốn (SN 1992), hiện đang bị truy bắt.",
                     ["incident - s=1 heroin:2brick"]), id="someone-who-fled-is-not-a-suspect"),
    pytest.param(Row("Ngày 5/6, lực lượng chức năng phát hiện 52 kg ma túy đá trên xe. Trên xe có 3 đối tượng gồm 2 "
                     "người Campuchia và Trương Văn Bé. Cả ba đã bị bắt giữ.", ["incident - s=3 meth_crystal:52kg"]),
                 id="all-of-them-were-caught"),
    pytest.param(Row("Chiều 8/5, Công an TP Cần Thơ bắt quả tang Tuấn và Nga đang mua bán 12 gói heroin.",
                     ["incident Cần Thơ s=2 heroin:12package"]), id="two-given-names"),
    pytest.param(Row("Tối 2/3, qua máy soi, hải quan phát hiện trong vali của hành khách Đặng Minh Khoa, 27 tuổi, có "
                     "1,8 kg cocaine. Khoa đã được bàn giao cho Phòng PC04 để điều tra.",
                     ["incident - s=1 cocaine:1.8kg"]), id="a-traveller-handed-to-the-investigators"),
    pytest.param(Row("Sáng 17/9, tổ công tác dừng một xe máy chở 3 bánh heroin. Người cầm lái bị khống chế tại chỗ, "
                     "khai tên là Thào A Dình.", ["incident - s=1 heroin:3brick"]), id="the-rider-subdued-on-the-spot"),
    pytest.param(Row("Sáng 6/2, tổ công tác kiểm tra một người đàn ông đi bộ qua đường mòn, phát hiện trong túi xách "
                     "1,5 kg ma túy đá. Đối tượng khai tên là Vi Văn Quyết (SN 1991).", ["incident - s=1 meth_crystal:1.5kg"]),
                 id="the-one-stopped-gives-his-name"),
    pytest.param(Row("Ngày 21/10, hải quan phát hiện một nữ hành khách mang 900 gam cocaine. Hành khách này đã bị tạm "
                     "giữ để điều tra.", ["incident - s=1 cocaine:900g"]), id="this-passenger-was-held"),
    pytest.param(Row("Chiều 14/5, Công an xã Mường Bú bắt quả tang hai vợ chồng đang bán 30 tép heroin cho người nghiện.",
                     ["incident Sơn La s=2 heroin:30dose"]), id="a-couple-is-two"),
    pytest.param(Row("Ngày 9/3, soi chiếu lô hàng bánh kẹo, hải quan phát hiện 2.500 viên thuốc lắc giấu trong các hộp "
                     "kẹo; chủ hàng đã bị tạm giữ.", ["incident - s=1 ecstasy:2500pill"]), id="the-owner-of-the-goods-was-held"),
    pytest.param(Row("Chiều 2/7, công an bắt quả tang Y Krông (SN 1999) tàng trữ 20 gói heroin. Vợ của Y Krông là H Lan "
                     "(24 tuổi) cho biết không biết chồng cất giấu ma túy.", ["incident - s=1 heroin:20package"]),
                 id="a-name-with-a-lone-letter-and-his-wife-a-witness"),
    pytest.param(Row("Tối 30/1, Đồn Biên phòng cửa khẩu Lao Bảo bắt giữ một người Lào vận chuyển 8 bánh heroin. Người "
                     "bị bắt là Sổm Phết (SN 1986).", ["incident Quảng Trị s=1 heroin:8brick"], published="2023-02-01"),
                 id="one-foreigner-caught-then-named"),
    pytest.param(Row("Chiều 9/9, công an bắt quả tang Lò Văn Tiệp (SN 1990) bán 3 tép heroin cho Đinh Văn Hòa (SN 1998, "
                     "trú xã Tân Lập). Hòa được xác định là người nghiện, bị xử phạt hành chính.",
                     ["incident - s=1 heroin:3dose"]), id="a-buyer-fined-is-not-held"),
    pytest.param(Row("Khi công an áp sát, người đi cùng Tiệp là Bàn Văn Sinh (SN 1993, trú xã Tân Lập) đã nhảy qua "
                     "hàng rào bỏ trốn. Tổ công tác bắt quả tang Lò Văn Tiệp (SN 1990) cùng 5 gói heroin.",
                     ["incident - s=1 heroin:5package"]), id="the-one-who-fled-after-his-description"),
    pytest.param(Row("Kiểm tra cốp xe của Lê Văn Khánh (SN 1992) và Trịnh Thị Mai (SN 1996), Công an huyện Đức Hòa "
                     "phát hiện 2 kg ketamine. Khánh và Mai khai mua số ma túy trên ở TP Hồ Chí Minh.",
                     ["incident Long An s=2 ketamine:2kg"], published="2024-05-20"), id="the-owners-described-are-suspects"),
    pytest.param(Row("Ngày 4/5, Đồn Biên phòng cửa khẩu Cầu Treo bắt quả tang 2 công dân Lào vận chuyển 6.000 viên hồng "
                     "phiến.", ["incident Hà Tĩnh s=2 meth_pills:6000pill"], published="2022-05-06"),
                 id="citizens-counted"),
    pytest.param(Row("Ngày 8/1, hải quan phát hiện 30 kg ketamine trong lô hàng nhập khẩu. Cơ quan điều tra đã tạm giữ "
                     "hình sự 2 nhân viên làm thủ tục nhận hàng.", ["incident - s=2 ketamine:30kg"]),
                 id="two-employees-held"),
    pytest.param(Row("Khi tổ công tác vây bắt, một trong hai đối tượng vứt lại ba lô, chạy vào rừng. Người còn lại là "
                     "Vàng A Lử (SN 1991) bị khống chế cùng 4 bánh heroin.", ["incident - s=1 heroin:4brick"]),
                 id="one-of-two-fled"),
    pytest.param(Row("Chieu 12/8, Doi Kiem soat ma tuy phat hien mot hanh khach nhap canh giau 900 vien ma tuy tong hop "
                     "trong hop banh; hanh khach nay da bi tam giu. Cung ngay, Don Bien phong bat giu mot phu nu quoc "
                     "tich Campuchia van chuyen 0,4 kg ma tuy da.",
                     ["incident - s=1 synthetic_pills:900pill", "incident - s=1 meth_crystal:0.4kg"]),
                 id="unaccented-one-held-each"),
    pytest.param(Row("Ngày 5/12, TAND tỉnh Hòa Bình mở phiên tòa xét xử 4 bị cáo trong vụ vận chuyển 20 bánh heroin bị "
                     "bắt giữ ngày 2/4/2023 tại huyện Mai Châu.", ["incident Hòa Bình s=4 heroin:20brick"],
                     published="2023-12-06"), id="the-defendants-of-a-drug-trial"),
]


@pytest.mark.parametrize("row", PEOPLE)
def test_people(row: Row) -> None:
    assert run(row) == row.expected


AGGREGATES = [
    pytest.param(Row("Kết quả, trong 6 tháng đầu năm 2019, lực lượng Công an toàn tỉnh Hòa Bình đã phát hiện, bắt giữ "
                     "187 vụ, 246 đối tượng phạm tội về ma túy (mua bán trái phép chất ma túy 102 vụ/141 đối tượng; "
                     "tàng trữ trái phép 79 vụ/97 đối tượng), thu giữ 2,15 kg heroin.",
                     ["aggregate Hòa Bình c=187 s=246 heroin:2.15kg"], published="2019-06-20"),
                 id="split-in-parentheses"),
    pytest.param(Row("Năm 2016, Công an tỉnh Bắc Giang phát hiện, bắt giữ 412 vụ, 587 đối tượng phạm tội về ma túy "
                     "(tăng 7 vụ, 11 đối tượng so với cùng kỳ). Toàn tỉnh hiện có 2.318 người nghiện ma túy có hồ sơ "
                     "quản lý; 1.140 người đang điều trị methadone, đưa 203 người vào cơ sở cai nghiện bắt buộc.",
                     ["aggregate Bắc Giang c=412 s=587"], published="2016-12-20"),
                 id="deltas-and-people-in-treatment"),
]


@pytest.mark.parametrize("row", AGGREGATES)
def test_aggregates(row: Row) -> None:
    assert run(row) == row.expected


NOTABLE = [
    pytest.param(Row("Trong quý I/2024, lực lượng chức năng tỉnh Quảng Trị đã phát hiện, bắt giữ 46 vụ, 64 đối tượng vi "
                     "phạm pháp luật về ma túy. Đáng chú ý, có 03 vụ vận chuyển ma túy với số lượng lớn tại khu vực cửa "
                     "khẩu Lao Bảo.", ["aggregate Quảng Trị c=46 s=64"], published="2024-04-05"),
                 id="notable-part-of-a-total"),
    pytest.param(Row("Báo cáo cho biết, 10 tháng đầu năm 2017, lực lượng chức năng các tỉnh Tây Bắc đã phát hiện, bắt "
                     "giữ 2.936 vụ, 3.874 đối tượng phạm tội về ma túy, thu hơn 390 kg heroin. Tại Điện Biên, công an "
                     "tỉnh tổ chức hội nghị.", ["aggregate - c=2936 s=3874 heroin:390kg~more"], published="2017-11-20"),
                 id="regional-total-is-no-province"),
]


@pytest.mark.parametrize("row", NOTABLE)
def test_notable_and_regions(row: Row) -> None:
    assert run(row) == row.expected
