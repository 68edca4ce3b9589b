"""The systems under evaluation by name: Khulasa and the baselines (``khulasa.eval.baselines``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from khulasa.eval import baselines
from khulasa.models import Article
from khulasa.options import SummaryOptions

System = Callable[[Sequence[Article], SummaryOptions], str]
"""A summarizer under evaluation: articles and a budget in, summary text out."""


def _khulasa(articles: Sequence[Article], options: SummaryOptions) -> str:
    from khulasa.pipeline import summarize

    return summarize(articles, options=options).text


def get_system(name: str) -> System:
    """``khulasa``, a baseline (``lead``, ``random``, ``lexrank``, ...), or ``random:SEED``."""
    if name == "khulasa":
        return _khulasa
    return baselines.get(name)


SYSTEM_NAMES = ("khulasa", *baselines.NAMES)
DEFAULT_SYSTEMS = ("khulasa", "lead", "random")


