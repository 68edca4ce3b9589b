"""Query focus: bias a story's salience toward a question, a speaker or an outlet.

Query-focused multi-document summarization in the manner of the DUC 2005-2007 task (Dang, "Overview of
DUC 2005"): the generic salience of each information unit is multiplied by a boost that grows with
the unit's relevance to the focus, so the selector (unchanged) prefers what the reader asked about
while every sentence stays an attributed copy of the sources.

* ``query``: set cosine of the query's stemmed terms (``normalize.terms``) with the unit's terms (all
  its members' terms: one outlet may word the asked-about fact differently);
* ``speaker``: the unit holds a statement of that speaker (``khulasa.quotes``);
* ``outlet``: one of the unit's sentences comes from that outlet.

With no focus the boost is 1 for every unit: the summary is exactly the generic one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from khulasa.errors import InvalidOptionsError
from khulasa.models import Article, InfoUnit
from khulasa.quotes import Quotes
from khulasa.text.normalize import normalize, terms


@dataclass(frozen=True)
class Focus:
    """What to focus on, checked once at construction.  ``weight`` scales every boost: a unit fully
    relevant to the query gets ``1 + weight`` times its generic salience."""

    query: str | None = None
    speaker: str | None = None
    outlet: str | None = None
    weight: float = 2.0

    def __post_init__(self) -> None:
        if not (isinstance(self.weight, int | float) and math.isfinite(self.weight) and self.weight >= 0):
            raise InvalidOptionsError(
                "focus_weight", self.weight, "must be a finite number >= 0", hint="try 2"
            )
        for name in ("query", "speaker", "outlet"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise InvalidOptionsError(name, value, "must be a non-empty string or left out")
        if self.query is not None and not terms(self.query):
            raise InvalidOptionsError(
                "query", self.query, "has no content words", hint="ask with names or nouns: 'روسيا سوريا'"
            )

    @property
    def empty(self) -> bool:
        return self.query is None and self.speaker is None and self.outlet is None


def _unit_terms(unit: InfoUnit) -> frozenset[str]:
    return frozenset(t for s in unit.sentences for t in s.terms)


def focus_boost(
    units: Sequence[InfoUnit],
    focus: Focus,
    *,
    articles: Sequence[Article] = (),
    quotes: Quotes | None = None,
) -> np.ndarray:
    """One multiplier >= 1 per unit (indexed by ``unit.id``) to apply to the units' salience.

    ``articles`` are needed for an ``outlet`` focus (outlet names), ``quotes`` for a ``speaker`` focus
    (``quotes.extract_quotes`` over the same articles).
    """
    boost = np.ones(max((u.id for u in units), default=-1) + 1)
    if focus.empty:
        return boost
    if focus.query is not None:
        wanted = frozenset(terms(focus.query))
        for u in units:
            have = _unit_terms(u)
            if have:
                boost[u.id] += focus.weight * len(wanted & have) / math.sqrt(len(wanted) * len(have))
    if focus.speaker is not None:
        if quotes is None:
            raise InvalidOptionsError("speaker", focus.speaker, "a speaker focus needs the story's quotes")
        said = {
            (s.article_id, s.sentence_index)
            for q in quotes.by_speaker(focus.speaker).quotes
            for s in q.sources
        }
        for u in units:
            if any((s.article_id, s.index) in said for s in u.sentences):
                boost[u.id] += focus.weight
    if focus.outlet is not None:
        wanted_outlet = normalize(focus.outlet)
        from_outlet = {a.id for a in articles if normalize(a.outlet) == wanted_outlet}
        if not from_outlet:
            known = sorted({a.outlet for a in articles})
            raise InvalidOptionsError(
                "outlet",
                focus.outlet,
                "no article of the story comes from it",
                hint=f"one of: {', '.join(known)}",
            )
        for u in units:
            if any(s.article_id in from_outlet for s in u.sentences):
                boost[u.id] += focus.weight
    return boost
