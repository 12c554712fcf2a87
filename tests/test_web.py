"""streams.web pieces that need no worker: the strict JSON encoder of every HTTP answer."""
from __future__ import annotations

import json
import math

import pytest

from streams.web import strict_json


def _strict_load(body: bytes) -> object:
    return json.loads(body.decode("utf-8"), parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


def test_non_finite_numbers_are_never_written() -> None:
    """Issue 10 point 2: an Infinity sum made /api/provinces unreadable; the encoder writes null instead."""
    doc = {"totals": {"incident": {"kg": math.inf, "pills": -math.inf, "cases": math.nan, "events": 2.0}},
           "list": [1.5, math.inf, {"x": math.nan}]}
    assert _strict_load(strict_json(doc)) == {
        "totals": {"incident": {"kg": None, "pills": None, "cases": None, "events": 2.0}},
        "list": [1.5, None, {"x": None}]}


def test_ordinary_documents_are_unchanged() -> None:
    doc = {"province": "Hà Tĩnh", "n": [1, 2.5, None, True], "big": 1e300}
    assert _strict_load(strict_json(doc)) == doc
