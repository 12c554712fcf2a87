"""``seizurewatch tables``: print the per-province totals of a running worker (GET /api/provinces).

Exit codes: 0 printed, 1 the worker did not answer, 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_METRICS = ("events", "cases", "suspects", "operations", "kg", "heroin_kg", "meth_crystal_kg",
                   "heroin_bricks", "pills")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tables", help="print per-province totals from a running worker",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default=None, help="worker base URL (default http://SEIZUREWATCH_WEB_HOST:WEB_PORT)")
    p.add_argument("--kind", choices=("incident", "aggregate"), default="incident")
    p.add_argument("--metrics", default=",".join(DEFAULT_METRICS), help="comma-separated metric columns")
    p.add_argument("--province", default=None, help="one province: totals and current windows as JSON")
    p.add_argument("--json", action="store_true", help="print the raw JSON document")
    p.set_defaults(func=run)


def base_url(arg: str | None) -> str:
    if arg:
        return arg.rstrip("/")
    from streams.settings import Settings

    s = Settings()
    return f"http://{s.web_host}:{s.web_port}"


def get_json(url: str, timeout: float = 10.0) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.3f}"


def render(provinces: list[dict], kind: str, metrics: list[str]) -> str:
    rows = [[p["province"], *[_fmt(p.get("totals", {}).get(kind, {}).get(m)) for m in metrics]] for p in provinces]
    head = ["province", *metrics]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths)))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    url = base_url(args.url)
    try:
        if args.province:
            doc = get_json(f"{url}/api/provinces/{urllib.parse.quote(args.province)}")
            print(json.dumps(doc, ensure_ascii=False, indent=2))
            return 0
        doc = get_json(f"{url}/api/provinces")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"seizurewatch tables: {url}: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    provinces = doc.get("provinces", []) if isinstance(doc, dict) else []
    print(f"{args.kind} totals, {len(provinces)} provinces ({url})")
    print(render(provinces, args.kind, [m.strip() for m in args.metrics.split(",") if m.strip()]))
    return 0
