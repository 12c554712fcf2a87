"""One module per ``seizurewatch`` subcommand; each exposes ``register(subparsers)``.

A command's module docstring is also its ``--help`` text (through ``user_doc``), so it is
written for the person typing the command: what it does, its inputs, its exit codes.
"""
from __future__ import annotations

import re


def user_doc(doc: str | None) -> str:
    """A module docstring as --help text: reStructuredText ````literals```` become plain `literals`."""
    return re.sub(r"``([^`]+)``", r"`\1`", doc or "").strip()
