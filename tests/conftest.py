"""Shared builders: state a test's input in a few lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
