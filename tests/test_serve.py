"""The HTTP API: the same JSON as the CLI, one error shape for every failure, and the limits."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("fastapi", reason="needs the [serve] extra")
from fastapi.testclient import TestClient

import khulasa
from khulasa.cli import main
from khulasa.errors import InvalidOptionsError
from khulasa.serve.app import STATIC_DIR, create_app
from khulasa.serve.limits import BodyLimit
from khulasa.serve.settings import ServeSettings
from tests.conftest import EXAMPLE_DIR

ARABIC = "وصل الرئيس إلى العاصمة صباح اليوم في زيارة رسمية تستمر يومين."
JSON_HEADERS = {"content-type": "application/json"}


def example_request_articles() -> list[dict[str, Any]]:
    """The example cluster as API articles, with the ids and dates ``khulasa.load`` gives the files."""
    metadata = json.loads((EXAMPLE_DIR / "metadata.json").read_text(encoding="utf-8"))
    return [
        {"id": path.stem, "text": path.read_text(encoding="utf-8"), "date": metadata[path.stem]["date"]}
        for path in sorted(EXAMPLE_DIR.glob("*.txt"))
    ]


def cli_output(*args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(args)) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ServeSettings()))


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def error_fields(error: dict[str, Any]) -> list[str]:
    return [e["field"] for e in error["details"].get("errors", [])] or [error["details"].get("field")]


# --- the same output as the CLI ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "flags"),
    [
        ({}, []),
        ({"words": 300, "timeline": True}, ["--words", "300", "--timeline"]),
        ({"sentences": 3}, ["--sentences", "3"]),
    ],
)
def test_summarize_returns_the_bytes_of_the_cli_json(client, options, flags):
    response = client.post("/v1/summarize", json={"articles": example_request_articles(), "options": options})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.text == cli_output("summarize", str(EXAMPLE_DIR), "--format", "json", *flags)


def test_markdown_format_is_the_cli_markdown(client):
    response = client.post(
        "/v1/summarize?format=markdown", json={"articles": example_request_articles(), "options": {"words": 120}}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert response.text == cli_output("summarize", str(EXAMPLE_DIR), "--format", "markdown", "--words", "120")


def test_articles_without_ids_are_numbered_in_order_and_attributed_to_their_outlet(client):
    articles = [{"text": ARABIC, "source": "وكالة أ"}, {"text": ARABIC + "\nوقال مسؤول إن الزيارة مهمة."}]
    data = client.post("/v1/summarize", json={"articles": articles}).json()
    assert [a["id"] for a in data["articles"]] == ["article-1", "article-2"]
    assert [a["source"] for a in data["articles"]] == ["وكالة أ", None]
    first = data["sentences"][0]
    assert {s["source"] for s in first["sources"]} == {"وكالة أ", "article-2"}


def test_article_text_is_cleaned_like_a_file(client):
    raw = "وصل الرئيس&nbsp;إلى العاصمة\u200f صباح اليوم فـي زيارة رسمية تستمر يومين.\r\n"
    data = client.post("/v1/summarize", json={"articles": [{"text": raw, "title": " عنوان\nالخبر "}]}).json()
    assert data["articles"][0]["text"] == khulasa.ingest.clean_text(raw)
    assert data["articles"][0]["title"] == "عنوان الخبر"


# --- one error shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"articles": []}, 422, "invalid_request", "articles"),
        ({}, 422, "invalid_request", "articles"),
        ({"articles": [{"title": "x"}]}, 422, "invalid_request", "articles[0].text"),
        ({"articles": [{"text": 5}]}, 422, "invalid_request", "articles[0].text"),
        ({"articles": [{"text": ARABIC}], "options": {"words": "ten"}}, 422, "invalid_request", "options.words"),
        ({"articles": [{"text": ARABIC}], "options": {"words": 0}}, 422, "invalid_options", "options.words"),
        ({"articles": [{"text": ARABIC}], "options": {"words": 50, "sentences": 2}}, 422, "invalid_options",
         "options.words"),
        ({"articles": [{"text": ARABIC}], "options": {"lenght": 2}}, 422, "invalid_options", "options.lenght"),
        ({"articles": [{"text": ARABIC}], "options": {"timeline": "yes"}}, 422, "invalid_request",
         "options.timeline"),
        ({"articles": [{"text": ARABIC, "date": "yesterday"}]}, 422, "invalid_request", "articles[0].date"),
        ({"articles": [{"text": ARABIC, "id": "x"}, {"text": ARABIC, "id": "x"}]}, 422, "invalid_request",
         "articles[1].id"),
        ({"articles": [{"text": ARABIC}, {"text": " \u200f "}]}, 422, "invalid_request", "articles[1].text"),
    ],
)
def test_bad_fields_get_422_naming_the_field(client, body, status, code, field):
    error = assert_error(client.post("/v1/summarize", json=body), status, code)
    assert field in error_fields(error)
    assert field in error["message"]


def test_unknown_option_lists_the_valid_ones(client):
    body = {"articles": [{"text": ARABIC}], "options": {"lenght": 2}}
    error = assert_error(client.post("/v1/summarize", json=body), 422, "invalid_options")
    assert "words" in error["details"]["hint"] and "sentences" in error["details"]["hint"]


def test_no_arabic_text_is_400(client):
    body = {"articles": [{"text": "Only English here. Nothing else."}, {"text": "12345"}]}
    error = assert_error(client.post("/v1/summarize", json=body), 400, "no_arabic_text")
    assert "2 article" in error["message"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"articles": [', "invalid_json"),
        (b"{'articles': []}", "invalid_json"),
        (b'{"articles": [{"text": "\xd9\x88\xff"}]}', "invalid_utf8"),
        (b"[" * 100_000 + b"]" * 100_000, "json_too_deep"),
        (b'{"articles": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "json_too_deep"),
    ],
)
def test_undecodable_bodies_get_400(client, content, code):
    assert_error(client.post("/v1/summarize", content=content, headers=JSON_HEADERS), 400, code)


def test_a_body_not_sent_as_json_gets_415(client):
    body = json.dumps({"articles": [{"text": ARABIC}]}).encode()
    assert_error(client.post("/v1/summarize", content=body), 415, "unsupported_media_type")
    assert_error(client.post("/v1/summarize", content=body, headers={"content-type": "text/plain"}),
                 415, "unsupported_media_type")


def test_unknown_path_and_wrong_method_use_the_error_shape(client):
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    error = assert_error(client.get("/v1/summarize"), 405, "method_not_allowed")
    assert error["details"]["allowed"] == ["POST"]


def test_unknown_format_is_422_naming_format(client):
    response = client.post("/v1/summarize?format=pdf", json={"articles": [{"text": ARABIC}]})
    assert "format" in error_fields(assert_error(response, 422, "invalid_request"))


def test_a_bug_is_a_500_in_the_shape_without_internals(monkeypatch, client):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(khulasa, "summarize", broken)
    error = assert_error(client.post("/v1/summarize", json={"articles": [{"text": ARABIC}]}), 500,
                         "internal_error")
    assert "secret" not in json.dumps(error)


# Any JSON at all gets a success or an error in the shape, never a crash.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
requestish = st.fixed_dictionaries(
    {},
    optional={
        "articles": st.lists(
            st.dictionaries(st.sampled_from(["id", "text", "source", "date", "title", "x"]), json_values)
            | json_values,
            max_size=3,
        ),
        "options": st.dictionaries(
            st.sampled_from(["words", "sentences", "timeline", "key_terms", "redundancy", "y"]), json_values
        ) | json_values,
    },
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=requestish | json_values)
def test_any_json_body_gets_a_result_or_the_error_shape(client, body):
    response = client.post("/v1/summarize", content=json.dumps(body).encode(), headers=JSON_HEADERS)
    if response.status_code == 200:
        assert "sentences" in response.json()
    else:
        assert response.status_code in (400, 413, 422), response.text
        assert_error(response, response.status_code, response.json()["error"]["code"])


# --- limits ------------------------------------------------------------------------------------------------


def test_content_length_over_the_limit_is_413_before_reading():
    client = TestClient(create_app(ServeSettings(max_body_mb=0.001)))
    big = json.dumps({"articles": [{"text": ARABIC * 50}]}).encode()
    error = assert_error(client.post("/v1/summarize", content=big, headers=JSON_HEADERS), 413, "body_too_large")
    assert error["details"]["limit_bytes"] == ServeSettings(max_body_mb=0.001).max_body_bytes


def test_a_streamed_body_without_length_is_cut_off_at_the_limit():
    client = TestClient(create_app(ServeSettings(max_body_mb=0.001)))

    def chunks():
        yield b'{"articles": [{"text": "'
        for _ in range(100):
            yield "و".encode() * 500
        yield b'"}]}'

    assert_error(client.post("/v1/summarize", content=chunks(), headers=JSON_HEADERS), 413, "body_too_large")


def test_body_limit_stops_reading_an_endless_body_that_lied_about_its_length():
    """A client declaring 10 bytes then streaming forever: we stop after the limit, the app never runs."""
    received = 0
    sent: list[dict[str, Any]] = []

    async def endless() -> dict[str, Any]:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not see an oversized body")

    scope = {"type": "http", "method": "POST", "path": "/v1/summarize", "headers": [(b"content-length", b"10")]}
    asyncio.run(BodyLimit(app, max_bytes=10_000)(scope, endless, send))
    assert sent[0]["status"] == 413
    assert received == 11
    assert json.loads(sent[1]["body"])["error"]["code"] == "body_too_large"


def test_too_many_articles_and_words_are_413():
    client = TestClient(create_app(ServeSettings(max_articles=2, max_words=30)))
    three = {"articles": [{"text": ARABIC}] * 3}
    assert assert_error(client.post("/v1/summarize", json=three), 413, "too_many_articles")["details"] == {
        "limit": 2, "articles": 3}
    long = {"articles": [{"text": ARABIC * 4}]}
    assert assert_error(client.post("/v1/summarize", json=long), 413, "too_many_words")["details"]["limit"] == 30


def test_a_request_over_the_time_limit_gets_503(monkeypatch):
    def slow(*args: Any, **kwargs: Any) -> None:
        time.sleep(1.0)

    monkeypatch.setattr(khulasa, "summarize", slow)
    client = TestClient(create_app(ServeSettings(timeout_seconds=0.1)))
    started = time.monotonic()
    response = client.post("/v1/summarize", json={"articles": [{"text": ARABIC}]})
    assert time.monotonic() - started < 0.9
    error = assert_error(response, 503, "timeout")
    assert error["details"]["timeout_seconds"] == 0.1
    assert response.headers["retry-after"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("port", 70000), ("workers", 0), ("max_articles", 0), ("max_words", -1), ("max_body_mb", 0),
     ("timeout_seconds", -1.0), ("threads", True), ("header_timeout_seconds", 0), ("max_body_mb", float("inf")),
     ("header_timeout_seconds", float("nan")), ("keep_alive_seconds", 0.5), ("max_connections", 0),
     ("backlog", 0), ("log_max_lines", 0), ("log_interval_seconds", -1)],
)
def test_settings_refuse_impossible_limits(field, value):
    with pytest.raises(InvalidOptionsError) as info:
        ServeSettings(**{field: value})
    assert info.value.field == field


def test_settings_survive_the_trip_to_worker_processes():
    original = ServeSettings(port=9001, workers=2, max_body_mb=1.5, timeout_seconds=2.5, header_timeout_seconds=3,
                             max_connections=50, log_max_lines=5)
    assert ServeSettings.from_json(original.to_json()) == original


# --- stories, health, docs, page ---------------------------------------------------------------------------


def test_stories_returns_the_records_of_the_cli_as_an_array(client, tmp_path):
    if not hasattr(importlib.import_module("khulasa.stories"), "build_stories"):
        pytest.skip("khulasa.stories.build_stories is not there yet")
    articles = example_request_articles()
    response = client.post("/v1/stories", json={"articles": articles})
    assert response.status_code == 200, response.text
    records = response.json()
    source = tmp_path / "batch.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    lines = cli_output("stories", str(source)).splitlines()
    assert records == [json.loads(line) for line in lines if line.strip()]


def test_stories_validate_like_summarize(client):
    assert "articles" in error_fields(assert_error(client.post("/v1/stories", json={"articles": []}), 422,
                                                   "invalid_request"))


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok", "version": khulasa.__version__}


def test_openapi_documents_both_endpoints_and_the_error_shape(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/summarize", "/v1/stories", "/healthz"} <= set(spec["paths"])
    responses = spec["paths"]["/v1/summarize"]["post"]["responses"]
    assert {"400", "413", "422", "503"} <= set(responses)
    assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert client.get("/docs").status_code == 200


def test_the_page_is_rtl_arabic_and_loads_nothing_from_elsewhere(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="ar" dir="rtl">' in html
    assert "default-src 'none'" in response.headers["content-security-policy"]
    for asset in ("index.html", "app.js", "app.css"):
        text = (STATIC_DIR / asset).read_text(encoding="utf-8")
        assert "//cdn" not in text and "https://" not in text and "http://" not in text.replace(
            "^https?:\\/\\/", "")
    css = client.get("/static/app.css").text
    assert '"Noto Naskh Arabic", "Amiri"' in css


def test_page_script_never_writes_html_from_strings():
    script = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script.replace("never innerHTML", "")


def test_example_served_to_the_page_is_valid_articles(client):
    data = client.get("/static/example.json").json()
    response = client.post("/v1/summarize", json={"articles": data["articles"]})
    assert response.status_code == 200
    assert len(response.json()["sentences"]) >= 2


# --- security headers on every answer ----------------------------------------------------------------------


def assert_security_headers(response: Any) -> str:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert len(response.headers.get_list("content-security-policy")) == 1
    return str(policy)


def test_every_kind_of_answer_has_the_security_headers(monkeypatch):
    """Only ``/`` had them: JSON, every error, static files, the OpenAPI document and the docs had none."""
    from khulasa.options import SummaryOptions

    client = TestClient(create_app(ServeSettings(max_body_mb=0.01)))
    good = {"articles": [{"text": ARABIC}]}
    answers = {
        "page": client.get("/"),
        "static": client.get("/static/app.js"),
        "health": client.get("/healthz"),
        "openapi": client.get("/openapi.json"),
        "summary": client.post("/v1/summarize", json=good),
        "markdown": client.post("/v1/summarize?format=markdown", json=good),
        "404": client.get("/nothing"),
        "405": client.get("/v1/summarize"),
        "400": client.post("/v1/summarize", content=b"{", headers=JSON_HEADERS),
        "413": client.post("/v1/summarize", json={"articles": [{"text": ARABIC * 200}]}),
        "415": client.post("/v1/summarize", content=b"{}"),
        "422": client.post("/v1/summarize", json={"articles": []}),
    }

    def broken(cls: Any, data: Any) -> None:
        raise RuntimeError("a bug outside the summarizer thread")

    monkeypatch.setattr(SummaryOptions, "from_mapping", classmethod(broken))
    answers["500"] = client.post("/v1/summarize", json=good)
    assert answers["500"].status_code == 500  # and the TestClient did not re-raise it: contained
    for name, response in answers.items():
        policy = assert_security_headers(response)
        if name != "page":
            assert policy.startswith("default-src 'none'"), name
    assert answers["page"].headers["content-security-policy"].startswith("default-src 'none'; script-src 'self'")


def test_an_html_summary_is_served_with_the_policy_its_page_declares(client):
    from khulasa.render.html import _SCRIPT_HASH

    response = client.post("/v1/summarize?format=html", json={"articles": example_request_articles()})
    assert response.status_code == 200
    policy = assert_security_headers(response)
    assert f"script-src 'sha256-{_SCRIPT_HASH}'" in policy
    declared = policy.removesuffix("; frame-ancestors 'none'")
    assert f'<meta http-equiv="Content-Security-Policy" content="{declared}">' in response.text


def test_the_docs_page_has_a_policy_pinning_its_inline_script(client):
    import base64
    import hashlib
    import re

    response = client.get("/docs")
    assert response.status_code == 200 and "SwaggerUIBundle" in response.text
    policy = assert_security_headers(response)
    (script,) = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src https://cdn.jsdelivr.net 'sha256-{digest}'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert client.get("/redoc").status_code == 404  # not served: one docs page, one policy


# --- error bodies always encode ----------------------------------------------------------------------------


def test_error_values_without_a_json_or_utf8_form_are_shown_as_strings():
    from khulasa.serve.wire import error_body, jsonable

    value = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "big": 2**60, "ok": 2**53,
             "huge": 10**5000, "surrogate": "a\ud83db", 7: ("x", 1.5, None, True)}
    assert jsonable(value) == {
        "nan": "NaN", "inf": "Infinity", "-inf": "-Infinity", "big": str(2**60), "ok": 2**53,
        "huge": "an integer of about 5001 digits", "surrogate": "a\\ud83db", "7": ["x", 1.5, None, True],
    }
    body = json.loads(error_body("invalid_options", "bad \ud83d", {"value": float("nan")}))
    assert body == {"error": {"code": "invalid_options", "message": "bad \\ud83d", "details": {"value": "NaN"}}}


# --- the log and the connection limits ---------------------------------------------------------------------


def test_the_log_keeps_n_lines_of_a_kind_per_interval_and_reports_the_rest():
    import logging

    from khulasa.serve.logs import RateLimitFilter

    now = [0.0]
    kept: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            kept.append(record.getMessage())

    handler = Keep()
    handler.addFilter(RateLimitFilter(lines=3, interval=10, clock=lambda: now[0], report_to="test.rate.report"))
    loggers = [logging.getLogger("test.rate"), logging.getLogger("test.rate.report")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        for i in range(50):  # one kind from many clients: the arguments do not make it another kind
            loggers[0].warning("closed a connection from %s", f"10.0.0.{i}")
        loggers[0].error("another kind")
        assert kept == [f"closed a connection from 10.0.0.{i}" for i in range(3)] + ["another kind"]
        now[0] = 10.5  # next window: the count is reported once, then the kind is let through again
        loggers[0].warning("closed a connection from %s", "10.0.0.99")
        assert kept[4:] == [
            "suppressed 47 more messages like 'closed a connection from %s' from test.rate "
            "(the log keeps 3 of a kind per 10 s)",
            "closed a connection from 10.0.0.99",
        ]
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def test_the_connection_cap_is_fitted_to_the_open_file_limit(monkeypatch):
    import resource

    from khulasa.serve.protocol import fit_open_files, open_files_needed

    def refuse(*args: Any) -> None:
        raise ValueError("not allowed")

    monkeypatch.setattr(resource, "setrlimit", refuse)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1024, 1024))
    assert fit_open_files(ServeSettings()).max_connections == 1024 - 3 * 128 - 64
    monkeypatch.setattr(resource, "getrlimit", lambda which: (100_000, 100_000))
    assert fit_open_files(ServeSettings()) == ServeSettings()
    raised: list[tuple[int, int]] = []
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1024, 65536))
    monkeypatch.setattr(resource, "setrlimit", lambda which, limits: raised.append(limits))
    assert fit_open_files(ServeSettings()) == ServeSettings()
    assert raised == [(open_files_needed(ServeSettings()), 65536)]  # the soft limit, raised as far as needed
    monkeypatch.setattr(resource, "setrlimit", refuse)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (300, 300))
    with pytest.raises(InvalidOptionsError, match="open-file limit"):
        fit_open_files(ServeSettings())


# --- the command -------------------------------------------------------------------------------------------


def test_serve_help_lists_the_limits(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    for flag in ("--host", "--port", "--workers", "--max-body-mb", "--max-articles", "--max-words",
                 "--timeout-seconds", "--header-timeout-seconds", "--keep-alive-seconds", "--max-connections",
                 "--backlog", "--log-max-lines", "--log-interval-seconds"):
        assert flag in out


def test_serve_without_the_extra_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["serve", "--port", "0"]) == 2
    assert "pip install 'khulasa[serve]'" in capsys.readouterr().err


def test_serve_with_a_bad_limit_exits_2(capsys):
    assert main(["serve", "--max-articles", "0"]) == 2
    assert "max_articles" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_khulasa_serve_answers_on_the_port(tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "khulasa", "serve", "--port", str(port), "--max-articles", "7"],
        stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        import httpx

        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert response.json()["status"] == "ok"
        eight = {"articles": [{"text": ARABIC}] * 8}
        over = httpx.post(f"http://127.0.0.1:{port}/v1/summarize", json=eight, timeout=10)
        assert over.status_code == 413 and over.json()["error"]["details"]["limit"] == 7
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
