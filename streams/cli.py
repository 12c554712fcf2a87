"""The ``seizurewatch`` command: a thin dispatcher over ``streams.commands.*``.

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds
its parser and sets ``func(args) -> int`` (the exit code).

Exit codes, the same for the same problem in every subcommand:

- ``0`` success;
- ``1`` the work ran and something failed: some input refused, a send failed, the broker
  or the worker did not answer, a worker that is not ready (``health``);
- ``2`` usage error, nothing was done: an unknown flag or a bad value (the subcommand's
  usage is printed), a path that does not exist;
- ``130`` interrupted (Ctrl-C) where a command has no clean stop of its own.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterable
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

COMMANDS = ("up", "worker", "publish", "extract", "tables", "export", "alerts", "dlq", "health", "schemas")
"""Subcommand modules under streams.commands, in --help order."""


def version() -> str:
    from streams.metrics import version as package_version

    return package_version()


def missing_paths(paths: Iterable[str]) -> list[str]:
    """The input paths that do not exist (``-`` is standard input): a usage error in every command."""
    return [p for p in paths if p != "-" and not Path(p).exists()]


def report_missing(command: str, paths: Iterable[str]) -> int | None:
    """Print one line per missing path and return EXIT_USAGE, or None when all exist."""
    missing = missing_paths(paths)
    for p in missing:
        print(f"seizurewatch {command}: no such file or folder: {p}", file=sys.stderr)
    return EXIT_USAGE if missing else None


def _subparsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return [p for a in actions for p in dict.fromkeys(a.choices.values())]


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Every (sub)subparser records itself, so that an unknown flag prints *its* usage."""
    for sub in _subparsers(parser):
        sub.set_defaults(_parser=sub)
        _remember_parsers(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seizurewatch", description="Drug-seizure reports in Vietnamese press in, events, "
        "per-province tables and alerts out. `seizurewatch COMMAND --help` explains each command.",
        epilog="exit codes: 0 success, 1 something failed (details on stderr), 2 usage error, "
               "130 interrupted")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"streams.commands.{name}").register(sub)
    _remember_parsers(parser)
    return parser


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Like ``parse_args``, but an unknown flag is reported with the usage of the subcommand it was given to."""
    args, extras = parser.parse_known_args(argv)
    if extras:
        getattr(args, "_parser", parser).error(f"unrecognized arguments: {' '.join(extras)}")
    return args


def report_config_error(exc: Exception) -> int:
    """A configuration problem: one line each on stderr, exit code 2 (like every usage error)."""
    for line in getattr(exc, "problems", None) or str(exc).splitlines():
        print(f"seizurewatch: {line}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    from streams.settings import ConfigError

    args = parse(build_parser(), argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        return report_config_error(exc)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
