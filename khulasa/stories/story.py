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

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from khulasa.dedup import UnitForm, same_unit
from khulasa.errors import NoArabicTextError, NoInputError
from khulasa.models import (
    Article,
    Comparison,
    Quote,
    SourceSpan,
    Speaker,
    Summary,
    SummarySentence,
    TimelineEvent,
)
from khulasa.options import SummaryOptions
from khulasa.render.json import to_dict
from khulasa.stories.cluster import Assignment, Member, StoryEvent
from khulasa.stories.options import StoryOptions
from khulasa.stories.titles import can_title
from khulasa.text.normalize import count_words

TITLE_CHARS = 120
EVENT_SUMMARY_ARTICLES = 8
"""An event's summary is made from at most this many of its articles (the first and the closest)."""
UPDATE_POOL = 3
"""The update summary picks from a summary of the new articles this many times its budget long."""

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


def title_of(articles: Sequence[StoryArticle], summary: Summary) -> str:
    """The title of the article the summary starts with, else the first title, else the first summary
    sentence that may title a story (``titles.can_title``: no elided speaker, bare pronoun, quote
    continuation or dangling reporting verb), cut to ``TITLE_CHARS``; a title that may not is passed
    over the same way."""
    titles = {a.id: a.title for a in articles if a.title and can_title(a.title)}
    if summary.sentences and titles.get(summary.sentences[0].article_id):
        return titles[summary.sentences[0].article_id]
    if titles:
        return next(iter(titles.values()))
    texts = [s.text for s in summary.sentences]
    text = next((t for t in texts if can_title(t)), "")
    text = " ".join(text.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


def _first_date(articles: Sequence[StoryArticle]) -> dt.date | None:
    return min((a.date for a in articles if a.date), default=None)


def _last_date(articles: Sequence[StoryArticle]) -> dt.date | None:
    return max((a.date for a in articles if a.date), default=None)


def _outlets(articles: Sequence[StoryArticle]) -> tuple[str, ...]:
    """Outlets by number of articles (most first), then by name."""
    counts = Counter(a.source or a.id for a in articles)
    return tuple(sorted(counts, key=lambda o: (-counts[o], o)))


def _sentences(summary: Summary) -> list[dict[str, Any]]:
    return list(to_dict(summary)["sentences"])


VOICES = ("quotes", "speakers", "comparison")
"""The keys who said what and the outlet comparison add to a summary's JSON (``render.json.to_dict``,
with ``SummaryOptions.quotes`` and ``compare``); a record shows them beside its summary."""


def _voices(summary: Summary) -> dict[str, Any]:
    """The summary JSON's ``VOICES`` that its options asked for, in the summary's own shapes."""
    options = summary.options
    if options is None or not (options.quotes or options.compare):
        return {}
    doc = to_dict(summary)
    return {k: doc[k] for k in VOICES if k in doc}


@dataclass(frozen=True)
class Event:
    """An event of a story (a two-level clusterer's): its articles and its short summary.

    With ``StoryOptions.quotes``/``compare`` the summary carries the event's part of the story's quotes
    and comparison (``event_voices``): they are shown beside it in the record.
    """

    event_id: str
    articles: tuple[StoryArticle, ...]
    summary: Summary

    @property
    def title(self) -> str:
        return title_of(self.articles, self.summary)

    @property
    def first_date(self) -> dt.date | None:
        return _first_date(self.articles)

    @property
    def last_date(self) -> dt.date | None:
        return _last_date(self.articles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "title": self.title,
            "first_date": _iso(self.first_date),
            "last_date": _iso(self.last_date),
            "outlets": list(_outlets(self.articles)),
            "articles": [a.id for a in self.articles],
            "summary": {"sentences": _sentences(self.summary)},
            **_voices(self.summary),
        }

    def line(self) -> dict[str, Any]:
        """The event as a line of its story's timeline: its date, one line (its summary's first sentence
        that can open, else its title) and that sentence's sources."""
        sentences = _sentences(self.summary)
        first = next((s for s in sentences if can_title(s["text"])), sentences[0] if sentences else None)
        return {
            "event_id": self.event_id,
            "date": _iso(self.first_date),
            "end_date": _iso(self.last_date) if self.last_date != self.first_date else None,
            "text": first["text"] if first else self.title,
            "sources": first["sources"] if first else [],
        }


@dataclass(frozen=True)
class Update:
    """What a story's new articles add for a reader of its earlier ones (TAC 2008's update task):
    ``new_events`` (events whose first article is new) and ``summary`` (no unit already known)."""

    new_events: tuple[str, ...]
    summary: Summary | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "new_events": list(self.new_events),
            "update_summary": None if self.summary is None else {"sentences": _sentences(self.summary)},
        }


@dataclass(frozen=True)
class Story:
    """A story: its articles in clustering order (date, then id) and its summary.

    ``story_id`` is a hash of the first article's id, so it is the same on every run.  ``timeline``
    and ``actors`` (key actors, places and phrases) come from the summary.  ``events`` (from a
    two-level clusterer) are the story's events in time order; then the record's ``timeline`` is made
    of the events and the summary's dated expressions are its ``background``.  ``update`` is set in an
    update run or with ``since`` (see ``Update``).  With ``StoryOptions.quotes``/``compare`` the summary
    carries the story's quotes, speakers and comparison (``khulasa.voices``, as ``summarize`` makes
    them); the record shows them beside the summary, and each event its part (``event_voices``).
    """

    story_id: str
    articles: tuple[StoryArticle, ...]
    summary: Summary
    events: tuple[Event, ...] = ()
    update: Update | None = None

    @property
    def title(self) -> str:
        """The title of the article the summary starts with, else the first title, else the first words
        (never a sentence opening with a dangling reporting verb: ``title_of``)."""
        return title_of(self.articles, self.summary)

    @property
    def first_date(self) -> dt.date | None:
        return _first_date(self.articles)

    @property
    def last_date(self) -> dt.date | None:
        return _last_date(self.articles)

    @property
    def outlets(self) -> tuple[str, ...]:
        """Outlets by number of articles (most first), then by name."""
        return _outlets(self.articles)

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
        voices = {k: summary.pop(k) for k in VOICES if k in summary}
        if not include_text:
            for article in summary["articles"]:
                article.pop("text", None)
        record: dict[str, Any] = {
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
            **voices,
        }
        if self.events:
            record["events"] = [e.to_dict() for e in self.events]
            options = self.summary.options
            record["timeline"] = [e.line() for e in self.events] if options is None or options.timeline else []
            record["background"] = timeline
        if self.update is not None:
            record.update(self.update.to_dict())
        return record


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass(frozen=True)
class Earlier:
    """What the reader of an update has read: the story's earlier articles (``ids``) and the sentences
    of its earlier summaries (``sentences``: the story's and its events')."""

    ids: frozenset[str]
    sentences: tuple[str, ...] = ()


def story_words(options: StoryOptions, n_events: int) -> int:
    """The word budget of a story's summary: ``words``, and ``words / 4`` more for each event after the
    first, up to ``max_story_words`` (a 12-event story: 80 + 11 × 20 = 300, capped at 240 by default)."""
    return min(options.words + (options.words // 4) * max(0, n_events - 1), max(options.words, options.max_story_words))


def make_story(
    assignment: Assignment, articles: Sequence[Article], options: StoryOptions, earlier: Earlier | None = None,
    event_summaries: Mapping[str, Summary] | None = None,
) -> Story:
    """Summarize one story; ``articles`` are its members' articles in the assignment's order.

    With events (``assignment.events``) each event gets its own short summary (``event_words``) and the
    story's budget grows with its events (``story_words``).  ``earlier`` (or ``options.since``: the
    articles dated before it) makes the record say what is new (``Update``).

    ``event_summaries`` (event id -> ``event_summary``, made earlier, e.g. in a worker when the event
    closed; ``detached`` is enough) stand for those events' summaries: an event's summary depends on its
    members and their articles only, so the record is the same as when they are made here.
    """
    if [a.id for a in articles] != [m.id for m in assignment.members]:
        raise ValueError(f"articles do not match the members of story {assignment.story_id}")
    listed = tuple(
        StoryArticle(a.id, a.source, a.title, a.date, a.url, m.duplicate_of, m.similarity)
        for a, m in zip(articles, assignment.members, strict=True)
    )
    chosen = summary_members(assignment, options.summary_articles)
    words = story_words(options, len(assignment.events))
    story_options = options if words == options.words else _with(options, words=words)
    summary = summarize_story([articles[i] for i in chosen], story_options)
    made = event_summaries or {}
    events = tuple(_event(assignment, e, articles, listed, options, made.get(e.event_id)) for e in assignment.events)
    if options.quotes or options.compare:
        texts = {a.id: a.text for a in articles}
        events = tuple(
            dataclasses.replace(e, summary=event_voices(e.summary, summary, {a.id for a in e.articles}, texts))
            for e in events
        )
    if earlier is None and options.since is not None:
        since = dt.date.fromisoformat(options.since)
        earlier = Earlier(frozenset(a.id for a in articles if a.date is None or a.date < since))
    update = None if earlier is None else _update(assignment, articles, events, earlier, options)
    return Story(assignment.story_id, listed, summary, events, update)


def _with(options: StoryOptions, **changes: Any) -> StoryOptions:
    return StoryOptions.from_mapping({**options.to_dict(), **changes})


def _event(
    assignment: Assignment, event: StoryEvent, articles: Sequence[Article], listed: Sequence[StoryArticle],
    options: StoryOptions, made: Summary | None = None,
) -> Event:
    """One event with its summary (``event_summary``, or ``made``: that summary made earlier)."""
    members = [assignment.members[i] for i in event.positions]
    chosen = tuple(articles[event.positions[i]] for i in event_summary_members(members))
    summary = event_summary(chosen, options) if made is None else dataclasses.replace(made, articles=chosen)
    return Event(event.event_id, tuple(listed[i] for i in event.positions), summary)


def event_summary_members(members: Sequence[Member]) -> list[int]:
    """Positions of the members (an event's, in story order: by ``seq``) its summary is made from: at most
    ``EVENT_SUMMARY_ARTICLES`` originals (``summary_members``) and their copies."""
    return summary_members(Assignment("", 0, tuple(members)), EVENT_SUMMARY_ARTICLES)


def event_summary(articles: Sequence[Article], options: StoryOptions) -> Summary:
    """An event's summary, ``event_words`` words from the articles ``event_summary_members`` chose.

    It reads nothing else, so it is the same whenever and wherever it is made: an engine may make it
    when the event closes (in a worker) and give it to ``make_story`` with its ``articles`` left out
    (``detached``) when the story closes."""
    return summarize_story(articles, _with(
        options, words=options.event_words, timeline=False, key_terms=False, quotes=False, compare=False))


def detached(summary: Summary) -> Summary:
    """A summary without its articles, to hand over between processes (``make_story`` puts an event's
    back)."""
    return dataclasses.replace(summary, articles=())


def event_voices(event: Summary, story: Summary, ids: Collection[str], texts: Mapping[str, str]) -> Summary:
    """``event`` (an event's summary, made without quotes or comparison) with its part of ``story``'s:
    nothing is extracted again (one extraction per story).

    * quotes: the story's quotes that an article of the event reports, with those sources only (the text,
      verb and kind of the first of them, as ``quotes.extract_quotes`` takes its first report's); the
      ids are the story's, so an event's quote is found among the story's;
    * speakers: the story's speakers of those quotes, counted in the event;
    * comparison: ``compare.coverage`` and ``compare.exclusive`` of the event's own summary, and the
      story's disagreements that an article of the event gives a reading of, whole (each reading with
      all its outlets and times, so the figures before and after the event stay side by side).

    ``ids``: the event's articles (all of them, not only those its summary is made from); ``texts``:
    article id -> text, for a quote's text in the first article of the event reporting it.
    """
    from khulasa import compare

    story_options = story.options
    assert event.options is not None and story_options is not None
    options = dataclasses.replace(event.options, quotes=story_options.quotes, compare=story_options.compare)
    changes: dict[str, Any] = {"options": options}
    if options.quotes:
        changes["quotes"], changes["speakers"] = _quotes_in(story.quotes, story.speakers, ids, texts)
    if options.compare:
        disagreements = () if story.comparison is None else tuple(
            d for d in story.comparison.disagreements
            if any(s.article_id in ids for r in d.readings for s in r.sources)
        )
        changes["comparison"] = Comparison(compare.coverage(event), compare.exclusive(event), disagreements)
    return dataclasses.replace(event, **changes)


def _quotes_in(
    quotes: Sequence[Quote], speakers: Sequence[Speaker], ids: Collection[str], texts: Mapping[str, str]
) -> tuple[tuple[Quote, ...], tuple[Speaker, ...]]:
    """The quotes reported by the articles ``ids`` (those sources only) and their speakers, counted."""
    kept: list[Quote] = []
    for q in quotes:
        sources = tuple(s for s in q.sources if s.article_id in ids)
        if not sources:
            continue
        if len(sources) < len(q.sources):
            first = sources[0]
            q = dataclasses.replace(
                q, text=texts[first.article_id][first.start : first.end], kind=first.kind,
                verb=next((s.verb for s in sources if s.verb), None), sources=sources,
            )
        kept.append(q)
    mine: dict[int, list[Quote]] = {}
    for q in kept:
        if q.speaker_id is not None:
            mine.setdefault(q.speaker_id, []).append(q)
    counted = [
        dataclasses.replace(s, n_quotes=len(mine[s.id]),
                            articles=tuple(dict.fromkeys(a for q in mine[s.id] for a in q.articles)))
        for s in speakers if s.id in mine
    ]
    counted.sort(key=lambda s: (-s.n_quotes, s.id))
    return tuple(kept), tuple(counted)


def _update(
    assignment: Assignment, articles: Sequence[Article], events: Sequence[Event], earlier: Earlier,
    options: StoryOptions,
) -> Update:
    """The new events and the update summary of a story (``Update``).

    The new articles are summarized with a pool ``UPDATE_POOL`` times the budget; a sentence is kept
    only when it is no unit (``dedup.same_unit``) of an earlier article's sentences or of an earlier summary,
    in the summary's order, up to ``words``.
    """
    new = [i for i, a in enumerate(articles) if a.id not in earlier.ids]
    new_ids = {articles[i].id for i in new}
    new_events = tuple(e.event_id for e in events if e.articles and e.articles[0].id in new_ids)
    if not new:
        return Update(new_events, None)
    sub = Assignment(assignment.story_id, assignment.rank, tuple(assignment.members[i] for i in new))
    chosen = [new[i] for i in summary_members(sub, options.summary_articles)]
    pool = summarize_story([articles[i] for i in chosen], _with(
        options, words=min(options.words * UPDATE_POOL, MAX_UPDATE_POOL_WORDS), timeline=False, key_terms=False,
        quotes=False, compare=False))
    known = [UnitForm.of(t) for t in earlier.sentences]
    if len(known) < MAX_KNOWN_SENTENCES:
        from khulasa.segment import segment

        for article in articles:
            if article.id in earlier.ids:
                known += [UnitForm.of(s.text, s.terms) for s in segment(article) if s.terms]
    kept: list[SummarySentence] = []
    words = 0
    for sentence in pool.sentences:
        form = UnitForm.of(sentence.text)
        if not form.terms or any(same_unit(form, k) for k in known):
            continue
        n = count_words(sentence.text)
        if kept and words + n > options.words:
            break
        kept.append(sentence)
        words += n
    summary = Summary(sentences=tuple(kept), articles=pool.articles, options=pool.options)
    return Update(new_events, summary)


MAX_UPDATE_POOL_WORDS = 1000
MAX_KNOWN_SENTENCES = 100_000


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
        empty = Summary(sentences=(), articles=tuple(articles), options=summary_options)
        if not summary_options.compare:
            return empty
        from khulasa import compare

        return dataclasses.replace(empty, comparison=Comparison(compare.coverage(empty)))


def lead_summary(article: Article, options: SummaryOptions) -> Summary:
    """The article's first sentences within the budget, with timeline and key terms when asked.

    Raises ``NoArabicTextError`` when the article has no Arabic sentence.
    """
    from khulasa.dedup import each_alone
    from khulasa.pipeline import optional_steps
    from khulasa.segment import is_candidate, segment
    from khulasa.text.rules import display

    sentences = tuple(segment(article))
    units = each_alone([s for s in sentences if is_candidate(s)])
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
    summary = Summary(
        sentences=tuple(chosen),
        articles=(article,),
        options=options,
        timeline=extras.timeline,
        key_terms=extras.key_terms,
        n_units=len(units),
        n_sentences=len(units),
        n_words=words,
    )
    from khulasa import voices

    if not voices.wanted(options):
        return summary
    # Who said what and the comparison as the summarizer makes them (its one call; no focus here).
    import numpy as np

    prepared = voices.prepare((article,), sentences, units, np.zeros(len(units)), options)
    return voices.annotate(summary, prepared, sentences, units)
