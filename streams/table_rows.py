"""Parsed, cached access to the ``province_state`` table rows (``aggregation.MonthState``).

Owns one job: turning table values (plain JSON dicts, as the changelog stores them) into
``MonthState`` objects without re-parsing a row that did not change, and finding all rows
of a province without scanning the table on every event. The cache is keyed by the
identity of the stored value: faust's memory store hands back the very object that was
stored, so a row written by this worker or recovered from the changelog is parsed once.
The province index is rebuilt whenever the table's size changes (new rows, recovery,
rebalance), so it can never miss a row.

Works on any mapping with ``get``/``items``/``__len__``/``__setitem__`` (a faust Table or
a dict in tests). No arithmetic (streams.aggregation), no faust import.
"""
from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from streams.aggregation import MonthState, ProvinceState, split_row_key


class ProvinceRows:
    def __init__(self, table: MutableMapping[str, Any]) -> None:
        self.table = table
        # key -> (the stored value object itself, its parse); holding the value keeps its
        # identity unique (an id() alone could be reused after the old value is freed)
        self._parsed: dict[str, tuple[Any, MonthState]] = {}
        self._index: dict[str, set[str]] = {}
        self._indexed_len = -1

    def row(self, key: str) -> MonthState:
        """The row ``key`` (a fresh empty one if missing); a cached parse when the value is unchanged.

        The returned object is the cached one: a caller that mutates it must ``save`` it.
        """
        value = self.table.get(key)
        if not value:
            return MonthState.from_json(key, None)
        cached = self._parsed.get(key)
        if cached is not None and cached[0] is value:
            return cached[1]
        state = MonthState.from_json(key, value)
        self._parsed[key] = (value, state)
        return state

    def save(self, row: MonthState) -> None:
        in_sync = self._indexed_len == len(self.table)
        value = row.to_json()
        self.table[row.key] = value
        self._parsed[row.key] = (value, row)
        self._index.setdefault(row.province, set()).add(row.key)
        if in_sync:
            self._indexed_len = len(self.table)

    def _refresh_index(self) -> None:
        size = len(self.table)
        if size == self._indexed_len:
            return
        index: dict[str, set[str]] = {}
        for key in list(self.table.keys()):
            province, _ = split_row_key(key)
            index.setdefault(province, set()).add(key)
        self._index, self._indexed_len = index, size
        self._parsed = {k: v for k, v in self._parsed.items() if k in self.table}

    def keys_of(self, province: str) -> list[str]:
        self._refresh_index()
        return sorted(self._index.get(province, ()))

    def provinces(self) -> list[str]:
        self._refresh_index()
        return sorted(p for p, keys in self._index.items() if keys)

    def province(self, province: str, override: MonthState | None = None) -> ProvinceState:
        """The read model of ``province``; ``override`` replaces its stored row (a row being written)."""
        rows = [self.row(k) for k in self.keys_of(province) if override is None or k != override.key]
        if override is not None:
            rows.append(override)
        return ProvinceState(province, rows)
