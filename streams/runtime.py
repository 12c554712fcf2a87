"""``Runtime``: everything the agents and web views of one app share (topics, tables, metrics).

A module of its own so that ``streams.app`` (which builds it), ``streams.agents`` and
``streams.web`` (which use it) import each other in one direction only:
app -> agents, web -> runtime. No faust import here and no logic: a plain bundle.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streams.metrics import Metrics
from streams.recent import LatestAlerts, RecentEvents
from streams.rules import Rule
from streams.settings import Settings


@dataclass
class Runtime:
    """Everything the agents and views of one app share."""

    settings: Settings
    app: Any  # faust.App
    metrics: Metrics
    rules: list[Rule]
    items_topic: Any
    events_topic: Any
    alerts_topic: Any
    dlq_topic: Any
    updates_topic: Any
    alerts_dlq_topic: Any
    province_state: Any
    alert_state: Any
    recent_events: RecentEvents
    latest_alerts: LatestAlerts
    agents: dict[str, Any] = field(default_factory=dict)
    rows: Any = None  # streams.table_rows.ProvinceRows over province_state

    def __post_init__(self) -> None:
        from streams.table_rows import ProvinceRows

        if self.rows is None:
            self.rows = ProvinceRows(self.province_state)


def runtime(app: Any) -> Runtime:
    """The Runtime that ``streams.app.create_app`` attached to ``app``."""
    return app.seizurewatch  # type: ignore[no-any-return]
