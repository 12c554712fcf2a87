"""The ``area_state`` table as ``area_state.StateView``: parsed rows, a (area, day) index, derived sums.

Owns one job: reading the table fast and keeping what is *derived* from it — the index of
bust rows by (area, day), the period rows of each area, and the sums the windows and
rules read (per area and day, per area all-time) — equal to a recomputation from the
rows. Every write goes through ``write``, which moves the sums by the difference between
the old and the new row; anything else that changes the table (changelog recovery, a
rebalance) is caught by ``invalidate`` (called on rebalance) or by a changed table size,
and the next read rebuilds everything from the rows. The sums are never stored, so they
cannot disagree with the rows after a crash (see streams.area_state).

Parsed rows are cached by the identity of the stored value (faust's memory store hands
back the very object that was stored). Works on any mutable mapping (a faust Table or a
dict in tests). No faust import, no arithmetic beyond ``aggregation.add_into``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Any

from streams.aggregation import add_into
from streams.area_state import UNDATED, AlertRow, BustRow, parse_row
from streams.periods import PeriodRow


class StateIndex:
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self.table = table
        self._parsed: dict[str, tuple[Any, Any]] = {}
        self._valid = False
        self._size = -1
        self._busts: dict[tuple[str, str], set[str]] = {}
        self._periods: dict[str, set[str]] = {}
        self._day: dict[tuple[str, str], dict[str, float]] = {}
        self._area: dict[str, dict[str, float]] = {}
        self._days_of: dict[str, set[str]] = {}
        self._alerts: dict[str, set[str]] = {}

    # ---------------------------------------------------------------- cache upkeep
    def invalidate(self) -> None:
        """Forget every derived value (the table changed behind our back: recovery, rebalance)."""
        self._valid = False

    def _ensure(self) -> None:
        if self._valid and self._size == len(self.table):
            return
        self._busts, self._periods, self._day, self._area, self._days_of = {}, {}, {}, {}, {}
        self._alerts = {}
        keep: dict[str, tuple[Any, Any]] = {}
        for key, value in list(self.table.items()):
            if key.startswith("a|") and value:
                self._alerts.setdefault(key.split("|", 2)[1], set()).add(key)
            if not value or key[:2] not in ("b|", "s|"):
                continue
            row = self._parse(key, value)
            keep[key] = (value, row)
            self._account(key, row, +1)
        self._parsed = keep
        self._valid, self._size = True, len(self.table)

    def _parse(self, key: str, value: Any) -> Any:
        cached = self._parsed.get(key)
        if cached is not None and cached[0] is value:
            return cached[1]
        row = parse_row(key, value)
        self._parsed[key] = (value, row)
        return row

    def _account(self, key: str, row: Any, sign: int) -> None:
        if isinstance(row, AlertRow):
            keys = self._alerts.setdefault(key.split("|", 2)[1], set())
            (keys.add if sign > 0 else keys.discard)(key)
        elif isinstance(row, BustRow):
            day = row.day.isoformat() if row.day else UNDATED
            keys = self._busts.setdefault((row.area, day), set())
            if sign > 0:
                keys.add(key)
                self._days_of.setdefault(row.area, set()).add(day)
            else:
                keys.discard(key)
            add_into(self._day.setdefault((row.area, day), {}), row.metrics, sign)
            add_into(self._area.setdefault(row.area, {}), row.metrics, sign)
        elif isinstance(row, PeriodRow):
            keys = self._periods.setdefault(row.area, set())
            if sign > 0:
                keys.add(key)
            else:
                keys.discard(key)

    # ---------------------------------------------------------------- writes
    def write(self, key: str, row: Any) -> None:
        """Store ``row`` (a row model, or None to delete) and move the derived sums by the difference."""
        self._ensure()
        old = self.get(key)
        if old is not None:
            self._account(key, old, -1)
        if row is None:
            if key in self.table:
                del self.table[key]
            self._parsed.pop(key, None)
        else:
            value = row.to_json()
            self.table[key] = value
            self._parsed[key] = (value, row)
            self._account(key, row, +1)
        self._size = len(self.table)

    # ---------------------------------------------------------------- reads (StateView)
    def get(self, key: str) -> Any:
        value = self.table.get(key)
        if not value:
            return None
        return self._parse(key, value)

    def bust_keys(self, area: str, day: dt.date | None) -> list[str]:
        self._ensure()
        return sorted(self._busts.get((area, day.isoformat() if day else UNDATED), ()))

    def day_values(self, area: str, day: dt.date) -> dict[str, float]:
        self._ensure()
        return self._day.get((area, day.isoformat()), {})

    def area_totals(self, area: str) -> dict[str, float]:
        self._ensure()
        return self._area.get(area, {})

    def alert_keys(self, area: str) -> list[str]:
        self._ensure()
        return sorted(self._alerts.get(area, ()))

    # ---------------------------------------------------------------- reads (views)
    def areas(self) -> list[str]:
        self._ensure()
        with_busts = {a for a, days in self._days_of.items() if any(self._busts.get((a, d)) for d in days)}
        return sorted(with_busts | {a for a, keys in self._periods.items() if keys})

    def busts_of(self, area: str) -> list[BustRow]:
        self._ensure()
        out = []
        for day in sorted(self._days_of.get(area, ())):
            out += [self.get(k) for k in sorted(self._busts.get((area, day), ()))]
        return [b for b in out if b is not None]

    def periods_of(self, area: str) -> list[PeriodRow]:
        self._ensure()
        rows = [self.get(k) for k in sorted(self._periods.get(area, ()))]
        return [r for r in rows if r is not None]

    def daily(self, area: str) -> dict[str, dict[str, float]]:
        self._ensure()
        return {d: dict(self._day[(area, d)]) for d in sorted(self._days_of.get(area, ()))
                if d != UNDATED and self._day.get((area, d))}

    def latest_alerts(self) -> list[dict]:
        """The latest alerts of every area (``a|`` rows), for GET /api/alerts."""
        self._ensure()
        rows = [self.get(k) for keys in self._alerts.values() for k in keys]
        return [r.alert for r in rows if r is not None]
