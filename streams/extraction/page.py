"""The page pass: which lines of a scraped article are the article, and which are the page around it.

Press pages arrive as a scraper delivers them: the headline repeated at the top of the
body, a date-time line, a lead that restates the bust, photo captions ("Tang vật thu
giữ. Ảnh: CACC"), sub-headings, bylines, "Tin liên quan" link lists (headlines of *other*
articles, often with figures of other busts), share buttons and view counters. Only the
lead and the body make statements; everything else either restates them or is not about
this article at all, so its figures must never become events.

``page_blocks`` labels every non-empty line with one role and the reason it got it, so
``extract --explain`` can show why a line was read or skipped. Pure and linear in the
text length; it works on the normalised lower-case text (``normalize``), offsets are the
same as in the normalised text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Role = Literal["lead", "body", "headline", "dateline", "caption", "subhead", "byline", "related", "furniture", "teaser"]

READ_ROLES: frozenset[str] = frozenset({"lead", "body"})
"""Roles whose sentences make statements; the others are skipped by the sentence pass."""


@dataclass(frozen=True, slots=True)
class Block:
    """One line of the page: ``text[start:end]`` (normalised offsets), its role and why."""

    start: int
    end: int
    role: Role
    reason: str

    @property
    def read(self) -> bool:
        return self.role in READ_ROLES


_RELATED_HEAD = re.compile(
    r"^\W*(?:các\s+|những\s+)?(?:(?:tin|bài|tin bài|tin tức)(?: viết)?(?: liên quan| cùng chuyên mục| cùng chủ đề| khác| mới|"
    r" nổi bật| đọc nhiều| đã đưa| đã đăng| cũ hơn| mới hơn| xem nhiều)|xem thêm|đọc thêm|xem tiếp|"
    r"có thể bạn quan tâm|có thể bạn muốn xem|video liên quan|bạn đọc quan tâm|mời (?:quý )?(?:bạn|độc giả) xem)\b"
)
_RELATED_HEAD_INLINE = re.compile(_RELATED_HEAD.pattern + r"\s*:")
"""'Các tin khác: Bắt đối tượng ... (16/04/2012) Triệt phá ...': the heading and its links on one line."""
_EXPLICIT_RELATED = re.compile(r"^\W*(?:tin liên quan|bài liên quan|xem thêm|đọc thêm|tin cùng chuyên mục|có thể bạn quan tâm)")
_RELATED_WORDS = re.compile(r"tin|bài|xem|đọc|quan tâm|video|mời")
"""A related-links heading holds one of these in its first words: a cheap gate before the full patterns."""
_CAPTION_WORDS = re.compile(r"ảnh|video|clip")
_RELATED_INLINE = re.compile(r"^\s*(?:>>+|»|xem thêm\s*:|đọc thêm\s*:|tin liên quan\s*:|>\s)")
_LINK_BULLET = re.compile(r"^\s*(?:[-•+*–]|>>|»)\s*\S")
_CAPTION = re.compile(
    r"(?:\(?\bảnh\s*(?:minh họa)?\s*:|\(ảnh\b|\bảnh minh họa\b|\bnguồn ảnh\b|\bảnh tư liệu\b|\bảnh chụp màn hình\b|"
    r"^\s*(?:video|clip)\s*:|\bảnh\s*:\s*[^.]{1,60}$)"
)
_DATELINE = re.compile(
    r"^\W*(?:(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|cập nhật|đăng (?:lúc|ngày)|ngày đăng)\s*[,:|-]?\s*)?"
    r"(?:ngày\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}(?:\s*[,|-]?\s*(?:lúc\s*)?\d{1,2}[:h]\d{2}(?::\d{2})?)?"
    r"(?:\s*\(?(?:gmt|utc)\s*\+\s*7\)?)?\W*$"
)
_FURNITURE = re.compile(
    r"^\W*(?:chia sẻ|bình luận|gửi bình luận|gửi bài viết|lượt xem|\d+\W*$|\d[\d.,]*\s*(?:lượt (?:xem|thích|chia sẻ)|bình luận)|"
    r"tags?\s*:|từ khóa\s*:|in bài|gửi bài|lưu bài|cỡ chữ|font chữ|quay lại|trở về đầu trang|theo dõi .{0,40} trên|"
    r"\*?\s*mời quý độc giả|bản quyền|copyright|thích\s*$|chia sẻ\s*$|facebook\s*$|zalo\s*$|twitter\s*$)"
)
_BYLINE_PREFIX = re.compile(r"^\W*(?:theo|nguồn|bài và ảnh|bài, ảnh|bài|ảnh|tin, ảnh|nhóm pv|pv|ctv|phóng viên)\s*[:\-–]?\s")
_FIELD_LINE = re.compile(r"^\W*[^\d:]{2,40}:\s*\S")
"""'Thời gian: ...', 'Tang vật: ...': a line of a structured field report, not a caption."""
_TERMINAL = ".!?:;…\"”’)]"
_WORD = re.compile(r"[0-9a-zà-ỹđ]+")


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def _same_as_title(line: str, title_words: set[str]) -> bool:
    """A body line that repeats the headline (scrapers copy it), allowing small edits."""
    if not title_words or len(line) > 12 * len(title_words) + 40:
        return False
    words = set(_words(line))
    if not words or len(words) > 2 * len(title_words) + 2:
        return False
    overlap = len(words & title_words)
    return overlap >= 0.8 * len(title_words) and overlap >= 0.8 * len(words)


def _is_prose(line: str) -> bool:
    stripped = line.rstrip()
    return len(stripped) >= 100 and stripped[-1:] in _TERMINAL


def page_blocks(text: str, lower: str, title_lower: str | None = None) -> list[Block]:
    """Every non-empty line of ``text`` with its role (see the module docstring)."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            lines.append((a, b))
        pos = end + 1
    prose = sum(1 for a, b in lines if _is_prose(lower[a:b]))
    listing = bool(title_lower and _LISTING_TITLE.search(title_lower))  # a tag page's heading is no link list
    title_words = set(_words(title_lower or ""))
    blocks: list[Block] = []
    in_related = False
    seen_body = False
    for n, (a, b) in enumerate(lines):
        line = lower[a:b]
        role: Role
        if in_related:
            if _FURNITURE.match(line) and len(line) < 120:
                blocks.append(Block(a, b, "furniture", "page furniture (share, comments, tags, counters)"))
                continue
            if _is_prose(line) and not _LINK_BULLET.match(line):
                in_related = False
            else:
                blocks.append(Block(a, b, "related", "a line of the related-links list"))
                continue
        maybe_related = _RELATED_WORDS.search(line, 0, 40) is not None
        if listing and maybe_related and not _EXPLICIT_RELATED.match(line):
            maybe_related = False
        if maybe_related and _RELATED_HEAD_INLINE.match(line):
            in_related = True
            role, reason = "related", "related-links heading with its links"
        elif maybe_related and _RELATED_HEAD.match(line) and len(line) < 80:
            in_related = True
            role, reason = "related", "related-links heading"
        elif _RELATED_INLINE.match(line):
            role, reason = "related", "an inline link to another article"
        elif _FURNITURE.match(line) and len(line) < 120:
            role, reason = "furniture", "page furniture (share, comments, tags, counters)"
        elif len(line) < 80 and text[a:b].isupper() and not any(c.isdigit() for c in line):
            role, reason = "furniture", "a section label in capitals ('THỜI SỰ - AN NINH TRẬT TỰ')"
        elif _DATELINE.match(line):
            role, reason = "dateline", "a date-time line"
        elif _same_as_title(line, title_words) and not _is_prose(line):
            role, reason = "headline", "repeats the headline"
        elif len(line) < 400 and _CAPTION_WORDS.search(line) and _CAPTION.search(line):
            role, reason = "caption", "a photo or video caption"
        elif _is_byline(text[a:b], line):
            role, reason = "byline", "a byline or source line"
        elif (prose >= 2 and seen_body and len(line) < 160 and line[-1:] not in _TERMINAL
              and not _is_field_line(text[a:b])):
            role, reason = "subhead", "a short unpunctuated line between paragraphs (sub-heading or caption)"
        else:
            role = "body" if seen_body else "lead"
            reason = "the first paragraph of the article" if role == "lead" else "article text"
            seen_body = True
        if role == "headline" and n > 0 and blocks and blocks[-1].role in READ_ROLES:
            role, reason = "subhead", "repeats the headline inside the article"
        blocks.append(Block(a, b, role, reason))
    return blocks


def _is_field_line(original: str) -> bool:
    """'Thời gian: ...', 'Tang vật: ...' (a field of a structured report), not 'Lai Châu: Thu giữ ...'
    (a headline's place prefix, every word capitalised)."""
    m = _FIELD_LINE.match(original.lower())
    if m is None:
        return False
    key = original[:original.index(":")].split()
    place_like = len(key) > 1 or (len(key) == 1 and sum(c.isupper() for c in key[0]) >= 2)  # 'TP.HCM:'
    return not (key and all(w[:1].isupper() for w in key if w[:1].isalpha()) and place_like)


def _is_byline(original: str, line: str) -> bool:
    """'Minh Anh', 'NGỌC LINH', 'Theo TTXVN', 'Nguồn: VTC': short, no figures, a name or a source."""
    if len(line) > 60 or any(c.isdigit() for c in line) or line[-1:] in ".!?;:":
        return False
    if _BYLINE_PREFIX.match(line) and len(line.split()) <= 8:
        return True
    words = original.split()
    if not 1 <= len(words) <= 5:
        return False
    return all(w[:1].isupper() for w in words if w[:1].isalpha())


_LISTING_TITLE = re.compile(r"(?:tin tức|tin mới|\btags?\b|chủ đề|chuyên mục|kết quả tìm kiếm|tìm kiếm|tin hoạt động|"
                            r"tin hình ảnh|tổng hợp tin|trang \d)")
_BREADCRUMB = re.compile(r"(?:[›»]|\s>\s|^\W*(?:tags?|chủ đề|tìm kiếm|từ khóa)\s*:|trang chủ)")
MIN_TEASERS = 3
"""A listing page strings together at least this many article teasers (headline + summary)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One teaser of a listing page: its headline line and the blocks of its summary."""

    headline: Block | None  # None: a teaser written on one line, headline and summary together
    blocks: tuple[Block, ...]


def listing_segments(blocks: list[Block], text: str, lower: str, title_lower: str | None) -> list[Segment] | None:
    """The teasers of a tag, topic or search page (several busts of several provinces on one page), or
    None for an article. Each teaser is read on its own, its headline as its title: a listing page is
    not one story, and its teasers share neither place nor date."""
    signal = bool(title_lower and _LISTING_TITLE.search(title_lower)) or any(
        _BREADCRUMB.search(lower, b.start, min(b.end, b.start + 200)) for b in blocks[:4])
    if not signal:
        return None
    segments: list[Segment] = []
    head: Block | None = None
    body: list[Block] = []
    for b in blocks:
        line = lower[b.start:b.end]
        headline_like = (b.role in ("lead", "subhead", "body", "headline") and len(line) < 200
                         and line[-1:] not in _TERMINAL and len(line.split()) >= 4
                         and not _BREADCRUMB.search(line) and not _is_field_line(text[b.start:b.end]))
        prose = b.role in ("lead", "body", "subhead") and (line[-1:] in _TERMINAL or len(line) >= 100)
        if headline_like:
            if body:
                segments.append(Segment(head, tuple(body)))
            head, body = b, []
        elif prose:
            if body and head is None:  # a teaser on one line ('headline TPO - summary'): its own story
                segments.append(Segment(None, tuple(body)))
                body = []
            body.append(Block(b.start, b.end, "body", "a teaser's summary on a listing page"))
    if body:
        segments.append(Segment(head, tuple(body)))
    return segments if len(segments) >= MIN_TEASERS else None
