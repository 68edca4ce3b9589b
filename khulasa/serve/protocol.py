"""The connection layer of ``khulasa serve``: uvicorn's h11 protocol with a header timeout, a connection
cap and a lingering close.

uvicorn bounds neither the time a client may take to send its request line and headers nor the number
of open connections.  Its ``limit_concurrency`` only acts once a request's headers are in: it answers 503
to every request while stalled connections hold the slots, and a connection over the limit still holds
a file descriptor for as long as it keeps dripping headers.  So a thousand slow-header clients
(slowloris) used to exhaust the descriptors, after which ``accept()`` fails and asyncio logs the failure
up to ``backlog`` times per loop turn.  ``GuardedH11Protocol`` adds, per worker process:

- a header timeout: the request line and headers must be in within ``header_timeout_seconds`` of the
  connection opening or of the previous answer (Go's ``ReadHeaderTimeout``, nginx's
  ``client_header_timeout``); a client that sent part of a request then gets 408, an idle one is closed;
- a connection cap: past ``max_connections``, a new connection replaces the one that has waited longest
  for its request or is lingering (so stalled clients cannot lock out prompt ones), or gets 503 when
  every connection has a request in progress; ``fit_open_files`` makes the cap fit the open-file limit;
- a lingering close (Apache's and nginx's ``lingering_close``): when the server answers before the
  client has sent its whole body (a 413, a refusal) and must close, it half-closes and reads and drops
  the rest of the body, up to ``ServeSettings.max_drain_bytes`` and ``header_timeout_seconds``, before
  closing.  Closing a socket with unread data sends a TCP reset, and a client that sends its whole body
  before reading (``urllib``) then sees "connection reset" instead of the answer.  A keep-alive client
  whose body is being dropped is held to the same bounds.

Answers written here have the API's error shape and security headers (``khulasa.serve.wire``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from dataclasses import replace
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from khulasa.errors import InvalidOptionsError
from khulasa.serve.settings import ServeSettings
from khulasa.serve.wire import raw_error

log = logging.getLogger("khulasa.serve")

OPEN_FILES_BASE = 64
"""Descriptors a worker needs besides connections: the listening socket, epoll, logs, static files…"""

RETRY_AFTER = (("Retry-After", "5"),)


@functools.cache
def current_settings() -> ServeSettings:
    return ServeSettings.from_env()


_WAITING: weakref.WeakKeyDictionary[ServerState, dict[GuardedH11Protocol, None]] = weakref.WeakKeyDictionary()
"""Per server: its connections with no request in progress (waiting for one, or lingering), the
longest-waiting first: the ones a new connection over the cap may replace."""


class GuardedH11Protocol(H11Protocol):
    """One HTTP/1.1 connection, as uvicorn's ``H11Protocol`` plus the guards described above."""

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.settings = current_settings()
        self.waiting = _WAITING.setdefault(server_state, {})
        self.socket: asyncio.Transport | None = None  # the real transport; uvicorn gets a _Lingering view
        self.deadline: asyncio.TimerHandle | None = None
        self.partial = False  # part of the awaited request has arrived
        self.dropped = 0  # body bytes read and dropped after our answer
        self.lingering = False

    # --- uvicorn's hooks ----------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.socket = transport
        super().connection_made(_Lingering(transport, self))  # type: ignore[arg-type]
        if len(self.connections) > self.settings.max_connections and not self._evict_longest_waiting():
            log.warning("refused a connection from %s: %d connections are busy", _peer(self.client),
                        len(self.connections) - 1)
            self._answer_and_close(raw_error(
                503, "overloaded", "the server has too many connections in progress; retry later",
                {"max_connections": self.settings.max_connections}, RETRY_AFTER))
            return
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.lingering:
            self._drop(len(data))
            return
        if self.cycle is not None and self.cycle.response_complete and self.conn.their_state is h11.SEND_BODY:
            # The rest of a body we answered early (keep-alive): uvicorn drops it; we bound how much.
            self._drop(len(data))
            if self.socket is None or self.socket.is_closing():
                return
        elif self.deadline is not None:
            self.partial = True
        super().data_received(data)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request's headers are in: its body and work have their own limits
            self._stop_waiting()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # may start a pipelined request at once
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._await_request()

    def shutdown(self) -> None:
        if self.lingering and self.socket is not None:  # the server is stopping: the answer is out already
            self.socket.close()
            return
        super().shutdown()

    def send_400_response(self, msg: str) -> None:
        """h11 refused the request (malformed, conflicting lengths…): 400 in the error shape."""
        self._answer_and_close(raw_error(400, "bad_request", "the request is not valid HTTP/1.1"))

    def close_transport(self) -> None:
        """Every close uvicorn asks for: linger first while the client is still sending its body."""
        if self.socket is None or self.lingering or self.socket.is_closing():
            return
        if self.conn.their_state is h11.SEND_BODY:
            self._linger()
        else:
            self.socket.close()

    # --- the guards ---------------------------------------------------------------------------------------

    def _await_request(self) -> None:
        self._stop_waiting()
        self.partial = False
        self.waiting[self] = None
        self.deadline = self.loop.call_later(self.settings.header_timeout_seconds, self._header_timeout)

    def _stop_waiting(self) -> None:
        self.waiting.pop(self, None)
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _header_timeout(self) -> None:
        self.deadline = None
        self.waiting.pop(self, None)
        if self.socket is None or self.socket.is_closing():
            return
        if self.partial and self.conn.their_state is h11.IDLE:
            log.info("closed a connection from %s: no complete request headers after %g s", _peer(self.client),
                     self.settings.header_timeout_seconds)
            # Everything it sent has been read, so closing now sends no reset: no need to linger.
            self.socket.write(raw_error(
                408, "header_timeout",
                f"the request line and headers did not arrive within {self.settings.header_timeout_seconds:g} "
                "seconds", {"header_timeout_seconds": self.settings.header_timeout_seconds}))
        self.socket.close()

    def _evict_longest_waiting(self) -> bool:
        victim = next((c for c in self.waiting if c is not self), None)
        if victim is None:
            return False
        victim._evict()
        return True

    def _evict(self) -> None:
        self._stop_waiting()
        if self.socket is None or self.socket.is_closing():
            return
        if self.partial and self.conn.their_state is h11.IDLE and not self.lingering:
            log.info("closed a connection from %s still sending its headers: the connection limit is reached",
                     _peer(self.client))
            self.socket.write(raw_error(503, "overloaded", "the server has too many connections; retry later",
                                        {"max_connections": self.settings.max_connections}, RETRY_AFTER))
        self.socket.close()

    def _answer_and_close(self, answer: bytes) -> None:
        assert self.socket is not None
        self._stop_waiting()
        self.socket.write(answer)
        self._linger()

    def _linger(self) -> None:
        """Half-close, then read and drop what the client still sends until it closes or a bound is hit."""
        assert self.socket is not None
        self._stop_waiting()
        self.lingering = True
        if self.socket.can_write_eof():
            self.socket.write_eof()
        self.socket.resume_reading()
        self.waiting[self] = None  # a new connection over the cap may end the linger first
        self.deadline = self.loop.call_later(self.settings.header_timeout_seconds, self.socket.close)

    def _drop(self, n: int) -> None:
        self.dropped += n
        if self.dropped > self.settings.max_drain_bytes and self.socket is not None:
            self.socket.close()


class _Lingering:
    """The transport as uvicorn sees it: ``close()`` goes through ``close_transport`` (the lingering close)."""

    def __init__(self, transport: asyncio.Transport, protocol: GuardedH11Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def close(self) -> None:
        self._protocol.close_transport()

    def is_closing(self) -> bool:
        return self._protocol.lingering or self._transport.is_closing()


def _peer(client: tuple[str, int] | None) -> str:
    return f"{client[0]}:{client[1]}" if client else "a client"


def open_files_needed(settings: ServeSettings) -> int:
    """Descriptors one worker may need: its connections, the ones accepted in a loop turn before being
    turned away (up to ``backlog`` per turn, for about three turns), and its own files."""
    return settings.max_connections + 3 * settings.backlog + OPEN_FILES_BASE


def fit_open_files(settings: ServeSettings) -> ServeSettings:
    """Raise the soft open-file limit as far as the connection cap needs (up to the hard limit, as Go's
    runtime does); when even that is too low, lower the cap to what fits and say so."""
    try:
        import resource
    except ImportError:  # not on this platform: nothing to fit
        return settings
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = open_files_needed(settings)
    if soft == resource.RLIM_INFINITY or soft >= need:
        return settings
    target = need if hard == resource.RLIM_INFINITY else min(hard, need)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    except (ValueError, OSError):
        pass
    if soft >= need:
        return settings
    fitted = soft - (need - settings.max_connections)
    if fitted < 1:
        raise InvalidOptionsError(
            "max_connections", settings.max_connections,
            f"the open-file limit ({soft}) leaves no room for connections with backlog {settings.backlog}",
            hint="raise the limit (ulimit -n) or lower --backlog",
        )
    log.warning("the open-file limit is %d: at most %d connections per worker instead of %d (raise it with "
                "ulimit -n)", soft, fitted, settings.max_connections)
    return replace(settings, max_connections=fitted)
