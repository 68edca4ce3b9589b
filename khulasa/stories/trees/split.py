"""Splitting a large, diffuse event when it closes: the distinct happenings it absorbed become events.

Online, an event that grows over several days keeps taking the next happenings of its thread: every
report of a case names the same actors, the event's entity sums and size grow with it, and a new
happening's first reports score closer to the giant than to anything else (docs/story-trees.md, "Where
the trees still err").  When such an event closes (or at ``finish``) all its reports are known, so it
can be looked at whole:

1. **Groups by what tells the reports apart.**  Each report is its headline and lead terms and its
   named entities (``gist``), weighted by an IDF computed *within the event*: what every report says
   (the case's name, its main actors) weighs nothing, and a happening's own words (a visit, a search, a
   call) decide.  The reports are grouped by average-link agglomerative clustering of these vectors
   (cosine), merging while the two nearest groups' mean similarity is at least ``threshold``.
2. **Only a distinct group of other days splits off.**  A group of at least ``min_part`` reports
   becomes a part of its own when at most ``max_main_day`` of its reports are of the event's busiest
   day (the main happening's: a group of that day is its coverage, however worded) and its centroid is
   far from the rest of the event's: cosine below ``max_overlap`` with the run's own IDF
   (``Frequencies.idf``), where the words of the main happening weigh.  A group of the main happening
   shares its words and stays; so does a genuinely one-happening multi-day event (a summit and its
   reactions), which has no distinct group.  (The busiest day rather than the first: in a run over
   the archive an event may begin days before its main happening, with the threats before a strike.)
3. **The rest stays one event**, with every report not in a part; a report of the rest that is nearer
   (the same cosine) to a part's centroid than to the rest's joins that part (``reassign``).

The values were chosen on the labelled dev windows (docs/story-trees.md, with what else was tried).

The parts stay events of the same story, in the place of the event.  The part holding the event's
first report keeps the event's id; each other part is named by its own first report
(``profiles.event_id_for``), so ids stay stable and the same input gives the same parts.  A copy goes
with the report it copies.  Only events of at least ``MIN_ARTICLES`` reports are looked at, and at
most ``MAX_MEMBERS`` of their reports are compared pairwise (the others stay in the rest): bounded work,
once per event, when it closes.  The clusterer keeps each open event's reports' gists for this (in its
``state`` too) and drops them when the event closes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from khulasa.stories.cluster import Member
from khulasa.stories.signals import EventSignals
from khulasa.stories.trees.frequencies import ENTITY_KEY
from khulasa.stories.trees.profiles import EventAssignment, OpenEvent, cosine, event_id_for, sum_into

MIN_ARTICLES = 20
"""Events of fewer reports are never split (``TreeOptions.split_events``)."""
THRESHOLD = 0.2
"""Average-link merging stops below this mean within-event cosine."""
MIN_PART = 4
"""Reports a group needs to split off."""
MAX_OVERLAP = 0.45
"""A group splits off only if its centroid's cosine with the rest's (the run's IDF) is below this..."""
MAX_MAIN_DAY = 0.4
"""...and at most this share of its reports are of the event's busiest day (its main happening's)."""
MAX_MEMBERS = 400
"""Reports of one event compared pairwise at most (the first, in clustering order)."""


Gist = tuple[tuple[str, ...], tuple[float, ...]]
"""A report's terms (sorted, entities prefixed ``e:``) and their weights: what ``split`` compares."""

REST = -1
"""The group label of the reports that stay in the event."""


def gist(s: EventSignals) -> Gist:
    """A report as the split compares it: its lead terms (``1 + ln tf``, headline terms counted twice),
    its headline terms (1 if not in the lead) and its entities (1), sorted."""
    weights = dict(zip(s.lead_terms, s.lead_weights, strict=True))
    for t in s.title:
        weights.setdefault(t, 1.0)
    for e in s.entities:
        weights[ENTITY_KEY + e] = 1.0
    terms = tuple(sorted(weights))
    return terms, tuple(weights[t] for t in terms)


def split_event(
    event_id: str, members: Sequence[Member], gists: Mapping[int, Gist], idf: Callable[[str], float],
    used_ids: set[str],
) -> list[EventAssignment]:
    """A closing event as one or more events (module doc): the first keeps ``event_id``, the others are
    named by their first report (an id not in ``used_ids``, which records it)."""
    if len(members) < MIN_ARTICLES:
        return [EventAssignment(event_id, tuple(members))]
    parts = split(members, gists, idf)
    out = []
    for part in parts:
        if part[0] is members[0]:
            out.append(EventAssignment(event_id, tuple(part)))
            continue
        new_id = event_id_for(part[0].id)
        if new_id in used_ids:  # only if article ids repeat
            new_id = event_id_for(f"{part[0].id}#{part[0].seq}")
        used_ids.add(new_id)
        out.append(EventAssignment(new_id, tuple(part)))
    return out


def place_parts(entries: list[EventAssignment | int], at: int, parts: Sequence[EventAssignment],
                open_events: Mapping[int, OpenEvent]) -> None:
    """Put ``parts`` in the place of ``entries[at]`` (a story's events: closed ones, open ones by number,
    in the order they began): the first part there, each other before the first later event that began
    after it, so a story's events stay in time order."""
    entries[at] = parts[0]
    for part in parts[1:]:
        seq = part.members[0].seq
        i = at + 1
        while i < len(entries):
            entry = entries[i]
            if (open_events[entry].members if isinstance(entry, int) else entry.members)[0].seq > seq:
                break
            i += 1
        entries.insert(i, part)


def split(
    members: Sequence[Member],
    gists: Mapping[int, Gist],
    idf: Callable[[str], float],
    threshold: float = THRESHOLD,
    min_part: int = MIN_PART,
    max_overlap: float = MAX_OVERLAP,
    max_main_day: float = MAX_MAIN_DAY,
    reassign: bool = True,
) -> list[list[Member]]:
    """``members`` (in clustering order) as one or more parts, each in clustering order, the parts in the
    order of their first report (module doc); ``gists``: seq -> the report's ``gist``; ``idf``: the
    run's IDF of a term or ``e:`` key."""
    compared = [m for m in members if m.duplicate_of is None and gists.get(m.seq, ((), ()))[0]][:MAX_MEMBERS]
    if len(compared) < 2 * min_part:
        return [list(members)]
    rows = [gists[m.seq] for m in compared]
    x = _within_event_vectors(rows)
    labels = _average_link(x @ x.T, threshold)
    vectors = [_unit({t: w * idf(t) for t, w in zip(terms, weights, strict=True)}) for terms, weights in rows]
    labels = _distinct(compared, vectors, labels, min_part, max_overlap, max_main_day)
    if all(g == REST for g in labels):
        return [list(members)]
    if reassign:
        labels = _reassign(vectors, labels)
    group_of = {m.id: g for m, g in zip(compared, labels, strict=True)}
    parts: dict[int, list[Member]] = {}
    for m in members:
        parts.setdefault(group_of.get(m.duplicate_of or m.id, REST), []).append(m)
    return sorted(parts.values(), key=lambda p: p[0].seq)


def _within_event_vectors(rows: Sequence[Gist]) -> np.ndarray:
    """Unit rows: each report's term weights times ``ln(n / df)`` within these ``n`` reports (a term all
    of them share weighs 0; a term of one report is left out: it links nothing)."""
    n = len(rows)
    df: dict[str, int] = {}
    for terms, _ in rows:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    vocab = {t: i for i, t in enumerate(sorted(t for t, c in df.items() if 1 < c < n))}
    x = np.zeros((n, max(len(vocab), 1)))
    for row, (terms, weights) in enumerate(rows):
        for t, w in zip(terms, weights, strict=True):
            col = vocab.get(t)
            if col is not None:
                x[row, col] = w * math.log(n / df[t])
    norms = np.linalg.norm(x, axis=1)
    norms[norms == 0] = 1.0
    return x / norms[:, None]


def _average_link(sim: np.ndarray, threshold: float) -> list[int]:
    """Group labels (a group is named by its lowest row) from average-link merging while the best pair
    of groups has a mean similarity of at least ``threshold`` (ties: the lowest rows)."""
    n = sim.shape[0]
    s = sim.astype(np.float64, copy=True)
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    label = np.arange(n)
    while True:
        i, j = divmod(int(np.argmax(s)), n)
        if not s[i, j] >= threshold:
            break
        i, j = min(i, j), max(i, j)
        merged = (size[i] * s[i] + size[j] * s[j]) / (size[i] + size[j])
        s[i, :] = merged
        s[:, i] = merged
        s[i, i] = -np.inf
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        size[i] += size[j]
        label[label == j] = i
    return [int(g) for g in label]


def _distinct(
    compared: Sequence[Member], vectors: Sequence[dict[str, float]], labels: Sequence[int], min_part: int,
    max_overlap: float, max_main_day: float,
) -> list[int]:
    """The labels of the groups that split off (module doc, step 2); ``REST`` for every other report."""
    days: dict[dt.date, int] = {}
    for m in compared:
        if m.date is not None:
            days[m.date] = days.get(m.date, 0) + 1
    main_day = max(sorted(days), key=days.__getitem__) if days else None  # the busiest (ties: the first)
    total = _sum(vectors)
    groups: dict[int, list[int]] = {}
    for row, g in enumerate(labels):
        groups.setdefault(g, []).append(row)
    out = [REST] * len(labels)
    for g, rows in sorted(groups.items()):
        if len(rows) < min_part or len(rows) == len(labels):
            continue
        if main_day is not None and sum(compared[r].date == main_day for r in rows) > max_main_day * len(rows):
            continue
        inside = _sum(vectors[r] for r in rows)
        rest = {t: w - inside.get(t, 0.0) for t, w in total.items()}
        if _cosine(inside, rest) < max_overlap:
            for r in rows:
                out[r] = g
    return out


def _reassign(vectors: Sequence[dict[str, float]], labels: list[int]) -> list[int]:
    """A report of the rest joins the part whose centroid it is nearest to, if nearer than to the rest's
    (without itself); the centroids are those before any report moves."""
    centroids: dict[int, dict[str, float]] = {}
    for v, g in zip(vectors, labels, strict=True):
        c = centroids.setdefault(g, {})
        for t, w in v.items():
            c[t] = c.get(t, 0.0) + w
    rest = centroids.get(REST, {})
    out = list(labels)
    for row, (v, g) in enumerate(zip(vectors, labels, strict=True)):
        if g != REST:
            continue
        best, score = REST, _cosine(v, {t: w - v.get(t, 0.0) for t, w in rest.items()})
        for h in sorted(centroids):
            if h != REST:
                s = _cosine(v, centroids[h])
                if s > score:
                    best, score = h, s
        out[row] = best
    return out


def _sum(vectors: Iterable[Mapping[str, float]]) -> dict[str, float]:
    return sum_into({}, (item for v in vectors for item in v.items()))


def _unit(v: dict[str, float]) -> dict[str, float]:
    norm = _norm(v)
    return {t: w / norm for t, w in v.items()} if norm else v


def _norm(v: Mapping[str, float]) -> float:
    return math.sqrt(math.fsum(w * w for w in v.values()))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two sparse vectors (``profiles.cosine``: the same result in every process)."""
    norms = _norm(a) * _norm(b)
    return cosine(a, b, norms) if norms else 0.0
