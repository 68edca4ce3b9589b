"""``SummaryOptions``: one validated, frozen options object, built from keywords, CLI flags or JSON."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from khulasa.errors import InvalidOptionsError

DEFAULT_WORDS = 120
MAX_WORDS = 100_000
"""The largest word budget: a summary longer than a short book is not a summary."""
MAX_SENTENCES = 10_000

T = TypeVar("T")


# --- validators shared by every options object (summary, stories, service settings) ----------------------


def whole(name: str, value: object, *, minimum: int, maximum: int) -> None:
    """``value`` must be an ``int`` (not a bool) in ``[minimum, maximum]``.

    Every integer option has an upper bound, so no later arithmetic (a ``timedelta``, an array size)
    can overflow on a value that was accepted.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidOptionsError(name, value, f"must be a whole number from {minimum} to {maximum:,}")


def fraction(name: str, value: object) -> None:
    """``value`` must be a finite number in ``(0, 1]`` (NaN and infinities are refused)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not 0.0 < value <= 1.0
    ):
        raise InvalidOptionsError(name, value, "must be a finite number in (0, 1]")


def flag(name: str, value: object) -> None:
    """``value`` must be ``True`` or ``False``."""
    if not isinstance(value, bool):
        raise InvalidOptionsError(name, value, "must be true or false")


def from_mapping(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build the options dataclass ``cls`` from a mapping; ``None`` values mean "the default".

    Unknown keys raise ``InvalidOptionsError`` listing the valid ones (shared by every options object).
    """
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    for key in data:
        if key not in known:
            raise InvalidOptionsError(
                key, data[key], "unknown option", hint=f"valid options: {', '.join(sorted(known))}"
            )
    return cls(**{k: v for k, v in data.items() if v is not None})


@dataclass(frozen=True)
class SummaryOptions:
    """How to summarize.

    Budget: ``words`` (1 to ``MAX_WORDS``, counted by ``khulasa.text.normalize.count_words``; the default
    is 120) or ``sentences`` (1 to ``MAX_SENTENCES``), never both.  The summary stays within the
    budget; with a word budget it aims to fill at least 80 % of it.
    ``timeline`` and ``key_terms`` add the story's dated events and its actors, places and phrases.
    ``redundancy`` is the similarity (0-1) above which two sentences count as saying the same thing.
    """

    words: int | None = None
    sentences: int | None = None
    timeline: bool = False
    key_terms: bool = False
    redundancy: float = 0.5

    def __post_init__(self) -> None:
        if self.words is not None and self.sentences is not None:
            raise InvalidOptionsError(
                "words",
                self.words,
                "give a word budget or a sentence budget, not both",
                hint=f"did you mean only sentences={self.sentences}?",
            )
        if self.words is not None:
            whole("words", self.words, minimum=1, maximum=MAX_WORDS)
        if self.sentences is not None:
            whole("sentences", self.sentences, minimum=1, maximum=MAX_SENTENCES)
        if self.words is None and self.sentences is None:
            object.__setattr__(self, "words", DEFAULT_WORDS)
        flag("timeline", self.timeline)
        flag("key_terms", self.key_terms)
        fraction("redundancy", self.redundancy)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SummaryOptions:
        """Build from JSON or a config file; unknown keys are an error that lists the valid ones."""
        return from_mapping(cls, data)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
