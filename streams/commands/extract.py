"""``seizurewatch extract PATH...``: items in, one JSON line per item out.

Inputs: corpus items (``.json``; gold fields ignored), JSON Lines of items (``.jsonl``),
plain text (``.txt``: the whole file is one article, its name the id, its first
non-empty line the title), folders of those, and ``-`` for standard input (JSON Lines,
or text if it is not JSON). Items are read by the worker's own reader and ingest step
(``streams.item_reader``, ``streams.ingest``), so an input gives here exactly what the
worker would publish for it.
Bad input gets one line on stderr naming the file, the dead-letter reason the worker
would give and the problem; the other inputs are still processed and the exit code is 1.
A path that does not exist is a usage error (exit 2, nothing is processed), as in every
command.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from streams.commands import user_doc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract seizure events from items or text files (JSON Lines out)",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help=".json, .jsonl, .txt files, folders, or - for stdin")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for .txt inputs")
    p.add_argument("--pretty", action="store_true", help="indent the JSON output")
    p.add_argument("--explain", action="store_true",
                   help="instead of JSON, explain every item: lines the page pass skipped, and for each statement "
                        "the sentences used, the figures merged, and why this kind, place and date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from streams.cli import report_missing
    from streams.ingest import decode_and_extract, load_extractor
    from streams.item_reader import expand, records
    from streams.settings import load_settings

    if (code := report_missing("extract", args.paths)) is not None:
        return code
    settings = load_settings()
    extractor = load_extractor(settings.extractor, settings.figure_bounds)
    failures = 0
    out = sys.stdout
    for path in expand(args.paths):
        for rec in records(path, published=args.published):
            if rec.problem is not None:
                print(f"seizurewatch extract: {rec.origin}: {rec.problem}", file=sys.stderr)
                failures += 1
                continue
            if args.explain:
                failures += _explain(rec, settings, out)
                continue
            result = decode_and_extract(rec.payload, settings=settings, topic=rec.origin, extractor=extractor,
                                        now=lambda: dt.datetime.now(dt.UTC))
            if result.dead_letter is not None:
                print(f"seizurewatch extract: {rec.origin}: {result.dead_letter.reason}: {result.summary}",
                      file=sys.stderr)
                failures += 1
                continue
            row = {"id": result.item_id, "events": [e.model_dump(mode="json") for e in result.events]}
            out.write(json.dumps(row, ensure_ascii=False, indent=2 if args.pretty else None) + "\n")
    out.flush()
    return 1 if failures else 0


def _explain(rec: Any, settings: Any, out: Any) -> int:
    """Print why ``extract`` gives what it gives for one input; 1 when the input is no item."""
    from streams.extraction import explain
    from streams.item_reader import read_item

    parsed = read_item(rec.payload, settings, today=dt.date.today())
    if parsed.item is None:
        print(f"seizurewatch extract: {rec.origin}: {parsed.reason}: {parsed.summary}", file=sys.stderr)
        return 1
    out.write(explain(parsed.item) + "\n\n")
    return 0
