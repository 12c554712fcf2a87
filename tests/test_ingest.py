"""Unit tests of streams.ingest: every bad input gets its stable reason, nothing raises."""
from __future__ import annotations

import json
import math

import pytest
from corpus_support import CORPUS
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pydantic import ValidationError

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
    (b'{"id": "x\\udfff", "text": "thu 5 kg heroin"}', "invalid_json"),  # lone surrogate escape
    (b'{"id": "x", "text": "ok", "tags": ["\\ud800"]}', "invalid_json"),
    (b'{"id": "x", "text": "ok", "cases": ' + b"9" * 5000 + b"}", "invalid_json"),  # past int digits limit
    # nesting: the same answer at any stack depth of the caller (the parser's own limit is not)
    (b"[" * 101 + b"]" * 101, "invalid_json"),
    (b"[" * 100 + b"]" * 100, "not_an_object"),
    (b'{"id": "x", "text": "ok", "meta": ' + b"[" * 3000 + b"]" * 3000 + b"}", "invalid_json"),
    (json.dumps({"id": "r", "type": "report", "seizures": [{"drug": "heroin", "quantity": 1e308,
                                                            "unit": "kg"}]}).encode(), "figure_out_of_bounds"),
    (json.dumps({"id": "r", "type": "report", "kind": "aggregate", "cases": 10**30}).encode(),
     "figure_out_of_bounds"),
]


@pytest.mark.parametrize(("payload", "reason"), BAD, ids=[f"{r}-{i}" for i, (_, r) in enumerate(BAD)])
def test_bad_input_gets_its_reason(payload: bytes, reason: str) -> None:
    result = run(payload, extractor=fake_events)
    assert result.outcome == "dead_letter"
    letter = result.dead_letter
    assert letter is not None and letter.reason == reason, letter
    assert letter.original_bytes() == payload
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == ("seizure-items", 1, 7)
    # the record itself is valid on the wire, and it is what the agent will send
    assert DeadLetter.model_validate_json(letter.model_dump_json()) == letter
    [out] = result.outputs
    assert out.topic == "dlq" and DeadLetter.model_validate_json(out.value.decode("utf-8")) == letter


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


# ---------------------------------------------------------------- issue 10, points 1, 2, 5, 12


def _assert_publishable(result) -> None:
    """Every output is strict UTF-8 JSON: nothing can crash the agent while it sends."""
    assert result.outputs
    for out in result.outputs:
        json.loads(out.value.decode("utf-8"), parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))


@pytest.mark.parametrize("value", ["x\\udfff", "\\ud800", "a\\udc00b", "\\udbff\\udbff"])
@pytest.mark.parametrize("field", ["id", "text", "title", "source", "province", "lang"])
def test_lone_surrogates_anywhere_end_as_an_encodable_dead_letter(field: str, value: str) -> None:
    """Point 1: a lone surrogate (valid JSON, not Unicode text) crashed the agent while it wrote
    the dead letter. It must end as a dead letter that encodes, whatever field holds it."""
    base = {"id": "s-1", "type": "report", "province": "Sơn La", "cases": 2, "text": "abc"}
    payload = (json.dumps(base)[:-1] + f', "{field}": "{value}"}}').encode()
    result = run(payload, extractor=fake_events)
    assert result.outcome == "dead_letter" and result.dead_letter.reason == "invalid_json"
    assert "surrogate" in result.dead_letter.error
    _assert_publishable(result)
    assert result.dead_letter.original_bytes() == payload


def test_a_dead_letter_with_a_surrogate_in_its_text_still_encodes() -> None:
    """Point 1: whatever text a dead letter carries (an error naming the input), it encodes."""
    def boom(item):
        raise RuntimeError("cannot handle \udfff")

    result = run(news(), extractor=boom)
    assert result.dead_letter.reason == "extraction_error"
    _assert_publishable(result)


def test_an_event_that_cannot_be_encoded_is_event_invalid() -> None:
    """Point 1: an event the extractor built with a lone surrogate becomes a dead letter, not a crash."""
    def bad(item):
        # built without validation, as a buggy extractor could
        return [SeizureEvent.model_construct(kind="incident", province="S\udfffn La", item_id=item.id,
                                             suspects=1, event_id="ev-1")]

    result = run(news(), extractor=bad)
    assert result.dead_letter.reason == "event_invalid"
    _assert_publishable(result)


def test_absurd_report_figures_are_refused_with_the_bound_named() -> None:
    """Point 2: 1e308 kg is a finite float; two of them made a sum Infinity. Bounded at the reader."""
    payload = json.dumps({"id": "r", "type": "report", "province": "Sơn La",
                          "seizures": [{"drug": "heroin", "quantity": 1e308, "unit": "kg"}]}).encode()
    letter = run(payload).dead_letter
    assert letter.reason == "figure_out_of_bounds"
    assert "figure_bounds.incident.kg" in letter.error


def test_bounds_are_settings_per_kind_and_unit() -> None:
    def report(kind: str, qty: float, unit: str) -> bytes:
        return json.dumps({"id": "r", "type": "report", "kind": kind, "province": "Sơn La",
                           "seizures": [{"drug": "heroin", "quantity": qty, "unit": unit}]}).encode()

    strict = Settings(figure_bounds={"incident": {"kg": 50}})
    go = lambda p, s=SETTINGS: decode_and_extract(p, settings=s, topic="t").outcome
    assert go(report("incident", 60, "kg")) == "events"
    assert go(report("incident", 60, "kg"), strict) == "dead_letter"
    assert go(report("incident", 60_000, "g"), strict) == "dead_letter"  # 60 kg written in grams
    assert go(report("aggregate", 60, "kg"), strict) == "events"  # other kinds keep their defaults
    assert go(report("incident", 2e9, "pill")) == "dead_letter"
    assert go(report("aggregate", 2e9, "pill")) == "events"


def test_extracted_figures_out_of_bounds_dead_letter_the_item() -> None:
    def huge(item):
        return [SeizureEvent(kind="incident", province="Sơn La", item_id=item.id,
                             seizures=[Seizure(drug="heroin", quantity=1e300, unit="kg")])]

    result = run(news(), extractor=huge)
    assert result.dead_letter.reason == "figure_out_of_bounds" and result.events == []
    _assert_publishable(result)


def test_unknown_fields_are_accepted_and_ignored() -> None:
    """Point 5: feeds add metadata (source_url, lang, tags); only the known fields are validated."""
    payload = news(source_url="https://example.vn/a", lang="vi", tags=["ma túy"], nested={"a": [1, {"b": None}]})
    result = run(payload, extractor=fake_events)
    assert result.outcome == "events", result.dead_letter
    assert not hasattr(result.item, "lang")
    report = json.dumps({"id": "r", "type": "report", "province": "Sơn La", "cases": 1, "lang": "vi",
                         "seizures": [{"drug": "heroin", "quantity": 1, "unit": "kg", "note": "x"}]}).encode()
    assert run(report).outcome == "events"
    assert run(news(text=""), extractor=fake_events).dead_letter.reason == "schema_violation"  # known fields still checked


def test_the_date_check_uses_the_clock_passed_in() -> None:
    """Point 12: the same bytes and the same clock give the same answer, whatever the machine's date."""
    import datetime as dt

    from schemas.items import parse_item

    payload = news(published="2024-06-01")
    early = lambda: dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    late = lambda: dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    assert run(payload, extractor=fake_events, now=early).dead_letter.reason == "schema_violation"
    assert run(payload, extractor=fake_events, now=late).outcome == "events"
    with pytest.raises(ValidationError):
        parse_item({"id": "x", "text": "t", "published": "2024-06-04"}, today=dt.date(2024, 6, 1))
    later = parse_item({"id": "x", "text": "t", "published": "2024-06-04"}, today=dt.date(2024, 6, 2))
    assert later.published == dt.date(2024, 6, 4)
