"""Who said what and how the outlets differ, for one summary: the pipeline's one call into the quotes,
comparison and focus analyses (``docs/quotes.md``).

``prepare`` runs before selection: the story's quotes (when ``SummaryOptions.quotes`` or a ``speaker``
focus asks for them) and the focused salience (``khulasa.focus``; the generic one when no focus is
given).  ``annotate`` runs on the finished summary: its quotes and speakers (only ``speaker``'s when one
is given) and, with ``SummaryOptions.compare``, the outlet comparison.  Both reuse what
``pipeline.analyze`` made (sentences, information units) and share one folded copy of each article
between quotes and disagreements.  With none of these options the pipeline never calls them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from khulasa import compare, focus, quotes
from khulasa.models import Article, Comparison, InfoUnit, Sentence, Summary
from khulasa.options import SummaryOptions
from khulasa.text.fold import Folded


@dataclass(frozen=True)
class Prepared:
    """What ``prepare`` found before selection, for ``annotate`` after it."""

    salience: np.ndarray
    """The units' salience to select by (indexed by unit id): the generic one times the focus boost."""
    quotes: quotes.Quotes | None
    folded: dict[str, Folded] = field(default_factory=dict, compare=False, hash=False)


def wanted(options: SummaryOptions) -> bool:
    """Whether any of the quotes, comparison or focus options is set."""
    return options.quotes or options.compare or options.focused


def prepare(
    articles: Sequence[Article],
    sentences: Sequence[Sentence],
    units: Sequence[InfoUnit],
    salience: np.ndarray,
    options: SummaryOptions,
) -> Prepared:
    """The story's quotes (when asked for or needed by a speaker focus) and the salience to select by.

    Raises ``InvalidOptionsError`` for a query without content words or an outlet no article comes from.
    """
    folded: dict[str, Folded] = {}
    found = None
    if options.quotes or options.speaker is not None:
        found = quotes.extract_quotes(articles, sentences, folded=folded)
    if options.focused:
        wish = focus.Focus(
            query=options.query, speaker=options.speaker, outlet=options.outlet, weight=options.focus_weight
        )
        boost = focus.focus_boost(units, wish, articles=articles, quotes=found)
        salience = salience * boost[: len(salience)]
    return Prepared(salience, found, folded)


def annotate(
    summary: Summary,
    prepared: Prepared,
    sentences: Sequence[Sentence],
    units: Sequence[InfoUnit],
) -> Summary:
    """``summary`` with its quotes, speakers and outlet comparison, as the options ask."""
    options = summary.options
    assert options is not None
    changes: dict = {}
    if options.quotes and prepared.quotes is not None:
        found = prepared.quotes
        if options.speaker is not None:
            found = found.by_speaker(options.speaker)
        changes["quotes"] = found.quotes
        changes["speakers"] = found.speakers
    if options.compare:
        changes["comparison"] = Comparison(
            coverage=compare.coverage(summary),
            exclusive=compare.exclusive(summary, sentences),
            disagreements=compare.disagreements(summary.articles, sentences, units, folded=prepared.folded),
        )
    return dataclasses.replace(summary, **changes)
