"""Markdown: the summary as a list with a footnote per sentence naming its sources (outlet, article id,
character offsets); timeline and key terms after.

Article text is untrusted: Markdown backslash-escapes the characters that would turn it into markup, and
breaks the patterns of GFM's autolinks (bare URLs, ``www.``, e-mail).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from khulasa.models import Comparison, Quote, SourceSpan, Summary, SummarySentence, TimelineEvent
from khulasa.render.labels import (
    BACKGROUND_HEADING,
    COMPARE_HEADING,
    DISAGREE_HEADING,
    DISAGREEMENT_KINDS,
    EXCLUSIVE_HEADING,
    KEY_TERMS_HEADING,
    OVER_TIME,
    QUOTE_KINDS,
    QUOTES_HEADING,
    TIMELINE_HEADING,
    Piece,
    kind_heading,
    one_line,
    only_in,
    outlets_of,
    period,
    pieces,
    quotes_by_speaker,
    row_pieces,
    split_background,
    terms_by_kind,
)


def to_markdown(summary: Summary) -> str:
    """The summary as a list with a footnote per sentence naming its sources; timeline and key terms after.

    Footnotes give the outlet, the article id and the character offsets in that article's text.
    Timeline events get footnotes too, numbered after the sentences; each date is shown at its precision
    (``2016``, ``تشرين الأول/أكتوبر 2016``, ``2016-10-10``), the story's own events first and the history it
    recalls under ``### الخلفية``.  Key terms are listed by kind, a ``###`` heading each.  A speaker's
    name the summary inserted is shown in (escaped) square brackets: ``وأضاف \\[بوتين\\] أن``.
    """
    lines = ["# الخلاصة", ""]
    notes: list[str] = []
    for s in summary.sentences:
        notes.append(_footnote(len(notes) + 1, s.sources))
        lines.append(f"- {_md_pieces(pieces(s))}[^{len(notes)}]")
    if summary.timeline:
        story, background = split_background(summary.timeline)
        lines += ["", f"## {TIMELINE_HEADING}", ""]
        lines += [_event_item(e, notes) for e in story]
        if background:
            lines += [*([""] if story else []), f"### {BACKGROUND_HEADING}", ""]
            lines += [_event_item(e, notes) for e in background]
    if summary.key_terms:
        lines += ["", f"## {KEY_TERMS_HEADING}"]
        for kind, terms in terms_by_kind(summary.key_terms):
            lines += ["", f"### {_md(kind_heading(kind))}", ""]
            lines += [
                f"- **{_md(one_line(t.text))}**: المقالات: {len(t.articles)}، مرات الذكر: {t.count}"
                for t in terms
            ]
    if summary.options is not None and summary.options.quotes:
        lines += ["", f"## {QUOTES_HEADING}"]
        for name, quotes in quotes_by_speaker(summary.quotes, summary.speakers):
            lines += ["", f"### {_md(one_line(name))} ({len(quotes)})", ""]
            lines += [_quote_item(q, notes) for q in quotes]
    if summary.comparison is not None:
        lines += _comparison_lines(summary.comparison, summary.sentences, notes)
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def _quote_item(q: Quote, notes: list[str]) -> str:
    notes.append(_footnote(len(notes) + 1, q.sources))
    verb = f"{_md(one_line(q.verb))}، " if q.verb else ""
    return f"- {verb}_{QUOTE_KINDS.get(q.kind, q.kind)}_: «{_md(one_line(q.text))}»[^{len(notes)}]"


def _md_pieces(shown: Sequence[Piece]) -> str:
    """Pieces of a sentence on one line, escaped, each inserted piece in escaped square brackets."""
    return one_line("".join(rf"\[{_md(t)}\]" if inserted else _md(t) for t, inserted in shown))


def _comparison_lines(c: Comparison, sentences: Sequence[SummarySentence], notes: list[str]) -> list[str]:
    """Outlets per summary sentence as a table, then "only in X" (shown as its summary sentence) and
    "outlets differ" side by side."""
    lines = ["", f"## {COMPARE_HEADING}", ""]
    if c.coverage.rows:
        lines += ["| # | " + " | ".join(_md(one_line(o)) for o in c.coverage.outlets) + " |",
                  "|---|" + "---|" * len(c.coverage.outlets)]
        for i, row in enumerate(c.coverage.matrix(), start=1):
            lines.append(f"| {i} | " + " | ".join("✓" if has else " " for has in row) + " |")
    if c.exclusive:
        lines += ["", f"### {EXCLUSIVE_HEADING}", ""]
        for e in c.exclusive:
            notes.append(_footnote(len(notes) + 1, e.sources))
            lines.append(f"- **{_md(only_in(one_line(e.outlet)))}**: {_md_pieces(row_pieces(e, sentences))}[^{len(notes)}]")
    if c.disagreements:
        lines += ["", f"### {DISAGREE_HEADING}", ""]
        for d in c.disagreements:
            note = f" ({OVER_TIME})" if d.over_time else ""
            lines += [f"- **{DISAGREEMENT_KINDS.get(d.kind, d.kind)}: {_md(one_line(d.fact))}**{note}", "",
                      "  | القيمة | المصادر | النشر |", "  |---|---|---|"]
            for r in d.readings:
                outlets = "، ".join(_md(one_line(o)) for o in outlets_of(r.sources))
                when = "، ".join(
                    dict.fromkeys(s.published or (s.date.isoformat() if s.date else "—") for s in r.sources)
                )
                lines.append(f"  | {_md(one_line(r.text))} | {outlets} | {_md(when)} |")
            lines.append("")
        if lines[-1] == "":
            lines.pop()
    return lines


def _event_item(e: TimelineEvent, notes: list[str]) -> str:
    notes.append(_footnote(len(notes) + 1, e.sources))
    expression = f" ({_md(one_line(e.expression))})" if e.expression else ""
    return f"- **{_md(period(e))}**{expression}: {_md(one_line(e.text))}[^{len(notes)}]"


# Characters CommonMark would read as markup inside a line; any ASCII punctuation may be backslash-escaped.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!])")
_MD_LINE_START = re.compile(r"^(\s*(?:\d+(?=[.)]))?)([-+=.)])")
# GFM's autolink extension links bare "scheme://" URLs, "www." names and e-mail addresses found in text
# (and "mailto:"/"xmpp:" ones).  Article text must stay text: the ":" of every "://", "mailto:" and
# "xmpp:" and the "." after
# "www" are backslash-escaped (they render as themselves, and the extension no longer sees the pattern),
# and every "@" is followed by a WORD JOINER (U+2060, invisible), since GFM links an address (even
# "mailto:@x.y", "www.@.org") when its "@" or ":" is escaped.  Checked against GitHub's cmark-gfm in tests/test_render.py.
_MD_SCHEME = re.compile(r"(?i):(?=//)|(?<=mailto):|(?<=xmpp):")
_MD_WWW = re.compile(r"(?i)(www)\.")
_MD_EMAIL_AT = re.compile("@")
WORD_JOINER = "\u2060"


def _md(text: str) -> str:
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    escaped = _MD_SCHEME.sub(r"\\:", escaped)
    escaped = _MD_WWW.sub(r"\1\\.", escaped)
    escaped = _MD_EMAIL_AT.sub("@" + WORD_JOINER, escaped)
    # A leading "-", "+" or "1." would open a nested list inside the list item: escape its punctuation.
    return _MD_LINE_START.sub(r"\1\\\2", escaped)


def _code(text: str) -> str:
    """A Markdown code span that holds ``text`` literally, whatever backticks it contains."""
    text = one_line(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


class _Span(Protocol):
    """A source span: ``SourceSpan``, or a ``QuoteSource`` that has the same fields."""

    @property
    def article_id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def _footnote(number: int, spans: Sequence[SourceSpan] | Sequence[_Span]) -> str:
    parts = []
    for sp in spans:
        where = f"{sp.start}–{sp.end}"
        if sp.source and sp.source != sp.article_id:
            parts.append(f"{_md(one_line(sp.source))} ({_code(sp.article_id)}, {where})")
        else:
            parts.append(f"{_code(sp.article_id)} ({where})")
    return f"[^{number}]: " + ("; ".join(parts) if parts else "—")
