"""The ``seizurewatch`` command: a thin dispatcher over ``streams.commands.*``.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds
its parser and sets ``func(args) -> int`` (the exit code).

Exit codes: 0 success, 1 some inputs refused or a runtime failure, 2 usage error.
"""
from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = ("up", "extract", "schemas", "worker", "publish", "tables", "alerts", "dlq")
"""Subcommand modules under streams.commands, in --help order."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seizurewatch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"streams.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
