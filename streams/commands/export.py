"""``seizurewatch export DATASET``: events or province totals of a running worker as a file.

DATASET is `events` (one row per report's event: its figures, place, dates, source, the
evidence text of every figure and the bust it belongs to), `busts` (one row per
real-world seizure, counted once, with how many reports and which sources told it) or
`provinces` (one row per area and kind: the provinces, then the areas that are not
provinces, apart by `area_type`). Formats:
`csv` (UTF-8, opens in pandas and spreadsheets), `jsonl`, `parquet`. The same files are
served by the worker as `GET /api/export/DATASET?format=...&since=...&province=...`;
the columns are listed in the README. Estimated masses (counted units converted with
the `mass_estimate_kg` setting) are separate columns, never added to measured kg.

Exit codes: 0 written, 1 the worker did not answer or refused the request, 2 usage error.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from streams.commands import user_doc
from streams.commands.tables import base_url


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="download events, busts or area totals as CSV, JSON Lines or Parquet",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dataset", choices=("events", "busts", "provinces"), help="what to export")
    p.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="csv", help="file format (default csv)")
    p.add_argument("--since", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                   help="events or busts dated on or after this day")
    p.add_argument("--province", default=None, metavar="NAME", help="one province (old or post-2025 name)")
    p.add_argument("--output", "-o", type=Path, default=None, metavar="FILE",
                   help="write here (default: standard output; parquet needs a file)")
    p.add_argument("--url", default=None, help="worker base URL (default http://SEIZUREWATCH_WEB_HOST:WEB_PORT)")
    p.set_defaults(func=run, _parser=p)


def run(args: argparse.Namespace) -> int:
    if args.format == "parquet" and args.output is None and sys.stdout.isatty():
        args._parser.error("parquet is binary: give --output FILE")
    query = {"format": args.format}
    if args.since:
        query["since"] = args.since.isoformat()
    if args.province:
        query["province"] = args.province
    url = f"{base_url(args.url)}/api/export/{args.dataset}?{urllib.parse.urlencode(query)}"
    try:
        from streams.access import client_headers, configured_token

        request = urllib.request.Request(url, headers=client_headers(configured_token()))
        with urllib.request.urlopen(request, timeout=300) as resp:
            body, rows = resp.read(), resp.headers.get("X-Rows", "?")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", errors="replace")[:300]
        print(f"seizurewatch export: {url}: HTTP {exc.code}: {detail}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"seizurewatch export: {base_url(args.url)} does not answer: {exc}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
    else:
        args.output.write_bytes(body)
    print(f"{rows} rows of {args.dataset} ({args.format}, {len(body):,} bytes)"
          + (f" → {args.output}" if args.output else ""), file=sys.stderr)
    return 0
