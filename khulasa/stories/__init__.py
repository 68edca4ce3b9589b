"""Stories at corpus scale: duplicate folding, time-aware online clustering, a summary per story.

    >>> from khulasa.stories import StoryOptions, build_stories
    >>> stories = build_stories(articles, StoryOptions(window_days=3))
    >>> stories[0].to_dict()["summary"]["sentences"]

Stages, one module each: ``features`` (what the clusterer keeps of an article), ``cluster`` (MinHash
duplicates + online TF-IDF clustering in a time window), ``story`` (the per-story summary, timeline and
actors), ``output`` (JSONL, HTML, text).  What every engine shares: ``run`` (state, report, the record
and its writer), ``workdir`` (the lock), ``process`` (worker pool, stopping on a signal), ``spool``
(record files).  The engines, one contract and a registry: ``khulasa.stories.engines`` (``embedded``,
its stream mode ``engines.watch``, and ``spark``).  See ``docs/stories.md``.
"""

from __future__ import annotations

from khulasa.errors import StoryRunError
from khulasa.stories.cluster import Assignment, Member, StoryClusterer
from khulasa.stories.engines.embedded import StoryRun, build_stories
from khulasa.stories.options import StoryOptions
from khulasa.stories.run import RunReport
from khulasa.stories.story import Story, StoryArticle

__all__ = [
    "Assignment",
    "Member",
    "RunReport",
    "Story",
    "StoryArticle",
    "StoryClusterer",
    "StoryOptions",
    "StoryRun",
    "StoryRunError",
    "build_stories",
]
