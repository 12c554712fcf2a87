"""The ``area_state`` table as ``area_state.StateView``: parsed rows, a (area, day) index, derived sums.

Owns one job: reading the table fast and keeping what is *derived* from it — the index of
bust rows by (area, day), the period rows of each area, and the sums the windows and
rules read (per area and day, per area all-time) — equal to a recomputation from the
rows. Every write goes through ``write``, which moves the sums by the difference between
the old and the new row; anything else that changes the table (changelog recovery, a
rebalance) is caught by ``invalidate`` (called on rebalance) or by a changed table size,
and the next read rebuilds everything from the rows. The sums are never stored, so they
cannot disagree with the rows after a crash (see streams.area_state).

Archive rows (``h|``) win over the bust rows they list: such a row is kept apart
(``stale``: not indexed, not counted) until the transition deletes it.

Parsed rows are cached by the identity of the stored value (faust's memory store hands
back the very object that was stored). Works on any mutable mapping (a faust Table or a
dict in tests). No faust import, no arithmetic beyond ``aggregation.add_into``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping
from typing import Any

from streams.aggregation import add_into
from streams.area_state import UNDATED, AlertRow, ArchiveRow, BustRow, parse_row
from streams.periods import PeriodRow


class StateIndex:
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self.table = table
        self._parsed: dict[str, tuple[Any, Any]] = {}
        self._valid = False
        self._size = -1
        self._reset()

    def _reset(self) -> None:
        self._busts: dict[tuple[str, str], set[str]] = {}
        self._periods: dict[str, set[str]] = {}
        self._day: dict[tuple[str, str], dict[str, float]] = {}
        self._area: dict[str, dict[str, float]] = {}
        self._days_of: dict[str, set[str]] = {}
        self._alerts: dict[str, set[str]] = {}
        self._archives: dict[tuple[str, str], ArchiveRow] = {}
        self._archived_ids: dict[tuple[str, str], set[str]] = {}
        self._live: dict[str, str] = {}  # counted bust id -> its key
        self._stale: set[str] = set()

    # ---------------------------------------------------------------- cache upkeep
    def invalidate(self) -> None:
        """Forget every derived value (the table changed behind our back: recovery, rebalance)."""
        self._valid = False

    def _ensure(self) -> None:
        if self._valid and self._size == len(self.table):
            return
        self._reset()
        keep: dict[str, tuple[Any, Any]] = {}
        items = [(k, v) for k, v in list(self.table.items()) if v and k[:2] in ("h|", "b|", "s|", "a|")]
        for key, value in sorted(items, key=lambda kv: kv[0][:2] != "h|"):  # archives first: they win
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
            self._account_bust(key, row, sign)
        elif isinstance(row, ArchiveRow):
            self._account_archive(row, sign)
        elif isinstance(row, PeriodRow):
            keys = self._periods.setdefault(row.area, set())
            (keys.add if sign > 0 else keys.discard)(key)

    def _account_bust(self, key: str, row: BustRow, sign: int) -> None:
        if sign > 0 and self._is_archived(row.area, row.day, row.id):
            self._stale.add(key)
            return
        if sign < 0 and key in self._stale:
            self._stale.discard(key)
            return
        day = row.day.isoformat() if row.day else UNDATED
        keys = self._busts.setdefault((row.area, day), set())
        if sign > 0:
            keys.add(key)
            self._days_of.setdefault(row.area, set()).add(day)
            self._live[row.id] = key
        else:
            keys.discard(key)
            self._live.pop(row.id, None)
            if not keys:
                self._days_of.get(row.area, set()).discard(day)
        add_into(self._day.setdefault((row.area, day), {}), row.metrics, sign)
        add_into(self._area.setdefault(row.area, {}), row.metrics, sign)

    def _account_archive(self, row: ArchiveRow, sign: int) -> None:
        where = (row.area, row.month)
        add_into(self._area.setdefault(row.area, {}), row.metrics, sign)
        if sign < 0:  # replaced by a newer version of itself (archives only grow)
            self._archives.pop(where, None)
            return
        self._archives[where] = row
        self._archived_ids[where] = set(row.ids)
        for cluster_id in row.ids:  # now counted by the archive: no longer by their rows
            key = self._live.get(cluster_id)
            bust = self.get(key) if key is not None else None
            if bust is not None and bust.area == row.area:
                self._account_bust(key, bust, -1)
                self._stale.add(key)

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
        """The counted bust rows of (area, day) (rows an archive lists are not among them)."""
        self._ensure()
        return sorted(self._busts.get((area, day.isoformat() if day else UNDATED), ()))

    def stale_keys(self, area: str) -> list[str]:
        """Bust rows an archive already counts (left by a crash between the two writes of archiving)."""
        self._ensure()
        return sorted(k for k in self._stale if k.split("|", 2)[1] == area)

    def day_values(self, area: str, day: dt.date) -> dict[str, float]:
        self._ensure()
        return self._day.get((area, day.isoformat()), {})

    def area_totals(self, area: str) -> dict[str, float]:
        self._ensure()
        return self._area.get(area, {})

    def alert_keys(self, area: str) -> list[str]:
        self._ensure()
        return sorted(self._alerts.get(area, ()))

    def bust_days(self, area: str) -> list[dt.date]:
        """Days with counted bust rows (undated left out), in order."""
        self._ensure()
        return sorted(dt.date.fromisoformat(d) for d in self._days_of.get(area, ()) if d != UNDATED)

    def watermark(self, area: str) -> dt.date | None:
        """The area's latest bust date, archived ones included."""
        days = self.bust_days(area)
        archived = [a.latest for (a_area, _), a in self._archives.items() if a_area == area and a.latest]
        return max(days[-1:] + archived, default=None)

    def is_archived(self, area: str, day: dt.date | None, cluster_id: str) -> bool:
        self._ensure()
        return self._is_archived(area, day, cluster_id)

    def _is_archived(self, area: str, day: dt.date | None, cluster_id: str) -> bool:
        return day is not None and cluster_id in self._archived_ids.get((area, day.strftime("%Y-%m")), ())

    # ---------------------------------------------------------------- reads (views)
    def areas(self) -> list[str]:
        self._ensure()
        with_busts = {a for a, days in self._days_of.items() if days}
        return sorted(with_busts | {a for a, keys in self._periods.items() if keys} | {a for a, _ in self._archives})

    def archives_of(self, area: str) -> list[ArchiveRow]:
        self._ensure()
        return [row for (a, _), row in sorted(self._archives.items()) if a == area]

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
