"""Screenshots for the docs (``docs/img/``): the demo HTML page and the web page with its example, each with
a sentence that several outlets report selected, so its badge and its marks in each source show.

    python benchmarks/screenshots.py            # needs /usr/bin/chromium, playwright and the [serve] extra

The demo page is ``khulasa summarize examples/putin-erdogan --words 300 --timeline --key-terms -f html``
(the README's example); the web page is ``khulasa serve`` on a free loopback port with "load example".
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import khulasa
from khulasa import render
from khulasa.options import SummaryOptions

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "putin-erdogan"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
VIEWPORT = {"width": 1200, "height": 1000}


def several_outlets(page: Any, selector: str) -> int:
    """The index of the first sentence whose badge names more than one outlet (else the first)."""
    badges = page.locator(selector).all_text_contents()
    return next((i for i, text in enumerate(badges) if text != "مصدر واحد"), 0)


def demo_page(browser: Any, out: Path) -> None:
    options = SummaryOptions(words=300, timeline=True, key_terms=True)
    summary = khulasa.summarize(khulasa.load([str(EXAMPLE)]), options=options)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "summary.html"
        path.write_text(render.to_html(summary), encoding="utf-8")
        page = browser.new_page(viewport=VIEWPORT, locale="ar")
        page.goto(path.as_uri())
        page.locator(".sentence").nth(several_outlets(page, ".sentence .badge")).click()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(out / "demo-summary.png"))
        page.locator("#timeline").screenshot(path=str(out / "demo-timeline.png"))
        page.close()


def web_page(browser: Any, out: Path) -> None:
    import uvicorn

    from khulasa.serve.app import create_app
    from khulasa.serve.settings import ServeSettings

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(ServeSettings(port=port)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="ar")
        page.goto(f"http://127.0.0.1:{port}/")
        page.click("#load-example")
        with page.expect_response("**/v1/summarize"):
            page.click("#summarize")
        page.wait_for_selector("#result:not([hidden])")
        page.locator("#sentences .badge").nth(several_outlets(page, "#sentences .badge")).click()
        page.evaluate("document.getElementById('result').scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "web-example.png"))
        page.locator("#timeline-section").screenshot(path=str(out / "web-timeline.png"))
        page.locator("#sources").screenshot(path=str(out / "web-sources.png"))
        page.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            demo_page(browser, args.out)
            web_page(browser, args.out)
        finally:
            browser.close()
    for path in sorted(args.out.glob("*.png")):
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
