"""The story trees as the engines' clusterer: ``TreeStories`` (registered as ``"trees"`` in
``khulasa.stories.options.CLUSTERERS``).

It drives ``khulasa.stories.trees.TreeClusterer`` through its public API only and gives each closed
story tree to the engines as an ``Assignment`` whose ``events`` are the tree's events in time order
(positions into the story's members), so every engine (embedded, its stream mode, Spark) summarizes
the events with the same per-story function (``khulasa.stories.run.story_line``).

Pass 1 of every engine computes the articles' event signals for it (``needs_signals``); the trees
count their own document frequencies as articles arrive, so the engines count none for them
(``needs_frequencies``).  ``state`` / ``from_state`` save and continue a run (``khulasa.stories.update``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khulasa.errors import StoryRunError
from khulasa.stories.cluster import Assignment, ClosedEvent, DocumentFrequencies, StoryEvent
from khulasa.stories.features import ArticleFeatures
from khulasa.stories.options import StoryOptions
from khulasa.stories.trees import StoryTree, TreeClusterer, TreeOptions


def tree_options(options: StoryOptions) -> TreeOptions:
    """The trees' options for ``options``: the copy threshold is shared, the rest are the trees' own."""
    return TreeOptions(duplicate_threshold=options.duplicate_threshold)


def tree_assignment(tree: StoryTree) -> Assignment:
    """A story tree as an ``Assignment``: its members (``StoryTree.members``) and its events, each by its
    members' positions in story order (what the Spark engine's member rows give back)."""
    members = tree.members
    position = {m.seq: i for i, m in enumerate(members)}
    events = tuple(StoryEvent(e.event_id, tuple(sorted(position[m.seq] for m in e.members))) for e in tree.events)
    return Assignment(tree.story_id, tree.rank, members, events)


class TreeStories:
    """The ``Clusterer`` protocol over ``TreeClusterer``: features with signals in, story trees out."""

    needs_signals = True
    needs_frequencies = False
    """The trees count their own document frequencies (``trees.Frequencies``)."""

    def __init__(self, options: StoryOptions, frequencies: DocumentFrequencies | None = None,
                 trees: TreeClusterer | None = None) -> None:
        self.trees = trees if trees is not None else TreeClusterer(tree_options(options))

    def add(self, f: ArticleFeatures) -> list[Assignment]:
        """Place one article.  A stream's late article (dated before the latest date seen: a late file of
        ``--watch``) needs no care here: the trees measure its time from the span of each cluster
        (``trees.profiles.gap_days``)."""
        signals = f.signals
        if signals is None:
            raise StoryRunError(
                f"article {f.id!r} has no event signals: the story trees need them",
                hint="compute features with extract(..., signals=True)",
            )
        return [tree_assignment(t) for t in self.trees.add(f, signals)]

    def finish(self) -> list[Assignment]:
        return [tree_assignment(t) for t in self.trees.finish()]

    def closed_events(self) -> list[ClosedEvent]:
        """The events the last ``add`` closed while their story stays open, members in story order (by
        ``seq``, as ``tree_assignment`` lists a story's)."""
        return [
            ClosedEvent(e.event_id, tuple(sorted(e.members, key=lambda m: m.seq))) for e in self.trees.closed_events()
        ]

    @property
    def n_open(self) -> int:
        return self.trees.n_open_stories

    def state(self) -> dict[str, Any]:
        """The trees' state (``TreeClusterer.state``): JSON values that continue this run exactly."""
        return self.trees.state()

    @classmethod
    def from_state(cls, options: StoryOptions, state: Mapping[str, Any]) -> TreeStories:
        """Continue a saved run (``TreeStateError`` for a state this version cannot read)."""
        return cls(options, None, TreeClusterer.from_state(state))
