"""``ServeSettings``: the limits and addresses of ``khulasa serve``, validated once (no FastAPI import)."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass

from khulasa.errors import InvalidOptionsError

MEGABYTE = 1024 * 1024
DRAIN_FACTOR = 10
SETTINGS_ENV = "KHULASA_SERVE_SETTINGS"
"""``ServeSettings`` as JSON, for the app and the connection layer in every uvicorn worker process."""


@dataclass(frozen=True)
class ServeSettings:
    """Where to listen, how much one request may ask for, and how long a connection may hold the server.

    ``max_body_mb`` bounds the request body (checked on Content-Length and while it streams);
    ``max_articles`` and ``max_words`` (words over all articles, as ``normalize.count_words`` counts
    them) bound the work of one request; ``timeout_seconds`` is the wall time a request may wait for
    and use the summarizer (queueing included) before it gets 503.  ``threads`` is the size of each
    worker process's pool.

    Per connection (``khulasa.serve.protocol``): a request line and headers must arrive within
    ``header_timeout_seconds`` of the connection opening or of the previous answer; an idle connection
    closes after ``keep_alive_seconds``; a worker keeps at most ``max_connections`` open (a new one
    past that replaces the one that has waited longest for its request, or gets 503), and the kernel
    queues at most ``backlog`` more.  After an early answer (413 or a refused request) the rest of the
    body is read and dropped, up to ``DRAIN_FACTOR`` times the body limit, so every client reads the
    answer.  The error log lets through ``log_max_lines`` lines of one kind per
    ``log_interval_seconds`` and counts the rest.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_mb: float = 5.0
    max_articles: int = 500
    max_words: int = 300_000
    timeout_seconds: float = 30.0
    threads: int = 2
    header_timeout_seconds: float = 10.0
    keep_alive_seconds: int = 5
    max_connections: int = 1000
    backlog: int = 128
    log_max_lines: int = 20
    log_interval_seconds: float = 60.0

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise InvalidOptionsError("port", self.port, "must be between 0 and 65535")
        for name in ("workers", "max_articles", "max_words", "threads", "keep_alive_seconds",
                     "max_connections", "backlog", "log_max_lines"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidOptionsError(name, value, "must be a whole number of at least 1")
        for name in ("max_body_mb", "timeout_seconds", "header_timeout_seconds", "log_interval_seconds"):
            value = getattr(self, name)
            if (isinstance(value, bool) or not isinstance(value, int | float) or not value > 0
                    or not math.isfinite(value)):
                raise InvalidOptionsError(name, value, "must be a positive number")

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * MEGABYTE)

    @property
    def max_drain_bytes(self) -> int:
        """The most bytes read and dropped after an early answer, so the client gets to read it."""
        return DRAIN_FACTOR * self.max_body_bytes

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeSettings:
        return cls(**json.loads(text))

    @classmethod
    def from_env(cls) -> ServeSettings:
        """The settings ``khulasa serve`` passed to this worker process (the defaults when run otherwise)."""
        raw = os.environ.get(SETTINGS_ENV)
        return cls.from_json(raw) if raw else cls()
