"""The benchmarks' input: news items built from the corpus texts, with new ids.

Texts come from ``../shared/corpus`` (seeds, dev, dedup: read in place, never copied) and
from the project's own ``corpus/`` (tuned, holdout). Item ``i`` of a run is text
``i % len(texts)`` under the id ``<prefix>-<i>``: every item is new to the worker (its own
event ids, its own ``item_versions`` row), while the figures, places and dates repeat as
they do when several outlets report the same busts — the case the bust rows are built for.

No Kafka here; ``expected_events`` extracts each distinct text once so that a benchmark
knows how many events N items must produce (its "done" condition).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_SETS = ("seeds", "dev", "dedup")
PROJECT_SETS = ("tuned", "holdout")


@dataclass(frozen=True)
class Text:
    """One corpus text as a news item's fields (no id: each benchmark item gets its own)."""

    origin: str
    title: str | None
    text: str
    published: str | None

    def item(self, item_id: str) -> dict:
        out = {"id": item_id, "type": "news", "text": self.text}
        if self.title:
            out["title"] = self.title
        if self.published:
            out["published"] = self.published
        return out


def corpus_texts(shared: Path = SHARED, project: Path = ROOT / "corpus") -> list[Text]:
    """Every corpus item that has a text, in a fixed order (set, then file name)."""
    files = [f for s in SHARED_SETS for f in sorted((shared / "corpus" / s).glob("*.json"))]
    files += [f for s in PROJECT_SETS for f in sorted((project / s).glob("*.json"))]
    out = []
    for f in files:
        raw = json.loads(f.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and isinstance(raw.get("text"), str) and raw["text"].strip():
            out.append(Text(origin=f"{f.parent.name}/{f.stem}", title=raw.get("title"), text=raw["text"],
                            published=raw.get("published")))
    if not out:
        raise SystemExit(f"no corpus texts under {shared / 'corpus'} or {project}")
    return out


def items(texts: list[Text], n: int, prefix: str) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of ``n`` news items, key = id, value = the item's JSON."""
    for i in range(n):
        item_id = f"{prefix}-{i}"
        yield item_id.encode(), json.dumps(texts[i % len(texts)].item(item_id), ensure_ascii=False).encode()


def long_article(texts: list[Text], size: int = 50_000) -> dict:
    """One news item of at least ``size`` bytes of UTF-8 text: corpus texts one after another
    (a listing page or a long round-up is what such an article is in practice)."""
    parts, got = [], 0
    for t in texts:
        if got >= size:
            break
        parts.append(t.text)
        got += len(t.text.encode("utf-8")) + 2
    return {"id": "bench-long", "type": "news", "title": "Tổng hợp", "text": "\n\n".join(parts),
            "published": "2024-05-20"}


def expected_events(texts: list[Text], n: int) -> int:
    """How many events ``n`` items built by ``items`` yield (each distinct text extracted once)."""
    from streams.ingest import decode_and_extract
    from streams.settings import Settings

    settings = Settings()
    per_text = []
    for t in texts:  # what the worker's ingest step publishes for the text (bounds, dead letters included)
        result = decode_and_extract(json.dumps(t.item("probe")).encode(), settings=settings, topic="probe")
        per_text.append(sum(1 for o in result.outputs if o.topic == "area_events"))
    full, rest = divmod(n, len(texts))
    return full * sum(per_text) + sum(per_text[:rest])
