"""Reporting frames of a text, sentence by sentence, and how a sentence opens (for readability)."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import replace

from khulasa.speech.clauses import (
    _inside,
    _skip_space,
    _trim,
    _words_in,
)
from khulasa.speech.lexicon import (
    _COMMAS,
    _CUE,
    _DASHES,
    _FORMS,
    _LEADERS,
    _OPENERS,
    _PREPOSITIONS,
    _QUOTE_OPEN,
    _TOKEN,
    COMPLEMENTIZERS,
    LEXICON,
    PRONOUNS,
    whole_word_spans,
)
from khulasa.speech.sentence import (
    _Sentence,
)
from khulasa.speech.values import (
    Frame,
    Opening,
)
from khulasa.text.fold import Folded, key
from khulasa.text.normalize import STOPWORDS


def find_frames(text: str | Folded, spans: Iterable[tuple[int, int]] | None = None) -> tuple[Frame, ...]:
    """Every reporting frame in ``text``, sentence by sentence (``spans``: sentence offsets; default:
    the whole text as one sentence).  Frames come in text order; a frame whose verb stands inside
    another frame's content is nested speech and left out, unless it opens a new clause (``، وأعرب``
    or ``و``-prefixed), which then ends the earlier content.
    """
    ft = text if isinstance(text, Folded) else Folded(text)
    # the reporting words the text holds (a set intersection), then their whole-word occurrences,
    # then only the sentences that hold one
    present = ft.words & _FORMS
    if not present:
        return ()
    f = ft.folded
    cues = [m for m in (_CUE.match(f, at) for at, _ in whole_word_spans(f, present)) if m is not None]
    # the cues' offsets in the text: ``ft.index(x) <= s`` exactly when ``x <= ft.start(s)``, so the cues
    # of a sentence are found without mapping the offsets of every sentence, most of which hold none
    starts = [ft.start(m.start()) for m in cues]
    out: list[Frame] = []
    for start, end in spans if spans is not None else [(0, len(ft.text))]:
        a, b = bisect_left(starts, start), bisect_left(starts, end)
        if a < b:
            lo, hi = ft.index(start), ft.index(end)
            out.extend(_sentence_frames(ft, lo, hi, [m for m in cues[a:b] if m.end() <= hi]))
    return tuple(out)


def _sentence_frames(ft: Folded, lo: int, hi: int, cues: Sequence[re.Match[str]]) -> list[Frame]:
    f = ft.folded
    sentence = _Sentence(ft, lo, hi)
    frames: list[Frame] = []
    prev_end = lo
    outlet = False  # an impersonal frame (يذكر أن) opened the sentence: the outlet speaks
    for m in cues:
        form = LEXICON[m.group()]
        if (
            form.role == "attribution"
            and (outlet or any(fr.is_quote for fr in frames))
            and not _opens(f, lo, m.start())
        ):
            continue  # قال الأسد إن "..."، بحسب سانا: the attribution only names the channel
        if form.role == "participle" and form.feminine and f[lo : m.start()].rstrip()[-1:] not in _COMMAS:
            continue  # متابعة، مطالبة: a verbal noun unless a comma opens a participle clause
        if (
            frames
            and frames[-1].is_quote
            and frames[-1].verb_end <= ft.start(m.start()) < frames[-1].content_start
        ):
            continue  # قائلا in ``وأضاف الرئيس بوتين، قائلا:`` belongs to the frame before
        quote = _inside(sentence.quotes, m.start())
        if quote is not None and quote[1] < hi:
            continue  # a verb inside quoted words belongs to the speaker's own speech
        frame = sentence.frame(m, prev_end)
        if frame is None:
            outlet = outlet or "impersonal" in form.flags
            continue
        if frames:
            last = frames[-1]
            if last.is_quote and last.content_start <= frame.verb_start < last.content_end:
                if not (LEXICON[m.group()].prefixed and frame.is_quote):
                    continue  # nested: قال إن روسيا أعلنت أن ...
                cut = ft.end(_trim(ft.folded, last.content_start, ft.index(frame.verb_start) - 1)[1])
                frames[-1] = _with_content(last, last.content_start, cut)
        frames.extend(_split_trailing_quote(sentence, frame))
        if frame.is_quote:
            prev_end = ft.index(frame.content_end)
    return frames


def _opens(f: str, lo: int, pos: int) -> bool:
    """Whether only conjunctions stand before ``pos`` in the sentence (``وبحسب المرصد، ...``)."""
    return all(t.group() in _LEADERS for t in _TOKEN.finditer(f, lo, pos))


SPLIT_MIN_WORDS = 5
"""Quoted words that end an indirect clause are a direct quote of their own from this many words on,
when they hold sentences of their own (a full stop inside): the speaker goes on speaking."""
_INNER_STOP = re.compile(r"[.!?؟]\s+\S")


def _split_trailing_quote(sentence: _Sentence, frame: Frame) -> list[Frame]:
    """``وأكد عباس أن الفلسطينيين لن يقبلوا بأي اقتراح أمريكي "لن نقبل منهم ..."``: the speaker's own
    words after the reported clause, with no verb of their own, are a second (direct) quote."""
    if frame.kind != "indirect" or not sentence.quotes:
        return [frame]
    ft, f = sentence.ft, sentence.f
    cs, ce = ft.index(frame.content_start), ft.index(frame.content_end)
    for q in sentence.quotes:
        if not (cs < q[0] < ce <= q[1] + 1) or _words_in(f, q[0] + 1, q[1]) < SPLIT_MIN_WORDS:
            continue
        if not _INNER_STOP.search(f, q[0] + 1, q[1]):
            continue  # أن الولايات المتحدة "أبعدت نفسها عن ...": the quoted words end the clause
        prev = f[cs : q[0]].split()
        if not f[q[0] - 1].isspace() or not prev or prev[-1] in _PREPOSITIONS or prev[-1] in COMPLEMENTIZERS:
            continue
        if _words_in(f, cs, q[0]) < 3:
            continue
        first_end = _trim(f, cs, q[0])[1]
        inner = _trim(f, q[0] + 1, q[1])
        return [
            _with_content(frame, frame.content_start, ft.end(first_end)),
            replace(frame, content_start=ft.start(inner[0]), content_end=ft.end(inner[1]), kind="direct"),
        ]
    return [frame]


def _with_content(frame: Frame, start: int, end: int) -> Frame:
    return replace(frame, content_start=start, content_end=end)


# --- openings (readability) ------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def opening(text: str) -> Opening:
    """How a sentence opens: a named, role, anonymous, elided or pronoun speaker, or no reporting
    opening.  ``وأضاف أن``, ``وأكدت:``, ``وتابع:`` and ``وأشار إلى أن`` are elided; ``وهو ما``,
    ``وهي ليست`` are pronouns; an opening quotation mark is a continuation of an earlier quote."""
    ft = Folded(text)
    f = ft.folded
    toks = list(_TOKEN.finditer(f, 0, min(len(f), 400)))
    if toks and toks[0].group() in _QUOTE_OPEN:
        return Opening("none", continuation=True)
    i = 0
    while i < len(toks):
        w = toks[i].group()
        pair = w + " " + toks[i + 1].group() if i + 1 < len(toks) else ""
        if w in _LEADERS or w in _COMMAS:
            i += 1
        elif pair in _OPENERS:
            i += 2  # ``ومن جهته قال``: the pronoun is the coming speaker's
        elif w in _OPENERS:
            i += 1
        else:
            break
    if i >= len(toks):
        return Opening("none", continuation=False)
    if key(toks[i].group()) in PRONOUNS:
        return Opening("pronoun", continuation=False)
    if toks[i].group() not in LEXICON:
        return Opening("none", continuation=False)
    form = LEXICON[toks[i].group()]
    if form.role == "attribution":
        return Opening("none", continuation=False)
    hi = len(f)
    sentence = _Sentence(ft, 0, hi)
    m = _CUE.match(f, toks[i].start(), hi)
    frame = sentence.frame(m, 0) if m is not None else None
    continuation = "continue" in form.flags
    if frame is None:
        return Opening("none", continuation=False)
    sp = frame.speaker
    if sp is None:
        region_first = _TOKEN.match(f, _skip_space(f, toks[i].end(), hi), hi)
        word = region_first.group() if region_first else ""
        if frame.is_quote or word in _COMMAS or key(word) in STOPWORDS or word in _DASHES or word == ":":
            return Opening("elided", continuation, frame)
        return Opening("unclear", continuation, frame)
    if sp.kind == "pronoun":
        return Opening("pronoun", continuation, frame)
    if sp.kind in ("anonymous", "anonymous_ref"):
        return Opening("anonymous", continuation, frame)
    if sp.kind in ("role", "document"):
        return Opening("role", continuation, frame)
    if not frame.is_quote and sp.kind == "name" and " " in (sp.name or "") and sp.description is None:
        return Opening("unclear", continuation, frame)  # وأكد توافق موقفي روسيا: subject or object?
    return Opening("named", continuation, frame)


def speaker_status(text: str) -> str:
    """``opening(text).status``: ``named``, ``role``, ``anonymous``, ``elided``, ``pronoun``,
    ``unclear`` or ``none``."""
    return opening(text).status
