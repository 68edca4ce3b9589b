"""The processes of a run: a worker pool that dies with its parent, and stopping a stream on a signal.

``worker_pool`` serves the embedded engine's two passes and a stream's batches (features in, summaries
out, in tasks of ``FEATURE_CHUNK`` articles and at least ``STORY_CHUNK_ARTICLES`` articles).  Its workers
end when the main process ends, even by SIGKILL, and leave SIGINT to the main process.

``GracefulStop`` turns SIGINT and SIGTERM into a request a stream checks between batches (the embedded
``--watch``, stdin and the Spark watch mode), so its open stories are closed and written.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Any

logger = logging.getLogger(__name__)

FEATURE_CHUNK = 64
"""Articles per feature task of the worker pool (amortizes the hand-over between processes)."""
STORY_CHUNK_ARTICLES = 40
"""A summary task of the worker pool takes closed stories until it holds this many articles."""
PARENT_CHECK_SECONDS = 1.0
PR_SET_PDEATHSIG = 1


# --- the worker pool -----------------------------------------------------------------------------------


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that end when this process ends, even by SIGKILL."""
    return ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(os.getpid(),))


@contextlib.contextmanager
def optional_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """A worker pool for the block when ``workers > 1``, else None (work in this process)."""
    pool = worker_pool(workers) if workers > 1 else None
    try:
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(main_pid: int) -> None:
    """In a worker: die with the parent.  On Linux the kernel sends SIGKILL when the parent dies
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and as a fallback, a thread checks the parent every second."""
    # Ctrl-C reaches the whole process group: the main process decides what it means (a stream closes
    # its open stories, which may still need us).  SIGTERM ends a worker, as the pool expects (a handler
    # the main process had set is not ours).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent != main_pid and not _alive(main_pid):
        os._exit(1)  # the main process died before the death signal was armed
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True, name="khulasa-parent-watch").start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- stopping on a signal ------------------------------------------------------------------------------


class StopRequested(Exception):
    """Raised by ``GracefulStop`` inside an ``interruptible`` block (a blocking read or a sleep)."""


class GracefulStop:
    """While active (in the main thread), SIGINT and SIGTERM ask the stream to stop instead of killing it.

    The first signal sets ``requested``: a stream checks it between batches, and a blocking read or a
    sleep inside ``interruptible()`` is cut short with ``StopRequested``.  A second SIGINT is an ordinary
    KeyboardInterrupt (stop now, write nothing).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.requested = False
        self.signal: int | None = None
        self._interruptible = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signal).name if self.signal is not None else ""

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        self.signal = signum
        logger.warning("stopping on %s: closing and writing the open stories", signal.Signals(signum).name)
        if self._interruptible:
            raise StopRequested

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        """A block a stop request may cut short (``StopRequested``, caught by the caller)."""
        if self.requested:
            raise StopRequested
        self._interruptible += 1
        try:
            yield
        finally:
            self._interruptible -= 1

    def sleep(self, seconds: float) -> None:
        with contextlib.suppress(StopRequested), self.interruptible():
            time.sleep(seconds)
