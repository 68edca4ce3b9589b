"""Shared builders: state a test's input in a few lines."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from khulasa.models import Article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = ROOT / "examples" / "putin-erdogan"
SHARED_DATA = ROOT.parent / "shared" / "data"


def article(text: str, id: str = "a", *, source: str | None = None, date: str | None = None) -> Article:
    """An article from a string; ``date`` as ``YYYY-MM-DD``."""
    return Article(id=id, text=text, source=source, date=dt.date.fromisoformat(date) if date else None)


def cluster(*texts: str, date: str | None = None) -> list[Article]:
    """Articles ``a0``, ``a1``, ... from strings, outlets ``outlet0``, ``outlet1``, ..."""
    return [article(t, f"a{i}", source=f"outlet{i}", date=date) for i, t in enumerate(texts)]


@pytest.fixture(scope="session")
def example_dir() -> Path:
    return EXAMPLE_DIR


# --- Chromium (the browser tests) ------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]


def missing(reason: str) -> None:
    """Fail in CI, where the browser must be there; skip with the reason on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must install it: apt-get install -y chromium fonts-noto-core)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, one per test module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh right-to-left page for static files; any script error or console error (a CSP violation
    shows there too) fails the test.  tests/test_browser.py has its own, on the web server."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ar")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not problems, f"errors in the page (a CSP violation shows here too): {problems}"
