"""``StoryOptions``: how articles are grouped into stories and how each story is summarized."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from khulasa.errors import InvalidOptionsError
from khulasa.options import MAX_WORDS, SummaryOptions, flag, fraction, from_mapping, whole

SINGLETON_MODES = ("lead", "full")
CLUSTERERS: dict[str, str] = {
    "flat": "khulasa.stories.cluster:StoryClusterer",
    "trees": "khulasa.stories.tree_clusterer:TreeStories",
}
"""Clusterer name -> ``module:factory``, a factory ``(StoryOptions, DocumentFrequencies) -> Clusterer``
(``khulasa.stories.cluster.Clusterer``); every engine builds the one ``StoryOptions.clusterer`` names
(``khulasa.stories.cluster.new_clusterer``), imported only then."""
EARLIER_DEFAULTS: dict[str, Any] = {"clusterer": "flat"}
"""Options whose default changed, with the value a run had before the option existed: a saved run
without ``clusterer`` ran the flat clusterer (the trees became the default later)."""
MAX_DAYS = 3660
"""The longest time window or story span, in days (ten years): keeps every date computation in range."""
MAX_ARTICLES = 100_000_000
"""The largest article count an option may name (story sizes, idle articles)."""
MAX_SUMMARY_ARTICLES = 10_000


@dataclass(frozen=True)
class StoryOptions:
    """How to find and summarize stories; validated once, at construction.

    Clustering: an article joins the most similar open story when their cosine similarity (stemmed
    TF-IDF) is at least ``threshold`` and it was published at most ``window_days`` after the story's
    latest article; a story that gets nothing new for ``window_days`` closes, and so does one that
    began more than ``max_days`` ago (continuous coverage such as a war would otherwise chain into one
    story for months; it becomes successive stories instead).  Undated input has no
    clock, so a story closes after ``idle_articles`` articles without a new member.  A story that
    reaches ``max_size`` articles closes at once (later articles start a new one).
    ``duplicate_threshold`` is the estimated Jaccard similarity of word shingles above which an
    article is a copy of an earlier one (MinHash).

    Output: stories smaller than ``min_size`` are not written.  Each story gets a summary of about
    ``words`` words plus its ``timeline`` and ``key_terms`` (actors, places, phrases), made from at
    most ``summary_articles`` of its articles (the most central ones, plus their copies).  ``singletons``
    says how a one-article story is summarized: ``"lead"`` (its first sentences, cheap) or
    ``"full"`` (the same summarizer as for larger stories).

    ``clusterer`` names the clusterer every engine runs (``CLUSTERERS``): ``"flat"``, the online
    TF-IDF clustering of ``khulasa.stories.cluster`` (``window_days``, ``max_days``, ``threshold``,
    ``max_size`` and ``idle_articles`` are its own), or ``"trees"``, events inside stories
    (``khulasa.stories.trees``, docs/story-trees.md).  With events, each event gets a summary of
    ``event_words`` words and the story's summary grows by ``words / 4`` words per event after the first,
    up to ``max_story_words`` (``story.story_words``).

    ``since`` (an ISO date) makes every record say what is new since that day: ``new_events`` and an
    ``update_summary`` of the articles dated from then on, without what the earlier ones reported.

    ``quotes`` and ``compare`` are the summary's switches (``SummaryOptions``, docs/quotes.md): each record
    gains the story's ``quotes`` and ``speakers`` (who said what) and its outlet ``comparison``, made once
    per story from the articles its summary is made from; each event takes its part of them by article
    (``story.Event``).
    """

    window_days: int = 3
    max_days: int = 14
    threshold: float = 0.15
    duplicate_threshold: float = 0.7
    min_size: int = 1
    max_size: int = 300
    idle_articles: int = 5000
    words: int = 80
    summary_articles: int = 20
    timeline: bool = True
    key_terms: bool = True
    singletons: str = "lead"
    clusterer: str = "trees"
    event_words: int = 40
    max_story_words: int = 240
    since: str | None = None
    quotes: bool = False
    compare: bool = False

    def __post_init__(self) -> None:
        whole("window_days", self.window_days, minimum=0, maximum=MAX_DAYS)
        whole("max_days", self.max_days, minimum=1, maximum=MAX_DAYS)
        whole("min_size", self.min_size, minimum=1, maximum=MAX_ARTICLES)
        whole("max_size", self.max_size, minimum=1, maximum=MAX_ARTICLES)
        whole("idle_articles", self.idle_articles, minimum=1, maximum=MAX_ARTICLES)
        whole("words", self.words, minimum=1, maximum=MAX_WORDS)
        whole("summary_articles", self.summary_articles, minimum=1, maximum=MAX_SUMMARY_ARTICLES)
        whole("event_words", self.event_words, minimum=1, maximum=MAX_WORDS)
        whole("max_story_words", self.max_story_words, minimum=1, maximum=MAX_WORDS)
        if self.since is not None:
            try:
                dt.date.fromisoformat(self.since)
            except (TypeError, ValueError):
                raise InvalidOptionsError("since", self.since, "must be a date as YYYY-MM-DD") from None
        if self.max_size < self.min_size:
            raise InvalidOptionsError(
                "max_size", self.max_size, f"must be at least min_size={self.min_size}"
            )
        fraction("threshold", self.threshold)
        fraction("duplicate_threshold", self.duplicate_threshold)
        flag("timeline", self.timeline)
        flag("key_terms", self.key_terms)
        flag("quotes", self.quotes)
        flag("compare", self.compare)
        if self.singletons not in SINGLETON_MODES:
            raise InvalidOptionsError(
                "singletons", self.singletons, "unknown mode", hint=f"valid modes: {', '.join(SINGLETON_MODES)}"
            )
        if not isinstance(self.clusterer, str) or self.clusterer not in CLUSTERERS:
            raise InvalidOptionsError(
                "clusterer", self.clusterer, "unknown clusterer", hint=f"valid clusterers: {', '.join(CLUSTERERS)}"
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> StoryOptions:
        """Build from JSON, a config file or CLI flags; unknown keys are an error listing the valid ones."""
        return from_mapping(cls, data)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def summary_options(self) -> SummaryOptions:
        """The options of the summary of one story."""
        return SummaryOptions(words=self.words, timeline=self.timeline, key_terms=self.key_terms,
                              quotes=self.quotes, compare=self.compare)
