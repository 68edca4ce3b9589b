"""The HTTP service's one error shape and where every error becomes it.

Every 4xx/5xx answer is ``{"error": {"code", "message", "details"}}`` (``docs/http.md``): ``ApiError``
is that answer; the exception handlers (``install``) turn request validation errors, Starlette's HTTP
errors, the library's ``KhulasaError`` (translated here, once) and bugs into it; ``ContainErrors`` keeps
a bug's 500 from breaking the other requests on its connection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from khulasa.errors import InvalidOptionsError, KhulasaError, NoArabicTextError, NoInputError
from khulasa.serve.wire import jsonable

log = logging.getLogger("khulasa.serve")

# Library errors -> HTTP status; any other KhulasaError is the client's input, so 400.
ERROR_STATUS: dict[type[KhulasaError], int] = {
    NoInputError: 422,
    NoArabicTextError: 400,
}

T = TypeVar("T")


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
        return too_many_articles(ctx.get("articles", 0), ctx.get("limit", 0)).response()
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


def too_many_articles(n: int, limit: int) -> ApiError:
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
        return invalid_options(exc).response()
    status = next((s for cls, s in ERROR_STATUS.items() if isinstance(exc, cls)), 400)
    return ApiError(status, exc.code, str(exc), {"hint": exc.hint} if exc.hint else {}).response()


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _on_unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette sends this, then re-raises; ``ContainErrors`` logs the exception and keeps the connection.
    return ApiError(500, "internal_error", "internal error; the server log has the details").response()


def field_error(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_request", f"{field}: {message}",
                    {"errors": [{"field": field, "message": message, "type": "value_error"}]})


def build_options(build: Callable[[dict[str, Any]], T], options: Mapping[str, Any]) -> T:
    """Build an options object; its ``InvalidOptionsError`` becomes a 422 naming ``options.<field>``."""
    try:
        return build(dict(options))
    except InvalidOptionsError as exc:
        raise invalid_options(exc, prefix="options.") from exc


def invalid_options(exc: InvalidOptionsError, prefix: str = "") -> ApiError:
    details: dict[str, Any] = {"field": prefix + exc.field}
    if exc.value is None or isinstance(exc.value, bool | int | float | str):
        details["value"] = exc.value
    if exc.hint:
        details["hint"] = exc.hint
    return ApiError(422, exc.code, f"{prefix}{exc}", details)


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` in the one shape."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(KhulasaError, _on_library_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(Exception, _on_unexpected_error)


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
