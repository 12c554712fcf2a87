"""Bytes -> item: the one reader of items, used by the worker (``streams.ingest``), ``extract`` and ``publish``.

``read_item`` owns the order of checks and the choice of the dead-letter reason, so that
every bad input maps to one stable code (``schemas.dead_letter.DeadLetterReason``) and
the three commands can never disagree about an input. The order is part of the contract:

1. ``too_large``            size > ``settings.max_item_bytes``, checked before decoding anything
2. ``undecodable``          not UTF-8
3. ``invalid_json``         not JSON (also: integers of more than 4300 digits, nesting deeper
                            than ``MAX_DEPTH``, lone surrogate escapes such as ``"\\udfff"``,
                            which no UTF-8 text can hold)
4. ``not_an_object``        JSON, but an array / string / number / null
5. ``unknown_item_type``    ``type`` is neither "news" nor "report"
6. ``schema_violation``     any other validation error of a known field (missing/empty text,
                            wrong types, NaN, negative quantities, dates outside
                            1975..today+2 days by the clock passed in); unknown fields are ignored
7. ``figure_out_of_bounds`` a report figure above ``settings.figure_bounds``

``records`` turns files and standard input into the byte records that ``read_item``
reads, with the one rule for plain text: a ``.txt`` file (or non-JSON stdin) is one news
item whose id is the file name without extension (``stdin``), whose title is its first
non-empty line (the extractor reads the title for the article's province), whose text is
the whole file, and whose publication date is ``--published`` when given.

No faust, no Kafka, no clock of its own (the caller passes ``today``).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas.dead_letter import DeadLetterReason
from schemas.items import NewsItem, ReportItem, parse_item
from streams.settings import Settings

SUFFIXES = (".json", ".jsonl", ".txt")
ERROR_CHARS = 2000
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

MAX_DEPTH = 100
"""Deepest JSON nesting read. Checked before parsing: the parser's own limit is the
interpreter's recursion limit minus the caller's stack depth, so the same bytes could be
invalid JSON in one process and an array in another."""


@dataclass
class Parsed:
    """An item, or the reason it is not one (``error``: full text for a dead letter;
    ``summary``: one line for a terminal)."""

    item: NewsItem | ReportItem | None = None
    reason: DeadLetterReason | None = None
    error: str = ""
    summary: str = ""
    item_id: str | None = None


def short(exc: BaseException) -> str:
    """``Type: message`` cut to ERROR_CHARS (dead letters must stay small)."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= ERROR_CHARS else text[: ERROR_CHARS - 1] + "…"


def _reject_constant(name: str) -> float:
    """json.loads hook for NaN/Infinity: keep them as floats so the models refuse them (schema_violation)."""
    return float(name.replace("Infinity", "inf"))


def _too_deep(text: str) -> bool:
    """True when brackets outside strings nest deeper than MAX_DEPTH (cheap unless there are many)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = deepest = 0
    for ch in _NOT_BRACKET.sub("", _STRING.sub("", text)):
        depth += 1 if ch in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return True
    return False


def _item_id_of(data: Any) -> str | None:
    if isinstance(data, dict):
        value = data.get("id")
        if isinstance(value, str) and value:
            return value[:200]
    return None


def _surrogate_path(data: Any) -> str | None:
    """Where the first string holding a lone surrogate is (keys included), or None. Iterative:
    the decoded document may be as deep as the JSON parser allowed."""
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return path
        elif isinstance(value, dict):
            for k, v in value.items():
                if _SURROGATE.search(k):
                    return f"{path} (a key)"
                stack.append((f"{path}.{k}", v))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in enumerate(value))
    return None


def _validation_problem(exc: ValidationError) -> tuple[DeadLetterReason, str]:
    errors = exc.errors()
    if any(e.get("type") == "unknown_item_type" for e in errors):
        return "unknown_item_type", "unknown item type (expected 'news' or 'report')"
    first = errors[0]
    loc = ".".join(str(x) for x in first.get("loc", ())) or "item"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return "schema_violation", f"{loc}: {first.get('msg')}{more}"


def read_item(raw: bytes, settings: Settings, *, today: dt.date) -> Parsed:
    """Check and decode one payload (steps 1-7 of the module docstring). Never raises on bad bytes."""
    if len(raw) > settings.max_item_bytes:
        error = f"{len(raw)} bytes > max_item_bytes={settings.max_item_bytes}"
        return Parsed(reason="too_large", error=error, summary=error)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Parsed(reason="undecodable", error=short(exc), summary=f"not valid UTF-8 (byte {exc.start})")
    if _too_deep(text):
        error = f"JSON nested deeper than {MAX_DEPTH} levels"
        return Parsed(reason="invalid_json", error=error, summary=error)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return Parsed(reason="invalid_json", error=short(exc),
                      summary=f"{exc.msg} (line {exc.lineno}, column {exc.colno})")
    except (ValueError, RecursionError) as exc:  # 5000-digit integers, nesting past the recursion limit
        return Parsed(reason="invalid_json", error=short(exc), summary=short(exc).splitlines()[0][:200])
    if _SURROGATE_ESCAPE.search(text):
        where = _surrogate_path(data)
        if where is not None:
            error = f"lone surrogate escape in {where[:200]}: not Unicode text"
            return Parsed(reason="invalid_json", error=error, summary=error)
    if not isinstance(data, dict):
        error = f"expected a JSON object, got {type(data).__name__}"
        return Parsed(reason="not_an_object", error=error, summary=error)
    item_id = _item_id_of(data)
    try:
        item = parse_item(data, today=today)
    except ValidationError as exc:
        reason, summary = _validation_problem(exc)
        return Parsed(reason=reason, error=short(exc), summary=summary, item_id=item_id)
    if isinstance(item, ReportItem):
        problems = settings.figure_bounds.violations(item)
        if problems:
            error = "figure out of bounds: " + "; ".join(problems)
            return Parsed(reason="figure_out_of_bounds", error=error[:ERROR_CHARS], summary=problems[0],
                          item_id=item.id)
    return Parsed(item=item, item_id=item.id)


# ---------------------------------------------------------------- files -> records

@dataclass
class Record:
    """One message to read: ``payload`` bytes from ``origin`` (file[:line] or file[index]),
    or ``problem`` when the input could not even become bytes (unreadable, not UTF-8 text)."""

    origin: str
    payload: bytes = b""
    problem: str | None = None
    key: bytes | None = None


def text_item(text: str, item_id: str, published: str | None = None) -> bytes:
    """The one plain-text rule: title = first non-empty line, text = everything (see the module docstring).

    A text of one line has no title: the extractor does not read a headline repeated at the top
    of the text (a scraped page), so a one-line title would leave nothing to read.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    title = lines[0] if len(lines) > 1 else None
    item = {"id": item_id, "type": "news", "title": title, "text": text}
    if published:
        item["published"] = published
    return json.dumps(item, ensure_ascii=False).encode("utf-8")


def expand(paths: list[str]) -> Iterator[str]:
    """Files as given, folders as every .json/.jsonl/.txt file inside (recursively, in name order)."""
    for raw in paths:
        p = Path(raw)
        if raw != "-" and p.is_dir():
            yield from sorted(str(f) for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file())
        else:
            yield raw


def _text_record(origin: str, data: bytes, item_id: str, published: str | None) -> Record:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Record(origin, problem=f"undecodable: not valid UTF-8 (byte {exc.start})")
    return Record(origin, text_item(text, item_id, published))


def records(path: str, *, raw: bool = False, published: str | None = None) -> Iterator[Record]:
    """The records of one input path (``-`` = standard input).

    ``raw`` keeps the bytes exactly as read: the whole file, or each line of a ``.jsonl``
    file or of stdin (how dead-letter handling is tested). Otherwise ``.txt`` becomes a
    news item by the plain-text rule, a ``.json`` array gives one record per element, and
    stdin is JSON Lines when its first non-empty line starts with ``{``, else plain text.
    """
    name = "<stdin>" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        yield Record(name, problem=f"cannot read: {exc.strerror or exc}")
        return
    if path == "-" and not raw:
        first = next((ln for ln in data.splitlines() if ln.strip()), b"")
        if first and not first.lstrip().startswith(b"{"):
            yield _text_record(name, data, "stdin", published)
            return
    if path == "-" or path.endswith(".jsonl"):
        for n, line in enumerate(data.splitlines(), 1):
            if line.strip() or raw:
                yield Record(f"{name}:{n}", line)
        return
    if path.endswith(".txt") and not raw:
        yield _text_record(name, data, Path(path).stem, published)
        return
    if path.endswith(".json") and not raw and data.lstrip()[:1] == b"[":
        try:
            items = json.loads(data)
        except (ValueError, RecursionError):
            items = None
        if isinstance(items, list):
            for n, obj in enumerate(items):
                # ensure_ascii: a lone surrogate stays an escape, so the reader can name it
                yield Record(f"{name}[{n}]", json.dumps(obj).encode("ascii"))
            return
    yield Record(name, data)
