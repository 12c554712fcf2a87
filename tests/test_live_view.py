"""Unit tests of the terminal view of `seizurewatch up` (no worker needed)."""
from __future__ import annotations

from streams.live_view import format_alert, normalise_alerts
from streams.terminal_table import normalise_provinces


def test_provinces_split_by_kind_in_several_shapes() -> None:
    nested = [{"province": "Lào Cai", "totals": {"incident": {"cases": 2, "heroin": {"kg": 1.5}},
                                                  "aggregate": {"cases": 40}}}]
    flat = {"provinces": [{"name": "Lào Cai", "incident": {"cases": 2, "heroin_kg": 1.5}, "aggregate": {"cases": 40}}]}
    for doc in (nested, flat):
        rows = {(r.province, r.kind): r.metrics for r in normalise_provinces(doc)}
        assert rows == {("Lào Cai", "incident"): {"cases": 2, "heroin_kg": 1.5}, ("Lào Cai", "aggregate"): {"cases": 40}}


def test_alert_line_carries_rule_province_and_value() -> None:
    alerts = normalise_alerts({"alerts": [{"rule": "heroin_30d", "severity": "critical", "province": "Lào Cai",
                                           "metric": "heroin_kg", "kind": "incident", "window": "30d",
                                           "window_start": "2024-01-01", "value": 12.5, "threshold": 10,
                                           "event_ids": ["ev-1"]}]})
    line = format_alert(alerts[0])
    assert line.startswith("ALERT [critical] heroin_30d: Lào Cai") and "12.5 >= 10" in line and "ev-1" in line
