"""Stories at corpus scale: duplicate folding, time-aware online clustering, a summary per story.

    >>> from khulasa.stories import StoryOptions, build_stories
    >>> stories = build_stories(articles, StoryOptions(window_days=3))
    >>> stories[0].to_dict()["summary"]["sentences"]

Stages, one module each: ``features`` (what the clusterer keeps of an article), ``cluster`` (MinHash
duplicates + online TF-IDF clustering in a time window), ``story`` (the per-story summary, timeline and
actors), ``engine`` (the streaming, resumable embedded engine), ``output`` (JSONL, HTML, text).  The
Spark engine is ``khulasa.spark_engine``.  See ``docs/stories.md``.
"""

from __future__ import annotations

from khulasa.stories.cluster import Assignment, Member, StoryClusterer
from khulasa.stories.engine import RunReport, StoryRun, StoryRunError, build_stories
from khulasa.stories.options import StoryOptions
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
