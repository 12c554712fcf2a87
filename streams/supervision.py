"""What keeps a worker process well-behaved when the world around it is not.

- **A deadline on shutdown.** With the broker gone, faust's stop waits on commits and
  flushes that cannot happen: SIGTERM used to hang for more than five minutes. On SIGTERM
  or SIGINT the worker starts a clean stop *and* a watchdog thread; if the process is
  still alive ``shutdown_timeout`` seconds later it says so, dumps every thread's stack to
  its log and exits (code 1). Nothing is lost by that: messages whose offsets were not
  committed are delivered again to the next worker.
- **A stack dump on demand.** ``kill -USR2 <pid>`` writes every thread's stack to the log
  (``faulthandler``, works even when the event loop is stuck). mode binds SIGUSR2 to an
  interactive debugger, which a service without a terminal cannot use.
- **Library logs at a bounded rate.** During a broker outage aiokafka and faust log the
  same few lines dozens of times a second. ``RateLimitFilter`` lets each distinct message
  (logger, level, format string) through once per ``interval`` seconds and says how many
  were held back; the worker's own lines (``streams.*``, e.g. ``streams.broker_watch``)
  are never held back.
"""
from __future__ import annotations

import faulthandler
import logging
import os
import signal
import sys
import threading
import time
from typing import Any

from faust import Worker

NOISY = ("aiokafka", "faust", "mode", "kafka")
"""Logger name prefixes whose repeated lines are rate-limited."""


class RateLimitFilter(logging.Filter):
    """Each distinct (logger, level, message format) of the NOISY loggers at most once per ``interval`` s."""

    def __init__(self, interval: float = 30.0, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self.clock = clock
        self._seen: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(NOISY) or record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, str(record.msg))
        now = self.clock()
        last, held = self._seen.get(key, (None, 0))
        if last is not None and now - last < self.interval:
            self._seen[key] = (last, held + 1)
            return False
        self._seen[key] = (now, 0)
        if held:
            record.msg = f"{record.msg} [{held} more like this in the last {now - last:.0f} s not shown]"
        if len(self._seen) > 10_000:  # bounded memory: forget the oldest half
            for k in sorted(self._seen, key=lambda k: self._seen[k][0])[:5_000]:
                del self._seen[k]
        return True


def install_rate_limit(interval: float = 30.0) -> RateLimitFilter:
    """Put one RateLimitFilter on every handler of the root logger (where faust's handlers are)."""
    limiter = RateLimitFilter(interval)
    for handler in logging.getLogger().handlers:
        handler.addFilter(limiter)
    return limiter


class SupervisedWorker(Worker):
    """faust's Worker with a shutdown deadline, a SIGUSR2 stack dump and rate-limited library logs."""

    def __init__(self, *args: Any, shutdown_timeout: float = 10.0, **kwargs: Any) -> None:
        self.shutdown_timeout = shutdown_timeout
        self._deadline_started = False
        super().__init__(*args, **kwargs)

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        super().on_setup_root_logger(logger, level)
        install_rate_limit()

    def _install_signal_handlers_unix(self) -> None:
        super()._install_signal_handlers_unix()
        self.loop.remove_signal_handler(signal.SIGUSR2)
        faulthandler.register(signal.SIGUSR2, file=sys.stderr, all_threads=True)

    def _schedule_shutdown(self, signum: signal.Signals) -> None:
        start_shutdown_deadline(self.shutdown_timeout)
        super()._schedule_shutdown(signum)


_deadline_lock = threading.Lock()
_deadline_thread: threading.Thread | None = None


def start_shutdown_deadline(seconds: float) -> None:
    """From now on the process has ``seconds`` to exit by itself (idempotent)."""
    global _deadline_thread
    with _deadline_lock:
        if _deadline_thread is not None:
            return

        def expire() -> None:
            time.sleep(seconds)
            sys.stderr.write(f"seizurewatch worker: the clean stop did not finish within shutdown_timeout="
                             f"{seconds:g} s (broker unreachable?); exiting now. Messages not yet committed "
                             f"will be delivered again. Where it was stuck:\n")
            sys.stderr.flush()
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            os._exit(1)

        _deadline_thread = threading.Thread(target=expire, name="shutdown-deadline", daemon=True)
        _deadline_thread.start()
