"""``seizurewatch publish PATH...``: send items to the items topic, keyed by item id.

Inputs: ``.json`` files (one item, e.g. an annotated corpus item, or a JSON array of
items), ``.jsonl`` files (one item per line), ``.txt`` files (the text of one news item;
id = the file name without extension, title = the first non-empty line), folders (every
such file inside, recursively, in name order) and ``-`` (JSON Lines on stdin, or one text).
Files are read by the same reader as ``extract`` (streams.item_reader).

Every record is checked locally with the worker's own reader first (its date check uses
today's date); a record that the worker would dead-letter is refused with a one-line
error (file, reason, problem) and not sent.
``--raw`` sends the bytes as they are (whole file, or each line of a .jsonl / stdin),
which is how the DLQ is tested. Progress goes to stderr (tqdm), then a summary line.

Exit codes: 0 everything sent, 1 some records refused or a send failed, 2 usage error
(e.g. a path that does not exist).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from streams.commands import user_doc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="publish items (.json, .jsonl, .txt, folders, - for stdin)",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for JSON Lines on stdin")
    p.add_argument("--rate", type=float, default=0.0, metavar="N", help="messages per second (0 = as fast as possible)")
    p.add_argument("--raw", action="store_true", help="send bytes as they are, without local checks")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for .txt inputs")
    p.add_argument("--topic", default=None, help="target topic (default SEIZUREWATCH_ITEMS_TOPIC)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from streams.cli import report_missing
    from streams.item_reader import expand
    from streams.settings import load_settings

    if (code := report_missing("publish", args.paths)) is not None:
        return code
    settings = load_settings()
    return asyncio.run(_publish(settings, list(expand(args.paths)), args))


async def _publish(settings: object, sources: list[str], args: argparse.Namespace) -> int:
    from aiokafka import AIOKafkaProducer
    from tqdm import tqdm

    from streams.item_reader import read_item, records

    topic = args.topic or settings.items_topic  # type: ignore[attr-defined]
    from streams.kafka_security import client_options

    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers,  # type: ignore[attr-defined]
                                **client_options(settings),  # type: ignore[arg-type]
                                max_request_size=settings.max_message_bytes, linger_ms=5)  # type: ignore[attr-defined]
    try:
        await producer.start()
    except Exception as exc:
        print(f"seizurewatch publish: cannot reach {settings.broker}: {exc}", file=sys.stderr)  # type: ignore[attr-defined]
        await producer.stop()  # a half-started producer still holds its client: closed, without a warning
        return 1
    sent = refused = failed = 0
    pending: list[asyncio.Future] = []
    interval = 1.0 / args.rate if args.rate and args.rate > 0 else 0.0
    next_at = time.monotonic()
    bar = tqdm(unit="msg", file=sys.stderr, disable=args.quiet or None, desc=f"publish → {topic}")
    try:
        today = dt.date.today()
        for source in sources:
            for rec in records(source, raw=args.raw, published=args.published):
                if rec.problem is not None:
                    refused += 1
                    tqdm.write(f"refused {rec.origin}: {rec.problem}", file=sys.stderr)
                    continue
                if not args.raw:
                    parsed = read_item(rec.payload, settings, today=today)  # type: ignore[arg-type]
                    if parsed.item is None:
                        refused += 1
                        tqdm.write(f"refused {rec.origin}: {parsed.reason}: {parsed.summary[:200]}", file=sys.stderr)
                        continue
                    rec.key = parsed.item.id.encode()
                if interval:
                    delay = next_at - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    next_at = max(next_at + interval, time.monotonic() - interval)
                try:
                    pending.append(await producer.send(topic, rec.payload, key=rec.key))
                except Exception as exc:
                    failed += 1
                    tqdm.write(f"failed {rec.origin}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    continue
                sent += 1
                bar.update(1)
                if len(pending) >= 500:
                    failed += await _settle(pending)
        failed += await _settle(pending)
    finally:
        bar.close()
        await producer.stop()
    sent -= failed
    print(f"sent {sent}, refused {refused}, failed {failed} → {topic}", file=sys.stderr)
    return 1 if (refused or failed) else 0


async def _settle(pending: list[asyncio.Future]) -> int:
    results = await asyncio.gather(*pending, return_exceptions=True)
    pending.clear()
    errors = [r for r in results if isinstance(r, BaseException)]
    for e in errors[:5]:
        print(f"send failed: {type(e).__name__}: {e}", file=sys.stderr)
    return len(errors)
