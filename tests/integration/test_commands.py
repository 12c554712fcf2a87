"""The operator commands (publish, tables, alerts, dlq) against ``running_worker``.

Run in-process with the worker's settings as SEIZUREWATCH_* variables, exactly what an
operator's shell would hold. Expectations come from the worker's own API and extract().
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import pytest
from corpus_support import CORPUS
from tests_support import settings_env_for, wait_until

pytestmark = pytest.mark.integration

DEV = sorted((CORPUS / "dev").glob("*.json"))


def cli(module: str, *argv: str) -> int:
    import importlib

    parser = argparse.ArgumentParser(prog="seizurewatch")
    importlib.import_module(f"streams.commands.{module}").register(parser.add_subparsers(dest="command"))
    args = parser.parse_args([module, *argv])
    return int(args.func(args) or 0)


@pytest.fixture()
def env(running_worker: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    settings, base_url = running_worker
    for k, v in settings_env_for(settings).items():
        monkeypatch.setenv(k, v)
    return settings, base_url


def test_publish_tables_alerts_dlq(env: tuple[Any, str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _, base_url = env
    assert DEV, f"no corpus under {CORPUS}"
    good = tmp_path / "items.jsonl"
    good.write_text("\n".join(json.dumps({"id": f"r{i}", "type": "report", "province": "Sơn La",
                                          "date": f"2023-06-0{i + 1}", "cases": 1, "suspects": 2})
                              for i in range(3)) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "bad", "text": ""}', encoding="utf-8")
    text = tmp_path / "tin-1.txt"
    text.write_text("Thu giữ ma túy\nCông an tỉnh Sơn La bắt 1 đối tượng.", encoding="utf-8")

    # locally invalid files are refused, the rest is sent
    assert cli("publish", "-q", str(good), str(bad), str(text), *map(str, DEV[:3])) == 1
    err = capsys.readouterr().err
    assert "refused" in err and "schema_violation" in err and "sent 7, refused 1" in err
    # --raw sends it anyway: it must land in the DLQ
    assert cli("publish", "-q", "--raw", str(bad)) == 0

    import urllib.request

    def consumed() -> float:
        text = urllib.request.urlopen(f"{base_url}/metrics", timeout=5).read().decode()
        return sum(float(ln.rpartition(" ")[2]) for ln in text.splitlines()
                   if ln.startswith("seizurewatch_items_consumed_total{"))

    wait_until(lambda: consumed() >= 8, 60)
    wait_until(lambda: cli("tables", "--json") == 0 and "Sơn La" in capsys.readouterr().out, 30)
    assert cli("tables") == 0
    out = capsys.readouterr().out
    assert "Sơn La" in out and "province" in out
    # the same table as `seizurewatch up` draws (one module: streams.terminal_table)
    from streams.terminal_table import normalise_provinces, render_table

    doc = json.loads(urllib.request.urlopen(f"{base_url}/api/provinces", timeout=5).read())
    assert render_table(normalise_provinces(doc), max_rows=60) in out

    assert cli("dlq", "list") == 0
    out = capsys.readouterr().out
    assert "schema_violation" in out and "bad" in out

    before = consumed()
    assert cli("dlq", "replay", "--reason", "schema_violation") == 0
    assert "replayed 1" in capsys.readouterr().err
    wait_until(lambda: consumed() >= before + 1, 30)

    assert cli("alerts", "--timeout", "2") == 0  # prints what fired (maybe nothing), then stops
    started = time.monotonic()
    assert time.monotonic() - started < 10


def test_web_serves_page_metrics_and_404s(running_worker: tuple[Any, str]) -> None:
    import urllib.error
    import urllib.request

    _, base_url = running_worker
    page = urllib.request.urlopen(f"{base_url}/", timeout=5)
    assert page.headers.get_content_type() == "text/html" and b"<html" in page.read()
    metrics = urllib.request.urlopen(f"{base_url}/metrics", timeout=5).read().decode()
    assert "seizurewatch_build_info{" in metrics and "seizurewatch_faust_messages_received" in metrics
    for path in ("/api/provinces/Nowhere", "/api/events/ev-unknown"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{base_url}{path}", timeout=5)
        assert err.value.code == 404
    health = json.loads(urllib.request.urlopen(f"{base_url}/api/health", timeout=5).read())
    assert health["ready"] is True
