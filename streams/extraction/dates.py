"""Dates and periods in Vietnamese reports, resolved against the publication date.

Day dates: "Chiều (14/4)", "ngày 3-4-2013", "13.4.2023", "ngày 10-4", "mùng 4 Tết" (lunar
dates are left undated: converting needs a lunar calendar and a wrong date is worse than
none). Periods: "năm 2021", "giai đoạn 2019 – 2021", "(2009-2019)", "6 tháng đầu năm",
"từ đầu năm đến nay", "từ năm 2011 đến nay", "quý 2 và 3 năm 2020", "tính từ ngày 2/2 đến nay",
"đến hết ngày 15-6". A period's presence also marks a statement as an aggregate.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from lunar_vn import convert_lunar_to_solar

_DAY = r"(?P<d>[0-3]?\d)"
_MON = r"(?P<m>1[0-2]|0?[1-9])"
DAY_DATE_RE = re.compile(
    r"(?P<d>\d\d?)\s?(?P<sep>[/.-])\s?(?P<m>\d{1,2})(?:(?P=sep)(?P<y>(?:19|20)\d{2}))?(?![\d]|[.,]\d)"
)
"""D/M, D-M, D.M with an optional year. It starts on a digit class (``\\d\\d?``, not ``\\d{1,2}``, which ``re``
cannot skip to) so the scan is fast; the checks a lookbehind would do (not inside a longer number) and the
ranges are made on each match."""
_DATE_CONTEXT = re.compile(
    r"(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng sáng|khuya|giờ|\dh|\dh\d\d|phút|lúc|\(|vào|từ|đến|hết|nay)\s*(?:\(|ngày\s*)?$"
)
YEAR = r"(?P<y{n}>(?:19|20)\d{{2}})"
_NOT_PERIOD_BEFORE = re.compile(r"(?:sinh|sn|cùng kỳ|so với|luật[^.;]{0,60}|kế hoạch[^.;]{0,30}|nghị định[^.;]{0,30}|"
                                r"tết[^.;]{0,20}|quyết định[^.;]{0,30}|trước|kể từ khi|từ khi)\s*(?:năm\s*)?$")


_NOT_EVENT_DATE = re.compile(
    r"(?:\b(?:kế hoạch|quyết định|công văn|chỉ thị|thông báo|nghị quyết|văn bản|thông tư|nghị định|luật|chương trình)"
    r"(?: số)?\s*[\w/.-]*\s*(?:ký |ban hành )?(?:ngày\s*)?|\b(?:nhập cảnh|xuất cảnh|sinh|ra tù|mãn hạn tù|chấp hành xong)"
    r"(?: vào)?(?: ngày)?\s*)$"
)
"""Days that are not the bust's: 'Kế hoạch số 123/KH-UBND ngày 5/3', 'nhập cảnh ngày 2/3', 'sinh ngày', 'ra tù ngày'."""


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: dt.date


@dataclass(frozen=True, slots=True)
class PeriodMention:
    start: int
    end: int
    period_start: dt.date | None
    period_end: dt.date | None


def _year_for(day: int, month: int, published: dt.date | None) -> int | None:
    """Year of a day/month without year: the publication year, or the one before if that lies ahead."""
    if published is None:
        return None
    year = published.year
    try:
        if dt.date(year, month, day) > published + dt.timedelta(days=1):
            year -= 1
    except ValueError:
        return None
    return year


_TET_RE = re.compile(r"(?:mùng|mồng|ngày) (?P<n>[1-9]|10|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười) (?:tết|tháng giêng)"
                     r"|(?:ngày )?(?P<eve>29|30) tết")
_TET_DAY = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}


def _tet_date(m: re.Match[str], published: dt.date | None) -> dt.date | None:
    """"mùng 4 Tết" -> the 4th day of the lunar year (Vietnamese calendar, UTC+7) of the report's Tết."""
    if published is None:
        return None
    try:
        if m.group("eve"):  # "30 Tết": the last days of lunar month 12, just before Tết
            year = published.year if published.month >= 3 else published.year - 1
            day = convert_lunar_to_solar(int(m.group("eve")), 12, year)
        else:
            n = int(m.group("n")) if m.group("n").isdigit() else _TET_DAY[m.group("n")]
            day = convert_lunar_to_solar(n, 1, published.year)
            if day > published + dt.timedelta(days=1):
                day = convert_lunar_to_solar(n, 1, published.year - 1)
    except ValueError:  # "30 Tết" in a year whose month 12 has 29 days
        return None
    return day


def find_dates(lower: str, published: dt.date | None, start: int = 0, end: int | None = None) -> list[DateMention]:
    """Day dates in ``lower[start:end]`` with a date context word before them (not "1/2 số vụ"),
    and lunar New Year days ("mùng 4 Tết") converted to the solar calendar."""
    out = []
    stop = len(lower) if end is None else end
    if "tết" in lower[start:stop] or "tháng giêng" in lower[start:stop]:
        for m in _TET_RE.finditer(lower, start, stop):
            value = _tet_date(m, published)
            if value is not None:
                out.append(DateMention(m.start(), m.end(), value))
    for m in DAY_DATE_RE.finditer(lower, start, stop):
        if m.start() > 0 and lower[m.start() - 1] in "0123456789.,/-":
            continue
        day, month = int(m.group("d")), int(m.group("m"))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        before = lower[max(0, m.start() - 14):m.start()]
        if not m.group("y") and not _DATE_CONTEXT.search(before):
            continue
        if _NOT_EVENT_DATE.search(lower[max(0, m.start() - 60):m.start()]):
            continue  # a plan's issue date, an entry into the country, a birthday, a release from prison
        year = int(m.group("y")) if m.group("y") else _year_for(day, month, published)
        if year is None:
            continue
        try:
            out.append(DateMention(m.start(), m.end(), dt.date(year, month, day)))
        except ValueError:
            continue
    return sorted(out, key=lambda d: d.start)


def _y(m: re.Match[str], name: str) -> int:
    return int(m.group(name))


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_PERIOD_RULES: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = [
    # (pattern, rule, words one of which the sentence must hold for the pattern to be tried)
    (re.compile(r"(?<!\d)(?=[(12])\(?" + YEAR.format(n=1) + r"\s*[-–—]\s*(?:năm\s*)?"
                + YEAR.format(n=2) + r"\)?"), "range", ("-", "–", "—")),
    (re.compile(r"từ (?:đầu )?năm " + YEAR.format(n=1) + r" (?:đến|tới) nay"), "since_year", ("nay",)),
    (re.compile(r"(?:quý|qúy) (?P<qa>[1-4]|i{1,3}|iv)(?: và (?:quý )?(?P<qb>[1-4]|i{1,3}|iv))?(?:\s*[/-]\s*|\s+)"
                r"(?:năm )?" + YEAR.format(n=1)), "quarter", ("quý", "qúy")),
    (re.compile(r"(?:quý|qúy) (?P<qa>[1-4]|i{1,3}|iv)(?: và (?:quý )?(?P<qb>[1-4]|i{1,3}|iv))?(?![\w/])"),
     "quarter_this_year", ("quý", "qúy")),
    (re.compile(r"từ (?:đầu )?tháng " + _MON.replace("m>", "ma>") + r"(?:\s*[/-]\s*(?P<ya>(?:19|20)\d{2}))? "
                r"(?:đến|tới) (?:hết |cuối )?tháng " + _MON.replace("m>", "mb>") + r"(?:\s*[/-]\s*(?P<y1>(?:19|20)\d{2}))?"),
     "month_range", ("tháng",)),
    (re.compile(r"(?<!\w)(?P<n>\d{1,2}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mười một) tháng (?:qua|vừa qua|gần đây)"),
     "months_past", ("tháng",)),
    (re.compile(r"(?<!\w)(?=[\dscbnhm])(?P<n>\d{1,2}|sáu|chín|ba|bốn|năm|hai|mười) tháng (?:đầu năm(?: "
                + YEAR.format(n=1) + ")?|(?:đầu )?(?:năm )?" + YEAR.format(n=1).replace("y1", "y2") + ")"),
     "months", ("tháng",)),
    (re.compile(r"nửa đầu năm(?: " + YEAR.format(n=1) + ")?"), "half", ("nửa đầu",)),
    (re.compile(r"(?:từ|kể từ|tính từ) đầu năm(?: " + YEAR.format(n=1) + r")?(?: (?:đến|tới) nay)?"), "ytd",
     ("đầu năm",)),
    (re.compile(r"từ ngày " + _DAY + r"\s?[/.-]\s?" + _MON + r"(?:[/.-](?P<y1>(?:19|20)\d{2}))? (?:đến|tới) nay"),
     "since_day", ("từ ngày",)),
    (re.compile(r"từ (?:ngày )?" + _DAY.replace("d>", "da>") + r"\s?[/.-]\s?" + _MON.replace("m>", "ma>")
                + r"(?:[/.-](?P<ya>(?:19|20)\d{2}))? (?:đến|tới) (?:hết )?(?:ngày )?" + _DAY + r"\s?[/.-]\s?" + _MON
                + r"(?:[/.-](?P<y1>(?:19|20)\d{2}))?"), "day_range", ("từ",)),
    (re.compile(r"tháng " + _MON + r"\s?[/.-]\s?" + YEAR.format(n=1)), "month", ("tháng",)),
    (re.compile(r"(?:trong|riêng) tháng " + _MON + r"(?![\d/.-])"), "month_this_year", ("tháng",)),
    (re.compile(r"năm " + YEAR.format(n=1)), "year", ("năm",)),
    (re.compile(r"(?:từ trước đến nay|đến nay|thời gian qua|những năm qua|nhiều năm qua|năm qua)"), "open",
     ("nay", "qua")),
]
_PERIOD_END_RE = re.compile(r"(?:đến hết|tính đến|đến) (?:ngày )?" + _DAY + r"\s?[/.-]\s?" + _MON
                            + r"(?:[/.-](?P<y1>(?:19|20)\d{2}))?")
MIN_PERIOD_DAYS = 28
"""A day range shorter than this tells a bust's days, not a reporting period."""
_WORD_MONTHS = {"hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
                "mười một": 11}


_PERIOD_GATE = re.compile(r"19\d\d|20\d\d|nay|năm|quý|qua|đến|tháng")
"""Every period rule needs one of these: sentences without them skip the ten period scans. (Each branch
begins with a letter or digit of its own, so ``re`` skips to those instead of trying every position.)"""
_PERIOD_NEEDS = tuple(sorted({word for _, _, needs in _PERIOD_RULES for word in needs}))
"""Every word a period rule needs: looked for once per sentence, not once per rule."""


def find_periods(lower: str, published: dt.date | None, start: int = 0, end: int | None = None) -> list[PeriodMention]:
    """Period expressions in ``lower[start:end]``, most specific first at each position."""
    stop = len(lower) if end is None else end
    if not _PERIOD_GATE.search(lower, start, stop):
        return []
    found: list[PeriodMention] = []
    taken: list[tuple[int, int]] = []
    sentence = lower[start:stop]
    present = {word for word in _PERIOD_NEEDS if word in sentence}
    for rx, rule, needs in _PERIOD_RULES:
        if present.isdisjoint(needs):
            continue  # a substring test is far cheaper than a regex scan that cannot match
        for m in rx.finditer(lower, start, stop):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            if _NOT_PERIOD_BEFORE.search(lower[max(0, m.start() - 70):m.start()]):
                continue
            bounds = _bounds(rule, m, published)
            if bounds is None:
                continue
            found.append(PeriodMention(m.start(), m.end(), *bounds))
            taken.append((m.start(), m.end()))
    for m in _PERIOD_END_RE.finditer(lower, start, stop) if "đến" in sentence else ():  # "đến hết 15-6"
        if any(a <= m.start() < b for a, b in taken):
            continue
        day, month = int(m.group("d")), int(m.group("m"))
        year = int(m.group("y1")) if m.group("y1") else _year_for(day, month, published)
        if year is None:
            continue
        try:
            found.append(PeriodMention(m.start(), m.end(), None, dt.date(year, month, day)))
        except ValueError:
            pass
    return sorted(found, key=lambda p: p.start)


def _bounds(rule: str, m: re.Match[str], published: dt.date | None) -> tuple[dt.date | None, dt.date | None] | None:
    pub_year = published.year if published else None
    clamp = (lambda d: min(d, published) if published else d)
    if rule == "range":
        a, b = _y(m, "y1"), _y(m, "y2")
        if not a <= b or b - a > 30:
            return None
        return dt.date(a, 1, 1), clamp(dt.date(b, 12, 31))
    if rule == "since_year":
        return dt.date(_y(m, "y1"), 1, 1), published
    if rule == "quarter":
        year = _y(m, "y1")
        roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
        qa = int(roman.get(m.group("qa"), m.group("qa")))
        qb = int(roman.get(m.group("qb"), m.group("qb"))) if m.group("qb") else qa
        return dt.date(year, 3 * qa - 2, 1), _month_end(year, 3 * qb)
    if rule == "quarter_this_year":
        if published is None:
            return None
        roman = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
        qa = int(roman.get(m.group("qa"), m.group("qa")))
        qb = int(roman.get(m.group("qb"), m.group("qb"))) if m.group("qb") else qa
        year = published.year if dt.date(published.year, 3 * qa - 2, 1) <= published else published.year - 1
        return dt.date(year, 3 * qa - 2, 1), _month_end(year, 3 * qb)
    if rule == "month_range":
        ma, mb = int(m.group("ma")), int(m.group("mb"))
        year = int(m.group("y1") or m.group("ya") or 0) or pub_year
        if year is None or ma > mb:
            return None
        return dt.date(year, ma, 1), clamp(_month_end(year, mb))
    if rule == "months_past":
        raw = m.group("n")
        n = int(raw) if raw.isdigit() else _WORD_MONTHS.get(raw, 0)
        if published is None or not 1 <= n <= 12:
            return None
        return dt.date(published.year, 1, 1), clamp(_month_end(published.year, n))
    if rule == "month_this_year":
        if published is None:
            return None
        month = int(m.group("m"))
        year = published.year if month <= published.month else published.year - 1
        return dt.date(year, month, 1), _month_end(year, month)
    if rule == "months":
        raw = m.group("n")
        n = int(raw) if raw.isdigit() else _WORD_MONTHS.get(raw, 0)
        written = m.group("y1") or m.group("y2")
        year = int(written) if written else pub_year
        if not 1 <= n <= 12 or year is None:
            return None
        return dt.date(year, 1, 1), _month_end(year, n)
    if rule == "half":
        year = int(m.group("y1")) if m.group("y1") else pub_year
        return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if year else None
    if rule == "ytd":
        year = int(m.group("y1")) if m.group("y1") else pub_year
        return (dt.date(year, 1, 1), published) if year else None
    if rule == "since_day":
        day, month = int(m.group("d")), int(m.group("m"))
        year = int(m.group("y1")) if m.group("y1") else _year_for(day, month, published)
        if year is None:
            return None
        try:
            return dt.date(year, month, day), published
        except ValueError:
            return None
    if rule == "day_range":
        y_end = int(m.group("y1")) if m.group("y1") else pub_year
        if y_end is None:
            return None
        try:
            end = dt.date(y_end, int(m.group("m")), int(m.group("d")))
            start = dt.date(int(m.group("ya")) if m.group("ya") else y_end, int(m.group("ma")), int(m.group("da")))
            if start > end and not m.group("ya"):
                start = start.replace(year=start.year - 1)  # 'từ 15/12 đến 14/6/2024' starts the year before
        except ValueError:
            return None
        # a reporting period runs for weeks; 'từ ngày 3/5 đến 5/5' in a bust's story is a stake-out, not a period
        return (start, end) if (end - start).days >= MIN_PERIOD_DAYS else None
    if rule == "month":
        year, month = _y(m, "y1"), int(m.group("m"))
        return dt.date(year, month, 1), _month_end(year, month)
    if rule == "year":
        year = _y(m, "y1")
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if rule == "open":
        return None, published
    return None
