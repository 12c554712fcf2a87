"""The place of a statement, decided explicitly: candidates ranked by role, or no place.

A wrong province is a false fact in a province's totals and can fire an alert, so the
rule is precision first. In order:

1. a place named as where the seizure happened ("tại bản X, huyện Y", "đoạn qua xã Z")
   in the statement's own sentences — the one nearest before the figures, else the first;
   a total whose locatives name two provinces has no single place (null);
2. a country named as the place ("tại Lào") without a province: that country, no province;
3. a joint operation with a foreign partner whose result names no place: null — never the
   Vietnamese agency's province;
4. a national figure ("toàn quốc", "cả nước"): Vietnam, no province;
5. the seizure place told elsewhere in the article for this bust (another paragraph names
   "tại ..." and no other statement claims it), when it is one province;
6. the agency of the statement ("Công an huyện Mộc Châu bắt ..."), when it is one province;
7. the article's place: the headline's "Sơn La: ..." prefix, else the province most named
   as seizure place or agency (ties give null).

Residences, origins, destinations and routes never place an event. Every decision keeps
its evidence mention and a reason, read by ``extract --explain``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from streams.extraction import lexicon as lx
from streams.extraction.place_roles import PlaceCandidate
from streams.extraction.places import PlaceMention, Province

_NATIONAL = re.compile(r"\b(?:toàn quốc|cả nước|trên phạm vi cả nước|toàn lực lượng công an|trên toàn quốc)\b")
_FOREIGN_AREA = re.compile(
    r"\b(?:tại|ở|trên|thuộc)\s+(?:địa bàn\s+|khu vực\s+|đất\s+)?(?:ngoại biên|nước bạn|bên kia biên giới|"
    r"lãnh thổ (?:lào|campuchia|trung quốc|nước bạn)|các tỉnh (?:bắc|nam|trung) lào|tam giác vàng)\b"
)
_PARTNER_SIDE = re.compile(r"\b(?:về phía|phía bên|bên phía|sâu trong (?:nội địa|lãnh thổ)) (?:lào|campuchia|trung quốc|nước bạn)\b")
"""'bản Na Phàu, cách cửa khẩu 3 km về phía Lào': seized on the partner's soil."""
_REPORTER_BEFORE = re.compile(r"\btheo\s+[^,.;]{0,50}$")
"""'Theo Bộ Chỉ huy BĐBP tỉnh Quảng Ngãi, ...': the source of the figures, not a force that made them."""
_SEVERAL_PROVINCES = re.compile(r"\b(?:công an|lực lượng(?: chức năng)?|bộ đội biên phòng) (?:của )?(?:hai|ba|các) tỉnh\b")
_NATIONAL_FORCE = re.compile(
    r"\b(?:lực lượng cảnh sát biển|cảnh sát biển việt nam|bộ tư lệnh (?:cảnh sát biển|bộ đội biên phòng)|"
    r"tổng cục hải quan|ngành hải quan|lực lượng hải quan|bộ công an|ủy ban quốc gia|"
    r"các đơn vị, địa phương|công an các đơn vị|công an các cấp|các địa phương trong cả nước|lực lượng bộ đội biên phòng|"
    r"bộ đội biên phòng các tỉnh|biên phòng toàn quân)\b"
)
"""Forces whose totals are national: a total they report names no province unless the text names one."""
_BOTH_COUNTRIES = re.compile(r"\b(?:lực lượng (?:chức năng )?(?:của )?hai (?:bên|nước)|hai bên đã|hai nước đã|song phương)\b")
_BOTH_SIDES = re.compile(r"\b(?:ở|tại|trên) cả hai (?:phía|bên)(?: biên giới)?\b")
_OWN_AREA = re.compile(
    r"\b(?:trên|tại|ở|thuộc)\s+(?:địa bàn|tuyến biên giới|khu vực biên giới|vùng biên giới|phạm vi)"
    r"(?:\s+(?:quản lý|toàn|của|thuộc))?\s+(?:toàn\s+)?(?:tỉnh|thành phố|huyện|đơn vị|thị xã)\b"
    r"|\btoàn (?:tỉnh|thành phố|huyện)\b"
)
"""A locative that points back at the reporting agency's own province ('trên tuyến biên giới của tỉnh')."""
_JOINT = re.compile(r"\b(?:phối hợp|cùng với|cùng lực lượng|hợp tác|liên hợp)\b")
_TITLE_PREFIX = re.compile(r"^\s*([^:]{2,48}):")
_COUNTRY_WORDS = (("campuchia", "KH"), ("lào", "LA"), ("trung quốc", "CN"), ("myanmar", "MM"), ("thái lan", "TH"))


@dataclass(frozen=True, slots=True)
class PlaceDecision:
    """Where a statement happened: ``province`` (None when the text does not say or is ambiguous),
    ``country``, the chain that decided it (evidence) and why."""

    province: Province | None
    country: str | None
    chain: PlaceCandidate | None
    reason: str
    area: str | None = None

    @property
    def mention(self) -> PlaceMention | None:
        return self.chain.head if self.chain is not None else None

    def unit_name(self, level: str) -> str | None:
        m = self.chain.unit(level) if self.chain is not None else None
        return m.text if m is not None else None


def _key(p: Province) -> str:
    return p.successor or f"{p.country}:{p.name}"


@dataclass
class ArticlePlaces:
    """The place candidates of one article and its fallback place (rule 7), computed once."""

    candidates: list[PlaceCandidate]
    title: list[PlaceCandidate]
    title_lower: str
    main: PlaceDecision

    @classmethod
    def build(cls, candidates: list[PlaceCandidate], title: list[PlaceCandidate], title_lower: str,
              lead_end: int, page: PlaceDecision | None = None) -> ArticlePlaces:
        """``page``: the place of the whole page, for a teaser of a listing page that names none itself."""
        page_province = page.province if page is not None and page.province is not None else None
        candidates = _supported(candidates, title, page_province)
        main = _main(candidates, title, title_lower, lead_end)
        if main.province is None and page is not None and page.province is not None:
            main = PlaceDecision(page.province, page.country, None, f"the listing page's place ({page.reason})")
        return cls(candidates, title, title_lower, main)

    def inside(self, spans: list[tuple[int, int]]) -> list[PlaceCandidate]:
        return [c for c in self.candidates if any(a <= c.start < b for a, b in spans)]


def _supported(candidates: list[PlaceCandidate], title: list[PlaceCandidate],
               page_province: Province | None = None) -> list[PlaceCandidate]:
    """Leave out a commune or district that the gazetteer places in a province the text never names,
    when the text does name other provinces: 'thị trấn Đức Phổ' in a story of Quảng Ngãi's police is
    not the namesake commune of Lâm Đồng (the gazetteer knows only today's units)."""
    named = {_key(m.province) for c in candidates + title for m in c.mentions
             if m.level == "province" and c.role not in ("residence", "origin", "destination", "route")
             and c.cue != "khai" and m.province.country == "VN"}  # a testimony names no province of the story
    if not named:
        return candidates
    if page_province is not None:
        named.add(_key(page_province))  # a listing page's own province ('Tin tức Thái Bình') names its teasers'
    return [c for c in candidates if c.abroad or any(m.level in ("province", "country") for m in c.mentions)
            or _key(c.province) in named]


def _main(candidates: list[PlaceCandidate], title: list[PlaceCandidate], title_lower: str,
          lead_end: int) -> PlaceDecision:
    prefix = _TITLE_PREFIX.match(title_lower)
    if prefix:
        in_prefix = [c for c in title if c.end <= prefix.end(1) and not c.country_only
                     and c.role not in ("residence", "origin", "destination", "route")]
        if len({_key(c.province) for c in in_prefix}) == 1:
            return PlaceDecision(in_prefix[0].province, in_prefix[0].province.country, None,
                                 "the headline's place prefix")
    weights: Counter[str] = Counter()
    first: dict[str, PlaceCandidate] = {}
    for c in title:
        if c.country_only or c.role in ("residence", "origin", "destination", "route"):
            continue
        weights[_key(c.province)] += 3
        first.setdefault(_key(c.province), c)
    for c in candidates:
        if c.country_only or c.role not in ("seizure", "agency", "other") or c.cue in ("khai", "hội nghị"):
            continue  # what a suspect says and where a meeting sat are no place of the story
        weight = 2 if c.role in ("seizure", "agency") else 1
        if c.start < lead_end:
            weight += 1
        weights[_key(c.province)] += weight
        first.setdefault(_key(c.province), c)
    if not weights:
        return PlaceDecision(None, None, None, "the article names no place of seizure or agency")
    vn = {k: w for k, w in weights.items() if first[k].province.country == "VN"} or dict(weights)
    ranked = sorted(vn.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return PlaceDecision(None, None, None, "two provinces are named equally often: no single place")
    best = first[ranked[0][0]]
    chain = best if best.role in ("seizure", "agency", "other") else None
    return PlaceDecision(best.province, best.province.country, chain, "the province the article names most")


def page_place(title: list[PlaceCandidate], title_lower: str, header: list[PlaceCandidate]) -> PlaceDecision:
    """The place a whole page belongs to (a provincial police portal, 'Báo Lạng Sơn'), from its title and
    header lines: the fallback of a listing page's teasers."""
    return _main(header, title, title_lower, 0)


def decide(spans: list[tuple[int, int]], figure_spans: list[tuple[int, int]], first_figure: int, aggregate: bool,
           article: ArticlePlaces, lower: str, claimed: list[tuple[int, int]]) -> PlaceDecision:
    """The place of one statement (see the module docstring for the order of the rules).

    ``spans``: the statement's sentences; ``figure_spans``: those holding its figures;
    ``first_figure``: offset of its first figure; ``claimed``: sentences of the other statements.
    """
    own = article.inside(spans)
    seizure = [c for c in own if c.role == "seizure"]
    if seizure:
        named = [c for c in seizure if not c.country_only]
        if named:
            if aggregate:
                keys = {_key(c.province) for c in named}
                home = {_key(c.province) for c in named if not c.abroad}
                agencies = {_key(c.province) for c in own if c.role == "agency" and not c.abroad and not c.country_only}
                if len(keys) > 1 and len(home) == 1 and (not agencies or agencies == home):
                    chosen = next(c for c in named if not c.abroad)  # 'tuyến biên giới Cao Bằng – Quảng Tây'
                    return PlaceDecision(chosen.province, "VN", chosen, "the Vietnamese side of a border total")
                if len(keys) > 1:
                    return PlaceDecision(None, _common_country(named), None,
                                         "the total's places lie in several provinces")
                return PlaceDecision(named[0].province, named[0].province.country, named[0],
                                     f"named as the place ('{named[0].cue}') in the statement")
            in_figures = [c for c in named if any(a <= c.start < b for a, b in figure_spans)]
            before = [c for c in in_figures if c.start < first_figure]
            if in_figures:
                chosen = before[-1] if before else in_figures[0]
                return PlaceDecision(chosen.province, chosen.province.country, chosen,
                                     f"named as the seizure place ('{chosen.cue}') in the sentence of the figures")
            on_partner_soil = _partner_soil(own, figure_spans, lower, article)
            if on_partner_soil is not None:
                return on_partner_soil
            acted = _by_actors(own, lower, figure_spans)
            if acted is not None and acted.province is not None:
                return acted  # who made the seizure says more than a place in the story around it
            chosen = named[0]
            return PlaceDecision(chosen.province, chosen.province.country, chosen,
                                 f"named as the seizure place ('{chosen.cue}') in the bust's sentences")
        if not aggregate or len(seizure) == len(own):  # a total 'on the Việt–Lào border' is not abroad
            country = seizure[0]
            return PlaceDecision(None, country.province.country, country, "a country named as the place, no province")
    text = " ".join(lower[a:b] for a, b in spans)
    figure_text = " ".join(lower[a:b] for a, b in figure_spans)
    if _BOTH_SIDES.search(text):
        return PlaceDecision(None, None, None, "made on both sides of the border: no single place")
    if _FOREIGN_AREA.search(figure_text):
        return PlaceDecision(None, _country_word(figure_text), None, "abroad (ngoại biên / nước bạn), no province named")
    agency = [c for c in own if c.role == "agency" and not c.country_only and not c.abroad]
    agency_keys = {_key(c.province) for c in agency}
    own_area = _OWN_AREA.search(figure_text)
    if own_area:
        foreign = _foreign_area_owner(own, figure_spans, lower)
        if foreign is not None:
            return foreign
        if len(agency_keys) == 1:
            return PlaceDecision(agency[0].province, "VN", agency[0], "the reporting agency's own area ('địa bàn tỉnh')")
        if not agency and article.main.province is not None:
            return article.main
    region = lx.REGION.search(figure_text)  # before the forces that made it: 'lực lượng các tỉnh Bắc Lào'
    if aggregate and region is not None:
        name = lx.REGION_NAMES[(region.group("region") or region.group("golden"))]
        country = "LA" if name == "Bắc Lào" else None if name == "Tam giác vàng" else "VN"
        return PlaceDecision(None, country, None, f"a total over a region ({name}), no single province", area=name)
    on_partner_soil = _partner_soil(own, figure_spans, lower, article)
    if on_partner_soil is not None:
        return on_partner_soil
    acted = _by_actors(own, lower, figure_spans + [sp for sp in spans if sp not in figure_spans])
    if acted is not None and (acted.province is not None or not aggregate):
        return acted
    foreign_agency = [c for c in own if c.role == "agency" and c.abroad]
    if foreign_agency and _JOINT.search(text):
        return PlaceDecision(None, None, None, "a joint operation with a foreign partner names no place")
    if len(agency_keys) > 1 and _JOINT.search(text):
        return PlaceDecision(None, "VN", None, "a joint operation of several provinces names no place")
    if aggregate and _NATIONAL.search(text):
        return PlaceDecision(None, "VN", None, "a national figure")
    if _SEVERAL_PROVINCES.search(figure_text) and all(_REPORTER_BEFORE.search(lower, max(0, c.start - 60), c.start)
                                                       for c in agency):  # 'Theo BĐBP tỉnh X, ... các tỉnh ven biển'
        return PlaceDecision(None, "VN", None, "the forces of several provinces together")
    if aggregate and not own and _NATIONAL_FORCE.search(figure_text) and (
            _NATIONAL.search(lower) or _NATIONAL_FORCE.search(article.title_lower) or article.main.province is None):
        return PlaceDecision(None, "VN", None, "a national force's total in a national report")
    if _BOTH_COUNTRIES.search(text) and not any(c.role == "seizure" for c in own):
        return PlaceDecision(None, None, None, "the forces of two countries together; no place named")
    if not aggregate:
        elsewhere = [c for c in article.candidates if c.role == "seizure" and not c.country_only
                     and not any(a <= c.start < b for a, b in claimed)]
        if elsewhere and len({_key(c.province) for c in elsewhere}) == 1:
            return PlaceDecision(elsewhere[0].province, elsewhere[0].province.country, elsewhere[0],
                                 "the bust's place told in another sentence of the article")
    if agency:
        if len(agency_keys) == 1:
            return PlaceDecision(agency[0].province, agency[0].province.country, agency[0],
                                 "the agency that reports the statement")
        if aggregate:
            return PlaceDecision(None, "VN", None, "agencies of several provinces report the total together")
    return article.main


_ACTION = re.compile(
    r"\b(?:bắt|thu giữ|thu được|thu (?=\d)|phát hiện|khám xét|triệt phá|phá (?:thành công |được )?(?:chuyên án|đường dây|vụ|ổ)|"
    r"chặn|vây bắt|khống chế|tạm giữ|kiểm tra|bóc gỡ)"
)
_JOIN_WORD = re.compile(r"\b(?:phối hợp|cùng|và|với|hiệp đồng|liên hợp)\b")
JOIN_GAP = 90
"""Longest text between two agencies acting together ('BĐBP tỉnh X cho biết đơn vị vừa phối hợp với Công an tỉnh Y')."""
_INFORMANT_AFTER = re.compile(r"^[^.;]{0,20}\b(?:cung cấp|thông báo|chuyển giao|chuyển)\b")


def _foreign_area_owner(own: list[PlaceCandidate], figure_spans: list[tuple[int, int]],
                        lower: str) -> PlaceDecision | None:
    """'phối hợp lực lượng an ninh huyện Noọng Hét, tỉnh Xiêng Khoảng (Lào) bắt giữ ngay trên địa bàn
    huyện này': the area named is the foreign force's, the one named last before it."""
    for a, b in figure_spans:
        for m in _OWN_AREA.finditer(lower, a, b):
            before = [c for c in own if c.role == "agency" and a <= c.start < m.start()]
            if before and before[-1].abroad and not before[-1].country_only:
                last = before[-1]
                return PlaceDecision(last.province, last.province.country, last,
                                     "the foreign force's own area ('trên địa bàn huyện này')")
    return None


def _partner_soil(own: list[PlaceCandidate], figure_spans: list[tuple[int, int]], lower: str,
                  article: ArticlePlaces) -> PlaceDecision | None:
    """A seizure made with one foreign partner on the partner's soil: 'cách biên giới 3 km về phía Lào',
    or at a place no Vietnamese gazetteer knows ('tại huyện Ô Răng') — the partner's province."""
    partner = [c for c in own if c.role == "agency" and c.abroad and not c.country_only]
    if not partner or len({_key(c.province) for c in partner}) != 1:
        return None
    figure_text = " ".join(lower[a:b] for a, b in figure_spans)
    if _PARTNER_SIDE.search(figure_text):
        return PlaceDecision(partner[0].province, partner[0].province.country, partner[0],
                             "on the partner's side of the border ('về phía Lào'): the foreign partner's province")
    if _unknown_locative(figure_spans, lower, article):
        return PlaceDecision(partner[0].province, partner[0].province.country, partner[0],
                             "a place the Vietnamese gazetteer does not know, beside a foreign partner: abroad")
    return None


_UNIT_LOCATIVE = re.compile(r"\b(?:tại|ở) (?:huyện|tỉnh|xã|thị trấn|quận|thành phố|phum) ")
"""Administrative units the gazetteer knows in Vietnam (villages, 'bản', 'thôn', are not in it)."""


def _unknown_locative(figure_spans: list[tuple[int, int]], lower: str, article: ArticlePlaces) -> bool:
    """'bắt giữ 2 đối tượng tại huyện Ô Răng': a unit named at the seizure that is no Vietnamese place
    (the gazetteer knows every Vietnamese district and commune) — told beside a foreign partner, it is
    the partner's."""
    for a, b in figure_spans:
        for m in _UNIT_LOCATIVE.finditer(lower, a, b):
            if not any(m.end() <= c.start < m.end() + 3 for c in article.candidates):
                return True
    return False


def _actors(own: list[PlaceCandidate], lower: str, a: int, b: int) -> list[PlaceCandidate]:
    """The agencies that act in the sentence ``lower[a:b]``: the one nearest before its first action
    verb ('Công an huyện Hà Khẩu, tỉnh Vân Nam (Trung Quốc) đã bắt quả tang ...') and those joined
    to it by 'phối hợp với', 'cùng', 'và'. An informant ('thông tin do Công an tỉnh X cung cấp')
    does not act."""
    verb = _ACTION.search(lower, a, b)
    if verb is None:
        return []
    agencies = [c for c in own if c.role == "agency" and a <= c.start < verb.start()
                and not (c.country_only and not c.abroad)  # 'Cục Cảnh sát biển Việt Nam': national, no place
                and not _INFORMANT_AFTER.match(lower, c.end)]
    if not agencies:
        return []
    group = [agencies[-1]]
    for c in reversed(agencies[:-1]):
        gap = lower[c.end:group[-1].start]
        if len(gap) <= JOIN_GAP and _JOIN_WORD.search(gap) and not _ACTION.search(gap) and not any(
                ch in gap for ch in ".;"):
            group.append(c)
        else:
            break
    return group


def _by_actors(own: list[PlaceCandidate], lower: str, spans: list[tuple[int, int]]) -> PlaceDecision | None:
    """Rule 3/6 read from who acted: one province acting alone places the statement (a foreign
    police force included); Vietnamese and foreign forces acting together, or forces of several
    provinces, name no single place."""
    joint: PlaceDecision | None = None
    for a, b in spans:
        group = _actors(own, lower, a, b)
        if not group:
            continue
        keys = {_key(c.province) for c in group}
        if len(keys) == 1:  # one force acting alone, in any sentence of the statement, is the most specific
            if group[0].country_only:
                return PlaceDecision(None, group[0].province.country, group[0],
                                     "a foreign force made the seizure; no province named")
            return PlaceDecision(group[0].province, group[0].province.country, group[0],
                                 "the agency that made the seizure")
        if joint is None:
            if any(c.abroad for c in group) and not all(c.abroad for c in group):
                joint = PlaceDecision(None, None, None, "a joint operation with a foreign partner names no place")
            else:
                joint = PlaceDecision(None, _common_country(group), None, "forces of several provinces acted together")
    return joint


def _common_country(cands: list[PlaceCandidate]) -> str | None:
    countries = {c.province.country for c in cands}
    return countries.pop() if len(countries) == 1 else None


def _country_word(text: str) -> str | None:
    return next((code for word, code in _COUNTRY_WORDS if word in text), None)
