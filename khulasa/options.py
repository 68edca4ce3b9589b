"""``SummaryOptions``: one validated, frozen options object, built from keywords, CLI flags or JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from khulasa.errors import InvalidOptionsError

DEFAULT_WORDS = 120

T = TypeVar("T")


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

    Budget: ``words`` (whitespace words, the default is 120) or ``sentences``, never both.  The
    summary stays within the budget; with a word budget it aims to fill at least 80 % of it.
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
        for name in ("words", "sentences"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise InvalidOptionsError(name, value, "must be a whole number of at least 1")
        if self.words is None and self.sentences is None:
            object.__setattr__(self, "words", DEFAULT_WORDS)
        for name in ("timeline", "key_terms"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidOptionsError(name, getattr(self, name), "must be true or false")
        redundancy = self.redundancy
        if (
            isinstance(redundancy, bool)
            or not isinstance(redundancy, int | float)
            or not 0.0 < redundancy <= 1.0
        ):
            raise InvalidOptionsError("redundancy", redundancy, "must be a number in (0, 1]")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SummaryOptions:
        """Build from JSON or a config file; unknown keys are an error that lists the valid ones."""
        return from_mapping(cls, data)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
