"""The processes behind `seizurewatch up`: an embedded broker (unless one is configured),
the topics, one worker subprocess, and a temp dir — and taking all of it down again.

Everything is started inside one ``contextlib.ExitStack`` so that whatever got started is
stopped in reverse order on every exit path (success, Ctrl-C, SIGTERM, a worker that
dies at start-up), and no process, port or directory is left behind.
"""
from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.lifetime import die_with_parent
from streams.live_view import get_json
from streams.settings import ENV_PREFIX, Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARENT = REPO_ROOT
THRESHOLDS_NAME = "thresholds.example.yaml"


class StartupError(RuntimeError):
    """The worker (or broker) did not come up; ``log_tail`` holds its last log lines."""

    def __init__(self, message: str, log_tail: str = "") -> None:
        super().__init__(message)
        self.log_tail = log_tail


@dataclass
class Stack:
    broker_url: str
    broker_pid: int | None
    embedded: bool
    web_url: str
    worker_pid: int
    temp_dir: Path
    log_path: Path
    settings: Settings
    process: subprocess.Popen[bytes]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Nothing listens on it (SO_REUSEADDR like a server: TIME_WAIT leftovers do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def find_thresholds() -> Path | None:
    """The configured rules file, else the repo's example, else a packaged copy."""
    configured = os.environ.get(f"{ENV_PREFIX}THRESHOLDS_FILE")
    if configured:
        return Path(configured).resolve()  # the worker runs in another directory
    for candidate in (Path.cwd() / "deploy" / THRESHOLDS_NAME, REPO_ROOT / "deploy" / THRESHOLDS_NAME):
        if candidate.is_file():
            return candidate
    packaged = sorted(Path(__file__).resolve().parent.rglob(THRESHOLDS_NAME))
    return packaged[0] if packaged else None


ERROR_LINE = re.compile(r"\b(\w+Error|\w+Exception|Traceback|CRITICAL|ERROR)\b")


def log_tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log, preceded by its error lines: faust logs a long, calm shutdown
    after the exception that matters, which would otherwise push it out of the tail."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    tail = text[-lines:]
    errors = [line for line in text[:-lines] if ERROR_LINE.search(line)][-10:]
    return "\n".join([*errors, "...", *tail] if errors else tail)


def _broker_pid(broker: Any) -> int | None:
    """The embedded broker's process id, whatever the attribute is called."""
    for name in ("pid", "process", "proc", "_proc", "_process", "popen", "_popen"):
        value = getattr(broker, name, None)
        if isinstance(value, int):
            return value
        if getattr(value, "pid", None) is not None:
            return int(value.pid)
    return None


@contextlib.contextmanager
def _embedded_broker() -> Iterator[tuple[str, int | None]]:
    from streams.broker import BrokerError, EmbeddedBroker

    broker = EmbeddedBroker()
    try:
        broker.start()
    except BrokerError as err:
        raise StartupError(f"the embedded broker did not start: {err}") from err
    try:
        yield str(broker.url), _broker_pid(broker)
    finally:
        broker.stop()


def _ensure_topics(settings: Settings) -> None:
    from streams.topics import ensure_topics

    result = ensure_topics(settings)
    if inspect.isawaitable(result):
        asyncio.run(result)  # type: ignore[arg-type]


def _stop_process(proc: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM the worker's process group (faust shuts down cleanly on it), then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # whatever is left in the group (the worker's own children) goes too
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def _answers(web_url: str) -> bool:
    """Ready = /api/health says ``ready`` (joined its group, tables recovered); a worker
    without a health view counts as ready once /api/provinces answers."""
    try:
        health = get_json(f"{web_url}/api/health", timeout=1.0)
        return bool(health.get("ready")) if isinstance(health, dict) and "ready" in health else True
    except urllib.error.HTTPError as err:
        if err.code != 404:
            return False
    except (OSError, ValueError):
        return False
    try:
        get_json(f"{web_url}/api/provinces", timeout=1.0)
        return True
    except (OSError, ValueError):
        return False


def _wait_ready(proc: subprocess.Popen[bytes], web_url: str, log_path: Path, timeout: float) -> None:
    """Until the worker says it is ready; a worker that exits or never gets ready is a StartupError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            raise StartupError(f"the worker exited with code {code} during start-up", log_tail(log_path))
        if _answers(web_url) and proc.poll() is None:
            return
        time.sleep(0.3)
    raise StartupError(f"the worker did not answer on {web_url} within {timeout:.0f} s", log_tail(log_path))


def _shield_cleanup_from_sigint(stack: contextlib.ExitStack) -> None:
    """A second Ctrl-C must not cut the teardown short and leave the broker running.

    Call first with a fresh stack (registers the restore, which runs last) and again
    after the last process started (registers the ignore, which runs first).
    """
    if threading.current_thread() is not threading.main_thread():
        return
    if not getattr(stack, "_sigint_restore", False):
        stack.callback(signal.signal, signal.SIGINT, signal.getsignal(signal.SIGINT))
        stack._sigint_restore = True  # type: ignore[attr-defined]
    else:
        stack.callback(signal.signal, signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def local_stack(web_port: int | None = None, start_timeout: float = 90.0,
                report: Callable[[str], None] = lambda line: None) -> Iterator[Stack]:
    """Broker (embedded unless SEIZUREWATCH_BROKER is set), topics and one worker, torn down on exit.

    ``report`` gets one line per thing started, as soon as it is started, so that a caller
    (and a test) knows every pid, port and directory even when start-up fails half-way.
    """
    with contextlib.ExitStack() as stack:
        _shield_cleanup_from_sigint(stack)
        temp_dir = Path(tempfile.mkdtemp(prefix="seizurewatch-up-"))
        stack.callback(shutil.rmtree, temp_dir, ignore_errors=True)
        report(f"temp dir:  {temp_dir}")

        configured = os.environ.get(f"{ENV_PREFIX}BROKER")
        if configured:
            broker_url, broker_pid = configured, None
        else:
            broker_url, broker_pid = stack.enter_context(_embedded_broker())
        report(f"broker:    {broker_url} " + (f"(embedded, pid {broker_pid})" if not configured
                                             else "(configured by SEIZUREWATCH_BROKER)"))

        if web_port is None:
            explicit = os.environ.get(f"{ENV_PREFIX}WEB_PORT")
            web_port = int(explicit) if explicit else (6066 if port_is_free(6066) else free_port())
        settings = Settings(broker=broker_url, web_port=web_port, web_host="127.0.0.1",
                            data_dir=temp_dir / "data", thresholds_file=find_thresholds())
        _ensure_topics(settings)

        env = {**os.environ,
               f"{ENV_PREFIX}BROKER": broker_url,
               f"{ENV_PREFIX}WEB_HOST": "127.0.0.1",
               f"{ENV_PREFIX}WEB_PORT": str(web_port),
               f"{ENV_PREFIX}DATA_DIR": str(temp_dir / "data"),
               "PYTHONUNBUFFERED": "1",
               # the worker runs in the temp dir (so nothing lands in the caller's folder) and
               # still imports this very package, installed or not
               "PYTHONPATH": os.pathsep.join(p for p in (str(PACKAGE_PARENT), os.environ.get("PYTHONPATH")) if p)}
        if settings.thresholds_file:
            env[f"{ENV_PREFIX}THRESHOLDS_FILE"] = str(settings.thresholds_file)
        if env.get(f"{ENV_PREFIX}CONFIG"):
            env[f"{ENV_PREFIX}CONFIG"] = str(Path(env[f"{ENV_PREFIX}CONFIG"]).resolve())
        log_path = temp_dir / "worker.log"
        log_file = stack.enter_context(open(log_path, "wb"))
        # own session: Ctrl-C in the terminal reaches `up` only, which then stops the worker in order
        # ... and it dies with `up`, however `up` dies (SIGKILL, OOM killer): streams.lifetime
        proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], env=env, cwd=str(temp_dir),
                                stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, preexec_fn=die_with_parent)  # noqa: PLW1509 - prctl only
        stack.callback(_stop_process, proc)
        report(f"worker:    pid {proc.pid}, web port {web_port}, log {log_path}")

        web_url = f"http://127.0.0.1:{web_port}"
        _shield_cleanup_from_sigint(stack)
        _wait_ready(proc, web_url, log_path, start_timeout)
        yield Stack(broker_url=broker_url, broker_pid=broker_pid, embedded=not configured, web_url=web_url,
                    worker_pid=proc.pid, temp_dir=temp_dir, log_path=log_path, settings=settings,
                    process=proc)
