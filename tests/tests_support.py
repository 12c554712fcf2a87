"""Small helpers shared by tests (import as ``tests_support``; tests/ is on sys.path via rootdir conftest)."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from conftest import settings_env as settings_env_for  # noqa: F401


def wait_until(cond: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if cond():
                return
        except Exception as exc:  # noqa: BLE001
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"condition not met within {timeout}s (last error: {last!r})")


def alive(pid: int) -> bool:
    """True if the pid runs (a zombie counts as gone: it holds no port and no CPU)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
