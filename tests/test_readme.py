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


def test_every_test_the_guarantees_name_exists() -> None:
    """Each sentence of the README's Guarantees section names the test that holds it to account
    (issue 10): a renamed or removed test must not leave a guarantee without its proof."""
    import re

    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Guarantees\n", 1)[1].split("\n## ", 1)[0]
    refs = re.findall(r"`((?:tests/)?[\w/]*test_\w+\.py)(?:::(\w+))?`", section)
    assert len(refs) >= 10, refs
    files = {p.relative_to(ROOT).as_posix(): p for p in (ROOT / "tests").rglob("test_*.py")}
    for path, name in refs:
        found = [p for rel, p in files.items() if rel == path or rel.endswith("/" + path)]
        assert found, f"the Guarantees section names {path}, which does not exist"
        if name:
            assert any(re.search(rf"^(async )?def {name}\(", p.read_text(encoding="utf-8"), re.MULTILINE)
                       for p in found), f"the Guarantees section names {path}::{name}, which does not exist"
