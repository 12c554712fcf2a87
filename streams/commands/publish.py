"""``seizurewatch publish PATH...``: send items to the items topic, keyed by item id.

Inputs: ``.json`` files (one item, e.g. an annotated corpus item, or a JSON array of
items), ``.jsonl`` files (one item per line), ``.txt`` files (the text of one news item;
id = the file name without extension, title = the first line), folders (every such file
inside, recursively, in name order) and ``-`` (JSON Lines on stdin).

Every record is checked locally with the worker's own parser (streams.ingest) first; a
record that the worker would dead-letter is refused with a one-line error and not sent.
``--raw`` sends the bytes as they are (whole file, or each line of a .jsonl / stdin),
which is how the DLQ is tested. Progress goes to stderr (tqdm), then a summary line.

Exit codes: 0 everything sent, 1 some records refused or a send failed, 2 usage error
(e.g. a path that does not exist).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streams.commands import user_doc

SUFFIXES = (".json", ".jsonl", ".txt")


@dataclass
class Record:
    origin: str          # file[:line], for error messages
    payload: bytes
    key: bytes | None = None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("publish", help="publish items (.json, .jsonl, .txt, folders, - for stdin)",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for JSON Lines on stdin")
    p.add_argument("--rate", type=float, default=0.0, metavar="N", help="messages per second (0 = as fast as possible)")
    p.add_argument("--raw", action="store_true", help="send bytes as they are, without local checks")
    p.add_argument("--topic", default=None, help="target topic (default SEIZUREWATCH_ITEMS_TOPIC)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _text_item(path: Path) -> bytes:
    text = path.read_text(encoding="utf-8")
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), None)
    return json.dumps({"id": path.stem, "type": "news", "title": first, "text": text}, ensure_ascii=False).encode()


def expand(paths: list[str]) -> Iterator[Path | str]:
    for p in paths:
        if p == "-":
            yield "-"
            continue
        path = Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*") if f.is_file() and f.suffix in SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise FileNotFoundError(p)


def records(source: Path | str, raw: bool) -> Iterator[Record]:
    """The records of one input, as bytes; ``raw`` keeps the bytes exactly as read."""
    if source == "-":
        for n, line in enumerate(sys.stdin.buffer, 1):
            if line.strip() or raw:
                yield Record(f"<stdin>:{n}", line.rstrip(b"\r\n"))
        return
    assert isinstance(source, Path)
    data = source.read_bytes()
    if source.suffix == ".jsonl":
        for n, line in enumerate(data.splitlines(), 1):
            if line.strip() or raw:
                yield Record(f"{source}:{n}", line)
    elif source.suffix == ".txt" and not raw:
        yield Record(str(source), _text_item(source))
    elif source.suffix == ".json" and not raw and data.lstrip()[:1] == b"[":
        try:
            items = json.loads(data)
        except ValueError:
            yield Record(str(source), data)
            return
        for n, obj in enumerate(items):
            yield Record(f"{source}[{n}]", json.dumps(obj, ensure_ascii=False).encode())
    else:
        yield Record(str(source), data)


def run(args: argparse.Namespace) -> int:
    from streams.cli import report_missing
    from streams.settings import Settings

    if (code := report_missing("publish", args.paths)) is not None:
        return code
    settings = Settings()
    sources = list(expand(args.paths))
    return asyncio.run(_publish(settings, sources, args))


async def _publish(settings: object, sources: list[Path | str], args: argparse.Namespace) -> int:
    from aiokafka import AIOKafkaProducer
    from tqdm import tqdm

    from streams.ingest import parse_payload

    topic = args.topic or settings.items_topic  # type: ignore[attr-defined]
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers,  # type: ignore[attr-defined]
                                max_request_size=settings.max_message_bytes, linger_ms=5)  # type: ignore[attr-defined]
    try:
        await producer.start()
    except Exception as exc:
        print(f"seizurewatch publish: cannot reach {settings.broker}: {exc}", file=sys.stderr)  # type: ignore[attr-defined]
        return 1
    sent = refused = failed = 0
    pending: list[asyncio.Future] = []
    interval = 1.0 / args.rate if args.rate and args.rate > 0 else 0.0
    next_at = time.monotonic()
    bar = tqdm(unit="msg", file=sys.stderr, disable=args.quiet or None, desc=f"publish → {topic}")
    try:
        for source in sources:
            for rec in records(source, args.raw):
                if not args.raw:
                    parsed = parse_payload(rec.payload, settings)  # type: ignore[arg-type]
                    if parsed.item is None:
                        refused += 1
                        first = parsed.error.splitlines()[0] if parsed.error else ""
                        tqdm.write(f"refused {rec.origin}: {parsed.reason}: {first[:200]}", file=sys.stderr)
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
