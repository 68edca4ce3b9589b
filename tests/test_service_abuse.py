"""Abuse of the HTTP service, and article text trying to inject into pages.

Against the ASGI app (TestClient) and a real ``khulasa serve`` on 127.0.0.1: huge or deeply nested JSON,
a million-item list, invalid UTF-8, bodies over the limit (declared, chunked, lying), slow and stalled
clients.  Each gets the documented status and error shape (docs/http.md) quickly, the server keeps
answering others, and its peak memory stays bounded.  Every client here is bounded in bytes and seconds
and talks to loopback only.  ``tests/test_serve.py`` covers the single-request limits already; this
file adds the sizes and clients that cost the server time or memory.

Markup in articles (``<script>``, ``<img onerror>``, ``javascript:`` URLs, a ``</script>`` inside the
embedded JSON, template syntax) is checked inert in Chromium in the ``--format html`` page and the
``khulasa stories`` site built by the CLI from a hostile JSONL file, and in the API's ``format=html``.
``tests/test_browser.py`` covers the web page at ``/``; ``tests/test_render.py`` a hostile ``Summary``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from fastapi.testclient import TestClient
from test_bad_input import run_cli

from khulasa.serve.app import MAX_ERRORS, create_app
from khulasa.serve.settings import ServeSettings

ARABIC = "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة 400 دار نشر من عشرين دولة."
JSON_HEADERS = {"content-type": "application/json"}


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return dict(body["error"])


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ServeSettings()))


# --- sizes that cost time or memory (ASGI app) ------------------------------------------------------------


def test_a_million_item_article_list_is_413_at_once_not_a_million_validation_errors(client):
    body = b'{"articles": [' + b",".join([b"0"] * 1_000_000) + b"]}"  # 2 MB: under the body limit
    started = time.monotonic()
    error = error_of(client.post("/v1/summarize", content=body, headers=JSON_HEADERS), 413, "too_many_articles")
    assert time.monotonic() - started < 5  # was 45 s and 3 GB before the count came first
    assert error["details"] == {"limit": 500, "articles": 1_000_000}
    error_of(client.post("/v1/stories", content=body, headers=JSON_HEADERS), 413, "too_many_articles")


def test_thousands_of_articles_in_one_request_are_413_naming_the_limit(client):
    body = {"articles": [{"text": ARABIC, "id": str(i)} for i in range(3000)]}
    error = error_of(client.post("/v1/summarize", json=body), 413, "too_many_articles")
    assert error["details"] == {"limit": 500, "articles": 3000}


def test_many_invalid_articles_list_a_bounded_number_of_errors(client):
    body = {"articles": [{"txt": i} for i in range(500)]}
    error = error_of(client.post("/v1/summarize", json=body), 422, "invalid_request")
    assert len(error["details"]["errors"]) == MAX_ERRORS
    assert error["details"]["errors_omitted"] == 500 - MAX_ERRORS
    assert error["details"]["errors"][0]["field"] == "articles[0].text"


@pytest.mark.parametrize(
    "body",
    [
        b'{"articles": [{"text": "' + "كلمة ".encode() * 350_000 + b'"}]}',  # 3.2 MB, over the words limit
        b'{"articles": [{"text": "x", "extra": {' + b",".join(b'"k%d": [1, {"a": null}]' % i
                                                             for i in range(60_000)) + b"}}]}",
        b'{"articles": [{"text": "x"}], "options": ' + b"[" * 900 + b"]" * 900 + b"}",
    ],
    ids=["350k-words", "60k-keys", "900-deep-options"],
)
def test_huge_or_nested_json_within_the_limit_gets_an_answer_in_the_error_shape(client, body):
    started = time.monotonic()
    response = client.post("/v1/summarize", content=body, headers=JSON_HEADERS)
    assert time.monotonic() - started < 20
    assert response.status_code in (200, 400, 413, 422), response.text[:300]
    if response.status_code != 200:
        error_of(response, response.status_code, response.json()["error"]["code"])


@pytest.mark.parametrize("value", ["x", [{}], {"a": 1}, True])
def test_a_redundancy_of_the_wrong_type_is_422_naming_it_not_a_500(client, value):
    """Found by the fuzz job's serve target: SummaryOptions compared a list with a float."""
    body = {"articles": [{"text": ARABIC}], "options": {"redundancy": value}}
    error = error_of(client.post("/v1/summarize", json=body), 422, "invalid_request")
    assert error["details"]["errors"][0]["field"] == "options.redundancy"


def test_invalid_utf8_anywhere_in_the_body_is_400_naming_the_byte(client):
    for body, position in [(b"\xff" + b'{"articles": []}', 0), (b'{"articles": [{"text": "\xc3\x28"}]}', 24)]:
        error = error_of(client.post("/v1/summarize", content=body, headers=JSON_HEADERS), 400, "invalid_utf8")
        assert error["details"]["position"] == position


# --- a real server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """``khulasa serve`` with a 1 MiB body limit and a 2 s time limit, on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "khulasa", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--max-body-mb", "1", "--timeout-seconds", "2"],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if b"200 OK" in request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", timeout=1):
                        break
                except OSError:
                    pass
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
            yield {"port": port, "pid": process.pid, "log": log}
        finally:
            process.terminate()
            process.wait(timeout=10)


def request(port: int, raw: bytes, timeout: float = 10) -> bytes:
    """Send ``raw`` and read the whole answer (the server closes, or the timeout passes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)  # the server may refuse the body and close: its answer is still readable
        return read_answer(sock)


def read_answer(sock: socket.socket) -> bytes:
    data = b""
    try:
        while b"\r\n\r\n" not in data or len(data) < answer_length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data


def answer_length(data: bytes) -> int:
    head, _, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + 4 + int(line.split(b":")[1])
    return 1 << 30


def answer_json(data: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def post_head(length: int | None, extra: bytes = b"") -> bytes:
    size = b"Content-Length: %d\r\n" % length if length is not None else b"Transfer-Encoding: chunked\r\n"
    return b"POST /v1/summarize HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + size + extra + b"\r\n"


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_declared_100_mb_body_is_refused_before_any_byte_is_sent(server):
    status, body = answer_json(request(server["port"], post_head(100 * 1024 * 1024)))
    assert status == 413 and body["error"]["code"] == "body_too_large"
    assert body["error"]["details"]["content_length"] == 100 * 1024 * 1024


def test_a_chunked_body_is_cut_off_at_the_limit(server):
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=10) as sock:
        sock.sendall(post_head(None))
        chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(64):  # at most 4 MiB: the server must stop us long before
                sock.sendall(chunk)
        status, body = answer_json(read_answer(sock))
    assert status == 413 and body["error"]["code"] == "body_too_large"


def test_a_body_that_lies_about_its_length_is_cut_off_at_the_limit(server):
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=10) as sock:
        sock.sendall(post_head(100))
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(b"{" + b" " * (2 * 1024 * 1024))  # far more than declared
        status = int(read_answer(sock).split(b" ")[1])
    assert status in (400, 413)  # h11 refuses bytes past Content-Length itself, or we do


def test_invalid_utf8_and_deep_json_on_the_wire(server):
    for payload, code in [(b'{"articles": [{"text": "\xd9\x88\xff"}]}', "invalid_utf8"),
                          (b"[" * 200_000 + b"]" * 200_000, "json_too_deep")]:
        status, body = answer_json(request(server["port"], post_head(len(payload)) + payload))
        assert (status, body["error"]["code"]) == (400, code)


def test_slow_clients_get_503_at_the_time_limit_and_do_not_block_others(server):
    """Twenty clients each dribble a byte every 0.2 s of a 1,000-byte body; the limit is 2 s."""
    port = server["port"]
    slow = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    try:
        for sock in slow:
            sock.sendall(post_head(1000) + b"{")
        started = time.monotonic()
        answers: dict[int, bytes] = {}
        while len(answers) < len(slow) and time.monotonic() - started < 8:  # bounded: stops by itself
            for i, sock in enumerate(slow):
                if i in answers:
                    continue
                try:
                    sock.sendall(b" ")
                except (BrokenPipeError, ConnectionResetError):
                    answers[i] = read_answer(sock)
                    continue
                sock.setblocking(False)
                try:
                    if sock.recv(1, socket.MSG_PEEK):
                        sock.settimeout(5)
                        answers[i] = read_answer(sock)
                except BlockingIOError:
                    pass
                finally:
                    if i not in answers:
                        sock.settimeout(10)
            # Meanwhile the server answers everybody else at once.
            t0 = time.monotonic()
            assert b"200 OK" in request(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", timeout=2)
            assert time.monotonic() - t0 < 1
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        for sock in slow:
            sock.close()
    assert len(answers) == len(slow), f"{len(slow) - len(answers)} slow clients were never answered"
    for data in answers.values():
        status, body = answer_json(data)
        assert status == 503 and body["error"]["code"] == "timeout"
        assert body["error"]["details"]["timeout_seconds"] == 2
    assert 1.5 < elapsed < 6


def test_the_server_memory_stays_bounded_under_abuse(server):
    """After every test above (sizes up to the limit, slow clients), the peak stays modest."""
    port = server["port"]
    big = b'{"articles": [' + b",".join([b'{"text": "x"}'] * 70_000) + b"]}"  # 0.98 MB, 70k objects
    for _ in range(3):
        status, body = answer_json(request(port, post_head(len(big)) + big))
        assert (status, body["error"]["code"]) == (413, "too_many_articles")
    assert peak_memory_mb(server["pid"]) < 300, server["log"].read_text()[-2000:]  # idle ~110 MB


# --- markup in article text stays inert in every page ----------------------------------------------------

PAYLOADS = [
    '<script>window.__xss = "script"</script>',
    '<img src=x onerror="window.__xss = \'img\'">',
    '"><svg onload="window.__xss = \'svg\'">',
    "</script><script>window.__xss = 'json-break'</script>",
    "{{ 7*7 }}{% raw %}",
    "<!-- comment",
]
HOSTILE_TEXT = (
    "وصل الرئيس إلى العاصمة صباح أمس الأحد في زيارة رسمية تستمر يومين {}.\n"
    "وقال المتحدث إن المحادثات في 12 أكتوبر 2016 تناولت التعاون الاقتصادي بين البلدين {}.\n"
    "وأضاف أن الجانبين وقعا اتفاقيات في مجالات الطاقة والنقل مع شركة غازبروم الروسية {}.\n"
    "وأكد أن القمة المقبلة ستعقد في موسكو {} {} {}."
).format(*PAYLOADS)


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    records = [
        {"id": f"<b>id{i}</b>", "source": PAYLOADS[i % len(PAYLOADS)], "title": PAYLOADS[(i + 1) % len(PAYLOADS)],
         "url": "javascript:window.__xss='url'", "date": "2016-10-10", "text": HOSTILE_TEXT}
        for i in range(3)
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_the_cli_html_pages_keep_the_markup_as_text(hostile_corpus, tmp_path):
    """Static check (runs everywhere): no element or handler from the payloads reaches the HTML."""
    summary = tmp_path / "summary.html"
    site = tmp_path / "site"
    assert run_cli("summarize", str(hostile_corpus), "-f", "html", "--timeline", "--key-terms",
                   "-o", str(summary)).returncode == 0
    assert run_cli("stories", str(hostile_corpus), "-f", "html", "-o", str(site), "-q").returncode == 0
    pages = [summary, *site.glob("*.html"), *site.glob("stories/*.html")]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for needle in ("<script>window", "<img src=x", "<svg onload", 'href="javascript:', "onerror=\"window"):
            assert needle not in html, (page.name, needle)
    # Template syntax in an article is shown as written, never evaluated.
    assert "{{ 7*7 }}{% raw %}" in summary.read_text(encoding="utf-8")
    assert any("{{ 7*7 }}{% raw %}" in page.read_text(encoding="utf-8") for page in site.glob("stories/*.html"))


def hostile_pages(corpus: Path, tmp: Path) -> list[Path]:
    summary = tmp / "summary.html"
    site = tmp / "site"
    run_cli("summarize", str(corpus), "-f", "html", "--timeline", "--key-terms", "-o", str(summary))
    run_cli("stories", str(corpus), "-f", "html", "-o", str(site), "-q")
    return [summary, site / "index.html", *sorted(site.glob("stories/*.html"))]


@pytest.mark.browser
def test_markup_in_articles_runs_nothing_in_chromium_in_the_cli_pages_and_the_api_html(
        hostile_corpus, tmp_path, server):
    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, missing

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is not installed")
    pages = hostile_pages(hostile_corpus, tmp_path)
    records = [json.loads(line) for line in hostile_corpus.read_text(encoding="utf-8").splitlines()]
    api = tmp_path / "api.html"
    payload = json.dumps({"articles": records, "options": {"timeline": True, "key_terms": True}}).encode()
    head = post_head(len(payload)).replace(b"/v1/summarize", b"/v1/summarize?format=html")
    status_line, _, body = request(server["port"], head + payload, timeout=30).partition(b"\r\n\r\n")
    assert b" 200 " in status_line.split(b"\r\n")[0]
    api.write_bytes(body)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in [*pages, api]:
                page = browser.new_page()
                events: list[str] = []
                page.on("dialog", lambda d, ev=events: (ev.append(d.message), d.dismiss()))
                page.goto(path.as_uri())
                page.wait_for_load_state("load")
                for clickable in page.locator(".sentence").all()[:3]:
                    clickable.click()
                assert page.evaluate("window.__xss") is None, path.name
                assert page.locator("body img, body svg, body iframe").count() == 0, path.name
                assert page.locator('a[href^="javascript:"]').count() == 0, path.name
                assert events == [], path.name
                shown = page.locator("body").inner_text()
                assert "<img src=x onerror=" in shown or path.parent.name == "stories" or "index" in path.name, \
                    path.name  # the payload is on the page as text
                page.close()
        finally:
            browser.close()
