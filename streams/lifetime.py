"""Child processes die with their parent.

A process started by the service (the embedded broker and the worker under ``up``, the
extractor under a worker) must not outlive the process that started it, whatever ended
that one — Ctrl-C, SIGTERM, SIGKILL, the OOM killer. On Linux the kernel does it: a child
that called ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` is killed when its parent dies. For a
child that is not Python code (the broker binary) the call is made between fork and exec
(``preexec_fn=die_with_parent``; the setting survives exec). Elsewhere this is a no-op and
the orderly stops of ``streams.local_stack`` and ``streams.broker`` remain.
"""
from __future__ import annotations

import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux; no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl: the orderly stops remain
        pass
