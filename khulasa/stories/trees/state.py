"""Saving a story-tree run and continuing it: ``TreeClusterer.state`` and ``TreeClusterer.from_state``.

A state is plain JSON (no article text): the options, the counters, the run's document frequencies
(and the digest of the shipped prior they are blended with: a run continues with the prior it began
with), and the open stories and events with their profiles and MinHash signatures.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from khulasa.stories.cluster import Member
from khulasa.stories.trees.frequencies import Frequencies, document_prior
from khulasa.stories.trees.options import TreeOptions, TreeStateError
from khulasa.stories.trees.profiles import EventAssignment, OpenEvent, OpenStory, Profile, lean_minhash

if TYPE_CHECKING:
    from khulasa.stories.trees.clusterer import TreeClusterer
    from khulasa.stories.trees.profiles import Decider

STATE_VERSION = 2
"""Version 2: the document frequencies record the prior they are blended with."""


def prior_digest(options: TreeOptions) -> str | None:
    """The digest of the prior a run with ``options`` blends in (``None``: no prior)."""
    return document_prior().digest if options.prior_articles else None


def encode(c: TreeClusterer) -> dict[str, Any]:
    """Everything needed to continue later, as JSON values (``restore``); floats round-trip exactly."""
    return {
        "version": STATE_VERSION,
        "options": c.options.to_dict(),
        "clock": _iso(c._clock),
        "arrivals": c._arrivals,
        "event_numbers": c._event_numbers,
        "story_numbers": c._story_numbers,
        "ranks": c._ranks,
        "used_ids": sorted(c._used_ids),
        "frequencies": {"n": c.frequencies.n, "df": dict(c.frequencies.df), "prior": prior_digest(c.options)},
        "stories": [_story_state(s) for s in c._stories.values()],
        "events": [_event_state(e) for e in c._events.values()],
        "gists": {str(seq): [list(terms), list(weights)] for seq, (terms, weights) in c._gists.items()},
    }


def restore(cls: type[TreeClusterer], saved: Any, decide: Decider) -> TreeClusterer:
    """A clusterer of class ``cls`` that continues where ``encode`` left off, with the options saved in it.

    Raises ``TreeStateError`` for a state of another version, of another prior, or a damaged one.
    """
    if not isinstance(saved, Mapping) or saved.get("version") != STATE_VERSION:
        found = saved.get("version") if isinstance(saved, Mapping) else type(saved).__name__
        raise TreeStateError(
            f"cannot continue a story-tree state of version {found!r} (this Khulasa reads version {STATE_VERSION})",
            hint="start the run over without the saved state",
        )
    try:
        return _restore(cls, saved, decide)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise TreeStateError(
            f"the saved story-tree state is damaged ({type(exc).__name__}: {exc})",
            hint="start the run over without the saved state",
        ) from exc


def _restore(cls: type[TreeClusterer], state: Mapping[str, Any], decide: Decider) -> TreeClusterer:
    c = cls(TreeOptions.from_dict(state["options"]), decide)
    if state["frequencies"]["prior"] != prior_digest(c.options):
        raise TreeStateError(
            "the saved story-tree state was made with another document-frequency prior "
            f"({state['frequencies']['prior']}; this Khulasa ships {prior_digest(c.options)})",
            hint="start the run over without the saved state",
        )
    c._clock = _date(state["clock"])
    c._arrivals = state["arrivals"]
    c._event_numbers = state["event_numbers"]
    c._story_numbers = state["story_numbers"]
    c._ranks = state["ranks"]
    c._used_ids = set(state["used_ids"])
    c.frequencies = Frequencies(state["frequencies"]["df"], state["frequencies"]["n"], c.options.prior_articles)
    c._gists = {int(seq): (tuple(g[0]), tuple(g[1])) for seq, g in state.get("gists", {}).items()}
    for data in state["stories"]:
        story = _story_from(data)
        c._stories[story.number] = story
        c._story_index.put(story.number, story.profile)
    for data in state["events"]:
        event = _event_from(data)
        c._events[event.number] = event
        c._event_index.put(event.number, event.profile)
        ids = {m.seq: m.id for m in event.members}
        for seq, signature in event.signatures.items():
            c._owner[seq] = event.number
            c._ids[seq] = ids[seq]
            c._lsh.insert(seq, lean_minhash(signature))
    return c


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _member_state(m: Member) -> list[Any]:
    return [m.id, m.seq, _iso(m.date), m.similarity, m.duplicate_of]


def _member_from(data: Sequence[Any]) -> Member:
    return Member(data[0], data[1], _date(data[2]), data[3], data[4])


def _profile_state(p: Profile) -> dict[str, Any]:
    # copies: the clusterer sums into a profile's dicts in place (``add_to_profile``)
    return {"body": dict(p.body), "body_norm": p.body_norm, "title": dict(p.title), "title_norm": p.title_norm,
            "keys": dict(p.keys), "n": p.n}


def _profile_from(data: Mapping[str, Any]) -> Profile:
    return Profile(dict(data["body"]), data["body_norm"], dict(data["title"]), data["title_norm"],
                    dict(data["keys"]), data["n"])


def _event_state(e: OpenEvent) -> dict[str, Any]:
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


def _event_from(data: Mapping[str, Any]) -> OpenEvent:
    return OpenEvent(
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


def _story_state(s: OpenStory) -> dict[str, Any]:
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


def _story_from(data: Mapping[str, Any]) -> OpenStory:
    return OpenStory(
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

