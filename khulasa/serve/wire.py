"""What every answer of ``khulasa serve`` carries, whichever layer writes it (no FastAPI import).

The error shape ``{"error": {"code", "message", "details"}}`` as bytes that always encode: an error may
echo what the client sent, and JSON has no NaN or Infinity, UTF-8 has no lone surrogates, and Python
refuses to print an integer of more than 4,300 digits, so such values are shown as strings (``jsonable``).
And the security headers: every answer gets ``SECURITY_HEADERS``; one that sets no
``Content-Security-Policy`` of its own gets ``API_POLICY``, which lets a browser run, load or frame
nothing (an answer is JSON, text or a static file; the pages that need more set their own policy).
"""

from __future__ import annotations

import http
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

MAX_SAFE_INTEGER = 2**53
"""Integers beyond this lose digits in JavaScript's numbers, so an error shows them as strings."""


def jsonable(value: Any) -> Any:
    """``value`` with everything ``json.dumps(allow_nan=False)`` + UTF-8 would refuse shown as a string."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else _big_int(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {_text(str(key)): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return _text(str(value))


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: shown as its escape, "\ud83d"
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _big_int(value: int) -> str:
    try:
        return str(value)
    except ValueError:  # over sys.get_int_max_str_digits()
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"


def error_body(code: str, message: str, details: Mapping[str, Any] | None = None) -> bytes:
    """The error shape as the UTF-8 JSON bytes every error answer has (compact, like ``JSONResponse``)."""
    body = {"error": {"code": code, "message": message, "details": dict(details or {})}}
    return json.dumps(jsonable(body), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def raw_error(status: int, code: str, message: str, details: Mapping[str, Any] | None = None,
              headers: Iterable[tuple[str, str]] = ()) -> bytes:
    """A whole HTTP/1.1 error answer that closes the connection, for the layers below the app."""
    body = error_body(code, message, details)
    lines = [
        f"HTTP/1.1 {status} {http.HTTPStatus(status).phrase}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
        f"content-security-policy: {API_POLICY}",
        *(f"{name.lower()}: {value}" for name, value in SECURITY_HEADERS.items()),
        *(f"{name.lower()}: {value}" for name, value in headers),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
