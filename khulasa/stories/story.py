"""One story: its articles (copies marked), summary, timeline and actors — and the function that makes it.

``make_story`` is the per-story function both engines run (the embedded one in-process, the Spark one
in ``applyInPandas`` on executors), so both give the same stories.  A story with several articles gets
the core summary (``khulasa.summarize``); a one-article story gets, by default, its lead: its first
sentences within the word budget, which for news is the standard strong baseline (Nenkova, "Automatic
text summarization of newswire: lessons learned from the Document Understanding Conference", 2005) and
much cheaper than the full summarizer, which matters when most of a corpus' stories are singletons.
A very large story is summarized from its ``summary_articles`` most central articles (and their copies);
its record still lists every article.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from khulasa.errors import NoArabicTextError, NoInputError
from khulasa.models import Article, SourceSpan, Summary, SummarySentence, TimelineEvent
from khulasa.options import SummaryOptions
from khulasa.render.json import to_dict
from khulasa.stories.cluster import Assignment
from khulasa.stories.options import StoryOptions

TITLE_CHARS = 120


@dataclass(frozen=True)
class StoryArticle:
    """An article of a story as listed in its record; ``duplicate_of`` names the article it copies."""

    id: str
    source: str | None
    title: str | None
    date: dt.date | None
    url: str | None
    duplicate_of: str | None
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
            "duplicate_of": self.duplicate_of,
            "similarity": round(self.similarity, 4),
        }


@dataclass(frozen=True)
class Story:
    """A story: its articles in clustering order (date, then id) and its summary.

    ``story_id`` is a hash of the first article's id, so it is the same on every run.  ``timeline``
    and ``actors`` (key actors, places and phrases) come from the summary.
    """

    story_id: str
    articles: tuple[StoryArticle, ...]
    summary: Summary

    @property
    def title(self) -> str:
        """The title of the article the summary starts with, else the first title, else the first words."""
        titles = {a.id: a.title for a in self.articles if a.title}
        if self.summary.sentences and titles.get(self.summary.sentences[0].article_id):
            return titles[self.summary.sentences[0].article_id]
        if titles:
            return next(iter(titles.values()))
        from khulasa.readable import can_open

        # never a quote continuation or a sentence whose speaker is in the sentence before it
        text = next((s.text for s in self.summary.sentences if can_open(s.text)), "")
        text = " ".join(text.split())
        return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"

    @property
    def first_date(self) -> dt.date | None:
        return min((a.date for a in self.articles if a.date), default=None)

    @property
    def last_date(self) -> dt.date | None:
        return max((a.date for a in self.articles if a.date), default=None)

    @property
    def outlets(self) -> tuple[str, ...]:
        """Outlets by number of articles (most first), then by name."""
        counts = Counter(a.source or a.id for a in self.articles)
        return tuple(sorted(counts, key=lambda o: (-counts[o], o)))

    @property
    def n_duplicates(self) -> int:
        return sum(1 for a in self.articles if a.duplicate_of)

    @property
    def timeline(self) -> tuple[TimelineEvent, ...]:
        return self.summary.timeline

    @property
    def actors(self) -> tuple:
        return self.summary.key_terms

    def to_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """The JSONL record (schema in ``docs/stories.md``).

        ``summary`` is the core's summary JSON (``khulasa.render.to_dict``) with its ``timeline`` and
        ``key_terms`` moved out to the record's ``timeline`` and ``actors`` (not repeated: they are
        the bulk of a large story's record), and without article texts unless ``include_text``.
        """
        summary = to_dict(self.summary)
        timeline = summary.pop("timeline")
        actors = summary.pop("key_terms")
        if not include_text:
            for article in summary["articles"]:
                article.pop("text", None)
        return {
            "story_id": self.story_id,
            "title": self.title,
            "first_date": _iso(self.first_date),
            "last_date": _iso(self.last_date),
            "n_articles": len(self.articles),
            "n_duplicates": self.n_duplicates,
            "outlets": list(self.outlets),
            "articles": [a.to_dict() for a in self.articles],
            "summary": summary,
            "timeline": timeline,
            "actors": actors,
        }


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def make_story(assignment: Assignment, articles: Sequence[Article], options: StoryOptions) -> Story:
    """Summarize one story; ``articles`` are its members' articles in the assignment's order."""
    if [a.id for a in articles] != [m.id for m in assignment.members]:
        raise ValueError(f"articles do not match the members of story {assignment.story_id}")
    listed = tuple(
        StoryArticle(a.id, a.source, a.title, a.date, a.url, m.duplicate_of, m.similarity)
        for a, m in zip(articles, assignment.members, strict=True)
    )
    chosen = summary_members(assignment, options.summary_articles)
    return Story(assignment.story_id, listed, summarize_story([articles[i] for i in chosen], options))


def summary_members(assignment: Assignment, limit: int) -> list[int]:
    """Positions of the members the summary is made from, in story order.

    All of them up to ``limit`` original articles; beyond, the first article and the originals most
    similar to the story when they joined.  Copies of a chosen article always come along: they cost
    little (their sentences fold into the same units) and make every copy a source.
    """
    members = assignment.members
    originals = [i for i, m in enumerate(members) if m.duplicate_of is None]
    if len(originals) > limit:
        ranked = sorted(originals[1:], key=lambda i: (-members[i].similarity, i))
        originals = [originals[0], *ranked[: limit - 1]]
    kept = {members[i].id for i in originals}
    chosen = set(originals) | {i for i, m in enumerate(members) if m.duplicate_of in kept}
    return sorted(chosen)


def summarize_story(articles: Sequence[Article], options: StoryOptions) -> Summary:
    """The core summary of a story's articles, or the lead of a one-article story (see the module doc)."""
    summary_options = options.summary_options()
    try:
        if len(articles) == 1 and options.singletons == "lead":
            return lead_summary(articles[0], summary_options)
        from khulasa.pipeline import summarize

        return summarize(articles, options=summary_options)
    except (NoArabicTextError, NoInputError):
        return Summary(sentences=(), articles=tuple(articles), options=summary_options)


def lead_summary(article: Article, options: SummaryOptions) -> Summary:
    """The article's first sentences within the budget, with timeline and key terms when asked.

    Raises ``NoArabicTextError`` when the article has no Arabic sentence.
    """
    from khulasa.dedup import each_alone
    from khulasa.pipeline import optional_steps
    from khulasa.segment import is_candidate, segment
    from khulasa.text.rules import display

    units = each_alone([s for s in segment(article) if is_candidate(s)])
    if not units:
        raise NoArabicTextError(1)
    chosen: list[SummarySentence] = []
    words = 0
    budget = options.budget
    for unit in units:
        s = unit.representative
        if budget.sentences is not None and len(chosen) >= budget.sentences:
            break
        if budget.words is not None and words + s.n_words > budget.words:
            if chosen:
                break
            continue  # a first sentence longer than the budget: try the next one
        span = SourceSpan(article_id=article.id, source=article.outlet, start=s.start, end=s.end)
        score = round(1.0 / (1 + len(chosen)), 4)
        text, edits = display(s.text)
        chosen.append(SummarySentence(text, (span,), score, unit.id, article.id, edits))
        words += s.n_words
    extras = optional_steps((article,), units, options)
    return Summary(
        sentences=tuple(chosen),
        articles=(article,),
        options=options,
        timeline=extras.timeline,
        key_terms=extras.key_terms,
        n_units=len(units),
        n_sentences=len(units),
        n_words=words,
    )
