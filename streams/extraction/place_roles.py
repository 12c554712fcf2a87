"""What a place name is doing in its sentence: where drugs were seized, or something else.

A report names many places: where the bust happened, the agency that made it ("Công an
tỉnh Điện Biên"), where the suspects live ("trú tại ..."), where the drugs came from
("từ Lào"), where they were going ("về Hà Nội tiêu thụ"), the border gate they passed
("nhập cảnh qua cửa khẩu Mộc Bài"), a foreign partner ("Công an tỉnh Hủa Phăn (Lào)").
Only the first is the event's place (SCHEMA rule 8).

``place_candidates`` groups consecutive mentions into chains ("bản Huổi Lả, huyện Mường
Khoa, tỉnh Phông Sa Lỳ (Lào)" is one place), and gives each chain a role read from the
word that governs it: the nearest cue word before the chain head within its clause. The
cue vocabulary lives in ``lexicon.PLACE_CUES``; this module holds the reading rule only.
Pure; offsets are in the normalised text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from streams.extraction import lexicon as lx
from streams.extraction.gates import gated_search, words_gate, words_pattern
from streams.extraction.places import PlaceMention, Province

PlaceRole = Literal["seizure", "agency", "residence", "origin", "destination", "route", "other"]

_CHAIN_GAP = re.compile(r"\s*(?:,|\(|–|-|—)?\s*(?:thuộc\s+)?$")
"""What may stand between two links of one place chain: ", ", " (", " – ", "thuộc"."""
_WORD_BACK = re.compile(r"[0-9a-zà-ỹđ]+(?:/[0-9a-zà-ỹđ]+)?")
_CLAUSE_STOPS = ".;!?\n"
"""What ends the clause a cue word is looked for in."""
_MEETING_WORDS = ("hội nghị", "cuộc họp", "buổi làm việc", "hội thảo", "tọa đàm", "lễ ký", "lễ ra quân", "lễ phát động",
                  "lễ tổng kết", "lễ tiếp nhận", "lễ bàn giao", "lễ khai mạc", "diễn đàn")
_MEETING = re.compile(rf"\b{words_pattern(_MEETING_WORDS)}\b")
_MEETING_GATE = words_gate(_MEETING_WORDS)
_SEIZURE_ACT = re.compile(r"\b(?:bắt|thu giữ|thu được|phát hiện|khám xét|triệt phá|tạm giữ)\b")
_ACTED_ON_TESTIMONY = re.compile(r"\b(?:từ|căn cứ|căn cứ vào|dựa vào|dựa trên) lời $")
"""'Từ lời khai của Phong, ngày 15/4, tại quận Hoàng Mai, ... bắt': the police acted on the testimony,
the place is theirs ('Theo lời khai, Phong mua tại ...' tells the testimony itself)."""
_TESTIMONY_WORDS = ("khai", "thừa nhận", "thú nhận")
_TESTIMONY = re.compile(rf"(?<!triển )(?<!công )\b{words_pattern(_TESTIMONY_WORDS)}\b(?!\s+(?:thác|mạc|trương|giảng|triển))")
_TESTIMONY_GATE = words_gate(_TESTIMONY_WORDS)
_PERSON_BEFORE_O = re.compile(r"(?<![\d\s])\s*\b(?:một |1 )?(?:người|đối tượng|tên|khách|mối|đầu nậu|chủ hàng)\b"
                              r"(?:\s+[^\s\d]+){0,3}\s+ở\s+(?:[^\s]+\s+){0,4}$")
_BORDER_CUES = frozenset({"biên giới", "vùng biên giới", "khu vực biên giới"})
_CUE_LAST_WORDS = {n: frozenset(cue.split(" ")[-1] for cue in lx.PLACE_CUES if len(cue.split(" ")) == n)
                   for n in (1, 2, 3)}
"""The last words of the cues of n words: a phrase ending in any other word is no cue (not joined, not looked up)."""
LOOK_BACK_WORDS = 9
"""Words looked at before a chain for its governing cue: enough for 'tại nhà riêng ở thôn 3,'."""


@dataclass(frozen=True, slots=True)
class PlaceCandidate:
    """A chain of place mentions with one role. ``head`` is the first mention, ``province``
    the most specific province the chain resolves to, ``cue`` the word that set the role."""

    mentions: tuple[PlaceMention, ...]
    role: PlaceRole
    cue: str | None

    @property
    def head(self) -> PlaceMention:
        return self.mentions[0]

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end

    @property
    def province(self) -> Province:
        """The chain's province: an explicit province link wins over what a district resolves to."""
        for m in self.mentions:
            if m.level == "province":
                return m.province
        for m in self.mentions:
            if m.level != "country":
                return m.province
        return self.mentions[0].province

    @property
    def consistent(self) -> bool:
        """The links agree on one province (or an explicit province link settles it). 'xã Hợp Thịnh,
        huyện Kỳ Sơn' resolving to two different provinces says the gazetteer does not know this place."""
        if any(m.level == "province" for m in self.mentions):
            return True
        places = {m.province.successor or m.province.name for m in self.mentions if m.level != "country"}
        return len(places) <= 1

    @property
    def country_only(self) -> bool:
        return all(m.level == "country" for m in self.mentions)

    @property
    def abroad(self) -> bool:
        return self.province.country != "VN"

    def unit(self, level: str) -> PlaceMention | None:
        return next((m for m in self.mentions if m.level == level), None)


def _prefix_start(m: PlaceMention) -> int:
    return m.start - (len(m.prefix) + 1 if m.prefix else 0)


_LEVEL_RANK = {"commune": 0, "district": 1, "province": 2, "country": 3}


def _chains(places: list[PlaceMention], lower: str) -> list[list[PlaceMention]]:
    """Consecutive mentions from the specific to the general ('xã A, huyện B, tỉnh C (Lào)') make
    one chain; a list of places of one level ('tỉnh Sơn La, tỉnh Điện Biên') makes several."""
    chains: list[list[PlaceMention]] = []
    for m in places:
        if chains:
            last = chains[-1][-1]
            gap = lower[last.end:_prefix_start(m)]
            if (len(gap) <= 12 and _CHAIN_GAP.fullmatch(gap)
                    and _LEVEL_RANK.get(m.level, 2) > _LEVEL_RANK.get(last.level, 2)):
                chains[-1].append(m)
                continue
        chains.append([m])
    return chains


_STRIP = ",;:()[]\"“”'‘’.!?-–—/"


def _words_before(lower: str, window_start: int, start: int) -> list[tuple[int, str]]:
    """The last LOOK_BACK_WORDS words of ``lower[window_start:start]`` with their offsets, punctuation
    stripped (a split is several times cheaper than a word regex over the window)."""
    out: list[tuple[int, str]] = []
    end = start
    while len(out) < LOOK_BACK_WORDS:
        space = lower.rfind(" ", window_start, end)
        first = space + 1 if space != -1 else window_start  # the window's first word has no space before it
        word = lower[first:end].strip(_STRIP)
        if word:
            out.append((first, word))
        if space == -1:
            break
        end = space
    out.reverse()
    return out


def _role(lower: str, start: int, floor: int, testimony_words: bool = True,
          meeting_words: bool = True) -> tuple[PlaceRole, str | None]:
    """The role set by the nearest cue word before ``start`` (no further back than ``floor``).

    ``testimony_words`` / ``meeting_words``: False when the whole text holds none of the words of
    _TESTIMONY / _MEETING (asked once per text by ``place_candidates``), so no span can match them."""
    window_start = max(floor, start - 90)
    stop = max(lower.rfind(c, window_start, start) for c in _CLAUSE_STOPS)  # where the clause begins
    if stop != -1:
        window_start = stop + 1
    sentence_start = max(lower.rfind(". ", floor, start), lower.rfind("\n", floor, start), floor)
    testimony = gated_search(_TESTIMONY, _TESTIMONY_GATE, lower, sentence_start, start) if testimony_words else None
    if testimony and _ACTED_ON_TESTIMONY.search(lower, sentence_start, testimony.start()) is not None:
        testimony = _TESTIMONY.search(lower, testimony.end(), start)
    if testimony:
        return "other", "khai"  # what a suspect says about sources and buyers is not where drugs were seized
    sentence_end = lower.find(". ", start)
    sentence_end = len(lower) if sentence_end == -1 else sentence_end
    if meeting_words and gated_search(_MEETING, _MEETING_GATE, lower, sentence_start, sentence_end) and \
            not _SEIZURE_ACT.search(lower, sentence_start, sentence_end):
        return "other", "hội nghị"  # where a meeting was held is not where drugs were seized
    words = _words_before(lower, window_start, start)
    for i in range(len(words) - 1, -1, -1):
        for n in (3, 2, 1):  # multi-word cues first: 'trên địa bàn', 'đoạn qua', 'công an'
            if i - n + 1 < 0 or words[i][1] not in _CUE_LAST_WORDS[n]:
                continue
            phrase = " ".join(w for _, w in words[i - n + 1:i + 1])
            role = lx.PLACE_CUES.get(phrase)
            if role is None:
                continue
            if role == "seizure":
                k = i - n
                while k >= 0 and words[k][1] in _AREA_FILLER:  # 'từ khu vực biên giới X', 'vào vùng biên giới X'
                    k -= 1
                if k >= 0 and words[k][1] in lx.DIRECTION_BEFORE_LOCATIVE:
                    word = words[k][1]
                    return lx.DIRECTION_BEFORE_LOCATIVE[word], f"{word} {phrase}"  # type: ignore[return-value]
            if phrase == "ở" and _PERSON_BEFORE_O.search(lower, max(floor, words[i][0] - 40), start):
                return "residence", "người … ở"  # 'một người Lào ở huyện Viêng Xay': where someone lives
            if role == "seizure":
                cue_at = words[i - n + 1][0]
                closed = lower.rfind(")", window_start, cue_at)  # '(SN 1990, trú tại huyện X) tại bản Y': the
                # home was told in parentheses; the locative after them is the seizure's
                override = _locative_override([w for at, w in words[max(0, i - n - LOCATIVE_VERB_WORDS):i - n + 1]
                                               if at > closed])
                if override:
                    return override[0], f"{override[1]} … {phrase}"
            return role, phrase  # type: ignore[return-value]
    return "other", None


_AREA_FILLER = frozenset({"khu", "vực", "vùng", "địa", "bàn", "phận", "các", "tuyến"})
"""Words of an area between a direction and its place cue ('từ khu vực biên giới')."""
LOCATIVE_VERB_WORDS = 5
"""How far before 'tại' / 'ở' a verb still governs it ('mua số hàng cấm trên tại TP HCM')."""


def _locative_override(before: list[str]) -> tuple[PlaceRole, str] | None:
    """'trú tại', 'mua ma túy ở', 'giao cho khách tại': the verb before a locative says the place is
    a home, a source or a destination. An arrest or seizure verb in between keeps it a seizure place."""
    for i in range(len(before) - 1, -1, -1):
        for n in (2, 1):
            if i - n + 1 < 0:
                continue
            phrase = " ".join(before[i - n + 1:i + 1])
            if phrase in lx.SEIZURE_VERBS_BEFORE_LOCATIVE:
                return None
            role = lx.PLACE_CUE_BEFORE_LOCATIVE.get(phrase)
            if role:
                if role in ("origin", "destination") and i - n >= 0 and before[i - n] == "đang":
                    return None  # 'bắt 2 người đang nhận 6 bánh heroin tại X': caught in the act, at X
                return role, phrase  # type: ignore[return-value]
    return None


def place_candidates(places: list[PlaceMention], lower: str, floor: int = 0) -> list[PlaceCandidate]:
    """The place chains of ``places`` (sorted mentions of one text), each with its role."""
    out = []
    testimony_words = _TESTIMONY_GATE.search(lower) is not None
    meeting_words = _MEETING_GATE.search(lower) is not None
    for chain in _chains(places, lower):
        role, cue = _role(lower, _prefix_start(chain[0]), floor, testimony_words, meeting_words)
        candidate = PlaceCandidate(tuple(chain), role, cue)
        if candidate.country_only and role == "seizure" and cue in _BORDER_CUES:
            candidate = PlaceCandidate(tuple(chain), "other", cue)  # 'biên giới Việt – Lào': a border, not abroad
        if candidate.consistent:
            out.append(candidate)
    return out
