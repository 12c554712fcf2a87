"""Bounded in-memory stores behind ``GET /api/events/{id}`` and ``GET /api/alerts``.

Owns the memory bounds (counts and a character budget for texts) so that a worker that
ran for months holds only the newest events, their item texts and the latest alerts.
These are views for people (a page that highlights evidence spans), not state: they are
not replicated and start empty after a restart (alerts are also kept per province in the
``alert_state`` table). No faust, no Kafka.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from schemas.alerts import Alert
from schemas.events import SeizureEvent
from schemas.items import NewsItem, ReportItem


class RecentEvents:
    """The last ``max_events`` events and the texts of their items (within ``max_text_chars``)."""

    def __init__(self, max_events: int, max_text_chars: int = 20_000_000) -> None:
        self.max_events = max_events
        self.max_text_chars = max_text_chars
        self._events: OrderedDict[str, SeizureEvent] = OrderedDict()
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._chars = 0

    def add(self, item: NewsItem | ReportItem, events: list[SeizureEvent]) -> None:
        if not events:
            return
        old = self._items.pop(item.id, None)
        if old is not None:
            self._chars -= len(old.get("text") or "")
        info = {"id": item.id, "type": item.type, "title": item.title, "text": item.text,
                "published": item.published.isoformat() if item.published else None,
                "source": item.source, "url": item.url}
        self._items[item.id] = info
        self._chars += len(item.text or "")
        for ev in events:
            self._events.pop(ev.event_id, None)
            self._events[ev.event_id] = ev
        while len(self._events) > self.max_events:
            self._events.popitem(last=False)
        while self._items and (self._chars > self.max_text_chars or len(self._items) > self.max_events):
            _, dropped = self._items.popitem(last=False)
            self._chars -= len(dropped.get("text") or "")

    def get(self, event_id: str) -> dict[str, Any] | None:
        ev = self._events.get(event_id)
        if ev is None:
            return None
        item = self._items.get(ev.item_id)
        return {"event": ev.model_dump(mode="json"), "item": item}  # the text once: item.text

    def __len__(self) -> int:
        return len(self._events)


class LatestAlerts:
    """The newest alerts, deduplicated by ``alert_id`` (a redelivered alert replaces itself)."""

    def __init__(self, maxlen: int) -> None:
        self.maxlen = maxlen
        self._alerts: OrderedDict[str, Alert] = OrderedDict()

    def add(self, alert: Alert) -> None:
        self._alerts.pop(alert.alert_id, None)
        self._alerts[alert.alert_id] = alert
        while len(self._alerts) > self.maxlen:
            self._alerts.popitem(last=False)

    def merged(self, more: list[Alert]) -> list[Alert]:
        """These alerts and ``more`` (e.g. recovered from tables), newest first, at most ``maxlen``."""
        by_id = {a.alert_id: a for a in more}
        by_id.update(self._alerts)
        return sorted(by_id.values(), key=lambda a: (a.fired_at, a.alert_id), reverse=True)[: self.maxlen]

