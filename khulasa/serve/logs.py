"""The server log of ``khulasa serve``: uvicorn's format, with a rate limit on each kind of message.

A flood of one event (a thousand stalled connections timed out, ``accept()`` failing for want of file
descriptors, one bug hit by every request) must not fill the disk: ``RateLimitFilter`` lets through
``lines`` records of one kind per ``interval`` seconds, counts the rest, and when the window ends logs
one line ``suppressed K more messages like '...'``.  A kind is the logger, the level and the first line of
the message template (its ``%s`` arguments left out, so one event from many clients is one kind).
The access log (one line per answered request, on stdout) is not limited: it grows with the work done.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from khulasa.serve.settings import ServeSettings

MAX_KINDS = 1000
"""Windows kept at once; past this, new kinds of one logger and level share one window."""

_VERDICT = "khulasa_rate_verdict"
_SUMMARY = "khulasa_rate_summary"


@dataclass
class _Window:
    start: float
    passed: int = 0
    suppressed: int = 0


class RateLimitFilter(logging.Filter):
    """At most ``lines`` records of each kind per ``interval`` seconds; the rest counted and reported."""

    def __init__(self, lines: int = 20, interval: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 report_to: str = "khulasa.serve") -> None:
        super().__init__()
        self.lines = lines
        self.interval = interval
        self.clock = clock
        self.report_to = report_to
        self._windows: dict[tuple[str, int, str], _Window] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _SUMMARY, False):
            return True
        seen = getattr(record, _VERDICT, None)
        if seen is not None:  # already judged by another handler with this filter
            return bool(seen)
        now = self.clock()
        with self._lock:
            due = self._sweep(now) if now >= self._next_sweep else []
            key = self._key(record)
            window = self._windows.get(key)
            if window is None or now - window.start >= self.interval:
                if window is not None and window.suppressed:
                    due.append((key, window.suppressed))
                window = self._windows[key] = _Window(now)
            verdict = window.passed < self.lines
            if verdict:
                window.passed += 1
            else:
                window.suppressed += 1
        self._report(due)
        setattr(record, _VERDICT, verdict)
        return verdict

    def flush(self) -> None:
        """Report every count not yet reported (at shutdown)."""
        with self._lock:
            due = [(key, w.suppressed) for key, w in self._windows.items() if w.suppressed]
            for window in self._windows.values():
                window.suppressed = 0
        self._report(due)

    def _key(self, record: logging.LogRecord) -> tuple[str, int, str]:
        first_line = str(record.msg).split("\n", 1)[0][:120]
        key = (record.name, record.levelno, first_line)
        if key not in self._windows and len(self._windows) >= MAX_KINDS:
            return (record.name, record.levelno, "*")
        return key

    def _sweep(self, now: float) -> list[tuple[tuple[str, int, str], int]]:
        """Close the windows that have ended: their counts are due, and they no longer take room."""
        self._next_sweep = now + min(1.0, self.interval)
        due = []
        for key, window in list(self._windows.items()):
            if now - window.start >= self.interval:
                if window.suppressed:
                    due.append((key, window.suppressed))
                del self._windows[key]
        return due

    def _report(self, due: list[tuple[tuple[str, int, str], int]]) -> None:
        logger = logging.getLogger(self.report_to)
        for (name, _level, message), count in due:
            logger.warning("suppressed %d more messages like %r from %s (the log keeps %d of a kind per %g s)",
                           count, message, name, self.lines, self.interval, extra={_SUMMARY: True})


def log_config(settings: ServeSettings) -> dict[str, Any]:
    """uvicorn's logging configuration with ``RateLimitFilter`` on the error log, for every worker.

    The root logger (asyncio's errors, the summarizer's) writes through the same handler and filter.
    """
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {
        "rate": {"()": "khulasa.serve.logs.RateLimitFilter", "lines": settings.log_max_lines, "interval": settings.log_interval_seconds},
    }
    config["handlers"]["default"]["filters"] = ["rate"]
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    config["loggers"]["khulasa"] = {"level": "INFO"}
    return config


def flush_suppressed() -> None:
    """Report the counts still held by the rate limits of the server's log handlers."""
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            for log_filter in handler.filters:
                if isinstance(log_filter, RateLimitFilter):
                    log_filter.flush()
