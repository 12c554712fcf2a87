"""``seizurewatch worker``: run the streaming service against SEIZUREWATCH_BROKER.

Creates the missing topics first, then reads items, extracts their seizure events, keeps
the per-province tables, fires the alert rules and serves the API, /metrics and the
dashboard on SEIZUREWATCH_WEB_HOST:SEIZUREWATCH_WEB_PORT. Every setting is a
SEIZUREWATCH_* variable (see the README's configuration table). Stops cleanly on
SIGINT / SIGTERM, and within SEIZUREWATCH_SHUTDOWN_TIMEOUT seconds in any case (e.g. with
the broker gone); SIGUSR2 writes every thread's stack to the log.

Exit codes: 0 clean stop, 1 startup failure (broker unreachable, bad rules), 2 usage error
or bad settings (one line per problem: unknown names with the nearest valid one, values of
the wrong type, a missing SEIZUREWATCH_CONFIG file).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys

from pydantic import ValidationError

from streams.commands import user_doc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="run the streaming service (settings from SEIZUREWATCH_* variables)",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--web-port", type=int, metavar="PORT", help="override SEIZUREWATCH_WEB_PORT")
    p.add_argument("--thresholds", metavar="FILE", help="override SEIZUREWATCH_THRESHOLDS_FILE (YAML alert rules)")
    p.add_argument("--no-create-topics", action="store_true", help="do not create missing topics")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from streams.settings import load_settings

    overrides: dict[str, object] = {}
    if args.web_port:
        overrides["web_port"] = args.web_port
    if args.thresholds:
        overrides["thresholds_file"] = args.thresholds
    settings = load_settings(**overrides)  # a ConfigError: one line per problem, exit 2 (streams.cli)
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if not args.no_create_topics:
        from streams.topics import ensure_topics

        try:
            loop.run_until_complete(ensure_topics(settings))
        except Exception as exc:
            print(f"seizurewatch worker: cannot create topics on {settings.broker}: {exc} (is a broker running there? "
                  "set SEIZUREWATCH_BROKER, or try `seizurewatch up`, which starts an embedded one)", file=sys.stderr)
            return 1
    try:
        from streams.app import create_app

        app = create_app(settings)
    except (ValidationError, OSError, ValueError) as exc:
        print(f"seizurewatch worker: {exc}", file=sys.stderr)
        return 1

    from streams.supervision import SupervisedWorker

    # a deadline on shutdown, SIGUSR2 stack dumps, rate-limited library logs (streams.supervision)
    worker = SupervisedWorker(app, loop=loop, loglevel=settings.log_level.upper(), redirect_stdouts=False,
                              shutdown_timeout=settings.shutdown_timeout)
    # faust's start-up spinner sets the root logger to DEBUG (its handler spins on every record), so
    # every debug call of faust and aiokafka built and dispatched a record: ~5% of the worker's loop
    worker.spinner = None
    gc.freeze()  # modules, settings, the app: for life; the collector walks only what comes later
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m streams.commands.worker``: the worker alone (does not load the other subcommands)."""
    parser = argparse.ArgumentParser(prog="seizurewatch")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["worker", *(sys.argv[1:] if argv is None else argv)])
    from streams.cli import report_config_error
    from streams.settings import ConfigError

    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        return report_config_error(exc)


if __name__ == "__main__":
    sys.exit(main())
