"""``seizurewatch schemas``: write (or --check) the JSON Schemas generated from the models."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from schemas.export import JSON_DIR, stale_schemas, write_schemas


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schemas", help="write the JSON Schemas of every wire model")
    p.add_argument("--out", type=Path, default=JSON_DIR, help=f"target folder (default {JSON_DIR})")
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
