"""``summarize``: articles -> sentences -> information units -> scores -> selection -> order -> Summary."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from khulasa import dedup, order, readable, score, select, voices
from khulasa.errors import InvalidOptionsError, NoArabicTextError, NoInputError
from khulasa.models import (
    Article,
    DuplicateGroup,
    InfoUnit,
    KeyTerm,
    Sentence,
    SourceSpan,
    Summary,
    SummarySentence,
    TimelineEvent,
)
from khulasa.options import SummaryOptions
from khulasa.segment import is_candidate, segment
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
    terms: dedup.SentenceTerms
    """The candidate sentences' terms, which ``score`` and ``select`` reuse."""

    @property
    def canonical(self) -> dict[str, str]:
        """Duplicate article id -> the id of the article it copies."""
        return {d: g.kept for g in self.duplicates for d in g.duplicates}


@dataclass(frozen=True)
class Extras:
    """The optional parts of a summary (``SummaryOptions.timeline``, ``key_terms``)."""

    timeline: tuple[TimelineEvent, ...] = ()
    key_terms: tuple[KeyTerm, ...] = ()


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
    candidates = [s for s in sentences if is_candidate(s)]
    if not candidates:
        raise NoArabicTextError(len(arts))
    terms = dedup.SentenceTerms.of(candidates)
    units = dedup.group_sentences(candidates, arts, counts=terms.counts)
    return Analysis(arts, sentences, units, dedup.duplicate_articles(arts, units), terms)


def _sources(unit: InfoUnit, articles: dict[str, Article], rank: dict[str, tuple]) -> tuple[SourceSpan, ...]:
    members = sorted(unit.sentences, key=lambda s: (rank[s.article_id], s.index))
    return tuple(
        SourceSpan(article_id=s.article_id, source=articles[s.article_id].outlet, start=s.start, end=s.end)
        for s in members
    )


def _shown(
    item: readable.Shown, articles: dict[str, Article], rank: dict[str, tuple], score: float
) -> SummarySentence:
    """The summary sentence of ``item.unit`` showing its member ``item.sentence`` (exact span; display
    edits and inserted words listed: ``readable.show``)."""
    text, edits, inserted = readable.show(item, articles)
    return SummarySentence(
        text=text, sources=_sources(item.unit, articles, rank), score=round(score, 4), unit_id=item.unit.id,
        article_id=item.sentence.article_id, edits=edits, inserted=inserted,
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
    options = _options(options, words, sentences)
    analysis = analyze(articles)
    canonical = analysis.canonical
    members = score.UnitMembers.of(analysis.units, canonical, analysis.terms)
    scores = score.score_units(analysis.units, canonical, terms=analysis.terms, members=members)
    concepts = score.concepts(analysis.units, canonical, terms=analysis.terms, members=members)
    _warn_if_many_stories(len(members.articles), scores.coherence)
    # Every shown sentence readable where it stands (khulasa.readable): readable representatives, pairs.
    ready = readable.plan(analysis.units, pairs=options.sentences is None)
    units = ready.units
    salience, voice = scores.score, None
    if voices.wanted(options):  # quotes, outlet comparison, focus (docs/quotes.md)
        voice = voices.prepare(analysis.articles, analysis.sentences, units, scores.score, options)
        salience = voice.salience
    rank = order.article_rank(analysis.articles)
    shown = _choose(ready, salience, concepts, analysis, rank, options)
    summary_sentences = _summary_sentences(shown, ready, analysis.articles, rank, scores, options)
    extras = optional_steps(analysis.articles, units, options)
    summary = Summary(
        sentences=summary_sentences,
        articles=analysis.articles,
        options=options,
        duplicates=analysis.duplicates,
        timeline=extras.timeline,
        key_terms=extras.key_terms,
        n_units=len(units),
        n_sentences=sum(len(u.sentences) for u in units),
        n_words=sum(count_words(s.text) for s in summary_sentences),
    )
    return summary if voice is None else voices.annotate(summary, voice, analysis.sentences, units)


def _options(options: SummaryOptions | None, words: int | None, sentences: int | None) -> SummaryOptions:
    if options is None:
        return SummaryOptions(words=words, sentences=sentences)
    if words is not None or sentences is not None:
        return SummaryOptions.from_mapping({**options.to_dict(), "words": words, "sentences": sentences})
    return options


def _warn_if_many_stories(n_articles: int, coherence: float) -> None:
    if n_articles >= MANY_STORIES_ARTICLES and coherence < MANY_STORIES_COHERENCE:
        log.warning(
            "these %d articles look like many stories, not one (mean similarity to their centroid %.2f, "
            "below %.2f): the summary covers a few of them; `khulasa stories` groups them into stories "
            "and summarizes each",
            n_articles, coherence, MANY_STORIES_COHERENCE,
        )


def _choose(
    ready: readable.Readability,
    salience: np.ndarray,
    concepts: score.Concepts,
    analysis: Analysis,
    rank: dict[str, tuple[dt.date, int]],
    options: SummaryOptions,
) -> list[readable.Shown]:
    """Select (``khulasa.select``), order (``khulasa.order``) and arrange (``readable.arrange``) the
    units of ``ready``.  A unit given a speaker's name counts the name's words in the budget; when the
    arranged summary does not show a chosen unit's name (the sentence before it names the speaker:
    ``readable.named_before``), the selection runs once more without those names' words, and its
    summary is kept if the words it shows (``readable.shown_words``) fit the budget."""
    lengths = select.lengths(ready.units)

    def run(unnamed: frozenset[int]) -> list[readable.Shown]:
        program = readable.problem(ready, salience, lengths, concepts.occurrences, unnamed=unnamed)
        joined = functools.partial(program.pair_conflicts, ready)
        chosen = select.select(ready.units, program, concepts, analysis.terms, options, joined=joined)
        ordered = order.order_units([ready.units[i] for i in chosen], analysis.articles)
        return readable.arrange(ordered, ready, rank)

    shown = run(frozenset())
    words = options.budget.words
    unnamed = readable.unshown_names(shown, ready) if words is not None else frozenset()
    if words is None or not unnamed:
        return shown
    again = run(unnamed)
    return again if readable.shown_words(again) <= words else shown


def _summary_sentences(
    items: Sequence[readable.Shown],
    ready: readable.Readability,
    articles: Sequence[Article],
    rank: dict[str, tuple[dt.date, int]],
    scores: score.UnitScores,
    options: SummaryOptions,
) -> tuple[SummarySentence, ...]:
    """The arranged units (``_choose``) as summary sentences in reading order, each with every
    source; when nothing fits a word budget, the best unit cut to it (``_cut_to_budget``)."""
    by_id = {a.id: a for a in articles}
    shown = tuple(_shown(item, by_id, rank, float(scores.score[item.unit.id])) for item in items)
    if not shown and options.words is not None:
        best = ready.units[int(np.argmax(scores.score))]
        shown = (_cut_to_budget(best, scores, options.words, by_id, rank),)
    return shown


def optional_steps(articles: Sequence[Article], units: Sequence[InfoUnit], options: SummaryOptions) -> Extras:
    """The timeline and key terms of ``units`` when ``options`` ask for them (the summary's and the
    stories' lead summary's one place for them); imported only then."""
    timeline: tuple[TimelineEvent, ...] = ()
    if options.timeline:
        from khulasa.timeline import extract_timeline

        timeline = extract_timeline(articles, units)
    key_terms: tuple[KeyTerm, ...] = ()
    if options.key_terms:
        from khulasa.keyterms import key_terms as find_key_terms

        key_terms = find_key_terms(articles, units)
    return Extras(timeline, key_terms)
