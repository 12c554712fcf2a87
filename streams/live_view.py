"""The terminal view of `seizurewatch up`: the per-province table and alert lines.

Pure functions over the JSON of ``/api/provinces`` and ``/api/alerts`` so that the shape
handling can be unit-tested without a worker; ``streams/web_static/app.js`` does the
same for the browser.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

KINDS = ("incident", "aggregate")
PREFERRED = ("cases", "suspects", "operations", "heroin_kg", "meth_crystal_kg", "opium_kg", "cannabis_kg",
             "kg", "pills", "bricks", "synthetic_pills_pills", "meth_pills_pills", "heroin_bricks", "ketamine_kg")
"""Terminal columns, first ones first; the bare unit names are the cross-drug totals of the tables."""
SHORT = {"meth_crystal_kg": "meth_kg", "synthetic_pills_pills": "synth_pills", "meth_pills_pills": "meth_pills",
         "operations": "ops", "kg": "all_kg", "pills": "all_pills", "bricks": "all_bricks"}
IGNORED = {"province", "name", "kind", "event_ids", "events_count", "updated_at", "code", "province_code"}


@dataclass
class Row:
    province: str
    kind: str
    metrics: dict[str, float] = field(default_factory=dict)


def get_json(url: str, timeout: float = 2.0) -> Any:
    """GET a JSON document; raises OSError/ValueError on failure."""
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


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


def normalise_alerts(data: Any) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else (data or {}).get("alerts", []) if isinstance(data, dict) else []
    return [a for a in items if isinstance(a, dict)]


def columns(rows: list[Row], limit: int = 10) -> list[str]:
    seen = {m for r in rows for m in r.metrics}
    ordered = [m for m in PREFERRED if m in seen] + sorted(seen - set(PREFERRED))
    return ordered[:limit]


def _fmt(v: float | None) -> str:
    if not v:
        return "0" if v == 0 else "-"
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.3f}".rstrip("0").rstrip(".")


def render_table(rows: list[Row], max_rows: int = 40) -> str:
    """A fixed-width table, incidents and aggregates on separate rows, most heroin first."""
    if not rows:
        return "(no province yet)"
    cols = columns(rows)
    ordered = sorted(rows, key=lambda r: (-r.metrics.get("heroin_kg", 0), -r.metrics.get("cases", 0), r.province, r.kind))
    head = ["province", "kind"] + [SHORT.get(c, c) for c in cols]
    body = [[r.province, r.kind] + [_fmt(r.metrics.get(c, 0)) for c in cols] for r in ordered[:max_rows]]
    widths = [max(len(str(line[i])) for line in [head, *body]) for i in range(len(head))]
    fmt_line = lambda line: "  ".join(
        (str(c).ljust(w) if i < 2 else str(c).rjust(w)) for i, (c, w) in enumerate(zip(line, widths)))
    lines = [fmt_line(head), fmt_line(["-" * w for w in widths])] + [fmt_line(b) for b in body]
    if len(ordered) > max_rows:
        lines.append(f"... {len(ordered) - max_rows} more rows")
    return "\n".join(lines)


def format_alert(a: dict[str, Any]) -> str:
    ids = [str(i) for i in a.get("event_ids") or []]
    window = a.get("window")
    where = {"all": "all-time", "event": "single event"}.get(str(window), f"{window} {a.get('window_start') or ''}".strip())
    return (f"ALERT [{a.get('severity', '?')}] {a.get('rule', '?')}: {a.get('province', '?')} "
            f"{a.get('metric', '?')} ({a.get('kind', '?')}, {where}) = {_fmt(a.get('value'))} "
            f">= {_fmt(a.get('threshold'))}" + (f"  events: {', '.join(ids[:3])}" if ids else ""))


def get_text(url: str, timeout: float = 2.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode("utf-8", errors="replace")


def items_consumed(metrics_text: str) -> dict[str, float]:
    """``seizurewatch_items_consumed_total`` by outcome, from a /metrics page."""
    out: dict[str, float] = {}
    for line in metrics_text.splitlines():
        if line.startswith("seizurewatch_items_consumed_total{"):
            labels, _, value = line.rpartition(" ")
            outcome = labels.split('outcome="', 1)[-1].split('"', 1)[0]
            try:
                out[outcome] = float(value)
            except ValueError:
                continue
    return out


def format_consumed(counts: dict[str, float]) -> str:
    if not counts:
        return "items consumed: (no metrics yet)"
    return ("items consumed: " + ", ".join(f"{int(v)} {k.replace('_', ' ')}" for k, v in sorted(counts.items()))
            + ("  (see `seizurewatch dlq` for the dead letters)" if counts.get("dead_letter") else ""))
