"""Cheap necessary conditions tried before a regex: most sentences hold none of a rare cue's words.

A regex search tries its pattern at every character of the span it is given; ``str.find`` for
the words the pattern cannot match without runs at machine speed. A gate is always built from
the same word table as its pattern (``words_pattern``), so it never says no where the pattern
would have matched: the gated search returns exactly what the search returns.
"""
from __future__ import annotations

import re
from collections.abc import Iterable


def words_pattern(words: Iterable[str]) -> str:
    """A non-capturing alternation of literal ``words``, in the order given (the first that matches wins)."""
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


def holds(text: str, words: Iterable[str], start: int = 0, end: int | None = None) -> bool:
    """One of ``words`` occurs in ``text[start:end]`` (no slice is made)."""
    stop = len(text) if end is None else end
    return any(text.find(w, start, stop) != -1 for w in words)


def gated_search(rx: re.Pattern[str], words: tuple[str, ...], text: str, start: int = 0,
                 end: int | None = None) -> re.Match[str] | None:
    """``rx.search(text, start, end)`` for a pattern none of whose matches lacks one of ``words``."""
    stop = len(text) if end is None else end
    return rx.search(text, start, stop) if holds(text, words, start, stop) else None
