"""``seizurewatch dlq list|replay``: inspect dead letters, replay their original bytes.

``list`` prints one line per dead letter (partition:offset, reason, item id, size, error),
optionally filtered by ``--reason``; ``--json`` prints the records. ``replay`` sends the
original bytes of the selected dead letters back to the items topic (keyed as before),
e.g. after an extractor fix; replaying twice is harmless for the tables (event ids are
deterministic). Truncated payloads (``payload_truncated``) are never replayed. Both read
the DLQ from the beginning up to its current end and stop.

Exit codes: 0 done, 1 broker unreachable or a send failed, 2 usage error.
"""
from __future__ import annotations

import argparse
import asyncio
import sys

from streams.commands import user_doc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dlq", help="inspect or replay dead letters", description=user_doc(__doc__),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    for verb, help_ in (("list", "print the dead letters, one line each (partition:offset, reason, item, size, error)"),
                        ("replay", "send their original bytes back to the items topic, e.g. after a fix")):
        v = verbs.add_parser(verb, help=help_, description=help_[0].upper() + help_[1:] + ".")
        v.add_argument("--reason", action="append", default=None, metavar="REASON",
                       help="only this reason, e.g. schema_violation (repeatable)")
        v.add_argument("--limit", type=int, default=None, metavar="N", help="at most N records")
        if verb == "list":
            v.add_argument("--json", action="store_true", help="print JSON Lines")
        else:
            v.add_argument("--dry-run", action="store_true", help="show what would be replayed")
        v.set_defaults(func=run)


async def read_dead_letters(settings: object) -> list[tuple[object, object]]:
    """Every (message, DeadLetter) on the DLQ, from the beginning to the current end."""
    from pydantic import ValidationError

    from schemas.dead_letter import DeadLetter
    from streams.topic_reader import read_to_end

    out = []
    for m in await read_to_end(settings, settings.dlq_topic, client="dlq"):  # type: ignore[attr-defined]
        try:
            out.append((m, DeadLetter.model_validate_json(m.value)))
        except ValidationError as exc:
            print(f"unreadable dead letter at {m.partition}:{m.offset}: {exc}", file=sys.stderr)
    return out


def run(args: argparse.Namespace) -> int:
    from streams.settings import load_settings

    try:
        return asyncio.run(_run(load_settings(), args))
    except KeyboardInterrupt:
        return 130


async def _run(settings: object, args: argparse.Namespace) -> int:
    try:
        letters = await read_dead_letters(settings)
    except Exception as exc:
        print(f"seizurewatch dlq: cannot read {settings.dlq_topic}: {exc}", file=sys.stderr)  # type: ignore[attr-defined]
        return 1
    if args.reason:
        letters = [(m, d) for m, d in letters if d.reason in args.reason]  # type: ignore[attr-defined]
    if args.limit is not None:
        letters = letters[: args.limit]
    if args.verb == "list":
        for m, d in letters:
            if args.json:
                print(d.model_dump_json())  # type: ignore[attr-defined]
            else:
                err = d.error.splitlines()[0][:120] if d.error else ""  # type: ignore[attr-defined]
                print(f"{m.partition}:{m.offset}\t{d.reason}\t{d.item_id or '-'}\t{d.payload_size}B\t{err}")  # type: ignore[attr-defined]
        print(f"{len(letters)} dead letters", file=sys.stderr)
        return 0
    return await _replay(settings, letters, args.dry_run)


async def _replay(settings: object, letters: list, dry_run: bool) -> int:
    from aiokafka import AIOKafkaProducer

    todo = [(m, d) for m, d in letters if not d.payload_truncated]
    skipped = len(letters) - len(todo)
    if dry_run:
        for m, d in todo:
            print(f"would replay {m.partition}:{m.offset} {d.reason} {d.item_id or '-'}")
        print(f"{len(todo)} to replay, {skipped} truncated skipped", file=sys.stderr)
        return 0
    from streams.kafka_security import client_options

    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers,  # type: ignore[attr-defined]
                                **client_options(settings),  # type: ignore[arg-type]
                                max_request_size=settings.max_message_bytes)  # type: ignore[attr-defined]
    await producer.start()
    failed = 0
    try:
        futs = [await producer.send(settings.items_topic, d.original_bytes(), key=m.key) for m, d in todo]  # type: ignore[attr-defined]
        for r in await asyncio.gather(*futs, return_exceptions=True):
            failed += isinstance(r, BaseException)
    finally:
        await producer.stop()
    print(f"replayed {len(todo) - failed}, failed {failed}, truncated skipped {skipped} → "
          f"{settings.items_topic}", file=sys.stderr)  # type: ignore[attr-defined]
    return 1 if failed else 0
