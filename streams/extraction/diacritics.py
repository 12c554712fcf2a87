"""Diacritics put back on reports typed without them ("thu giu 2 kg ma tuy da").

Field reports typed on phones often carry no tone marks at all. Every rule of the
extractor is written for accented text, so for such a text the words the rules read —
drugs, units, hedges, counted nouns, verbs, place and date cues — are restored from the
phrase table ``lexicon.UNACCENTED_PHRASES`` before anything else reads it. Restoring a
letter never changes the text's length (NFC "ý" and "y", "đ" and "d" are one character
each), so every offset, and so every evidence span, stays valid for the original text.

Only whole words and phrases of the table are restored, longest first, and a phrase
that is ambiguous alone ("nam" = năm / nam, "da" = đá / đã / da) is restored only in the
context that settles it (before a number, before a capitalised name, after a number).
Place names are not restored here: the gazetteer matches their unaccented spellings.
Pure and linear in the text length.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from streams.extraction import lexicon as lx

_VN_MARKED = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)
_FOLDED_CUES = re.compile(r"\b(?:cong an|doi tuong|ma tuy|thu giu|bat giu|bat qua tang|huyen|tinh|heroin|vu an)\b")
_TOKEN = re.compile(r"[A-Za-z]+")


def fold(s: str) -> str:
    """Lower case without any diacritic (đ -> d)."""
    s = unicodedata.normalize("NFD", s.lower().replace("đ", "d"))
    return "".join(c for c in s if not unicodedata.combining(c))


def is_unaccented(text: str) -> bool:
    """True for Vietnamese written without tone marks: almost no marked letter, and the folded
    words every seizure report uses. English or other text is never "restored"."""
    if _marked_more_than(text[:600], 3):
        return False  # the common case: accented Vietnamese, decided on the first lines
    marked = len(_VN_MARKED.findall(text))
    if len(text) < 20 or marked > 0.005 * len(text):
        return False
    return len(set(_FOLDED_CUES.findall(text.lower()))) >= 2


def _marked_more_than(text: str, n: int) -> bool:
    """More than ``n`` marked letters in ``text``: stops at the (n+1)-th, which accented text reaches
    within its first words (counting all of them scanned the whole head of every article)."""
    for k, _ in enumerate(_VN_MARKED.finditer(text), 1):
        if k > n:
            return True
    return False


@lru_cache(maxsize=1)
def _table() -> tuple[dict[tuple[str, ...], list[tuple[str, str]]], int, frozenset[tuple[str, ...]]]:
    """folded word tuple -> [(accented phrase, context)], the longest phrase length in words, and every
    leading part of a key (a run of words that can still grow into a phrase)."""
    table: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    longest = 1
    for accented, context in lx.UNACCENTED_PHRASES:
        key = tuple(fold(accented).split())
        table.setdefault(key, []).append((accented, context))
        longest = max(longest, len(key))
    heads = frozenset(key[:n] for key in table for n in range(1, len(key) + 1))
    return table, longest, heads


def _context_ok(context: str, text: str, start: int, end: int) -> bool:
    if context == "any":
        return True
    after = text[end:end + 3].lstrip(" ")
    before = text[max(0, start - 3):start].rstrip(" ")
    if context == "before_number":
        return bool(after[:1].isdigit())
    if context == "before_name":  # 'tinh Lang Son' -> 'tỉnh', but 'Lang' inside the name stays
        return bool(after[:1].isupper()) and not _inside_name(text, start)
    if context == "after_number":
        return bool(before[-1:].isdigit())
    return False


def _inside_name(text: str, start: int) -> bool:
    """A capitalised word after a word of the same sentence ('tinh Lang Son'): part of a proper name."""
    if not text[start:start + 1].isupper():
        return False
    before = text[max(0, start - 2):start]
    return len(before) == 2 and before[1] == " " and before[0].isalpha()


def restore(text: str) -> str:
    """``text`` with the table's phrases accented (same length); unchanged unless ``is_unaccented``."""
    if not is_unaccented(text):
        return text
    table, longest, heads = _table()
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    out = list(text)
    i = 0
    while i < len(tokens):
        done = False
        for n in range(_phrase_reach(tokens, i, text, longest, heads), 0, -1):
            window = tokens[i:i + n]
            key = tuple(t[2] for t in window)
            for accented, context in table.get(key, ()):
                start, end = window[0][0], window[-1][1]
                if not _context_ok(context, text, start, end):
                    continue
                _write(out, text, start, accented)
                i += n
                done = True
                break
            if done:
                break
        if not done:
            i += 1
    return "".join(out)


def _phrase_reach(tokens: list[tuple[int, int, str]], i: int, text: str, longest: int,
                  heads: frozenset[tuple[str, ...]]) -> int:
    """How many words from ``tokens[i]`` on can be a phrase of the table: words separated by one space
    each, every run of them from ``i`` the leading part of a key (0 when no phrase starts here). The
    longer runs could not match any key, so they are not tried."""
    key = (tokens[i][2],)
    if key not in heads:
        return 0
    n = 1
    while n < longest and i + n < len(tokens):
        prev_end, (start, _, word) = tokens[i + n - 1][1], tokens[i + n]
        if start - prev_end != 1 or text[prev_end] != " " or key + (word,) not in heads:
            break  # only words separated by one space form a phrase
        key += (word,)
        n += 1
    return n


def _write(out: list[str], text: str, start: int, accented: str) -> None:
    """Write ``accented`` over the same-length span at ``start``, keeping the original's letter case."""
    for k, ch in enumerate(accented):
        original = text[start + k]
        out[start + k] = ch.upper() if original.isupper() else ch
