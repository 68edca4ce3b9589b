"""Khulasa (خلاصة): attributed Arabic multi-document news summaries.

    >>> import khulasa
    >>> articles = khulasa.load(["examples/putin-erdogan"])
    >>> summary = khulasa.summarize(articles, words=120)
    >>> print(khulasa.render.to_text(summary))
"""

from __future__ import annotations

from khulasa import render
from khulasa._version import __version__
from khulasa.errors import (
    InvalidOptionsError,
    KhulasaError,
    NoArabicTextError,
    NoInputError,
    UnreadableFileError,
)
from khulasa.ingest import load
from khulasa.models import Article, InfoUnit, Sentence, SourceSpan, Summary, SummarySentence
from khulasa.options import SummaryOptions
from khulasa.pipeline import summarize

__all__ = [
    "Article",
    "InfoUnit",
    "InvalidOptionsError",
    "KhulasaError",
    "NoArabicTextError",
    "NoInputError",
    "Sentence",
    "SourceSpan",
    "Summary",
    "SummaryOptions",
    "SummarySentence",
    "UnreadableFileError",
    "__version__",
    "load",
    "render",
    "summarize",
]
