"""``seizurewatch health``: is a worker ready? For container healthchecks and scripts.

Asks ``GET /api/health`` of the worker (``--url``, default
http://SEIZUREWATCH_WEB_HOST:SEIZUREWATCH_WEB_PORT) and prints its answer on one line.
Ready means: joined its consumer group, its tables recovered, not rebalancing.

Exit codes: 0 ready, 1 not ready or not answering, 2 usage error.
"""
from __future__ import annotations

import argparse
import json

from streams.commands import user_doc
from streams.commands.tables import base_url, fetch


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("health", help="exit 0 when a worker is ready (healthchecks, scripts)",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default=None, help="worker base URL (default http://SEIZUREWATCH_WEB_HOST:WEB_PORT)")
    p.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS", help="HTTP timeout (default 3)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    doc = fetch("health", base_url(args.url), "/api/health", timeout=args.timeout)
    if doc is None:
        return 1
    ready = isinstance(doc, dict) and doc.get("ready") is True
    print(("ready " if ready else "not ready ") + json.dumps(doc, ensure_ascii=False, sort_keys=True))
    return 0 if ready else 1
