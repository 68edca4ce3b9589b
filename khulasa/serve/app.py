"""The HTTP API and the web page: FastAPI over ``khulasa.summarize`` and ``khulasa.stories``.

``POST /v1/summarize`` answers with the bytes ``khulasa summarize --format json`` prints for the same
articles and options; ``POST /v1/stories`` with the records of ``khulasa stories`` as one JSON array.
Every 4xx/5xx response has one shape, ``{"error": {"code", "message", "details"}}``, documented in
``docs/http.md``.  Limits, each from ``ServeSettings``: the body size (``BodyLimit`` checks
Content-Length, then counts bytes as they stream so a lying or chunked client cannot make us buffer
more than the limit), the number of articles and words, and a per-request time limit: the summarizer
runs in a bounded thread pool and the client gets 503 when it has not finished in time.

Every answer, from any path and any layer, carries the security headers of ``khulasa.serve.wire`` and
a Content-Security-Policy fitted to what it is (``SecurityHeaders``).  The connection layer below the
app (header timeout, connection cap, lingering close) is ``khulasa.serve.protocol``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic_core import PydanticCustomError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from khulasa._version import __version__
from khulasa.errors import InvalidOptionsError, KhulasaError, NoArabicTextError, NoInputError
from khulasa.models import Article
from khulasa.render.labels import labels_document
from khulasa.serve.settings import SETTINGS_ENV, ServeSettings
from khulasa.serve.wire import API_POLICY, SECURITY_HEADERS, jsonable

log = logging.getLogger("khulasa.serve")

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The page loads nothing from elsewhere and runs no inline script, so even a missed escape stays inert.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

# FastAPI's Swagger UI page loads its script and style from this CDN and runs one inline script (pinned by
# hash); Swagger UI sets inline styles, and draws icons from data: URLs.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
SWAGGER_FAVICON_HOST = "https://fastapi.tiangolo.com"

MEDIA_TYPES = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
Format = Literal["json", "markdown", "text", "html"]

# Library errors -> HTTP status; any other KhulasaError is the client's input, so 400.
ERROR_STATUS: dict[type[KhulasaError], int] = {
    NoInputError: 422,
    NoArabicTextError: 400,
}

T = TypeVar("T")


# --- the one error shape -----------------------------------------------------------------------------------


class ApiError(Exception):
    """An error response: status, stable ``code``, a message saying what to fix, and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})

    def response(self) -> JSONResponse:
        body = {"error": {"code": self.code, "message": self.message, "details": self.details}}
        # Details may echo the client's values: NaN, a lone surrogate… shown as strings, never a 500.
        return JSONResponse(jsonable(body), status_code=self.status, headers=self.headers)


class ErrorInfo(BaseModel):
    code: str = Field(examples=["no_arabic_text"])
    message: str = Field(examples=["no Arabic text found in 2 article(s)"])
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """Every 4xx/5xx response."""

    error: ErrorInfo


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "Invalid JSON or UTF-8, or no Arabic text"),
        (413, "Body, article count or word count over the limit"),
        (415, "The body is not sent as application/json"),
        (422, "A field is missing, has the wrong type or is out of range (details name it)"),
        (503, "The request did not finish within the time limit"),
    )
}


def _field_name(loc: Sequence[Any]) -> str:
    """``("body", "articles", 0, "text")`` -> ``articles[0].text``."""
    name = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path") else loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _is_json(request: Request) -> bool:
    mime = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return mime == "application/json" or mime.endswith("+json")


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if request.method == "POST" and not _is_json(request):
        return ApiError(
            415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'",
            {"content_type": request.headers.get("content-type")},
        ).response()
    invalid_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if invalid_json is not None:
        reason = invalid_json.get("ctx", {}).get("error", "JSON decode error")
        position = invalid_json["loc"][-1]
        return ApiError(
            400, "invalid_json", f"the body is not valid JSON: {reason} at character {position}",
            {"position": position},
        ).response()
    too_many = next((e for e in errors if e.get("type") == "too_many_articles"), None)
    if too_many is not None:
        ctx = too_many.get("ctx", {})
        return _too_many_articles(ctx.get("articles", 0), ctx.get("limit", 0)).response()
    fields = [
        {"field": _field_name(e["loc"]), "message": e["msg"], "type": e["type"]} for e in errors[:MAX_ERRORS]
    ]
    first = fields[0] if fields else {"field": "body", "message": "invalid request"}
    details: dict[str, Any] = {"errors": fields}
    if len(errors) > MAX_ERRORS:
        details["errors_omitted"] = len(errors) - MAX_ERRORS
    return ApiError(422, "invalid_request", f"{first['field']}: {first['message']}", details).response()


MAX_ERRORS = 20
"""Validation errors listed in one answer; the rest are counted, so a bad request never makes a huge answer."""


def _too_many_articles(n: int, limit: int) -> ApiError:
    return ApiError(413, "too_many_articles", f"{n} articles; the limit is {limit}",
                    {"limit": limit, "articles": n})


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        return ApiError(404, "not_found", f"no such path: {request.url.path}", {"path": request.url.path},
                        headers).response()
    if exc.status_code == 405:
        allowed = headers.get("Allow", headers.get("allow", ""))
        return ApiError(405, "method_not_allowed", f"{request.method} is not allowed on {request.url.path}",
                        {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]}, headers).response()
    if exc.status_code == 400:
        # FastAPI turns every body it cannot decode into one generic 400; the cause says which.
        cause = exc.__cause__
        if isinstance(cause, UnicodeDecodeError):
            return ApiError(400, "invalid_utf8", f"the body is not valid UTF-8 (byte {cause.start})",
                            {"position": cause.start}).response()
        if isinstance(cause, RecursionError):
            return ApiError(400, "json_too_deep", "the JSON body is nested too deeply").response()
        if isinstance(cause, ValueError):  # json refuses integers of more than 4,300 digits
            return ApiError(400, "invalid_json", "the body is not valid JSON: a number has too many digits",
                            {}).response()
    code = "bad_request" if exc.status_code < 500 else "internal_error"
    return ApiError(exc.status_code, code, str(exc.detail), {}, headers).response()


async def _on_library_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KhulasaError)
    if isinstance(exc, InvalidOptionsError):
        return _invalid_options(exc).response()
    status = next((s for cls, s in ERROR_STATUS.items() if isinstance(exc, cls)), 400)
    return ApiError(status, exc.code, str(exc), {"hint": exc.hint} if exc.hint else {}).response()


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette sends this, then re-raises; ``ContainErrors`` logs the exception and keeps the connection.
    return ApiError(500, "internal_error", "internal error; the server log has the details").response()


# --- body size limit ---------------------------------------------------------------------------------------


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


# --- what every answer gets ---------------------------------------------------------------------------------


class SecurityHeaders:
    """ASGI middleware around the whole app: ``SECURITY_HEADERS`` on every answer, and ``API_POLICY``
    as its Content-Security-Policy unless the route set one (the page, the docs, an HTML summary)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                for name, value in {**SECURITY_HEADERS, "Content-Security-Policy": API_POLICY}.items():
                    headers.setdefault(name, value)
                message = {**message, "headers": headers.raw}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ContainErrors:
    """ASGI middleware around the whole app: a bug whose 500 has been sent ends here, logged once.

    Starlette sends the 500 and re-raises so that the server can log; uvicorn then closes the connection
    right after the answer.  A client that keeps connections alive may already be sending its next
    request on it, and that request failed instead: one 500 broke good requests sent alongside it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def watch(message: Message) -> None:
            nonlocal answered
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True

        try:
            await self.app(scope, receive, watch)
        except Exception:
            if not answered:
                raise  # the server answers 500 and closes: the connection is in no state to go on
            log.exception("internal error in %s %s (answered 500)", scope["method"], scope["path"])


class _App(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(ContainErrors(super().build_middleware_stack()))


def _inline_script_hashes(html: str) -> str:
    """The CSP sources of a page's inline scripts, which our own code wrote (no client input)."""
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'" for script in scripts
    )


_PAGE_POLICY = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def _html_policy(page: bytes) -> str:
    """An HTML summary's Content-Security-Policy: the one the page declares in its head (its script
    pinned by hash), which only a header can extend to forbid framing."""
    declared = _PAGE_POLICY.search(page, 0, 4096)  # in the head, before any article text
    return (declared.group(1).decode() + "; frame-ancestors 'none'") if declared else API_POLICY


# --- request models ----------------------------------------------------------------------------------------


class ArticleIn(BaseModel):
    """One article, as in a ``.json`` input file; unknown fields are kept like ingest keeps them."""

    model_config = ConfigDict(extra="allow")

    id: StrictStr | None = Field(default=None, description="default: article-1, article-2, …")
    source: str | None = Field(default=None, description="the outlet name sentences are attributed to")
    title: str | None = None
    date: str | None = Field(default=None, description="publication date (YYYY-MM-DD)")
    url: str | None = None
    text: str

    @model_validator(mode="before")
    @classmethod
    def _encodable(cls, value: Any) -> Any:
        """Lone surrogates (a cut emoji, ``"\\ud83d"``) become U+FFFD in every field, as ingest does: no
        output format could encode them, and pydantic refuses them in the names of extra fields."""
        from khulasa import ingest

        return ingest.encodable(value)


class SummaryOptionsIn(BaseModel):
    """``SummaryOptions``: a budget of ``words`` or ``sentences`` (default 120 words), not both."""

    model_config = ConfigDict(extra="allow")

    words: StrictInt | None = Field(default=None, examples=[120])
    sentences: StrictInt | None = None
    timeline: StrictBool | None = None
    key_terms: StrictBool | None = None
    # Typed here because SummaryOptions compares it without checking its type first (a list was a 500).
    redundancy: StrictFloat | None = Field(default=None, description="similarity, in (0, 1]")


def _count_articles(value: Any) -> Any:
    """Refuse too many articles before validating any: a 5 MB list of a million numbers would otherwise
    cost one validation error each (minutes of CPU, gigabytes of memory, a 300 MB answer)."""
    limit = (_LIMITS.get() or ServeSettings()).max_articles
    if isinstance(value, list) and len(value) > limit:
        raise PydanticCustomError("too_many_articles", "{articles} articles; the limit is {limit}",
                                  {"articles": len(value), "limit": limit})
    return value


Articles = Annotated[list[ArticleIn], BeforeValidator(_count_articles), Field(min_length=1)]


class SummarizeRequest(BaseModel):
    articles: Articles
    options: SummaryOptionsIn = SummaryOptionsIn()


class StoriesRequest(BaseModel):
    articles: Articles
    options: dict[str, Any] = Field(default_factory=dict, description="``StoryOptions`` fields")


def _to_articles(items: Sequence[ArticleIn], settings: ServeSettings) -> list[Article]:
    """Check the limits, then build Articles as ingest builds them from a ``.json`` file.

    Stricter than a file on three points, since a client can fix its request: an unreadable date, a
    text that is empty once cleaned, and a repeated id are 422 errors naming the article, not skips.
    """
    from khulasa import ingest
    from khulasa.text import normalize

    if len(items) > settings.max_articles:
        raise _too_many_articles(len(items), settings.max_articles)
    n_words = sum(normalize.count_words(item.text) for item in items)
    if n_words > settings.max_words:
        raise ApiError(
            413, "too_many_words", f"{n_words} words in all articles; the limit is {settings.max_words}",
            {"limit": settings.max_words, "words": n_words},
        )
    articles = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        article_id = item.id.strip() if item.id is not None else f"article-{i + 1}"
        if not article_id or article_id in seen:
            raise _field_error(f"articles[{i}].id", f"{'duplicate' if article_id else 'empty'} id")
        seen.add(article_id)
        text = ingest.clean_text(item.text)
        if not text:
            raise _field_error(f"articles[{i}].text", "no text once cleaned")
        date = ingest.parse_date(item.date) if item.date else None
        if item.date and date is None:
            raise _field_error(f"articles[{i}].date", f"cannot read {item.date!r} as a date; use YYYY-MM-DD")
        articles.append(Article(
            id=article_id, text=text, source=_one_line(item.source), title=_one_line(item.title),
            date=date, url=_one_line(item.url), extra=dict(item.model_extra or {}),
        ))
    return articles


def _one_line(value: str | None) -> str | None:
    """A metadata field as ingest keeps it: cleaned, on one line, None when empty."""
    from khulasa import ingest

    text = " ".join(ingest.clean_text(value).split()) if value is not None else ""
    return text or None


def _field_error(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_request", f"{field}: {message}",
                    {"errors": [{"field": field, "message": message, "type": "value_error"}]})


def _options(build: Callable[[dict[str, Any]], T], options: Mapping[str, Any]) -> T:
    """Build an options object; its ``InvalidOptionsError`` becomes a 422 naming ``options.<field>``."""
    try:
        return build(dict(options))
    except InvalidOptionsError as exc:
        raise _invalid_options(exc, prefix="options.") from exc


def _invalid_options(exc: InvalidOptionsError, prefix: str = "") -> ApiError:
    details: dict[str, Any] = {"field": prefix + exc.field}
    if exc.value is None or isinstance(exc.value, bool | int | float | str):
        details["value"] = exc.value
    if exc.hint:
        details["hint"] = exc.hint
    return ApiError(422, exc.code, f"{prefix}{exc}", details)


# --- the worker pool ---------------------------------------------------------------------------------------


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


# --- the app -----------------------------------------------------------------------------------------------


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    """The ASGI app for ``settings`` (defaults when None)."""
    settings = settings or ServeSettings()
    runner = Runner(settings.threads, settings.timeout_seconds)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.pool.shutdown(wait=False, cancel_futures=True)
        from khulasa.serve.logs import flush_suppressed

        flush_suppressed()

    app = _App(
        title="Khulasa",
        version=__version__,
        description="Attributed Arabic multi-document news summaries. Errors: see docs/http.md.",
        lifespan=lifespan,
        docs_url=None,  # served below, with a policy of its own
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.settings = settings
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout=settings.timeout_seconds,
                       settings=settings)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(KhulasaError, _on_library_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(Exception, _on_unexpected_error)

    @app.post(
        "/v1/summarize",
        summary="Summarize one story told by several articles",
        responses={
            200: {
                "description": "The JSON of `khulasa summarize --format json` (or the format asked for)",
                "content": {media: {} for media in MEDIA_TYPES.values() if media != "application/json"},
            },
            **ERROR_RESPONSES,
        },
        response_class=Response,
    )
    async def summarize(
        body: SummarizeRequest,
        format: Annotated[Format, Query(description="output format, as `--format`")] = "json",
    ) -> Response:
        import khulasa
        from khulasa import render
        from khulasa.options import SummaryOptions

        options = _options(SummaryOptions.from_mapping, body.options.model_dump(exclude_none=True))

        def work() -> bytes:  # encoding too: off the event loop, and any failure is the runner's 500
            summary = khulasa.summarize(_to_articles(body.articles, settings), options=options)
            return render.render(summary, format).encode("utf-8")

        content = await runner(work)
        headers = {"Content-Security-Policy": _html_policy(content)} if format == "html" else None
        return Response(content, media_type=MEDIA_TYPES[format], headers=headers)

    @app.post(
        "/v1/stories",
        summary="Group a batch of articles into stories, each with its summary",
        responses={200: {"description": "The records of `khulasa stories`, as one JSON array"},
                   **ERROR_RESPONSES},
    )
    async def stories(body: StoriesRequest) -> Response:
        from khulasa.stories import build_stories
        from khulasa.stories.options import StoryOptions

        options = _options(StoryOptions.from_mapping, body.options)

        def work() -> bytes:  # the bytes JSONResponse would send, encoded off the event loop
            records = [story.to_dict() for story in build_stories(_to_articles(body.articles, settings), options)]
            return json.dumps(records, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")

        return Response(await runner(work), media_type="application/json")

    @app.get("/healthz", summary="Liveness check")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/labels.json", include_in_schema=False)  # the page's words: khulasa.render.labels
    async def page_labels() -> dict[str, Any]:
        return labels_document()

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)

    docs = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} - Swagger UI")
    docs_html = bytes(docs.body).decode("utf-8")
    docs_headers = {"Content-Security-Policy": (
        f"default-src 'none'; script-src {SWAGGER_CDN} {_inline_script_hashes(docs_html)}; "
        f"style-src {SWAGGER_CDN} 'unsafe-inline'; img-src 'self' data: {SWAGGER_FAVICON_HOST}; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )}

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(docs_html, headers=docs_headers)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def app_from_env() -> FastAPI:
    """The app factory uvicorn imports in each worker process; settings come from ``SETTINGS_ENV``."""
    return create_app(ServeSettings.from_env())


def run(settings: ServeSettings) -> None:
    """Serve until interrupted, with ``settings.workers`` uvicorn worker processes.

    Connections go through ``GuardedH11Protocol`` (the h11 parser, even where httptools is installed);
    no WebSocket support is loaded, since no route uses it.
    """
    import uvicorn

    from khulasa.serve.logs import log_config
    from khulasa.serve.protocol import fit_open_files

    settings = fit_open_files(settings)
    os.environ[SETTINGS_ENV] = settings.to_json()
    uvicorn.run(
        "khulasa.serve.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        http="khulasa.serve.protocol:GuardedH11Protocol",
        ws="none",
        timeout_keep_alive=settings.keep_alive_seconds,
        backlog=settings.backlog,
        log_config=log_config(settings),
        log_level="info",
    )
