"""Unit tests of item versions (streams.versions): a corrected item replaces its old events."""
from __future__ import annotations

from schemas.events import Seizure, SeizureEvent
from streams.versions import new_version


def ev(kg: float) -> SeizureEvent:
    return SeizureEvent(kind="incident", province="Sơn La", item_id="a", seizures=[Seizure(drug="heroin", quantity=kg, unit="kg")])


def test_new_version_retracts_what_it_does_not_repeat() -> None:
    first, _ = new_version(None, "a", [ev(5)])
    assert first is not None and list(first.events) == [ev(5).event_id]
    same, again = new_version(first, "a", [ev(5)])
    assert same is None and again == []
    second, retract = new_version(first, "a", [ev(7)])
    assert second is not None and [r.event_id for r in retract] == [ev(5).event_id]
    assert retract[0].area == "Sơn La" and retract[0].reason == "item_replaced"
    # a replay of the new version re-sends the retraction (it may have been lost in a crash)
    unchanged, resent = new_version(second, "a", [ev(7)])
    assert unchanged is None and [r.event_id for r in resent] == [ev(5).event_id]
    assert new_version(None, "b", []) == (None, [])
