"""The HTTP API and the web page: FastAPI over ``khulasa.summarize`` and ``khulasa.stories``.

``POST /v1/summarize`` answers with the bytes ``khulasa summarize --format json`` prints for the same
articles and options; ``POST /v1/stories`` with the records of ``khulasa stories`` as one JSON array.
Every 4xx/5xx response has one shape, ``{"error": {"code", "message", "details"}}``, documented in
``docs/http.md`` (``khulasa.serve.errors``).  Limits, each from ``ServeSettings``: the body size and
the time the work may take (``khulasa.serve.limits``), the number of articles (``khulasa.serve.schemas``,
the request bodies) and of words (``_to_articles``, here).

Every answer, from any path and any layer, carries the security headers of ``khulasa.serve.wire`` and
a Content-Security-Policy fitted to what it is (``SecurityHeaders``).  The connection layer below the
app (header timeout, connection cap, lingering close) is ``khulasa.serve.protocol``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, Query
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from khulasa._version import __version__
from khulasa.models import Article
from khulasa.serve import errors
from khulasa.serve.errors import ERROR_RESPONSES, ApiError, ContainErrors, build_options
from khulasa.serve.errors import field_error as _field_error
from khulasa.serve.errors import too_many_articles as _too_many_articles
from khulasa.serve.limits import BodyLimit, Runner
from khulasa.serve.schemas import ArticleIn, StoriesRequest, SummarizeRequest
from khulasa.serve.settings import SETTINGS_ENV, ServeSettings
from khulasa.serve.wire import API_POLICY, SECURITY_HEADERS

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


# --- articles ---------------------------------------------------------------------------------------------


def _to_articles(items: Sequence[ArticleIn], settings: ServeSettings) -> list[Article]:
    """Check the limits, then build Articles as ingest builds them from a ``.json`` file.

    Stricter than a file on three points, since a client can fix its request: an unreadable date, a
    text that is empty once cleaned, and a repeated id are 422 errors naming the article, not skips.
    """
    from khulasa.errors import InvalidRecordError
    from khulasa.ingest import records
    from khulasa.text import normalize

    if len(items) > settings.max_articles:
        raise _too_many_articles(len(items), settings.max_articles)
    n_words = sum(normalize.count_words(item.text) for item in items)
    if n_words > settings.max_words:
        raise ApiError(
            413, "too_many_words", f"{n_words} words in all articles; the limit is {settings.max_words}",
            {"limit": settings.max_words, "words": n_words},
        )
    try:
        return records.strict_articles((item.model_dump() for item in items), default_id="article")
    except InvalidRecordError as exc:
        raise _field_error(f"articles[{exc.index}].{exc.field}", exc.reason) from exc


def _one_line(value: str | None) -> str | None:
    """A metadata field as ingest keeps it: cleaned, on one line, None when empty."""
    from khulasa import ingest

    text = " ".join(ingest.clean_text(value).split()) if value is not None else ""
    return text or None


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
    errors.install(app)

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

        options = build_options(SummaryOptions.from_mapping, body.options.model_dump(exclude_none=True))

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

        options = build_options(StoryOptions.from_mapping, body.options)

        def work() -> bytes:  # the bytes JSONResponse would send, encoded off the event loop
            records = [story.to_dict() for story in build_stories(_to_articles(body.articles, settings), options)]
            return json.dumps(records, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")

        return Response(await runner(work), media_type="application/json")

    @app.get("/healthz", summary="Liveness check")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

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
