"""Markdown: the summary as a list with a footnote per sentence naming its sources (outlet, article id,
character offsets); timeline and key terms after.

Article text is untrusted: Markdown backslash-escapes the characters that would turn it into markup, and
breaks the patterns of GFM's autolinks (bare URLs, ``www.``, e-mail).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from khulasa.models import SourceSpan, Summary
from khulasa.render.labels import KEY_TERMS_HEADING, TIMELINE_HEADING, kind_label, one_line, period


def to_markdown(summary: Summary) -> str:
    """The summary as a list with a footnote per sentence naming its sources; timeline and key terms after.

    Footnotes give the outlet, the article id and the character offsets in that article's text.
    Timeline events get footnotes too, numbered after the sentences.
    """
    lines = ["# الخلاصة", ""]
    notes: list[str] = []
    for s in summary.sentences:
        notes.append(_footnote(len(notes) + 1, s.sources))
        lines.append(f"- {_md(one_line(s.text))}[^{len(notes)}]")
    if summary.timeline:
        lines += ["", f"## {TIMELINE_HEADING}", ""]
        for e in summary.timeline:
            notes.append(_footnote(len(notes) + 1, e.sources))
            expression = f" ({_md(one_line(e.expression))})" if e.expression else ""
            lines.append(
                f"- **{period(e)}**{expression}: {_md(one_line(e.text))}[^{len(notes)}]"
            )
    if summary.key_terms:
        lines += ["", f"## {KEY_TERMS_HEADING}", ""]
        for t in summary.key_terms:
            lines.append(
                f"- **{_md(one_line(t.text))}** ({_md(kind_label(t.kind))}): "
                f"المقالات: {len(t.articles)}، مرات الذكر: {t.count}"
            )
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


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


def _footnote(number: int, spans: Sequence[SourceSpan]) -> str:
    parts = []
    for sp in spans:
        where = f"{sp.start}–{sp.end}"
        if sp.source and sp.source != sp.article_id:
            parts.append(f"{_md(one_line(sp.source))} ({_code(sp.article_id)}, {where})")
        else:
            parts.append(f"{_code(sp.article_id)} ({where})")
    return f"[^{number}]: " + ("; ".join(parts) if parts else "—")
