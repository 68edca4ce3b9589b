"""The HTTP service's limits: the body (size and time to arrive), and the time of the work.

``BodyLimit`` checks Content-Length, then counts bytes as they stream so a lying or chunked client cannot
make us buffer more than the limit; it binds the app's settings for the request validators that need a
limit (``request_settings``).  ``Runner`` runs the summarizer in a bounded thread pool and answers 503
when it has not finished in time.  (The article and word limits are checked where the articles are read:
``khulasa.serve.schemas`` and ``khulasa.serve.app``.)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

from starlette.types import ASGIApp, Receive, Scope, Send

from khulasa.errors import KhulasaError
from khulasa.serve.errors import ApiError
from khulasa.serve.settings import ServeSettings

log = logging.getLogger("khulasa.serve")

T = TypeVar("T")

_LIMITS: ContextVar[ServeSettings | None] = ContextVar("khulasa_serve_limits", default=None)
"""The settings of the app serving the current request, for validators that need a limit."""


class BodyLimit:
    """ASGI middleware: read the body up front and refuse it with 413 once it passes ``max_bytes``.

    A request that gives both a Content-Length and a Transfer-Encoding is refused with 400 and the
    connection closed (h11 would read it by the Transfer-Encoding alone, so a proxy in front that reads
    the Content-Length would see another request: request smuggling).  A Content-Length over the
    limit is refused before any byte is read; otherwise the body is counted as it streams, so memory
    never holds more than the limit plus one chunk.  (The connection layer reads and drops the rest
    of a refused body, bounded, so that the client reads the 413: ``khulasa.serve.protocol``.)  A body
    that has not arrived ``timeout`` seconds after the request started (a slow or stalled client) gets
    503, so a connection cannot be held open forever.  The app then receives the buffered body as a
    single message, with ``settings`` bound for the validators (``_LIMITS``).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float | None = None,
                 settings: ServeSettings | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.settings is not None:
            _LIMITS.set(self.settings)  # this request's task only: each request runs in its own context
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and b"transfer-encoding" in headers:
            error = ApiError(
                400, "bad_request", "the request gives both Content-Length and Transfer-Encoding; send one",
                {"headers": ["content-length", "transfer-encoding"]}, {"Connection": "close"},
            )
            await error.response()(scope, receive, send)
            return
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                error = ApiError(400, "bad_request", "the Content-Length header is not a number")
                await error.response()(scope, receive, send)
                return
            if length > self.max_bytes:
                await self._too_large(length).response()(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout if self.timeout is not None else None
        while True:
            try:
                message = await asyncio.wait_for(receive(), None if deadline is None else deadline - loop.time())
            except TimeoutError:
                await self._too_slow().response()(scope, receive, send)
                return
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(None).response()(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Any:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _too_slow(self) -> ApiError:
        return ApiError(
            503, "timeout", f"the request body did not arrive within {self.timeout:g} seconds",
            {"timeout_seconds": self.timeout}, {"Retry-After": "5"},
        )

    def _too_large(self, length: int | None) -> ApiError:
        return ApiError(
            413, "body_too_large",
            f"the request body is over the limit of {self.max_bytes} bytes",
            {"limit_bytes": self.max_bytes, "content_length": length},
        )


def request_settings() -> ServeSettings:
    """The settings of the app serving this request (the defaults outside a request)."""
    return _LIMITS.get() or ServeSettings()


class Runner:
    """Run CPU-bound work off the event loop in a bounded thread pool; 503 when it overruns the time limit.

    The work is everything after validation: cleaning, summarizing, rendering.  The wait in the pool's
    queue counts against the limit, so an overloaded server sheds load instead of answering late.  A
    thread cannot be killed, so work that overruns finishes in the background, but the pool size bounds
    how much of it there can be and the article/word limits bound how long it takes.
    """

    def __init__(self, threads: int, timeout: float) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="khulasa-serve")
        self.timeout = timeout

    async def __call__(self, work: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.pool, work), self.timeout)
        except TimeoutError:
            raise ApiError(
                503, "timeout", f"the request did not finish within {self.timeout:g} seconds",
                {"timeout_seconds": self.timeout}, {"Retry-After": "5"},
            ) from None
        except (KhulasaError, ApiError):
            raise
        except Exception as exc:
            # A bug, not bad input: log it here, once, and answer in the error shape without internals.
            log.exception("summarizer failed")
            raise ApiError(500, "internal_error", "internal error; the server log has the details") from exc
