"""Extractors that misbehave on purpose, importable by a child process (tests/ on PYTHONPATH).

Each one behaves like the real extractor on ordinary text (one event per item with a
heroin figure) and misbehaves when the text holds its trigger word.
"""
from __future__ import annotations

import os
import time
from typing import Any

from schemas.events import Seizure, SeizureEvent


def _event(item: Any) -> list[SeizureEvent]:
    if "heroin" not in (item.text or ""):
        return []
    return [SeizureEvent(kind="incident", province="Lạng Sơn", item_id=item.id,
                         seizures=[Seizure(drug="heroin", quantity=25, unit="brick")])]


def misbehaving(item: Any) -> list[SeizureEvent]:
    text = item.text or ""
    if "SPIN" in text:  # CPU-bound for as long as the text says, like a regex gone wild
        until = time.monotonic() + float(text.split("SPIN", 1)[1].split()[0])
        while time.monotonic() < until:
            pass
    if "CRASH" in text:
        os._exit(3)
    if "RAISE" in text:
        raise RuntimeError("extractor bug")
    if "PRINT" in text:
        print("debug output that must not corrupt the protocol " * 100)
    if "NOT-EVENTS" in text:
        return [{"kind": "incident"}]  # type: ignore[list-item]
    return _event(item)


def broken_on_import(item: Any) -> list[SeizureEvent]:  # pragma: no cover - never reached
    raise AssertionError


raise_on_import = os.environ.get("FAKE_EXTRACTORS_FAIL_IMPORT") == "1"
if raise_on_import:
    raise ImportError("this extractor module cannot be imported")
