"""Configuration as a user meets it (issue 10, point 11): the .env file named by
SEIZUREWATCH_CONFIG is read, and every problem is one line, exit code 2, no traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from streams.settings import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in list(os.environ):
        if var.startswith("SEIZUREWATCH_") and var != "SEIZUREWATCH_SHARED_DIR":
            monkeypatch.delenv(var)


def test_a_dotenv_file_named_by_seizurewatch_config_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / "prod.env"
    env.write_text('# comment\nSEIZUREWATCH_PARTITIONS=7\nSEIZUREWATCH_WEB_PORT="7070"\n'
                   'SEIZUREWATCH_FIGURE_BOUNDS={"incident": {"kg": 500}}\nlog_level=DEBUG\n', encoding="utf-8")
    monkeypatch.setenv("SEIZUREWATCH_CONFIG", str(env))
    monkeypatch.setenv("SEIZUREWATCH_WEB_PORT", "8181")  # the environment beats the file
    s = load_settings()
    assert (s.partitions, s.web_port, s.figure_bounds.incident.kg, s.log_level) == (7, 8181, 500, "DEBUG")
    assert Settings().partitions == 7


def test_yaml_still_works_and_keyword_arguments_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "s.yaml"
    cfg.write_text("partitions: 3\nfigure_bounds:\n  aggregate:\n    kg: 12\n", encoding="utf-8")
    monkeypatch.setenv("SEIZUREWATCH_CONFIG", str(cfg))
    s = load_settings(web_port=9999)
    assert (s.partitions, s.web_port, s.figure_bounds.aggregate.kg) == (3, 9999, 12)


def test_every_problem_is_one_line_naming_its_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "s.yaml"
    cfg.write_text("partitons: 3\nweb_port: eighty\n", encoding="utf-8")
    monkeypatch.setenv("SEIZUREWATCH_CONFIG", str(cfg))
    monkeypatch.setenv("SEIZUREWATCH_COMMIT_INTERVAL", "soon")
    monkeypatch.setenv("SEIZUREWATCH_BROKR", "kafka://x:9092")
    monkeypatch.setenv("SEIZUREWATCH_FIGURE_BOUNDS", "{incident")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert sorted(err.value.problems) == sorted([
        "SEIZUREWATCH_BROKR: unknown setting (did you mean 'broker'?)",
        f"{cfg}: unknown setting 'partitons' (did you mean 'partitions'?)",
        "SEIZUREWATCH_COMMIT_INTERVAL='soon': Input should be a valid number, unable to parse string as a number",
        f"{cfg}: web_port: Input should be a valid integer, unable to parse string as an integer",
        err.value.problems[[p.startswith("SEIZUREWATCH_FIGURE_BOUNDS=") for p in err.value.problems].index(True)],
    ])
    assert any("not valid JSON" in p for p in err.value.problems)


def test_a_missing_config_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEIZUREWATCH_CONFIG", str(tmp_path / "nope.env"))
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert err.value.problems == [f"SEIZUREWATCH_CONFIG={tmp_path / 'nope.env'}: no such file"]


def test_variables_that_are_not_settings_are_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEIZUREWATCH_BROKER_BIN", "/bin/true")
    assert load_settings().partitions == 4


@pytest.mark.parametrize(("command", "env", "expected"), [
    (["worker"], {"SEIZUREWATCH_PARTITIONS": "abc"},
     [("seizurewatch: SEIZUREWATCH_PARTITIONS='abc': Input should be a valid integer, unable to parse string as an "
       "integer")]),
    (["tables"], {"SEIZUREWATCH_CONFIG": "/nonexistent/seizurewatch.yaml"},
     ["seizurewatch: SEIZUREWATCH_CONFIG=/nonexistent/seizurewatch.yaml: no such file"]),
    (["publish", "-"], {"SEIZUREWATCH_WEB_PORTT": "1"},
     ["seizurewatch: SEIZUREWATCH_WEB_PORTT: unknown setting (did you mean 'web_port'?)"]),
])
def test_commands_exit_2_with_one_line_per_problem(command: list[str], env: dict[str, str],
                                                    expected: list[str], tmp_path: Path) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
    proc = subprocess.run([sys.executable, "-m", "streams.cli", *command], cwd=tmp_path, env={**base, **env},
                          capture_output=True, text=True, timeout=60, input="", check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == expected
