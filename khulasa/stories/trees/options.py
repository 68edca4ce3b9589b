"""What the story trees are tuned by: the limits, the three similarity models and ``TreeOptions``."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from operator import mul
from typing import Any

from khulasa.errors import InvalidOptionsError, StoryRunError

ARTICLE_TERMS = 80
"""Terms kept in an article's body vector (the heaviest by TF-IDF)."""
EVENT_TERMS = 120
"""Terms kept in an event's body centroid."""
STORY_TERMS = 150
"""Terms kept in a story's body centroid."""
INDEX_TERMS = 20
"""The heaviest terms of a centroid that the inverted index holds (candidates are found with them)."""
QUERY_TERMS = 20
"""The heaviest terms of an article that look up candidates in the index."""
TITLE_TERMS = 40
"""Terms kept in a cluster's title centroid."""
SIGNAL_KEYS = 60
"""Entity and number keys kept per cluster (the most frequent)."""
CANDIDATES = 8
"""Clusters scored in full per article and level (the best by the index's partial cosine)."""
FRESH_ARTICLES = 5
"""A story of one event with at most this many articles may still move to another story."""
STORY_DAYS_SEEN = 3
"""The longest time span within a dev window (4 days): the story model's time features saturate there."""
PRIOR_ARTICLES = 100
"""Articles the IDF is always estimated from, topped up by the shipped prior (``TreeOptions.prior_articles``)."""
LSH_MAX_THRESHOLD = 0.9
IDLE_CHECK_EVERY = 256

EVENT_FEATURES = ("body", "title", "title_body", "entities", "numbers", "gap", "age", "size")
"""What the event and inside models weigh, in order (see ``features``); gap and age in days."""
STORY_FEATURES = ("body", "title", "title_body", "entities", "numbers", "gap", "size", "event_body", "event_title")
"""What the story model weighs: the same against the story's profile (gap as ``ln(1 + days)``, capped),
plus the body and title cosines of the story's best candidate event."""


@dataclass(frozen=True)
class SimilarityModel:
    """``P(same cluster) = logistic(bias + sum(weights * features))`` over the named ``features``."""

    features: tuple[str, ...]
    bias: float
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.weights) != len(self.features) or not all(
            isinstance(w, int | float) and math.isfinite(w) for w in (self.bias, *self.weights)
        ):
            raise InvalidOptionsError(
                "weights", self.weights, f"need {len(self.features)} finite weights ({', '.join(self.features)})"
            )

    def logit(self, x: Sequence[float]) -> float:
        return self.bias + sum(map(mul, self.weights, x))  # as a generator of w * v, at C speed

    def to_dict(self) -> dict[str, Any]:
        return {"bias": self.bias, "weights": dict(zip(self.features, self.weights, strict=True))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SimilarityModel:
        weights = data["weights"]
        return cls(tuple(weights), float(data["bias"]), tuple(float(w) for w in weights.values()))


# Fitted by benchmarks/stories_trees_fit.py on the four dev windows (command and scores in BENCHMARKS.md).
EVENT_MODEL = SimilarityModel(EVENT_FEATURES, -6.1064, (9.4610, 2.8311, 3.3752, 0.6405, 0.2813, -0.5775, -0.6737, 0.8196))
INSIDE_MODEL = SimilarityModel(EVENT_FEATURES, -2.5806, (4.4318, 2.6245, 2.4390, -0.1629, 0.1548, -0.7078, -0.3607, 0.6627))
STORY_MODEL = SimilarityModel(STORY_FEATURES, -6.1691, (8.5600, 1.8380, 2.9645, 0.7083, 0.2736, -0.6719, 0.4826, 6.8865, 1.8724))


@dataclass(frozen=True)
class TreeOptions:
    """How articles are grouped into events and events into stories; validated once, at construction.

    With dates, an event takes no article more than ``event_window_days`` after its latest one or
    ``event_max_days`` after its first; a story stays open while its last article is at most
    ``story_window_days`` old, and its profile halves its weight every ``story_half_life_days``.  A
    story of one article closes with its event.  Undated input closes an event after
    ``event_idle_articles`` articles without a new member and a story after ``story_idle_articles``.
    At most ``max_open_stories`` stories stay open (the least recently active close first).
    The IDF is estimated from at least ``prior_articles`` articles: the shipped document frequencies
    (``DocumentPrior``) fill what the run lacks, and from its ``prior_articles``-th article on a run
    uses its own counts alone (0: the run's counts from the start; ``Frequencies``).
    ``duplicate_threshold`` is the estimated Jaccard similarity of word shingles above which an
    article copies an earlier one.  ``fold_variants`` folds spelling variants of a term or name into
    one key (``variants``: ترمب -> ترامب) before anything is weighed.  ``split_events`` splits a large
    event into the distinct happenings it absorbed when it closes (``split``; off: on the dev windows it
    gains events F1 +0.005, at the noise line, and nothing on the check window).  The models are described
    in the module doc.
    """

    event_window_days: int = 3
    event_max_days: int = 4
    story_window_days: int = 180
    story_half_life_days: float = 7.0
    event_idle_articles: int = 1000
    story_idle_articles: int = 5000
    max_open_stories: int = 2000
    prior_articles: int = PRIOR_ARTICLES
    duplicate_threshold: float = 0.7
    fold_variants: bool = True
    replace_after_day: bool = True
    split_events: bool = False
    event_model: SimilarityModel = EVENT_MODEL
    inside_model: SimilarityModel = INSIDE_MODEL
    story_model: SimilarityModel = STORY_MODEL

    def __post_init__(self) -> None:
        for name in (
            "event_window_days",
            "event_max_days",
            "story_window_days",
            "event_idle_articles",
            "story_idle_articles",
            "max_open_stories",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidOptionsError(name, value, "must be a whole number of at least 1")
        for name in ("fold_variants", "replace_after_day", "split_events"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidOptionsError(name, getattr(self, name), "must be true or false")
        if isinstance(self.prior_articles, bool) or not isinstance(self.prior_articles, int) or self.prior_articles < 0:
            raise InvalidOptionsError("prior_articles", self.prior_articles, "must be a whole number of at least 0")
        for name, low in (("story_half_life_days", 0.0), ("duplicate_threshold", 0.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > low:
                raise InvalidOptionsError(name, value, "must be a positive number")
        if self.duplicate_threshold > 1.0:
            raise InvalidOptionsError("duplicate_threshold", self.duplicate_threshold, "must be a number in (0, 1]")
        for name, names in (
            ("event_model", EVENT_FEATURES),
            ("inside_model", EVENT_FEATURES),
            ("story_model", STORY_FEATURES),
        ):
            model = getattr(self, name)
            if not isinstance(model, SimilarityModel) or model.features != names:
                raise InvalidOptionsError(name, model, f"must be a SimilarityModel over {', '.join(names)}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.to_dict() if isinstance(value, SimilarityModel) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TreeOptions:
        """Options from JSON (``to_dict``); unknown keys are an error listing the valid ones."""
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise InvalidOptionsError("options", unknown, "unknown option", hint=f"valid options: {', '.join(known)}")
        values = dict(data)
        for name in ("event_model", "inside_model", "story_model"):
            if isinstance(values.get(name), Mapping):
                values[name] = SimilarityModel.from_dict(values[name])
        return cls(**values)


class TreeStateError(StoryRunError):
    """A saved clusterer state that this version cannot continue (another version, or not a state)."""

