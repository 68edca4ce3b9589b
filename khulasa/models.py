"""The plain values that flow between Khulasa's stages.

ingest -> ``Article``; segment -> ``Sentence``; dedup -> ``InfoUnit``; select + order -> ``Summary``.
Every value is a frozen dataclass; stages return new values and never mutate their inputs.
Character offsets always index ``Article.text`` (the cleaned text that ingest produced and that the JSON
of a summary publishes), so ``article.text[start:end]`` is the sentence.

Values only: this module imports nothing of Khulasa but its errors (the values check their own fields).
Counting words, rendering and the rest are the stages' (``khulasa.text``, ``khulasa.render``...).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from khulasa.errors import InvalidOptionsError

if TYPE_CHECKING:
    from khulasa.options import SummaryOptions

_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.,+\-Z]*)?\s*$")


def iso_date(value: object) -> dt.date | None:
    """An article date: ``None``, a ``date`` (a ``datetime`` gives its date, as written), or an ISO
    date or datetime string (``"2016-10-10"``, ``"2016-10-10T08:30:00+03:00"``).

    Anything else raises ``InvalidOptionsError`` naming ``date``; reading other formats (RFC 2822,
    Arabic dates) is ``khulasa.ingest.parse_date``'s job.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _ISO_DATE.match(value)
        if m is not None:
            try:
                if value.strip()[10:]:
                    dt.datetime.fromisoformat(value.strip())  # the time part must be valid too
                return dt.date.fromisoformat(m.group(1))
            except ValueError:
                pass
    raise InvalidOptionsError(
        "date", value, "not a date", hint="give a datetime.date or an ISO date string such as '2016-10-10'"
    )


@dataclass(frozen=True)
class Article:
    """One news article as read from disk, JSON, stdin or an archive.

    ``text`` is the cleaned text (entities decoded, zero-width/bidi marks and stray ``&`` removed,
    NBSP as space, CRLF as LF); offsets elsewhere refer to it.  ``source`` is the outlet name when
    known.  ``extra`` keeps fields of the input that Khulasa does not interpret.  ``date`` may be given
    as an ISO string or a ``datetime``; it is kept as a ``date`` (``iso_date``), and anything else is
    refused here, with ``InvalidOptionsError``, rather than failing later.
    """

    id: str
    text: str
    source: str | None = None
    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    path: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("id", "text"):
            if not isinstance(getattr(self, name), str):
                raise InvalidOptionsError(name, getattr(self, name), "must be a string")
        if self.date is not None and type(self.date) is not dt.date:
            object.__setattr__(self, "date", iso_date(self.date))

    @property
    def outlet(self) -> str:
        """The name to attribute sentences to: the outlet when known, else the article id."""
        return self.source or self.id


@dataclass(frozen=True)
class Sentence:
    """A sentence of one article with its offsets and its matching form.

    ``text`` is ``article.text[start:end]`` (display form).  ``terms`` are the normalized, stemmed
    content tokens used for matching and scoring (stopwords removed).  ``is_arabic``: at least 40 % of
    the tokens that are not numbers are Arabic (an English quotation is not).  ``index`` counts
    sentences in the article from 0 (headings included); ``paragraph`` counts paragraphs from 0.
    Headings are short title lines that are kept for context but are never candidates for a summary.
    ``n_words`` (keyword only, required) is the display text's words as every word budget counts them
    (``khulasa.text.normalize.count_words``); the folded tokens of the text are
    ``khulasa.text.normalize.word_tokens(sentence.text.split())``.
    """

    article_id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0
    is_heading: bool = False
    terms: tuple[str, ...] = ()
    is_arabic: bool = True
    n_words: int = field(kw_only=True)


@dataclass(frozen=True)
class InfoUnit:
    """One piece of information: a group of identical or near-identical sentences across articles.

    ``sentences`` holds every supporting sentence (none are dropped); ``representative``
    is the member shown to the reader.  ``articles`` are the distinct supporting article ids in
    first-seen order.
    """

    id: int
    representative: Sentence
    sentences: tuple[Sentence, ...]

    @cached_property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.article_id for s in self.sentences))


@dataclass(frozen=True)
class SourceSpan:
    """Where a summary sentence (or a rewrite of it) stands in one article."""

    article_id: str
    source: str
    start: int
    end: int


@dataclass(frozen=True)
class SummarySentence:
    text: str
    sources: tuple[SourceSpan, ...]
    score: float
    unit_id: int
    article_id: str
    """The article whose sentence is displayed (``text == article.text[start:end]`` there)."""


@dataclass(frozen=True)
class TimelineEvent:
    """A dated event: the date (or range) a sentence refers to, with every source reporting it.

    ``granularity`` is ``"day"``, ``"month"`` or ``"year"``; ``date`` is the first day of the period.
    ``expression`` is the date phrase as written; ``relative`` tells whether it was resolved against
    the article's publication date (``أمس``, ``الشهر الماضي``, ``اليوم الاثنين``).  ``text`` is the
    clause that carries the date (``sources`` hold its exact span in every article that reports it).
    ``background`` marks history the story recalls (dated before its first article, ``منذ 2014``)
    rather than its own events.
    """

    date: dt.date
    granularity: str
    text: str
    sources: tuple[SourceSpan, ...]
    expression: str
    end_date: dt.date | None = None
    relative: bool = False
    background: bool = False


@dataclass(frozen=True)
class KeyTerm:
    """A key person, place, organisation or phrase with how widely it is reported."""

    text: str
    kind: str
    """``"person"``, ``"place"``, ``"organisation"`` or ``"phrase"`` (``khulasa.keyterms.KINDS``)."""
    score: float
    articles: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class DuplicateGroup:
    """Articles that are copies of each other; ``kept`` is the one used for summarizing."""

    kept: str
    duplicates: tuple[str, ...]
    similarity: float


@dataclass(frozen=True)
class Summary:
    """The result of ``khulasa.summarize``: selected, ordered sentences with their provenance.

    ``articles`` are all input articles (duplicates included); ``duplicates`` says which were copies.
    ``timeline`` and ``key_terms`` are empty unless asked for in the options.  A value only: its formats
    are ``khulasa.render`` (``render(summary, "json")``, ``to_json(summary)``, ``to_text(summary)``...).
    """

    sentences: tuple[SummarySentence, ...]
    articles: tuple[Article, ...]
    options: SummaryOptions | None
    """The ``SummaryOptions`` used."""
    duplicates: tuple[DuplicateGroup, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    key_terms: tuple[KeyTerm, ...] = ()
    n_units: int = 0
    n_sentences: int = 0
    n_words: int = 0
    """The summary's words as its budget counts them; the counts are set by the stage that makes the
    summary (``khulasa.summarize``)."""

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.sentences)
