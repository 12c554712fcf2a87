"""``seizurewatch tables``: print the per-province totals of a running worker (GET /api/provinces).

The same table as ``seizurewatch up`` shows (streams.terminal_table): one row per province
and kind (incident = busts, each counted once; aggregate = the reported period figures),
counts as integers, masses in kg; then, apart, the areas that are not provinces (abroad,
regions, countries, unknown). ``--province NAME`` prints one province's totals and current windows as JSON.

Exit codes: 0 printed, 1 the worker did not answer (or has no such province), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

from streams.commands import user_doc
from streams.terminal_table import normalise_provinces, render_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tables", help="print the per-province totals of a running worker",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default=None, help="worker base URL (default http://SEIZUREWATCH_WEB_HOST:WEB_PORT)")
    p.add_argument("--kind", choices=("incident", "aggregate", "both"), default="both",
                   help="incident rows, aggregate rows, or both (default)")
    p.add_argument("--metrics", default=None, metavar="M1,M2",
                   help="comma-separated metric columns, e.g. cases,heroin_kg,meth_pills (default: the main ones)")
    p.add_argument("--rows", type=int, default=60, metavar="N", help="at most N rows (default 60)")
    p.add_argument("--province", default=None, metavar="NAME", help="one province: totals and current windows as JSON")
    p.add_argument("--json", action="store_true", help="print the raw JSON document")
    p.set_defaults(func=run)


def base_url(arg: str | None) -> str:
    """``--url`` or the worker's address from the settings."""
    if arg:
        return arg.rstrip("/")
    from streams.settings import load_settings

    s = load_settings()
    return f"http://{s.web_host}:{s.web_port}"


def get_json(url: str, timeout: float = 10.0) -> object:
    from streams.access import client_headers, configured_token

    request = urllib.request.Request(url, headers=client_headers(configured_token()))
    with urllib.request.urlopen(request, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


def fetch(command: str, url: str, path: str, timeout: float = 10.0) -> object | None:
    """GET ``url + path`` as JSON, or print one line naming the problem and return None."""
    try:
        return get_json(f"{url}{path}", timeout=timeout)
    except urllib.error.HTTPError as exc:
        print(f"seizurewatch {command}: {url}{path}: HTTP {exc.code}", file=sys.stderr)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"seizurewatch {command}: {url} does not answer: {exc}", file=sys.stderr)
    return None


def run(args: argparse.Namespace) -> int:
    url = base_url(args.url)
    path = f"/api/provinces/{urllib.parse.quote(args.province)}" if args.province else "/api/provinces"
    doc = fetch("tables", url, path)
    if doc is None:
        return 1
    if args.province or args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    rows = [r for r in normalise_provinces(doc) if args.kind in ("both", r.kind)]
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    print(f"{args.kind if args.kind != 'both' else 'all-time'} totals, "
          f"{len({r.province for r in rows})} provinces ({url})")
    print(render_table(rows, max_rows=args.rows, metrics=metrics))
    try:  # abroad, regions, countries, unknown: apart from the provinces
        areas = get_json(f"{url}/api/areas")
    except (urllib.error.URLError, OSError, ValueError):
        areas = None  # a worker without areas
    others = [r for r in normalise_provinces(areas or {}) if args.kind in ("both", r.kind)]
    if others:
        print(f"\nother areas (not provinces), {len({r.province for r in others})}")
        print(render_table(others, max_rows=args.rows, metrics=metrics))
    return 0
