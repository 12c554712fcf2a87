"""``seizurewatch up``: the whole service on this machine in one command, for a first look.

Starts an embedded broker (or uses ``SEIZUREWATCH_BROKER``), the topics and a worker,
publishes the sample items, then shows the live per-province table and the alerts as
they fire until Ctrl-C or ``--duration``. The process work lives in
``streams.local_stack`` and the rendering in ``streams.live_view``; this module only
sequences them and talks to the terminal.

Exit codes: 0 after a clean stop (Ctrl-C, SIGTERM or --duration), 1 when the broker or
the worker does not start or the worker dies, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
import urllib.error
from typing import Any

from streams.live_view import (
    format_alert,
    format_consumed,
    get_json,
    get_text,
    items_consumed,
    normalise_alerts,
    normalise_provinces,
    render_table,
)
from streams.local_stack import Stack, StartupError, local_stack, log_tail
from streams.samples import load_samples, publish_samples, seed_dirs

CLEAR = "\x1b[H\x1b[2J"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("up", help="run broker, worker and sample data locally and watch the tables fill",
                       description="Start a broker (embedded unless SEIZUREWATCH_BROKER is set), the topics and a "
                                   "worker, publish the sample items and show the tables and alerts live, with the "
                                   "addresses of the dashboard and /metrics. Ctrl-C or --duration stops everything. "
                                   "Exit codes: 0 clean stop, 1 the broker or worker did not start or died, "
                                   "2 usage error.")
    p.add_argument("--duration", type=float, default=None, metavar="SECONDS",
                   help="stop after this many seconds (default: until Ctrl-C)")
    p.add_argument("--no-samples", action="store_true", help="do not publish the sample items")
    p.add_argument("--rate", type=float, default=10.0, metavar="N",
                   help="sample items published per second (0 = as fast as possible; default 10)")
    p.add_argument("--web-port", type=int, default=None, metavar="PORT",
                   help="worker web port (default: SEIZUREWATCH_WEB_PORT, else 6066 if free, else any free port)")
    p.add_argument("--start-timeout", type=float, default=90.0, metavar="SECONDS",
                   help="how long to wait for the worker to answer (default 90)")
    p.add_argument("--refresh", type=float, default=1.0, metavar="SECONDS", help="table refresh interval")
    p.set_defaults(func=run)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    if args.duration is not None and args.duration <= 0:
        print("seizurewatch up: --duration must be positive", file=sys.stderr)
        return 2
    from streams.settings import load_settings

    load_settings()  # bad configuration: one line per problem, exit 2, before anything starts
    started = time.monotonic()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with local_stack(web_port=args.web_port, start_timeout=args.start_timeout,
                         report=lambda line: print(line, flush=True)) as stack:
            return _session(stack, args, started)
    except StartupError as err:
        print(f"seizurewatch up: {err}", file=sys.stderr)
        if err.log_tail:
            print("---- last lines of the worker log ----", file=sys.stderr)
            print(err.log_tail, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        print(f"stopped after {time.monotonic() - started:.1f} s: worker and broker stopped, temp dir removed",
              flush=True)


def _session(stack: Stack, args: argparse.Namespace, started: float) -> int:
    """Everything between start-up and shutdown; returns the exit code."""
    broker = f"embedded, pid {stack.broker_pid}" if stack.embedded else "configured by SEIZUREWATCH_BROKER"
    banner = [
        f"broker:    {stack.broker_url} ({broker})",
        f"worker:    pid {stack.worker_pid}, log {stack.log_path}",
        f"dashboard: {stack.web_url}/",
        f"metrics:   {stack.web_url}/metrics",
    ]
    print("\n".join(banner[2:] + [f"worker ready after {time.monotonic() - started:.1f} s"]), flush=True)
    if not args.no_samples:
        samples = load_samples()
        seeds = ", ".join(map(str, seed_dirs())) or "none found"
        print(f"publishing {len(samples)} sample items (packaged dev corpus; seeds: {seeds})", flush=True)
        from streams.kafka_security import client_options

        sent = publish_samples(stack.settings.bootstrap_servers, stack.settings.items_topic, samples, args.rate,
                               options=client_options(stack.settings))
        print(f"published {sent} items to {stack.settings.items_topic}", flush=True)
    banner.append("Ctrl-C to stop" + (f" (or after {args.duration:.0f} s)" if args.duration else ""))
    return _watch(stack, args, started, banner)


def _watch(stack: Stack, args: argparse.Namespace, started: float, banner: list[str]) -> int:
    """Poll the API and show the table and new alerts until the deadline; 1 if the worker dies."""
    tty = sys.stdout.isatty()
    proc = stack.process
    seen_alerts: dict[str, dict[str, Any]] = {}
    last_table = current_table = ""
    last_consumed = format_consumed({})
    last_print = 0.0
    first_province = first_alert = None
    deadline = started + args.duration if args.duration else None
    while deadline is None or time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"seizurewatch up: the worker exited with code {proc.returncode}", file=sys.stderr)
            print(log_tail(stack.log_path), file=sys.stderr)
            return 1
        try:
            rows = normalise_provinces(get_json(f"{stack.web_url}/api/provinces"))
            alerts = normalise_alerts(get_json(f"{stack.web_url}/api/alerts"))
        except (OSError, ValueError, urllib.error.URLError) as err:
            print(f"(api not answering: {err})", file=sys.stderr)
            time.sleep(args.refresh)
            continue
        try:
            consumed = format_consumed(items_consumed(get_text(f"{stack.web_url}/metrics")))
        except (OSError, ValueError):
            consumed = format_consumed({})
        last_consumed = consumed
        elapsed = time.monotonic() - started
        if rows and first_province is None:
            first_province = elapsed
            print(f"first province figures after {elapsed:.1f} s", flush=True)
        new = [a for a in alerts if str(a.get("alert_id") or format_alert(a)) not in seen_alerts]
        for a in sorted(new, key=lambda a: str(a.get("fired_at", ""))):
            seen_alerts[str(a.get("alert_id") or format_alert(a))] = a
            if first_alert is None:
                first_alert = elapsed
                print(f"first alert after {elapsed:.1f} s", flush=True)
            if not tty:
                print(f"[+{elapsed:5.1f}s] {format_alert(a)}", flush=True)
        table = current_table = render_table(rows)
        if tty:
            # fit the screen: banner, counters, headers and up to 10 alerts stay visible
            room = shutil.get_terminal_size((120, 40)).lines - len(banner) - min(len(seen_alerts), 10) - 10
            table = render_table(rows, max_rows=max(5, room))
            recent = [format_alert(a) for a in list(seen_alerts.values())[-10:]]
            sys.stdout.write(CLEAR + "\n".join(banner) + f"\n{consumed}\n\nPROVINCE TOTALS (all-time)\n" + table
                             + "\n\nALERTS (latest last)\n" + ("\n".join(recent) or "(none yet)") + "\n")
            sys.stdout.flush()
        elif table != last_table and time.monotonic() - last_print > 2.0:
            print(f"\nPROVINCE TOTALS (all-time) at +{elapsed:.1f}s, {consumed}\n{table}\n", flush=True)
            last_table, last_print = table, time.monotonic()
        time.sleep(args.refresh)
    if not tty and current_table:
        print(f"\nPROVINCE TOTALS (final)\n{current_table}\n", flush=True)
    print(last_consumed, flush=True)
    never = "never"
    print(f"{len(seen_alerts)} alerts; first province after "
          f"{f'{first_province:.1f} s' if first_province is not None else never}, first alert after "
          f"{f'{first_alert:.1f} s' if first_alert is not None else never}", flush=True)
    return 0
