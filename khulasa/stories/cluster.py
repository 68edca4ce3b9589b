"""Online, time-aware story clustering with duplicate folding.

Single-pass clustering in the manner of Topic Detection and Tracking (Allan et al., "Topic Detection and
Tracking Pilot Study", 1998; Yang, Pierce & Carbonell, "A study on retrospective and on-line event
detection", SIGIR 1998): articles arrive in date order; each joins the most similar *open* story when
the cosine between its TF-IDF vector and the story centroid reaches the threshold, else it starts a new
story.  A time window makes it time-aware: a story closes once no article joined it for ``window_days``
(the clock is the latest publication date seen), so two meetings of the same presidents months apart
become two stories even though their texts are alike.

Duplicates (syndicated copies, re-posts) are found first with MinHash LSH (datasketch) over the open
stories' articles and join the story of the article they copy, marked ``duplicate_of``; they do not
move the centroid.

Only compact state is kept per open story: its members' ids, a centroid pruned to its
``CENTROID_TERMS`` heaviest terms, and an inverted index from those terms to the stories, so a new
article is compared only with open stories that share a term with it (nothing is quadratic in the
number of articles).  Everything is deterministic: ties go to the older story.

Every engine gets its clusterer from ``new_clusterer`` (the ``Clusterer`` protocol: features in
``order_key`` order in, closed stories out), which builds the one ``StoryOptions.clusterer`` names in
the registry ``khulasa.stories.options.CLUSTERERS``: another clusterer (the story trees of
``khulasa.stories.trees``) plugs in there, for all engines at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Protocol

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from khulasa.seen import SeenSet
from khulasa.stories.features import MINHASH_SCHEME, MINHASH_SEED, NUM_PERM, ArticleFeatures
from khulasa.stories.options import CLUSTERERS, StoryOptions

ARTICLE_TERMS = 80
"""Terms kept in an article's vector (the heaviest by TF-IDF)."""
CENTROID_TERMS = 120
"""Terms kept in a story's centroid and in the inverted index."""
IDLE_CHECK_EVERY = 256
LSH_MAX_THRESHOLD = 0.9


@dataclass(frozen=True)
class Member:
    """An article of a story: its own publication date (``None`` when undated) and how it joined.

    ``similarity`` is the cosine to the story when it joined (1.0 for the first article), or for a
    duplicate the estimated Jaccard similarity to the article it copies (``duplicate_of``).
    """

    id: str
    seq: int
    date: dt.date | None
    similarity: float
    duplicate_of: str | None = None


@dataclass(frozen=True)
class StoryEvent:
    """An event inside a story (a two-level clusterer's): its id and its members' positions in the
    story's ``Assignment.members``, in order."""

    event_id: str
    positions: tuple[int, ...]


@dataclass(frozen=True)
class ClosedEvent:
    """An event that closed while its story stays open (a two-level clusterer's ``closed_events``): its id
    and its members in story order (by ``seq``), what ``story.event_summary`` reads."""

    event_id: str
    members: tuple[Member, ...]

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(m.seq for m in self.members)


@dataclass(frozen=True)
class Assignment:
    """A closed story as the clusterer sees it: which articles, in clustering order.

    ``rank`` counts closed stories from 0 in the order they closed; it is the order of the output.
    ``events`` are its events in time order, when the clusterer finds events (the story trees); a flat
    clusterer gives none.
    """

    story_id: str
    rank: int
    members: tuple[Member, ...]
    events: tuple[StoryEvent, ...] = ()

    @property
    def seqs(self) -> tuple[int, ...]:
        return tuple(m.seq for m in self.members)


class DocumentFrequencies:
    """Document frequencies of terms, for IDF: learned in a first pass, or incrementally on a stream."""

    def __init__(self) -> None:
        self.df: Counter[str] = Counter()
        self.n = 0
        self._idf: dict[str, float] | None = None

    def add(self, terms: Iterable[str]) -> None:
        self.df.update(terms)
        self.n += 1
        self._idf = None

    def merge(self, df: Mapping[str, int], n: int) -> None:
        self.df.update(df)
        self.n += n
        self._idf = None

    def prune(self, limit: int) -> None:
        """Above ``limit`` terms, forget the rarest (document frequency 1, then 2, ...) down to half of
        it: a stream without end keeps a bounded vocabulary (a forgotten term counts again from 0)."""
        if len(self.df) <= limit:
            return
        levels = Counter(self.df.values())
        kept, cutoff = len(self.df), 0
        for level in sorted(levels):
            if kept <= limit // 2:
                break
            kept -= levels[level]
            cutoff = level
        self.df = Counter({t: c for t, c in self.df.items() if c > cutoff})
        self._idf = None

    def idf(self, term: str) -> float:
        return self.table().get(term, 0.0)

    def table(self) -> dict[str, float]:
        """Smoothed IDF of every term seen in at least two articles (a rarer term can match nothing)."""
        if self._idf is None:
            top = math.log(self.n + 1)
            self._idf = {t: top - math.log(df + 1) + 1.0 for t, df in self.df.items() if df >= 2}
        return self._idf


def _lean(signature: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=MINHASH_SEED, hashvalues=signature, scheme=MINHASH_SCHEME)


def story_id_for(first_article_id: str) -> str:
    """Stable story id: a hash of the id of the story's first article."""
    return "s-" + hashlib.sha1(first_article_id.encode("utf-8")).hexdigest()[:16]


@dataclass
class _Story:
    number: int
    story_id: str
    members: list[Member]
    centroid: dict[str, float]
    norm: float
    first_date: dt.date | None
    last_date: dt.date | None
    last_arrival: int
    signatures: dict[int, np.ndarray] = field(default_factory=dict)


class StoryClusterer:
    """Feed ``ArticleFeatures`` in ``order_key`` order with ``add``; closed stories come back as ``Assignment``s.

    ``frequencies`` is read at every ``add``: fill it before (batch) or as articles arrive (stream).
    """

    needs_signals = False
    """Whether ``add`` reads ``ArticleFeatures.signals`` (see ``needs_signals``)."""
    needs_frequencies = True
    """Whether it reads the ``DocumentFrequencies`` it is given (see ``needs_frequencies``)."""

    def __init__(self, options: StoryOptions, frequencies: DocumentFrequencies) -> None:
        self.options = options
        self.frequencies = frequencies
        self._open: dict[int, _Story] = {}
        self._index: dict[str, dict[int, float]] = {}
        # datasketch needs at least two bands; candidates are checked against the exact threshold anyway
        self._lsh = MinHashLSH(threshold=min(options.duplicate_threshold, LSH_MAX_THRESHOLD), num_perm=NUM_PERM)
        self._owner: dict[int, int] = {}  # seq of an indexed (non-duplicate) article -> story number
        self._ids: dict[int, str] = {}
        self._clock: dt.date | None = None
        self._arrivals = 0
        self._numbers = 0
        self._ranks = 0
        self._story_ids = SeenSet()  # every story id given: flat memory on an endless stream

    # --- public -----------------------------------------------------------------------------------

    def add(self, f: ArticleFeatures) -> list[Assignment]:
        """Place one article; return the stories that closed (by the clock, idleness or size)."""
        closed = self._advance(f.date)
        self._arrivals += 1
        if self._arrivals % IDLE_CHECK_EVERY == 0:
            closed += self._close_stale()
        signature = f.signature_array()
        original = self._find_original(signature, f.date)
        if original is not None:
            seq, jaccard = original
            story = self._open[self._owner[seq]]
            self._join(story, Member(f.id, f.seq, f.date if f.dated else None, jaccard, self._ids[seq]), f.date)
        else:
            vector = self.vector(f)
            best, score = self._best_story(vector, f.date)
            if best is None or score < self.options.threshold:
                story = self._start(f, vector)
            else:
                story = best
                self._join(story, Member(f.id, f.seq, f.date if f.dated else None, round(score, 6)), f.date)
                self._update_centroid(story, vector)
            self._index_signature(story, f.seq, f.id, signature)
        if len(story.members) >= self.options.max_size:
            closed.append(self._close(story))
        return closed

    def finish(self) -> list[Assignment]:
        """Close every open story (end of input)."""
        return [self._close(s) for s in sorted(self._open.values(), key=lambda s: s.number)]

    def closed_events(self) -> list[ClosedEvent]:
        """None: one level, no events."""
        return []

    @property
    def n_open(self) -> int:
        return len(self._open)

    def vector(self, f: ArticleFeatures) -> dict[str, float]:
        """The article's TF-IDF vector: its ``ARTICLE_TERMS`` heaviest terms, L2-normalized."""
        idf = self.frequencies.table()
        weighted = [
            (w * i, t) for t, w, i in zip(f.terms, f.weights, map(idf.get, f.terms), strict=True) if i is not None
        ]
        # the ARTICLE_TERMS heaviest (what heapq.nlargest gives, faster on a few hundred terms)
        top = sorted(weighted, reverse=True)[:ARTICLE_TERMS]
        norm = math.sqrt(sum(w * w for w, _ in top))
        return {t: w / norm for w, t in top} if norm else {}

    # --- clock and closing ------------------------------------------------------------------------

    def _advance(self, date: dt.date | None) -> list[Assignment]:
        if date is None or (self._clock is not None and date <= self._clock):
            return []
        self._clock = date
        return self._close_quiet(date)

    def _close_quiet(self, clock: dt.date) -> list[Assignment]:
        horizon = clock - dt.timedelta(days=self.options.window_days)
        oldest = clock - dt.timedelta(days=self.options.max_days)
        quiet = [
            s
            for s in self._open.values()
            if s.last_date is not None and (s.last_date < horizon or (s.first_date or s.last_date) < oldest)
        ]
        return [self._close(s) for s in sorted(quiet, key=lambda s: (s.last_date, s.number))]

    def _close_stale(self) -> list[Assignment]:
        """Stories idle for ``idle_articles`` arrivals, and (when articles come out of date order, as a
        stream may bring them) stories the clock has already passed; in date order there are none of
        the latter: ``_advance`` closed them when the clock moved."""
        limit = self._arrivals - self.options.idle_articles
        idle = [s for s in self._open.values() if s.last_arrival < limit]
        closed = [self._close(s) for s in sorted(idle, key=lambda s: s.number)]
        if self._clock is not None:
            closed += self._close_quiet(self._clock)
        return closed

    def _close(self, story: _Story) -> Assignment:
        del self._open[story.number]
        for term in story.centroid:
            postings = self._index[term]
            del postings[story.number]
            if not postings:
                del self._index[term]
        for seq in story.signatures:
            self._lsh.remove(seq)
            del self._owner[seq]
            del self._ids[seq]
        assignment = Assignment(story.story_id, self._ranks, tuple(story.members))
        self._ranks += 1
        return assignment

    # --- duplicates -------------------------------------------------------------------------------

    def _find_original(self, signature: np.ndarray, date: dt.date | None) -> tuple[int, float] | None:
        """The open article this one copies: highest estimated Jaccard, then the earliest (in a story
        within the window of ``date``, as in ``_best_story``)."""
        candidates = self._lsh.query(_lean(signature))
        best: tuple[float, int] | None = None
        for seq in candidates:
            story = self._open[self._owner[seq]]
            if not self._in_window(story, date):
                continue
            jaccard = float(np.count_nonzero(story.signatures[seq] == signature)) / NUM_PERM
            if jaccard >= self.options.duplicate_threshold and (
                best is None or (jaccard, -seq) > (best[0], -best[1])
            ):
                best = (jaccard, seq)
        return None if best is None else (best[1], round(best[0], 6))

    def _index_signature(self, story: _Story, seq: int, article_id: str, signature: np.ndarray) -> None:
        if not signature.any() or (signature == np.uint32(0xFFFFFFFF)).all():
            return  # no shingles: nothing to compare
        story.signatures[seq] = signature
        self._owner[seq] = story.number
        self._ids[seq] = article_id
        self._lsh.insert(seq, _lean(signature))

    # --- similarity -------------------------------------------------------------------------------

    def _best_story(self, vector: dict[str, float], date: dt.date | None) -> tuple[_Story | None, float]:
        """The open story most similar to ``vector`` and the cosine; with a ``date``, only among stories
        within ``window_days`` of it (in date order every open story is: this matters for the late
        articles of a stream)."""
        scores: defaultdict[int, float] = defaultdict(float)
        index = self._index
        for term, weight in vector.items():
            postings = index.get(term)
            if postings:
                for number, cw in postings.items():
                    scores[number] += weight * cw
        best: _Story | None = None
        best_score = 0.0
        for number in sorted(scores):
            story = self._open[number]
            if not self._in_window(story, date):
                continue
            cosine = scores[number] / story.norm
            if cosine > best_score + 1e-12:
                best, best_score = story, cosine
        return best, best_score

    def _in_window(self, story: _Story, date: dt.date | None) -> bool:
        """Whether an article of ``date`` may join ``story``: within ``window_days`` of its dates.  In date
        order every open story is (``_advance`` closed the others); a stream's late article may not be."""
        if date is None or story.last_date is None:
            return True
        window = dt.timedelta(days=self.options.window_days)
        return (story.first_date or story.last_date) - window <= date <= story.last_date + window

    def _start(self, f: ArticleFeatures, vector: dict[str, float]) -> _Story:
        story_id = story_id_for(f.id)
        if story_id in self._story_ids:  # only if article ids repeat
            story_id = story_id_for(f"{f.id}#{f.seq}")
        self._story_ids.add(story_id)
        story = _Story(
            number=self._numbers,
            story_id=story_id,
            members=[Member(f.id, f.seq, f.date if f.dated else None, 1.0)],
            centroid={},
            norm=0.0,
            first_date=f.date,
            last_date=f.date,
            last_arrival=self._arrivals,
        )
        self._numbers += 1
        self._open[story.number] = story
        self._update_centroid(story, vector)
        return story

    def _join(self, story: _Story, member: Member, date: dt.date | None) -> None:
        story.members.append(member)
        story.last_arrival = self._arrivals
        if date is not None and (story.last_date is None or date > story.last_date):
            story.last_date = date
        if date is not None and story.first_date is None:
            story.first_date = date

    def _update_centroid(self, story: _Story, vector: dict[str, float]) -> None:
        summed = dict(story.centroid)
        for term, weight in vector.items():
            summed[term] = summed.get(term, 0.0) + weight
        kept = dict(sorted(summed.items(), key=itemgetter(1, 0), reverse=True)[:CENTROID_TERMS])
        for term in story.centroid.keys() - kept.keys():
            postings = self._index[term]
            del postings[story.number]
            if not postings:
                del self._index[term]
        for term, weight in kept.items():
            self._index.setdefault(term, {})[story.number] = weight
        story.centroid = kept
        story.norm = math.sqrt(sum(w * w for w in kept.values())) or 1.0


# --- what the engines use ------------------------------------------------------------------------------


class Clusterer(Protocol):
    """An online clusterer as the engines drive it: ``add`` one article's features at a time, in
    ``ArticleFeatures.order_key`` order, and get the stories that closed; ``finish`` closes the rest."""

    def add(self, f: ArticleFeatures) -> list[Assignment]: ...

    def finish(self) -> list[Assignment]: ...

    def closed_events(self) -> list[ClosedEvent]:
        """The events the last ``add`` closed while their story stays open: an engine may summarize them
        before their story closes (``story.make_story``'s ``event_summaries``).  A flat clusterer has none."""
        ...

    @property
    def n_open(self) -> int: ...


def _factory(options: StoryOptions) -> Callable[[StoryOptions, DocumentFrequencies], Clusterer]:
    module, _, name = CLUSTERERS[options.clusterer].partition(":")
    factory: Callable[[StoryOptions, DocumentFrequencies], Clusterer] = getattr(importlib.import_module(module), name)
    return factory


def new_clusterer(options: StoryOptions, frequencies: DocumentFrequencies) -> Clusterer:
    """The clusterer ``options.clusterer`` names (``khulasa.stories.options.CLUSTERERS``), reading IDF
    from ``frequencies`` (filled before the first ``add`` in a batch run, as articles arrive in a stream)."""
    return _factory(options)(options, frequencies)


def needs_signals(options: StoryOptions) -> bool:
    """Whether the clusterer of ``options`` reads the event signals of ``ArticleFeatures`` (its factory's
    ``needs_signals``): pass 1 of every engine computes them only then (``features.extract(signals=)``)."""
    return bool(getattr(_factory(options), "needs_signals", False))


def needs_frequencies(options: StoryOptions) -> bool:
    """Whether the clusterer of ``options`` reads the engines' ``DocumentFrequencies`` (its factory's
    ``needs_frequencies``, true unless it says otherwise): the story trees count their own, so the
    engines count none for them."""
    return bool(getattr(_factory(options), "needs_frequencies", True))


def cluster_all(
    features: Iterable[ArticleFeatures], options: StoryOptions, frequencies: DocumentFrequencies
) -> Iterator[Assignment]:
    """Cluster features (any order; sorted here) and yield every story as it closes."""
    clusterer = new_clusterer(options, frequencies)
    for f in sorted(features, key=lambda f: f.order_key):
        yield from clusterer.add(f)
    yield from clusterer.finish()
