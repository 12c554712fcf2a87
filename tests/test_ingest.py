"""Unit tests of streams.ingest: every bad input gets its stable reason, nothing raises."""
from __future__ import annotations

import json
import math

import pytest
from corpus_support import CORPUS
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from schemas.dead_letter import DeadLetter
from schemas.events import Seizure, SeizureEvent
from streams.ingest import decode_and_extract
from streams.settings import Settings

SETTINGS = Settings(max_item_bytes=10_000)


def run(payload: bytes, **kw: object):
    return decode_and_extract(payload, settings=SETTINGS, topic="seizure-items", partition=1, offset=7, **kw)


def news(**fields: object) -> bytes:
    base = {"id": "n-1", "published": "2023-06-11", "text": "Công an thu giữ 12 bánh heroin."}
    base.update(fields)
    return json.dumps(base, ensure_ascii=False).encode()


def fake_events(item):
    ev = SeizureEvent(kind="incident", province="Sơn La", item_id=item.id, event_id="",
                      seizures=[Seizure(drug="heroin", quantity=12, unit="brick")])
    return [ev]


BAD = [
    (b"this is not json", "invalid_json"),
    (b'{"id": "x", "text": ', "invalid_json"),
    (b"", "invalid_json"),
    (b"[1, 2, 3]", "not_an_object"),
    (b'"just a string"', "not_an_object"),
    (b"null", "not_an_object"),
    (b"\xff\xfe\xfa not utf-8", "undecodable"),
    (json.dumps({"id": "x"}).encode(), "schema_violation"),  # missing text
    (news(text=""), "schema_violation"),
    (news(text="   \n\t "), "schema_violation"),
    (news(text=42), "schema_violation"),
    (news(id=["not", "a", "string"]), "schema_violation"),
    (news(published="3000-01-01"), "schema_violation"),
    (news(surprise="field"), "schema_violation"),
    (news(type="tweet"), "unknown_item_type"),
    (news(type=5), "unknown_item_type"),
    (json.dumps({"id": "r", "type": "report", "province": "Sơn La",
                 "seizures": [{"drug": "heroin", "quantity": -3, "unit": "kg"}]}).encode(), "schema_violation"),
    (b'{"id": "r", "type": "report", "cases": NaN}', "schema_violation"),
    (b'{"id": "r", "type": "report", "seizures": [{"drug": "heroin", "quantity": NaN, "unit": "kg"}]}',
     "schema_violation"),
    (b'{"id": "r", "type": "report", "seizures": [{"drug": "heroin", "quantity": Infinity, "unit": "kg"}]}',
     "schema_violation"),
    (json.dumps({"id": "r", "type": "report", "date": "3000-06-01", "cases": 1}).encode(), "schema_violation"),
    (b"[" * 100_00 + b"]" * 100_00, "too_large"),
]


@pytest.mark.parametrize(("payload", "reason"), BAD, ids=[f"{r}-{i}" for i, (_, r) in enumerate(BAD)])
def test_bad_input_gets_its_reason(payload: bytes, reason: str) -> None:
    result = run(payload, extractor=fake_events)
    assert result.outcome == "dead_letter"
    letter = result.dead_letter
    assert letter is not None and letter.reason == reason, letter
    assert letter.original_bytes() == payload
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == ("seizure-items", 1, 7)
    # the record itself is valid on the wire
    assert DeadLetter.model_validate_json(letter.model_dump_json()) == letter


def test_too_large_is_checked_before_decoding() -> None:
    payload = b"\xff" * (SETTINGS.max_item_bytes + 1)  # would be undecodable, but size comes first
    assert run(payload).dead_letter.reason == "too_large"


def test_dead_letter_payload_is_capped() -> None:
    s = Settings(max_item_bytes=10, dlq_max_payload_bytes=100)
    letter = decode_and_extract(b"x" * 1000, settings=s, topic="t").dead_letter
    assert letter.reason == "too_large" and letter.payload_truncated and letter.payload_size == 1000
    assert len(letter.original_bytes()) == 100


def test_item_id_is_kept_when_known() -> None:
    assert run(news(text="")).dead_letter.item_id == "n-1"


def test_extractor_that_raises_is_extraction_error() -> None:
    def boom(item):
        raise RuntimeError("regex exploded")

    letter = run(news(), extractor=boom).dead_letter
    assert letter.reason == "extraction_error" and "regex exploded" in letter.error


def test_extractor_returning_garbage_is_event_invalid() -> None:
    letter = run(news(), extractor=lambda item: [{"kind": "incident"}]).dead_letter
    assert letter.reason == "event_invalid"


def test_valid_item_gives_events_and_timing() -> None:
    result = run(news(), extractor=fake_events)
    assert result.outcome == "events" and result.item_id == "n-1"
    assert [e.event_id for e in result.events] == [e.event_id for e in fake_events(result.item)]
    assert result.extraction_seconds is not None and result.extraction_seconds >= 0


def test_no_figures_is_no_events() -> None:
    assert run(news(), extractor=lambda item: []).outcome == "no_events"


def test_corpus_gold_fields_are_ignored_and_real_extractor_matches() -> None:
    from schemas.items import parse_item
    from streams.ingest import load_extractor

    extract = load_extractor(Settings().extractor)  # what the worker runs (default: streams.extraction)
    path = sorted((CORPUS / "dev").glob("*.json"))[0]
    payload = path.read_bytes()
    result = decode_and_extract(payload, settings=Settings(), topic="t")
    assert result.outcome != "dead_letter", result.dead_letter
    expected = extract(parse_item(json.loads(payload)))
    assert [e.model_dump() for e in result.events] == [e.model_dump() for e in expected]


@hsettings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_on_random_bytes(payload: bytes) -> None:
    result = run(payload, extractor=fake_events)
    assert result.outcome in ("events", "no_events", "dead_letter")


@hsettings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                    max_leaves=12))
def test_never_raises_on_random_json(value: object) -> None:
    payload = json.dumps(value, allow_nan=True).encode()
    result = run(payload, extractor=fake_events)
    if result.dead_letter is None:
        assert isinstance(value, dict)
        assert all(not (isinstance(v, float) and math.isnan(v)) for v in value.values())
