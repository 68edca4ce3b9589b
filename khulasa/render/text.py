"""Plain text: one summary sentence a line, then the timeline and key terms when asked for."""

from __future__ import annotations

from khulasa.models import Summary, TimelineEvent
from khulasa.render.labels import (
    BACKGROUND_HEADING,
    KEY_TERMS_HEADING,
    TIMELINE_HEADING,
    kind_heading,
    one_line,
    outlets_of,
    period,
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
    sentences only.
    """
    lines = [one_line(s.text) for s in summary.sentences]
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
    return "".join(line + "\n" for line in lines)


def _event_line(e: TimelineEvent) -> str:
    expression = f" ({one_line(e.expression)})" if e.expression else ""
    outlets = "، ".join(one_line(o) for o in outlets_of(e.sources))
    return f"{period(e)}{expression}: {one_line(e.text)}" + (f" — {outlets}" if outlets else "")
