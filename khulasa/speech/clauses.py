"""Where quoted words, clauses and contents begin and end in a folded sentence."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from khulasa.speech.lexicon import (
    _CLAUSE_PUNCT,
    _CONNECTIVES,
    _OPENING,
    _QUOTE_CLOSE,
    _TOKEN,
    _TRANSPARENT,
    CLAUSE_ENDS,
    COMPLEMENTIZERS,
    LEXICON,
)


def _quote_spans(f: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Outermost quoted spans ``(open, close)`` in ``f[lo:hi]`` (``close`` the closing mark's position,
    ``hi`` when the quote is never closed)."""
    spans: list[tuple[int, int]] = []
    i = lo
    while True:
        m = _OPENING.search(f, i, hi)
        if m is None:
            return spans
        i, ch = m.start(), m.group()
        if ch == '"' and _closes(f, i, lo, hi):
            i += 1  # ذلك،" منتقدا: the end of a quotation opened in the sentence before
            continue
        j = f.find(_QUOTE_CLOSE[ch], i + 1, hi)
        if ch == '"' and j < 0 and f.find('"', lo, i) >= 0:
            return spans  # a lone straight quote after balanced ones: a stray mark
        spans.append((i, j if j >= 0 else hi))
        i = (j if j >= 0 else hi) + 1


def _closes(f: str, i: int, lo: int, hi: int) -> bool:
    """Whether the straight quotation mark at ``i`` can only close: glued to the word or mark before it
    (``ذلك،"``, ``تصريحاته."``) and followed by a space, a mark or the end."""
    if i <= lo or f[i - 1].isspace() or f[i - 1] in ":(-–—":
        return False
    return i + 1 >= hi or f[i + 1].isspace() or not f[i + 1].isalnum()


def _inside(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    k = bisect_right(spans, (pos, 1 << 60)) - 1
    if k >= 0 and spans[k][0] < pos < spans[k][1]:
        return spans[k]
    return None


def _clause_end(f: str, pos: int, hi: int, quotes: Sequence[tuple[int, int]]) -> int:
    """Where the content that starts at ``pos`` ends: before a comma or dash that opens a new reporting
    word or attribution, else at ``hi``.  Commas inside quotation marks do not count."""
    for m in _CLAUSE_PUNCT.finditer(f, pos, hi):
        at = m.end()
        quote = _inside(quotes, m.start())
        if quote is not None:
            if _skip_space(f, at, hi) != quote[1]:
                continue
            at = quote[1] + 1  # "… والاستعمار،" مضيفا: the comma that ends the quotation ends the clause
        nxt = _TOKEN.match(f, _skip_space(f, at, hi), hi)
        if nxt is None:
            continue
        w1 = nxt.group()
        after = _TOKEN.match(f, _skip_space(f, nxt.end(), hi), hi)
        w2 = after.group() if after is not None else ""
        if (
            w1 in LEXICON
            or w1 in _TRANSPARENT
            or w1 in CLAUSE_ENDS
            or f"{w1} {w2}" in CLAUSE_ENDS
            or (w1 in _CONNECTIVES and w2 in LEXICON)
        ):
            return m.start()
    return hi


def _skip_space(f: str, pos: int, hi: int) -> int:
    while pos < hi and f[pos].isspace():
        pos += 1
    return pos


_OPENERS = {"(": ")", "[": "]", "{": "}", "<": ">", "«": "»"}
_CLOSERS = {close: open_ for open_, close in _OPENERS.items()}


def _trim(f: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a content span to its first and last letter or digit (marks and punctuation out), but
    keep a bracket whose partner the content holds: ``(المستشفيات) تعاني`` keeps its ``(``, and
    ``<b>المستشفيات</b>`` its ``<`` — the content is what the article wrote, balanced."""
    while start < end and not f[start].isalnum():
        close = _OPENERS.get(f[start])
        if close is not None and close in f[start + 1 : end]:
            break
        start += 1
    while end > start and not f[end - 1].isalnum():
        open_ = _CLOSERS.get(f[end - 1])
        if open_ is not None and open_ in f[start : end - 1]:
            break
        end -= 1
    return start, end


def _strip_complementizer(f: str, start: int, end: int) -> int:
    """Inside quotation marks a leading ``إن``/``أننا`` is still the complementizer: skip it."""
    m = _TOKEN.match(f, start, end)
    if m is not None and m.group() in COMPLEMENTIZERS:
        return _skip_space(f, m.end(), end)
    return start


def _words_in(f: str, start: int, end: int) -> int:
    return len(f[start:end].split())
