"""The page pass (issue 9, family 2): what is read as the article and what is the page around it."""
from __future__ import annotations

from extraction_table import Row, run

from streams.extraction.normalize import normalize
from streams.extraction.page import page_blocks

TITLE = "Sơn La: Bắt 2 đối tượng vận chuyển 12 bánh heroin"
PAGE = "\n".join([
    "Thứ Năm, 16/05/2024 08:45 (GMT+7)",
    "Sơn La: Bắt 2 đối tượng vận chuyển 12 bánh heroin",
    "(PLO) - Công an huyện Mộc Châu vừa bắt quả tang 2 đối tượng vận chuyển hơn 4 kg heroin.",
    "Khoảng 9h30 ngày 14/5, tại xã Chiềng Sơn, huyện Mộc Châu, tổ công tác bắt quả tang Vừ A Chống (SN 1990) và "
    "Mùa A Sử (SN 1992), thu giữ 12 bánh heroin, trọng lượng 4,2 kg.",
    "Tang vật 12 bánh heroin thu giữ. Ảnh: CACC",
    "Hiện vụ việc đang được điều tra, mở rộng theo quy định của pháp luật, và các đối tượng bị tạm giữ hình sự.",
    "Minh Anh",
    "Tin liên quan",
    "Điện Biên: Thu giữ 40 bánh heroin trên quốc lộ 12",
    "Lai Châu: Bắt đối tượng mang 3 kg ma túy đá",
    "Các tin khác: Bắt 5 đối tượng, thu 2 kg ma túy (12/04/2024) Triệt phá tụ điểm, bắt 6 đối tượng (10/04/2024)",
    "Bình luận (0) | Gửi bài viết cho bạn bè | In bài viết",
])


def test_every_line_gets_its_role() -> None:
    norm, title = normalize(PAGE), normalize(TITLE)
    roles = [b.role for b in page_blocks(norm.text, norm.lower, title.lower)]
    assert roles == ["dateline", "headline", "lead", "body", "caption", "body", "byline", "related", "related",
                     "related", "related", "furniture"]


def test_only_the_article_makes_events() -> None:
    """Headline repeat, lead, caption and related links restate or are other articles: one bust, once."""
    assert run(Row(PAGE, ["incident Sơn La s=2 heroin:12brick heroin:4.2kg"], title=TITLE)) == \
        ["incident Sơn La s=2 heroin:12brick heroin:4.2kg"]


def test_a_field_report_without_punctuation_is_read() -> None:
    text = "thu giu 2 kg ma tuy da va 3 banh heroin tai xa Muong Lat, huyen Muong Lat, tinh Thanh Hoa ngay 3/5, bat 2 doi tuong"
    norm = normalize(text)
    assert [b.role for b in page_blocks(norm.text, norm.lower, "")] == ["lead"]
    assert run(Row(text)) == ["incident Thanh Hóa s=2 meth_crystal:2kg heroin:3brick"]


LISTING_TITLE = "Bộ đội Biên phòng - Tin tức, hình ảnh mới nhất"
LISTING = "\n\n".join([
    "Báo Tin Tức › Tags › bộ đội biên phòng",
    "Lai Châu: Thu giữ 2 kg thuốc phiện tại bản biên giới\nNgày 4/10, Đồn Biên phòng Ka Lăng bắt quả tang "
    "Pờ Chừ Xá đang cất giấu 2 kg thuốc phiện trong kho thóc.",
    "Kon Tum: Bắt người đàn ông chở 3 kg ma túy đá\n05/10/2020 08:30\nTối 5/10, tại xã Bờ Y (huyện Ngọc Hồi, tỉnh "
    "Kon Tum), Đồn Biên phòng Bờ Y bắt quả tang một người đàn ông chở 3 kg ma túy đá.",
    "Điện Biên: Bắt 4 đối tượng, thu giữ 15 bánh heroin\nBộ Chỉ huy Bộ đội Biên phòng tỉnh Điện Biên vừa phá một "
    "chuyên án tại xã Chung Chải, huyện Mường Nhé, bắt 4 đối tượng, thu 15 bánh heroin.",
    "Bộ đội Biên phòng tuyên truyền phòng, chống ma túy cho học sinh vùng biên\nHơn 300 học sinh ở huyện Sìn Hồ "
    "được tuyên truyền về tác hại của ma túy.",
    "Trang: 1 2 3 >>",
])


def test_a_listing_page_is_read_teaser_by_teaser() -> None:
    """Several busts of several provinces on one tag page: each teaser keeps its own place."""
    assert run(Row(LISTING, title=LISTING_TITLE, published="2020-10-06")) == [
        "incident Lai Châu s=1 opium:2kg", "incident Kon Tum s=1 meth_crystal:3kg",
        "incident Điện Biên s=4 o=1 heroin:15brick"]


def test_a_teaser_headline_with_an_abbreviated_place_is_a_headline() -> None:
    """'TP.HCM: Bắt ...' opens a teaser like 'Gia Lai: ...' does; it is no 'Field: value' line."""
    page = "\n\n".join([
        "Kết quả tìm kiếm cho \"ketamine\"",
        "Đà Nẵng: Bắt 2 người tàng trữ ketamine\n12/3/2026 10:00\nNgày 11/3, Công an phường Hải Châu bắt 2 người, "
        "thu 120 gam ketamine.",
        "TP.HCM: Thu giữ 3 kg ketamine trong kho hàng\n11/3/2026 09:00\nNgày 10/3, Công an phường Bến Thành bắt "
        "1 người, thu 3 kg ketamine.",
        "Khánh Hòa: Bắt người bán ketamine trong quán bar\n10/3/2026 08:00\nNgày 9/3, Công an phường Nha Trang bắt "
        "1 người, thu 15 gam ketamine.",
    ])
    assert run(Row(page, title="Kết quả tìm kiếm: ketamine", published="2026-03-12")) == [
        "incident Đà Nẵng s=2 ketamine:120g", "incident Hồ Chí Minh s=1 ketamine:3kg",
        "incident Khánh Hòa s=1 ketamine:15g"]


def test_a_commune_of_the_listing_page_s_own_province_keeps_its_place() -> None:
    """On a province's news page, a teaser's commune of that province is not dropped because the teaser
    names another province as a destination."""
    page = "\n\n".join([
        "An ninh trật tự - Tin tức Hưng Yên",
        "Văn Lâm: Bắt đối tượng tàng trữ heroin\n02/04/2024 | 10:00\nCông an huyện Văn Lâm bắt quả tang Đỗ Văn Nam "
        "(SN 1985) tàng trữ 8 gói heroin.",
        "Khoái Châu: Thu giữ 200 viên thuốc lắc\n01/04/2024 | 09:00\nCông an huyện Khoái Châu bắt giữ một đối tượng tại "
        "thị trấn Khoái Châu, thu 200 viên thuốc lắc chuẩn bị mang đến các quán bar ở Hà Nội.",
        "Mỹ Hào: Bắt 2 đối tượng mua bán ma túy đá\n31/03/2024 | 08:00\nCông an thị xã Mỹ Hào bắt 2 đối tượng, thu 15 "
        "gam ma túy đá.",
    ])
    assert run(Row(page, title="An ninh trật tự - Tin tức Hưng Yên", published="2024-04-02")) == [
        "incident Hưng Yên s=1 heroin:8package", "incident Hưng Yên s=1 ecstasy:200pill",
        "incident Hưng Yên s=2 meth_crystal:15g"]
