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
    Headings are short title lines that are kept for context but are never candidates for a summary;
    lines of page furniture (``khulasa.text.rules``: read-also, captions, disclaimers...) are marked so too.
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
class Insertion:
    """Words shown in a summary sentence that its source span does not hold: the speaker's name given
    to a pure reporting frame (``وأضاف أن`` -> ``وأضاف بوتين أن``, ``khulasa.readable``).

    ``text == sentence.text[start:end]`` (offsets into the text shown); ``source`` is where the
    article names the speaker (its exact span, in the sentence before)."""

    start: int
    end: int
    text: str
    source: SourceSpan


@dataclass(frozen=True)
class SummarySentence:
    text: str
    sources: tuple[SourceSpan, ...]
    score: float
    unit_id: int
    article_id: str
    """The article whose sentence is displayed (``text == article.text[start:end]`` there, unless
    ``edits`` says how the text shown differs from that span)."""
    edits: tuple[str, ...] = ()
    """Display edits of the span's text (``khulasa.readable.EDITS``: ``"unhashtag"``, hashtag marks
    removed; ``"speaker"``, the speaker's name inserted, see ``inserted``); empty when ``text`` is the
    span's text exactly."""
    inserted: tuple[Insertion, ...] = ()
    """The words of ``text`` that are not in the source span, each with where the article has them."""


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


# --- who said what and how outlets differ (khulasa.quotes, khulasa.compare) -----------------------

@dataclass(frozen=True)
class QuoteSource:
    """One article's report of a statement: ``article.text[start:end]`` is the content there.

    ``speaker`` is the speaker's fullest name in that article (as written there), ``mention`` the phrase
    that names the speaker at this quote (``None`` when elided: ``وأضاف أن``), ``verb`` the reporting
    word as written (``None`` for a quote that continues the previous one).
    """

    article_id: str
    source: str
    start: int
    end: int
    kind: str
    verb: str | None
    speaker: str | None
    mention: str | None
    sentence_index: int
    date: dt.date | None = None


@dataclass(frozen=True)
class Quote:
    """A statement and every article that reports it (in any wording)."""

    id: int
    speaker: str | None
    """The speaker's fullest name in the story (a description for an unnamed source or an unresolved
    role); ``None`` when the story never says who."""
    speaker_id: int | None
    anonymous: bool
    text: str
    verb: str | None
    kind: str
    sources: tuple[QuoteSource, ...]

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.article_id for s in self.sources))


@dataclass(frozen=True)
class Speaker:
    """A speaker of the story with every form it is named by."""

    id: int
    name: str
    aliases: tuple[str, ...]
    anonymous: bool
    n_quotes: int
    articles: tuple[str, ...]


@dataclass(frozen=True)
class CoverageRow:
    unit_id: int
    text: str
    articles: tuple[str, ...]
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    """Which outlets report each row (a summary sentence or an information unit)."""

    outlets: tuple[str, ...]
    rows: tuple[CoverageRow, ...]

    def matrix(self) -> tuple[tuple[bool, ...], ...]:
        """Row x outlet: whether the outlet reports the row."""
        return tuple(tuple(o in set(r.outlets) for o in self.outlets) for r in self.rows)


@dataclass(frozen=True)
class Exclusive:
    """A salient piece of information that one outlet alone carries."""

    unit_id: int
    text: str
    outlet: str
    sources: tuple[SourceSpan, ...]
    score: float


@dataclass(frozen=True)
class ValueSource:
    """Where one outlet gives a value: ``article.text[start:end]`` is the value as written, inside the
    sentence ``sentence_start:sentence_end``."""

    article_id: str
    source: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    date: dt.date | None
    published: str | None
    """Publication time (ISO 8601, UTC) when the input gives one, else ``None``."""


@dataclass(frozen=True)
class Reading:
    """One value of a fact and every outlet that gives it (in any writing: ``20``, ``٢٠``, ``عشرين``)."""

    text: str
    low: float
    high: float
    """The interval the reading stands for (dates: ``date.toordinal()``; places: a direction index)."""
    sources: tuple[ValueSource, ...]


@dataclass(frozen=True)
class Disagreement:
    """The same fact given with different values, the readings in order of first publication.

    ``kind``: ``count``, ``amount``, ``date`` or ``place``; ``fact``: what is counted or dated, as the
    words that say it (``قتيل``, ``بالمئة``, ``القمة``).  ``over_time``: every reading comes from a later
    publication than the one before, so the figure may have changed during the story rather than the
    outlets disagreeing (a reader decides; the times are in the sources).
    """

    kind: str
    fact: str
    readings: tuple[Reading, ...]
    over_time: bool


@dataclass(frozen=True)
class Comparison:
    """How the outlets of a summary's story differ (``khulasa.compare``): ``coverage`` of each summary
    sentence by outlet, the summary's sentences ``exclusive`` to one outlet ("only in X"), and the facts
    the outlets give with different values (``disagreements``)."""

    coverage: Coverage
    exclusive: tuple[Exclusive, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()


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
    quotes: tuple[Quote, ...] = ()
    """Who said what (``SummaryOptions.quotes``): the story's statements, or the speaker's asked for."""
    speakers: tuple[Speaker, ...] = ()
    """The speakers of ``quotes``, most quoted first, with their counts."""
    comparison: Comparison | None = None
    """How the outlets differ (``SummaryOptions.compare``); ``None`` unless asked for."""
    n_units: int = 0
    n_sentences: int = 0
    n_words: int = 0
    """The summary's words as its budget counts them; the counts are set by the stage that makes the
    summary (``khulasa.summarize``)."""

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.sentences)
