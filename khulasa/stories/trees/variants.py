"""Spelling variants folded into one key before the story trees weigh terms and names.

Arabic news spells foreign names several ways, one per outlet (ترامب/ترمب, بوتين/بوتن, أمريكا/أميركا),
so two reports of one happening may share a name but no key.  ``data/story_trees_variants.tsv`` maps a
variant's stem (``t`` lines) or folded name (``e`` lines) to the more frequent spelling's; it was mined
from the archive by ``benchmarks/stories_trees_variants.py`` (same skeleton, used instead of each other:
seldom in one article, among the same words).  ``fold`` applies it to an article's features and
signals, in the clusterer and in the document-frequency prior alike.
"""

from __future__ import annotations

import dataclasses
import functools
from importlib import resources

from khulasa.stories.features import ArticleFeatures
from khulasa.stories.signals import EventSignals

VARIANTS_FORMAT = "khulasa story-trees variants v1"


@dataclasses.dataclass(frozen=True)
class Variants:
    terms: dict[str, str]
    entities: dict[str, str]


@functools.lru_cache(maxsize=1)
def load() -> Variants:
    """The shipped table (cached)."""
    text = resources.files("khulasa").joinpath("data/story_trees_variants.tsv").read_text(encoding="utf-8")
    terms: dict[str, str] = {}
    entities: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, source, target = line.split("\t")[:3]
        (terms if kind == "t" else entities)[source] = target
    return Variants(_to_the_end(terms), _to_the_end(entities))


def _to_the_end(table: dict[str, str]) -> dict[str, str]:
    """``table`` with its chains followed to their end (دانيلز -> دانيالز -> دانييلز: دانيلز -> دانييلز)."""
    out = {}
    for source in table:
        seen = {source}
        target = table[source]
        while target in table and table[target] not in seen:
            seen.add(target)
            target = table[target]
        out[source] = target
    return out


def _fold_weighted(names: tuple[str, ...], weights: tuple[float, ...], table: dict[str, str]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Sorted distinct names with their weights, variants folded (two forms of one term: the larger weight)."""
    out: dict[str, float] = {}
    for name, weight in zip(names, weights, strict=True):
        key = table.get(name, name)
        if weight > out.get(key, 0.0):
            out[key] = weight
    ordered = sorted(out)
    return tuple(ordered), tuple(out[t] for t in ordered)


def _fold_set(names: tuple[str, ...], table: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted({table.get(n, n) for n in names}))


def fold(f: ArticleFeatures, s: EventSignals, variants: Variants | None = None) -> tuple[ArticleFeatures, EventSignals]:
    """``f`` and ``s`` with their spelling variants folded (the same objects when none occurs)."""
    v = variants or load()
    terms = v.terms
    if terms.keys().isdisjoint(f.terms) and terms.keys().isdisjoint(s.lead_terms) and terms.keys().isdisjoint(
        s.title
    ) and v.entities.keys().isdisjoint(s.entities):
        return f, s
    names, weights = _fold_weighted(f.terms, f.weights, terms)
    lead, lead_weights = _fold_weighted(s.lead_terms, s.lead_weights, terms)
    folded_f = dataclasses.replace(f, terms=names, weights=weights)
    folded_s = dataclasses.replace(
        s,
        title=_fold_set(s.title, terms),
        entities=_fold_set(s.entities, v.entities),
        lead_terms=lead,
        lead_weights=lead_weights,
    )
    return folded_f, folded_s
