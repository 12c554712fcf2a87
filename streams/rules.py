"""Pure alert rules: load them from YAML, evaluate them with hysteresis, emit ``schemas.alerts.Alert``.

A rule watches one metric of one kind (incident / aggregate) over one window:

- ``all``    the province's all-time total
- ``1d`` / ``month``  the tumbling window (event time) the updated event falls in
- ``30d``    the trailing 30-day hopping window ending on the event's date
- ``event``  the updated bust on its own (a single very large seizure; fires once per bust)
- ``period`` (the only window of ``kind: aggregate`` rules) one reported period figure,
             compared with the threshold as reported, never summed with other periods

Hysteresis (no alert storm): a rule fires once when the value crosses the threshold
upward and then stays quiet while the value stays at or above it. It re-arms when the
window rolls (a new tumbling window is a new key; for ``all`` and ``30d`` there is one
key per province) or when an evaluation sees the value back below the threshold. The
state lives in ``RuleState`` (the ``alert_state`` table row of the province), and
``alert_id`` is deterministic (rule, province, window, window start / event id) so that a
redelivered update can never produce a second, different alert.

Input is a ``Snapshot`` of an area's values right after a message changed them, built by
``streams.area_state`` (incidents: the bust and the windows its date falls in; period
reports: the one reported figure). No faust, no Kafka; the clock is a parameter.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

from schemas.alerts import Alert, Severity, WindowName
from schemas.common import EventKind
from streams.aggregation import known_metrics
from streams.windows import is_expired


class Rule(BaseModel):
    """One threshold rule of the YAML file."""

    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    metric: str
    kind: EventKind = "incident"
    window: WindowName = "all"
    threshold: float = Field(gt=0, allow_inf_nan=False)
    severity: Severity = "warning"
    provinces: list[str] | None = Field(default=None, description="only these areas (province names or area keys)")
    description: str | None = None

    @model_validator(mode="after")
    def _period_window(self) -> Rule:
        """A period statistic is one reported figure: aggregate rules compare it (window ``period``)."""
        if self.kind == "aggregate":
            self.window = "period"
        elif self.window == "period":
            raise ValueError("window 'period' is for kind: aggregate rules")
        return self

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        if value not in known_metrics():
            raise ValueError(f"unknown metric {value!r}")
        return value

    @field_validator("provinces", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def applies_to(self, province: str) -> bool:
        return self.provinces is None or province in self.provinces


class RuleSet(BaseModel):
    model_config = {"extra": "forbid"}

    rules: list[Rule] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _unique(cls, rules: list[Rule]) -> list[Rule]:
        names = [r.name for r in rules]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate rule names: {dupes}")
        return rules


def load_rules(path: Path | str | None) -> list[Rule]:
    """Rules from a YAML file (``rules: [...]`` or a bare list); no path -> no rules."""
    if path is None:
        return []
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if isinstance(data, list):
        data = {"rules": data}
    return RuleSet.model_validate(data).rules


class WindowValue(BaseModel):
    start: dt.date | None = None
    end: dt.date | None = None
    values: dict[str, float] = Field(default_factory=dict)
    contributors: dict[str, list[str]] = Field(default_factory=dict)


class Snapshot(BaseModel):
    """An area's values right after one message changed them: what rules look at."""

    province: str = Field(description="the area key")
    kind: EventKind
    event_id: str = Field(description="the anchor: the bust id (incidents) or the statistic id (period reports)")
    event_day: dt.date | None = None
    event_values: dict[str, float] = Field(default_factory=dict)
    watermark: dt.date | None = Field(default=None, description="latest event date of the province")
    windows: dict[str, WindowValue] = Field(default_factory=dict, description="window name -> values of `kind`")


def rule_metrics(rules: Iterable[Rule]) -> set[str]:
    """The metrics any rule watches."""
    return {r.metric for r in rules}


class RuleState(BaseModel):
    """Hysteresis memory of one province: key -> armed? (False = fired and waiting to re-arm)."""

    fired: dict[str, dt.date | None] = Field(
        default_factory=dict, description="state key -> window end (for pruning) of rules currently fired")

    def to_json(self) -> dict:
        return self.model_dump(mode="json")

    @classmethod
    def from_json(cls, data: object) -> RuleState:
        return cls.model_validate(data) if data else cls()

    def prune(self, watermark: dt.date | None, retention_days: int) -> None:
        """Forget fired tumbling/event windows that expired (their keys can never come back)."""
        self.fired = {k: end for k, end in self.fired.items()
                      if end is None or not is_expired(end, watermark, retention_days)}


def alert_id(rule: str, province: str, window: str, anchor: str) -> str:
    digest = hashlib.sha256(f"{rule}\x1f{province}\x1f{window}\x1f{anchor}".encode()).hexdigest()
    return f"al-{digest[:20]}"


def _state_key(rule: Rule, snap: Snapshot, start: dt.date | None) -> str:
    if rule.window in ("event", "period"):
        return f"{rule.name}|{rule.window}|{snap.event_id}"
    if rule.window in ("1d", "month"):
        return f"{rule.name}|{rule.window}|{start}"
    return f"{rule.name}|{rule.window}"  # all, 30d: one sliding value per province


def evaluate(rules: Iterable[Rule], state: RuleState, snap: Snapshot,
             now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> list[Alert]:
    """Alerts that fire for this snapshot; updates ``state`` in place (fire / re-arm)."""
    alerts: list[Alert] = []
    for rule in rules:
        if rule.kind != snap.kind or not rule.applies_to(snap.province):
            continue
        if rule.window == "event":
            value = snap.event_values.get(rule.metric, 0.0)
            start = end = snap.event_day
            contributors = [snap.event_id] if value else []
            anchor = snap.event_id
        else:
            w = snap.windows.get(rule.window)
            if w is None:  # the event has no date: only all-time rules see it
                continue
            value = w.values.get(rule.metric, 0.0)
            start, end = w.start, w.end
            contributors = w.contributors.get(rule.metric, [])
            anchor = start.isoformat() if start else "all"
            if rule.window == "period":
                anchor = snap.event_id  # one statistic (area and period): fires once per crossing
            elif rule.window == "30d":
                # a 30-day window fires at most once per upward crossing: anchor on the
                # window in which the crossing happened
                anchor = f"{anchor}..{end}"
        key = _state_key(rule, snap, start)
        if value >= rule.threshold:
            if key in state.fired:
                continue  # already fired, still above: stay quiet
            state.fired[key] = end
            alerts.append(Alert(
                alert_id=alert_id(rule.name, snap.province, rule.window, anchor), rule=rule.name,
                severity=rule.severity, province=snap.province, metric=rule.metric, kind=rule.kind,
                window=rule.window, window_start=start, window_end=end, value=value, threshold=rule.threshold,
                event_ids=list(contributors), fired_at=now(),
            ))
        else:
            state.fired.pop(key, None)  # fell back below: re-arm
    return alerts
