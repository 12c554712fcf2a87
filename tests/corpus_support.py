"""Where the shared annotated corpus and its scorer live (read at test time, never copied).

``SEIZUREWATCH_SHARED_DIR`` overrides the default ``<repo>/../shared``.
"""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SEIZUREWATCH_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"


PROJECT_CORPUS = ROOT / "corpus"
"""The project's own annotated corpus (written for it): ``tuned`` (rules were written with it) and
``holdout`` (never looked at while writing rules; only its score is read)."""
PROJECT_SETS = ("tuned", "holdout")


def corpus_items(set_name: str) -> list[dict[str, Any]]:
    """The annotated items of one corpus set (seeds, dev, dedup; or the project's tuned, holdout), by file name."""
    folder = (PROJECT_CORPUS if set_name in PROJECT_SETS else CORPUS) / set_name
    items = [json.loads(f.read_text(encoding="utf-8")) for f in sorted(folder.glob("*.json"))]
    items = [i for i in items if isinstance(i, dict) and "text" in i]
    if not items:
        raise FileNotFoundError(f"no corpus items in {folder}: is ../shared beside the repository?")
    return items


def scorer() -> ModuleType:
    """The project's official scorer (shared/tools/score_extraction.py), imported as a module."""
    path = SHARED / "tools" / "score_extraction.py"
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    assert spec and spec.loader, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
