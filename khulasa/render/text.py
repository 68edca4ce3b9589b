"""Plain text: one summary sentence a line, then the timeline and key terms when asked for."""

from __future__ import annotations

from khulasa.models import Summary
from khulasa.render.labels import KEY_TERMS_HEADING, TIMELINE_HEADING, kind_label, one_line, period


def to_text(summary: Summary) -> str:
    """One summary sentence per line (inner line breaks folded to spaces), ending with a newline.

    When the options ask for them, the timeline and the key terms follow, each after a blank line as
    a heading line and one line per item (``2016-10-10 (أمس): text`` and ``فلاديمير بوتين (شخص)``); a
    section with nothing in it is its heading alone.  Without them, the output is the sentences only.
    """
    lines = [one_line(s.text) for s in summary.sentences]
    options = summary.options
    if summary.timeline or getattr(options, "timeline", False):
        lines += ["", TIMELINE_HEADING]
        for e in summary.timeline:
            expression = f" ({one_line(e.expression)})" if e.expression else ""
            lines.append(f"{period(e)}{expression}: {one_line(e.text)}")
    if summary.key_terms or getattr(options, "key_terms", False):
        lines += ["", KEY_TERMS_HEADING]
        lines += [f"{one_line(t.text)} ({kind_label(t.kind)})" for t in summary.key_terms]
    return "".join(line + "\n" for line in lines)
