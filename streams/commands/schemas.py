"""``seizurewatch schemas``: write (or ``--check``) the JSON Schemas generated from the wire models.

One file per wire format (items, events, alerts, dead letters) in ``schemas/json/``, generated
from the pydantic models: never edit them by hand. ``--check`` writes nothing and exits 1
when a file is stale (CI runs it).

Exit codes: 0 written (or up to date), 1 stale files found by ``--check``, 2 usage error.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemas.export import JSON_DIR, stale_schemas, write_schemas
from streams.commands import user_doc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schemas", help="write the JSON Schemas of every wire model",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=JSON_DIR, metavar="DIR",
                   help="target folder (default: schemas/json of the package)")
    p.add_argument("--check", action="store_true", help="exit 1 if the files are stale, write nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_schemas(args.out)
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas(args.out):
        print(path)
    return 0
