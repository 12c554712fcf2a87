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
