"""`seizurewatch up` end to end, as a newcomer runs it: a subprocess with its own embedded broker.

Asserts what the issue promises: figures and an alert within 60 s, a clean exit, and
nothing left behind (processes by pid, the temp dir, the ports) — also when the worker
cannot start.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests_support import alive

ROOT = Path(__file__).resolve().parents[1]
FIRST_ALERT_BUDGET = 60.0

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
    env.update(extra)
    return env


def _run_up(*args: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    # cwd = the repo, so that ../shared/corpus/seeds is found like `make run` finds it
    return subprocess.run([sys.executable, "-m", "streams.cli", "up", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)



def _port_free(port: int) -> bool:
    """Free for a new server: nothing listens on it. SO_REUSEADDR as every server sets it, so
    that the TIME_WAIT entries a closed server leaves for a minute do not count as busy."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _leftovers(out: str) -> dict[str, object]:
    """Pids, ports and the temp dir that `up` reported starting."""
    found: dict[str, object] = {}
    if m := re.search(r"^temp dir:\s+(\S+)", out, re.MULTILINE):
        found["temp_dir"] = Path(m.group(1))
    if m := re.search(r"^broker:\s+kafka://127\.0\.0\.1:(\d+) \(embedded, pid (\d+|None)\)", out, re.MULTILINE):
        found["broker_port"] = int(m.group(1))
        if m.group(2) != "None":
            found["broker_pid"] = int(m.group(2))
    if m := re.search(r"^worker:\s+pid (\d+), web port (\d+)", out, re.MULTILINE):
        found["worker_pid"], found["web_port"] = int(m.group(1)), int(m.group(2))
    return found


def _assert_nothing_left(found: dict[str, object]) -> None:
    assert "temp_dir" in found and "broker_port" in found, found
    deadline = time.monotonic() + 10  # ports in TIME_WAIT or a slow reaper get a moment
    while time.monotonic() < deadline:
        leftover = [k for k in ("broker_pid", "worker_pid") if k in found and alive(found[k])]  # type: ignore[arg-type]
        busy = [k for k in ("broker_port", "web_port") if k in found and not _port_free(found[k])]  # type: ignore[arg-type]
        if not leftover and not busy:
            break
        time.sleep(0.5)
    assert not leftover, f"still running: {[(k, found[k]) for k in leftover]}"
    assert not busy, f"still bound: {[(k, found[k]) for k in busy]}"
    assert not Path(found["temp_dir"]).exists(), f"temp dir left: {found['temp_dir']}"  # type: ignore[arg-type]


def test_up_shows_provinces_and_an_alert_and_leaves_nothing_behind() -> None:
    web_port = _free_port()
    started = time.monotonic()
    proc = _run_up("--duration", "45", "--rate", "0", "--web-port", str(web_port), env=_env(), timeout=180)
    took = time.monotonic() - started
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]

    tables = re.findall(r"^PROVINCE TOTALS[^\n]*\n(.+?)\n\n", proc.stdout, re.DOTALL | re.MULTILINE)
    assert tables, f"no province table in the output:\n{out[-4000:]}"
    final = tables[-1]
    with_figures = []
    for line in final.splitlines()[2:]:
        cells = re.split(r"\s{2,}", line.strip())
        figures = [c for c in cells[2:] if re.fullmatch(r"[\d,]*[1-9][\d,]*(\.\d+)?|0\.\d*[1-9]\d*", c)]
        if len(cells) > 2 and cells[1] in ("incident", "aggregate") and figures:
            with_figures.append(cells[0])
    assert with_figures, f"no province with figures:\n{final}"

    assert re.search(r"^\[\+\s*[\d.]+s\] ALERT ", proc.stdout, re.MULTILINE), f"no alert shown:\n{out[-4000:]}"
    first = re.search(r"^first alert after ([\d.]+) s", proc.stdout, re.MULTILINE)
    assert first and float(first.group(1)) <= FIRST_ALERT_BUDGET, first and first.group(0)
    assert "dashboard: http://127.0.0.1:" in proc.stdout and "/metrics" in proc.stdout

    _assert_nothing_left(_leftovers(proc.stdout))
    print(f"up ran {took:.1f} s; {first.group(0)}")


def test_worker_that_cannot_start_gives_a_clean_failure() -> None:
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen(1)
    port = squatter.getsockname()[1]
    try:
        proc = _run_up("--duration", "30", "--no-samples", "--web-port", str(port), "--start-timeout", "40",
                       env=_env(), timeout=120)
    finally:
        squatter.close()
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-4000:]
    assert "worker" in proc.stderr and "last lines of the worker log" in proc.stderr, out[-4000:]
    assert "address already in use" in proc.stderr, out[-4000:]
    found = _leftovers(proc.stdout)
    found.pop("web_port", None)  # the squatter held it, not `up`
    _assert_nothing_left(found)


def test_ctrl_c_stops_everything() -> None:
    """Ctrl-C = SIGINT to the terminal's foreground process group (here: a session of its own)."""
    proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "up", "--no-samples",
                             "--web-port", str(_free_port())], cwd=ROOT, env=_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("worker ready after"):
                break
        else:
            raise AssertionError("".join(lines)[-4000:])
        time.sleep(2)
        os.killpg(proc.pid, signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    out = "".join(lines) + rest
    assert proc.returncode == 0, out[-4000:]
    assert "stopped after" in out
    _assert_nothing_left(_leftovers(out))
