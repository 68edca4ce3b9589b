"""A story's timeline: the date mentions (``khulasa.dates``) of information units (groups of
near-identical sentences, ``khulasa.dedup``) become ``TimelineEvent``s, each a clause of its sentence
with every source that reports it.  The rules are documented in ``docs/timeline.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from khulasa.dates import MONTHS, WORD_LISTS, DateMention, compile_folded, parse_dates, parse_folded
from khulasa.models import Article, InfoUnit, Sentence, SourceSpan, TimelineEvent
from khulasa.periods import period_end
from khulasa.text.fold import fold_dates
from khulasa.text.normalize import STOPWORDS, normalize, terms
from khulasa.text.patterns import alternation
from khulasa.text.verbs import is_verb, looks_like_verb

__all__ = ["MONTHS", "DateMention", "clause_span", "extract_timeline", "is_opinion", "parse_dates", "timeline_for"]
# MONTHS, DateMention and parse_dates are the tagger's (khulasa.dates), named here too for the analysis
# modules that read them from the timeline (compare.py).

MERGE_THRESHOLD = 0.4
"""Set cosine of the clauses' stemmed content terms (the date left out) above which two events on the
same date are one: the same event in another outlet's words."""

MIN_CLAUSE_WORDS = 8
"""An entry shorter than this takes in the clauses next to it (``يوم السبت`` alone says nothing)."""
MAX_CLAUSE_WORDS = 25
MAX_CLAUSE_CHARS = 160
"""An entry is at most this long: one line of a timeline, not a paragraph."""
BACKGROUND_MARGIN_DAYS = 4
"""A day this many days before the story's first article still belongs to the story (the event its
first report covers: ``أمس``, ``الأحد``); one before it is background."""

# Where a clause ends (over the folded text): punctuation that separates clauses (not a comma inside a
# number), quotes, brackets, a dash between spaces; a clause opener (بينما, لكن); و/ف glued to a verb
# (وقال, وأعلنت).
# (Every branch opens with a character class, so the search skips most positions at once.)
_CUT = compile_folded(
    r"(?P<punct>[،؛;:()\[\]«»“”\"]|(?<!\d),|,(?!\d)|\s[-–—]\s)"
    rf"|\s(?:(?P<opener>{alternation(WORD_LISTS['clause_opener'])})(?!\w)|(?P<conjunct>[وف][^\W\d_]{{2,}}))"
)
_HAS_WORD = re.compile(r"[^\W_]")
_LETTERS = re.compile(r"[^\W\d_]+")
_QUOTE_PAIRS = (('"', '"'), ("«", "»"), ("“", "”"), ("(", ")"))
# After a clause: a colon, an opening quote or إن/أن + what was said (a straight quote may be closing).
_ANNOUNCES = compile_folded(r"\s*(?::|[«“]|[،,]?\s*[وف]?(?:إن|أن|بأن)(?!\w))")
_EDGE = " \t\n\r،,؛;:-–—\"'«»“”()[]"
_SINCE = re.compile(r"(?<!\w)[وف]?منذ\s+$")
_OPINION_TITLE = compile_folded(
    rf"^\W*(?:{alternation(WORD_LISTS['opinion_title'])})\s*(?::|\.\.|[-–—|])|(?<!\w)[يت]كتب(?!\w)"
)
_OPINION_GENRES = frozenset({"opinion", "analysis", "column", "editorial", "رأي", "تحليل"})


def _cuts(folded: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Clause boundaries in ``folded[lo:hi]`` (a sentence of the folded text: the offsets are the
    text's): ``(a, b)`` ends a clause at ``a``, the next starts at ``b``."""
    cuts = []
    for m in _CUT.finditer(folded, lo, hi):
        kind = m.lastgroup
        if kind == "punct":
            cuts.append(m.span())
        elif kind == "opener" or (kind == "conjunct" and _is_verb_word(m.group(kind))):
            at = m.start(kind)
            cuts.append((at, at))
    return cuts


@functools.lru_cache(maxsize=1 << 16)
def _is_verb_word(word: str) -> bool:
    return is_verb(normalize(word))


def clause_span(
    text: str, lo: int, hi: int, start: int, end: int, folded: str | None = None
) -> tuple[int, int]:
    """The clause of ``text[lo:hi]`` (a sentence) that carries ``text[start:end]`` (a date), as offsets.

    The sentence is cut at clause boundaries (``،``, ``:``, quotes, brackets, ``و`` + a verb,
    ``بينما``...); the date's clause takes in its neighbours while it has fewer than
    ``MIN_CLAUSE_WORDS`` words (the one before first when the date stands alone or ends its clause, and
    the two sides in turn), as long as it stays within ``MAX_CLAUSE_WORDS`` words and
    ``MAX_CLAUSE_CHARS`` characters, and takes in what it announces (after ``:``, a quote, ``إن``);
    a clause still too long is cut to the words around the date.
    Punctuation and spaces at both ends are left out.  ``folded`` is ``text`` folded as the date
    tagger folds it, when the caller has it.
    """
    if folded is None:
        folded = fold_dates(text)
    # no clause that fits reaches further than MAX_CLAUSE_CHARS from the date: look for cuts only there
    near = _cuts(folded, max(lo, start - MAX_CLAUSE_CHARS), min(hi, end + MAX_CLAUSE_CHARS))
    cuts = [(a, b) for a, b in near if b <= start or a >= end]
    segments: list[tuple[int, int]] = []
    at = lo
    for a, b in cuts:
        segments.append((at, a))
        at = b
    segments.append((at, hi))
    # punctuation between two cuts is no clause (and would cost a step to take in)
    segments = [(a, b) for a, b in segments if _HAS_WORD.search(text, a, b) or a <= start < b]
    k = next(i for i, (a, b) in enumerate(segments) if a <= start and end <= b)
    i = j = k
    seg_lo, seg_hi = segments[k]
    alone = len(text[seg_lo:start].split()) + len(text[end:seg_hi].strip(_EDGE).split()) <= 1
    prefer_before = alone or not text[end:seg_hi].strip(_EDGE)
    while _words(text, segments[i][0], segments[j][1]) < MIN_CLAUSE_WORDS:
        sides = ("before", "after") if prefer_before else ("after", "before")
        for side in sides:
            if side == "before" and i > 0 and _fits(text, segments[i - 1][0], segments[j][1]):
                i -= 1
                break
            if side == "after" and j < len(segments) - 1 and _fits(text, segments[i][0], segments[j + 1][1]):
                j += 1
                break
        else:
            break
        prefer_before = side == "after"
    # "قال في تغريدة، الثلاثاء:" announces what follows: take it in when it fits.
    if (
        j < len(segments) - 1
        and _ANNOUNCES.match(folded, segments[j][1], segments[j + 1][1])
        and _fits(text, segments[i][0], segments[j + 1][1])
    ):
        j += 1
    s, e = _strip(text, segments[i][0], segments[j][1], start, end)
    if not _fits(text, s, e):
        s, e = _strip(text, *_window(text, s, e, start, end), start, end)
    return _close_quotes(text, s, e)


def _close_quotes(text: str, s: int, e: int) -> tuple[int, int]:
    """Take in the quote mark that closes (or opens) a quotation the span leaves open."""
    for opening, closing in _QUOTE_PAIRS:
        inside = text[s:e]
        if opening == closing:
            if inside.count(opening) % 2 and e < len(text) and text[e] == closing:
                e += 1
            continue
        if inside.count(opening) > inside.count(closing) and e < len(text) and text[e] == closing:
            e += 1
        elif inside.count(closing) > inside.count(opening) and s > 0 and text[s - 1] == opening:
            s -= 1
    return s, e


def _words(text: str, s: int, e: int) -> int:
    return len(text[s:e].split())


def _fits(text: str, s: int, e: int) -> bool:
    s, e = _strip(text, s, e, e, s)
    return e - s <= MAX_CLAUSE_CHARS and _words(text, s, e) <= MAX_CLAUSE_WORDS


def _strip(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """``[s, e)`` without the punctuation and spaces at its ends (never cutting into ``[start, end)``)."""
    while s < min(start, e) and text[s] in _EDGE:
        s += 1
    while e > max(end, s) and text[e - 1] in _EDGE:
        e -= 1
    return s, e


def _window(text: str, s: int, e: int, start: int, end: int) -> tuple[int, int]:
    """The words of ``text[s:e]`` around ``[start, end)``: as many before as after, within the limits."""
    words = [m.span() for m in re.finditer(r"\S+", text[s:e])]
    words = [(a + s, b + s) for a, b in words]
    first = next(i for i, (a, b) in enumerate(words) if b > start)
    last = max(i for i, (a, b) in enumerate(words) if a < end)

    def fits(i: int, j: int) -> bool:
        return j - i + 1 <= MAX_CLAUSE_WORDS and words[j][1] - words[i][0] <= MAX_CLAUSE_CHARS

    lo, hi = first, last
    grown = True
    while grown:
        grown = False
        if lo > 0 and fits(lo - 1, hi):
            lo, grown = lo - 1, True
        if hi < len(words) - 1 and fits(lo, hi + 1):
            hi, grown = hi + 1, True
    return words[lo][0], words[hi][1]


@functools.cache
def _disclaimer() -> Callable[[str], bool]:
    from khulasa.text.rules import RULES

    (rule,) = [r for r in RULES if r.id == "disclaimer"]
    return rule.fires


def is_opinion(article: Article) -> bool:
    """Whether an article is opinion or analysis: its ``extra["genre"]`` says so, its title opens with
    ``رأي:``/``تحليل:``... or names a writer (``... يكتب``), or a line states that it gives its writer's
    views (the ``disclaimer`` rule of ``khulasa.text.rules``, in its first or last three lines)."""
    genre = article.extra.get("genre") if article.extra else None
    if isinstance(genre, str) and genre.strip().lower() in _OPINION_GENRES:
        return True
    if article.title and _OPINION_TITLE.search(fold_dates(article.title)):
        return True
    lines = [line for line in article.text.splitlines() if line.strip()]
    fires = _disclaimer()
    return any(fires(line) for line in lines[:3] + lines[-3:])


def _reports_event(text: str) -> bool:
    """Whether a sentence has a verb: a word listed or shaped like one (``khulasa.text.verbs.looks_like_verb``),
    or the word it opens with after ``و``/``ف`` (news opens a sentence with its verb: ``وأيد``, ``ودفع``)."""
    words = _LETTERS.findall(normalize(text))
    if not words:
        return False
    first = words[0]
    if first[:1] in "وف" and len(first) >= 4 and not first[1:].startswith("ال") and first not in STOPWORDS:
        return True
    return any(map(looks_like_verb, words))


def _is_background(m: DateMention, text: str, story_start: dt.date | None) -> bool:
    """History the story recalls: a period that ended before the story's first article, at its
    precision (a day more than ``BACKGROUND_MARGIN_DAYS`` before it; a month or a year before its
    month or year: ``2018`` is not before a May 2018 story, April 2018 is), or a range or ``منذ`` +
    a date that began before it (``منذ 2014``)."""
    if story_start is None:
        return False
    limit = story_start - dt.timedelta(days=BACKGROUND_MARGIN_DAYS if m.granularity == "day" else 0)
    if period_end(m.date, m.granularity, m.end_date) < limit:
        return True
    return m.date < limit and (
        m.end_date is not None or _SINCE.search(text, max(0, m.start - 12), m.start) is not None
    )


def _event_terms(text: str) -> frozenset[str]:
    """Stemmed content terms of a clause without its date: what two reports of one event share."""
    return frozenset(terms(text))


def _set_cosine(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


@dataclass
class _Draft:
    """An event under construction: the clauses that report one date, each ``(sentence, start, end)``."""

    date: dt.date
    granularity: str
    end_date: dt.date | None
    expression: str
    relative: bool
    background: bool
    spans: list[tuple[Sentence, int, int]]
    event: str
    """The first clause without its date expression: what is compared with other drafts of the date."""


def _mentions_in(mentions: Sequence[DateMention], starts: Sequence[int], s: Sentence) -> list[DateMention]:
    i = bisect_left(starts, s.start)
    out = []
    while i < len(mentions) and mentions[i].start < s.end:
        out.append(mentions[i])
        i += 1
    return out


def _entry_span(
    text: str, folded: str, s: Sentence, mention: DateMention, n_mentions: int
) -> tuple[int, int]:
    """The whole sentence when it is one line with one date, else the date's clause."""
    if n_mentions == 1 and len(s.text) <= MAX_CLAUSE_CHARS and s.n_words <= MAX_CLAUSE_WORDS:
        return s.start, s.end
    return clause_span(text, s.start, s.end, mention.start, mention.end, folded)


def extract_timeline(articles: Sequence[Article], units: Sequence[InfoUnit]) -> tuple[TimelineEvent, ...]:
    """Dated events: the story's own, then the background it recalls, each with every source.

    Each article is parsed once (anaphora like ``الشهر ذاته`` may point to the sentence before);
    a sentence's mentions are resolved against its own article's date.  An entry is the clause that
    carries the date (``clause_span``; the whole sentence when it is one line with one date), with its
    exact offsets in every source.  ``اليوم``/``أمس``/``غدا`` are dropped in opinion and analysis
    (``is_opinion``) and in a clause with no verb of the news (``khulasa.text.verbs``).  Events on the same
    date and granularity whose clauses share their words (set cosine >= ``MERGE_THRESHOLD``: the same
    event in other words, or in another outlet) are one.  An event is background when it lies before
    the story (``_is_background``).  Order: the story's events, then the background; each by date, then
    number of sources (most first), then reading order.
    """
    by_id = {a.id: a for a in articles}
    story_start = min((a.date for a in articles if a.date is not None), default=None)
    parsed: dict[str, tuple[list[DateMention], list[int], str]] = {}
    opinion: dict[str, bool] = {}
    drafts: list[_Draft] = []
    for unit in units:
        per_date: dict[tuple[dt.date, str], _Draft] = {}
        rep = unit.representative
        members = [
            rep,
            *(s for s in unit.sentences if (s.article_id, s.start) != (rep.article_id, rep.start)),
        ]
        for s in members:
            article = by_id.get(s.article_id)
            if article is None:
                continue
            if article.id not in parsed:
                folded = fold_dates(article.text)
                found = parse_folded(article.text, folded, article.date)
                parsed[article.id] = (found, [m.start for m in found], folded)
            found, starts, folded = parsed[article.id]
            mentions = _mentions_in(found, starts, s)
            for mention in mentions:
                key = (mention.date, mention.granularity)
                draft = per_date.get(key)
                if draft is not None and any(
                    x.article_id == s.article_id and x.start == s.start for x, _, _ in draft.spans
                ):
                    continue
                start, end = _entry_span(article.text, folded, s, mention, len(mentions))
                if mention.deictic:
                    if article.id not in opinion:
                        opinion[article.id] = is_opinion(article)
                    if opinion[article.id] or not _reports_event(s.text):
                        continue
                background = _is_background(mention, article.text, story_start)
                if draft is None:
                    per_date[key] = _Draft(
                        mention.date,
                        mention.granularity,
                        mention.end_date,
                        mention.expression,
                        mention.relative,
                        background,
                        [(s, start, end)],
                        f"{article.text[start : mention.start]} {article.text[mention.end : end]}",
                    )
                else:
                    draft.spans.append((s, start, end))
                    draft.background = draft.background and background
        drafts.extend(per_date.values())
    return _events(_merge(drafts), by_id)


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Leader clustering per date, best-supported first: a draft joins the first leader it matches."""
    by_date: dict[tuple[dt.date, str], list[_Draft]] = {}
    for d in drafts:
        by_date.setdefault((d.date, d.granularity), []).append(d)
    merged: list[_Draft] = []
    for group in by_date.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        leaders: list[tuple[_Draft, frozenset[str]]] = []
        for d in sorted(group, key=lambda d: -len(d.spans)):
            words = _event_terms(d.event)
            leader = next((x for x, w in leaders if _set_cosine(w, words) >= MERGE_THRESHOLD), None)
            if leader is None:
                leaders.append((replace(d, spans=list(d.spans)), words))
            else:
                seen = {(s.article_id, s.start) for s, _, _ in leader.spans}
                leader.spans.extend(x for x in d.spans if (x[0].article_id, x[0].start) not in seen)
                leader.background = leader.background and d.background
        merged.extend(x for x, _ in leaders)
    return merged


def _events(drafts: list[_Draft], by_id: dict[str, Article]) -> tuple[TimelineEvent, ...]:
    rank = {article_id: i for i, article_id in enumerate(by_id)}

    def reading(span: tuple[Sentence, int, int]) -> tuple[int, int]:
        return rank[span[0].article_id], span[1]

    events = []
    for d in drafts:
        members = sorted(d.spans, key=reading)
        shown, start, end = d.spans[0]  # the unit's representative when it carries this date
        event = TimelineEvent(
            date=d.date,
            granularity=d.granularity,
            text=by_id[shown.article_id].text[start:end],
            sources=tuple(SourceSpan(s.article_id, by_id[s.article_id].outlet, a, b) for s, a, b in members),
            expression=d.expression,
            end_date=d.end_date,
            relative=d.relative,
            background=d.background,
        )
        events.append(((d.background, d.date, -len(members), *reading(members[0])), event))
    return tuple(e for _, e in sorted(events, key=lambda x: x[0]))


def timeline_for(articles: Sequence[Article]) -> tuple[TimelineEvent, ...]:
    """The timeline of articles on their own: every sentence is its own unit (merging still applies)."""
    from khulasa.segment import segment

    sentences = [s for a in articles for s in segment(a)]
    units = [InfoUnit(id=i, representative=s, sentences=(s,)) for i, s in enumerate(sentences)]
    return extract_timeline(articles, units)
