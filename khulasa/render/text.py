"""Plain text: one summary sentence a line, then the timeline and key terms when asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from khulasa.models import Comparison, Quote, Summary, SummarySentence, TimelineEvent
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
    bracketed,
    brackets,
    kind_heading,
    one_line,
    only_in,
    outlets_of,
    period,
    quotes_by_speaker,
    row_pieces,
    split_background,
    terms_by_kind,
)


def to_text(summary: Summary) -> str:
    """One summary sentence per line (inner line breaks folded to spaces), ending with a newline.

    When the options ask for them, the timeline and the key terms follow, each after a blank line as
    a heading line and one line per item.  A timeline line is the date at its precision, the phrase as
    written, the clause and its outlets (``2016-10-10 (أمس): text — الجزيرة، إيلاف``; a year reads
    ``2016``, a month ``تشرين الأول/أكتوبر 2016``); the history the story recalls follows under its own
    heading (``الخلفية``).  Key terms are one line per kind (``الأشخاص: فلاديمير بوتين، رجب طيب
    أردوغان``).  A section with nothing in it is its heading alone.  Without them, the output is the
    sentences only.  A speaker's name the summary inserted (``SummarySentence.inserted``) is shown in
    square brackets (``وأضاف [بوتين] أن``).
    """
    lines = [bracketed(s) for s in summary.sentences]
    options = summary.options
    if summary.timeline or getattr(options, "timeline", False):
        story, background = split_background(summary.timeline)
        lines += ["", TIMELINE_HEADING, *map(_event_line, story)]
        if background:
            lines += ["", BACKGROUND_HEADING, *map(_event_line, background)]
    if summary.key_terms or getattr(options, "key_terms", False):
        lines += ["", KEY_TERMS_HEADING]
        lines += [
            f"{kind_heading(kind)}: {'، '.join(one_line(t.text) for t in terms)}"
            for kind, terms in terms_by_kind(summary.key_terms)
        ]
    if getattr(options, "quotes", False):
        lines += ["", QUOTES_HEADING]
        for name, quotes in quotes_by_speaker(summary.quotes, summary.speakers):
            lines += [f"{one_line(name)} ({len(quotes)}):", *map(_quote_line, quotes)]
    if summary.comparison is not None:
        lines += ["", COMPARE_HEADING, *_comparison_lines(summary.comparison, summary.sentences)]
    return "".join(line + "\n" for line in lines)


def _quote_line(q: Quote) -> str:
    verb = f"{one_line(q.verb)}، " if q.verb else ""
    outlets = "، ".join(one_line(o) for o in outlets_of(q.sources))
    return f"- {verb}{QUOTE_KINDS.get(q.kind, q.kind)}: {one_line(q.text)} — {outlets}"


def _comparison_lines(c: Comparison, sentences: Sequence[SummarySentence]) -> list[str]:
    """Each summary sentence's outlets (``[الجزيرة، إيلاف]``), then "only in", then "outlets differ";
    a row shows its sentence as the summary does (an inserted name in brackets)."""
    lines = [f"{i}. [{'، '.join(one_line(o) for o in r.outlets)}] {brackets(row_pieces(r, sentences))}"
             for i, r in enumerate(c.coverage.rows, start=1)]
    if c.exclusive:
        lines += ["", EXCLUSIVE_HEADING]
        lines += [f"- {only_in(one_line(e.outlet))}: {brackets(row_pieces(e, sentences))}" for e in c.exclusive]
    if c.disagreements:
        lines += ["", DISAGREE_HEADING]
        for d in c.disagreements:
            note = f" ({OVER_TIME})" if d.over_time else ""
            lines.append(f"- {DISAGREEMENT_KINDS.get(d.kind, d.kind)}: {one_line(d.fact)}{note}")
            for r in d.readings:
                where = "، ".join(one_line(s.source) + _when(s.published, s.date) for s in r.sources)
                lines.append(f"  {one_line(r.text)} — {where}")
    return lines


def _event_line(e: TimelineEvent) -> str:
    expression = f" ({one_line(e.expression)})" if e.expression else ""
    outlets = "، ".join(one_line(o) for o in outlets_of(e.sources))
    return f"{period(e)}{expression}: {one_line(e.text)}" + (f" — {outlets}" if outlets else "")


def _when(published: str | None, date: dt.date | None) -> str:
    """`` 2018-05-14T09:54:37Z`` (publication time), else `` 2018-05-14`` (its date), else nothing."""
    if published:
        return f" {published}"
    return f" {date.isoformat()}" if date else ""
