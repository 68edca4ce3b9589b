"""The words every format shows: kind labels, section headings, periods, outlet counts.

Shared by the summary formats (``khulasa.render``), the stories site (``khulasa.stories.output``) and the
web page (``labels_document``, served as ``/labels.json``), so a key term's kind, a timeline date and the
background heading read the same everywhere.  Timeline events and key terms may be the models' objects or
their JSON dicts (the stories pages render records).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from khulasa.models import SummarySentence, TimelineEvent
from khulasa.periods import MONTH_NAMES, RANGE_DASH, YEAR_DASH, format_period, period_iso

TIMELINE_HEADING = "الخط الزمني"
BACKGROUND_HEADING = "الخلفية"
"""Over the history a story recalls (``TimelineEvent.background``), after the story's own events."""
KEY_TERMS_HEADING = "المصطلحات الرئيسية"
QUOTES_HEADING = "من قال ماذا"
"""Over the quotes grouped by speaker (``SummaryOptions.quotes``)."""
COMPARE_HEADING = "مقارنة المصادر"
EXCLUSIVE_HEADING = "انفرد به مصدر واحد"
"""Over the summary's sentences that one outlet alone reports ("only in X")."""
DISAGREE_HEADING = "المصادر تختلف"
"""Over the facts the outlets give with different values ("outlets differ")."""
EVENT_VOICES = "من قال ماذا في هذا الحدث وكيف اختلفت المصادر"
"""Opens an event's own who said what and comparison on a story page (folded under the event)."""
UNKNOWN_SPEAKER = "متحدث غير محدد"
QUOTE_KINDS = {"direct": "مباشر", "indirect": "غير مباشر"}
DISAGREEMENT_KINDS = {"count": "عدد", "amount": "مبلغ أو نسبة", "date": "تاريخ", "place": "مكان"}
OVER_TIME = "تغير الرقم مع الوقت"
"""Said of a disagreement whose readings follow each other in publication time."""


@dataclass(frozen=True)
class KindLabel:
    """How a key-term kind reads: ``one`` beside a term, ``many`` over the list of its terms."""

    one: str
    many: str


KIND_LABELS: dict[str, KindLabel] = {
    "person": KindLabel("شخص", "الأشخاص"),
    "place": KindLabel("مكان", "الأماكن"),
    "organisation": KindLabel("منظمة", "المنظمات"),
    "actor": KindLabel("فاعل", "الفاعلون"),
    "phrase": KindLabel("عبارة", "عبارات أخرى"),
}
"""Arabic names of key-term kinds (``khulasa.keyterms.KINDS``, and ``actor`` as summaries before the four
kinds have it), in the order the lists are shown: people, places, organisations, then other phrases.  An
unknown kind is shown as it is (``kind_label``), listed last."""

T = TypeVar("T")


def kind_label(kind: str) -> str:
    """The kind beside one term: ``شخص``."""
    label = KIND_LABELS.get(kind)
    return label.one if label else kind


def kind_heading(kind: str) -> str:
    """The heading over a kind's terms: ``الأشخاص``."""
    label = KIND_LABELS.get(kind)
    return label.many if label else kind


def _get(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, Mapping) else getattr(item, name, default)


def terms_by_kind(terms: Iterable[T]) -> list[tuple[str, list[T]]]:
    """The terms in one list per kind, in ``KIND_LABELS`` order (unknown kinds last), each list in the
    terms' own order; kinds with no term are left out.  Terms are ``KeyTerm`` objects or their dicts."""
    groups: dict[str, list[T]] = {}
    for term in terms:
        groups.setdefault(_get(term, "kind"), []).append(term)
    order = {kind: i for i, kind in enumerate(KIND_LABELS)}
    return sorted(groups.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def split_background(events: Iterable[T]) -> tuple[list[T], list[T]]:
    """(the story's own events, the background it recalls), each in the timeline's order.  Events are
    ``TimelineEvent`` objects or their dicts (a dict without ``background``, from an older version, is the
    story's own)."""
    story: list[T] = []
    background: list[T] = []
    for event in events:
        (background if _get(event, "background", False) else story).append(event)
    return story, background


def one_line(text: str) -> str:
    return " ".join(text.split())


INSERTED_TITLE = "أضافته الخلاصة من الجملة السابقة في المقال"
"""The tooltip of an inserted speaker's name (``<ins title=...>``): the summary added it, from the
article's sentence before."""


Piece = tuple[str, bool]
"""A piece of a summary sentence as shown: ``(text, inserted)``."""


def pieces(s: SummarySentence | Mapping[str, Any]) -> list[Piece]:
    """A summary sentence's text shown in pieces, each ``(text, inserted)``: ``inserted`` marks words
    the source span does not hold (``SummarySentence.inserted``: a speaker's name), which every format
    marks (``[بوتين]`` in text and Markdown, ``<ins class="inserted">`` in HTML).  ``s`` is the model's
    sentence or its JSON dict (a story record's); the pieces join back to its text exactly, whatever
    offsets a record holds."""
    text: str = _get(s, "text") or ""
    out: list[Piece] = []
    at = 0
    for ins in sorted(_get(s, "inserted") or (), key=lambda i: int(_get(i, "start"))):
        start = min(max(int(_get(ins, "start")), at), len(text))
        end = min(max(int(_get(ins, "end")), start), len(text))
        if start == end:
            continue
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start:end], True))
        at = end
    if at < len(text) or not out:
        out.append((text[at:], False))
    return out


def row_pieces(row: Any, sentences: Sequence[SummarySentence | Mapping[str, Any]]) -> list[Piece]:
    """The pieces of a comparison row (``CoverageRow``, ``Exclusive`` or their dicts): a row repeats the
    summary sentence with its unit id, shown as that sentence (``pieces``) when the row's text is the
    sentence's; a row that is not one (a story's unit) is its text, whole."""
    unit, text = _get(row, "unit_id"), _get(row, "text")
    sentence = next((s for s in sentences if _get(s, "unit_id") == unit and _get(s, "text") == text), None)
    return pieces(sentence) if sentence is not None else [(text, False)]


def brackets(shown: Iterable[Piece]) -> str:
    """The pieces on one line with each inserted piece in square brackets (``وأضاف [بوتين] أن``)."""
    return one_line("".join(f"[{t}]" if inserted else t for t, inserted in shown))


def bracketed(s: SummarySentence | Mapping[str, Any]) -> str:
    """The sentence on one line with each inserted piece in square brackets (``وأضاف [بوتين] أن``)."""
    return brackets(pieces(s))


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def period(e: TimelineEvent | dict[str, Any]) -> str:
    """The event's date at its precision, as a reader sees it (``2016``, ``تشرين الأول/أكتوبر 2016``,
    ``2016-10-10``, a range with both ends): ``khulasa.periods.format_period``."""
    end = _get(e, "end_date")
    return format_period(_date(_get(e, "date")), _get(e, "granularity", "day"), _date(end) if end else None)


def period_datetime(e: TimelineEvent | dict[str, Any]) -> str:
    """The value of the event's HTML ``<time datetime>``: its first period in ISO 8601 at its precision
    (``2016``, ``2016-10``, ``2016-10-10``)."""
    return period_iso(_date(_get(e, "date")), _get(e, "granularity", "day"))


def outlets_label(n: int) -> str:
    """'N sources' with Arabic number agreement (1, 2, 3-10, 11+)."""
    if n == 1:
        return "مصدر واحد"
    if n == 2:
        return "مصدران"
    if 3 <= n % 100 <= 10:
        return f"{n} مصادر"
    return f"{n} مصدرًا"


def outlets_of(spans: Sequence[Any]) -> list[str]:
    """The distinct outlets of source spans (objects or dicts), in order; an unknown outlet is its article id."""
    return list(dict.fromkeys(_get(sp, "source") or _get(sp, "article_id") for sp in spans))


def only_in(outlet: str) -> str:
    """"only in X": ``فقط في الجزيرة``."""
    return f"فقط في {outlet}"


def quotes_by_speaker(quotes: Iterable[T], speakers: Iterable[Any]) -> list[tuple[str, list[T]]]:
    """The quotes in one list per speaker, in the order of ``speakers`` (most quoted first), then the
    quotes whose speaker the story never names under ``UNKNOWN_SPEAKER``.  Quotes and speakers are the
    models' objects or their JSON dicts."""
    names = {_get(s, "id"): _get(s, "name") for s in speakers}
    groups: dict[Any, list[T]] = {sid: [] for sid in names}
    unknown: list[T] = []
    for q in quotes:
        sid = _get(q, "speaker_id")
        groups.get(sid, unknown).append(q)
    out = [(names[sid], qs) for sid, qs in groups.items() if qs]
    return out + ([(UNKNOWN_SPEAKER, unknown)] if unknown else [])


def labels_document() -> dict[str, Any]:
    """The tables above as JSON, for the web page (``/labels.json``): it shows kinds, headings and periods
    with the very words the Python formats use."""
    return {
        "kinds": {kind: {"one": label.one, "many": label.many} for kind, label in KIND_LABELS.items()},
        "headings": {"timeline": TIMELINE_HEADING, "background": BACKGROUND_HEADING,
                     "key_terms": KEY_TERMS_HEADING, "quotes": QUOTES_HEADING, "compare": COMPARE_HEADING,
                     "exclusive": EXCLUSIVE_HEADING, "disagreements": DISAGREE_HEADING},
        "quote_kinds": dict(QUOTE_KINDS),
        "disagreement_kinds": dict(DISAGREEMENT_KINDS),
        "unknown_speaker": UNKNOWN_SPEAKER,
        "over_time": OVER_TIME,
        "months": list(MONTH_NAMES),
        "range_dash": RANGE_DASH,
        "year_dash": YEAR_DASH,
    }
