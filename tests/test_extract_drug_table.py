"""Drug classes (issue 9, family 4) and the drug vocabulary holding together."""
from __future__ import annotations

import pytest
from extraction_table import Row, run

from schemas.common import Drug
from streams.extraction import lexicon as lx
from streams.extraction.mentions import find_drugs
from streams.extraction.normalize import normalize

ROWS = [
    pytest.param(Row("Chiều 2/5, Công an huyện Bảo Lâm bắt quả tang Nguyễn Văn An, thu giữ ma túy đá 18,3 gam, heroin "
                     "2,1 gam, thuốc lắc 12 viên.", ["incident - s=1 meth_crystal:18.3g heroin:2.1g ecstasy:12pill"]),
                 id="drug-before-its-figure"),
    pytest.param(Row("Ngày 17/7, tổ công tác bắt quả tang Lương Văn Hùng vận chuyển 2 bánh ma túy dạng heroin và 6.000 "
                     "viên ma túy tổng hợp (hồng phiến).", ["incident - s=1 heroin:2brick meth_pills:6000pill"]),
                 id="generic-word-then-the-specific-drug"),
    pytest.param(Row("Kiểm tra phòng trọ, tổ công tác bắt quả tang Lê Thị Hằng cất giấu 145 viên \"kẹo\" và 12 gam "
                     "ketamine.", ["incident - s=1 synthetic_pills:145pill ketamine:12g"]), id="quoted-slang"),
    pytest.param(Row("Trên bàn có 8 viên thuốc lắc, 1 gói ke khoảng 2,1 gam; công an bắt quả tang Hoàng Văn Tư.",
                     ["incident - s=1 ecstasy:8pill ketamine:1package ketamine:2.1g~about"]), id="ke-after-a-unit"),
    pytest.param(Row("Ngày 3/6, tổ công tác bắt Sồng A Lử vận chuyển 4.000 viên hồng phiến. Kiểm tra bao tải, lực "
                     "lượng chức năng phát hiện 4.000 viên ma túy tổng hợp.", ["incident - s=1 meth_pills:4000pill"]),
                 id="a-pill-count-told-again-with-the-generic-name"),
    pytest.param(Row("Tối 8/3, tổ công tác bắt Vi Văn Khải, thu trong cốp xe 0,8 kg chất bột màu trắng và 300 viên "
                     "nén màu xanh. Khải khai đó là ketamine và thuốc lắc.",
                     ["incident - s=1 ketamine:0.8kg ecstasy:300pill"]), id="substances-named-in-their-order"),
    pytest.param(Row("Ngày 2/9, công an bắt Lầu A Chớ, thu 1.500 viên nén màu đỏ và 200 gam tinh thể màu trắng. "
                     "Giám định xác định các viên nén là ma túy tổng hợp dạng hồng phiến, tinh thể là ma túy đá.",
                     ["incident - s=1 meth_pills:1500pill meth_crystal:200g"]), id="two-substances-named-one-by-one"),
    pytest.param(Row("Ngày 5/7, hải quan kiểm tra container, phát hiện 40 kg chất bột màu trắng, giám định là ketamine. "
                     "Trong một thùng khác có 8 bánh chất bột màu trắng được bọc băng dính, cân được 8,2 kg, là cocaine.",
                     ["incident - ketamine:40kg cocaine:8brick cocaine:8.2kg"]),
                 id="two-white-powders-each-named-after-it"),
]


@pytest.mark.parametrize("row", ROWS)
def test_drug(row: Row) -> None:
    assert run(row) == row.expected


@pytest.mark.parametrize(("drug", "form"), [(d, f) for d, forms in lx.DRUG_FORMS.items() for f in forms])
def test_every_written_form_is_found_as_its_drug(drug: str, form: str) -> None:
    """The table is the one owner: the scanner, its anchor and the drug classes all come from it."""
    lower = normalize(f"thu giữ 2 kg {form} .").lower
    found = find_drugs(lower)
    assert found, form
    assert found[0][2] == drug, (form, found)
    assert lower[found[0][0]:found[0][1]] == normalize(form).lower


def test_drug_classes_are_the_schema_vocabulary() -> None:
    assert set(lx.DRUG_FORMS) | {d for _, d, _ in lx.DRUG_CONTEXT_FORMS} <= set(Drug.__args__)  # type: ignore[attr-defined]
    assert set(Drug.__args__) - set(lx.DRUG_FORMS) <= {"synthetic_pills"}  # type: ignore[attr-defined]
