"""Place names in Vietnamese seizure reports -> provinces, across the 2025-07-01 merger.

Owns: finding place mentions (countries, provinces, districts, communes) in a report
and resolving each to the province it lay in *on the report's date* (63 provinces
before ``MERGER_DATE``, 34 after), plus the post-2025 successor used for aggregation.
Unit names, codes and the old->new mapping come from vietnamadminunits; foreign border
provinces from ``data/foreign_provinces.json``; the tables are built by
``gazetteer_index`` once, lazily, at first use.

Must not: do I/O at call time beyond that one lazy load, talk to Kafka or the network,
or guess. A wrong province is a false fact, so doubtful mentions (ambiguous names with no
disambiguating province in the text, names that look like person or street names) are
dropped rather than resolved.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, replace
from pathlib import Path

from . import gazetteer_index as gi
from .landmarks import find_landmarks

MERGER_DATE = dt.date(2025, 7, 1)
HUE_RENAME_DATE = dt.date(2025, 1, 1)  # Thừa Thiên Huế became the centrally-run city Huế


@dataclass(frozen=True, slots=True)
class Province:
    """A province as officially named at some date (the unit events are placed in).

    ``name``: official short name with diacritics ('Sơn La', 'Hồ Chí Minh', 'Bà Rịa – Vũng Tàu',
    'Thừa Thiên Huế' before 2025-01-01; 'Hủa Phăn' for a Lao one; 'Lào' for a country mention).
    ``code``: vietnamadminunits code of this unit (legacy code for a pre-2025 province, new code
    for a post-2025 one; they differ, e.g. Lào Cai 10 -> 15); None abroad.
    ``legacy``: True for a pre-2025 unit. ``successor``/``successor_code``: the post-2025
    province it lies in (itself when already new), for aggregation; None abroad.
    """

    name: str
    country: str
    code: str | None
    legacy: bool
    successor: str | None
    successor_code: str | None


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One place named in a text: ``text[start:end]`` is the name as written (no prefix word).

    ``level``: 'country' | 'province' | 'district' | 'commune'. ``prefix``: the administrative
    word before it, lower-case ('tỉnh', 'thành phố', 'tp', 'huyện', 'quận', 'thị xã', 'xã',
    'phường', 'thị trấn', 'đặc khu', 'thủ đô'), or None. ``province``: where it lay on the date.
    """

    start: int
    end: int
    text: str
    province: Province
    level: str
    prefix: str | None


__all__ = ["MERGER_DATE", "PlaceMention", "Province", "find_places", "resolve_province", "successor_of"]

_FOREIGN_PATH = Path(__file__).with_name("data") / "foreign_provinces.json"
_INDEX: gi.GazetteerIndex | None = None
_LOCK = threading.Lock()


def _index() -> gi.GazetteerIndex:
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                _INDEX = gi.build_index(_FOREIGN_PATH)
    return _INDEX


# --- the words around a name ---------------------------------------------------------
_PFX2 = {("thành", "phố"): "thành phố", ("thị", "xã"): "thị xã", ("thị", "trấn"): "thị trấn",
         ("đặc", "khu"): "đặc khu", ("thủ", "đô"): "thủ đô"}
_PFX1 = {"tỉnh": "tỉnh", "tp": "tp", "huyện": "huyện", "quận": "quận", "xã": "xã", "phường": "phường", "bang": "tỉnh"}
_LEVEL = {"tỉnh": "province", "thủ đô": "province", "thành phố": "city", "tp": "city", "huyện": "district",
          "quận": "district", "thị xã": "district", "xã": "commune", "phường": "commune",
          "thị trấn": "commune", "đặc khu": "commune"}
_TYPE = {"thành phố": "Thành phố", "tp": "Thành phố", "huyện": "Huyện", "quận": "Quận", "thị xã": "Thị xã",
         "xã": "Xã", "phường": "Phường", "thị trấn": "Thị trấn", "đặc khu": "Đặc khu"}
# A name right after one of these is part of a person's name (surname, middle name, title).
_PERSON_WORDS = (
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đào trịnh mai lương"
    " lò lù vi cao tạ tô châu quách lưu thái đoàn vương thào sùng giàng vàng mùa lầu hạng cầm lường quàng"
    " triệu hứa kiều khổng la lã lại lâm mạc nông chu âu văn thị đức hữu công ngọc xuân"
    " ông bà anh chị em cháu cô chú bác cụ"
)
_PERSON_PREV = set(_PERSON_WORDS.split())
_HAMLET_PREV = {"ấp", "thôn", "bản", "xóm", "buôn", "làng", "khóm", "sóc", "tổ", "đội"}
"""A name right after one of these is a hamlet's ('ấp Khánh Hòa, xã Khánh An'), not the province it echoes."""
_CUES = {"tại", "ở", "về", "đến", "tới", "từ", "khỏi", "vào", "sang", "qua", "ra", "nước", "thuộc"}
# The word(s) right before a run of capitalised words: an administrative prefix, a cue that
# what follows is no province (street, market, person, newspaper), or a locative cue.
_BEFORE: dict[str, str] = {}
for _w in ("thành phố", "thị xã", "thị trấn", "đặc khu", "thủ đô", "tỉnh", "tp", "tp.", "huyện", "quận", "xã", "bang",
           "phường"):
    _BEFORE[_w] = "prefix"
for _w in ("đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "đại lộ", "quốc lộ", "tỉnh lộ", "chợ", "cầu", "bến xe",
           "sân bay", "khách sạn", "nhà hàng", "trường", "báo", "đài", "tàu", "ông", "bà", "anh", "chị", "em",
           "cháu", "cô", "chú", "bác", "cụ", "tên", "đối tượng", "bị can", "bị cáo", "nghi phạm", "vợ", "chồng",
           "thằng", "lão", *sorted(_HAMLET_PREV)):
    _BEFORE[_w] = "other"
for _w in _CUES:
    _BEFORE[_w] = "cue"
_BEFORE2 = {w for w in _BEFORE if " " in w}


def _word_before(work: str, rs: int) -> tuple[str | None, str | None]:
    """(kind, word) for the lower-case word(s) just before offset ``rs``, if listed in ``_BEFORE``."""
    if rs == 0 or work[rs - 1] not in " \t\u00a0":
        return None, None
    words = work[max(0, rs - 24):rs].split()
    if len(words) >= 2:  # two-word entries first: 'thành phố' is a prefix, 'phố' a street
        two = (words[-2] + " " + words[-1]).lower()
        if two in _BEFORE2:
            return _BEFORE[two], two
    if words:
        one = words[-1].lower()
        kind = _BEFORE.get(one)
        if kind:
            return kind, one
    return None, None


_ENUM = re.compile(r"\s*(?:,|;|và|,\s*và)\s*")

_UPPER = "".join(chr(c) for r in ((0x41, 0x5A), (0xC0, 0x24F), (0x1E00, 0x1EFF))
                 for c in range(r[0], r[1] + 1) if chr(c).isupper())
_LOWER = "".join(chr(c) for r in ((0x61, 0x7A), (0xDF, 0x24F), (0x1E00, 0x1EFF))
                 for c in range(r[0], r[1] + 1) if chr(c).islower())
_WORD = rf"[{_UPPER}](?:[{_LOWER}]+|[{_UPPER}]*)(?:-[^\W\d_]+)*"
"""A capitalised word or an all-capitals one ('TPHCM'); a capital inside a word starts a new word, so a
province label glued to the text by a scraper ('Lâm ĐồngTổ trinh sát') still reads as 'Lâm Đồng'."""
_RUN = re.compile(rf"{_WORD}(?:(?:[ \t\u00a0]+|[ \t\u00a0]*[-–—][ \t\u00a0]*|(?<=T[Pp])\.[ \t\u00a0]?){_WORD})*")
_SYL = re.compile(r"[^\W\d_]+")

_KEYS: dict[str, str] = {}


def _key(syllable: str) -> str:
    k = _KEYS.get(syllable)
    if k is None:
        if len(_KEYS) > 200_000:  # bounded memo: capitalised tokens of a long-running stream
            _KEYS.clear()
        k = _KEYS[syllable] = gi.syllable_key(syllable)
    return k


# --- Province objects by date ---------------------------------------------------------
_PROVS: dict[tuple, Province] = {}


def _as_date(on: dt.date | dt.datetime | str | None) -> dt.date | None:
    if on is None or type(on) is dt.date:
        return on
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    return dt.date.fromisoformat(str(on)[:10])


def _legacy(code: str, on: dt.date | None) -> Province:
    """A pre-2025 province as named on ``on`` (Huế: 'Thừa Thiên Huế' before 2025-01-01)."""
    hue_new = code == gi.HUE_CODE and on is not None and on >= HUE_RENAME_DATE
    key = ("L", code, hue_new)
    p = _PROVS.get(key)
    if p is None:
        idx = _index()
        name = gi.LEGACY_NAME_OVERRIDES.get(code, idx.legacy_names[code])
        if code == gi.HUE_CODE and not hue_new:
            name = gi.HUE_OLD_NAME
        succ = idx.successor[code]
        p = _PROVS[key] = Province(name, "VN", code, True, idx.new_names[succ], succ)
    return p


def _new(code: str) -> Province:
    p = _PROVS.get(("N", code))
    if p is None:
        name = _index().new_names[code]
        p = _PROVS[("N", code)] = Province(name, "VN", code, False, name, code)
    return p


def _foreign(country: str, name: str) -> Province:
    p = _PROVS.get(("F", country, name))
    if p is None:
        p = _PROVS[("F", country, name)] = Province(name, country, None, False, None, None)
    return p


def _legacy_or_successor(code: str, on: dt.date | None) -> Province:
    if on is None or on < MERGER_DATE:
        return _legacy(code, on)
    return _new(_index().successor[code])


_BY_ENTRY: dict[tuple, Province] = {}


def _era(on: dt.date | None) -> int:
    """The four periods in which a name resolves the same way."""
    if on is None:
        return 0
    return 1 if on < HUE_RENAME_DATE else 2 if on < MERGER_DATE else 3


def _entry_province(e: gi.Entry, on: dt.date | None) -> Province:
    key = (e, _era(on))
    p = _BY_ENTRY.get(key)
    if p is None:
        p = _BY_ENTRY[key] = _entry_province_uncached(e, on)
    return p


def _entry_province_uncached(e: gi.Entry, on: dt.date | None) -> Province:
    kind = e[0]
    if kind == "P":
        lcode, ncode = e[1], e[2]
        if on is None:  # legacy-only names stay legacy; names valid today are today's
            return _new(ncode) if ncode else _legacy(lcode, None)
        if on < MERGER_DATE:
            return _legacy(lcode, on) if lcode else _new(ncode)
        return _new(ncode) if ncode else _new(_index().successor[lcode])
    if kind in "FC":
        return _foreign(e[1], e[2])
    if kind == "N":
        return _new(e[1])
    return _legacy_or_successor(e[1], on)


# --- scanning -------------------------------------------------------------------------
def _bad_tail(keys: list[str], sy: list, j: int, work: str, idx: gi.GazetteerIndex) -> bool:
    """True when a prefix-less name runs on into more capitalised words that are no name
    ('Sài Gòn Giải Phóng', 'Hà Nội Mới'): then it is part of something else's name."""
    n = len(keys)
    if j >= n or work[sy[j - 1][1]:sy[j][0]].strip():
        return False  # run ends, or a dash / dot separates ('Sơn La – Các tỉnh Bắc Lào')
    if keys[j] in _PFX1 or (j + 1 < n and (keys[j], keys[j + 1]) in _PFX2):
        return False
    k, m = keys[j], j + 1
    while True:
        if k in idx.names:
            return False
        if m >= n or k not in idx.prefixes:
            return True
        k = k + " " + keys[m]
        m += 1


def _accept_prefixed(ents: list, prefix: str, key: str, idx: gi.GazetteerIndex):
    """(level, province-level entries, district/commune candidates) for a name after ``prefix``."""
    level = _LEVEL[prefix]
    if prefix == "thủ đô":
        capital = idx.names.get("thủ đô " + key)
        if capital:
            return "province", capital[0], None
    if level in ("province", "city"):
        pf = [e for e in ents if e[0] in "PF"]
        if pf:
            return "province", pf[0], None
        if level == "province":
            return None
    want = _TYPE[prefix]
    if level in ("city", "district"):
        ds = [e for e in ents if e[0] == "D"]
        typed = [e for e in ds if e[3] == want]
        return ("district", None, (typed or ds, [])) if ds else None
    ws = [e for e in ents if e[0] == "W"]
    ns = [e for e in ents if e[0] == "N"]
    if not ws and not ns:
        return None
    return "commune", None, ([e for e in ws if e[3] == want] or ws, [e for e in ns if e[3] == want] or ns)


_RUNS: dict[str, tuple[list[str], list[tuple[int, int, str]]] | None] = {}
_UNSEEN = ([], [])
# Per-key answers that do not depend on the text (bounded by the index size): memoised.
_PREFIXED: dict[tuple[str, str], tuple | None] = {}
_PROVINCE_LEVEL: dict[str, gi.Entry | None] = {}


def _prefixed(key: str, prefix: str, idx: gi.GazetteerIndex):
    got = _PREFIXED.get((key, prefix), _UNSEEN)
    if got is _UNSEEN:
        got = _PREFIXED[(key, prefix)] = _accept_prefixed(idx.names.get(key) or idx.folded[key], prefix, key, idx)
    return got


def _run_keys(run: str, idx: gi.GazetteerIndex) -> tuple[list[str], list[tuple[int, int, str]]] | None:
    """(syllable keys, syllable offsets within the run) of a run of capitalised words, or None
    when no name can start in it (no one-syllable name and no first pair of a longer one):
    that is most runs, and runs recur ('Bộ Công', 'Đồn Biên'), so the answer is memoised."""
    names, folded, pairs = idx.names, idx.folded, idx.pairs
    if run.isalpha():  # one word: the common case
        k = _KEYS.get(run) or _key(run)
        return ([k], [(0, len(run), run)]) if k in names or k in folded else None
    if run.replace(" ", "").isalpha():  # 'Word Word': no regex needed
        rel, pos = [], 0
        for tok in run.split(" "):
            if tok:
                rel.append((pos, pos + len(tok), tok))
            pos += len(tok) + 1
    else:
        rel = [(m.start(), m.end(), m.group()) for m in _SYL.finditer(run)]
    keys = [_KEYS.get(t[2]) or _key(t[2]) for t in rel]
    n = len(keys)
    for i in range(n):
        k = keys[i]
        if k in names or k in folded or (i + 1 < n and k + " " + keys[i + 1] in pairs):
            return keys, rel
    return None


def _scan(work: str, idx: gi.GazetteerIndex) -> list[tuple]:
    """Pass 1: candidate mentions as (start, end, prefix, level, entry | None, candidates | None)."""
    names, folded, prefixes, pairs = idx.names, idx.folded, idx.prefixes, idx.pairs
    runs = _RUNS
    out: list[tuple] = []
    last_end, last_prefix = -100, None
    for rm in _RUN.finditer(work):
        run = rm.group()
        got_run = runs.get(run, _UNSEEN)
        if got_run is None:
            continue  # seen before: nothing in this run can begin a name
        if got_run is _UNSEEN:
            got_run = _run_keys(run, idx)
            if len(runs) > 100_000:  # bounded memo for a long-running stream
                runs.clear()
            runs[run] = got_run
            if got_run is None:
                continue
        keys, rel = got_run
        n = len(keys)
        rs = rm.start()
        sy = [(a + rs, b + rs, t) for a, b, t in rel]
        before = cue = inherited = None
        checked_before = False
        i = 0
        while i < n:
            # every name that starts at i, by extending one syllable while the text is a key prefix
            k = keys[i]
            if k not in names and k not in folded and (i + 1 >= n or k + " " + keys[i + 1] not in pairs):
                i += 1
                continue
            j, asc, spans = i + 1, sy[i][2].isascii(), []
            while True:
                if k in names or (asc and k in folded and (j > i + 1 or len(k) > 4)):
                    spans.append((j, k))  # no-diacritic spellings only for unmistakable names ('Lao')
                if j >= n or k not in prefixes:
                    break
                k = k + " " + keys[j]
                asc = asc and sy[j][2].isascii()
                j += 1
            if not spans:
                i += 1
                continue
            prev, prefix, here_cue, here_inh = None, None, False, None
            if i >= 2 and (keys[i - 2], keys[i - 1]) in _PFX2:
                prefix = _PFX2[(keys[i - 2], keys[i - 1])]
            elif i >= 1 and keys[i - 1] in _PFX1:
                prefix = _PFX1[keys[i - 1]]
            elif i == 0:
                if not checked_before:
                    checked_before = True
                    kind, word = _word_before(work, rs)
                    if kind == "other":
                        break  # street, market, person, newspaper...: the run names something else
                    if kind == "prefix":
                        before = _PFX1.get(word.rstrip("."), word)
                    cue = kind == "cue"
                    if (before is None and last_prefix and 0 < rs - last_end <= 8
                            and _ENUM.fullmatch(work, last_end, rs)):
                        inherited = last_prefix
                prefix, here_cue, here_inh = before, cue, inherited
            else:
                prev = keys[i - 1]
                here_cue = prev in _CUES
            got = _judge(spans[-1], i, keys, sy, work, idx, prefix, prev, here_cue, here_inh)
            j = spans[-1][0]
            if got:
                out.append(got)
                last_end = got[1]
                last_prefix = got[2] if got[3] in ("district", "commune") else None
            i = j  # a rejected name is skipped whole: its shorter heads are not names here
    return out


def _judge(span: tuple[int, str], i: int, keys: list[str], sy: list, work: str, idx: gi.GazetteerIndex,
           prefix: str | None, prev: str | None, cue: bool, inherited: str | None) -> tuple | None:
    """The candidate mention for the longest name starting at syllable ``i``, or None."""
    j, k = span
    start, end = sy[i][0], sy[j - 1][1]
    if _bad_tail(keys, sy, j, work, idx):
        return None
    if prefix is not None:
        got = _prefixed(k, prefix, idx)
        return (start, end, prefix, *got) if got else None
    if prev in _PERSON_PREV or prev in _HAMLET_PREV:
        return None
    best = _PROVINCE_LEVEL.get(k, _UNSEEN)
    if best is _UNSEEN:
        pf = sorted((e for e in idx.names.get(k) or idx.folded[k] if e[0] in "PFC"), key=lambda e: "PFC".index(e[0]))
        best = _PROVINCE_LEVEL[k] = pf[0] if pf else None
    if best is not None:
        if j == i + 1 and len(k) <= 4 and best[0] != "C" and not cue:
            return None  # 'Huế', 'Kep' alone could be a given name: need a cue word
        return (start, end, None, "country" if best[0] == "C" else "province", best, None)
    if inherited:
        got = _prefixed(k, inherited, idx)
        if got:
            return (start, end, inherited, *got)
    fd = idx.free_district.get(k)
    if fd:
        return (start, end, None, "district", None, ([fd], []))
    return None


def _resolve(raw: list[tuple], on: dt.date | None) -> list[tuple[tuple, Province]]:
    """Pass 2: provinces for every candidate; ambiguous units are settled by the provinces
    (and districts) the same text names, nearest first, or dropped."""
    idx = _index()
    succ = idx.successor
    ctx_l: dict[str, list[int]] = {}
    ctx_n: dict[str, list[int]] = {}
    ctx_d: dict[str, list[int]] = {}
    late = on is None or on >= MERGER_DATE
    done: dict[int, Province] = {}
    pending: list[tuple[int, list[gi.Entry]]] = []

    def note(e: gi.Entry, pos: int) -> None:
        if e[0] == "P":
            if e[1]:
                ctx_l.setdefault(e[1], []).append(pos)
            ncode = e[2] or succ[e[1]]
            ctx_n.setdefault(ncode, []).append(pos)
        elif e[0] in "DW":
            ctx_l.setdefault(e[1], []).append(pos)
            ctx_n.setdefault(succ[e[1]], []).append(pos)
            if e[0] == "D":
                ctx_d.setdefault(e[2], []).append(pos)
        elif e[0] == "N":
            ctx_n.setdefault(e[1], []).append(pos)

    for n_, r in enumerate(raw):
        if r[4] is not None:
            done[n_] = _entry_province(r[4], on)
            note(r[4], r[0])
            continue
        ws, ns = r[5]
        tiers = [ws] if not late else [ns, ws]
        for cands in tiers:
            if not cands:
                continue
            provs = {_entry_province(e, on) for e in cands}
            if len(provs) == 1:
                done[n_] = provs.pop()
                for e in cands:
                    note(e, r[0])
            else:
                pending.append((n_, cands))
            break
    for n_, cands in pending:
        pos = raw[n_][0]
        tiers = [("D", ctx_d), ("L", ctx_l)] + ([("N", ctx_n)] if late else [])
        for tier, ctx in tiers:
            best: dict[Province, int] = {}
            for e in cands:
                if tier == "D":
                    code = e[2] if e[0] == "W" else None
                elif tier == "L":
                    code = e[1] if e[0] in "DW" else None
                else:
                    code = e[1] if e[0] == "N" else succ[e[1]]
                hits = ctx.get(code) if code else None
                if hits:
                    p = _entry_province(e, on)
                    d = _distance(hits, pos)
                    best[p] = min(d, best.get(p, d))
            if best:
                ranked = sorted(best.items(), key=lambda kv: kv[1])
                if len(ranked) == 1 or ranked[0][1] < ranked[1][1]:
                    done[n_] = ranked[0][0]
                break
    return [(raw[k], done[k]) for k in sorted(done)]


def _distance(hits: list[int], pos: int) -> int:
    """``min(abs(h - pos) for h in hits)`` for offsets noted in text order (ascending): only the
    neighbours of ``pos`` are looked at, not every mention of a long page."""
    i = bisect_left(hits, pos)
    if i == len(hits):
        return pos - hits[-1]
    return min(hits[i] - pos, pos - hits[i - 1]) if i else hits[i] - pos


def _nfc(text: str) -> tuple[str, list[int] | None]:
    """NFC text plus, when NFC changed it, the map from NFC index to original index."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    parts: list[str] = []
    omap: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            cluster = unicodedata.normalize("NFC", text[start:i])
            parts.append(cluster)
            omap.extend([start] * len(cluster))
            start = i
    return "".join(parts), omap


def find_places(text: str, on: dt.date | None = None) -> list[PlaceMention]:
    """Every place mention in ``text`` (sorted, non-overlapping, longest match first),
    each resolved to the province it lay in on ``on`` (None: legacy-only names stay
    legacy, names that still exist resolve to today's province)."""
    if not text:
        return []
    on = _as_date(on)
    idx = _index()
    work, omap = _nfc(text)
    out: list[PlaceMention] = []
    for (s, e, prefix, level, _entry, _cands), prov in _resolve(_scan(work, idx), on):
        if omap is not None:
            s = omap[s]
            e = omap[e] if e < len(omap) else len(text)
        out.append(PlaceMention(s, e, text[s:e], prov, "province" if level == "city" else level, prefix))
    landmarks = find_landmarks(work, on)
    if landmarks:
        if omap is not None:
            landmarks = [replace(m, start=omap[m.start], end=omap[m.end] if m.end < len(omap) else len(text))
                         for m in landmarks]
        out = sorted([m for m in out if not any(m.start < k.end and k.start < m.end for k in landmarks)] + landmarks,
                     key=lambda m: m.start)
    return out


def _province_entries(name: str) -> list[gi.Entry]:
    idx = _index()
    keys = [_key(t) for t in gi._syllables(name)]
    if not keys:
        return []
    if len(keys) >= 2 and (keys[0], keys[1]) in _PFX2:
        full = idx.names.get(" ".join(keys))
        if full:
            return full
        keys = keys[2:]
    elif len(keys) >= 2 and keys[0] in _PFX1:
        keys = keys[1:]
    k = " ".join(keys)
    ents = idx.names.get(k) or idx.folded.get(gi.fold(k)) or idx.folded.get(gi.fold(k).replace(" ", "")) or []
    return [e for e in ents if e[0] in "PF"]


def resolve_province(name: str, on: dt.date | None = None) -> Province | None:
    """A free-form province name ('TP.HCM', 'Dak Lak', 'tỉnh Sơn La', 'Hủa Phăn') -> the
    province as named on ``on``; None for anything that is not a province (countries too)."""
    ents = _province_entries(name or "")
    return _entry_province(ents[0], _as_date(on)) if ents else None


def successor_of(name: str) -> tuple[str, str | None] | None:
    """(name, code) of the post-2025 province a VN province name of either era lies in."""
    for e in _province_entries(name or ""):
        if e[0] == "P":
            p = _new(e[2] or _index().successor[e[1]])
            return p.name, p.code
    return None
