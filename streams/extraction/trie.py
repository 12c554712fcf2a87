"""A regex alternation of many literal words, factored into a trie.

Python's ``re`` tries the branches of ``(?:methamphetamine|meth|ma túy|...)`` one by one at
every position; the same words as a trie (``m(?:a túy|eth(?:amphetamine)?)``) fail after one
or two characters. Used for the vocabulary scanners built from the lexicon's tables.
"""
from __future__ import annotations

import re


def trie_pattern(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """A non-capturing pattern matching exactly the given literal words (longest first at each branch)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _pattern(trie)


def _pattern(node: dict) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?"
    return body
