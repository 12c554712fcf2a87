"""Figures that are and are not seizures (issue 9, families 4, 6, 7, 8): one row per pattern."""
from __future__ import annotations

import pytest
from extraction_table import Row, run

NOT_SEIZURES = [
    pytest.param(Row("Ngày 9/5, Công an tỉnh Hà Tĩnh phát hiện xe tải 15 tấn chở 300 quả pháo nổ, tổng trọng lượng "
                     "khoảng 120 kg, bắt giữ tài xế Lê Văn Hòa."), id="fireworks-and-truck-tonnage"),
    pytest.param(Row("Ngày 2/5, Công an TP Đà Nẵng kiểm tra quán bar, thu giữ 35 bình khí cười loại 12 kg/bình."),
                 id="laughing-gas-rate"),
    pytest.param(Row("Theo cáo trạng, từ năm 2019, Lò Văn Thiện đã vận chuyển trót lọt 5 lần, mỗi chuyến 2–3 bánh "
                     "heroin, thu lợi 300 triệu đồng."), id="habits-ranges-and-past-trade"),
    pytest.param(Row("Lực lượng chức năng cho biết giá 1 viên thuốc lắc khoảng 300 nghìn đồng, mỗi gói ma túy đá "
                     "nhỏ 200 nghìn đồng."), id="prices"),
]

SEIZURES = [
    pytest.param(Row("Sáng 6/4, tổ công tác bắt Lò Thị Mai, thu trong ba lô 12.000 viên hồng phiến chia thành 60 gói "
                     "nhỏ và 3 túi ma túy đá, cân được 1,5 kg.",
                     ["incident - s=1 meth_pills:12000pill meth_crystal:3package meth_crystal:1.5kg"]),
                 id="a-weight-after-another-drugs-bags-is-theirs"),
    pytest.param(Row("Ngày 14/12, Công an xã Nam Thịnh phát hiện Phạm Văn Hưng cất giấu trong bao thuốc lá 1 gói "
                     "nilon chứa 0,52 gam heroin.", ["incident Thái Bình s=1 heroin:0.52g"], published="2023-12-20"), id="cigarette-pack-is-a-hiding-place"),
    pytest.param(Row("Kiểm tra ba lô, tổ công tác thu giữ 3 kg ketamine (1 kg/gói).",
                     ["incident - ketamine:3kg"]), id="per-package-rate-is-no-figure"),
    pytest.param(Row("Chiều 4/3, Công an huyện Mường Lát (Thanh Hóa) bắt quả tang Vàng A Dế, thu giữ 15 gói ma túy "
                     "đá, mỗi gói khoảng 1 kg, tổng trọng lượng 15 kg.",
                     ["incident Thanh Hóa s=1 meth_crystal:15package meth_crystal:15kg"]),
                 id="package-count-and-total-weight"),
    pytest.param(Row("Chiều 2/5, Công an huyện Bảo Lâm bắt quả tang Hoàng Văn Nam, phát hiện 14 gói nilon nhỏ chứa "
                     "tinh thể màu trắng, tổng trọng lượng 6,35 gam ma túy đá.", ["incident - s=1 meth_crystal:6.35g"]),
                 id="bags-whose-contents-are-weighed"),
    pytest.param(Row("Tối 3-10, trinh sát ập vào căn hộ, bắt giữ Đỗ Văn Hùng, thu 35 túi nhỏ chứa heroin và 0,32 kg "
                     "ma túy đá.", ["incident - s=1 heroin:35package meth_crystal:0.32kg"]),
                 id="bags-are-the-only-count-of-their-drug"),
    pytest.param(Row("Ngày 11/3, tổ công tác bắt quả tang Vàng A Lử vận chuyển 6.000 viên hồng phiến được chia thành "
                     "30 gói nhỏ.", ["incident - s=1 meth_pills:6000pill"]), id="pills-divided-into-bags"),
    pytest.param(Row("Năm 2019 tấn công trấn áp tội phạm, Công an tỉnh Điện Biên phát hiện 300 vụ, 410 đối tượng "
                     "phạm tội về ma túy.", ["aggregate Điện Biên c=300 s=410"]), id="year-before-tan-cong"),
    pytest.param(Row("Ngày 2/3, tổ công tác thu giữ 12.000 viên hồng phiến chia trong 60 túi, mỗi túi 200 viên, cùng 3 "
                     "viên bi sắt.", ["incident - meth_pills:12000pill"]), id="a-rate-per-bag-and-steel-balls"),
    pytest.param(Row("Ngày 8/6, công an bắt Lê Văn Thụ tàng trữ 800 gam ma túy đá, đã chia thành từng gói 50 gam. Thụ "
                     "khai đã 5 lần bán cho khách tổng cộng khoảng 3 kg.", ["incident - s=1 meth_crystal:800g"]),
                 id="packet-sizes-and-past-sales"),
    pytest.param(Row("Chiều 13/7, tổ công tác phát hiện trong cốp xe khoảng 2,4 kg chất bột màu trắng. Tài xế khai đó "
                     "là ketamine.", ["incident - ketamine:2.4kg~about"]), id="a-powder-named-by-the-driver"),
    pytest.param(Row("Sáng 9/5, công an bắt quả tang Lò Văn Pọm đang giao cho người mua một túi nilon màu đen. Bên "
                     "trong túi có 2 bánh heroin và 300 viên ma túy tổng hợp.",
                     ["incident - s=1 heroin:2brick synthetic_pills:300pill"]), id="a-black-bag-holding-the-drugs"),
    pytest.param(Row("Chiều 4/4, hải quan phát hiện gần 3 kg cần sa khô trong thùng quà. Kết quả cân xác định số cần sa "
                     "nặng 2.860 gam.", ["incident - cannabis:2860g"]), id="a-weight-in-kg-then-in-grams"),
    pytest.param(Row("Sáng 6/6, tổ công tác phát hiện 5 gói hình hộp bọc giấy bạc chứa ma túy đá, tổng trọng lượng 5 kg, "
                     "cùng 3 bánh heroin.", ["incident - meth_crystal:5kg heroin:3brick"]),
                 id="the-weight-of-the-bags-contents"),
    pytest.param(Row("Ngày 1/7, công an bắt Vũ Văn Hào cất giấu 1 kg ma túy đá. Khám xét nơi ở của Hào, công an thu thêm "
                     "350 gam ma túy đá, nâng tổng số ma túy đá thu giữ lên 1,35 kg.", ["incident - s=1 meth_crystal:1.35kg"]),
                 id="a-total-over-parts-in-another-unit"),
]


@pytest.mark.parametrize("row", NOT_SEIZURES)
def test_not_a_seizure(row: Row) -> None:
    assert [e for e in run(row) if ":" in e] == []


@pytest.mark.parametrize("row", SEIZURES)
def test_seizure(row: Row) -> None:
    assert run(row) == row.expected
