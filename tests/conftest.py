"""Shared fixtures: one real broker per test session, isolated settings, a real worker process.

Fixtures (names are a contract: tests/test_dashboard_browser.py uses ``broker`` and
``running_worker``):

``broker`` (session)
    a started ``streams.broker.EmbeddedBroker`` (Tansu). Use ``broker.url``
    ("kafka://127.0.0.1:PORT", for Settings / SEIZUREWATCH_BROKER) and
    ``broker.bootstrap`` ("127.0.0.1:PORT", for aiokafka). Stopped and reaped at the end.

``settings_factory`` (session)
    ``settings_factory(**overrides) -> Settings``: every call gives a unique ``app_id``
    AND unique topic names (so workers of different tests on the one broker never see
    each other's messages), a free ``web_port``, a fresh ``data_dir``, low session /
    rebalance timeouts, 2 partitions, and ``deploy/thresholds.example.yaml`` as rules.
    Worker logs are at WARNING; set SW_TEST_LOG_LEVEL=INFO to see faust's.
    It does not create topics; ``await streams.topics.ensure_topics(settings)`` does.

``start_worker`` (session)
    ``start_worker(settings) -> WorkerProcess``: runs ``python -m streams.cli worker`` with
    the settings as SEIZUREWATCH_* environment variables and waits until
    ``GET /api/health`` says ready (joined the group, tables recovered). ``.stop()`` /
    ``.kill()``; every worker started this way is stopped at session end.

``running_worker`` (module)
    ``(settings, base_url)`` for one worker started with ``start_worker`` on fresh
    settings, topics created; ``base_url`` is "http://127.0.0.1:PORT" (the worker's web
    server: /api/..., /metrics, and the static page at /). Publish items to
    ``settings.items_topic`` on ``settings.bootstrap_servers``. Stopped after the module.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.broker import EmbeddedBroker, free_port
from streams.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_RULES = ROOT / "deploy" / "thresholds.example.yaml"


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    log = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log) as b:
        yield b


@pytest.fixture(scope="session")
def settings_factory(broker: EmbeddedBroker, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Settings]:
    def make(**overrides: object) -> Settings:
        tag = uuid.uuid4().hex[:8]
        values: dict[str, object] = dict(
            broker=broker.url,
            app_id=f"sw-test-{tag}",
            items_topic=f"seizure-items-{tag}",
            events_topic=f"seizure-events-{tag}",
            busts_topic=f"seizure-busts-{tag}",
            alerts_topic=f"seizure-alerts-{tag}",
            dlq_topic=f"seizure-items-dlq-{tag}",
            alerts_dlq_topic=f"seizure-alerts-dlq-{tag}",
            partitions=2,
            web_host="127.0.0.1",
            web_port=free_port(),
            data_dir=tmp_path_factory.mktemp(f"worker-{tag}"),
            # Tansu delays every join by about session_timeout / 2 (shared/notes/broker.md)
            broker_session_timeout=6.0,
            broker_rebalance_timeout=10.0,
            commit_interval=0.5,
            thresholds_file=EXAMPLE_RULES if EXAMPLE_RULES.exists() else None,
            log_level=os.environ.get("SW_TEST_LOG_LEVEL", "WARNING"),
        )
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as SEIZUREWATCH_* variables (what a worker subprocess reads)."""
    from pydantic import SecretStr

    env = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        secret = getattr(settings, name)
        if isinstance(secret, SecretStr):  # dumped as '**********'
            value = secret.get_secret_value()
        env[f"SEIZUREWATCH_{name.upper()}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def http_json(url: str, timeout: float = 5.0) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read().decode("utf-8"))


class WorkerProcess:
    """A ``seizurewatch worker`` subprocess bound to one Settings."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.base_url = f"http://{settings.web_host}:{settings.web_port}"
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if not k.startswith("SEIZUREWATCH_")}
        env.update(settings_env(settings))
        env["PYTHONUNBUFFERED"] = "1"
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], cwd=ROOT, env=env,
                                     stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def health(self) -> dict | None:
        try:
            data = http_json(f"{self.base_url}/api/health", timeout=2)
        except Exception:
            return None
        return data if isinstance(data, dict) else None

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}:\n{self.log_tail()}")
            h = self.health()
            if h and h.get("ready"):
                return
            time.sleep(0.3)
        raise TimeoutError(f"worker not ready after {timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def kill(self) -> None:
        """Hard kill (no clean leave): simulates a crash."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture(scope="session")
def start_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(settings: Settings, *, wait: bool = True, timeout: float = 90.0) -> WorkerProcess:
        log = tmp_path_factory.mktemp("worker-log") / f"{settings.app_id}-{settings.web_port}.log"
        w = WorkerProcess(settings, log)
        started.append(w)
        if wait:
            w.wait_ready(timeout)
        return w

    yield start
    for w in started:
        w.stop()


def create_topics(settings: Settings) -> None:
    from streams.topics import ensure_topics

    asyncio.run(ensure_topics(settings))


@pytest.fixture(scope="module")
def running_worker(settings_factory: Callable[..., Settings],
                   start_worker: Callable[..., WorkerProcess]) -> Iterator[tuple[Settings, str]]:
    settings = settings_factory()
    create_topics(settings)
    worker = start_worker(settings)
    try:
        yield settings, worker.base_url
    finally:
        worker.stop()
