"""Figures inside one sentence: drug quantities, counts of cases / suspects / operations, and
the people named as arrested. Pure functions over the normalised lower-case text.

Each mention keeps its offsets (in normalised text) so the event can cite its evidence.
Rejection rules live here too: prices ("160 triệu đồng/01 bánh"), bullets ("16 viên đạn"),
year-on-year deltas ("tăng 5 vụ"), people who are not suspects ("100 người tham dự").
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from streams.extraction import lexicon as lx
from streams.extraction.diacritics import fold
from streams.extraction.gates import gated_search, words_gate
from streams.extraction.numbers import (
    FIRST_NUMBER_WORDS,
    NUMBER_PATTERN,
    SCALE,
    WORD_NUMBER_PATTERN,
    apply_scale,
    parse_number,
    parse_word_number,
)

_NUM = rf"(?<![\w.,])(?:{NUMBER_PATTERN}|{WORD_NUMBER_PATTERN})"
"""A number at a word start: the lookbehind rejects most positions before the alternation is tried."""
_NUMBER_START = re.compile(rf"(?<![\w.,])(?:\d|{'|'.join(FIRST_NUMBER_WORDS)})")
"""Where a ``_NUM`` can begin: a digit or the first word of a number in words, at a word start."""
_SCALE = "|".join(SCALE)
QUANTITY_RE = re.compile(
    rf"(?P<num>{_NUM})\s*(?:(?P<scale>{_SCALE})\s+)?(?P<unit>{lx.UNIT_PATTERN})(?![a-zà-ỹđ\d])"
)
COUNT_RE = re.compile(
    rf"(?P<num>{_NUM})\s+(?P<unit>chuyên án|{lx.CASE_UNIT}|{lx.PERSON_UNIT})(?![a-zà-ỹđ])"
)
_QUALIFIER_BEFORE = re.compile(rf"(?:^|(?<=[^a-zà-ỹđ]))(?P<qual>{lx.QUALIFIER_PATTERN})\s+$")
"""A hedge right before a number ("hơn 390 kg"); looked up after the number matched, so the scan
for numbers can start on a digit instead of trying every hedge at every position."""


_last_numbers: tuple[str, list[int]] | None = None


def _number_starts(lower: str) -> list[int]:
    """The offsets where ``_NUMBER_START`` matches in ``lower``, found once per text (one slot, like ``drugs_in``)."""
    global _last_numbers
    memo = _last_numbers
    if memo is None or memo[0] is not lower:
        memo = _last_numbers = (lower, [m.start() for m in _NUMBER_START.finditer(lower)])
    return memo[1]


def _figures_at_numbers(rx: re.Pattern[str], lower: str, start: int, end: int) -> list[re.Match[str]]:
    """``list(rx.finditer(lower, start, end))`` for a figure pattern that begins with ``_NUM``: tried only
    where a number begins instead of at every character (the same matches, left to right, not overlapping)."""
    starts = _number_starts(lower)
    out: list[re.Match[str]] = []
    pos = start
    for i in range(bisect_left(starts, start), len(starts)):
        at = starts[i]
        if at >= end:
            break
        if at >= pos and (m := rx.match(lower, at, end)) is not None:
            out.append(m)
            pos = m.end()
    return out


def _qualifier(lower: str, start: int, floor: int) -> tuple[str, int]:
    """(qualifier, start of the figure including its hedge) for a number starting at ``start``."""
    m = _QUALIFIER_BEFORE.search(lower, max(floor, start - 14), start)
    if m is None:
        return "exact", start
    return lx.QUALIFIER_OF[m.group("qual")], m.start("qual")


SUSPECT_PHRASE_RE = re.compile(
    rf"số (?:người|đối tượng|bị can|nghi phạm) bị (?:bắt(?: giữ)?|khởi tố|tạm giữ)(?:[^.;\d]{{0,30}}?)"
    rf"(?: là| lên| tới)?\s+(?P<num>{_NUM})(?!\s*(?:%|vụ))"
)
TOTAL_SUSPECTS_RE = re.compile(
    rf"nâng tổng số (?:người|đối tượng|bị can)[^.;\d]{{0,60}}? lên (?:thành )?(?P<num>{_NUM})(?!\s*(?:vụ|%))"
)
_PRICE_BEFORE = re.compile(r"(?:đồng\s*/\s*|/\s*|\bgiá\s*|\bmỗi\s*)$")
_MONEY_BEFORE = re.compile(r"(?:đồng\s*/\s*|\bgiá\s*|\bmỗi\s*)$")
_WEIGHT_BEFORE = re.compile(r"(?:nặng|khối lượng|trọng lượng|cân được|cân nặng)\s*(?:tổng cộng\s*|tổng\s*|là\s*|khoảng\s*)?$")
_CASE_LINK_BEFORE = re.compile(r"(?:vụ(?: án| việc)?|chuyên án)\s*(?:/|,|với|và|gồm)\s*(?:bắt\s*)?$")
_CLAUSE_BREAK = re.compile(r"[;.!?]")
_DRUG_LEADS = re.compile(r"\s*(?::|là|gồm|khoảng|có)?\s*")
"""Between a drug named first and its figure: 'heroin 2,1 gam', 'ma túy đá: 18,3 gam', 'cần sa khoảng 0,5 kg'."""
_DRUG_FOLLOWS = re.compile(r"\s*(?:[a-zà-ỹđ]+\s+){0,1}")
"""Between a figure and the drug named right after it ('12 gam heroin', '20 bánh heroin'), no comma."""
_LED_BY_BEFORE = re.compile(r"\b(?:do|bởi|cho)\s+$")
_LIST_GAP = re.compile(r"\s*(?:,|và|cùng|,\s*và)\s*")

_PRICE_GATE = words_gate(("/", "giá", "mỗi"))
_DELTA_GATE = words_gate(("tăng", "giảm", "vượt", "cùng kỳ", "hơn", "so với"))
_WEIGHT_GATE = words_gate(("nặng", "lượng", "cân"))
_TOTAL_GATE = words_gate(("tổng", "toàn bộ", "tính chung", "cả thảy", "tất cả"))
_LINK_GATE = words_gate(("vụ", "chuyên án"))
_TYPICAL_GATE = words_gate(("thường", "trung bình", "bánh"))
_ADDED_GATE = words_gate(("thêm", "tiếp", "còn thu", "trên người"))
_NOT_SEIZED_GATE = words_gate(lx.NOT_SEIZED_WORDS)


def _cued(rx: re.Pattern[str], gate: re.Pattern[str], window: str) -> bool:
    """``rx.search(window)``, skipped when none of the words it needs is in the window: one literal scan
    (``gates.words_gate``) costs a fraction of a regex that must be tried at every position of the window."""
    return gate.search(window) is not None and rx.search(window) is not None

UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
NAME_RE = re.compile(rf"(?<![{UPPER}{LOWER}])(?:[{UPPER}][{LOWER}]+|[{UPPER}](?=\s+[{UPPER}][{LOWER}]))"
                     rf"(?:\s+[{UPPER}][{LOWER}]*){{1,5}}(?![{LOWER}{UPPER}])")
"""A person's name: two to six capitalised syllables; the first may be a lone letter ('A Thương', 'Y Bin')."""
_NAME_PAREN_AFTER = re.compile(r"\s*(?:\(\s*(?:sn\b|sinh năm|sinh ngày|\d{1,2} tuổi|quê|trú|ngụ|thường trú|hộ khẩu|tạm trú|ở )"
                               r"|,\s*(?:\d{1,2} tuổi|sn \d{4}|sinh năm \d{4})\b)")
"""'Lò Văn A (SN 1985', '(41 tuổi', '(trú ...', or the press's ', 39 tuổi,': a person described, as caught."""
_ARREST_BEFORE_NAME = re.compile(
    r"(?:bắt quả tang|bắt giữ|bắt khẩn cấp|chặn bắt|tạm giữ|khởi tố|khống chế|bắt|vây bắt)\s+"
    r"(?:(?:đối tượng|bị can|bà|ông|anh|chị|nữ|nam|kẻ cầm đầu là|cầm đầu là|người đàn ông)\s+)?$"
)
_FOUND_BEFORE_NAME = re.compile(r"\bphát hiện\s+(?:đối tượng\s+|bị can\s+)?$")
_POSSESSION_AFTER_NAME = re.compile(
    r"\s*(?:\([^)]{0,80}\)\s*)?,?\s*(?:đang\s+)?(?:cất giấu|tàng trữ|mang theo|mang|vận chuyển|cất|giấu|mua bán|bán)\b")
"""'phát hiện Phạm Văn Hưng (SN 1990) cất giấu ...': found holding drugs is caught."""
_JOINED_NAMES = re.compile(r"\s*(?:\([^)]{0,60}\)\s*)?(?:,|và|cùng)\s*$")
_NAME_JOIN_AFTER_AGE = re.compile(r",\s*\d{1,2} tuổi,?\s*(?:và|cùng)\s*$")
_NAME_JOIN = re.compile(r"\s*(?:,|và|cùng)\s*")
"""Between two names caught together ("bắt quả tang Vừ A Chống và Mùa A Sử")."""
_NOT_ARRESTED_BEFORE = re.compile(r"(?:triệu tập|mời|làm chứng|nhân chứng|tên là|tên|đồng chí|thuê|chủ nhà)\s+(?:[^\s]+\s+){0,2}$"
                                  r"|\b(?:vợ|chồng|mẹ|bố|cha|con|em|anh|chị|người thân|bạn gái|bạn trai)(?: [a-zà-ỹ]+)? "
                                  r"của [^.;()]{1,30}? là\s+$"
                                  r"|\b(?:ông|bà|cụ|chủ tàu là ông|chủ nhà là ông)\s+$")
"""'ông Phạm Văn Cường (53 tuổi) làm thuyền trưởng': the press calls a suspect 'đối tượng', not 'ông'."""
_OWNER_BEFORE = re.compile(r"\bcủa\s+(?:[^\s]+\s+){0,2}$")
"""'nhà của ông X', 'hành lý của X': an owner — a suspect only when the text describes him as one
('cốp xe của Phạm Hoàng Nhân (SN 1998)')."""
_SUSPECT_NAMED_BEFORE = re.compile(
    r"\b(?:đối tượng|người này|người cầm lái|người điều khiển|tài xế|hành khách này|nghi phạm)\s+"
    r"(?:khai\s+|được xác định\s+|tự khai\s+)?(?:tên\s+là|tên|là)\s+$")
"""'Đối tượng khai tên là Hoàng Văn Chiến': the one stopped gives his name — a suspect, not a stranger named."""
_NOT_A_PERSON = frozenset(
    ["công", "đồn", "bộ", "phòng", "cục", "đội", "sở", "thôn", "xã", "huyện", "tỉnh", "phường", "ấp", "bản", "tổ", "trạm", "chi", "ban", "viện", "tòa", "ủy", "hội", "đại", "thượng", "trung", "thiếu", "trung", "tướng", "tướng", "tá", "đảng", "nhà", "quốc", "thành", "quận", "thị", "khu", "cửa", "đường", "tuyến", "hải", "biên", "cảnh", "trường", "trại", "tp", "việt", "lào", "campuchia", "trung"]
)


@dataclass(slots=True)
class Quantity:
    start: int
    end: int
    value: float
    unit: str
    qualifier: str
    drug: str | None
    drug_span: tuple[int, int] | None = None
    weight_of_previous: bool = False
    is_total: bool = False
    shares_next_drug: bool = False
    container: bool = False  # a count of bags that hold the drug ('3 túi nilon chứa ...')
    added: bool = False  # found in addition ('thu thêm 12 gói'): adds to the same drug and unit
    substance: str | None = None  # described, not named ('tinh thể', 'viên nén'): the text names it later
    bag: bool = False  # bags described as wrappings ('túi nilon'): no count when their contents are weighed


@dataclass(slots=True)
class Count:
    start: int
    end: int
    field: str  # cases | suspects | operations
    value: int
    prosecution: bool = False
    is_total: bool = False


@dataclass(slots=True)
class SentenceFigures:
    quantities: list[Quantity] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    names: list[tuple[int, int, str]] = field(default_factory=list)


def _number(raw: str, *, mass: bool) -> float | None:
    word = parse_word_number(raw)
    if word is not None:
        return float(word)
    try:
        return parse_number(raw, mass=mass)
    except ValueError:
        return None


CONTENT_REACH = 150
"""How far after a count of bags the weight of their contents may still come."""
MAX_CLAUSE = 300
"""Look-back bound in characters: a clause longer than this is not one clause but run-on text
(or an attack), and unbounded look-backs would make extraction quadratic in the text length."""


def _clause_start(lower: str, start: int, floor: int) -> int:
    """Start of the clause holding position ``start`` (after the last ; . ! ? in the sentence;
    a dot between digits, as in "3.352", does not end a clause)."""
    limit = max(floor, start - MAX_CLAUSE)
    best = max(lower.rfind(";", limit, start), lower.rfind("!", limit, start), lower.rfind("?", limit, start))
    dot_end = start
    while (dot := lower.rfind(".", max(limit, best + 1), dot_end)) != -1:
        if not (dot > 0 and lower[dot - 1].isdigit()):
            best = dot
            break
        dot_end = dot
    return best + 1 if best >= limit else limit


def scan_drug_phrases(lower: str) -> list[tuple[int, int, str]]:
    """Every drug phrase of ``lower`` as (start, end, drug), left to right, not overlapping: the phrases
    ``lexicon.DRUG_RE`` would find at word starts (context forms first at a position, then the longest
    literal form), found with one trie-shaped scan instead of trying every form at every word."""
    found = [(m.start(), m.end(), lx.DRUG_OF_FORM[m.group()]) for m in _at_word_starts(lx.DRUG_LITERAL_SCAN, lower)]
    if any(g in lower for g in lx.CONTEXT_GATE):
        context = [(m.start(), m.end(), lx.DRUG_OF_CONTEXT[m.lastgroup or ""])
                   for m in lx.DRUG_CONTEXT_SCAN.finditer(lower)
                   if m.start() == 0 or not (lower[m.start() - 1].isalnum() or lower[m.start() - 1] == "_")
                   or lower[m.start()] in "\"“("]
        if context:
            found = _merge_scans(context, found)
    return found


def _at_word_starts(rx: re.Pattern[str], lower: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(lower)`` as if ``rx`` began with a look-behind for a non-word character: the matches
    at a word start, left to right, not overlapping. A pattern that begins with its words lets ``re`` skip
    to their first letters; with the look-behind in front it is tried at every character. A match inside
    a word is dropped and the search goes on from the next character, as the look-behind version would."""
    pos = 0
    while (m := rx.search(lower, pos)) is not None:
        at = m.start()
        if at and (lower[at - 1].isalnum() or lower[at - 1] == "_"):  # \w before: not a word start
            pos = at + 1
            continue
        yield m
        pos = m.end()


def _merge_scans(first: list[tuple[int, int, str]], second: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Left to right without overlaps; at one start the context form wins (it comes first in DRUG_RE)."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for m in sorted(first + second, key=lambda f: (f[0], f not in first)):
        if m[0] >= pos:
            out.append(m)
            pos = m[1]
    return out


def find_drugs(lower: str) -> list[tuple[int, int, str]]:
    """Every drug phrase of ``lower`` as (start, end, drug); a generic word followed by the specific drug
    ('ma túy dạng heroin', 'ma túy tổng hợp (hồng phiến)') is one phrase of the specific drug."""
    out = []
    phrases = scan_drug_phrases(lower)
    skip_to = -1
    for i, (start, end, drug) in enumerate(phrases):
        if start < skip_to:
            continue
        if drug in lx.GENERIC_DRUGS and i + 1 < len(phrases):
            q = lx.DRUG_QUALIFIED.match(lower, end)
            nxt = phrases[i + 1]
            if q is not None and nxt[0] == q.end() and nxt[2] not in lx.GENERIC_DRUGS:
                out.append((start, nxt[1], nxt[2]))
                skip_to = nxt[1]
                continue
        out.append((start, end, drug))
    return out


class DrugIndex:
    """All drug phrases of one text, found in a single pass and looked up by range (bisect).

    The figure finders ask "which drugs between here and there?" many times per sentence;
    scanning the drug alternation once per text instead of once per window is what keeps
    extraction above a thousand articles a second.
    """

    __slots__ = ("found", "starts", "text")

    def __init__(self, lower: str) -> None:
        self.text = lower
        self.found = find_drugs(lower)
        self.starts = [f[0] for f in self.found]

    def between(self, start: int, end: int) -> list[tuple[int, int, str]]:
        i = bisect_left(self.starts, start)
        out = []
        while i < len(self.found) and self.found[i][1] <= end:
            out.append(self.found[i])
            i += 1
        return out


_last_index: DrugIndex | None = None


def drugs_in(lower: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Drug phrases lying in ``lower[start:end]`` as (start, end, drug); memoised per text (one slot)."""
    global _last_index
    if _last_index is None or _last_index.text is not lower:
        _last_index = DrugIndex(lower)
    return _last_index.between(start, end)


def _backward_drug(lower: str, floor: int, start: int) -> tuple[str, tuple[int, int]] | None:
    """The drug named last before a figure; two drugs listed together before one weight
    ("Ketamine và Methamphetamine, nặng tổng cộng 2,8kg") make a mixture (unspecified)."""
    found = drugs_in(lower, floor, start)
    if not found:
        return None
    last = found[-1]
    if len(found) >= 2:
        prev = found[-2]
        if prev[2] != last[2] and lx.MIXTURE_GAP.fullmatch(lower, prev[1], last[0]):
            return "unspecified", (prev[0], last[1])
    return last[2], (last[0], last[1])


_CONTENT_CUE = re.compile(r"\b(?:chứa|đựng|bên trong|giấu|cất giấu|phát hiện)\b")


def _goods_figure(context: str) -> bool:
    """The clause before a figure names non-drug goods last, with nothing contained in between
    ('pháo nổ ..., tổng trọng lượng 120 kg'; not 'bao thuốc lá ... 14 gói nilon chứa ... 6,35 gam')."""
    last = None
    for last in lx.NON_DRUG_GOODS.finditer(context):
        pass
    return last is not None and _CONTENT_CUE.search(context, last.end()) is None


def find_quantities(lower: str, start: int, end: int) -> list[Quantity]:
    """Drug quantities in the sentence ``lower[start:end]``."""
    matches = _figures_at_numbers(QUANTITY_RE, lower, start, end)
    hedges = [_qualifier(lower, m.start(), start) for m in matches]
    out: list[Quantity] = []
    for i, m in enumerate(matches):
        unit, factor = lx.UNIT_FORMS[m.group("unit")]
        qualifier, q_start = hedges[i]
        before = lower[max(start, q_start - 40):q_start]
        if _cued(_PRICE_BEFORE, _PRICE_GATE, before) or _cued(lx.DELTA_BEFORE, _DELTA_GATE, before):
            continue
        if lx.NON_DRUG_AFTER_UNIT.match(lower, m.end()) or lx.RATE_AFTER_UNIT.match(lower, m.end()):
            continue
        if unit == "package" and lx.EMPTY_BAG_AFTER_UNIT.match(lower, m.end()):
            continue  # empty bags, seized with the scales: no count of a drug
        holds = lx.CONTAINER_AFTER_UNIT.match(lower, m.end()) if unit == "package" else None
        container = holds is not None or (unit == "package" and bool(
            lx.CONTAINER_BEFORE_NUMBER.search(lower, max(start, q_start - 30), q_start)
            or _substance(lower, m.end()) is not None))  # '3 gói bột màu trắng': bags of what is weighed next
        if m.group("unit") == "tấn" and lower.startswith(" công", m.end()):
            continue  # "năm 2019 tấn công": a year before 'attack', not 2019 tonnes
        if _cued(lx.NOT_SEIZED_BEFORE, _NOT_SEIZED_GATE, lower[max(start, q_start - 60):q_start]):
            continue
        if ("trở" in lower[m.end():m.end() + 50] or "dưới" in lower[m.end():m.end() + 50]) and \
                lx.THRESHOLD_AFTER.match(lower, m.end(), min(end, m.end() + 60)):
            continue  # 'có khối lượng 5 kg trở lên': a legal threshold
        if _cued(lx.TYPICAL_BEFORE, _TYPICAL_GATE, lower[max(start, q_start - 50):q_start]):
            continue  # 'thường có khối lượng khoảng 350 gam': what a brick usually weighs
        value = _number(m.group("num"), mass=unit in lx.MASS_UNITS)
        if value is None or value <= 0:
            continue
        value = apply_scale(value, m.group("scale")) * factor
        nxt = hedges[i + 1][1] if i + 1 < len(matches) else end
        window_end = min(nxt, end, m.end() + 80)
        brk = _CLAUSE_BREAK.search(lower, m.end(), window_end)
        if brk:
            window_end = brk.start()
        q = Quantity(q_start, m.end(), value, unit, qualifier, None, container=container,
                     bag=unit == "package" and (container or lx.BAG_MATERIAL_AFTER_UNIT.match(lower, m.end()) is not None))
        forward = drugs_in(lower, m.end(), window_end)
        clause_floor = _clause_start(lower, q_start, start)
        before = drugs_in(lower, max(clause_floor, q_start - 40), q_start)
        led = before[-1] if before and _DRUG_LEADS.fullmatch(lower, before[-1][1], q_start) else None
        if holds is not None:  # a bag's drug is what it holds, named right after 'chứa'; else unknown
            if forward and forward[0][0] - holds.end() <= 12:
                q.drug, q.drug_span = forward[0][2], forward[0][:2]
            else:
                q.substance = _substance(lower, holds.end())
        elif led is not None and not (forward and _DRUG_FOLLOWS.fullmatch(lower, m.end(), forward[0][0])):
            q.drug, q.drug_span = led[2], led[:2]  # "ma túy đá 18,3 gam, heroin 2,1 gam": the drug before
        elif forward and forward[0][0] - m.end() <= 14:
            q.drug, q.drug_span = forward[0][2], forward[0][:2]
        elif (described := _substance(lower, m.end())) is not None:
            q.substance = described  # '1.250 viên nén màu xanh': the text says later what it is
        elif _cued(_WEIGHT_BEFORE, _WEIGHT_GATE, lower[max(start, q_start - 30):q_start]):
            q.weight_of_previous = bool(out) and out[-1].start >= clause_floor - 200
            if not q.weight_of_previous:
                back = _backward_drug(lower, clause_floor, q_start)
                if back:
                    q.drug, q.drug_span = back
        elif forward:
            specific = [d for d in forward if d[2] not in lx.GENERIC_DRUGS]
            best = specific[0] if specific else forward[0]
            q.drug, q.drug_span = best[2], best[:2]
        elif i + 1 < len(matches) and _LIST_GAP.fullmatch(lower, m.end(), nxt):
            q.shares_next_drug = True
        else:
            back = _backward_drug(lower, clause_floor, q_start)
            if back:
                q.drug, q.drug_span = back
        context = lower[clause_floor:q_start]
        if q.drug is None and not q.weight_of_previous and not q.shares_next_drug and _goods_figure(context):
            continue  # "46 hộp pháo nổ ..., tổng trọng lượng 120 kg": the fireworks' weight
        q.is_total = _cued(lx.TOTAL_CUE, _TOTAL_GATE, context)
        q.added = _cued(lx.ADDED_BEFORE, _ADDED_GATE, context[-90:])
        out.append(q)
    for i in range(len(out) - 2, -1, -1):  # "gần 2.000 viên và hơn 3 kg ma túy tổng hợp"
        if out[i].shares_next_drug and out[i].drug is None:
            out[i].drug, out[i].drug_span = out[i + 1].drug, out[i + 1].drug_span
    for i in range(len(out) - 1):  # '7 gói ... chứa ma túy đá, tổng trọng lượng 7 kg': the weight of the bags'
        nxt = out[i + 1]  # contents, whose drug the bags named (they go as a container below)
        if not (out[i].container and nxt.weight_of_previous and nxt.drug is None):
            continue
        held = drugs_in(lower, out[i].end, nxt.start)
        if held:
            nxt.drug, nxt.drug_span, nxt.weight_of_previous = held[-1][2], held[-1][:2], False
        elif out[i].drug is not None:
            nxt.drug, nxt.drug_span, nxt.weight_of_previous = out[i].drug, out[i].drug_span, False
    return [q for i, q in enumerate(out)
            if not (q.container and (_contents_measured(q, out[i + 1:], lower)
                                     or _contents_measured_before(q, out[:i], lower)))]


def _substance(lower: str, at: int) -> str | None:
    """The substance a figure or a bag is described as, right at ``at`` ('tinh thể màu trắng')."""
    m = lx.SUBSTANCE.match(lower, at + (len(lower[at:at + 3]) - len(lower[at:at + 3].lstrip())))
    return m.group("substance") if m else None


def substance_drugs(lower: str, start: int, end: int) -> list[tuple[int, str, str]]:
    """Where the text says what its described substances are, in text order: 'số tinh thể là ma túy
    đá' -> [(at, 'tinh thể', 'meth_crystal')]. A substance takes the first naming after it (two
    white powders of one page may be two drugs: '... chất bột ... là ketamine. ... 12 bánh chất bột
    ..., là cocaine')."""
    out: list[tuple[int, str, str]] = []
    if " là " not in lower[start:end]:
        return out
    for m in lx.SUBSTANCE_NAMED.finditer(lower, start, end):
        found = drugs_in(lower, m.start("drug"), m.end("drug"))
        if found and found[0][0] - m.start("drug") <= 12:
            out.append((m.start("drug"), m.group("substance"), found[0][2]))
    for m in lx.SUBSTANCES_NAMED_IN_ORDER.finditer(lower, start, end):
        out.extend(_name_in_order(lower, start, m))
    return sorted(out)


def substance_drug(names: list[tuple[int, str, str]], substance: str, at: int) -> str | None:
    """The drug the first naming of ``substance`` after ``at`` gives, else the last one before it."""
    before = None
    for pos, named, drug in names:
        if named != substance:
            continue
        if pos >= at:
            return drug
        before = drug
    return before


def _name_in_order(lower: str, start: int, m: re.Match[str]) -> list[tuple[int, str, str]]:
    """'... chất bột màu trắng và 870 viên nén ... khai đó là ketamine và thuốc lắc': the drugs
    listed right after the cue name the distinct substances described before it, one for one."""
    stop = lower.find(".", m.end())
    listed = drugs_in(lower, m.end(), len(lower) if stop < 0 else stop)
    if len(listed) < 2 or listed[0][0] != m.end():
        return []
    drugs = [listed[0][2]]
    for prev, cur in zip(listed, listed[1:]):
        if not _LIST_GAP.fullmatch(lower, prev[1], cur[0]):
            break
        drugs.append(cur[2])
    substances: list[str] = []
    for s in lx.SUBSTANCE_WORD.finditer(lower, start, m.start()):
        if s.group() not in substances:
            substances.append(s.group())
    if len(drugs) < 2 or len(substances) != len(drugs):
        return []
    return [(m.end(), substance, drug) for substance, drug in zip(substances, drugs)]


def _contents_measured_before(bag: Quantity, before: list[Quantity], lower: str) -> bool:
    """'6.000 viên hồng phiến được chia thành 30 gói nhỏ': the contents were counted just before."""
    for q in reversed(before):
        if bag.start - q.end > CONTENT_REACH or _CLAUSE_BREAK.search(lower, q.end, bag.start):
            return False
        if q.unit in ("kg", "g", "pill") and lx.CONTAINER_BEFORE_NUMBER.search(lower, max(q.end, bag.start - 30),
                                                                                bag.start):
            return True
    return False


def _contents_measured(bag: Quantity, after: list[Quantity], lower: str) -> bool:
    """A count of bags ('14 gói nilon chứa ...', 'chia vào 60 túi') says nothing more when the same
    clause gives their contents in another unit ('..., tổng trọng lượng 6,35 gam'); when it does not
    ('35 túi nhỏ chứa heroin và 0,32 kg ma túy đá'), the bags are the only count of their drug."""
    for q in after:
        if q.start - bag.end > CONTENT_REACH or _CLAUSE_BREAK.search(lower, bag.end, q.start):
            return False
        if q.unit in ("kg", "g", "pill", "brick") and (q.drug is None or bag.drug is None or q.drug == bag.drug
                                                       or q.weight_of_previous):
            if q.weight_of_previous and bag.drug is not None:  # "... chứa ma túy đá, tổng trọng lượng 25,3 kg"
                q.drug, q.drug_span, q.weight_of_previous = bag.drug, bag.drug_span, False
            elif q.weight_of_previous and bag.substance is not None:  # "... chứa tinh thể màu trắng, tổng 4,2 kg"
                q.substance, q.weight_of_previous = bag.substance, False
            return True
        if q.drug is not None and bag.drug is not None and q.drug != bag.drug:
            return False  # '150 gói nhỏ và 2 túi ma túy đá, cân được 2,04 kg': the weight is the next drug's
    return False


def find_counts(lower: str, start: int, end: int) -> list[Count]:
    """Counts of cases, suspects and operations in the sentence ``lower[start:end]``."""
    out: list[Count] = []
    for m in _figures_at_numbers(COUNT_RE, lower, start, end):
        unit = m.group("unit")
        before = lower[max(start, m.start() - 40):m.start()]
        if _cued(lx.DELTA_BEFORE, _DELTA_GATE, before) or _cued(_MONEY_BEFORE, _PRICE_GATE, before):
            continue
        value = _number(m.group("num"), mass=False)
        if value is None or value != int(value) or value <= 0:
            continue
        clause_floor = _clause_start(lower, m.start(), start)
        context = lower[clause_floor:m.start()]
        prosecution = bool(lx.PROSECUTION_VERBS.search(lower, clause_floor, min(end, m.end() + 60)))
        if unit == "chuyên án":
            out.append(Count(m.start(), m.end(), "operations", int(value), prosecution=prosecution))
        elif unit.startswith("vụ"):
            if lx.CASE_NOT_DRUG.match(lower, m.end()):
                continue
            out.append(Count(m.start(), m.end(), "cases", int(value), prosecution=prosecution))
        else:
            if lx.PERSON_NOT_SUSPECT.match(lower, m.end()):
                continue
            if _ONE_OF_BEFORE.search(before):
                continue  # 'một trong hai đối tượng ... chạy vào rừng': the group, not those caught
            if _MEMBERS_BEFORE.search(before) and any(c.field == "suspects" and c.start >= clause_floor for c in out):
                continue  # 'tạm giữ 4 người gồm chủ quán và 3 nhân viên': who the 4 are, not more people
            if _LED_BY_BEFORE.search(before):
                continue  # "do 1 đối tượng người Lào cầm đầu": the agent of a passive, not someone caught
            linked = _cued(_CASE_LINK_BEFORE, _LINK_GATE, before)
            last_arrest = None
            for last_arrest in lx.ARREST_VERBS.finditer(context[-90:]):
                pass
            last_other = None
            for last_other in lx.NOT_ARREST_VERB.finditer(context[-90:]):
                pass
            if last_other is not None and (last_arrest is None or last_other.start() > last_arrest.start()):
                last_arrest = None  # 'bắt giữ 2 đối tượng, đồng thời triệu tập 3 người khác': summoned, not caught
            after = lower[m.end():end]
            tried = unit in ("bị cáo", "bị can") and _TRIED_BEFORE.search(context[-60:]) is not None  # 'xét xử 3 bị cáo'
            arrested = linked or tried or last_arrest is not None or (
                bool(lx.ARREST_AFTER.match(after)) and not lx.NOT_ARREST_VERB.search(after[:40]))
            if not arrested:
                continue
            out.append(Count(m.start(), m.end(), "suspects", int(value),
                             prosecution=prosecution))
    for rx, total, extra, gate in _SUSPECT_PHRASES:
        if gate.search(lower, start, end) is None:
            continue
        for m in rx.finditer(lower, start, end):
            value = 1.0 if rx is lx.ONE_CAUGHT_RE else _number(m.group("num") or m.groupdict().get("num2") or "",
                                                               mass=False)
            num_start = m.start("num") if m.group("num") else m.start("num2") if "num2" in rx.groupindex else m.start()
            if value and value == int(value) and not any(c.start <= num_start < c.end for c in out):
                out.append(Count(m.start(), m.end(), "suspects", int(value) + extra, is_total=total))
    return sorted(out, key=lambda c: c.start)


_MEMBERS_BEFORE = re.compile(r"\b(?:gồm|bao gồm|gồm có)\b[^.;]{0,40}$")
_ONE_OF_BEFORE = re.compile(r"\b(?:một|1|một người|một đối tượng) trong (?:số )?$")
_TRIED_BEFORE = re.compile(r"\b(?:xét xử|truy tố|đưa ra xét xử|tuyên án|cáo trạng)\b[^.;]{0,30}$")
"""'mở phiên tòa xét xử 3 bị cáo': the defendants of a drug trial are its suspects."""


_SUSPECT_PHRASES = ((SUSPECT_PHRASE_RE, False, 0, words_gate(("số ",))),
                    (TOTAL_SUSPECTS_RE, True, 0, words_gate(("nâng tổng",))),
                    (lx.ALL_CAUGHT_RE, False, 0, words_gate(("cả ",))),
                    (lx.ACCOMPLICES_RE, False, 1, words_gate(("cùng ",))),
                    (lx.ONE_CAUGHT_RE, False, 0, words_gate(lx.ONE_CAUGHT_VERBS + lx.ONE_CAUGHT_PASSIVE)))
"""Suspects told by a phrase: (pattern, is a total, added to the number, a gate: words every match holds)."""


_SHORT_NAMES_AFTER_ARREST = re.compile(
    rf"(?:bắt quả tang|bắt giữ|bắt khẩn cấp|tạm giữ|khống chế|bắt)\s+(?:(?:đối tượng|bị can|hai đối tượng)\s+)?"
    rf"(?P<names>[{UPPER}][{LOWER}]+(?:\s*(?:,|và)\s*[{UPPER}][{LOWER}]+)+|(?:[{UPPER}]\.){{2,4}}[{UPPER}]?\.?)"
    rf"(?![{LOWER}]|\s+[{UPPER}])"
)
"""'bắt quả tang Tuấn và Nga', 'bắt giữ T.V.K.': given names alone or initials right after the arrest."""
_INITIALS_BEFORE_AGE = re.compile(rf"(?<![\w.])(?:[{UPPER}]\.){{2,4}}[{UPPER}]?\.?(?=\s*\(\s*(?:sn|sinh|\d{{1,2}} tuổi))",
                                  re.IGNORECASE)
"""'T.V.K. (SN 1990)': a person written by initials, with a birth year or an age."""
_INITIALS_GATE = words_gate(("(",))
"""The parenthesis _INITIALS_BEFORE_AGE looks ahead for: a sentence without one has no such person."""


def _short_names(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    for m in _SHORT_NAMES_AFTER_ARREST.finditer(text, start, end):
        names = m.group("names")
        base = m.start("names")
        for part in re.finditer(r"[^\s,]+(?:\.[^\s,]*)*", names):
            word = part.group()
            if word in ("và",) or word.lower() in _NOT_A_PERSON:
                continue
            out.append((base + part.start(), base + part.end(), word))
    if _INITIALS_GATE.search(text, start, end) is not None:
        for m in _INITIALS_BEFORE_AGE.finditer(text, start, end):
            out.append((m.start(), m.end(), m.group()))
    if _HANDED_OVER_GATE.search(text, start, end) is None:
        return out
    for m in _HANDED_OVER.finditer(text, start, end):
        if fold(m.group("name").split()[0]) not in _NOT_A_NAME_FOLDED:
            out.append((m.start("name"), m.end("name"), m.group("name")))
    return out


_NOT_A_NAME_START = frozenset(["hiện", "người", "đối", "cả", "hai", "ba", "họ", "hắn", "ông", "bà", "anh", "chị", "vợ", "chồng",
                               "con", "tài", "lái", "chủ", "nghi", "hành", "du", "nữ", "nam", "thanh", "số", "tất",
                               "toàn", "những", "các", "một", "mọi", "nhiều"])
"""Capitalised words that open a sentence about someone ('Người bị bắt là ...'), never a name."""
_NOT_A_NAME_FOLDED = frozenset(fold(w) for w in _NOT_A_PERSON | _NOT_A_NAME_START)
"""The same words as typed without diacritics ('Hien Thinh da bi tam giu')."""
_HANDOVER_VERBS = ("bàn giao", "chuyển giao", "di lý", "dẫn giải")
_CUSTODY_VERBS = ("tạm giữ", "bắt giữ", "bắt", "khởi tố", "tạm giam")
_HANDED_OVER = re.compile(
    rf"(?<![{LOWER}{UPPER}] )(?P<name>[{UPPER}][{LOWER}]+(?: [{UPPER}][{LOWER}]+){{0,4}}|(?:[{UPPER}]\.){{1,4}}) "
    rf"(?:đã )?(?:(?:được|bị) (?:{'|'.join(_HANDOVER_VERBS)}) (?:cho|về|đến)\b|"
    rf"bị (?:{'|'.join(_CUSTODY_VERBS)})\b)"
)
"""'Phúc đã được bàn giao cho Phòng PC04', 'S. bị tạm giữ để điều tra': the person stopped is in custody."""
_HANDED_OVER_GATE = re.compile(rf"(?:được|bị) (?:{'|'.join(_HANDOVER_VERBS + _CUSTODY_VERBS)})")
"""What every _HANDED_OVER match holds after the name: a short scan before the name pattern, which re must
try at every capital letter."""


def find_arrested_names(text: str, lower: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """People named as caught: a name followed by "(SN 1985", "(41 tuổi", "(trú ..." or right after "bắt giữ"."""
    out = _short_names(text, start, end)
    for m in NAME_RE.finditer(text, start, end):
        first = m.group().split()[0].lower()
        if first in _NOT_A_PERSON:
            continue
        before = lower[max(start, m.start() - 40):m.start()]
        described = _NAME_PAREN_AFTER.match(lower, m.end()) is not None
        caught = (described
                  or (bool(out) and (_NAME_JOIN.fullmatch(lower, out[-1][1], m.start()) is not None
                                     or _NAME_JOIN_AFTER_AGE.fullmatch(lower, out[-1][1], m.start()) is not None))
                  or _ARREST_BEFORE_NAME.search(before) is not None
                  or (_POSSESSION_AFTER_NAME.match(lower, m.end()) is not None
                      and _FOUND_BEFORE_NAME.search(before) is not None))
        # kept when caught and not blocked, or named as the one stopped ('đối tượng khai tên là X');
        # each look-back is made only when the answer still depends on it
        if not caught:
            if _SUSPECT_NAMED_BEFORE.search(before) is None:
                continue
        elif _blocked(before, described) and _SUSPECT_NAMED_BEFORE.search(before) is None:
            continue
        if not _got_away(text, lower, m, start, end):
            out.append((m.start(), m.end(), m.group()))
    return sorted({n[:2]: n for n in out}.values())


def _blocked(before: str, described: bool) -> bool:
    """A name the words before it say is no suspect: a witness, a relative, 'ông X', or an owner the
    text does not describe ('nhà của ông X')."""
    return _NOT_ARRESTED_BEFORE.search(before) is not None or (
        not described and _OWNER_BEFORE.search(before) is not None)


def _got_away(text: str, lower: str, m: re.Match[str], start: int, end: int) -> bool:
    """'Đối tượng bỏ trốn được xác định là Cầm Văn Puốn', '... Ma Văn Thiệp ... chạy vào đồi keo và bỏ
    trốn': the person's own clause says they fled or are wanted (no other name between)."""
    before = lower[max(start, m.start() - 50):m.start()]
    cut = max(before.rfind(";"), before.rfind(". "), before.rfind(", còn"))
    if lx.FLED.search(before[cut + 1:]):
        return True
    after = m.end()
    if lower.startswith(" (", after) or lower.startswith("(", after):  # '(SN 1984, trú xã X) đã ... bỏ trốn'
        close = lower.find(")", after, min(end, after + 120))
        after = close + 1 if close != -1 else after
    after_end = min(end, after + 130)
    stop = _CLAUSE_BREAK.search(lower, after, after_end)
    window_end = stop.start() if stop else after_end
    spared = gated_search(lx.NOT_ARREST_VERB, lx.NOT_ARREST_GATE, lower, after, window_end)
    if spared is not None and not lx.ARREST_VERBS.search(lower, after, spared.start()):
        return True  # 'Trần Văn Đức (SN 2001) ... bị lập biên bản xử lý hành chính': not held
    fled = lx.FLED.search(lower, after, window_end)
    if fled is None:
        return False
    between = NAME_RE.search(text, after, fled.start())  # not the place names of its own description
    # 'X (SN 1989) và Y (SN 1997) nhảy xuống sông ... bỏ trốn': names joined to this one share its fate
    return between is None or _JOINED_NAMES.match(lower, m.end(), between.start()) is not None


_SPARED_SUBJECT = re.compile(rf"\W*(?P<name>[{UPPER}][{LOWER}]+(?: [{UPPER}][{LOWER}]+){{0,4}})\b[^.;]{{0,80}}?")


def spared_names(text: str, lower: str, start: int, end: int) -> set[str]:
    """Names whose own sentence, told later, lets them go: 'Hòa được xác định là người nghiện, bị xử phạt
    hành chính', 'Dương được cho về' — the sentence opens on the name and a not-arrested verb follows
    before any arrest verb."""
    m = _SPARED_SUBJECT.match(text, start, end)
    if m is None or fold(m.group("name").split()[0]) in _NOT_A_NAME_FOLDED:
        return set()
    spared = gated_search(lx.NOT_ARREST_VERB, lx.NOT_ARREST_GATE, lower, m.end("name"), end)
    if spared is None or lx.ARREST_VERBS.search(lower, m.end("name"), spared.start()):
        return set()
    return {m.group("name")}


_NUMBER_GATE = re.compile(r"\d|\b(?:một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín|mười|nửa)\b|\bbị (?:khống chế|bắt|tạm giữ)\b")
"""Every figure has a digit or a number word ('người cầm lái bị khống chế' is one person): sentences
without one skip the figure finders."""
_NAME_GATE = re.compile(r"bắt|khống chế|tạm giữ|khởi tố|giao cho|di lý|dẫn giải|tên|\(sn|\(\s*\d|sinh năm|tuổi|trú|ngụ|phát hiện|cả ")
"""Names count as suspects only next to one of these: other sentences skip the name scan."""


def _has_digit(lower: str, start: int, end: int) -> bool:
    """A number in digits begins in ``lower[start:end]`` (read off ``_number_starts``): most sentences
    with figures pass ``_NUMBER_GATE`` this way, without a scan."""
    starts = _number_starts(lower)
    for i in range(bisect_left(starts, start), len(starts)):
        if starts[i] >= end:
            return False
        if lower[starts[i]].isdecimal():
            return True
    return False


def sentence_figures(text: str, lower: str, start: int, end: int) -> SentenceFigures:
    numbers = _has_digit(lower, start, end) or _NUMBER_GATE.search(lower, start, end) is not None
    names = find_arrested_names(text, lower, start, end) if _NAME_GATE.search(lower, start, end) else []
    if not numbers:
        return SentenceFigures([], [], names)
    quantities, counts = find_quantities(lower, start, end), find_counts(lower, start, end)
    if _TARGET_GATE.search(lower, start, end):
        quantities = [q for q in quantities if not lx.TARGET_BEFORE.search(lower, max(start, q.start - 80), q.start)]
        counts = [c for c in counts if not lx.TARGET_BEFORE.search(lower, max(start, c.start - 80), c.start)]
    return SentenceFigures(quantities, counts, names)


_TARGET_GATE = re.compile(r"phấn đấu|chỉ tiêu|mục tiêu|dự kiến|đề ra|đặt ra|phải đạt|kế hoạch năm")
"""A cheap gate before lexicon.TARGET_BEFORE (most sentences set no target)."""
