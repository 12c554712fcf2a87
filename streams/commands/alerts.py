"""``seizurewatch alerts``: follow the alerts topic and print each alert on one line.

Reads from the beginning (``--from-beginning``, default) or only new alerts (``--new``),
deduplicated by ``alert_id`` (at-least-once delivery can repeat one). ``--json`` prints
the records as JSON Lines. Stops after ``--timeout`` seconds without a new alert when
given, else runs until Ctrl-C.

Exit codes: 0 clean stop, 1 the broker is unreachable, 2 usage error.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from streams.commands import user_doc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("alerts", help="follow the alerts topic", description=user_doc(__doc__),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--from-beginning", dest="new", action="store_false", default=False,
                   help="every alert still on the topic, then the new ones (default)")
    g.add_argument("--new", dest="new", action="store_true", help="only alerts published from now on")
    p.add_argument("--json", action="store_true", help="print JSON Lines")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                   help="stop after this long without a new alert")
    p.set_defaults(func=run)


def format_alert(a: object) -> str:
    w = f"{a.window}" + (f" {a.window_start}..{a.window_end}" if a.window_start else "")  # type: ignore[attr-defined]
    return (f"{a.fired_at:%Y-%m-%d %H:%M:%S} [{a.severity}] {a.rule}: {a.province} {a.kind} "  # type: ignore[attr-defined]
            f"{a.metric}={a.value:g} >= {a.threshold:g} ({w}; {len(a.event_ids)} events)")  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_follow(args))
    except KeyboardInterrupt:
        return 0


async def _follow(args: argparse.Namespace) -> int:
    from aiokafka import AIOKafkaConsumer
    from pydantic import ValidationError

    from schemas.alerts import Alert
    from streams.settings import load_settings

    s = load_settings()
    from streams.kafka_security import client_options

    consumer = AIOKafkaConsumer(s.alerts_topic, bootstrap_servers=s.bootstrap_servers, **client_options(s),
                                group_id=None, auto_offset_reset="latest" if args.new else "earliest",
                                client_id=f"seizurewatch-alerts-{uuid.uuid4().hex[:6]}")
    try:
        await consumer.start()
    except Exception as exc:
        print(f"seizurewatch alerts: cannot reach {s.broker}: {exc}", file=sys.stderr)
        return 1
    seen: set[str] = set()
    try:
        while True:
            batch = await consumer.getmany(timeout_ms=int((args.timeout or 1.0) * 1000))
            if not batch and args.timeout is not None:
                return 0
            for msgs in batch.values():
                for m in msgs:
                    try:
                        a = Alert.model_validate_json(m.value)
                    except ValidationError as exc:
                        print(f"unreadable alert at {m.partition}:{m.offset}: {exc}", file=sys.stderr)
                        continue
                    if a.alert_id in seen:
                        continue
                    seen.add(a.alert_id)
                    print(a.model_dump_json() if args.json else format_alert(a), flush=True)
    finally:
        await consumer.stop()
