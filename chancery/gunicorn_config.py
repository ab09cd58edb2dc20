"""gunicorn hooks for ``chancery serve`` (loaded with ``--config python:chancery.gunicorn_config``).

A worker dies with its master: after a ``kill -9`` of the master its workers would
otherwise live on, keep the port and make the next ``chancery serve`` give up
("Connection in use"). On Linux each worker asks the kernel for SIGKILL when its parent
dies (``PR_SET_PDEATHSIG``), so the port is free again at once. (Elsewhere gunicorn's own
check, a worker noticing its parent changed, remains; ``SO_REUSEPORT`` is not used, so
that starting a second server on a port in use still fails loudly.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def post_fork(server, worker) -> None:
    if _die_with_parent() and os.getppid() != server.pid:
        # The master died between the fork and the prctl: nobody will signal us.
        os._exit(0)
