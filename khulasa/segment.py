"""Sentence splitting for Arabic news text.

A rule-based splitter in the tradition of high-precision boundary rules (cf. Grefenstette & Tapanainen,
1994, "What is a word, what is a sentence?"), tuned for Arabic web news:

* a newline ends a sentence (news texts are one paragraph a line), except inside a paragraph of
  hard-wrapped text (lines of at most ``WRAP_MAX_WIDTH`` characters, mostly near that width, often
  ending mid-sentence, as in EASC), whose lines are joined;
* ``.`` ``!`` ``?`` ``؟`` ``…`` ``...`` (and runs of them) end a sentence when followed by space, the end of
  the line, an Arabic letter or an opening quote; closing quotes/brackets right after the terminator stay
  with the sentence.  Two dots ``..`` are a pause in Arabic web writing, not a boundary;
* no boundary inside a balanced ``«…»``, ``“…”``, ``"…"``, ``(…)`` or ``[…]`` of one paragraph (up to
  ``MAX_PROTECTED_CHARS``); an unbalanced quote is ignored, so it never swallows the rest of the article;
* ``،`` and ``؛`` never end a sentence (``؛`` joins clauses of one sentence in Arabic news), nor does a
  ``.`` inside a number (``3.5``), URL or e-mail, or after an abbreviation or initial (``د.``, ``م.``,
  ``أ.``, ``U.S.``, ``Dr.``, ``أيه. إم.``);
* a fragment without a letter (``1.``, ``...``) is not a sentence of its own: it joins its neighbour;
  so does a source written after the full stop of the sentence it sources (``... مسارها. بحسب البحرية
  الأميركية.``, ``وفقا لرويترز.``: ``text.rules.source_tail``), which joins the sentence before it in its
  paragraph.

Everything is a linear scan with compiled regexes (no backtracking over the text), so a 10 MB line costs
ten times a 1 MB line.  A sentence longer than ``MAX_SENTENCE_WORDS`` words or ``MAX_SENTENCE_CHARS``
characters is split into pieces of at most that size at word boundaries, with exact offsets.  A short line (at most ``HEADING_MAX_WORDS`` words) without final punctuation
that is followed by more text is a heading (``is_heading``): kept for context, never a summary candidate.

What is not the sentence is left out here, with the rule tables of ``khulasa.text.rules`` (issue 14):
a dateline, agency tag or byline at a paragraph's start and an agency signature or photo credit at its
end are cut off the sentence's span (its offsets stay exact: ``text[start:end]`` is what is shown and
matched); a line of page furniture (read-also, share, click-here, disclaimers, captions, credits, a
byline line) becomes a heading-like sentence that is never a candidate.  A hashtag mark stays in the
span; a sentence's word count is that of its display form (``khulasa.text.rules.display``), and its
terms are the same either way (the tokenizer splits ``#مشاري_الذايدي`` into its words).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from khulasa.models import Article, Sentence
from khulasa.text import rules
from khulasa.text.chars import ARABIC_LETTERS, TATWEEL
from khulasa.text.normalize import count_words, script_and_words, word_spans, word_terms

HEADING_MAX_WORDS = 5
MAX_SENTENCE_WORDS = 500
MAX_SENTENCE_CHARS = 5000
"""A longer run without a boundary (text without punctuation, a 2M-letter "word") is split into
pieces of at most these many words (as ``count_words`` counts them) and characters, at word boundaries
(a run longer than ``MAX_WORD_CHARS`` counts as several words and may be split inside).  The longest
sentences of the news we measured are far below (EASC: 247 words, 1,345 characters; 6,519 ANT
articles: 330 words, 2,030 characters)."""
# Text whose lines are at most this long, mostly near that width and often end mid-sentence was
# hard-wrapped (as some corpora, e.g. EASC, are): its line breaks are not paragraph breaks.
WRAP_MAX_WIDTH = 130
# Quoted or bracketed spans longer than this are not protected: on a long line a stray quote mark
# pairing with a far-away one would otherwise glue many sentences together.
MAX_PROTECTED_CHARS = 1000

TERMINATORS = ".!?؟…۔‼⁇⁈⁉"
# Two dots are a pause in Arabic web writing ("سامسونغ.. غالاكسي"), not an ellipsis: no boundary.
PAUSE = ".."
CLOSERS = "\"'»”’)]}›"
# (opening, closing) pairs that protect their content; the straight quote is handled by direction.
BRACKETS = {"«": "»", "“": "”", "(": ")", "[": "]", "‹": "›"}
# Names of Latin letters as written in Arabic transliterations of initialisms (إم. سي. = M.C.).
LETTER_NAMES = frozenset(
    "ايه أيه بي سي دي إي اي إف اف جي إتش اتش آي كيه كي إل ال إم ام إن ان أو او كيو آر ار إس اس تي يو في "
    "دبليو إكس اكس واي زد".split()
)
LATIN_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs inc ltd co corp no nos gen col lt sgt capt sen rep gov mt ft approx "
    "dept est fig jan feb mar apr jun jul aug sep sept oct nov dec".split()
)

_LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")
_BREAK_CHARS = "\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"
_NON_SPACE = re.compile(r"\S")
_CANDIDATE = re.compile(
    "(?P<term>[" + re.escape(TERMINATORS) + "]+)(?P<close>[" + re.escape(CLOSERS) + "]*)"
    f"(?P<next>\\s|$|[{ARABIC_LETTERS}{TATWEEL}«“(])"
)
_OPENER_OF = {closing: opening for opening, closing in BRACKETS.items()}
_QUOTE_CHARS = '"' + "".join(BRACKETS) + "".join(BRACKETS.values())
_LINE_ENDS = frozenset(TERMINATORS + ":")
_FIRST_WORD = re.compile(r"\s*([^\W\d_]+)")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")
_ALNUM = re.compile(r"[^\W_]")
_WORD_LETTERS = re.compile(r"[^\W\d_]+")
_LOOKBACK = 40
# Letters a word needs to be longer than every letter name and every non-ASCII abbreviation.
_LONG_WORD = max(map(len, LETTER_NAMES)) + 1


def _straight_quote_opens(line: str, i: int, one_is_open: bool) -> bool:
    """Whether the ``"`` at ``line[i]`` opens a quotation (by what stands around it)."""
    prev = line[i - 1] if i else " "
    nxt = line[i + 1] if i + 1 < len(line) else " "
    if prev.isspace() or prev in BRACKETS or prev in ":،,؛;-–—":
        return True
    if nxt.isspace() or not (nxt.isalnum() or nxt in BRACKETS):
        return False
    if prev.isalpha() and (i < 2 or line[i - 2].isspace()):
        return True  # after an attached conjunction or preposition: و"لابد
    return not one_is_open


def _positions(text: str, chars: str) -> list[int]:
    """Positions of any of ``chars`` in ``text``, in order (found once per text, then cut by line).

    ``str.find`` runs at memory speed while a regex visits every character, and the characters
    sought (terminators, quote marks) are rare, so the regexes below are only *matched* at these
    positions; the matches are the same as a scan because every match starts with one of them.
    """
    found: list[int] = []
    for ch in chars:
        i = text.find(ch)
        while i >= 0:
            found.append(i)
            i = text.find(ch, i + 1)
    found.sort()
    return found


def _between(positions: list[int], start: int, end: int) -> list[int]:
    """The sorted ``positions`` in ``[start, end)``."""
    return positions[bisect_left(positions, start) : bisect_left(positions, end)]


def _protected_spans(line: str, offset: int, quotes: list[int]) -> list[tuple[int, int]]:
    """Outermost balanced quote/bracket spans of one line as (open, close) text positions.

    ``line`` is ``text[offset:offset + len(line)]`` and ``quotes`` the text positions of its quote marks."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []  # positions of open quote marks, innermost last
    open_at: dict[str, list[int]] = {kind: [] for kind in ('"', *BRACKETS)}  # kind -> stack depths

    def close(depth: int) -> None:
        # Openers above ``depth`` were never closed (unbalanced) and are dropped with it.
        for depths in open_at.values():
            while depths and depths[-1] >= depth:
                depths.pop()
        del stack[depth:]

    for at in quotes:
        i = at - offset
        ch = line[i]
        if ch in BRACKETS or (ch == '"' and _straight_quote_opens(line, i, bool(open_at['"']))):
            open_at[ch].append(len(stack))
            stack.append(i)
            continue
        depths = open_at['"' if ch == '"' else _OPENER_OF[ch]]
        if not depths:
            continue  # a closing mark without an opener
        depth = depths[-1]
        start = stack[depth]
        close(depth)
        if i - start <= MAX_PROTECTED_CHARS:
            while spans and spans[-1][0] > start:
                spans.pop()  # nested inside this one
            spans.append((start, i))
    return [(offset + s, offset + e) for s, e in spans]


def _is_abbreviation(text: str, dot: int, line_start: int, line_end: int) -> bool:
    """Whether the ``.`` at ``dot`` closes an abbreviation or initial rather than a sentence."""
    tail = text[dot - _LONG_WORD : dot] if dot - _LONG_WORD >= line_start else ""
    if tail.isalpha() and not tail.isascii() and "\u0640" not in tail:
        return False  # the common case, a long Arabic word: no name or abbreviation below is that long
    window = text[max(line_start, dot - _LOOKBACK) : dot]
    if window.endswith("\n"):  # a dot opening a wrapped line: the word before is the previous line's last
        window = window[:-1]
    if not window or window[-1].isspace():
        return False
    words = window.split()
    before = words[-2] if len(words) > 1 else None  # the word before, if the window holds it
    word = words[-1].rsplit(".", 1)[-1]
    letters = _WORD_LETTERS.findall(word.replace("\u0640", ""))
    if len(letters) != 1 or _DIGIT.search(word):
        return False
    name = letters[0]
    if len(name) > 1:
        if name.lower() in LATIN_ABBREVIATIONS:
            return True
        # Latin letters spelled in Arabic are initials when another one follows: أيه. إم. سي.
        if name not in LETTER_NAMES:
            return False
        after = _FIRST_WORD.match(text, dot + 1, min(line_end, dot + _LOOKBACK))
        return (after is not None and after.group(1) in LETTER_NAMES) or (
            before is not None and before.endswith(".") and before[:-1] in LETTER_NAMES
        )
    # A lone م or هـ after a number is the era (2015 م.), which may well end the sentence.
    return not (name in "مه" and before is not None and before.isdigit())


def _line_boundaries(text: str, start: int, end: int, terminators: list[int], quotes: list[int]) -> list[int]:
    """Sentence end positions (exclusive, before stripping) inside the line ``text[start:end]``.

    ``terminators`` and ``quotes`` are the text positions of the line's terminators and quote marks."""
    protected = _protected_spans(text[start:end], start, quotes) if quotes else []
    opens = [s for s, _ in protected]
    cuts: list[int] = []
    prev = start  # start of the current fragment
    next_letter = -1  # cached position of the first letter at or after ``prev``
    scanned = 0  # the scan's position: matches do not overlap
    for at in terminators:
        if at < scanned:
            continue
        m = _CANDIDATE.match(text, at, end)
        if m is None:
            continue
        scanned = m.end()
        cut = m.end("close")
        term = m.group("term")
        if protected:
            k = bisect_right(opens, cut - 1) - 1
            if k >= 0 and protected[k][0] < cut - 1 < protected[k][1]:
                continue  # inside quotes or brackets
        if term == PAUSE:
            continue
        if term == "." and _is_abbreviation(text, m.start("term"), start, end):
            continue
        if next_letter < prev:
            found = _LETTER.search(text, prev, end)
            next_letter = found.start() if found else end
        if next_letter >= cut:
            continue  # no letter since the last cut: "1." or "..." joins what follows
        cuts.append(cut)
        prev = cut
    if cuts and not _LETTER.search(text, cuts[-1], end):
        cuts.pop()  # a letterless tail ("...") stays with the last sentence
    cuts.append(end)
    return cuts


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph: a line, or the lines of a hard-wrapped paragraph joined."""
    lines: list[tuple[int, int]] = []
    stripped: list[str] = []
    raw_index: list[int] = []  # each line's number among all lines, blank ones included
    at = 0
    # str.splitlines breaks lines at exactly the characters of _LINE_BREAK, all of them white space:
    # a line is blank when it strips to nothing, and it ends where its break (if any) begins
    for k, raw in enumerate(text.splitlines(keepends=True)):
        body = raw.strip()
        if body:
            lines.append((at, at + len(raw.rstrip(_BREAK_CHARS))))
            stripped.append(body)
            raw_index.append(k)
        at += len(raw)
    if len(lines) < 4:
        return lines
    lengths = [len(line) for line in stripped]
    width = max(lengths)
    if width > WRAP_MAX_WIDTH or sum(n >= 0.75 * width for n in lengths) < 0.5 * len(lines):
        return lines
    # ends with a terminator (or ":"), then only closing quotes/brackets
    unterminated = [line.rstrip(CLOSERS)[-1:] not in _LINE_ENDS for line in stripped]
    if sum(unterminated[:-1]) < 0.4 * (len(lines) - 1):
        return lines
    # A long line that stops mid-sentence continues on the next line unless a blank line comes between
    # (each line ends with one break, so the breaks between two lines are the lines from one to the other).
    paragraphs = [lines[0]]
    for i in range(1, len(lines)):
        start, end = lines[i]
        if unterminated[i - 1] and lengths[i - 1] >= 0.6 * width and raw_index[i] - raw_index[i - 1] <= 1:
            paragraphs[-1] = (paragraphs[-1][0], end)
        else:
            paragraphs.append((start, end))
    return paragraphs


def split_spans(text: str) -> list[tuple[int, int, int]]:
    """Sentence spans ``(start, end, paragraph)``; ``text[start:end]`` is the stripped sentence.

    Paragraphs are the non-empty lines, counted from 0 (in hard-wrapped text, the lines of one paragraph
    together; a sentence then may contain newlines).  Paragraphs without any letter or digit yield nothing.
    """
    spans: list[tuple[int, int, int]] = []
    paragraph = 0
    terminators = _positions(text, TERMINATORS)
    quotes = _positions(text, _QUOTE_CHARS)
    for start, end in _paragraphs(text):
        if not _ALNUM.search(text, start, end):
            continue
        prev = start
        for cut in _line_boundaries(
            text, start, end, _between(terminators, start, end), _between(quotes, start, end)
        ):
            first = _NON_SPACE.search(text, prev, cut)
            if first is not None:
                s = first.start()
                e = s + len(text[s:cut].rstrip())
                if e - s > MAX_SENTENCE_CHARS or (
                    e - s >= 2 * MAX_SENTENCE_WORDS and count_words(text[s:e]) > MAX_SENTENCE_WORDS
                ):
                    spans.extend((a, b, paragraph) for a, b in _pieces(text, s, e))
                elif spans and spans[-1][2] == paragraph and rules.source_tail(text[s:e]):
                    spans[-1] = (spans[-1][0], e, paragraph)  # "... مسارها. بحسب البحرية الأميركية."
                else:
                    spans.append((s, e, paragraph))
            prev = cut
        paragraph += 1
    return spans


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into pieces of at most ``MAX_SENTENCE_WORDS`` words and
    ``MAX_SENTENCE_CHARS`` characters, each from the start of a word to the end of a word.

    (Fewer than ``2 * MAX_SENTENCE_WORDS`` characters cannot hold more than ``MAX_SENTENCE_WORDS``
    words, which is why ``split_spans`` only counts the words of longer sentences.)
    """
    pieces: list[tuple[int, int]] = []
    first = last = -1
    n = 0
    for a, b in word_spans(text, start, end):
        if first >= 0 and (n == MAX_SENTENCE_WORDS or b - first > MAX_SENTENCE_CHARS):
            pieces.append((first, last))
            first = -1
        if first < 0:
            first, n = a, 0
        last = b
        n += 1
    if first >= 0:
        pieces.append((first, last))
    return pieces


def _looks_like_heading(sentence: str) -> bool:
    last = sentence.rstrip(CLOSERS + "&*-–—_")[-1:] or sentence[-1]
    if last in TERMINATORS or last in ":،؛,;":
        return False
    return len(sentence.split()) <= HEADING_MAX_WORDS


def _trimmed(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int, bool]]:
    """``spans`` without what is not the sentence: ``(start, end, paragraph, furniture)``; a span the
    rules cover whole (a furniture line, or a sentence that is all dateline) keeps its offsets and is
    marked ``furniture``."""
    hits = rules.article_hits(text)
    if not hits:
        return [(s, e, p, False) for s, e, p in spans]
    out = []
    for s, e, p in spans:
        kept = rules.trim(s, e, hits)
        if kept is not None:
            a, b = kept
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            kept = (a, b) if _ALNUM.search(text, a, b) else None
        out.append((s, e, p, True) if kept is None else (kept[0], kept[1], p, False))
    return out


def segment(article: Article) -> tuple[Sentence, ...]:
    """The article's sentences with offsets, paragraph numbers, heading and script flags and terms.

    A sentence's span leaves out a dateline, agency tag or byline before it and an agency signature or
    credit after it; a line of page furniture is a heading (never a candidate); see the module doc."""
    text = article.text
    spans = _trimmed(text, split_spans(text))
    count_in_paragraph: dict[int, int] = {}
    for _, _, p, _ in spans:
        count_in_paragraph[p] = count_in_paragraph.get(p, 0) + 1
    last_paragraph = spans[-1][2] if spans else -1
    sentences = []
    for index, (start, end, paragraph, furniture) in enumerate(spans):
        sentence_text = text[start:end]
        is_heading = (
            furniture
            or not _LETTER.search(sentence_text)
            or (
                count_in_paragraph[paragraph] == 1
                and paragraph != last_paragraph
                and _looks_like_heading(sentence_text)
            )
        )
        words = sentence_text.split()
        is_arabic, n_words = script_and_words(words)
        if "#" in sentence_text:
            n_words = count_words(rules.display(sentence_text)[0])  # the budget counts what is shown
        sentences.append(
            Sentence(
                article_id=article.id,
                index=index,
                start=start,
                end=end,
                text=sentence_text,
                paragraph=paragraph,
                is_heading=is_heading,
                terms=word_terms(words),
                is_arabic=is_arabic,
                n_words=n_words,
            )
        )
    return tuple(sentences)


def is_candidate(sentence: Sentence) -> bool:
    """Whether a summary may show ``sentence``: not a heading, with a content term, and Arabic (by the
    token share of ``Sentence.is_arabic``).  The one definition the pipeline, the stories' lead summary
    and the evaluation baselines share."""
    return not sentence.is_heading and bool(sentence.terms) and sentence.is_arabic
