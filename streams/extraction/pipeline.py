"""From an article to its seizure events: sentences -> statements -> events.

The text is read sentence by sentence. Each sentence with figures belongs either to an
*incident* (one bust: dates, named suspects, "bắt quả tang") or to an *aggregate* (a
period or area total: "năm 2021", "giai đoạn 2019 – 2021", several cases). Sentences
without cues of their own continue the statement before them. Incident sentences are
pooled per bust (restatements merged, stated totals preferred over their parts);
aggregate sentences each give a statement (breakdowns and deltas dropped).

Everything here is pure and deterministic; the vocabulary lives in ``lexicon``, the
figure finders in ``mentions``, dates in ``dates`` and places in ``places``.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from schemas.bounds import FigureBounds
from schemas.common import MASS_FACTOR_KG, Span
from schemas.events import DroppedFigure, Seizure, SeizureEvent
from schemas.items import NewsItem
from streams.extraction import lexicon as lx
from streams.extraction.dates import DateMention, PeriodMention, find_dates, find_periods
from streams.extraction.explain import Explanation
from streams.extraction.gates import gated_search, matches_from, words_gate, words_pattern
from streams.extraction.mentions import (
    Count,
    DrugIndex,
    Quantity,
    SentenceFigures,
    drugs_in,
    sentence_figures,
    spared_names,
    substance_drug,
    substance_drugs,
)
from streams.extraction.normalize import Normalized, normalize
from streams.extraction.page import Block, listing_segments, page_blocks
from streams.extraction.place_decision import ArticlePlaces, PlaceDecision, page_place
from streams.extraction.place_decision import decide as decide_place
from streams.extraction.place_roles import place_candidates
from streams.extraction.places import PlaceMention, find_places

DEFAULT_BOUNDS = FigureBounds()
"""Plausibility bounds when the caller gives none (the worker passes ``settings.figure_bounds``)."""
_ABBREVIATIONS = ("tp", "tx", "tt", "p", "q", "ths", "ts", "bs", "gs", "pgs", "mr", "ms", "st", "no", "đ", "v.v")
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)]*\s+|\n+")
_SENTENCE_END_FIRST = re.compile(r"[.!?…\n]")
"""The characters a _SENTENCE_END begins with: it is tried where one stands, not at every character."""
_BUST_CUE_WORDS = ("bắt quả tang", "bắt khẩn cấp", "chặn bắt", "phục kích", "mật phục", "khám xét", "dừng xe kiểm tra",
                   "dừng kiểm tra", "vây bắt")
_BUST_CUE = re.compile(rf"\b{words_pattern(_BUST_CUE_WORDS)}\b")
_BUST_CUE_GATE = words_gate(_BUST_CUE_WORDS)
_AGENCY_BEFORE = re.compile(
    r"(?:công an|biên phòng|bđbp|hải quan|cảnh sát|viện kiểm sát|tòa án|ubnd|ban chỉ đạo|bộ chỉ huy|ban chỉ huy)"
    r"(?: (?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã))?\s*$"
)
_BREAK_INSIDE_WORDS = ("trong đó", "trong số đó", "trong số này", "trong số trên")
_BREAK_INSIDE = re.compile(rf"\b{words_pattern(_BREAK_INSIDE_WORDS)}\b")
_BREAK_INSIDE_GATE = words_gate(_BREAK_INSIDE_WORDS)
_COUNTRY_WORDS = (("campuchia", "KH"), ("lào", "LA"), ("trung quốc", "CN"), ("myanmar", "MM"), ("thái lan", "TH"))


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int
    figures: SentenceFigures
    periods: list[PeriodMention]
    dates: list[DateMention]
    places: list[PlaceMention]  # filled only once the text is known to hold a statement
    drug_related: bool
    new_bust: bool
    earlier_bust: bool
    extension: bool  # 'Mở rộng điều tra, ngày 16/8, ...': the same bust told on (lexicon.EXTENSION_CUE)
    incident_cue: bool
    aggregate_cue: bool
    breakdown: bool
    notable: bool


@dataclass(slots=True)
class Statement:
    kind: str
    sentences: list[Sentence] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    period: PeriodMention | None = None
    tentative: bool = False
    same_day: DateMention | None = None  # "Cùng ngày, ...": the date of the bust told before
    lead_end: int = 0  # the end of the article's lead when the statement starts there and the body tells on


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each sentence; abbreviations such as "TP." do not end one."""
    out: list[tuple[int, int, int]] = []
    paragraph, start = 0, 0
    for m in matches_from(_SENTENCE_END, _SENTENCE_END_FIRST, text):
        if "\n" not in m.group():
            word = text[max(start, m.start() - 4):m.start()].split()[-1:] or [""]
            nxt = text[m.end():m.end() + 1]
            if word[0].lower().strip("(") in _ABBREVIATIONS or (nxt and not (nxt.isupper() or nxt in "\"“(")):
                continue
        if text[start:m.start()].strip():
            out.append((start, m.end(), paragraph))
        start = m.end()
        if "\n" in m.group():
            paragraph += 1
    if text[start:].strip():
        out.append((start, len(text), paragraph))
    return out


def _read_sentences(text: str, blocks: list[Block]) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of the sentences of the lines the page pass reads (lead and body)."""
    out: list[tuple[int, int, int]] = []
    for n, block in enumerate(blocks):
        if block.read:
            out.extend((block.start + a, block.start + b, n) for a, b, _ in split_sentences(text[block.start:block.end]))
    return out


def _analyse(norm: Normalized, published: dt.date | None, blocks: list[Block]) -> list[Sentence]:
    text, lower = norm.text, norm.lower
    sentences = []
    for start, end, paragraph in _read_sentences(text, blocks):
        figures = sentence_figures(text, lower, start, end)
        periods = find_periods(lower, published, start, end)
        dates = [d for d in find_dates(lower, published, start, end)
                 if not any(p.start <= d.start < p.end for p in periods)]
        head = lower[start:min(end, start + 60)]
        cases = [c for c in figures.counts if c.field == "cases"]
        closed_periods = [p for p in periods if p.period_start is not None]
        aggregate_cue = bool(closed_periods) or any(c.value >= 2 for c in cases) or (
            bool(periods) and bool(cases))
        incident_cue = bool(dates) or bool(figures.names) or bool(gated_search(_BUST_CUE, _BUST_CUE_GATE, lower, start, end))
        sentences.append(Sentence(
            start, end, paragraph, figures, periods, dates, [],
            drug_related=bool(drugs_in(lower, start, end)),
            new_bust=bool(lx.NEW_BUST_CUE.match(head)),
            earlier_bust=bool(lx.EARLIER_BUST_CUE.match(head)),
            extension=bool(lx.EXTENSION_CUE.match(head)) or bool(gated_search(lx.EXTENSION_VERB, lx.EXTENSION_GATE, lower, start, end)) or (
                bool(figures.quantities) and all(q.added for q in figures.quantities)),
            incident_cue=incident_cue, aggregate_cue=aggregate_cue,
            breakdown=bool(lx.BREAKDOWN_LEAD.match(head)),
            notable=bool(lx.NOTABLE_LEAD.match(head)),
        ))
    return sentences


def _statements(sentences: list[Sentence], lower: str, published: dt.date | None, lead: int = 0,
                provinces_in: Callable[[int, int], set[str]] | None = None) -> list[Statement]:
    """Group sentences into incident and aggregate statements (see module docstring).

    ``provinces_in(start, end)``: the provinces named in a span, asked only when an extension of a
    bust ('Mở rộng điều tra, ngày 16/8, ...') might have moved to another province."""
    out: list[Statement] = []
    current: Statement | None = None
    last_period: PeriodMention | None = None
    drug_paragraphs: dict[int, bool] = {}
    for s in sentences:
        drug_paragraphs[s.paragraph] = drug_paragraphs.get(s.paragraph, False) or s.drug_related
    single_topic: bool | None = None  # the whole text is about drugs only; computed when first needed
    primary: dict[str, int] = {}  # largest non-prosecution aggregate count per field: later smaller ones by
    # prosecution verbs ("khởi tố 238 vụ" after "triệt phá 278 vụ") are breakdowns
    for s in sentences:
        closed = [p for p in s.periods if p.period_start is not None or p.period_end is not None]
        has_figures = bool(s.figures.quantities or s.figures.counts)
        if s.aggregate_cue:
            kind = "aggregate"
        elif s.incident_cue or s.new_bust:
            kind = "incident"
        else:
            kind = current.kind if current else "incident"
        if kind == "incident":
            if lx.RECAP_LEAD.match(lower, s.start) and sum(1 for st in out if st.kind == "incident" and st.quantities) >= 2:
                continue  # 'Như vậy, chỉ trong 3 ngày, ... thu 10 bánh': the busts told, added up (rule 2)
            if s.earlier_bust and current is not None and current.kind == "incident" and current.quantities:
                current = Statement("incident", tentative=True)  # or the lead's bust told in detail: see _merge_tentative
                out.append(current)
            elif current is None or current.kind != "incident" or s.new_bust:
                if s.new_bust or has_figures or s.incident_cue:
                    current = Statement("incident")
                    out.append(current)
            elif current.quantities and ((lx.SAME_DAY_CUE.match(lower, s.start) or (
                    s.dates and _moves_on(current, s, published))) and not _extends(current, s, provinces_in, lead)
                    or _opens_elsewhere(current, s, lower, provinces_in, lead)):
                same_day = _first_date(current) if lx.SAME_DAY_CUE.match(lower, s.start) else None
                current = Statement("incident", tentative=True, same_day=same_day)  # a new bust, maybe
                out.append(current)
            if current is not None and current.kind == "incident":
                current.sentences.append(s)
                current.quantities.extend(_before_breakdown(s, lower))
                current.counts.extend(s.figures.counts)
            continue
        # aggregate
        if closed:
            last_period = _best_period(closed, last_period)
        if s.breakdown or not has_figures:
            continue  # a period without figures only dates the statements that follow
        if not s.drug_related:
            if single_topic is None:
                single_topic = any(drug_paragraphs.values()) and not lx.OTHER_CRIME.search(lower)
            if not (drug_paragraphs.get(s.paragraph) or single_topic) or lx.OTHER_CRIME.search(lower, s.start, s.end):
                continue
        cut = gated_search(_BREAK_INSIDE, _BREAK_INSIDE_GATE, lower, s.start, s.end)
        limit = cut.start() if cut else s.end
        counts = [c for c in s.figures.counts if c.start < limit and not _is_breakdown(c, primary)
                  and not _split_in_parentheses(c, s.figures.counts, lower)
                  and not (s.notable and c.field in primary and c.value <= primary[c.field])]
        subset = lx.SUBSET_CUE.search(lower, s.start, s.end)
        if subset:
            counts = [c for c in counts if not (c.field == "suspects" and c.start > subset.start())]
        quantities = [q for q in s.figures.quantities if q.start < limit]
        for c in counts:
            if not c.prosecution:
                primary[c.field] = max(primary.get(c.field, 0), c.value)
        for chunk_counts, chunk_quantities in _chunks(counts, quantities):
            fields = {c.field for c in chunk_counts}
            mergeable = (current is not None and current.kind == "aggregate" and current.sentences
                         and not s.aggregate_cue and not (fields & {c.field for c in current.counts})
                         and not (chunk_quantities and current.quantities))
            if not mergeable:
                current = Statement("aggregate", period=last_period)
                out.append(current)
            assert current is not None
            current.sentences.append(s)
            current.counts.extend(chunk_counts)
            current.quantities.extend(chunk_quantities)
    out = _merge_tentative([st for st in out if st.quantities or st.counts], lower, lead)
    incidents = sum(1 for st in out if st.kind == "incident" and st.quantities)
    if incidents >= 2:
        _drop_lead_summary(out, lead)
    for st in out:
        if st.kind == "incident" and st.sentences[0].paragraph == lead and st.sentences[-1].paragraph != lead:
            st.lead_end = max(s.end for s in st.sentences if s.paragraph == lead)
    return [st for st in out if not _is_reference(st, incidents) and not _is_sum_of_busts(st, lower, incidents)
            and not _adds_up_the_busts(st, out, incidents)]


def _extends(current: Statement, s: Sentence, provinces_in: Callable[[int, int], set[str]] | None,
             lead: int) -> bool:
    """'Mở rộng điều tra, ngày 16/8, ... thu thêm 2 bánh': the operation of ``current`` told on, on a
    later day — the same event, unless the sentence names a province the body's telling of the bust
    so far did not (the lead's agencies and partners do not count: 'phối hợp Công an TP Hà Nội')."""
    if not s.extension:
        return False
    if provinces_in is None:
        return True
    told = [x for x in current.sentences if x.paragraph != lead] or current.sentences  # the lead names partners
    before: set[str] = set()
    for x in told:
        before |= provinces_in(x.start, x.end)
    return provinces_in(s.start, s.end) <= before


_OPENS_ON_PLACE = re.compile(r"\W*(?:còn |trong khi đó,? )?(?:tại|ở) ")


def _opens_elsewhere(current: Statement, s: Sentence, lower: str,
                     provinces_in: Callable[[int, int], set[str]] | None, lead: int) -> bool:
    """'Tại Lai Châu, khoảng 21h cùng ngày, ...' after a bust told in Lào Cai: a sentence that opens on a
    place of a province the bust so far never named starts another bust."""
    if provinces_in is None or not _OPENS_ON_PLACE.match(lower, s.start):
        return False
    opening = provinces_in(s.start, min(s.end, s.start + 40))
    if not opening:
        return False
    told = [x for x in current.sentences if x.paragraph != lead] or current.sentences
    before: set[str] = set()
    for x in told:
        before |= provinces_in(x.start, x.end)
    return bool(before) and not (opening & before)


def _drop_lead_summary(statements: list[Statement], lead: int) -> None:
    """When the article tells two or more busts, its lead ("Trong ngày 6/9, Công an Quận 8 và Công an
    TP Thủ Đức liên tiếp bắt giữ 5 đối tượng, thu hơn 1,3 kg ...") sums them: its figures do not belong
    to the first bust, which the body tells with its own."""
    first = next((st for st in statements if st.kind == "incident" and st.quantities), None)
    if first is None or not first.sentences or first.sentences[0].paragraph != lead:
        return
    in_lead = {id(s) for s in first.sentences if s.paragraph == lead}
    body_figures = [s for s in first.sentences if id(s) not in in_lead and (s.figures.quantities or s.figures.counts)]
    if not body_figures:
        return
    spans = [(s.start, s.end) for s in first.sentences if id(s) in in_lead]
    first.quantities = [q for q in first.quantities if not any(a <= q.start < b for a, b in spans)]
    first.counts = [c for c in first.counts if not any(a <= c.start < b for a, b in spans)]


def _is_sum_of_busts(st: Statement, lower: str, incidents: int) -> bool:
    """Rule 2: "Tổng cộng, qua hai vụ, ..." adds up the busts the article tells one by one; a total
    over a stated period that covers more is an aggregate of its own."""
    if st.kind != "aggregate" or incidents == 0:
        return False
    if st.period is not None and st.period.period_start is not None:
        return False
    if not any(lx.SUM_OF_BUSTS_CUE.search(lower, s.start, s.end) for s in st.sentences):
        return False
    cases = [c.value for c in st.counts if c.field == "cases"]
    return not cases or max(cases) <= incidents + 1


def _adds_up_the_busts(st: Statement, statements: list[Statement], incidents: int) -> bool:
    """Rule 2 without the cue word: 'Chỉ trong ngày 30.9, ... bắt giữ 2 vụ, thu hơn 11 kg ketamine và gần
    2 kg ma túy đá' over the two busts the article then tells (11,3 kg and 1,85 kg): no more cases
    than the busts told, no period, and every drug figure the (rounded) sum of the busts' ones."""
    if st.kind != "aggregate" or incidents < 2 or not st.quantities:
        return False
    if st.period is not None and st.period.period_start is not None:
        return False
    cases = [c.value for c in st.counts if c.field == "cases"]
    if cases and max(cases) > incidents:
        return False
    busts = [q for other in statements if other.kind == "incident" for q in other.quantities]
    for q in st.quantities:
        parts = [b for b in busts if b.drug == q.drug and (b.unit in MASS_FACTOR_KG) == (q.unit in MASS_FACTOR_KG)
                 and (b.unit in MASS_FACTOR_KG or b.unit == q.unit)]
        if not parts:
            return False
        whole = q.value * MASS_FACTOR_KG.get(q.unit, 1.0)
        told = sum(b.value * MASS_FACTOR_KG.get(b.unit, 1.0) for b in parts)
        if not _sum_restated(whole, q.qualifier, told):
            return False
    return True


def _first_date(st: Statement) -> DateMention | None:
    dates = [d for s in st.sentences for d in s.dates]
    return min(dates, key=lambda d: d.value) if dates else st.same_day


def _before_breakdown(s: Sentence, lower: str) -> list[Quantity]:
    """A bust's quantities, less those that split one already given ("50 kg ma túy, trong đó 32 kg ...")."""
    cut = gated_search(_BREAK_INSIDE, _BREAK_INSIDE_GATE, lower, s.start, s.end)
    if cut is None or not any(q.start < cut.start() for q in s.figures.quantities):
        return s.figures.quantities
    return [q for q in s.figures.quantities if q.start < cut.start()]


def _moves_on(current: Statement, s: Sentence, published: dt.date | None) -> bool:
    """A sentence dated differently from the bust so far: a new bust, unless the bust so far was
    the lead's report of the day ("Ngày 7/1, ... cho biết") and the new date is the bust itself."""
    known = [d.value for st in current.sentences for d in st.dates]
    if not known and current.same_day is not None:
        known = [current.same_day.value]
    if not known:
        return False
    first, new = known[0], min(d.value for d in s.dates)
    if new == first:
        return False
    bust_days = set(known)
    if len(bust_days) >= 2 and current.quantities and new not in bust_days:
        return True  # the report's day and the bust's day are both known: another day is another bust
    return not (new < first and (published is None or first >= published - dt.timedelta(days=3)))


def _merge_tentative(statements: list[Statement], lower: str, lead: int = -1) -> list[Statement]:
    """A tentatively split bust with no drug figure of its own, or only restating the previous
    one's, is the same bust told on: fold it back. Restating only a figure of the article's lead
    does not count when the previous bust has figures of its own in the body: a lead that names
    both busts' figures ('bắt ... 4 bánh tại Mường Lát, ... thu giữ thêm 6 bánh') sums them."""
    out: list[Statement] = []
    for st in statements:
        prev = out[-1] if out else None
        told = prev.quantities if prev is not None else []
        if prev is not None:
            lead_spans = [(s.start, s.end) for s in prev.sentences if s.paragraph == lead]
            body = [q for q in told if not any(a <= q.start < b for a, b in lead_spans)]
            told = body or told
        if st.tentative and prev is not None and prev.kind == "incident" and (
                not st.quantities or all(any(p.unit == q.unit and _same_figure(p, q) for p in told)
                                         for q in st.quantities)
                or (prev.quantities and all(any(p.unit == q.unit and _same_figure(p, q) for q in st.quantities)
                                            for p in prev.quantities) and _is_lead_only(prev, lower))):
            prev.sentences.extend(st.sentences)
            prev.quantities.extend(st.quantities)
            prev.counts.extend(st.counts)
            continue
        out.append(st)
    return out


def _same_figure(a: Quantity, b: Quantity) -> bool:
    """The same figure told twice: equal, or one a hedged rounding of the other ('hơn 4 kg' and '4,2 kg')."""
    return _close(a.value, b.value) or _restates(a, b) or _restates(b, a)


def _is_lead_only(st: Statement, lower: str) -> bool:
    """A statement told in the article's first paragraph only, or in it and the report of the day
    ('Ngày 9/4, PC04 cho biết đã tạm giữ hình sự ...'): a lead, whose bust the body tells in detail."""
    if not st.sentences:
        return False
    first = st.sentences[0].paragraph
    return all(s.paragraph == first or not (s.figures.quantities or s.figures.counts)
               or _REPORT_OF_THE_DAY.search(lower, s.start, min(s.end, s.start + 200)) for s in st.sentences)


_REPORT_OF_THE_DAY = re.compile(r"\b(?:cho biết|thông tin|thông báo|xác nhận)\b")
"""The words of a report on the bust ('Công an tỉnh cho biết đã bắt ...'), not the bust itself."""


def _is_reference(st: Statement, incidents: int) -> bool:
    """"cả hai vụ", "liên tiếp bắt giữ hai vụ" with no drug figure refer to the busts told (rule 2:
    a sum of parts), not to a period total: no period and a handful of cases, or no more cases
    than the busts the text tells."""
    if st.kind != "aggregate" or st.quantities:
        return False
    cases = [c.value for c in st.counts if c.field == "cases"]
    if not cases:
        return st.period is None
    closed = st.period is not None and st.period.period_start is not None
    return not closed and (max(cases) <= incidents or max(cases) <= 3)


def _chunks(counts: list[Count], quantities: list[Quantity]) -> list[tuple[list[Count], list[Quantity]]]:
    """Split one sentence's figures where a field repeats ("6 vụ với 8 đối tượng ..., còn 1 vụ, 4 đối tượng"):
    each run is its own statement; a quantity goes with the run whose counts precede it."""
    runs: list[list[Count]] = [[]]
    for c in counts:
        if any(x.field == c.field for x in runs[-1]):
            runs.append([])
        runs[-1].append(c)
    out: list[tuple[list[Count], list[Quantity]]] = [(run, []) for run in runs]
    for q in quantities:
        index = 0
        for i, run in enumerate(runs):
            if run and run[0].start < q.start:
                index = i
        out[index][1].append(q)
    return [(c, q) for c, q in out if c or q]


def _best_period(periods: list[PeriodMention], previous: PeriodMention | None) -> PeriodMention:
    """The most informative period of a sentence; an end-only one ("đến hết 15-6") refines the previous."""
    full = [p for p in periods if p.period_start is not None]
    if full:
        chosen = full[0]
        ends = [p for p in periods if p.period_start is None and p.period_end is not None]
        if ends and ends[-1].period_end and ends[-1].period_end >= chosen.period_start:  # type: ignore[operator]
            return PeriodMention(chosen.start, ends[-1].end, chosen.period_start, ends[-1].period_end)
        return chosen
    end_only = periods[-1]
    if previous and previous.period_start and end_only.period_end and end_only.period_end >= previous.period_start:
        return PeriodMention(end_only.start, end_only.end, previous.period_start, end_only.period_end)
    return end_only  # an end alone ("đến 7/3") does not make a period total


def _split_in_parentheses(count: Count, counts: list[Count], lower: str) -> bool:
    """'187 vụ, 246 đối tượng (mua bán 102 vụ/141 đối tượng; tàng trữ 79 vụ/97 đối tượng)': the figures in
    parentheses after a total of the same field split it (rule 3)."""
    opened = lower.rfind("(", 0, count.start)
    if opened == -1 or lower.rfind(")", opened, count.start) != -1:
        return False  # not inside parentheses
    return any(c.field == count.field and c.end <= opened and opened - c.end < 40 for c in counts)


def _is_breakdown(count: Count, primary: dict[str, int]) -> bool:
    return count.prosecution and count.field in primary and count.value <= primary[count.field]


# --------------------------------------------------------------------------- figures -> seizures

def _resolve_drugs(quantities: list[Quantity], fallback: str | None, named: list[tuple[int, str, str]] | None = None,
                   pill_fallback: str | None = None) -> None:
    previous: Quantity | None = None
    for q in quantities:
        if q.weight_of_previous and previous is not None:
            q.drug = previous.drug
        if q.drug is None and q.substance is not None and named:
            q.drug = substance_drug(named, q.substance, q.end)  # 'tinh thể màu trắng' ... 'khai là ma túy đá'
        if q.drug is None and q.unit == "pill" and pill_fallback is not None:
            q.drug = pill_fallback  # '1.000 viên nén màu hồng' in a story of heroin and ma túy tổng hợp
        if q.drug is None:
            q.drug = fallback
        previous = q
    for q in quantities:  # a second pass: weights of quantities whose drug came from the fallback
        if q.drug is None:
            q.drug = fallback


def _drugs_only(quantities: list[Quantity]) -> list[Quantity]:
    """A figure no drug word explains (no drug in its clause, its statement or the headline) is about
    something else — a truck, fireworks, goods — and is left out (precision first)."""
    return [q for q in quantities if q.drug is not None]


def _schema_drug(drug: str, unit: str) -> str:
    if unit == "pill":
        return lx.PILL_FORM.get(drug, drug) if drug != "unspecified" else "synthetic_pills"
    return drug


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1e-9)


def _select_quantities(quantities: list[Quantity], incident: bool) -> list[Quantity]:
    """Stated totals over their parts; restatements once; an unspecified copy of a named drug dropped;
    wrappings ('8 túi nilon ...') whose contents the bust weighs ('... cocaine, trọng lượng 3,24 kg')."""
    if incident:
        measured = {q.drug for q in quantities if not q.bag}  # the contents told in their own unit
        named = any(not q.bag and q.drug not in (None, "unspecified") for q in quantities)
        quantities = [q for q in quantities if not (q.bag and (q.drug in measured or (
            named and q.drug in (None, "unspecified"))))]  # 'một túi nilon màu đen. Bên trong túi có 2 bánh heroin'
    groups: dict[tuple[str, str], list[Quantity]] = {}
    for q in quantities:
        groups.setdefault((_schema_drug(q.drug or "unspecified", q.unit), q.unit), []).append(q)
    keep: list[Quantity] = []
    for qs in groups.values():
        if incident and len(qs) > 1:
            totals = [q for q in qs if q.is_total]
            biggest = max(qs, key=lambda q: q.value)
            if totals:
                qs = totals
            elif len(qs) >= 3 and _close(biggest.value, sum(q.value for q in qs if q is not biggest)):
                qs = [biggest]  # the lead's total, then the parts the body tells ('thu thêm' ones too)
            elif any(q.added for q in qs):
                qs = [_with_additions(qs)]
        unique: list[Quantity] = []
        for q in qs:
            if not any(_close(q.value, u.value) for u in unique):
                unique.append(q)
        if incident and len(unique) > 1:
            unique = [q for q in unique if not any(_restates(q, exact) for exact in unique if exact is not q)]
        keep.extend(unique)
    if incident:
        keep = _one_mass_per_drug(keep)
    named = [q for q in keep if q.drug not in lx.GENERIC_DRUGS]
    keep = [q for q in keep if not any(n.unit == q.unit and _close(n.value, q.value) and _names(n, q) for n in named)]
    if incident:  # 'gần 30 kg ma túy các loại' over '27,4 kg ma túy đá, 2 kg ketamine': the parts' sum told again
        named_kg = sum(q.value * MASS_FACTOR_KG[q.unit] for q in named if q.unit in MASS_FACTOR_KG)
        keep = [q for q in keep if not (q.drug == "unspecified" and q.unit in MASS_FACTOR_KG and named_kg > 0
                                        and _sum_restated(q.value * MASS_FACTOR_KG[q.unit], q.qualifier, named_kg))]
    return sorted(keep, key=lambda q: q.start)


def _one_mass_per_drug(quantities: list[Quantity]) -> list[Quantity]:
    """A weight told in kg and again in grams ('gần 2 kg cần sa' ... '1.824 gam'): the exact one, once;
    a stated total over parts told in another unit: the total."""
    def kg(q: Quantity) -> float:
        return q.value * MASS_FACTOR_KG[q.unit]
    masses = [q for q in quantities if q.unit in MASS_FACTOR_KG]
    drop: set[int] = set()
    totals = {_schema_drug(q.drug or "unspecified", q.unit) for q in masses if q.is_total}
    for q in masses:  # '... thu thêm 470 gam, nâng tổng số ma túy đá lên 1,47 kg': the total in any unit wins
        if not q.is_total and _schema_drug(q.drug or "unspecified", q.unit) in totals:
            drop.add(id(q))
    for q in masses:
        for e in masses:
            if e is q or e.unit == q.unit or id(e) in drop or _schema_drug(e.drug or "unspecified", e.unit) != \
                    _schema_drug(q.drug or "unspecified", q.unit):
                continue
            if (_close(kg(q), kg(e)) and q.start > e.start) or _restates(replace(q, value=kg(q)), replace(e, value=kg(e))):
                drop.add(id(q))
                break
    return [q for q in quantities if id(q) not in drop]


def _names(named: Quantity, generic: Quantity) -> bool:
    """``named`` says which drug ``generic`` is: any drug for 'ma túy', a synthetic pill for 'ma túy tổng
    hợp' ('6.000 viên hồng phiến' told again as '6.000 viên ma túy tổng hợp')."""
    if generic.drug == "unspecified":
        return True
    return generic.drug == "synthetic" and _schema_drug(named.drug or "", named.unit) in SYNTHETIC_KINDS


SYNTHETIC_KINDS = frozenset({"meth_pills", "ecstasy", "synthetic_pills"})


def _lead_totals(quantities: list[Quantity], lead_end: int) -> list[Quantity]:
    """A lead that states an operation's totals ('thu 2,3 kg ma túy đá') before the body tells its
    parts ('2 kg' at the handover, 'thu thêm 300 gam' at home): the lead's figure is the bust's,
    the parts go (settled 'parts of one bust')."""
    if not lead_end:
        return quantities
    def dimension(q: Quantity) -> tuple[str, str]:
        return _schema_drug(q.drug or "unspecified", q.unit), "mass" if q.unit in MASS_FACTOR_KG else q.unit
    def size(q: Quantity) -> float:
        return q.value * MASS_FACTOR_KG.get(q.unit, 1.0)
    drop: set[int] = set()
    for key in {dimension(q) for q in quantities}:
        lead = [q for q in quantities if q.start < lead_end and dimension(q) == key]
        parts = [q for q in quantities if q.start >= lead_end and dimension(q) == key]
        if (len(parts) >= 2 or any(p.added for p in parts)) and any(_sum_restated(size(t), t.qualifier, sum(size(p) for p in parts)) for t in lead):
            drop.update(id(p) for p in parts)
    return [q for q in quantities if id(q) not in drop]


def _sum_restated(value_kg: float, qualifier: str, parts_kg: float) -> bool:
    """An unnamed total of the named parts: equal, or a hedged rounding of their sum."""
    if _close(value_kg, parts_kg):
        return True
    lo, hi = HEDGE_SLACK.get(qualifier, (1.0, 1.0))
    return qualifier != "exact" and lo <= parts_kg / value_kg <= hi


def _with_additions(qs: list[Quantity]) -> Quantity:
    """'10 gói ... khám xét nơi ở thu thêm 2 gói': one seizure of 12 — the text's own total if it
    states one ('tổng cộng 12 gói' read as a figure close to the sum), else the sum of the parts."""
    first_added = next(i for i, q in enumerate(qs) if q.added)
    base = qs[first_added - 1] if first_added > 0 else None
    total = (base.value if base is not None else 0.0) + sum(q.value for q in qs if q.added)
    stated = [q for q in qs if _close(q.value, total)]
    if stated:
        return stated[0]
    part = base or qs[first_added]
    qualifier = "exact" if all(q.qualifier == "exact" for q in qs if q.added or q is base) else part.qualifier
    return replace(part, value=total, qualifier=qualifier, added=False)


HEDGE_SLACK = {"more_than": (1.0, 1.5), "at_least": (1.0, 1.5), "nearly": (0.8, 1.0), "about": (0.85, 1.15)}
"""For a hedged figure h: the exact values x with lo <= x / h <= hi that it may be a rounding of."""


def _restates(hedged: Quantity, exact: Quantity) -> bool:
    """'hơn 4 kg' in a lead and '4,2 kg' in the body are one seizure told twice: the rounded one goes."""
    if hedged.qualifier == "exact" or exact.qualifier != "exact" or hedged.value <= 0:
        return False
    lo, hi = HEDGE_SLACK[hedged.qualifier]
    return lo <= exact.value / hedged.value <= hi


def _people(names: dict[str, tuple[int, int, str]]) -> dict[str, tuple[int, int, str]]:
    """One entry per person: 'Inh' after 'Lò Văn Inh', 'Sa Ly' after 'Thạch Thị Sa Ly' are the same person
    called by the given name."""
    def shortens(short: str, full: str) -> bool:
        return short != full and full.endswith(" " + short)
    return {n: v for n, v in names.items() if not any(shortens(n, full) for full in names)}


PILL_DRUGS = ("ecstasy", "meth_pills", "synthetic")
"""Drugs that come as pills: an unnamed pill count takes one of these the statement names, not heroin."""


def _pill_drug(st: Statement, lower: str) -> str | None:
    found = [d[2] for s in st.sentences for d in drugs_in(lower, s.start, s.end) if d[2] in PILL_DRUGS]
    return found[0] if len(set(found)) == 1 else None


def _fallback_drug(st: Statement, lower: str, title_drugs: list[str]) -> str | None:
    found = [d for s in st.sentences for d in drugs_in(lower, s.start, s.end)]
    specific = [d[2] for d in found if d[2] not in lx.GENERIC_DRUGS]
    if len(set(specific)) == 1:
        return specific[0]
    title_specific = [d for d in title_drugs if d not in lx.GENERIC_DRUGS]
    if len(set(title_specific)) == 1:
        return title_specific[0]
    generic = [d[2] for d in found]
    return generic[0] if generic and not specific else None


# --------------------------------------------------------------------------- assembly

def _span(norm: Normalized, start: int, end: int) -> Span:
    a, b = norm.span(start, end)
    return Span(start=a, end=b, text=norm.original[a:b])


def _event(st: Statement, norm: Normalized, item: NewsItem, article: ArticlePlaces, claimed: list[tuple[int, int]],
           title_drugs: list[str], ordinal: int, bounds: FigureBounds,
           trace: list[Explanation] | None = None) -> SeizureEvent | None:
    lower = norm.lower
    incident = st.kind == "incident"
    named = substance_drugs(lower, st.sentences[0].start, len(lower)) if any(q.substance for q in st.quantities) else None
    _resolve_drugs(st.quantities, _fallback_drug(st, lower, title_drugs), named, _pill_drug(st, lower))
    chosen = _select_quantities(_lead_totals(_drugs_only(st.quantities), st.lead_end), incident)
    dropped: list[DroppedFigure] = []
    chosen = [q for q in chosen if _plausible(q.value * MASS_FACTOR_KG.get(q.unit, 1.0), q.unit, st.kind, q.start,
                                              q.end, norm, bounds, dropped)]
    if incident and not chosen:
        if trace is not None:
            trace.append(_explain(st, norm, None, None, chosen, "no drug figure: a bust without a seizure is no event"))
        return None  # a bust with no drug figure is not a seizure statement (escapes, tests, meetings)
    seizures = []
    for q in chosen:
        drug = _schema_drug(q.drug or "unspecified", q.unit)
        quantity = round(q.value, 6)
        if q.unit == "pill":
            quantity = round(quantity)
        seizures.append(Seizure(drug=drug, quantity=quantity, unit=q.unit, qualifier=q.qualifier,  # type: ignore[arg-type]
                                evidence=_span(norm, q.start, q.drug_span[1] if q.drug_span and q.drug_span[1] > q.end
                                               and q.drug_span[1] - q.end < 40 else q.end)))
    evidence: dict[str, Span] = {}
    values: dict[str, int | None] = {"cases": None, "suspects": None, "operations": None}
    for f in values:
        counts = [c for c in st.counts if c.field == f]
        if incident and f == "cases":
            continue
        counts = [c for c in counts if _plausible(c.value, f, st.kind, c.start, c.end, norm, bounds, dropped)]
        if counts:
            best = max(counts, key=lambda c: c.value) if incident else counts[0]
            values[f] = best.value
            evidence[f] = _span(norm, best.start, best.end)
    if incident:
        names = _people({n[2]: n for s in st.sentences for n in s.figures.names})
        if names:
            spared = {x for s in st.sentences for x in spared_names(norm.text, lower, s.start, s.end)}
            names = {n: v for n, v in names.items() if not any(n == x or n.endswith(" " + x) for x in spared)}
        if len(names) > (values["suspects"] or 0):
            values["suspects"] = len(names)
            first = min(names.values())
            evidence["suspects"] = _span(norm, first[0], first[1])
    if not seizures and all(v is None for v in values.values()):
        if trace is not None:
            trace.append(_explain(st, norm, None, None, chosen, "every figure was explained away"))
        return None  # every figure was explained away (no drug word for its quantities)
    spans = [(s.start, s.end) for s in st.sentences]
    figure_spans = [(s.start, s.end) for s in st.sentences if s.figures.quantities or s.figures.counts]
    first_figure = min([q.start for q in chosen] + [c.start for c in st.counts] or [spans[0][0]])
    place = decide_place(spans, figure_spans, first_figure, not incident, article, lower, claimed)
    province = place.province
    country = province.country if province is not None else place.country
    if place.mention is not None:
        evidence["province"] = _span(norm, place.mention.start, place.mention.end)
    date = period_start = period_end = None
    if incident:
        first_date = _first_date(st)
        if first_date is not None:
            date = first_date.value
            evidence["date"] = _span(norm, first_date.start, first_date.end)
    elif st.period is not None:
        period_start, period_end = st.period.period_start, st.period.period_end
        if period_start and period_end and period_end < period_start:
            period_end = None
        evidence["period"] = _span(norm, st.period.start, st.period.end)
    event = SeizureEvent(
        kind=st.kind,  # type: ignore[arg-type]
        country=country,
        province=province.name if province else None,
        province_code=province.code if province else None,
        province_2025=province.successor if province else None,
        province_2025_code=province.successor_code if province else None,
        district=place.unit_name("district"), commune=place.unit_name("commune"), area=place.area,
        date=date, period_start=period_start, period_end=period_end,
        cases=values["cases"], suspects=values["suspects"], operations=values["operations"],
        seizures=seizures, item_id=item.id, source=item.source, published=item.published,
        evidence=evidence, dropped=dropped, event_id="pending",
    )
    event.event_id = event.compute_id(ordinal)
    if trace is not None:
        trace.append(_explain(st, norm, event, place, chosen, None))
    return event


def _plausible(value: float, name: str, kind: str, start: int, end: int, norm: Normalized, bounds: FigureBounds,
               dropped: list[DroppedFigure]) -> bool:
    """A figure within its bound (schemas.bounds, per kind and unit); one above it is left out of the
    event and recorded with its reason ('10.000 tỷ viên' is a typo or a hoax, not a seizure)."""
    limit = bounds.limit(kind, "kg" if name in ("kg", "g") else name)
    if value <= limit:
        return True
    dropped.append(DroppedFigure(text=_span(norm, start, end).text,
                                 reason=f"out_of_bounds: {value:g} {'kg' if name in ('kg', 'g') else name} > "
                                        f"{limit:g} (figure_bounds.{kind})"))
    return False


def _explain(st: Statement, norm: Normalized, event: SeizureEvent | None, place: PlaceDecision | None,
             chosen: list[Quantity], dropped_because: str | None) -> Explanation:
    kept = {id(q) for q in chosen}
    return Explanation(
        event=event,
        kind=st.kind,
        kind_reason=_kind_reason(st, norm),
        sentences=[norm.original[a:b].strip() for a, b in (norm.span(s.start, s.end) for s in st.sentences)],
        merged=[norm.original[a:b] for a, b in (norm.span(q.start, q.end) for q in st.quantities if id(q) not in kept)],
        place_reason=place.reason if place is not None else None,
        date_reason=_date_reason(st, norm),
        dropped_because=dropped_because,
    )


def _kind_reason(st: Statement, norm: Normalized) -> str:
    first = st.sentences[0]
    if st.kind == "aggregate":
        if st.period is not None:
            a, b = norm.span(st.period.start, st.period.end)
            return f"a period total ('{norm.original[a:b]}')"
        return "several cases counted together"
    if first.dates:
        a, b = norm.span(first.dates[0].start, first.dates[0].end)
        return f"one bust on a day ('{norm.original[a:b]}')"
    if any(s.figures.names for s in st.sentences):
        return "one bust with its suspects named"
    return "one bust (a seizure told on its own)"


def _date_reason(st: Statement, norm: Normalized) -> str | None:
    if st.kind != "incident":
        return None
    first = _first_date(st)
    if first is None:
        return "no day named for the bust"
    if first is st.same_day:
        return "'cùng ngày': the day of the bust told before"
    a, b = norm.span(first.start, first.end)
    return f"the earliest day named in the bust's sentences ('{norm.original[a:b]}')"


def extract_news(item: NewsItem, bounds: FigureBounds = DEFAULT_BOUNDS) -> list[SeizureEvent]:
    """Every seizure statement of a news article, as validated events in text order."""
    return _read(item, None, bounds)


def explain_news(item: NewsItem) -> tuple[list[Block], list[Explanation]]:
    """The page pass and, for every statement, why it became an event (or why not): ``extract --explain``."""
    trace: list[Explanation] = []
    _read(item, trace, DEFAULT_BOUNDS)
    norm = normalize(item.text)
    return page_blocks(norm.text, norm.lower, normalize(item.title or "").lower), trace


def _read(item: NewsItem, trace: list[Explanation] | None, bounds: FigureBounds) -> list[SeizureEvent]:
    norm = normalize(item.text)
    title_norm = normalize(item.title or "")
    blocks = page_blocks(norm.text, norm.lower, title_norm.lower)
    segments = listing_segments(blocks, norm.text, norm.lower, title_norm.lower)
    if segments is None:
        return _read_article(norm, item, blocks, title_norm, bool(item.title), trace, [], bounds)
    events: list[SeizureEvent] = []
    first = segments[0]
    header_end = first.headline.start if first.headline is not None else first.blocks[0].start
    header = [m for m in find_places(norm.text[:header_end], on=item.published)]
    page = page_place(place_candidates(find_places(title_norm.text, on=item.published), title_norm.lower),
                      title_norm.lower, place_candidates(header, norm.lower))
    for seg in segments:  # a listing page: every teaser is its own little article, titled by its headline
        headline = normalize(norm.original[slice(*norm.span(seg.headline.start, seg.headline.end))]
                             if seg.headline is not None else "")
        _read_article(norm, item, list(seg.blocks), headline, seg.headline is not None, trace, events, bounds, page)
    return events


def _read_article(norm: Normalized, item: NewsItem, blocks: list[Block], title_norm: Normalized, titled: bool,
                  trace: list[Explanation] | None, events: list[SeizureEvent], bounds: FigureBounds,
                  page: PlaceDecision | None = None) -> list[SeizureEvent]:
    """The events of one article (or one teaser of a listing page), appended to ``events``."""
    sentences = _analyse(norm, item.published, blocks)
    lead = next((n for n, b in enumerate(blocks) if b.role in ("lead", "body")), 0)  # the first paragraph read
    read = [(b.start, b.end) for b in blocks if b.read]

    by_offset: list[tuple[list[PlaceMention], list[int]]] = []  # the page's places and their offsets, once asked

    def provinces_in(start: int, end: int) -> set[str]:
        if not by_offset:
            found = _page_places(norm, item)  # sorted by offset: a span's places are found by bisection
            by_offset.append((found, [m.start for m in found]))
        found, starts = by_offset[0]
        return {m.province.name for m in found[bisect_left(starts, start):bisect_left(starts, end)]
                if m.level != "country"}

    statements = _statements(sentences, norm.lower, item.published, lead, provinces_in)
    if not statements:
        return events  # most of a news feed: no figure, no need to read the places
    places = [m for m in _page_places(norm, item) if any(a <= m.start < b for a, b in read)]
    _attach_places(sentences, places)
    title_places = find_places(title_norm.text, on=item.published) if titled else []
    lead_end = next((b.end for b in blocks if b.role == "lead"), 0)
    article = ArticlePlaces.build(place_candidates(places, norm.lower), place_candidates(title_places, title_norm.lower),
                                  title_norm.lower, lead_end, page)
    title_drugs = [d[2] for d in DrugIndex(title_norm.lower).found]
    for st in statements:
        claimed = [(s.start, s.end) for other in statements if other is not st for s in other.sentences]
        event = _event(st, norm, item, article, claimed, title_drugs, len(events), bounds, trace)
        if event is not None:
            events.append(event)
    return events


_PLACES_MEMO: list[tuple[str, object, list[PlaceMention]]] = []


def _page_places(norm: Normalized, item: NewsItem) -> list[PlaceMention]:
    """The place mentions of the whole page, found once (a listing page's teasers all ask for them)."""
    if _PLACES_MEMO and _PLACES_MEMO[0][0] is norm.text and _PLACES_MEMO[0][1] == item.published:
        return _PLACES_MEMO[0][2]
    found = find_places(norm.text, on=item.published)
    _PLACES_MEMO[:] = [(norm.text, item.published, found)]
    return found


def _attach_places(sentences: list[Sentence], places: list[PlaceMention]) -> None:
    """Give each sentence the place mentions inside it (both lists are sorted by offset)."""
    i = 0
    for s in sentences:
        while i < len(places) and places[i].start < s.start:
            i += 1
        j = i
        while j < len(places) and places[j].start < s.end:
            j += 1
        s.places = places[i:j]
        i = j
