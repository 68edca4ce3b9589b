"""Story trees: events inside stories, found online, with ids that are stable across runs.

Two levels, as in Story Forest (Liu et al., "Growing Story Forest Online from Massive Breaking News",
CIKM 2017; "Story Forest: Extracting Events and Telling Stories from Breaking News", TKDD 2020):

- an **event** is one happening with its reports and immediate reactions (a match, a strike and the
  world's reactions to it, a summit), usually within a couple of days, across outlets;
- a **story** links related events over time (a tournament, a war front, a diplomatic row).  It has no
  length cap: it lives while events keep coming; a one-off happening is a one-event story.

Articles arrive in clustering order (date, then id) and each is placed at once, as in the single-pass
clustering of Topic Detection and Tracking (Yang, Pierce & Carbonell, SIGIR 1998) and of Miranda et
al. ("Multilingual Clustering of Streaming News", EMNLP 2018):

1. **Duplicates** (syndicated copies) are found with MinHash LSH over the open events' articles, as
   ``khulasa.stories.cluster`` does, and join the event of the article they copy.
2. **Event**: the article is scored against the open events that share its heaviest terms (an
   inverted index; the ``CANDIDATES`` best are scored in full).  As in Miranda et al., the score is a
   learned linear combination of similarities of several kinds, squashed by a logistic: the TF-IDF
   cosine of the article's lead with the event's (``khulasa.stories.signals``: news says what happened
   first), title cosine, title-to-event cosine, shared named actors and places, shared figures (both
   IDF-weighted), time (days since the event's last report and since its first) and the event's size
   (a big event's centroid is diffuse: Miranda et al. weigh cluster size too).  The article joins the
   best event with probability >= 1/2.
3. **Story**: otherwise the article begins an event, linked to the best open story under a second
   model (the same similarities, with the whole body's TF-IDF, against the story's profile, plus those
   of the story's best candidate event).  Story Forest links a new event to a story by keyword overlap
   and then places it in the story's tree; here the tree is the time order of a story's events, as a
   reader sees it, in the spirit of date-based timelines (Ghalandari & Ifrim, "Examining the
   State-of-the-Art in News Timeline Summarization", ACL 2020).  Inside the chosen story the article
   gets a second chance to join one of the story's open events, under a third model (within one
   thread, a report of the same days is most often the same happening).
4. **A young story may still move**: while a story is one event of at most ``FRESH_ARTICLES``
   articles, that event (its profile taken as one article) is scored again against the other open
   stories after each new report, and joins the best one that passes: a story's first report may say
   little of its thread.

Content alone works: undated input has no clock, so the time features are zero (every report is "the
same day") and clusters close by idleness (articles seen since their last member) instead of days.

The three models' weights are fitted on the labelled dev windows of ``benchmarks/data/stories_dev`` by
logistic regression on "teacher-forced" decisions (each article against the open clusters, with the
gold clustering so far, as Miranda et al. train theirs), then one threshold per model is set on the
same windows; ``benchmarks/stories_trees_fit.py`` refits them and reports leave-one-window-out scores.

Everything kept is compact and bounded: per open event and story, pruned centroids and key counts;
an inverted index per level over the ``INDEX_TERMS`` heaviest terms of open clusters' centroids (an
article looks up its ``QUERY_TERMS`` heaviest); MinHash signatures of open events' articles.  A story's
profile decays with a half-life of ``story_half_life_days`` so it follows its recent events.  A story
whose events have all closed stays linkable for ``story_window_days`` (months: Russia-Turkey relations
come back), if it holds more than one article; it is then compared as its recent event (its decayed
profile), and the story model's time feature stops growing beyond the span of the windows it was
fitted on, so an old story is linked on content.  At most ``max_open_stories`` stories stay open (the
least recently active close first), so memory does not grow with the input.

Ids are hashes of the first article of the event or story (``e-``/``s-`` + 16 hex digits), so the same
input gives the same ids on every run.  Document frequencies are counted as articles arrive (each
article's own keys are counted before it is placed), so a run cut in two — ``state()`` saved as JSON,
``TreeClusterer.from_state`` loaded, the rest fed — makes exactly the decisions of one run.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from khulasa.errors import InvalidOptionsError, StoryRunError
from khulasa.stories.cluster import Assignment, Member
from khulasa.stories.features import MINHASH_SCHEME, MINHASH_SEED, NUM_PERM, ArticleFeatures
from khulasa.stories.signals import EventSignals

STATE_VERSION = 1
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
LSH_MAX_THRESHOLD = 0.9
IDLE_CHECK_EVERY = 256

EVENT_FEATURES = ("body", "title", "title_body", "entities", "numbers", "gap", "age", "size")
"""What the event and inside models weigh, in order (see ``features``); gap and age in days."""
STORY_FEATURES = ("body", "title", "title_body", "entities", "numbers", "gap", "size", "event_body", "event_title")
"""What the story model weighs: the same against the story's profile (gap as ``ln(1 + days)``, capped),
plus the body and title cosines of the story's best candidate event."""

# Namespaces of the non-term keys in the document frequencies.
_ENTITY, _NUMBER = "e:", "n:"


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
        return self.bias + sum(w * v for w, v in zip(self.weights, x, strict=True))

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
    ``duplicate_threshold`` is the estimated Jaccard similarity of word shingles above which an
    article copies an earlier one.  The models are described in the module doc.
    """

    event_window_days: int = 3
    event_max_days: int = 4
    story_window_days: int = 180
    story_half_life_days: float = 7.0
    event_idle_articles: int = 1000
    story_idle_articles: int = 5000
    max_open_stories: int = 2000
    duplicate_threshold: float = 0.7
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


# --- document frequencies --------------------------------------------------------------------------


class Frequencies:
    """Document frequencies of terms and signal keys, counted as articles arrive.

    ``idf(key) = ln((n + 1) / (df + 1)) + 1``, computed per key (an article's few hundred keys), so
    counting one more article costs nothing else.
    """

    def __init__(self, df: Mapping[str, int] | None = None, n: int = 0) -> None:
        self.df: Counter[str] = Counter(df or {})
        self.n = n

    def add(self, keys: Iterable[str]) -> None:
        self.df.update(keys)
        self.n += 1

    def idf(self, key: str) -> float:
        return math.log((self.n + 1) / (self.df.get(key, 0) + 1)) + 1.0

    def idfs(self, keys: Iterable[str]) -> list[float]:
        """``idf`` of many keys (one ``log`` of the total, one per key)."""
        get = self.df.get
        top = math.log(self.n + 1) + 1.0
        log = math.log
        return [top - log(get(k, 0) + 1) for k in keys]


# --- clusters --------------------------------------------------------------------------------------


@dataclass
class _Profile:
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
class _Event:
    number: int
    event_id: str
    story: int
    members: list[Member]
    profile: _Profile
    first_date: dt.date | None
    last_date: dt.date | None
    last_arrival: int
    signatures: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass
class _Story:
    number: int
    story_id: str
    events: list[EventAssignment | int]
    """Closed events (their assignment) and open ones (their number), in the order they began."""
    profile: _Profile
    first_date: dt.date | None
    last_date: dt.date | None
    last_arrival: int
    open_events: int = 0
    n_members: int = 0


@dataclass(frozen=True)
class _Article:
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


class _Index:
    """Term -> {cluster number: centroid weight}, over the ``INDEX_TERMS`` heaviest terms of each centroid."""

    def __init__(self) -> None:
        self.postings: dict[str, dict[int, float]] = {}

    def put(self, number: int, profile: _Profile) -> None:
        """(Re)index a profile whose body changed."""
        top = heapq.nlargest(INDEX_TERMS, profile.body.items(), key=itemgetter(1, 0))
        indexed = frozenset(t for t, _ in top)
        postings = self.postings
        for term in profile.indexed - indexed:
            self._drop(term, number)
        for term, weight in top:
            postings.setdefault(term, {})[number] = weight
        profile.indexed = indexed

    def remove(self, number: int, profile: _Profile) -> None:
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


def _cosine(vector: dict[str, float], centroid: dict[str, float], norm: float) -> float:
    """``vector . centroid / norm`` (the key intersection is found at C speed: most terms miss)."""
    return sum([vector[t] * centroid[t] for t in vector.keys() & centroid.keys()]) / norm


def _unit(weighted: list[tuple[float, str]], limit: int) -> dict[str, float]:
    top = heapq.nlargest(limit, weighted)
    norm = math.sqrt(sum(w * w for w, _ in top))
    return {t: w / norm for w, t in top} if norm else {}


def _prune(summed: dict[str, float], limit: int) -> dict[str, float]:
    if len(summed) <= limit:
        return summed
    return dict(heapq.nlargest(limit, summed.items(), key=itemgetter(1, 0)))


def _add(profile: _Profile, body: Mapping[str, float], title: Mapping[str, float], keys: Iterable[tuple[str, float]],
         n: float, limit: int) -> None:
    """Add vectors and key counts to a profile, pruning to its limits."""
    summed = dict(profile.body)
    for term, weight in body.items():
        summed[term] = summed.get(term, 0.0) + weight
    profile.body = _prune(summed, limit)
    profile.body_norm = math.sqrt(sum(w * w for w in profile.body.values())) or 1.0
    summed = dict(profile.title)
    for term, weight in title.items():
        summed[term] = summed.get(term, 0.0) + weight
    profile.title = _prune(summed, TITLE_TERMS)
    profile.title_norm = math.sqrt(sum(w * w for w in profile.title.values())) or 1.0
    counts = dict(profile.keys)
    for key, count in keys:
        counts[key] = counts.get(key, 0.0) + count
    profile.keys = _prune(counts, SIGNAL_KEYS)
    profile.n += n


def _days(later: dt.date | None, earlier: dt.date | None) -> int:
    return (later - earlier).days if later is not None and earlier is not None else 0


def features(article: _Article, profile: _Profile, body_cosine: float, gap: float, age: float) -> list[float]:
    """The similarities of ``EVENT_FEATURES`` between an article and a cluster (``body_cosine`` is given:
    the lead's with an event, the body's with a story); the story model takes them but ``age``.

    Signal kinds give ``ln(1 + sum of IDF x share)`` over the keys both have, where share is the
    fraction of the cluster's articles with the key: a rare name that all of an event's reports carry
    counts most.  The sum is not normalized: one shared common key (a country) is weak evidence
    however few keys an article has.
    """
    sums = {_ENTITY: 0.0, _NUMBER: 0.0}
    if profile.n:
        counts = profile.keys
        for key, idf in article.keys.items():
            count = counts.get(key)
            if count:
                sums[key[:2]] += idf * count / profile.n
    title = title_body = 0.0
    if article.title:
        if profile.title:
            title = _cosine(article.title, profile.title, profile.title_norm)
        title_body = _cosine(article.title, profile.body, profile.body_norm)
    return [
        body_cosine,
        title,
        title_body,
        math.log1p(sums[_ENTITY]),
        math.log1p(sums[_NUMBER]),
        gap,
        age,
        math.log1p(profile.n),
    ]


def _story_days(later: dt.date | None, earlier: dt.date | None) -> float:
    """A story's time feature: ``ln(1 + days)``, the days capped at ``STORY_DAYS_SEEN`` (beyond the dev
    windows the model was fitted on, its time weights say nothing: a story months old is linked on
    content alone)."""
    return math.log1p(min(_days(later, earlier), STORY_DAYS_SEEN))


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


class TreeClusterer:
    """Feed ``(ArticleFeatures, EventSignals)`` in ``ArticleFeatures.order_key`` order with ``add``;
    closed stories come back as ``StoryTree``s.  ``finish`` closes the rest; ``state`` and
    ``from_state`` save a run and continue it.
    """

    def __init__(self, options: TreeOptions | None = None, decide: Decider = best_candidate) -> None:
        self.options = options or TreeOptions()
        self._decide = decide
        self.frequencies = Frequencies()
        self._events: dict[int, _Event] = {}
        self._stories: dict[int, _Story] = {}
        """Open stories, least recently active first."""
        self._event_index = _Index()
        self._story_index = _Index()
        self._lsh = MinHashLSH(
            threshold=min(self.options.duplicate_threshold, LSH_MAX_THRESHOLD), num_perm=NUM_PERM
        )
        self._owner: dict[int, int] = {}  # seq of an indexed article -> event number
        self._ids: dict[int, str] = {}
        self._clock: dt.date | None = None
        self._arrivals = 0
        self._event_numbers = 0
        self._story_numbers = 0
        self._ranks = 0
        self._used_ids: set[str] = set()

    # --- public -----------------------------------------------------------------------------------

    def add(self, f: ArticleFeatures, s: EventSignals) -> list[StoryTree]:
        """Place one article; return the stories that closed (by the clock, idleness or the bound)."""
        closed = self._advance(f.date)
        self._arrivals += 1
        if self._arrivals % IDLE_CHECK_EVERY == 0:
            closed += self._close_idle()
        keys = [*(_ENTITY + e for e in s.entities), *(_NUMBER + n for n in s.numbers)]
        self.frequencies.add((*f.terms, *keys))
        date = f.date if f.dated else None
        signature = f.signature_array()
        original = self._find_original(signature)
        if original is not None:
            seq, jaccard = original
            event = self._events[self._owner[seq]]
            self._join(event, Member(f.id, f.seq, date, jaccard, self._ids[seq]), f.date, None)
        else:
            idfs = self.frequencies.idfs
            article = _Article(
                _unit([(w * i, t) for t, w, i in zip(f.terms, f.weights, idfs(f.terms), strict=True)], ARTICLE_TERMS),
                _unit([(w * i, t) for t, w, i in zip(s.lead_terms, s.lead_weights, idfs(s.lead_terms), strict=True)], ARTICLE_TERMS),
                _unit(list(zip(idfs(s.title), s.title, strict=True)), TITLE_TERMS),
                dict(zip(keys, idfs(keys), strict=True)),
            )
            story, joined, p = self._place(f.id, article, f.date)
            if joined is None:
                event = self._start_event(f, date, article, story, p)
            else:
                event = joined
                self._join(event, Member(f.id, f.seq, date, round(p, 6)), f.date, article)
                self._relink(event, f.date)
            self._index_signature(event, f.seq, f.id, signature)
        closed += self._bound()
        return closed

    def finish(self) -> list[StoryTree]:
        """Close every open story (end of input), oldest first."""
        return [self._close_story(s) for s in sorted(self._stories.values(), key=lambda s: s.number)]

    def open_trees(self) -> list[StoryTree]:
        """The stories still open, as they stand (oldest first), without closing anything: what a run
        that will be continued (``state``) reports as provisional.  Their ``rank`` is -1."""
        trees = []
        for story in sorted(self._stories.values(), key=lambda s: s.number):
            events = tuple(
                EventAssignment(self._events[e].event_id, tuple(self._events[e].members)) if isinstance(e, int) else e
                for e in story.events
            )
            trees.append(StoryTree(story.story_id, -1, events))
        return trees

    @property
    def n_open_events(self) -> int:
        return len(self._events)

    @property
    def n_open_stories(self) -> int:
        return len(self._stories)

    # --- decisions --------------------------------------------------------------------------------

    def _eligible(self, event: _Event, date: dt.date | None) -> bool:
        """Whether an event may still take an article of ``date`` (its window and its span)."""
        return _days(date, event.last_date) <= self.options.event_window_days and (
            _days(date, event.first_date) <= self.options.event_max_days
        )

    def _score_events(
        self, article: _Article, date: dt.date | None, numbers: Iterable[int], model: SimilarityModel
    ) -> list[Candidate]:
        out = []
        for number in numbers:
            event = self._events[number]
            p = event.profile
            x = features(
                article, p, _cosine(article.lead, p.body, p.body_norm),
                _days(date, event.last_date), _days(date, event.first_date),
            )
            out.append(Candidate(model.logit(x), number, x, event.members[0].id))
        return out

    def _score_stories(
        self, article: _Article, date: dt.date | None, best_event: Mapping[int, tuple[float, float]], exclude: int = -1
    ) -> list[Candidate]:
        """The candidate stories: the ``CANDIDATES`` nearest by body and those of ``best_event`` (story ->
        body and title cosines of its best candidate event)."""
        stories = self._stories
        numbers = set(self._story_index.nearest(article.body, CANDIDATES))
        numbers.update(best_event)
        numbers.discard(exclude)
        out = []
        for number in sorted(numbers):
            story = stories[number]
            p = story.profile
            body, title, title_body, entities, figures, gap, _, size = features(
                article, p, _cosine(article.body, p.body, p.body_norm), _story_days(date, story.last_date), 0.0
            )
            # A story whose events have all closed is compared as its recent event: its decayed profile.
            event_body, event_title = best_event.get(number, (0.0, 0.0)) if story.open_events else (body, title)
            x = (body, title, title_body, entities, figures, gap, size, event_body, event_title)
            first = story.events[0]
            first_id = (self._events[first].members if isinstance(first, int) else first.members)[0].id
            out.append(Candidate(self.options.story_model.logit(x), number, x, first_id))
        return out

    def _best_events(self, scored: Sequence[Candidate]) -> dict[int, tuple[float, float]]:
        """Story -> body and title cosines of its candidate event with the highest body cosine."""
        best: dict[int, tuple[float, float]] = {}
        for c in sorted(scored, key=lambda c: (-c.features[0], c.number)):
            best.setdefault(self._events[c.number].story, (c.features[0], c.features[1]))
        return best

    def _place(
        self, article_id: str, article: _Article, date: dt.date | None
    ) -> tuple[_Story | None, _Event | None, float]:
        """Where an article goes: ``(story, event, probability)`` (module doc, steps 2 and 3)."""
        events, decide = self._events, self._decide
        nearest = self._event_index.nearest(article.lead, CANDIDATES, keep=lambda n: self._eligible(events[n], date))
        scored = self._score_events(article, date, nearest, self.options.event_model)
        chosen = decide("event", article_id, scored)
        if chosen is not None:
            event = events[chosen.number]
            return self._stories[event.story], event, _logistic(chosen.logit)
        chosen = decide("story", article_id, self._score_stories(article, date, self._best_events(scored)))
        if chosen is None:
            return None, None, 0.0
        story = self._stories[chosen.number]
        p_story = _logistic(chosen.logit)
        inside = [e for e in story.events if isinstance(e, int) and self._eligible(events[e], date)]
        chosen = decide("inside", article_id, self._score_events(article, date, inside, self.options.inside_model))
        if chosen is None:
            return story, None, p_story
        return story, events[chosen.number], _logistic(chosen.logit)

    def _relink(self, event: _Event, date: dt.date | None) -> None:
        """Move a young event that began its own story to an open story it now matches (module doc, 4)."""
        story = self._stories[event.story]
        if len(story.events) != 1 or not 2 <= story.profile.n <= FRESH_ARTICLES:
            return
        p = event.profile
        idf = self.frequencies.idf
        body = {t: w / p.body_norm for t, w in sorted(p.body.items(), key=itemgetter(1, 0), reverse=True)}
        pseudo = _Article(
            body,
            body,
            {t: w / p.title_norm for t, w in p.title.items()},
            {k: idf(k) for k, c in p.keys.items() if 2 * c >= p.n},
        )
        events = self._events
        nearest = self._event_index.nearest(
            pseudo.lead, CANDIDATES, keep=lambda n: events[n].story != story.number and self._eligible(events[n], date)
        )
        best_event = self._best_events(self._score_events(pseudo, date, nearest, self.options.event_model))
        scored = self._score_stories(pseudo, date, best_event, exclude=story.number)
        chosen = self._decide("relink", event.members[0].id, scored)
        if chosen is not None:
            self._move(event, story, self._stories[chosen.number])

    # --- changes ----------------------------------------------------------------------------------

    def _unique_id(self, make: Any, f: ArticleFeatures) -> str:
        value = str(make(f.id))
        if value in self._used_ids:  # only if article ids repeat
            value = str(make(f"{f.id}#{f.seq}"))
        self._used_ids.add(value)
        return value

    def _start_event(
        self, f: ArticleFeatures, date: dt.date | None, article: _Article, story: _Story | None, p: float
    ) -> _Event:
        if story is None:
            story = _Story(
                number=self._story_numbers,
                story_id=self._unique_id(story_id_for, f),
                events=[],
                profile=_Profile(),
                first_date=f.date,
                last_date=f.date,
                last_arrival=self._arrivals,
            )
            self._story_numbers += 1
            self._stories[story.number] = story
            p = 1.0
        event = _Event(
            number=self._event_numbers,
            event_id=self._unique_id(event_id_for, f),
            story=story.number,
            members=[],
            profile=_Profile(),
            first_date=f.date,
            last_date=f.date,
            last_arrival=self._arrivals,
        )
        self._event_numbers += 1
        self._events[event.number] = event
        story.events.append(event.number)
        story.open_events += 1
        self._join(event, Member(f.id, f.seq, date, round(p, 6)), f.date, article)
        return event

    def _join(self, event: _Event, member: Member, date: dt.date | None, article: _Article | None) -> None:
        story = self._stories[event.story]
        event.members.append(member)
        story.n_members += 1
        if article is not None and date is not None and story.last_date is not None and date > story.last_date:
            self._decay(story, 0.5 ** ((date - story.last_date).days / self.options.story_half_life_days))
        for cluster in (event, story):
            cluster.last_arrival = self._arrivals
            if date is not None:
                if cluster.last_date is None or date > cluster.last_date:
                    cluster.last_date = date
                if cluster.first_date is None:
                    cluster.first_date = date
        if article is not None:
            keys = [(k, 1.0) for k in article.keys]
            _add(event.profile, article.lead, article.title, keys, 1.0, EVENT_TERMS)
            self._event_index.put(event.number, event.profile)
            _add(story.profile, article.body, article.title, keys, 1.0, STORY_TERMS)
            self._story_index.put(story.number, story.profile)
        self._stories[story.number] = self._stories.pop(story.number)  # now the most recently active

    def _decay(self, story: _Story, factor: float) -> None:
        """Weigh a story's past by ``factor``: its profile follows its recent events."""
        p = story.profile
        p.body = {t: w * factor for t, w in p.body.items()}
        p.body_norm *= factor
        for term in p.indexed:
            self._story_index.postings[term][story.number] = p.body[term]
        p.title = {t: w * factor for t, w in p.title.items()}
        p.title_norm *= factor
        p.keys = {k: c * factor for k, c in p.keys.items()}
        p.n *= factor

    def _move(self, event: _Event, source: _Story, target: _Story) -> None:
        """Put ``source``'s only event into ``target``; ``source`` ends (its id is not used again)."""
        del self._stories[source.number]
        self._story_index.remove(source.number, source.profile)
        event.story = target.number
        target.events.append(event.number)
        target.open_events += 1
        target.n_members += source.n_members
        target.last_arrival = max(target.last_arrival, source.last_arrival)
        dates = [d for d in (target.first_date, target.last_date, source.first_date, source.last_date) if d]
        if dates:
            target.first_date, target.last_date = min(dates), max(dates)
        q = source.profile
        _add(target.profile, q.body, q.title, q.keys.items(), q.n, STORY_TERMS)
        self._story_index.put(target.number, target.profile)
        self._stories[target.number] = self._stories.pop(target.number)

    # --- duplicates -------------------------------------------------------------------------------

    def _find_original(self, signature: np.ndarray) -> tuple[int, float] | None:
        """The open article this one copies: highest estimated Jaccard, then the earliest."""
        best: tuple[float, int] | None = None
        for seq in self._lsh.query(_lean(signature)):
            event = self._events[self._owner[seq]]
            jaccard = float(np.count_nonzero(event.signatures[seq] == signature)) / NUM_PERM
            if jaccard >= self.options.duplicate_threshold and (best is None or (jaccard, -seq) > (best[0], -best[1])):
                best = (jaccard, seq)
        return None if best is None else (best[1], round(best[0], 6))

    def _index_signature(self, event: _Event, seq: int, article_id: str, signature: np.ndarray) -> None:
        if not signature.any() or (signature == np.uint32(0xFFFFFFFF)).all():
            return  # no shingles: nothing to compare
        event.signatures[seq] = signature
        self._owner[seq] = event.number
        self._ids[seq] = article_id
        self._lsh.insert(seq, _lean(signature))

    # --- closing ----------------------------------------------------------------------------------

    def _advance(self, date: dt.date | None) -> list[StoryTree]:
        if date is None or (self._clock is not None and date <= self._clock):
            return []
        self._clock = date
        horizon = date - dt.timedelta(days=self.options.event_window_days)
        oldest = date - dt.timedelta(days=self.options.event_max_days)
        for event in sorted(self._events.values(), key=lambda e: e.number):
            last = event.last_date
            if last is not None and (last < horizon or (event.first_date or last) < oldest):
                self._close_event(event)
        story_horizon = date - dt.timedelta(days=self.options.story_window_days)
        quiet = [
            s
            for s in self._stories.values()
            if not s.open_events and (s.n_members <= 1 or (s.last_date is not None and s.last_date < story_horizon))
        ]
        return [self._close_story(s) for s in sorted(quiet, key=lambda s: (s.last_date or dt.date.min, s.number))]

    def _close_idle(self) -> list[StoryTree]:
        limit = self._arrivals - self.options.event_idle_articles
        for event in sorted(self._events.values(), key=lambda e: e.number):
            if event.last_arrival < limit:
                self._close_event(event)
        story_limit = self._arrivals - self.options.story_idle_articles
        idle = [
            s for s in self._stories.values() if not s.open_events and (s.n_members <= 1 or s.last_arrival < story_limit)
        ]
        return [self._close_story(s) for s in sorted(idle, key=lambda s: s.number)]

    def _bound(self) -> list[StoryTree]:
        """Close the least recently active stories beyond ``max_open_stories`` (their events too)."""
        closed = []
        while len(self._stories) > self.options.max_open_stories:
            closed.append(self._close_story(next(iter(self._stories.values()))))
        return closed

    def _close_event(self, event: _Event) -> None:
        del self._events[event.number]
        self._event_index.remove(event.number, event.profile)
        for seq in event.signatures:
            self._lsh.remove(seq)
            del self._owner[seq]
            del self._ids[seq]
        story = self._stories[event.story]
        story.events[story.events.index(event.number)] = EventAssignment(event.event_id, tuple(event.members))
        story.open_events -= 1

    def _close_story(self, story: _Story) -> StoryTree:
        for entry in list(story.events):
            if isinstance(entry, int):
                self._close_event(self._events[entry])
        del self._stories[story.number]
        self._story_index.remove(story.number, story.profile)
        tree = StoryTree(story.story_id, self._ranks, tuple(e for e in story.events if isinstance(e, EventAssignment)))
        self._ranks += 1
        return tree

    # --- state ------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything needed to continue later, as JSON values (``from_state``); floats round-trip exactly."""
        return {
            "version": STATE_VERSION,
            "options": self.options.to_dict(),
            "clock": _iso(self._clock),
            "arrivals": self._arrivals,
            "event_numbers": self._event_numbers,
            "story_numbers": self._story_numbers,
            "ranks": self._ranks,
            "used_ids": sorted(self._used_ids),
            "frequencies": {"n": self.frequencies.n, "df": dict(self.frequencies.df)},
            "stories": [_story_state(s) for s in self._stories.values()],
            "events": [_event_state(e) for e in self._events.values()],
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], decide: Decider = best_candidate) -> TreeClusterer:
        """A clusterer that continues where ``state()`` left off, with the options saved in it.

        Raises ``TreeStateError`` for a state of another version or a damaged one.
        """
        if not isinstance(state, Mapping) or state.get("version") != STATE_VERSION:
            found = state.get("version") if isinstance(state, Mapping) else type(state).__name__
            raise TreeStateError(
                f"cannot continue a story-tree state of version {found!r} (this Khulasa reads version {STATE_VERSION})",
                hint="start the run over without the saved state",
            )
        try:
            return cls._restore(state, decide)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise TreeStateError(
                f"the saved story-tree state is damaged ({type(exc).__name__}: {exc})",
                hint="start the run over without the saved state",
            ) from exc

    @classmethod
    def _restore(cls, state: Mapping[str, Any], decide: Decider) -> TreeClusterer:
        self = cls(TreeOptions.from_dict(state["options"]), decide)
        self._clock = _date(state["clock"])
        self._arrivals = state["arrivals"]
        self._event_numbers = state["event_numbers"]
        self._story_numbers = state["story_numbers"]
        self._ranks = state["ranks"]
        self._used_ids = set(state["used_ids"])
        self.frequencies = Frequencies(state["frequencies"]["df"], state["frequencies"]["n"])
        for data in state["stories"]:
            story = _story_from(data)
            self._stories[story.number] = story
            self._story_index.put(story.number, story.profile)
        for data in state["events"]:
            event = _event_from(data)
            self._events[event.number] = event
            self._event_index.put(event.number, event.profile)
            ids = {m.seq: m.id for m in event.members}
            for seq, signature in event.signatures.items():
                self._owner[seq] = event.number
                self._ids[seq] = ids[seq]
                self._lsh.insert(seq, _lean(signature))
        return self


def _lean(signature: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=MINHASH_SEED, hashvalues=signature, scheme=MINHASH_SCHEME)


# --- state encoding --------------------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _member_state(m: Member) -> list[Any]:
    return [m.id, m.seq, _iso(m.date), m.similarity, m.duplicate_of]


def _member_from(data: Sequence[Any]) -> Member:
    return Member(data[0], data[1], _date(data[2]), data[3], data[4])


def _profile_state(p: _Profile) -> dict[str, Any]:
    return {"body": p.body, "body_norm": p.body_norm, "title": p.title, "title_norm": p.title_norm,
            "keys": p.keys, "n": p.n}


def _profile_from(data: Mapping[str, Any]) -> _Profile:
    return _Profile(dict(data["body"]), data["body_norm"], dict(data["title"]), data["title_norm"],
                    dict(data["keys"]), data["n"])


def _event_state(e: _Event) -> dict[str, Any]:
    return {
        "number": e.number,
        "event_id": e.event_id,
        "story": e.story,
        "members": [_member_state(m) for m in e.members],
        "profile": _profile_state(e.profile),
        "first_date": _iso(e.first_date),
        "last_date": _iso(e.last_date),
        "last_arrival": e.last_arrival,
        "signatures": {
            str(seq): base64.b64encode(sig.astype("<u4").tobytes()).decode("ascii") for seq, sig in e.signatures.items()
        },
    }


def _event_from(data: Mapping[str, Any]) -> _Event:
    return _Event(
        number=data["number"],
        event_id=data["event_id"],
        story=data["story"],
        members=[_member_from(m) for m in data["members"]],
        profile=_profile_from(data["profile"]),
        first_date=_date(data["first_date"]),
        last_date=_date(data["last_date"]),
        last_arrival=data["last_arrival"],
        signatures={
            int(seq): np.frombuffer(base64.b64decode(sig), dtype="<u4").astype(np.uint32)
            for seq, sig in data["signatures"].items()
        },
    )


def _story_state(s: _Story) -> dict[str, Any]:
    return {
        "number": s.number,
        "story_id": s.story_id,
        "events": [
            e if isinstance(e, int) else {"event_id": e.event_id, "members": [_member_state(m) for m in e.members]}
            for e in s.events
        ],
        "profile": _profile_state(s.profile),
        "first_date": _iso(s.first_date),
        "last_date": _iso(s.last_date),
        "last_arrival": s.last_arrival,
        "open_events": s.open_events,
        "n_members": s.n_members,
    }


def _story_from(data: Mapping[str, Any]) -> _Story:
    return _Story(
        number=data["number"],
        story_id=data["story_id"],
        events=[
            e if isinstance(e, int) else EventAssignment(e["event_id"], tuple(_member_from(m) for m in e["members"]))
            for e in data["events"]
        ],
        profile=_profile_from(data["profile"]),
        first_date=_date(data["first_date"]),
        last_date=_date(data["last_date"]),
        last_arrival=data["last_arrival"],
        open_events=data["open_events"],
        n_members=data["n_members"],
    )
