"""``Runtime``: everything the agents and web views of one app share (topics, tables, metrics).

A module of its own so that ``streams.app`` (which builds it), ``streams.agents`` and
``streams.web`` (which use it) import each other in one direction only:
app -> agents, web -> runtime. No faust import here and no logic: a plain bundle.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from streams.area_state import Config
from streams.metrics import Metrics
from streams.recent import LatestAlerts, RecentEvents
from streams.rules import Rule
from streams.settings import Settings
from streams.state_index import StateIndex


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
    alerts_dlq_topic: Any
    busts_topic: Any
    area_events_topic: Any
    area_state: Any  # faust Table: streams.area_state rows
    item_versions: Any  # faust Table: item id -> streams.versions.ItemVersion
    recent_events: RecentEvents
    latest_alerts: LatestAlerts
    agents: dict[str, Any] = field(default_factory=dict)
    broker_watch: Any = None  # streams.broker_watch.BrokerWatch: readiness, empty-broker detection
    state: StateIndex = field(init=False)
    area_config: Config = field(init=False)

    def __post_init__(self) -> None:
        self.state = StateIndex(self.area_state)
        self.area_config = Config(rules=self.rules, tolerance_days=self.settings.bust_match_days,
                                  retention_days=self.settings.window_retention_days)


def runtime(app: Any) -> Runtime:
    """The Runtime that ``streams.app.create_app`` attached to ``app``."""
    return app.seizurewatch  # type: ignore[no-any-return]
