"""Pure alert rules: load them from YAML, evaluate them with hysteresis, emit ``schemas.alerts.Alert``.

A rule watches one metric of one kind (incident / aggregate) over one window:

- ``all``    the province's all-time total
- ``1d`` / ``month``  the tumbling window (event time) the updated event falls in
- ``30d``    the trailing 30-day hopping window ending on the event's date
- ``event``  the updated event on its own (a single very large seizure)

Hysteresis (no alert storm): a rule fires once when the value crosses the threshold
upward and then stays quiet while the value stays at or above it. It re-arms when the
window rolls (a new tumbling window is a new key; for ``all`` and ``30d`` there is one
key per province) or when an evaluation sees the value back below the threshold. The
state lives in ``RuleState`` (the ``alert_state`` table row of the province), and
``alert_id`` is deterministic (rule, province, window, window start / event id) so that a
redelivered update can never produce a second, different alert.

Input is a ``Snapshot`` built by ``snapshot()`` from the province state after an event
was applied. No faust, no Kafka; the clock is a parameter.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, field_validator

from schemas.alerts import Alert, Severity, WindowName
from schemas.common import EventKind
from schemas.events import SeizureEvent
from streams.aggregation import ProvinceState, event_deltas, known_metrics
from streams.windows import is_expired, window_for


class Rule(BaseModel):
    """One threshold rule of the YAML file."""

    model_config = {"extra": "forbid"}

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    metric: str
    kind: EventKind = "incident"
    window: WindowName = "all"
    threshold: float = Field(gt=0, allow_inf_nan=False)
    severity: Severity = "warning"
    provinces: list[str] | None = Field(default=None, description="only these provinces (None: all)")
    description: str | None = None

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
    """A province's values right after one event was applied: what rules look at."""

    province: str
    kind: EventKind
    event_id: str
    event_day: dt.date | None = None
    event_values: dict[str, float] = Field(default_factory=dict)
    watermark: dt.date | None = Field(default=None, description="latest event date of the province")
    windows: dict[str, WindowValue] = Field(default_factory=dict, description="window name -> values of `kind`")


def snapshot(state: ProvinceState, event: SeizureEvent | str, rules: Iterable[Rule] | None = None) -> Snapshot:
    """Values of the windows the (already applied) event ``event_id`` falls in, for its kind only.

    Values are always complete. Contributor ids are listed only where they can be needed:
    with ``rules`` given, for the metrics this event adds to (a value only rises through an
    event that adds to it) and, for the all-time window, only once a rule's threshold is
    reached (listing a long history on every event would dominate the cost).
    """
    event_id = event if isinstance(event, str) else event.event_id
    contrib = state.contribution(event_id)
    if contrib is None:
        raise KeyError(f"event {event_id} is not in the state of {state.province}")
    # the event's own figures: from the event when given (a ledger entry past retention
    # keeps only its id, but a single old, very large seizure must still reach its rule)
    own = dict(contrib.deltas) if isinstance(event, str) else event_deltas(event)
    rule_list = None if rules is None else [r for r in rules if r.kind == contrib.kind]
    touched = None if rule_list is None else {r.metric for r in rule_list if r.metric in own}
    windows: dict[str, WindowValue] = {}
    for name in ("all", "1d", "30d", "month"):
        w = window_for(name, contrib.day)  # type: ignore[arg-type]
        if w is None:
            continue
        wanted = touched
        if name == "all" and rule_list is not None:
            totals = state.totals.get(contrib.kind, {})
            wanted = {r.metric for r in rule_list if r.window == "all" and r.metric in (touched or ())
                      and totals.get(r.metric, 0.0) >= r.threshold}
        values, ids = state.window_values(contrib.kind, w, metrics=wanted)
        windows[name] = WindowValue(start=w.start, end=w.end, values=values, contributors=ids)
    return Snapshot(province=state.province, kind=contrib.kind, event_id=event_id, event_day=contrib.day,
                    event_values=own, watermark=state.watermark, windows=windows)


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
    if rule.window == "event":
        return f"{rule.name}|event|{snap.event_id}"
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
            if rule.window == "30d":
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
