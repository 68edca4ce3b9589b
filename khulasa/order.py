"""Put chosen units in a readable order.

Ordering key (documented in the README): the unit's *anchor* — its sentence in the earliest article
that reports it, by publication date (unknown dates last), then input order — and then the anchor's
position in that article.  News told in publication order reads as a story; within one article the
original order keeps the discourse intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from khulasa.models import Article, InfoUnit, Sentence


def article_rank(articles: Sequence[Article]) -> dict[str, tuple[dt.date, int]]:
    """Reading-order key of each article: (publication date or date.max, input position)."""
    return {a.id: (a.date or dt.date.max, i) for i, a in enumerate(articles)}


def anchor(unit: InfoUnit, rank: dict[str, tuple[dt.date, int]]) -> Sentence:
    """The unit's sentence in the earliest article (date, input order) that reports it."""
    return min(unit.sentences, key=lambda s: (rank.get(s.article_id, (dt.date.max, 1 << 30)), s.index))


def order_units(units: Sequence[InfoUnit], articles: Sequence[Article]) -> list[InfoUnit]:
    rank = article_rank(articles)

    def key(unit: InfoUnit) -> tuple[dt.date, int, int, int]:
        s = anchor(unit, rank)
        date, pos = rank.get(s.article_id, (dt.date.max, 1 << 30))
        return (date, pos, s.index, unit.id)

    return sorted(units, key=key)
