"""Pure state transitions of the ``area_state`` table: one message in, what to write and send out.

The table is keyed by area (every key of one area lives in the partition of that area's
key on the internal ``area-events`` topic). Its rows:

=============================  ====================================================
``b|<area>|<day>|<cluster>``   ``BustRow``: one real-world bust — its reports' distinct
                               figure variants, members (event ids), merged figures
``s|<area>|<start>|<end>``     ``periods.PeriodRow``: every report on one period statistic
``m|<event_id>``               ``MemberRef``: which row an event was counted in
``r|<area>``                   ``RuleRow``: the area's alert hysteresis (small: rewritten on fire and re-arm)
``h|<area>|<YYYY-MM>``         ``ArchiveRow``: the busts of a month past the horizon, folded into sums
``a|<area>|<alert_id>``        ``AlertRow``: one of the area's latest alerts (written once; the oldest
                               beyond ``ALERTS_PER_AREA`` deleted)
=============================  ====================================================

``step(view, message)`` is the only transition: it reads rows through ``view``
(``streams.state_index.StateIndex``) and returns a ``Step``: the rows to write (in order),
the records to send (events with their ``cluster_id``, bust records, alerts) and the
rule row to write once the alerts are delivered. Agents apply it and send; they decide
nothing.

**Counting once under redelivery (the argument).** Delivery is at-least-once: after a
crash the messages after the last committed offset come again, and the table is what its
changelog held. Three facts make the replay converge to the state of a single delivery:

1. *One changelog, in order.* Every row this step writes goes to the one changelog
   partition of the message's partition, through one producer, in the order of ``writes``
   (per-partition order is kept by the producer). A crash loses a *suffix* of the writes:
   what survives is the state after some message's first k writes.
2. *``m|event`` is the last write of a message.* A report is added to its bust row
   (members keyed by event id, figure variants keyed by content) first; the alerts it
   fires are delivered and the rule row written next; ``m|event`` ("done") last. So
   ``m|event`` present ⇒ everything of that message happened: a replay (or a republished
   item) only re-sends its records. ``m|event`` missing ⇒ by fact 1 no write of any later
   message survived either, so the table is exactly as this message left it or as it
   found it: the step finds the event in a bust row it could have joined (then it only
   evaluates the rules and writes the rest), or takes the decision again on exactly the
   state it was first taken on — the same bust, or the same new bust id (derived from
   the founding event's id).
3. *Sums are caches.* Area totals and daily values are never stored; ``StateIndex``
   derives them from the bust rows (rebuilt after recovery, updated by difference when a
   row is written), so they cannot drift from the rows. A bust's figures are a function
   of the *set* of its reports' variants (``clustering.merge``), so a report applied twice
   changes nothing.

**The horizon** (``retention_days`` of event time behind the area's latest bust) bounds
the matching state: once a whole month lies past it, its bust rows are folded into one
``ArchiveRow`` (their sums, ids and report counts) and deleted, in that order. The archive
wins: a bust row whose id an archive lists is not counted (a crash between the two writes
leaves such a row; the next pass deletes it). Reports of archived busts no longer match
(a late report of one counts as a new bust, archived in turn); their ``m|`` rows stay, so a
republished old report is still recognised and not counted twice.

Alerts are delivered before the rule row that remembers them is written (a replay
re-sends the same deterministic alert id at worst, never loses one). Beyond ``MAX_MEMBERS`` reports a bust keeps only counts per
variant: there a crash between the two writes can over-count ``reports`` by one (never a
figure). No faust, no Kafka; the clock is a parameter.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, Field, model_validator

from schemas.alerts import Alert
from schemas.busts import Bust, BustSeizure
from schemas.events import EventRetraction, SeizureEvent
from streams import periods
from streams.aggregation import add_into, difference
from streams.areas import area_of
from streams.clustering import (
    Candidate,
    Figures,
    choose,
    cluster_id_for,
    figures_of,
    lookup_days,
    merge,
    metrics_of,
)
from streams.rules import Rule, RuleState, Snapshot, WindowValue, evaluate
from streams.windows import month_window, window_for

MAX_MEMBERS = 16
"""Reports a bust row lists by event id (its provenance); beyond, it keeps counts per figure variant."""
ALERTS_PER_AREA = 20
"""Latest alerts kept in each rule row, so GET /api/alerts survives a restart."""
MAX_CONTRIBUTORS = 200
RECENT_IDS = 20
"""Contributor ids kept with an alert in the rule row (the published alert has them all)."""
UNDATED = "undated"


# ---------------------------------------------------------------- rows

class Member(BaseModel):
    v: str = Field(description="digest of the report's figure variant (which holds its publication date)")
    item: str
    source: str | None = None


class BustRow(BaseModel):
    """One bust: the distinct figure variants of its reports and who reported it."""

    id: str
    area: str
    day: dt.date | None = None
    variants: dict[str, Figures] = Field(default_factory=dict)
    members: dict[str, Member] = Field(default_factory=dict)
    overflow: dict[str, int] = Field(default_factory=dict, description="variant -> reports beyond MAX_MEMBERS")
    figures: Figures = Field(default_factory=Figures, description="merged (derived from variants)")
    metrics: dict[str, float] = Field(default_factory=dict, description="derived from figures")

    @property
    def key(self) -> str:
        return bust_key(self.area, self.day, self.id)

    @property
    def reports(self) -> int:
        return len(self.members) + sum(self.overflow.values())

    def refresh(self) -> None:
        self.figures = merge(self.variants.values())
        self.metrics = metrics_of(self.figures) if self.variants else {}

    def add(self, event: SeizureEvent, fig: Figures) -> None:
        v = fig.digest()
        self.variants.setdefault(v, fig)
        if len(self.members) < MAX_MEMBERS:
            self.members[event.event_id] = Member(v=v, item=event.item_id, source=event.source)
        else:
            self.overflow[v] = self.overflow.get(v, 0) + 1
        self.refresh()

    def remove(self, event_id: str, variant: str | None) -> bool:
        member = self.members.pop(event_id, None)
        if member is not None:
            variant = member.v
        elif variant and self.overflow.get(variant):
            self.overflow[variant] -= 1
            if not self.overflow[variant]:
                del self.overflow[variant]
        else:
            return False
        used = {m.v for m in self.members.values()} | set(self.overflow)
        self.variants = {k: f for k, f in self.variants.items() if k in used}
        self.refresh()
        return True

    @model_validator(mode="after")
    def _derive(self) -> BustRow:
        """``figures`` and ``metrics`` are derived from ``variants``: not stored, rebuilt when read."""
        if self.variants and not self.metrics:
            self.refresh()
        return self

    def to_json(self) -> dict:
        return self.model_dump(mode="json", exclude_defaults=True, exclude={"figures", "metrics"})

    def record(self) -> Bust:
        """The ``seizure-busts`` record of this bust."""
        f = self.figures
        published = [v.published for v in self.variants.values() if v.published]
        return Bust(cluster_id=self.id, area=self.area, date=self.day, cases=f.cases, suspects=f.suspects,
                    operations=f.operations,
                    seizures=[BustSeizure(drug=o.drug, quantity=o.value, unit=o.dim, qualifier=o.q)  # type: ignore[arg-type]
                              for o in f.obs],
                    reports=self.reports, sources=sorted({m.source for m in self.members.values() if m.source}),
                    item_ids=sorted({m.item for m in self.members.values()}), event_ids=sorted(self.members),
                    first_seen=min(published) if published else None, last_seen=max(published) if published else None,
                    metrics=dict(sorted(self.metrics.items())))


class ArchiveRow(BaseModel):
    """``h|<area>|<YYYY-MM>``: the busts of one month past the horizon, as sums."""

    area: str
    month: str
    ids: list[str] = Field(default_factory=list, description="bust ids folded in (the archive wins over their rows)")
    reports: int = 0
    latest: dt.date | None = None
    metrics: dict[str, float] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return archive_key(self.area, self.month)

    def fold(self, row: BustRow) -> bool:
        if row.id in self.ids:
            return False
        self.ids.append(row.id)
        self.reports += row.reports
        add_into(self.metrics, row.metrics)
        if row.day is not None and (self.latest is None or row.day > self.latest):
            self.latest = row.day
        return True

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


class MemberRef(BaseModel):
    """``m|<event_id>``: the row an event is counted in (and its variant, for a withdrawal)."""

    k: str
    v: str | None = None

    def to_json(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)


class RuleRow(BaseModel):
    rules: RuleState = Field(default_factory=RuleState)

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


class AlertRow(BaseModel):
    alert: dict = Field(description="the alert as published, contributor ids cut to RECENT_IDS")

    @property
    def fired_at(self) -> str:
        return str(self.alert.get("fired_at", ""))

    def to_json(self) -> dict:
        return self.model_dump(mode="json")


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else UNDATED


def bust_key(area: str, day: dt.date | None, cluster_id: str) -> str:
    return f"b|{area}|{day_text(day)}|{cluster_id}"


def archive_key(area: str, month: str) -> str:
    return f"h|{area}|{month}"


def bust_id_of(key: str) -> str:
    return key.rsplit("|", 1)[-1]


def member_key(event_id: str) -> str:
    return f"m|{event_id}"


def rule_key(area: str) -> str:
    return f"r|{area}"


def alert_key(area: str, alert_id: str) -> str:
    return f"a|{area}|{alert_id}"


def parse_row(key: str, value: Any) -> Any:
    """A stored JSON value -> its row model (by key prefix)."""
    kind = key[:2]
    if kind == "b|":
        return BustRow.model_validate(value)
    if kind == "s|":
        return periods.PeriodRow.model_validate(value)
    if kind == "m|":
        return MemberRef.model_validate(value)
    if kind == "r|":
        return RuleRow.model_validate(value)
    if kind == "a|":
        return AlertRow.model_validate(value)
    if kind == "h|":
        return ArchiveRow.model_validate(value)
    raise KeyError(f"unknown row key {key!r}")


# ---------------------------------------------------------------- the view and the step

class StateView(Protocol):
    """Read access to the table and its derived caches (``streams.state_index.StateIndex``)."""

    def get(self, key: str) -> Any: ...
    def bust_keys(self, area: str, day: dt.date | None) -> list[str]: ...
    def day_values(self, area: str, day: dt.date) -> dict[str, float]: ...
    def area_totals(self, area: str) -> dict[str, float]: ...
    def alert_keys(self, area: str) -> list[str]: ...
    def bust_days(self, area: str) -> list[dt.date]: ...
    def watermark(self, area: str) -> dt.date | None: ...
    def is_archived(self, area: str, day: dt.date | None, cluster_id: str) -> bool: ...
    def stale_keys(self, area: str) -> list[str]: ...


@dataclass
class Config:
    rules: list[Rule] = field(default_factory=list)
    tolerance_days: int = 1
    retention_days: int = 400
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


@dataclass
class Step:
    """What one message makes the agent do, in this order: write ``writes``, send, deliver the alerts,
    write ``rule_writes``, write ``finals`` (the ``m|`` rows: "this message is done")."""

    area: str
    writes: list[tuple[str, Any]] = field(default_factory=list)
    events: list[SeizureEvent | EventRetraction] = field(default_factory=list)
    busts: list[tuple[str, Bust | None]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    rule_writes: list[tuple[str, Any]] = field(default_factory=list)
    finals: list[tuple[str, Any]] = field(default_factory=list)
    changed: bool = False
    periods_changed: bool = False


def step(view: StateView, message: SeizureEvent | EventRetraction, cfg: Config) -> Step:
    """The one transition of the area agent."""
    if isinstance(message, EventRetraction):
        return _retract(view, message, cfg)
    if message.kind == "aggregate":
        return _period_report(view, message, cfg)
    return _incident(view, message, cfg)


def _editable(row: BustRow) -> BustRow:
    """A copy of a stored row that ``add``/``remove`` may change (they replace figures, never mutate them)."""
    return row.model_copy(update={"variants": dict(row.variants), "members": dict(row.members),
                                  "overflow": dict(row.overflow)})


def _find_member(view: StateView, area: str, days: Iterable[dt.date | None], event_id: str) -> BustRow | None:
    for day in days:
        for key in view.bust_keys(area, day):
            row = view.get(key)
            if row is not None and event_id in row.members:
                return row
    return None


def _incident(view: StateView, event: SeizureEvent, cfg: Config) -> Step:
    area = area_of(event).key
    out = Step(area=area)
    fig = figures_of(event)
    ref = view.get(member_key(event.event_id))
    row: BustRow | None = view.get(ref.k) if ref is not None else None
    if ref is not None and row is None and _archived_ref(view, ref.k):
        out.events.append(event.model_copy(update={"cluster_id": bust_id_of(ref.k)}))
        return out  # counted long ago, its bust archived since
    done = row is not None
    if row is None:
        days = [event.event_date, *lookup_days(event.date, event.published, cfg.tolerance_days)]
        row = _find_member(view, area, dict.fromkeys(days), event.event_id)  # survived a crash, its m| did not
    old_metrics: dict[str, float] = {}
    if row is None:
        candidates = []
        for day in dict.fromkeys(lookup_days(event.date, event.published, cfg.tolerance_days)):
            for key in view.bust_keys(area, day):
                r = view.get(key)
                if r is not None:
                    candidates.append(Candidate(key=key, cluster_id=r.id, day=r.day, figures=r.figures))
        chosen = choose(fig, event.date, candidates)
        if chosen is None:
            row = BustRow(id=cluster_id_for(event.event_id), area=area, day=event.event_date)
        else:
            row = _editable(view.get(chosen.key))
            old_metrics = dict(row.metrics)
        row.add(event, fig)
        out.writes.append((row.key, row))
        out.changed = True
    out.events.append(event.model_copy(update={"cluster_id": row.id}))
    out.busts.append((row.id, row.record()))
    if not done:  # also when the row survived a crash: the archiving that followed it may not have
        out.writes += _archive(view, area, row, cfg)
    if not done:  # m| is the last write of a message: present = its alerts were delivered
        delta = difference(row.metrics, old_metrics) if out.changed else {}
        _evaluate_incident(view, out, row, delta, cfg)
        out.finals.append((member_key(event.event_id), MemberRef(k=row.key, v=fig.digest())))
    return out


def _archived_ref(view: StateView, key: str) -> bool:
    _, area, day, cluster_id = key.split("|", 3)
    return day != UNDATED and view.is_archived(area, dt.date.fromisoformat(day), cluster_id)


def _archive(view: StateView, area: str, written: BustRow, cfg: Config) -> list[tuple[str, Any]]:
    """Fold the bust rows of every month wholly past the horizon into archive rows, then delete them."""
    days = set(view.bust_days(area))
    if written.day is not None:
        days.add(written.day)
    latest = max([d for d in (view.watermark(area), written.day) if d is not None], default=None)
    if latest is None:
        return []
    cutoff = latest - dt.timedelta(days=cfg.retention_days)
    months: dict[str, list[BustRow]] = {}
    for day in sorted(days):
        if month_window(day).end >= cutoff:
            break
        rows = [written if k == written.key else view.get(k) for k in view.bust_keys(area, day)]
        if written.day == day and written.key not in view.bust_keys(area, day):
            rows.append(written)
        months.setdefault(day.strftime("%Y-%m"), []).extend(r for r in rows if r is not None)
    writes: list[tuple[str, Any]] = []
    for month, rows in sorted(months.items()):
        current = view.get(archive_key(area, month))
        archive = current.model_copy(deep=True) if current is not None else ArchiveRow(area=area, month=month)
        folded = [archive.fold(r) for r in rows]  # every row, not only up to the first
        if any(folded):
            writes.append((archive.key, archive))
        writes += [(r.key, None) for r in rows]
    deleted = {k for k, _ in writes}
    writes += [(k, None) for k in view.stale_keys(area) if k not in deleted]  # left by a crash
    return writes


def _period_report(view: StateView, event: SeizureEvent, cfg: Config) -> Step:
    area = area_of(event).key
    out = Step(area=area)
    start, end = periods.period_of(event)
    key = periods.period_row_key(area, start, end)
    current = view.get(key)
    row = current.model_copy(deep=True) if current is not None else periods.PeriodRow(area=area, start=start, end=end)
    report = periods.report_of(event)
    if row.add(event.event_id, report):
        out.writes.append((key, row))
        out.changed = out.periods_changed = True
    out.events.append(event.model_copy(update={"cluster_id": row.statistic_id}))
    if view.get(member_key(event.event_id)) is not None:
        return out  # complete before: its alerts were delivered
    out.finals.append((member_key(event.event_id), MemberRef(k=key)))
    snap = Snapshot(province=area, kind="aggregate", event_id=row.statistic_id, event_day=end,
                    event_values=report.metrics,
                    windows={"period": WindowValue(start=start, end=end, values=report.metrics,
                                                   contributors={m: [event.event_id] for m in report.metrics})})
    _fire(view, out, snap, cfg)
    return out


def _retract(view: StateView, r: EventRetraction, cfg: Config) -> Step:
    out = Step(area=r.area)
    out.events.append(r)
    ref = view.get(member_key(r.event_id))
    if ref is None:
        return out  # never counted, or withdrawn already
    row = view.get(ref.k)
    if isinstance(row, BustRow):
        out.events[-1] = r.model_copy(update={"cluster_id": row.id})
        old = dict(row.metrics)
        row = _editable(row)
        delta: dict[str, float] = {}
        if row.remove(r.event_id, ref.v):  # else: removed before a crash, finish the step
            out.writes.append((row.key, row if row.reports else None))
            out.changed = True
            delta = difference(row.metrics, old)
        out.busts.append((row.id, row.record() if row.reports else None))
        _evaluate_incident(view, out, row, delta, cfg)
    elif isinstance(row, periods.PeriodRow):
        out.events[-1] = r.model_copy(update={"cluster_id": row.statistic_id})
        row = row.model_copy(deep=True)
        if row.remove(r.event_id):
            out.writes.append((row.key, row if row.reports else None))
            out.changed = out.periods_changed = True
    out.finals.append((member_key(r.event_id), None))
    return out


# ---------------------------------------------------------------- rules

def _evaluate_incident(view: StateView, out: Step, row: BustRow, delta: dict[str, float], cfg: Config) -> None:
    rules = [r for r in cfg.rules if r.kind == "incident"]
    if not rules:
        return
    windows: dict[str, WindowValue] = {}
    for name in sorted({r.window for r in rules} - {"event"}):
        w = window_for(name, row.day)  # type: ignore[arg-type]
        if w is None:
            continue
        wanted = {r.metric for r in rules if r.window == name}  # only what a rule reads
        days = [view.area_totals(row.area)] if name == "all" else [view.day_values(row.area, d) for d in w.days()]
        if w.contains(row.day) if row.day else name == "all":
            days.append(delta)
        values: dict[str, float] = {}
        for day_values in days:
            add_into(values, {m: v for m, v in day_values.items() if m in wanted})
        windows[name] = WindowValue(start=w.start, end=w.end, values=values)
    snap = Snapshot(province=row.area, kind="incident", event_id=row.id, event_day=row.day,
                    event_values=row.metrics, windows=windows)
    _fire(view, out, snap, cfg, contributors=lambda a: _bust_contributors(view, row, a))


def _bust_contributors(view: StateView, row: BustRow, alert: Alert) -> list[str]:
    """The busts behind an alert's value: in its window, newest first (``MAX_CONTRIBUTORS``)."""
    if alert.window == "event":
        return [row.id]
    w = window_for(alert.window, row.day)  # type: ignore[arg-type]
    days = reversed(w.days()) if w is not None and w.start else [row.day]
    ids = [row.id] if row.metrics.get(alert.metric) else []
    for day in days:
        for key in view.bust_keys(row.area, day):
            b = view.get(key)
            if b is not None and b.id != row.id and b.metrics.get(alert.metric):
                ids.append(b.id)
        if len(ids) >= MAX_CONTRIBUTORS:
            break
    return ids[:MAX_CONTRIBUTORS]


def _fire(view: StateView, out: Step, snap: Snapshot, cfg: Config,
          contributors: Callable[[Alert], list[str]] | None = None) -> None:
    current = view.get(rule_key(snap.province)) or RuleRow()
    # a shallow copy: evaluate() replaces entries of ``fired`` (dates), never mutates them
    rule_row = RuleRow(rules=RuleState(fired=dict(current.rules.fired)))
    fired = evaluate(cfg.rules, rule_row.rules, snap, now=cfg.now)
    rule_row.rules.prune(snap.event_day, cfg.retention_days)
    if contributors is not None:
        fired = [a.model_copy(update={"event_ids": contributors(a)}) for a in fired]
    out.alerts = fired
    if fired:  # the alert rows before the rule row: rule row present => its alerts' rows are too
        for a in fired:
            kept = a.model_dump(mode="json", exclude={"event_ids"}) | {"event_ids": a.event_ids[:RECENT_IDS]}
            out.rule_writes.append((alert_key(snap.province, a.alert_id), AlertRow(alert=kept)))
        new = {alert_key(snap.province, a.alert_id) for a in fired}
        rows = {k: view.get(k) for k in view.alert_keys(snap.province) if k not in new}
        oldest = sorted((r.fired_at, k) for k, r in rows.items() if r is not None)
        for _, key in oldest[:max(0, len(oldest) + len(new) - ALERTS_PER_AREA)]:
            out.rule_writes.append((key, None))
    if rule_row != current:
        out.rule_writes.append((rule_key(snap.province), rule_row))