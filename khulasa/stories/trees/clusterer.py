"""The story-tree clusterer: articles placed online into events and stories (see the package doc)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

import numpy as np
from datasketch import MinHashLSH

from khulasa.stories.cluster import Member
from khulasa.stories.features import NUM_PERM, ArticleFeatures
from khulasa.stories.signals import EventSignals
from khulasa.stories.trees.frequencies import Frequencies, signal_keys
from khulasa.stories.trees.options import (
    ARTICLE_TERMS,
    CANDIDATES,
    EVENT_TERMS,
    FRESH_ARTICLES,
    IDLE_CHECK_EVERY,
    LSH_MAX_THRESHOLD,
    STORY_TERMS,
    TITLE_TERMS,
    SimilarityModel,
    TreeOptions,
)
from khulasa.stories.trees.profiles import (
    ArticleVectors,
    Candidate,
    ClusterIndex,
    Decider,
    EventAssignment,
    OpenEvent,
    OpenStory,
    Profile,
    StoryTree,
    add_to_profile,
    best_candidate,
    cosine,
    event_id_for,
    features,
    gap_days,
    known_idfs,
    lean_minhash,
    logistic,
    span_days,
    story_days,
    story_id_for,
    unit_vector,
)
from khulasa.stories.trees.split import Gist, gist, place_parts, split_event
from khulasa.stories.trees.state import encode, restore
from khulasa.stories.trees.variants import fold as fold_variants


class TreeClusterer:
    """Feed ``(ArticleFeatures, EventSignals)`` in ``ArticleFeatures.order_key`` order with ``add``;
    closed stories come back as ``StoryTree``s.  ``finish`` closes the rest; ``state`` and
    ``from_state`` save a run and continue it.
    """

    def __init__(self, options: TreeOptions | None = None, decide: Decider = best_candidate) -> None:
        self.options = options or TreeOptions()
        self._decide = decide
        self.frequencies = Frequencies(prior_articles=self.options.prior_articles)
        self._events: dict[int, OpenEvent] = {}
        self._stories: dict[int, OpenStory] = {}
        """Open stories, least recently active first."""
        self._event_index = ClusterIndex()
        self._story_index = ClusterIndex()
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
        self._closed_events: list[EventAssignment] = []
        self._gists: dict[int, Gist] = {}  # seq -> gist of an open event's report (``split``)

    # --- public -----------------------------------------------------------------------------------

    def add(self, f: ArticleFeatures, s: EventSignals) -> list[StoryTree]:
        """Place one article; return the stories that closed (by the clock, idleness or the bound)."""
        self._closed_events = []
        closed = self._advance(f.date)
        self._arrivals += 1
        if self._arrivals % IDLE_CHECK_EVERY == 0:
            closed += self._close_idle()
        if self.options.fold_variants:
            f, s = fold_variants(f, s)
        keys = signal_keys(s)
        self.frequencies.add((*f.terms, *keys))
        date = f.date if f.dated else None
        signature = f.signature_array()
        original = self._find_original(signature)
        if original is not None:
            seq, jaccard = original
            event = self._events[self._owner[seq]]
            self._join(event, Member(f.id, f.seq, date, jaccard, self._ids[seq]), f.date, None)
        else:
            if self.options.split_events:
                self._gists[f.seq] = gist(s)
            idfs = self.frequencies.idfs
            idf = dict(zip(f.terms, idfs(f.terms), strict=True))
            lead, title = known_idfs(idf, s.lead_terms, idfs), known_idfs(idf, s.title, idfs)
            article = ArticleVectors(
                unit_vector([(w * i, t) for t, w, i in zip(f.terms, f.weights, idf.values(), strict=True)], ARTICLE_TERMS),
                unit_vector([(w * i, t) for t, w, i in zip(s.lead_terms, s.lead_weights, lead, strict=True)], ARTICLE_TERMS),
                unit_vector(list(zip(title, s.title, strict=True)), TITLE_TERMS),
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
        self._closed_events = []
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

    def closed_events(self) -> list[EventAssignment]:
        """The events the last ``add`` closed, in the order they closed, while their story stays open (an
        event closed with its story is in that story's tree only): an engine may summarize them then,
        before their story closes.  Not part of ``state``."""
        return list(self._closed_events)

    @property
    def n_open_events(self) -> int:
        return len(self._events)

    @property
    def n_open_stories(self) -> int:
        return len(self._stories)

    # --- decisions --------------------------------------------------------------------------------

    def _eligible(self, event: OpenEvent, date: dt.date | None) -> bool:
        """Whether an event may still take an article of ``date`` (its window and its span)."""
        return gap_days(date, event.first_date, event.last_date) <= self.options.event_window_days and (
            span_days(date, event.first_date, event.last_date) <= self.options.event_max_days
        )

    def _score_events(
        self, article: ArticleVectors, date: dt.date | None, numbers: Iterable[int], model: SimilarityModel,
        known: Mapping[int, Sequence[float]] | None = None,
    ) -> list[Candidate]:
        """The events ``numbers`` scored by ``model``; ``known`` holds the features of events already
        compared with this article (nothing changed since: the same article, the same profiles)."""
        out = []
        for number in numbers:
            event = self._events[number]
            x = known.get(number) if known is not None else None
            if x is None:
                p = event.profile
                x = features(
                    article, p, cosine(article.lead, p.body, p.body_norm),
                    gap_days(date, event.first_date, event.last_date),
                    span_days(date, event.first_date, event.last_date),
                )
            out.append(Candidate(model.logit(x), number, x, event.members[0].id))
        return out

    def _score_stories(
        self, article: ArticleVectors, date: dt.date | None, best_event: Mapping[int, tuple[float, float]], exclude: int = -1
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
                article, p, cosine(article.body, p.body, p.body_norm), story_days(gap_days(date, story.first_date, story.last_date)), 0.0
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
        self, article_id: str, article: ArticleVectors, date: dt.date | None
    ) -> tuple[OpenStory | None, OpenEvent | None, float]:
        """Where an article goes: ``(story, event, probability)`` (module doc, steps 2 and 3)."""
        events, decide = self._events, self._decide
        nearest = self._event_index.nearest(article.lead, CANDIDATES, keep=lambda n: self._eligible(events[n], date))
        scored = self._score_events(article, date, nearest, self.options.event_model)
        chosen = decide("event", article_id, scored)
        if chosen is not None:
            event = events[chosen.number]
            return self._stories[event.story], event, logistic(chosen.logit)
        chosen = decide("story", article_id, self._score_stories(article, date, self._best_events(scored)))
        if chosen is None:
            return None, None, 0.0
        story = self._stories[chosen.number]
        p_story = logistic(chosen.logit)
        inside = [e for e in story.events if isinstance(e, int) and self._eligible(events[e], date)]
        known = {c.number: c.features for c in scored}
        chosen = decide("inside", article_id, self._score_events(article, date, inside, self.options.inside_model, known))
        if chosen is None:
            return story, None, p_story
        return story, events[chosen.number], logistic(chosen.logit)

    def _relink(self, event: OpenEvent, date: dt.date | None, alone: bool = False) -> None:
        """Move a young event that began its own story to an open story it now matches (module doc, 4);
        ``alone``: a one-article story, placed again once its day is over (``_replace_day``)."""
        story = self._stories[event.story]
        if len(story.events) != 1 or not (1 if alone else 2) <= story.profile.n <= FRESH_ARTICLES:
            return
        p = event.profile
        idf = self.frequencies.idf
        body = {t: w / p.body_norm for t, w in sorted(p.body.items(), key=itemgetter(1, 0), reverse=True)}
        pseudo = ArticleVectors(
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
        self, f: ArticleFeatures, date: dt.date | None, article: ArticleVectors, story: OpenStory | None, p: float
    ) -> OpenEvent:
        if story is None:
            story = OpenStory(
                number=self._story_numbers,
                story_id=self._unique_id(story_id_for, f),
                events=[],
                profile=Profile(),
                first_date=f.date,
                last_date=f.date,
                last_arrival=self._arrivals,
            )
            self._story_numbers += 1
            self._stories[story.number] = story
            p = 1.0
        event = OpenEvent(
            number=self._event_numbers,
            event_id=self._unique_id(event_id_for, f),
            story=story.number,
            members=[],
            profile=Profile(),
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

    def _join(self, event: OpenEvent, member: Member, date: dt.date | None, article: ArticleVectors | None) -> None:
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
                if cluster.first_date is None or date < cluster.first_date:
                    cluster.first_date = date
        if article is not None:
            keys = [(k, 1.0) for k in article.keys]
            add_to_profile(event.profile, article.lead, article.title, keys, 1.0, EVENT_TERMS)
            self._event_index.put(event.number, event.profile)
            add_to_profile(story.profile, article.body, article.title, keys, 1.0, STORY_TERMS)
            self._story_index.put(story.number, story.profile)
        self._stories[story.number] = self._stories.pop(story.number)  # now the most recently active

    def _decay(self, story: OpenStory, factor: float) -> None:
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

    def _move(self, event: OpenEvent, source: OpenStory, target: OpenStory) -> None:
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
        add_to_profile(target.profile, q.body, q.title, q.keys.items(), q.n, STORY_TERMS)
        self._story_index.put(target.number, target.profile)
        self._stories[target.number] = self._stories.pop(target.number)

    # --- duplicates -------------------------------------------------------------------------------

    def _find_original(self, signature: np.ndarray) -> tuple[int, float] | None:
        """The open article this one copies: highest estimated Jaccard, then the earliest."""
        best: tuple[float, int] | None = None
        for seq in self._lsh.query(lean_minhash(signature)):
            event = self._events[self._owner[seq]]
            jaccard = float(np.count_nonzero(event.signatures[seq] == signature)) / NUM_PERM
            if jaccard >= self.options.duplicate_threshold and (best is None or (jaccard, -seq) > (best[0], -best[1])):
                best = (jaccard, seq)
        return None if best is None else (best[1], round(best[0], 6))

    def _index_signature(self, event: OpenEvent, seq: int, article_id: str, signature: np.ndarray) -> None:
        if not signature.any() or (signature == np.uint32(0xFFFFFFFF)).all():
            return  # no shingles: nothing to compare
        event.signatures[seq] = signature
        self._owner[seq] = event.number
        self._ids[seq] = article_id
        self._lsh.insert(seq, lean_minhash(signature))

    # --- closing ----------------------------------------------------------------------------------

    def _advance(self, date: dt.date | None) -> list[StoryTree]:
        if date is None or (self._clock is not None and date <= self._clock):
            return []
        if self._clock is not None and self.options.replace_after_day:
            self._replace_day(self._clock)
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

    def _replace_day(self, day: dt.date) -> None:
        """Place again the one-article stories that ``day`` began, now that the day is over.

        Within a day the order of articles is arbitrary (an archive has no time of day), so an article
        may come before the reports it belongs with and begin a story of its own; once the day is
        over the stories it missed exist.  Each such story, one event of one article, may move into an
        open story it now matches (the same decision as ``_relink``); no established event or story
        is merged.  Bounded by the open stories, once a day.
        """
        alone: list[tuple[int, int]] = []  # (story number, its open event's number)
        for s in self._stories.values():
            first = s.events[0] if len(s.events) == 1 else None
            if s.n_members == 1 and s.first_date == day and isinstance(first, int):
                alone.append((s.number, first))
        for number, event in sorted(alone):
            story = self._stories.get(number)
            if story is not None and story.events == [event]:  # not joined by an earlier one meanwhile
                self._relink(self._events[event], day, alone=True)

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

    def _close_event(self, event: OpenEvent, with_story: bool = False) -> None:
        del self._events[event.number]
        self._event_index.remove(event.number, event.profile)
        for seq in event.signatures:
            self._lsh.remove(seq)
            del self._owner[seq]
            del self._ids[seq]
        story = self._stories[event.story]
        gists = {m.seq: self._gists.pop(m.seq) for m in event.members if m.seq in self._gists}
        parts = split_event(event.event_id, event.members, gists, self.frequencies.idf, self._used_ids)
        place_parts(story.events, story.events.index(event.number), parts, self._events)
        story.open_events -= 1
        if not with_story:
            self._closed_events += parts

    def _close_story(self, story: OpenStory) -> StoryTree:
        for entry in list(story.events):
            if isinstance(entry, int):
                self._close_event(self._events[entry], with_story=True)
        del self._stories[story.number]
        self._story_index.remove(story.number, story.profile)
        tree = StoryTree(story.story_id, self._ranks, tuple(e for e in story.events if isinstance(e, EventAssignment)))
        self._ranks += 1
        return tree

    # --- state ------------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything needed to continue later, as JSON values (``from_state``); floats round-trip exactly."""
        return encode(self)

    @classmethod
    def from_state(cls, state: Mapping[str, Any], decide: Decider = best_candidate) -> TreeClusterer:
        """A clusterer that continues where ``state()`` left off, with the options saved in it.

        Raises ``TreeStateError`` for a state of another version or a damaged one.
        """
        return restore(cls, state, decide)

