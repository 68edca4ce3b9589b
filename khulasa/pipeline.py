"""``summarize``: articles -> sentences -> information units -> scores -> selection -> order -> Summary."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from khulasa import dedup, order, score, select
from khulasa.errors import InvalidOptionsError, NoArabicTextError, NoInputError
from khulasa.models import (
    Article,
    DuplicateGroup,
    InfoUnit,
    Sentence,
    SourceSpan,
    Summary,
    SummarySentence,
)
from khulasa.options import SummaryOptions
from khulasa.segment import segment
from khulasa.text.normalize import count_words, word_spans

log = logging.getLogger(__name__)

MANY_STORIES_ARTICLES = 30
MANY_STORIES_COHERENCE = 0.28
"""An input of at least ``MANY_STORIES_ARTICLES`` (non-duplicate) articles whose mean cosine to their
centroid (``score.UnitScores.coherence``) is below ``MANY_STORIES_COHERENCE`` is many stories, and
``summarize`` says so.  Measured on ANT: random mixes of 50, 100, 300 and 1,000 articles score
0.25-0.26, 0.23-0.24, 0.21-0.22 and 0.20 (five draws each, one of 1,000); the 194 stories of 5 or
more articles that ``khulasa stories`` finds in the first 6,519 score at least 0.33 (0.37 from 10 to 19
articles, 0.46 from 5 to 9); the example cluster 0.66."""


@dataclass(frozen=True)
class Analysis:
    """What every summary of a cluster starts from: its sentences, units and duplicate articles."""

    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...]
    units: tuple[InfoUnit, ...]
    duplicates: tuple[DuplicateGroup, ...]
    terms: dedup.TermIds
    """Candidate sentences' terms as ids; ``rows`` gives each candidate's row by (article id, index)."""
    counts: sparse.csr_matrix
    """Candidate sentence x term counts, rows as in ``terms``."""
    rows: dict[tuple[str, int], int]

    @property
    def canonical(self) -> dict[str, str]:
        """Duplicate article id -> the id of the article it copies."""
        return {d: g.kept for g in self.duplicates for d in g.duplicates}


def as_articles(articles: Iterable[Article | str]) -> tuple[Article, ...]:
    """The articles, with a plain string taken as the text of an article ``article-N`` (N counts the
    inputs from 1, as the HTTP service names articles without an id)."""
    out = []
    for i, a in enumerate(articles, start=1):
        if isinstance(a, str):
            a = Article(id=f"article-{i}", text=a)
        elif not isinstance(a, Article):
            raise InvalidOptionsError(
                "articles", type(a).__name__, "not an Article or a string", hint="give khulasa.Article or str items"
            )
        out.append(a)
    return tuple(out)


def analyze(articles: Iterable[Article | str]) -> Analysis:
    """Segment, group near-identical sentences and find copied articles.

    Raises ``NoInputError`` for no articles and ``NoArabicTextError`` when no sentence is Arabic.
    """
    if isinstance(articles, str | Article):
        raise InvalidOptionsError(
            "articles", type(articles).__name__, "give a list of articles", hint="e.g. summarize([text])"
        )
    arts = as_articles(articles)
    if not arts:
        raise NoInputError("no articles to summarize", hint="give at least one file, directory or '-'")
    seen: set[str] = set()
    for a in arts:
        if a.id in seen:
            raise InvalidOptionsError(
                "articles", a.id, "two articles have this id", hint="give every article its own id"
            )
        seen.add(a.id)
    sentences = tuple(s for a in arts for s in segment(a))
    candidates = [s for s in sentences if not s.is_heading and s.terms and s.is_arabic]
    if not candidates:
        raise NoArabicTextError(len(arts))
    terms = dedup.TermIds.of([s.terms for s in candidates])
    counts = terms.counts()
    rows = {(s.article_id, s.index): i for i, s in enumerate(candidates)}
    units = dedup.group_sentences(candidates, arts, counts=counts)
    return Analysis(arts, sentences, units, dedup.duplicate_articles(arts, units), terms, counts, rows)


def _sources(unit: InfoUnit, articles: dict[str, Article], rank: dict[str, tuple]) -> tuple[SourceSpan, ...]:
    members = sorted(unit.sentences, key=lambda s: (rank[s.article_id], s.index))
    return tuple(
        SourceSpan(article_id=s.article_id, source=articles[s.article_id].outlet, start=s.start, end=s.end)
        for s in members
    )


def _cut_to_budget(
    unit: InfoUnit, scores: score.UnitScores, words: int, articles: dict[str, Article], rank: dict[str, tuple]
) -> SummarySentence:
    """When no sentence fits the word budget (text without punctuation is one long "sentence"), show
    the best one cut at a word boundary; its span in the displayed article is cut to match."""
    rep = unit.representative
    ends = [end for _, end in word_spans(rep.text)]
    cut = rep.text[: ends[min(words, len(ends)) - 1]]
    spans = _sources(unit, articles, rank)
    shown = SourceSpan(rep.article_id, articles[rep.article_id].outlet, rep.start, rep.start + len(cut))
    return SummarySentence(
        text=cut,
        sources=tuple(shown if (s.article_id, s.start) == (rep.article_id, rep.start) else s for s in spans),
        score=round(float(scores.score[unit.id]), 4),
        unit_id=unit.id,
        article_id=rep.article_id,
    )


def summarize(
    articles: Iterable[Article | str],
    words: int | None = None,
    sentences: int | None = None,
    *,
    options: SummaryOptions | None = None,
) -> Summary:
    """Summarize one story told by several articles.

    ``articles`` are ``Article`` values or plain strings (the texts of articles ``article-1``,
    ``article-2``, ...).  Give a budget as ``words`` or ``sentences`` (default 120 words), or a full
    ``SummaryOptions``.  Every summary sentence is a sentence of the input, attributed to every article
    that reports it or a near-identical rewrite of it.  An input that is clearly many stories is
    summarized all the same, with a warning (logged) that points to ``khulasa stories``.
    """
    if options is None:
        options = SummaryOptions(words=words, sentences=sentences)
    elif words is not None or sentences is not None:
        options = SummaryOptions.from_mapping({**options.to_dict(), "words": words, "sentences": sentences})
    analysis = analyze(articles)
    units = analysis.units
    canonical = analysis.canonical
    members = score.UnitMembers.of(units, canonical)
    scores = score.score_units(units, canonical, counts=analysis.counts, rows=analysis.rows, members=members)
    concepts = score.concepts(units, canonical, terms=analysis.terms, rows=analysis.rows, members=members)
    if len(members.articles) >= MANY_STORIES_ARTICLES and scores.coherence < MANY_STORIES_COHERENCE:
        log.warning(
            "these %d articles look like many stories, not one (mean similarity to their centroid %.2f, "
            "below %.2f): the summary covers a few of them; `khulasa stories` groups them into stories "
            "and summarizes each",
            len(members.articles), scores.coherence, MANY_STORIES_COHERENCE,
        )
    lengths = np.array([u.representative.n_words for u in units])
    budget = select.Budget(words=options.words, sentences=options.sentences)
    # Redundancy matters only among the units the selector will consider.
    pool = select.candidate_pool(scores.score, lengths, budget)
    pool_rows = [
        analysis.rows[(units[i].representative.article_id, units[i].representative.index)] for i in pool
    ]
    conflicts = [
        (pool[i], pool[j])
        for i, j in dedup.few_similar_pairs(analysis.terms.rows(pool_rows), options.redundancy)
    ]
    chosen = select.select(
        scores.score,
        lengths,
        conflicts,
        concepts.weights,
        concepts.occurrences,
        budget,
    )
    by_id = {a.id: a for a in analysis.articles}
    rank = order.article_rank(analysis.articles)
    ordered = order.order_units([units[i] for i in chosen], analysis.articles)
    summary_sentences = tuple(
        SummarySentence(
            text=u.representative.text,
            sources=_sources(u, by_id, rank),
            score=round(float(scores.score[u.id]), 4),
            unit_id=u.id,
            article_id=u.representative.article_id,
        )
        for u in ordered
    )
    if not summary_sentences and options.words is not None:
        summary_sentences = (
            _cut_to_budget(units[int(np.argmax(scores.score))], scores, options.words, by_id, rank),
        )
    timeline: tuple = ()
    if options.timeline:
        from khulasa.timeline import extract_timeline

        timeline = extract_timeline(analysis.articles, units)
    key_terms: tuple = ()
    if options.key_terms:
        from khulasa.keyterms import key_terms as find_key_terms

        key_terms = find_key_terms(analysis.articles, units)
    return Summary(
        sentences=summary_sentences,
        articles=analysis.articles,
        options=options,
        duplicates=analysis.duplicates,
        timeline=timeline,
        key_terms=key_terms,
        n_units=len(units),
        n_sentences=sum(len(u.sentences) for u in units),
        n_words=sum(count_words(s.text) for s in summary_sentences),
    )
