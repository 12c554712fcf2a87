"""Vocabulary of seizure reports: drugs, units, hedges, verbs and cue phrases.

All patterns are written for the output of ``normalize`` (NFC, tone on the main
vowel, lower case). This module holds data only; the rules that use it live in
``mentions``, ``dates`` and ``pipeline``.
"""
from __future__ import annotations

import re

from streams.extraction.gates import words_gate, words_pattern
from streams.extraction.trie import trie_pattern

# --- drugs: every written form once, as it reads after ``normalize`` (lower case, NFC, new tone placement).
# Adding a name is one edit here: the scanner's regex and its anchor are built from this table.
DRUG_FORMS: dict[str, tuple[str, ...]] = {
    "meth_crystal": ("ma túy tổng hợp dạng đá", "ma túy tổng hợp loại đá", "ma túy tổng hợp dạng tinh thể",
                     "ma túy tổng hợp loại tinh thể", "ma túy đá", "ma túy dạng đá", "ma túy loại đá", "ma tuý đá",
                     "methamphetamine", "methamphetamin", "metamphetamine", "meth", "hàng đá",
                     "ma túy dạng tinh thể", "chất ma túy đá"),
    "meth_pills": ("ma túy tổng hợp dạng hồng phiến", "ma túy tổng hợp dạng viên hồng phiến",
                   "ma túy tổng hợp loại hồng phiến", "hồng phiến", "yaba", "ma túy hồng phiến"),
    "ecstasy": ("ma túy tổng hợp dạng thuốc lắc", "ma túy tổng hợp dạng viên thuốc lắc", "ma túy tổng hợp dạng mdma",
                "ma túy tổng hợp loại thuốc lắc", "thuốc lắc", "mdma", "ecstasy", "ma túy thuốc lắc"),
    "ketamine": ("ketamine", "ketamin", "ke-ta-min", "ma túy dạng khay", "ma túy khay", "ma túy ketamine",
                 "ma túy ketamin"),
    "synthetic": ("ma túy tổng hợp", "chất ma túy tổng hợp", "tổng hợp"),
    "unspecified": ("ma túy các loại", "ma túy các dạng", "ma túy khác", "ma túy", "ma tuý", "chất ma túy",
                    "chất cấm", "hàng cấm", "ma túy hỗn hợp", "hỗn hợp ma túy", "nước vui", "ma túy nước vui"),
    "opium": ("nhựa thuốc phiện", "thuốc phiện", "nhựa anh túc", "opium", "ma túy thuốc phiện"),
    "heroin": ("heroin", "heroine", "hêroin", "hêrôin", "hê-rô-in", "he-ro-in", "hê rô in", "ma túy heroin",
               "herôin"),
    "cannabis": ("cần sa", "bồ đà", "cannabis", "marijuana", "cỏ mỹ", "ma túy cần sa", "lá cần sa", "cần sa khô"),
    "cocaine": ("cocaine", "cocain", "cô-ca-in", "côcain", "côcaine", "ma túy cocaine"),
}
DRUG_CONTEXT_FORMS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"đá(?= (?:ma túy|tinh thể))", "meth_crystal", ("đá ma túy", "đá tinh thể")),
    (r"[\"“]đá[\"”]", "meth_crystal", ('"đá', "“đá")),
    (r"[\"“]kẹo[\"”]|[\"“]kẹo (?:ke|lắc)[\"”]", "synthetic", ('"kẹo', "“kẹo")),
    (r"[\"“]ke[\"”]|\(ke\)|(?<=gói )ke\b|(?<=túi )ke\b|(?<=bọc )ke\b|(?<=tép )ke\b|(?<=gam )ke\b", "ketamine",
     ('"ke', "“ke", "(ke)", "gói ke", "túi ke", "bọc ke", "tép ke", "gam ke")),
    (r"[\"“]cỏ[\"”]", "cannabis", ('"cỏ', "“cỏ")),
)
"""Forms that are drugs only in context: quoted slang the text uses ('"kẹo"', '"đá"', '"ke"') and 'ke'
after a unit ('1 gói ke'). (pattern, drug, the strings a match can start with, for the anchor)."""


def _drug_patterns() -> list[tuple[str, str]]:
    literal = sorted(((form, drug) for drug, forms in DRUG_FORMS.items() for form in forms),
                     key=lambda fd: -len(fd[0]))  # longest first: the most specific form wins at a position
    return ([(pattern, drug) for pattern, drug, _ in DRUG_CONTEXT_FORMS]
            + [(re.escape(form) + r"(?![a-zà-ỹđ])", drug) for form, drug in literal])


DRUG_PATTERNS: list[tuple[str, str]] = _drug_patterns()
DRUG_RE = re.compile("(?:" + "|".join(f"(?P<d{i}>{p})" for i, (p, _) in enumerate(DRUG_PATTERNS)) + ")")
"""All drug phrases; use with ``.match`` at the positions DRUG_ANCHOR finds."""
DRUG_OF_GROUP = {f"d{i}": drug for i, (_, drug) in enumerate(DRUG_PATTERNS)}
"""DRUG_RE is the reference definition (one named group per form, the first that matches at a
position wins); the scanner below finds exactly the same phrases much faster (tested equal)."""
DRUG_OF_FORM: dict[str, str] = {form: drug for drug, forms in DRUG_FORMS.items() for form in forms}
DRUG_LITERAL_SCAN = re.compile(trie_pattern(list(DRUG_OF_FORM)) + r"(?![a-zà-ỹđ])")
"""Every literal form, longest first, as one trie-shaped pattern (one pass per text); a phrase counts at a
word start only, which the scanner checks on each match (``mentions.scan_drug_phrases``)."""
DRUG_CONTEXT_SCAN = re.compile(
    "|".join(f"(?P<c{i}>{pattern})" for i, (pattern, _, _) in enumerate(DRUG_CONTEXT_FORMS)))
DRUG_OF_CONTEXT = {f"c{i}": drug for i, (_, drug, _) in enumerate(DRUG_CONTEXT_FORMS)}
CONTEXT_GATE = tuple(sorted({start for _, _, starts in DRUG_CONTEXT_FORMS for start in starts}))
"""A text holds a context form only if it holds one of these strings: most texts skip that scan."""
DRUG_QUALIFIED = re.compile(r"\s*(?:\(\s*(?:dạng\s+|loại\s+|là\s+)?|dạng\s+|loại\s+|là\s+)")
"""After a generic drug word, what introduces the specific one ('ma túy dạng heroin', 'ma túy tổng hợp (hồng phiến)')."""

GENERIC_DRUGS = frozenset({"unspecified", "synthetic"})
"""Drug words that say little: a specific drug nearby explains a quantity better."""

PILL_FORM = {"synthetic": "synthetic_pills", "meth_crystal": "meth_pills"}
"""A pill count of a generic synthetic drug is `synthetic_pills`."""

# --- units: written form -> (schema unit, factor to that unit)
UNIT_FORMS: dict[str, tuple[str, float]] = {
    "kg": ("kg", 1), "kilôgam": ("kg", 1), "kilogam": ("kg", 1), "ki-lô-gam": ("kg", 1), "kilogram": ("kg", 1),
    "ký": ("kg", 1), "kí": ("kg", 1), "tấn": ("kg", 1000), "tạ": ("kg", 100),
    "g": ("g", 1), "gr": ("g", 1), "gam": ("g", 1), "gram": ("g", 1), "gờ-ram": ("g", 1), "mg": ("g", 0.001),
    "viên": ("pill", 1), "bánh": ("brick", 1), "gói": ("package", 1), "túi": ("package", 1),
    "bọc": ("package", 1), "tép": ("dose", 1), "liều": ("dose", 1),
}
MASS_UNITS = frozenset({"kg", "g"})
UNIT_PATTERN = "|".join(sorted((re.escape(u) for u in UNIT_FORMS), key=len, reverse=True))

NON_DRUG_AFTER_UNIT = re.compile(
    r"\s*(?:đạn|bi|xách|du lịch|thuốc (?:lá|tây|tân dược|chữa|bổ)|vàng|bạc|tiền|pháo|trà|bột ngọt|kẹo|"
    r"giấy|bánh kẹo|hàng hóa|quần áo|thịt|gạo|đường|muối|sữa|cà phê|vải|hạt|gỗ|xăng|dầu|thuốc trừ sâu|mì|bao)\b"
)
"""Nouns that make a "viên/gói/túi/kg" figure about something else (bullets, cigarettes, goods)."""
NOT_SEIZED_BEFORE = re.compile(
    r"(?:\bmỗi (?:chuyến|lần|tháng|tuần|ngày|đợt|năm|vụ|bánh|gói|túi|hộp|bao|thùng|bọc|người|kg|ký)\b[^.;,]{0,30}|"
    r"\b(?:từng|các) (?:gói|túi|bọc|bánh|hộp) (?:nhỏ |lớn )?|\bđã (?:\d+|nhiều|hai|ba) lần\b[^.;]{0,40}|\btrót lọt\b[^.;]{0,30}|"
    r"\bthu lợi\b[^.;]{0,30}|\b(?:bán|tiêu thụ) được\b[^.;]{0,20}|\bđã bán\b[^.;]{0,20}|\bbán hết\b[^.;]{0,20}|"
    r"\b(?:ước tính )?đã (?:đưa|vận chuyển|tiêu thụ|cung cấp|mua bán)\b[^.;]{0,30}|\bđồng (?:cho|một|mỗi)\s*|"
    r"\b(?:xe (?:tải|ô tô|khách|container|đầu kéo)|ô tô tải|trọng tải|tải trọng|sức chở|tàu (?:cá|hàng|thủy|biển)|sà lan)"
    r"[^.;,]{0,12}|\bđịnh lượng\b[^.;]{0,20}|\bngưỡng\b[^.;]{0,20}|\btừ \d+(?:[.,]\d+)? (?:đến|tới)\s*|\d\s*[–—-]\s*)$"
)
"""Words right before a figure that make it no seizure: habits ("mỗi chuyến 2–3 bánh"), past trade
("đã vận chuyển trót lọt"), vehicles ("xe tải 15 tấn"), legal thresholds, the second number of a
range ("từ 5 đến 10 bánh", "2–3 kg")."""
TARGET_BEFORE = re.compile(r"\b(?:phấn đấu|chỉ tiêu|mục tiêu|dự kiến|đề ra|đặt ra|phải đạt|kế hoạch năm)\b[^.;:]{0,60}$")
"""'phấn đấu cả năm bắt giữ trên 170 vụ', 'chỉ tiêu triệt phá 20 đường dây': a target set, not a result."""
NOT_SEIZED_WORDS = ("mỗi", "trót lọt", "thu lợi", "bán", "tiêu thụ", "xe", "tải", "sức chở", "tàu", "sà lan", "đã ",
                    "đồng",
                    "định lượng", "ngưỡng", "từ", "–", "—", "-")
"""Substrings one of which NOT_SEIZED_BEFORE needs (a cheap gate before the regex)."""
NON_DRUG_GOODS = re.compile(r"\b(?:pháo|thuốc nổ|kíp nổ|khí cười|n2o|bình khí|thuốc lá điếu|thuốc lá|xăng|dầu|vàng|"
                            r"vali|va li|hành lý|kiện hàng|thùng hàng|container|xe tải|xe khách|gạo|sắn|ngô|cà phê|"
                            r"hạt điều|phân bón|thức ăn|trái cây|hoa quả)\b")
"""Goods named before a figure no drug word explains: the figure is theirs (fireworks, explosives, gas)."""
CONTAINER_AFTER_UNIT = re.compile(
    r"\s*(?:(?:nilon|ni lông|ni long|ni-lông|nylon|nhựa|nhua|giấy|giay|vải|bóng|zip|nhỏ|nho|lớn|to|kín|màu [a-zà-ỹđ]+|"
    r"mau [a-z]+|trong suốt|hình hộp(?: chữ nhật)?|hộp|bạc|dán kín|hàn kín|quấn băng keo|băng keo|buộc kín)\s*,?\s*){0,4}"
    r"(?:chứa|đựng|bên trong|bọc|trong đó|có chứa|nghi chứa|đã được|chua|dung|ben trong|co chua)\b"
)
"""'14 gói nilon nhỏ chứa ...', '1 túi bên trong có ...': the bag holds the drug; the figure is the contents'."""
EMPTY_BAG_AFTER_UNIT = re.compile(
    r"\s*(?:nilon|ni lông|ni long|nylon|zip|nhựa|nhua)(?:\s+(?:loại\s+)?(?:nhỏ|nho|lớn|to|các loại|rỗng|trống))?"
    r"(?!\s*(?:chứa|đựng|bên trong|có chứa|chua|dung|ben trong|đã|được|nghi|màu|mau|hàn|dán))\s*(?:,|;|\.|và|cùng|$)"
)
"""'1 cân tiểu ly, 20 túi nilon loại nhỏ và 3,8 triệu đồng': empty bags seized with the scales, no drug count."""
BAG_MATERIAL_AFTER_UNIT = re.compile(r"\s*(?:nilon|ni lông|ni long|nylon|zip|nhựa|nhua|giấy|giay|bạc|dẹt|hút chân không)\b")
"""'8 túi nilon hút chân không': bags described by what they are made of — wrappings, if their contents are weighed."""
CONTAINER_BEFORE_NUMBER = re.compile(
    r"\b(?:chia|đóng|phân|bọc|gói|đựng|cất|giấu|để|bỏ|dung|dong|boc)\s+(?:nhỏ\s+|nho\s+)?"
    r"(?:thành|vào|ra|trong|làm|sẵn thành|thanh|vao)\s+$"
)
"""'được chia vào 60 túi', 'đựng trong 5 túi': the number counts bags the drug was packed into."""
THRESHOLD_AFTER = re.compile(r"[^.;,]{0,40}?\b(?:trở lên|trở xuống|đến dưới|tới dưới)\b")
"""'có khối lượng 5 kg trở lên': a legal threshold, not a seizure."""
TYPICAL_BEFORE = re.compile(r"\b(?:thường|thông thường|trung bình|mỗi bánh|một bánh)\b[^.;]{0,30}$")
"""'một bánh heroin (thường có khối lượng khoảng 350 gam)': a typical weight, not a seizure."""
ADDED_BEFORE = re.compile(r"\b(?:thu (?:giữ )?thêm|phát hiện thêm|thu giữ tiếp|tịch thu thêm|còn thu (?:giữ )?|"
                          r"thu (?:giữ )?trên người [^.;,]{1,40}?)(?:[^.;]{0,40})$")
"""'Khám xét nơi ở, thu thêm 12 gói heroin': an addition to what the bust found before, not a restatement."""
RATE_AFTER_UNIT = re.compile(r"\s*/\s*(?:[a-zà-ỹđ]+|\d)")
"""'(1 kg/gói)', '12 kg/bình', '300 nghìn/viên': a rate, not a quantity."""

QUALIFIERS: list[tuple[str, str]] = [
    ("ít nhất", "at_least"), ("tối thiểu", "at_least"), ("xấp xỉ", "about"), ("khoảng", "about"),
    ("chừng", "about"), ("ước tính", "about"), ("gần", "nearly"), ("hơn", "more_than"), ("trên", "more_than"),
]
QUALIFIER_PATTERN = "|".join(re.escape(q) for q, _ in QUALIFIERS)
QUALIFIER_OF = dict(QUALIFIERS)

# --- counts
CASE_UNIT = r"vụ(?: án| việc)?"
CASE_NOT_DRUG = re.compile(
    r"\s*(?:phạm pháp|hình sự\b(?! về ma)|đánh bạc|trộm|cướp|tai nạn|cháy|giết|lừa đảo|buôn lậu(?! ma)|"
    r"vi phạm (?:giao thông|an toàn)|mại dâm|gây rối|cố ý)"
)
PERSON_UNIT = (
    r"đối tượng|bị can|bị cáo|nghi phạm|nghi can|đồng phạm|công dân|nhân viên|thuyền viên|tài xế|hành khách|"
    r"phụ nữ|nam thanh niên|thanh niên|vợ chồng|anh em ruột|anh em|chị em|mẹ con|bố con|cha con|"
    r"người đàn ông|người phụ nữ|người nước ngoài|người quốc tịch|người mang quốc tịch|người"
)
PERSON_NOT_SUSPECT = re.compile(
    r"\s*(?:(?:đang|có|bị|đã|được) )?(?:nghiện|dân|tham dự|cho kết quả|trong quán|có mặt|tham gia|sử dụng|dương tính|lao động|bệnh|thân|nhà|đi đường|bị thương|"
    r"cán bộ|chiến sĩ|được|đang cai|cai nghiện|học viên|trong độ tuổi|có hành vi sử dụng|có liên quan đến việc sử dụng|"
    r"điều trị|đang điều trị|methadone|tái nghiện|sau cai|có hồ sơ|trong diện|được quản lý|quản lý|truy nã|"
    r"đang bị truy nã|có lệnh truy nã)"
)
ARREST_VERBS = re.compile(
    r"\b(?:bắt(?! buộc)|bắt giữ|bắt quả tang|chặn bắt|vây bắt|truy bắt|bắt khẩn cấp|tạm giữ|tạm giam|khởi tố|"
    r"khống chế|xử lý|xử phạt|triệt phá|bị bắt|bóc gỡ)\b"
)
FLED = re.compile(
    r"\b(?:bỏ trốn|bỏ chạy|tẩu thoát|trốn thoát|lẩn trốn|chạy thoát|chạy trốn|đang truy bắt|truy bắt|truy tìm|"
    r"truy nã|đang bị truy|chưa bắt được|vứt lại|nhảy xuống|bơi (?:qua|sang|vào)|đang lẩn trốn)\b"
)
"""Someone who got away or is wanted is not a suspect arrested (rule 6)."""
ACCOMPLICES_RE = re.compile(
    r"\bcùng (?P<num>hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|\d{1,2}) (?:đồng phạm|bị cáo khác|bị can khác|đối tượng khác)"
)
"""'xét xử Vũ Đức Thắng cùng 4 đồng phạm': the named one and the others, one more than the number."""
ONE_CAUGHT_VERBS = ("bắt giữ", "bắt quả tang", "bắt khẩn cấp", "tạm giữ hình sự", "tạm giữ", "khởi tố bị can",
                    "khống chế", "chặn bắt")
ONE_CAUGHT_PASSIVE = ("khống chế", "bắt giữ", "bắt", "tạm giữ")
ONE_CAUGHT_RE = re.compile(
    rf"\b(?:{'|'.join(ONE_CAUGHT_VERBS)})\s+"
    r"(?P<num>một\s+|1\s+)?(?:nữ\s+|nam\s+)?(?:hành khách|du khách|đối tượng này|đối tượng trên|đối tượng|người đàn ông|"
    r"phụ nữ|"
    r"người (?:lào|campuchia|trung quốc|thái lan|nước ngoài|quốc tịch|mang quốc tịch)|"
    r"người phụ nữ|người này|thanh niên|chủ nương|chủ nhà|tài xế|lái xe|nghi phạm|người vận chuyển|"
    r"người điều khiển)(?!\s*(?:\d|người|khác|nói trên cùng))"
    r"|\b(?:người cầm lái|người điều khiển|tài xế|lái xe|người đàn ông|người phụ nữ|nghi phạm|người này|"
    r"hành khách này|du khách này|đối tượng này|(?:nữ |nam )?hành khách|chủ hàng|chủ xe)"
    rf"(?P<num2>)\s+(?:đã\s+)?bị\s+(?:{'|'.join(ONE_CAUGHT_PASSIVE)})\b"
)
"""'bắt giữ một nữ hành khách', 'tạm giữ hình sự người này', 'bắt giữ chủ nương': one person caught, no numeral."""
ALL_CAUGHT_RE = re.compile(
    r"\bcả (?P<num>hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|\d{1,2})(?: đối tượng| người| bị can| thanh niên)?"
    r"(?: đều)?(?: đã)?(?: bị| được)? (?:bắt|tạm giữ|khởi tố|bắt giữ|khống chế|đưa về)"
    r"|\b(?:bắt|bắt giữ|khống chế|bắt quả tang|tạm giữ)(?: được)? cả (?P<num2>hai|ba|bốn|năm|\d{1,2})\b"
)
"""'Cả ba đã bị bắt giữ': everyone just described was caught."""
ARREST_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:bị bắt|bị khởi tố|bị tạm giữ|bị bắt giữ|bị xử lý hình sự|bị khống chế)")
NOT_ARREST_WORDS = ("triệu tập", "mời về trụ sở", "mời về làm việc", "mời về lên", "mời trụ sở", "mời làm việc", "mời lên",
                    "xét nghiệm", "xử lý hành chính", "xử phạt hành chính", "còn lại", "giáo dục", "nhắc nhở",
                    "đưa đi cai nghiện", "lập hồ sơ")
NOT_ARREST_VERB = re.compile(rf"\b{words_pattern(NOT_ARREST_WORDS)}\b")
NOT_ARREST_GATE = words_gate(NOT_ARREST_WORDS)
"""The last verb before a count of people, when it is one of these, is why they are no suspects."""
PROSECUTION_VERBS = re.compile(r"\b(?:khởi tố|xử lý hành chính|xử phạt|tạm giữ hình sự|truy tố|xét xử|xử lý hình sự)\b")
BREAKDOWN_LEAD = re.compile(
    r"^\W*(?:riêng (?:trên |tại |ở )?(?:địa bàn|huyện|thị xã|thành phố|xã|phường|khu vực|tuyến|các xã)\b|"
    r"trong (?:đó|số (?:này|đó|trên))|trong số (?:các |những )?(?:vụ|chuyên án|đối tượng)(?: đã| bị)?"
    r"(?: phá| bắt| bắt giữ| phát hiện| khởi tố)?\b|cụ thể(?: là)?,? trong|trong (?:tổng số |số )?[\d.]+ (?:vụ|đối tượng)\b)")
RECAP_LEAD = re.compile(r"\W*(?:như vậy|tổng cộng|tính chung|tính tổng|cộng lại|qua (?:hai|ba|bốn|các|\d+) vụ)\b")
"""A sentence that adds up the busts just told ('Như vậy, chỉ trong 3 ngày, ...')."""
NOTABLE_LEAD = re.compile(
    r"^\W*(?:(?:đáng chú ý|nổi bật|đặc biệt|điển hình|trong số (?:này|đó|các vụ)|các vụ còn lại|số còn lại|"
    r"ngoài ra)\b[^.;]{0,20}?|riêng\b[^.;]{0,80}?)\b(?:có|là|chiếm|gồm|với|bắt giữ|phát hiện|bắt)?\s*"
    r"(?=[\d]|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
)
"""'Đáng chú ý, có 03 vụ ...', 'Riêng ... 12 vụ', 'Các vụ còn lại: 12 vụ': a count that singles out part of a
total already given (kept only when it is larger than that total: then it is a wider figure)."""
REGION = re.compile(
    r"\b(?:các tỉnh|khu vực|vùng|địa bàn|toàn vùng|các địa phương)\s+(?P<region>tây bắc|đông bắc|tây nguyên|tây nam bộ|"
    r"đông nam bộ|miền núi phía bắc|bắc trung bộ|nam trung bộ|duyên hải miền trung|đồng bằng sông cửu long|"
    r"miền tây|miền trung|miền bắc|miền nam|bắc lào|tam giác vàng)\b|\b(?P<golden>tam giác vàng)\b"
)
"""A named region that is no single province: its totals belong to the region, not to a province."""
REGION_NAMES = {"tây bắc": "Tây Bắc", "đông bắc": "Đông Bắc", "tây nguyên": "Tây Nguyên", "tây nam bộ": "Tây Nam Bộ",
                "đông nam bộ": "Đông Nam Bộ", "miền núi phía bắc": "Miền núi phía Bắc", "bắc trung bộ": "Bắc Trung Bộ",
                "nam trung bộ": "Nam Trung Bộ", "duyên hải miền trung": "Duyên hải miền Trung",
                "đồng bằng sông cửu long": "Đồng bằng sông Cửu Long", "miền tây": "Miền Tây", "miền trung": "Miền Trung",
                "miền bắc": "Miền Bắc", "miền nam": "Miền Nam", "bắc lào": "Bắc Lào", "tam giác vàng": "Tam giác vàng"}
SUBSET_CUE = re.compile(r"\bqua đó\s*(?:,\s*)?(?:đã\s+)?(?:bắt|khởi tố)")
DELTA_BEFORE = re.compile(
    r"(?:\btăng|\bgiảm|\bvượt|\bcùng kỳ(?: năm (?:trước|ngoái|\d{4}))?|\bnhiều hơn|\bít hơn|\bcao hơn|\bthấp hơn|"
    r"\bso với[^,;.]{0,30})\s*(?:là\s*)?(?:[\d.,]+\s*(?:vụ|đối tượng|người|bị can|chuyên án|kg|gam|viên|bánh|%)"
    r"\s*(?:,|và|/)\s*)?$"
)
"""A difference, not a figure: 'tăng 7 vụ', and the figures listed with it ('tăng 7 vụ, 11 đối tượng')."""
TOTAL_CUE = re.compile(
    r"(?:tổng cộng|tổng số|tổng khối lượng|tổng trọng lượng|toàn bộ|tính chung|nâng tổng|tổng lượng|cả thảy|"
    r"tất cả)[^.;]*$"
)

# --- incident vs aggregate
NEW_BUST_CUE = re.compile(
    r"^\W*(?:cũng trong (?:ngày|sáng|chiều|tối|đêm|đợt)|mới nhất|gần đây nhất|gần đây|trước đó không lâu|"
    r"chẳng hạn|điển hình(?: là)?|như vụ|ngoài ra|trong một vụ khác|ở một vụ khác|tiếp đó|"
    r"vụ (?:thứ (?:nhất|hai|ba|tư|năm)|đầu tiên|tiếp theo|khác|sau)|(?:\d+|hai|ba|bốn|năm|vài) ngày sau|"
    r"(?:ngày )?hôm sau|sau đó (?:một|hai|ba|vài) ngày|cùng thời điểm|trước đó một ngày|cũng liên quan|"
    r"(?:ở|trong) (?:một )?diễn biến (?:khác|liên quan)|tại một địa phương khác|ở một địa phương khác|"
    r"ở địa phương khác|cũng trong tuần|trong tuần qua)\b"
)
EARLIER_BUST_CUE = re.compile(
    r"^\W*trước đó(?=,?\s*(?:vào\s+)?(?:khoảng\s+)?(?:\d|ngày|sáng|trưa|chiều|tối|đêm|rạng sáng|hôm|lúc))"
)
"""'Trước đó, tối 9/3, ...' after a bust told with its figures: an earlier bust. After a lead that only
reports the day's news ('ngày 15/3 cho biết đã bắt ...') it is the same bust's story."""
EXTENSION_CUE = re.compile(
    r"^\W*(?:(?:khoảng \d+ giờ(?: \d+)? )?(?:ngày|sáng|trưa|chiều|tối|đêm|rạng sáng|hôm) (?:hôm sau|sau đó|[\d/.-]+),?\s*)?"
    r"(?:mở rộng (?:điều tra|vụ án|chuyên án|đấu tranh)|(?:từ|theo|căn cứ|dựa vào|qua) lời khai|"
    r"qua (?:đấu tranh|khai thác)|tiếp tục (?:đấu tranh|khám xét|điều tra|mở rộng|truy xét)|"
    r"khám xét (?:khẩn cấp )?(?:nơi ở|chỗ ở|nhà))\b"
)
"""'Mở rộng điều tra, ngày 16/8, ... thu thêm', 'Từ lời khai của Sính, ngày 18/8, ... bắt': the same
bust (or operation) told on, on a later day — one event with the operation's figures, unless it
takes place in another province."""
EXTENSION_WORDS = ("bắt tiếp", "bắt thêm", "bắt giữ thêm", "bắt giữ tiếp", "tiếp tục bắt giữ", "tiếp tục bắt", "bắt nốt")
EXTENSION_VERB = re.compile(rf"\b{words_pattern(EXTENSION_WORDS)}\b")
EXTENSION_GATE = words_gate(EXTENSION_WORDS)
"""'trinh sát bắt tiếp Hà Văn Tuấn': more arrests of the same operation."""
SAME_DAY_CUE = re.compile(r"\W*(?:cùng ngày|cũng ngày|trong ngày|cùng thời gian)\b"
)
FOREIGN_AREA = re.compile(r"(?:tại|trên) (?:địa bàn|khu vực)? ?(?:ngoại biên|nước bạn|bên kia biên giới|các tỉnh (?:bắc|nam|trung) lào)")
LOCATIVE_BEFORE = re.compile(
    r"(?:\btại|\btrên địa bàn|\btrên địa phận|\bđịa phận|\bkhu vực|\bthuộc|\bđịa bàn|\bđoạn qua|\bqua|"
    r"\bcửa khẩu|\bvùng biên giới|\bbiên giới)\s+(?:[^\s;.()]+\s+){0,8}$"
)
"""Words that put the place right after them where something happened ("tại bản X, huyện Y, tỉnh Z")."""
RESIDENCE_BEFORE = re.compile(
    r"(?:\btrú|\bngụ|\bquê|\bhộ khẩu|\bthường trú|\btạm trú|\bsinh năm \d{4},?\s*(?:ở)?|\bsn \d{4},?\s*(?:ở)?|"
    r"\btuổi,\s*(?:ở)?|\bngười ở|\bcủa một người ở|\bnơi ở|\bđến từ|\bquốc tịch|\bcư trú|\bở\b(?=[^()]*\)))"
    r"[^.;()]{0,40}$"
)
ORIGIN_BEFORE = re.compile(
    r"(?:\btừ|\bvề|\bsang|\bđi|\bmua[^.;]{0,30}(?:ở|tại)|\btuyến|\bliên tỉnh|\bgiữa|"
    r"\b(?:giao|bán|chuyển|tiêu thụ|nhận)[^.;]{0,30}(?:ở|tại|cho)|\bđến|\bvào)\s+(?:[^\s,;.()]+\s+){0,3}$"
)
"""Where drugs came from or were going: not the place of seizure."""

OTHER_CRIME = re.compile(
    r"\b(?:phạm pháp hình sự|hình sự|kinh tế|đánh bạc|tệ nạn xã hội|giao thông|môi trường|buôn lậu|mại dâm|"
    r"trộm cắp|cướp|lừa đảo|tham nhũng|cháy nổ)\b"
)
"""Other crime domains: a paragraph about them without a drug word is not a seizure statement."""
MIXTURE_GAP = re.compile(r"\s*(?:,|và|hoặc|cùng|lẫn)\s*")
"""What stands between two drugs listed as one mixture."""

# --- place roles: the word that governs a place name (read by place_roles, nearest cue wins)
_PLACE_CUE_WORDS: dict[str, tuple[str, ...]] = {
    "seizure": ("tại", "ở", "trên địa bàn", "địa bàn", "địa phận", "trên địa phận", "khu vực", "thuộc",
                "đoạn qua", "đoạn thuộc", "đoạn đi qua", "gần", "vùng biên giới", "biên giới",
                "khu vực biên giới", "nội địa"),
    "residence": ("trú", "ngụ", "cư trú", "thường trú", "tạm trú", "hktt", "hộ khẩu", "quê", "quê quán", "nơi ở",
                  "sinh sống", "đến từ", "người", "quốc tịch", "dân tộc"),
    "origin": ("từ", "xuất phát từ", "mua", "lấy"),
    "other": ("giáp ranh", "giáp ranh với", "giáp với", "tiếp giáp với", "giáp biên với", "sát", "cách", "đối diện"),
    "destination": ("về", "sang", "đến", "tới", "vào", "lên", "xuống", "ra", "đi", "cho"),
    "route": ("qua", "nhập cảnh", "xuất cảnh", "quá cảnh", "trung chuyển", "tuyến", "cảnh qua", "cao tốc"),
    "agency": ("công an", "biên phòng", "bđbp", "hải quan", "cảnh sát", "csđt", "pc04", "pc47", "c04",
               "viện kiểm sát", "vksnd", "kiểm sát", "tòa án", "tand", "tòa", "ubnd", "hđnd", "ủy ban", "ban chỉ đạo",
               "bộ chỉ huy", "ban chỉ huy", "đồn", "cục", "sở", "tỉnh ủy", "huyện ủy", "thành ủy", "chi cục", "đội",
               "trạm", "phòng", "lực lượng", "bộ đội", "quân sự", "báo", "đài", "văn phòng", "hội đồng", "cơ quan",
               "blo", "đơn vị", "chức năng"),
}
PLACE_CUES: dict[str, str] = {w: role for role, words in _PLACE_CUE_WORDS.items() for w in words}
"""Cue phrase (1-3 lower-case words) -> the role it gives the place name that follows it."""
PLACE_CUE_BEFORE_LOCATIVE: dict[str, str] = {
    **{w: "residence" for w in ("trú", "ngụ", "sống", "cư trú", "thường trú", "tạm trú", "hktt", "quê", "sinh ra",
                                "sinh")},
    **{w: "origin" for w in ("mua", "nhận", "lấy")},
    **{w: "destination" for w in ("giao", "tiêu thụ", "cung cấp")},
    **{w: "agency" for w in ("đóng quân", "trụ sở", "đóng chân", "đứng chân", "làm việc")},
}
DIRECTION_BEFORE_LOCATIVE: dict[str, str] = {
    **{w: "destination" for w in ("vào", "về", "sang", "đến", "tới", "lên", "xuống", "ra")},
    "từ": "origin",
}
"""A direction right before a locative noun ('đưa vào địa bàn huyện X', 'từ khu vực biên giới X')."""
"""A word right before 'tại' / 'ở' that changes what the place is ('trú tại', 'mua ở', 'bán tại')."""
SEIZURE_VERBS_BEFORE_LOCATIVE = frozenset({
    "bắt", "bắt giữ", "bắt quả", "quả tang", "thu giữ", "thu", "phát hiện", "khám xét", "kiểm tra", "chặn", "bắt khẩn",
    "khống chế", "vây bắt", "phục kích", "mật phục", "triệt phá", "thu được", "tạm giữ",
})
"""Verbs that make the next locative the place of the seizure, whatever came before them."""

# --- text typed without diacritics: the phrases the rules read, restored before reading
# (accented phrase, context): context "any", or where an ambiguous phrase is settled:
# "before_number" ("hon 2 kg" = hơn), "after_number" ("3 vu" = vụ), "before_name" ("tinh Son La" = tỉnh).
_ANY = (
    # drugs (longest phrases first is not needed: the restorer tries longest matches first)
    "ma túy", "ma tuý", "ma túy đá", "ma túy tổng hợp", "ma túy các loại", "ma túy dạng đá", "chất ma túy",
    "hồng phiến", "thuốc lắc", "thuốc phiện", "nhựa thuốc phiện", "cần sa", "cỏ mỹ", "hàng cấm", "tinh thể",
    "dạng đá", "dạng heroin", "dạng viên", "dạng bột", "hê rô in", "ma túy tổng hợp dạng đá", "nghi là",
    # counted nouns
    "đối tượng", "bị can", "bị cáo", "nghi phạm", "nghi can", "đồng phạm", "vụ án", "vụ việc", "chuyên án",
    "thanh niên", "phụ nữ", "người đàn ông", "người phụ nữ", "người nước ngoài", "hành khách", "hành khách này",
    "nhân viên", "tài xế", "du khách", "bị tạm giữ", "đã bị tạm giữ", "quốc tịch", "một",
    # hedges and totals
    "khoảng", "xấp xỉ", "ít nhất", "tối thiểu", "ước tính", "tổng cộng", "tổng số", "tổng trọng lượng",
    "trọng lượng", "khối lượng", "cân nặng", "cân được", "nặng", "toàn bộ", "tính chung", "trong đó",
    "cụ thể", "so với", "cùng kỳ", "tăng", "giảm", "nghìn", "triệu", "triệu đồng", "nghìn đồng",
    # verbs
    "bắt", "bắt giữ", "bắt quả tang", "quả tang", "bắt khẩn cấp", "thu giữ", "thu được", "thu thêm",
    "phát hiện", "khám xét", "khám xét khẩn cấp", "tạm giữ", "tạm giữ hình sự", "tạm giam", "khởi tố",
    "khởi tố vụ án", "khởi tố bị can", "triệu tập", "bỏ trốn", "truy nã", "vận chuyển", "tàng trữ", "mua bán",
    "sử dụng", "dương tính", "xét nghiệm", "cai nghiện", "nghiện", "trái phép", "khống chế", "vây bắt",
    "chặn bắt", "phục kích", "mật phục", "triệt phá", "bóc gỡ", "xác lập", "kiểm tra", "xử lý", "xử phạt",
    "xét xử", "truy tố", "tuyên phạt", "tử hình", "chung thân", "năm tù", "cất giấu", "mang theo",
    "khai nhận", "thừa nhận", "tiêu thụ", "bán lẻ", "cầm đầu", "phá thành công", "phối hợp", "phối hợp với",
    "hình sự", "tội phạm hình sự", "phạm pháp hình sự", "bắt buộc", "điều trị", "người nghiện", "toàn tỉnh",
    "xảy ra", "đánh bạc", "trộm cắp", "lừa đảo", "chức năng", "quản lý",
    # places and agencies
    "tại", "ở", "trên địa bàn", "địa bàn", "địa phận", "khu vực", "đoạn qua", "thuộc", "trú", "trú tại",
    "ngụ", "ngụ tại", "thường trú", "tạm trú", "quê", "quê quán", "nơi ở", "nhập cảnh", "xuất cảnh",
    "công an", "cảnh sát", "bộ đội biên phòng", "biên phòng", "đồn biên phòng", "hải quan", "bộ chỉ huy",
    "ban chỉ huy", "cảnh sát điều tra", "tội phạm", "tội phạm về ma túy", "lực lượng", "lực lượng chức năng",
    "tổ công tác", "huyện", "thị xã", "thị trấn", "thành phố", "phường", "quận", "thôn", "xóm", "ấp",
    "tổ dân phố", "quốc lộ", "biên giới", "cửa khẩu", "nội địa", "việt nam", "lào", "campuchia", "trung quốc",
    "nhà riêng", "nơi ở", "nhà trọ", "quán karaoke", "xe máy", "ô tô", "xe khách",
    # dates and periods
    "ngày", "tháng", "hôm qua", "hôm nay", "rạng sáng", "chiều", "trưa", "đêm", "lúc", "đầu năm",
    "từ đầu năm", "đến nay", "từ đầu năm đến nay", "giai đoạn", "quý", "tháng đầu năm", "cùng ngày",
    "trước đó", "sau đó", "vụ thứ nhất", "vụ thứ hai", "sinh năm", "tuổi",
)
_BEFORE_NUMBER = ("hơn", "gần", "trên", "chừng", "năm", "sáng", "tối", "ngày", "vào", "khoảng", "từ", "đến",
                  "mùng", "lên", "còn", "được", "thêm")
_AFTER_NUMBER = ("vụ", "viên", "bánh", "gói", "túi", "tép", "liều", "bọc", "ký", "tấn", "tạ", "người", "gam", "đồng",
                 "nghìn", "triệu", "tỷ", "ngàn", "cây", "lọ", "hộp", "bao", "năm", "tuổi", "tháng", "ngày",
                 "đối tượng", "bị can", "vụ án", "chuyên án", "lần", "chiếc", "kg")
_BEFORE_NAME = ("mời", "tỉnh", "xã", "bản", "nước", "quận", "phường", "sông", "đèo", "đồn", "bến", "chợ", "cầu", "bà",
                "ông", "anh", "chị", "tên", "đường", "phố", "làng")
UNACCENTED_PHRASES: tuple[tuple[str, str], ...] = (
    tuple((p, "any") for p in _ANY)
    + tuple((p, "before_number") for p in _BEFORE_NUMBER)
    + tuple((p, "after_number") for p in _AFTER_NUMBER)
    + tuple((p, "before_name") for p in _BEFORE_NAME)
)
"""Phrases restored in text typed without diacritics (``diacritics.restore``), with their context."""
SUM_OF_BUSTS_CUE = re.compile(
    r"\b(?:tổng cộng|tính chung|tổng số|cộng lại|qua (?:hai|ba|bốn|năm|các|\d+) vụ|trong (?:hai|ba|bốn|các|\d+) vụ"
    r"(?: (?:trên|nói trên|này|việc))?|cả (?:hai|ba|bốn) vụ|từ (?:hai|ba|các) vụ|hai vụ (?:trên|nói trên|việc trên))\b"
)
"""A figure that adds up the busts just told ("Tổng cộng, qua hai vụ, ...")."""

# --- substances described before they are named ('4 túi chứa tinh thể màu trắng ... khai là ma túy đá')
SUBSTANCE = re.compile(r"(?:chất |khối |cục )?(?P<substance>tinh thể|viên nén|viên nang|bột|thảo mộc|lá khô|cỏ khô|"
                       r"chất lỏng|nhựa (?:màu )?đen|nhựa)\b")
"""A substance described by its look; its drug is what the text later says it is."""
SUBSTANCE_NAMED = re.compile(
    r"(?P<substance>tinh thể|viên nén|viên nang|bột|thảo mộc|lá khô|cỏ khô|chất lỏng|nhựa)[^.;]{0,60}?"
    r"\b(?:là|chính là|được xác định là|là loại|xác định là|khai là|đều là|đó là)\s+(?:chất\s+)?(?=(?P<drug>.{0,40}))"
)
"""'số tinh thể là ma túy đá, số viên nén là thuốc lắc', 'giám định xác định đây là ...' (read by drug scan)."""
SUBSTANCES_NAMED_IN_ORDER = re.compile(r"\b(?:đó|đây|số hàng|tất cả|chúng) (?:đều )?là\s+(?:chất\s+)?")
"""'1,5 kg chất bột màu trắng và 870 viên nén ... P. khai đó là ketamine và thuốc lắc': the drugs
listed after it name the substances described before, in their order."""
SUBSTANCE_WORD = re.compile(r"\b(?:tinh thể|viên nén|viên nang|bột|thảo mộc|lá khô|cỏ khô|chất lỏng|nhựa)\b")
