"""What the story trees hold and compare: output trees, cluster profiles, the inverted index and the
similarities the models weigh."""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter, mul
from typing import Any, NamedTuple, Protocol

import numpy as np
from datasketch import LeanMinHash

from khulasa.stories.cluster import Assignment, Member
from khulasa.stories.features import MINHASH_SCHEME, MINHASH_SEED
from khulasa.stories.trees.frequencies import ENTITY_KEY, NUMBER_KEY
from khulasa.stories.trees.options import INDEX_TERMS, QUERY_TERMS, SIGNAL_KEYS, STORY_DAYS_SEEN, TITLE_TERMS

# --- what comes out --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventAssignment:
    """An event of a story: its id and its articles in clustering order."""

    event_id: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class StoryTree:
    """A closed story: its events in the order they began (time order), each with its members.

    ``rank`` counts closed stories from 0 in the order they closed (the order of the output).
    """

    story_id: str
    rank: int
    events: tuple[EventAssignment, ...]

    @property
    def members(self) -> tuple[Member, ...]:
        """Every article of the story, in clustering order."""
        return tuple(sorted((m for e in self.events for m in e.members), key=lambda m: m.seq))

    def assignment(self) -> Assignment:
        """The story as the flat engine's ``Assignment`` (what ``story.make_story`` summarizes)."""
        return Assignment(self.story_id, self.rank, self.members)


def event_id_for(first_article_id: str) -> str:
    """Stable event id: a hash of the id of the event's first article."""
    return "e-" + hashlib.sha1(first_article_id.encode("utf-8")).hexdigest()[:16]


def story_id_for(first_article_id: str) -> str:
    """Stable story id: a hash of the id of the story's first article (as ``cluster.story_id_for``)."""
    return "s-" + hashlib.sha1(first_article_id.encode("utf-8")).hexdigest()[:16]


# --- clusters --------------------------------------------------------------------------------------


@dataclass
class Profile:
    """What a cluster (event or story) is compared with: pruned centroids and signal-key counts."""

    body: dict[str, float] = field(default_factory=dict)
    body_norm: float = 1.0
    title: dict[str, float] = field(default_factory=dict)
    title_norm: float = 1.0
    keys: dict[str, float] = field(default_factory=dict)
    """Entity and number keys (namespaced) -> (weighted) number of the cluster's articles with them."""
    n: float = 0.0
    """(Weighted) number of articles added (duplicates are not)."""
    indexed: frozenset[str] = frozenset()
    """The terms of ``body`` that the inverted index holds (its ``INDEX_TERMS`` heaviest)."""


@dataclass
class OpenEvent:
    number: int
    event_id: str
    story: int
    members: list[Member]
    profile: Profile
    first_date: dt.date | None
    last_date: dt.date | None
    last_arrival: int
    signatures: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass
class OpenStory:
    number: int
    story_id: str
    events: list[EventAssignment | int]
    """Closed events (their assignment) and open ones (their number), in the order they began."""
    profile: Profile
    first_date: dt.date | None
    last_date: dt.date | None
    last_arrival: int
    open_events: int = 0
    n_members: int = 0


@dataclass(frozen=True)
class ArticleVectors:
    """An article as the clusterer compares it: unit TF-IDF vectors of its body (for stories), its lead
    (for events) and its headline, and its signal keys with their IDF."""

    body: dict[str, float]
    lead: dict[str, float]
    title: dict[str, float]
    keys: dict[str, float]


class Candidate(NamedTuple):
    """An open cluster scored for an article: the model's logit, the cluster's number, the features,
    and the id of the cluster's first article (what names it)."""

    logit: float
    number: int
    features: Sequence[float]
    first_id: str


class Decider(Protocol):
    """Picks the cluster an article joins among scored candidates, or ``None`` for a new one.

    ``kind`` is ``"event"`` (open events), ``"story"`` (open stories, for a new event), ``"inside"``
    (the chosen story's open events) or ``"relink"`` (other open stories, for a young story's event;
    ``article_id`` is then the event's first article).  The default is ``best_candidate``; a benchmark
    injects the labels instead to collect training decisions (teacher forcing).
    """

    def __call__(self, kind: str, article_id: str, candidates: Sequence[Candidate]) -> Candidate | None: ...


def best_candidate(kind: str, article_id: str, candidates: Sequence[Candidate]) -> Candidate | None:
    """The candidate with the highest logit if it is >= 0 (probability >= 1/2; ties: the older cluster)."""
    best = max(candidates, key=lambda c: (c.logit, -c.number), default=None)
    return best if best is not None and best.logit >= 0.0 else None


class ClusterIndex:
    """Term -> {cluster number: centroid weight}, over the ``INDEX_TERMS`` heaviest terms of each centroid."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[int, float]] = {}

    def put(self, number: int, profile: Profile) -> None:
        """(Re)index a profile whose body changed."""
        top = sorted(profile.body.items(), key=itemgetter(1, 0), reverse=True)[:INDEX_TERMS]
        indexed = frozenset(t for t, _ in top)
        postings = self.postings
        for term in profile.indexed - indexed:
            self._drop(term, number)
        for term, weight in top:
            postings.setdefault(term, {})[number] = weight
        profile.indexed = indexed

    def remove(self, number: int, profile: Profile) -> None:
        for term in profile.indexed:
            self._drop(term, number)
        profile.indexed = frozenset()

    def _drop(self, term: str, number: int) -> None:
        postings = self.postings[term]
        del postings[number]
        if not postings:
            del self.postings[term]

    def nearest(self, body: Mapping[str, float], k: int, keep: Any = None) -> list[int]:
        """The ``k`` clusters with the largest partial dot product (ties: the older); ``keep`` filters.

        ``body`` is a vector with its heaviest terms first: the first ``QUERY_TERMS`` are looked up.
        """
        dots: dict[int, float] = {}
        get = dots.get
        postings = self.postings
        for term, weight in islice(body.items(), QUERY_TERMS):
            found = postings.get(term)
            if found:
                for number, cw in found.items():
                    dots[number] = get(number, 0.0) + weight * cw
        items = dots.items() if keep is None else [(n, d) for n, d in dots.items() if keep(n)]
        return [n for n, _ in heapq.nlargest(k, items, key=lambda x: (x[1], -x[0]))]


def cosine(vector: dict[str, float], centroid: dict[str, float], norm: float) -> float:
    """``vector . centroid / norm`` (the key intersection is found at C speed: most terms miss).  The
    intersection's order follows the strings' hashes, which differ from process to process
    (``PYTHONHASHSEED``), so the products are summed by ``math.fsum``, correctly rounded whatever their
    order: the same score, and the same trees, in every run (a plain ``sum`` could differ in its last bit)."""
    common = vector.keys() & centroid.keys()
    return math.fsum(map(mul, map(vector.__getitem__, common), map(centroid.__getitem__, common))) / norm


def unit_vector(weighted: list[tuple[float, str]], limit: int) -> dict[str, float]:
    """The ``limit`` heaviest ``(weight, term)`` as a unit vector, heaviest first."""
    top = sorted(weighted, reverse=True)[:limit]  # as heapq.nlargest, faster at these sizes
    norm = math.sqrt(sum(w * w for w, _ in top))
    return {t: w / norm for w, t in top} if norm else {}


def known_idfs(idf: Mapping[str, float], terms: Sequence[str], idfs: Any) -> list[float]:
    """The IDF of ``terms`` from ``idf`` (an article's lead and title terms are its body's, nearly
    always), computed only when one is missing."""
    try:
        return [idf[t] for t in terms]
    except KeyError:
        return list(idfs(terms))


def prune(summed: dict[str, float], limit: int) -> dict[str, float]:
    if len(summed) <= limit:
        return summed
    return dict(sorted(summed.items(), key=itemgetter(1, 0), reverse=True)[:limit])


def add_to_profile(profile: Profile, body: Mapping[str, float], title: Mapping[str, float], keys: Iterable[tuple[str, float]],
         n: float, limit: int) -> None:
    """Add vectors and key counts to a profile, pruning to its limits (its dicts are its own: summed in
    place)."""
    profile.body = prune(sum_into(profile.body, body.items()), limit)
    profile.body_norm = math.sqrt(sum(w * w for w in profile.body.values())) or 1.0
    profile.title = prune(sum_into(profile.title, title.items()), TITLE_TERMS)
    profile.title_norm = math.sqrt(sum(w * w for w in profile.title.values())) or 1.0
    profile.keys = prune(sum_into(profile.keys, keys), SIGNAL_KEYS)
    profile.n += n


def sum_into(summed: dict[str, float], items: Iterable[tuple[str, float]]) -> dict[str, float]:
    """``summed`` with each item's weight added to its key, in place."""
    get = summed.get
    for key, weight in items:
        summed[key] = get(key, 0.0) + weight
    return summed


def gap_days(date: dt.date | None, first: dt.date | None, last: dt.date | None) -> int:
    """Days between an article and a cluster's span ``first..last``: after its latest report, or before
    its first one for a late article (a stream's late file); 0 inside the span or without dates.  Never
    negative: the time features and ``story_days`` are fitted on distances."""
    if date is None or last is None:
        return 0
    if date >= last:
        return (date - last).days
    return (first - date).days if first is not None and date < first else 0


def span_days(date: dt.date | None, first: dt.date | None, last: dt.date | None) -> int:
    """Days a cluster would span with an article of ``date`` (its age when the article is the latest)."""
    if date is None or first is None:
        return 0
    return (max(date, last or first) - min(date, first)).days


def features(article: ArticleVectors, profile: Profile, body_cosine: float, gap: float, age: float) -> list[float]:
    """The similarities of ``EVENT_FEATURES`` between an article and a cluster (``body_cosine`` is given:
    the lead's with an event, the body's with a story); the story model takes them but ``age``.

    Signal kinds give ``ln(1 + sum of IDF x share)`` over the keys both have, where share is the
    fraction of the cluster's articles with the key: a rare name that all of an event's reports carry
    counts most.  The sum is not normalized: one shared common key (a country) is weak evidence
    however few keys an article has.
    """
    sums = {ENTITY_KEY: 0.0, NUMBER_KEY: 0.0}
    if profile.n:
        counts = profile.keys
        for key, idf in article.keys.items():
            count = counts.get(key)
            if count:
                sums[key[:2]] += idf * count / profile.n
    title = title_body = 0.0
    if article.title:
        if profile.title:
            title = cosine(article.title, profile.title, profile.title_norm)
        title_body = cosine(article.title, profile.body, profile.body_norm)
    return [
        body_cosine,
        title,
        title_body,
        math.log1p(sums[ENTITY_KEY]),
        math.log1p(sums[NUMBER_KEY]),
        gap,
        age,
        math.log1p(profile.n),
    ]


def story_days(gap: int) -> float:
    """A story's time feature: ``ln(1 + gap)`` for a gap of ``gap_days`` (never negative), capped at
    ``STORY_DAYS_SEEN`` (beyond the dev windows the model was fitted on, its time weights say nothing: a
    story months old is linked on content alone)."""
    return math.log1p(min(gap, STORY_DAYS_SEEN))


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


def lean_minhash(signature: np.ndarray) -> LeanMinHash:
    """A MinHash signature as ``datasketch`` indexes it."""
    return LeanMinHash(seed=MINHASH_SEED, hashvalues=signature, scheme=MINHASH_SCHEME)
