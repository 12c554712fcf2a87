"""Cheap necessary conditions tried before a regex: most sentences hold none of a rare cue's words.

A regex search tries its whole pattern at every character of the span it is given; a gate built
from the words the pattern cannot match without (``words_gate``) is one literal scan, which ``re``
runs by skipping to the words' first letters. Every gate is built from the same word table as its
pattern (``words_pattern``), so it never says no where the pattern would have matched: the gated
search returns exactly what the search returns (tests/test_gates.py).
"""
from __future__ import annotations

import re
from collections.abc import Iterable


def words_pattern(words: Iterable[str]) -> str:
    """A non-capturing alternation of literal ``words``, in the order given (the first that matches wins)."""
    return "(?:" + "|".join(re.escape(w) for w in words) + ")"


def words_gate(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of ``words``: ``gate.search(text, start, end)`` says whether one occurs there."""
    return re.compile("|".join(re.escape(w) for w in words))


def gated_search(rx: re.Pattern[str], gate: re.Pattern[str], text: str, start: int = 0,
                 end: int | None = None) -> re.Match[str] | None:
    """``rx.search(text, start, end)`` for a pattern none of whose matches lacks a word of ``gate``."""
    stop = len(text) if end is None else end
    return rx.search(text, start, stop) if gate.search(text, start, stop) is not None else None


def matches_from(rx: re.Pattern[str], first: re.Pattern[str], text: str, start: int = 0,
                 end: int | None = None) -> list[re.Match[str]]:
    """``list(rx.finditer(text, start, end))`` for a pattern every match of which begins with a character
    ``first`` finds (a one-character class): ``rx`` is tried only where such a character stands, not at
    every character of the span (the same matches, left to right, not overlapping)."""
    stop = len(text) if end is None else end
    out: list[re.Match[str]] = []
    pos = start
    for c in first.finditer(text, start, stop):
        at = c.start()
        if at >= pos and (m := rx.match(text, at, stop)) is not None:
            out.append(m)
            pos = m.end()
    return out
