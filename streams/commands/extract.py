"""``seizurewatch extract PATH...``: items in, one JSON line per item out.

Inputs: corpus items (``.json``; gold fields ignored), JSON Lines of items (``.jsonl``),
plain text (``.txt``: the whole file is one article, its name the id), folders of those,
and ``-`` for standard input (JSON Lines, or text if it is not JSON).
Bad input gets one line on stderr naming the file and the problem; the other inputs are
still processed and the exit code is 1. A path that does not exist is a usage error (exit 2,
nothing is processed), as in every command.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas.items import NewsItem, ReportItem, parse_item
from streams.commands import user_doc
from streams.extraction import extract


class InputError(Exception):
    """An input that cannot become an item; the message names the problem."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract seizure events from items or text files (JSON Lines out)",
                       description=user_doc(__doc__), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help=".json, .jsonl, .txt files, folders, or - for stdin")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date for .txt inputs")
    p.add_argument("--pretty", action="store_true", help="indent the JSON output")
    p.set_defaults(func=run)


def _expand(paths: list[str]) -> Iterator[str]:
    for raw in paths:
        p = Path(raw)
        if raw != "-" and p.is_dir():
            yield from sorted(str(f) for f in p.rglob("*") if f.suffix in (".json", ".jsonl", ".txt") and f.is_file())
        else:
            yield raw


def _validate(data: Any, where: str) -> NewsItem | ReportItem:
    try:
        return parse_item(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ())) or "item"
        raise InputError(f"{where}: invalid item: {loc}: {first.get('msg')}") from None


def _text_item(text: str, item_id: str, published: str | None) -> NewsItem | ReportItem:
    return _validate({"id": item_id, "text": text, "published": published}, item_id)


def read_items(path: str, published: str | None = None) -> Iterator[NewsItem | ReportItem | InputError]:
    """Items of one input path; problems are yielded as InputError so the caller can go on."""
    name = "<stdin>" if path == "-" else path
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        yield InputError(f"{name}: cannot read: {exc.strerror or exc}")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield InputError(f"{name}: not valid UTF-8 (byte {exc.start})")
        return
    if path.endswith(".txt"):
        yield _guard(_text_item, text, Path(path).stem, published)
        return
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            yield InputError(f"{name}: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
            return
        for i, obj in enumerate(data if isinstance(data, list) else [data]):
            yield _guard(_validate, obj, name if not isinstance(data, list) else f"{name}[{i}]")
        return
    lines = [ln for ln in text.splitlines()]
    if path == "-" and lines and not lines[0].lstrip().startswith("{"):
        yield _guard(_text_item, text, "stdin", published)
        return
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(f"{name}:{n}: invalid JSON: {exc.msg}")
            continue
        yield _guard(_validate, obj, f"{name}:{n}")


def _guard(make: Callable[..., NewsItem | ReportItem], *args: Any) -> NewsItem | ReportItem | InputError:
    """``make(*args)``, or the InputError it raised, so that one bad input does not end the stream."""
    try:
        return make(*args)
    except InputError as exc:
        return exc


def run(args: argparse.Namespace) -> int:
    from streams.cli import report_missing

    if (code := report_missing("extract", args.paths)) is not None:
        return code
    failures = 0
    out = sys.stdout
    for path in _expand(args.paths):
        for item in read_items(path, args.published):
            if isinstance(item, InputError):
                print(f"seizurewatch extract: {item}", file=sys.stderr)
                failures += 1
                continue
            try:
                events = extract(item)
            except Exception as exc:  # noqa: BLE001 - an extractor bug must not stop the batch
                print(f"seizurewatch extract: {path}: {item.id}: extraction failed: {exc!r}", file=sys.stderr)
                failures += 1
                continue
            row = {"id": item.id, "events": [e.model_dump(mode="json") for e in events]}
            out.write(json.dumps(row, ensure_ascii=False, indent=2 if args.pretty else None) + "\n")
    out.flush()
    return 1 if failures else 0
