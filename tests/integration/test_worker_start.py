"""Starting the worker the way a new user does (issue 10, point 10): an empty folder, no var/."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import http_json, settings_env

from streams.settings import Settings

pytestmark = pytest.mark.integration


def test_worker_starts_in_an_empty_folder(tmp_path: Path, settings_factory: Callable[..., Settings]) -> None:
    """`seizurewatch worker` in a folder without var/ crashed with FileNotFoundError: 'var/seizurewatch'."""
    settings = settings_factory()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
    env.update({k: v for k, v in settings_env(settings).items() if k != "SEIZUREWATCH_DATA_DIR"})
    log = tmp_path.parent / f"{tmp_path.name}-worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], cwd=tmp_path, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline, ready = time.monotonic() + 90, False
            while time.monotonic() < deadline and proc.poll() is None and not ready:
                try:
                    ready = bool(http_json(f"http://127.0.0.1:{settings.web_port}/api/health", timeout=2)["ready"])
                except OSError:
                    time.sleep(0.3)
            assert ready, log.read_text(errors="replace")[-3000:]
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    assert (tmp_path / "var" / "seizurewatch").is_dir()
    assert "Traceback" not in log.read_text(errors="replace")
