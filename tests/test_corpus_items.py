"""The project corpus holds together: the shape of SCHEMA.md, the closed vocabularies of ``schemas``,
province names valid on the item's date, and the split's promises (size, no-figure and no-diacritics
shares, every post-2025 province covered)."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pytest
from corpus_support import PROJECT_SETS, corpus_items

from schemas.common import Drug, EventKind, Qualifier, Unit
from streams.extraction.places import MERGER_DATE, resolve_province, successor_of

ITEMS = [(s, item) for s in PROJECT_SETS for item in corpus_items(s)]
EVENT_KEYS = ["kind", "country", "province", "date", "period_start", "period_end", "cases", "suspects",
              "operations", "seizures"]
_MARKED = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")


@pytest.mark.parametrize(("set_name", "item"), ITEMS, ids=[i["id"] for _, i in ITEMS])
def test_item_shape(set_name: str, item: dict) -> None:
    assert set(item) == {"id", "published", "title", "text", "notes", "events"}
    assert unicodedata.is_normalized("NFC", item["text"]) and item["text"].strip()
    assert "Second annotator:" in item["notes"], "every item was checked by a second annotator"
    published = dt.date.fromisoformat(item["published"]) if item["published"] else None
    for ev in item["events"]:
        assert list(ev)[:len(EVENT_KEYS)] == EVENT_KEYS
        assert ev["kind"] in EventKind.__args__  # type: ignore[attr-defined]
        for s in ev["seizures"]:
            assert s["drug"] in Drug.__args__ and s["unit"] in Unit.__args__  # type: ignore[attr-defined]
            assert s["qualifier"] in Qualifier.__args__ and s["quantity"] > 0  # type: ignore[attr-defined]
        if ev["province"] and ev["country"] == "VN":
            place = resolve_province(ev["province"], published)
            assert place is not None and place.name == ev["province"], (ev["province"], published)


def test_the_split_keeps_its_promises() -> None:
    items = [i for _, i in ITEMS]
    assert len(items) >= 200
    assert len(corpus_items("holdout")) >= 80
    assert sum(1 for i in items if not i["events"]) >= 0.15 * len(items)  # pages with no seizure figure
    unaccented = sum(1 for i in items if len(_MARKED.findall(i["text"].lower())) < 0.005 * len(i["text"]))
    assert unaccented >= 0.10 * len(items)
    assert any(i["published"] and dt.date.fromisoformat(i["published"]) >= MERGER_DATE for i in items)
    covered = {(successor_of(e["province"]) or (e["province"],))[0] for i in items for e in i["events"]
               if e["province"] and e["country"] == "VN"}
    assert len(covered) == 34, sorted(covered)
    assert {e["country"] for i in items for e in i["events"]} >= {"VN", "LA", "KH", "CN"}
