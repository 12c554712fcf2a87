"""CLI conventions of ``seizurewatch``: --version, the usage of the subcommand on an unknown flag,
the same exit code for the same problem, and the README's command table true to the parsers."""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from streams.cli import COMMANDS, EXIT_USAGE, build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "SEIZUREWATCH_BROKER": "kafka://127.0.0.1:9"}  # nothing listens on port 9
    return subprocess.run([sys.executable, "-m", "streams.cli", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def subparsers(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """'dlq list' -> its parser, for every (nested) subcommand."""
    out = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                out[full] = sub
                out.update(subparsers(sub, full))
    return out


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for a in parser._actions for o in a.option_strings}


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0 and re.fullmatch(r"seizurewatch \d+\.\d+\.\d+\S*\n", proc.stdout)


@pytest.mark.parametrize("argv, usage", [
    (["publish", "--bogus", "x.json"], "usage: seizurewatch publish"),
    (["tables", "--no-such-flag"], "usage: seizurewatch tables"),
    (["dlq", "list", "--bogus"], "usage: seizurewatch dlq list"),
    (["up", "--rate", "fast"], "usage: seizurewatch up"),
])
def test_an_unknown_flag_prints_the_usage_of_its_subcommand(argv: list[str], usage: str) -> None:
    proc = run(*argv)
    assert proc.returncode == EXIT_USAGE
    assert proc.stderr.startswith(usage), proc.stderr
    assert "seizurewatch " + argv[0] in proc.stderr.splitlines()[-1]


@pytest.mark.parametrize("command", ["publish", "extract"])
def test_a_missing_input_path_is_a_usage_error_in_every_command(command: str, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    proc = run(command, str(missing))
    assert proc.returncode == EXIT_USAGE
    assert proc.stderr.strip() == f"seizurewatch {command}: no such file or folder: {missing}"


def test_a_worker_that_does_not_answer_is_exit_1_for_every_http_command() -> None:
    for command in ("tables", "health"):
        proc = run(command, "--url", "http://127.0.0.1:9")
        assert proc.returncode == 1, (command, proc.stderr)
        assert proc.stderr.startswith(f"seizurewatch {command}: http://127.0.0.1:9"), proc.stderr


def test_every_subcommand_has_user_facing_help() -> None:
    subs = subparsers(build_parser())
    assert set(COMMANDS) <= set(subs)
    for name, parser in subs.items():
        text = parser.format_help()
        assert "``" not in text, f"{name}: reStructuredText in --help"
        assert parser.description, f"{name} has no description"
        for action in parser._actions:
            if action.option_strings and action.dest != "help":
                assert action.help, f"{name} {action.option_strings[0]} has no help text"


def readme_commands() -> dict[str, set[str]]:
    """The README's command table: 'dlq list' -> the flags it shows."""
    text = README.read_text(encoding="utf-8")
    table = text.split("| command | what it does |", 1)[1].split("\n\n", 1)[0]
    out: dict[str, set[str]] = {}
    for cell in re.findall(r"^\| (.+?) \| ", table, re.MULTILINE):
        for code in re.findall(r"`([^`]+)`", cell):
            words = code.split()
            name = words[1] if words[0] == "seizurewatch" else words[0]
            if name == "dlq" and len(words) > 2 and not words[2].startswith(("-", "[")):
                name = f"dlq {words[2]}"
            elif words[0] == "dlq":
                name = f"dlq {words[1]}"
            out.setdefault(name, set()).update(re.findall(r"--[a-z-]+", code))
    return out


def test_readme_command_table_matches_the_parsers() -> None:
    subs = subparsers(build_parser())
    documented = readme_commands()
    top = {n for n in subs if " " not in n}
    assert {n.split()[0] for n in documented} == top, "README command table vs COMMANDS"
    for name, flags in documented.items():
        assert name in subs, f"README names `{name}`, which is no command"
        unknown = flags - options(subs[name])
        assert not unknown, f"README shows {sorted(unknown)} for `{name}`, which its --help does not have"
