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
MAX_FOCUS = 1_000
"""The longest query, speaker or outlet name (characters)."""
MAX_FOCUS_WEIGHT = 100.0
_SHOWN_WHEN_SET = frozenset({"quotes", "compare", "query", "speaker", "outlet", "focus_weight"})

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
class Budget:
    """How long a summary may be: ``words`` (1 to ``MAX_WORDS``, counted by
    ``khulasa.text.normalize.count_words``) or ``sentences`` (1 to ``MAX_SENTENCES``), never both;
    neither means ``DEFAULT_WORDS`` words.  The one budget type: the selector spends it, the options
    of a summary, of a story and of an evaluation carry it."""

    words: int | None = None
    sentences: int | None = None

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

    def __str__(self) -> str:
        return f"{self.words}w" if self.sentences is None else f"{self.sentences}s"


@dataclass(frozen=True)
class SummaryOptions:
    """How to summarize.

    Budget: ``words`` or ``sentences``, never both (the default is 120 words), checked as a ``Budget``
    (``budget``).  The summary stays within the budget; with a word budget it aims to fill at least
    80 % of it.
    ``timeline`` and ``key_terms`` add the story's dated events and its actors, places and phrases.
    ``redundancy`` is the similarity (0-1) above which two sentences count as saying the same thing.

    Who said what and how outlets differ (``docs/quotes.md``): ``quotes`` adds the story's statements
    with their speakers (only ``speaker``'s when it is given); ``compare`` adds the outlet comparison
    (coverage of each sentence, what only one outlet carries, facts given with different values).
    ``query``, ``speaker`` and ``outlet`` focus the summary on a question, an actor or an outlet
    (``khulasa.focus``; ``focus_weight`` is how strongly, default 2).  These fields appear in
    ``to_dict`` only when set, so a summary made without them is what it was before they existed.
    """

    words: int | None = None
    sentences: int | None = None
    timeline: bool = False
    key_terms: bool = False
    redundancy: float = 0.5
    quotes: bool = False
    compare: bool = False
    query: str | None = None
    speaker: str | None = None
    outlet: str | None = None
    focus_weight: float = 2.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", Budget(self.words, self.sentences).words)
        flag("timeline", self.timeline)
        flag("key_terms", self.key_terms)
        fraction("redundancy", self.redundancy)
        flag("quotes", self.quotes)
        flag("compare", self.compare)
        for name in ("query", "speaker", "outlet"):
            value = getattr(self, name)
            if value is not None and not (isinstance(value, str) and value.strip() and len(value) <= MAX_FOCUS):
                raise InvalidOptionsError(
                    name, value, f"must be a non-empty string of at most {MAX_FOCUS} characters or left out"
                )
        weight = self.focus_weight
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= MAX_FOCUS_WEIGHT:
            raise InvalidOptionsError(
                "focus_weight", weight, f"must be a number from 0 to {MAX_FOCUS_WEIGHT}", hint="try 2"
            )

    @property
    def focused(self) -> bool:
        """A query, speaker or outlet focus is given."""
        return self.query is not None or self.speaker is not None or self.outlet is not None

    @property
    def budget(self) -> Budget:
        return Budget(self.words, self.sentences)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SummaryOptions:
        """Build from JSON or a config file; unknown keys are an error that lists the valid ones."""
        return from_mapping(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """Every option; the quotes, comparison and focus options only when they differ from their defaults."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in _SHOWN_WHEN_SET or getattr(self, f.name) != f.default
        }
