"""The terminal view of `seizurewatch up`: alert lines, the consumption line, and HTTP GETs.

Pure functions over the JSON of ``/api/alerts`` and ``/metrics`` so that the shape handling
can be unit-tested without a worker. The province table itself is ``streams.terminal_table``
(shared with ``seizurewatch tables``).
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from streams.terminal_table import Row, format_number, normalise_provinces, render_table

__all__ = ["Row", "format_alert", "format_consumed", "get_json", "get_text", "items_consumed",
           "normalise_alerts", "normalise_provinces", "render_table"]


def get_json(url: str, timeout: float = 2.0) -> Any:
    """GET a JSON document; raises OSError/ValueError on failure."""
    from streams.access import client_headers, configured_token

    req = urllib.request.Request(url, headers={"Accept": "application/json", **client_headers(configured_token())})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def normalise_alerts(data: Any) -> list[dict[str, Any]]:
    items = data if isinstance(data, list) else (data or {}).get("alerts", []) if isinstance(data, dict) else []
    return [a for a in items if isinstance(a, dict)]


def format_alert(a: dict[str, Any]) -> str:
    ids = [str(i) for i in a.get("event_ids") or []]
    window = a.get("window")
    where = {"all": "all-time", "event": "single event"}.get(str(window), f"{window} {a.get('window_start') or ''}".strip())
    metric = str(a.get("metric", ""))
    return (f"ALERT [{a.get('severity', '?')}] {a.get('rule', '?')}: {a.get('province', '?')} "
            f"{metric or '?'} ({a.get('kind', '?')}, {where}) = {format_number(a.get('value'), metric)} "
            f">= {format_number(a.get('threshold'), metric)}" + (f"  events: {', '.join(ids[:3])}" if ids else ""))


def get_text(url: str, timeout: float = 2.0) -> str:
    from streams.access import client_headers, configured_token

    req = urllib.request.Request(url, headers=client_headers(configured_token()))
    with urllib.request.urlopen(req, timeout=timeout) as resp:
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
