"""Diacritics put back on text typed without them: the words the rules read, in the context that
settles them; place names are left to the gazetteer (streams.extraction.diacritics)."""
from __future__ import annotations

import pytest

from streams.extraction.diacritics import is_unaccented, restore

ROWS = [
    pytest.param("Cong an huyen Bao Lac thu giu 3 banh heroin va 1,2 kg ma tuy da",
                 "Công an huyện Bao Lac thu giữ 3 bánh heroin va 1,2 kg ma túy đá", id="drug-words-and-units"),
    pytest.param("Cong an tinh Lang Son bat giu doi tuong tai xa Tan My",
                 "Công an tỉnh Lang Son bắt giữ đối tượng tại xã Tan My", id="a-cue-word-inside-a-name-stays"),
    pytest.param("Luc 9 gio, to cong tac bat giu doi tuong tai ban Na Hin, thu 40 goi heroin",
                 "Lúc 9 gio, tổ công tác bắt giữ đối tượng tại bản Na Hin, thu 40 gói heroin",
                 id="a-cue-word-before-a-name"),
]


@pytest.mark.parametrize(("typed", "restored"), ROWS)
def test_restore(typed: str, restored: str) -> None:
    out = restore(typed)
    assert len(out) == len(typed)  # offsets, and so evidence spans, stay valid
    assert out == restored


def test_accented_and_foreign_text_is_left_alone() -> None:
    assert not is_unaccented("Công an tỉnh Lạng Sơn bắt giữ đối tượng")
    assert restore("Police in Lang Son seized heroin and 3 kg of meth") == "Police in Lang Son seized heroin and 3 kg of meth"


def _strip_marks(text: str) -> str:
    """The text as typed without diacritics (case kept)."""
    import unicodedata
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c))


def _restore_every_length(text: str) -> str:
    """The restorer before it skipped runs no phrase can start with: every length tried at every word."""
    from streams.extraction.diacritics import _TOKEN, _context_ok, _table, _write
    table, longest, _ = _table()
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    out, i = list(text), 0
    while i < len(tokens):
        done = False
        for n in range(min(longest, len(tokens) - i), 0, -1):
            window = tokens[i:i + n]
            if any(window[k + 1][0] - window[k][1] != 1 or text[window[k][1]] != " " for k in range(n - 1)):
                continue
            for accented, context in table.get(tuple(t[2] for t in window), ()):
                if _context_ok(context, text, window[0][0], window[-1][1]):
                    _write(out, text, window[0][0], accented)
                    i, done = i + n, True
                    break
            if done:
                break
        if not done:
            i += 1
    return "".join(out)


def test_restore_tries_every_phrase_the_full_search_would_on_the_corpus() -> None:
    from corpus_support import corpus_items
    items = [i for s in ("seeds", "dev", "dedup") for i in corpus_items(s)] + corpus_items("tuned")[::4]
    for item in items:
        typed = _strip_marks(item["text"])
        if is_unaccented(typed):
            assert restore(typed) == _restore_every_length(typed), item["id"]
