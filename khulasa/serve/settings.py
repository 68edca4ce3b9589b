"""``ServeSettings``: the limits and addresses of ``khulasa serve``, validated once (no FastAPI import)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from khulasa.errors import InvalidOptionsError

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class ServeSettings:
    """Where to listen and how much one request may ask for.

    ``max_body_mb`` bounds the request body (checked on Content-Length and while it streams);
    ``max_articles`` and ``max_words`` (whitespace words over all articles) bound the work of one
    request; ``timeout_seconds`` is the wall time a request may wait for and use the summarizer
    (queueing included) before it gets 503.  ``threads`` is the size of each worker process's pool.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_mb: float = 5.0
    max_articles: int = 500
    max_words: int = 300_000
    timeout_seconds: float = 30.0
    threads: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise InvalidOptionsError("port", self.port, "must be between 0 and 65535")
        for name in ("workers", "max_articles", "max_words", "threads"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidOptionsError(name, value, "must be a whole number of at least 1")
        for name in ("max_body_mb", "timeout_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise InvalidOptionsError(name, value, "must be a positive number")

    @property
    def max_body_bytes(self) -> int:
        return int(self.max_body_mb * MEGABYTE)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> ServeSettings:
        return cls(**json.loads(text))
