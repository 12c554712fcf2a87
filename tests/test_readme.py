"""The README stays true: its configuration table is the one the Settings model generates,
and its two first commands are the ones CI and newcomers run."""
from __future__ import annotations

from pathlib import Path

from streams.settings_doc import README, readme_with_table

ROOT = Path(__file__).resolve().parents[1]


def test_configuration_table_matches_the_settings_model() -> None:
    text = README.read_text(encoding="utf-8")
    assert readme_with_table(text) == text, "run `python -m streams.settings_doc --write`"


def test_first_lines_give_the_two_commands() -> None:
    first = README.read_text(encoding="utf-8").split("```", 2)[1]
    assert "make run" in first and "make test" in first
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_shows_a_dashboard_screenshot_that_exists() -> None:
    import re

    text = README.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)
    assert "docs/dashboard.png" in images
    assert (ROOT / "docs" / "dashboard.png").stat().st_size > 50_000
