"""The Prometheus collectors: agreed names, one registry per app, faust's sensors without clashes."""
from __future__ import annotations

from schemas.events import Seizure, SeizureEvent
from streams.metrics import Metrics

CONTRACT = ["seizurewatch_items_consumed_total", "seizurewatch_events_total", "seizurewatch_dead_letters_total",
            "seizurewatch_extraction_seconds_bucket", "seizurewatch_province_total",
            "seizurewatch_alerts_fired_total", "seizurewatch_consumer_lag_messages", "seizurewatch_build_info"]


def test_names_and_labels() -> None:
    m = Metrics()
    ev = SeizureEvent(kind="incident", province="Sơn La", item_id="i", event_id="",
                      seizures=[Seizure(drug="heroin", quantity=2, unit="kg")])
    m.observe_item("events", 0.01)
    m.observe_event(ev)
    m.observe_dead_letter("invalid_json")
    m.observe_totals("Sơn La", {"incident": {"heroin_kg": 2.0}})
    m.observe_alert("r", "warning")
    m.set_lag("seizure-items", 0, 3)
    text = m.render().decode()
    for name in CONTRACT:
        assert f"\n{name}" in text, name
    assert 'seizurewatch_items_consumed_total{outcome="events"} 1.0' in text
    assert 'seizurewatch_province_total{kind="incident",metric="heroin_kg",province="Sơn La"} 2.0' in text
    assert 'seizurewatch_consumer_lag_messages{partition="0",topic="seizure-items"} 3.0' in text


def test_registries_are_per_instance_and_take_faust_sensors() -> None:
    from faust.sensors.prometheus import FaustMetrics

    a, b = Metrics(), Metrics()
    a.observe_item("events", None)
    assert 'outcome="events"} 0.0' in b.render().decode()
    FaustMetrics.create(a.registry, "seizurewatch_faust")  # no name clash with ours
    assert "seizurewatch_faust_messages_received" in a.render().decode()
