"""The one terminal table of per-province totals, shared by ``seizurewatch up`` and ``seizurewatch tables``.

Owns the reading of ``GET /api/provinces`` into rows (province, kind, metrics), the choice
and order of columns, and the number format: counts (cases, suspects, pills, bricks, ...)
as integers with thousands separators, masses in kg with up to three decimals. Pure: no
HTTP, no terminal control (``streams.live_view`` and the commands do that).
``streams/web_static/app.js`` follows the same number rules in the browser (``fmt``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("incident", "aggregate")
PREFERRED = ("cases", "suspects", "operations", "heroin_kg", "meth_crystal_kg", "opium_kg", "cannabis_kg",
             "kg", "pills", "bricks", "synthetic_pills", "meth_pills", "heroin_bricks", "ketamine_kg")
"""Columns, first ones first; the bare unit names are the cross-drug totals of the tables."""
SHORT = {"meth_crystal_kg": "meth_kg", "synthetic_pills": "synth_pills", "operations": "ops",
         "kg": "all_kg", "pills": "all_pills", "bricks": "all_bricks"}
"""Column headers shorter than the metric names (terminals are narrow)."""
IGNORED = {"province", "name", "kind", "event_ids", "events_count", "updated_at", "code", "province_code"}


@dataclass
class Row:
    province: str
    kind: str
    metrics: dict[str, float] = field(default_factory=dict)


def is_mass(metric: str) -> bool:
    """Masses are in kg (``heroin_kg``, ``kg``); every other metric is a count."""
    return metric == "kg" or metric.endswith("_kg")


def format_number(value: float | None, metric: str = "") -> str:
    """``1,234`` for counts, ``12.5`` for masses (at most 3 decimals), ``-`` for no value."""
    if value is None:
        return "-"
    if not is_mass(metric) or float(value).is_integer():
        return f"{round(value):,}"
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def _flatten(obj: Any, prefix: str = "") -> dict[str, float]:
    """{heroin: {kg: 3}} or {heroin_kg: 3} or [{metric, value}] -> {heroin_kg: 3}."""
    out: dict[str, float] = {}
    if isinstance(obj, list):
        for m in obj:
            if isinstance(m, dict) and "metric" in m and isinstance(m.get("value"), (int, float)):
                out[str(m["metric"])] = float(m["value"])
        return out
    if not isinstance(obj, dict):
        return out
    for k, v in obj.items():
        if k in IGNORED:
            continue
        key = f"{prefix}_{k}" if prefix else str(k)
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            out[key] = float(v)
        elif isinstance(v, dict) and k not in KINDS:
            out.update(_flatten(v, key))
    return out


def normalise_provinces(data: Any) -> list[Row]:
    """Rows (province, kind, metrics) from whatever list/mapping /api/provinces returns."""
    items = data
    if isinstance(data, dict):
        items = data.get("provinces", data.get("items", data))
        if isinstance(items, dict):
            items = [{"province": name, **(v if isinstance(v, dict) else {})} for name, v in items.items()]
    rows: list[Row] = []
    for entry in items or []:
        if not isinstance(entry, dict):
            continue
        name = entry.get("province") or entry.get("name") or entry.get("province_2025")
        if not name:
            continue
        holder = entry.get("totals") or entry.get("all_time") or entry.get("all") or entry
        for kind in KINDS:
            part = holder.get(kind, entry.get(kind)) if isinstance(holder, dict) else None
            if isinstance(part, dict):
                metrics = _flatten(part.get("metrics") or part.get("totals") or part)
                if metrics:
                    rows.append(Row(str(name), kind, metrics))
    return rows


def columns(rows: list[Row], limit: int = 10) -> list[str]:
    """The metric columns worth showing: the preferred ones present, then the others by name."""
    seen = {m for r in rows for m in r.metrics}
    ordered = [m for m in PREFERRED if m in seen] + sorted(seen - set(PREFERRED))
    return ordered[:limit]


def render_table(rows: list[Row], max_rows: int = 40, metrics: list[str] | None = None) -> str:
    """A fixed-width table, incidents and aggregates on separate rows, most heroin first.

    ``metrics`` picks the columns (default: ``columns(rows)``); a metric no row has shows ``-``.
    """
    if not rows:
        return "(no province yet)"
    cols = metrics if metrics is not None else columns(rows)
    ordered = sorted(rows, key=lambda r: (-r.metrics.get("heroin_kg", 0), -r.metrics.get("cases", 0), r.province, r.kind))
    head = ["province", "kind"] + [SHORT.get(c, c) for c in cols]
    body = [[r.province, r.kind] + [format_number(r.metrics.get(c, 0.0), c) for c in cols]
            for r in ordered[:max_rows]]
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head))]

    def fmt_line(line: list[str]) -> str:
        return "  ".join((c.ljust(w) if i < 2 else c.rjust(w)) for i, (c, w) in enumerate(zip(line, widths)))

    lines = [fmt_line(head), fmt_line(["-" * w for w in widths])] + [fmt_line(b) for b in body]
    if len(ordered) > max_rows:
        lines.append(f"... {len(ordered) - max_rows} more rows")
    return "\n".join(lines)
