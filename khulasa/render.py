"""Output formats for a ``Summary``: text, Markdown with source footnotes, JSON, and a standalone HTML page.

``to_dict`` builds the one JSON document (schema: ``khulasa/schema/summary.schema.json``, explained in
``docs/json.md``); the HTTP service and ``--format json`` publish exactly that document.  Every format is a
pure function of the ``Summary``: the same summary renders to the same bytes (floats rounded to 4 decimals,
keys in a fixed order, no timestamps).  ``render(summary, fmt)`` looks the name up in ``FORMATS``; its
output always ends with a newline, ready for stdout or a file.

Article text is untrusted: the HTML page escapes all of it through Jinja2 autoescape, links only
``http(s)`` URLs, embeds its JSON with ``<``, ``>`` and ``&`` as ``\\u`` escapes, and pins its one inline
script by hash in a Content-Security-Policy.  Markdown backslash-escapes the characters that would turn
article text into markup, and breaks the patterns of GFM's autolinks (bare URLs, ``www.``, e-mail).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from khulasa._version import __version__
from khulasa.errors import InvalidOptionsError
from khulasa.models import Article, KeyTerm, SourceSpan, Summary, SummarySentence, TimelineEvent

FLOAT_DECIMALS = 4


# --- JSON document -----------------------------------------------------------------------------------------


def to_dict(summary: Summary) -> dict[str, Any]:
    """The JSON document of a summary (plain dicts, lists, strings and numbers only).

    Articles carry ``id, source, title, date, url, text, duplicate_of``; their ``path`` and ``extra``
    fields are left out so the output is lean and does not depend on where the input lay on disk.
    """
    duplicate_of = {dup: group.kept for group in summary.duplicates for dup in group.duplicates}
    return {
        "sentences": [_sentence_dict(s) for s in summary.sentences],
        "timeline": [_event_dict(e) for e in summary.timeline],
        "key_terms": [_term_dict(t) for t in summary.key_terms],
        "articles": [_article_dict(a, duplicate_of.get(a.id)) for a in summary.articles],
        "duplicates": [
            {"kept": g.kept, "duplicates": list(g.duplicates), "similarity": _round(g.similarity)}
            for g in summary.duplicates
        ],
        "options": _plain(summary.options.to_dict() if summary.options is not None else {}),
        "stats": {
            "n_articles": len(summary.articles),
            "n_sentences": int(summary.n_sentences),
            "n_units": int(summary.n_units),
            "n_words": summary.n_words,
        },
        "khulasa_version": __version__,
    }


def to_json(summary: Summary, indent: int | None = 2) -> str:
    """``to_dict`` as JSON text: UTF-8 characters kept, no trailing newline; compact when ``indent`` is None.

    Non-finite numbers raise ``ValueError`` rather than produce JSON that other parsers reject.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_dict(summary), ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )


def _sentence_dict(s: SummarySentence) -> dict[str, Any]:
    return {
        "text": s.text,
        "sources": _spans(s.sources),
        "score": _round(s.score),
        "unit_id": int(s.unit_id),
        "article_id": s.article_id,
    }


def _event_dict(e: TimelineEvent) -> dict[str, Any]:
    return {
        "date": _iso(e.date),
        "end_date": _iso(e.end_date),
        "granularity": e.granularity,
        "expression": e.expression,
        "relative": bool(e.relative),
        "text": e.text,
        "sources": _spans(e.sources),
    }


def _term_dict(t: KeyTerm) -> dict[str, Any]:
    return {
        "text": t.text,
        "kind": t.kind,
        "score": _round(t.score),
        "articles": list(t.articles),
        "count": int(t.count),
    }


def _article_dict(a: Article, duplicate_of: str | None) -> dict[str, Any]:
    return {
        "id": a.id,
        "source": a.source,
        "title": a.title,
        "date": _iso(a.date),
        "url": a.url,
        "text": a.text,
        "duplicate_of": duplicate_of,
    }


def _spans(spans: Iterable[SourceSpan]) -> list[dict[str, Any]]:
    return [
        {"article_id": sp.article_id, "source": sp.source, "start": int(sp.start), "end": int(sp.end)}
        for sp in spans
    ]


def _round(x: float) -> float:
    # Adding 0.0 turns -0.0 into 0.0, so a score that rounds to zero prints the same whatever its sign.
    return round(float(x), FLOAT_DECIMALS) + 0.0


def _iso(d: dt.date | None) -> str | None:
    if d is None:
        return None
    if isinstance(d, dt.datetime):
        d = d.date()
    return d.isoformat()


def _plain(value: Any) -> Any:
    """Options as JSON values: floats rounded, dates as ISO strings, tuples as lists."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return _round(value)
    if isinstance(value, dt.date):
        return _iso(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)




# --- plain text and Markdown -------------------------------------------------------------------------------


TIMELINE_HEADING = "الخط الزمني"
KEY_TERMS_HEADING = "المصطلحات الرئيسية"


def to_text(summary: Summary) -> str:
    """One summary sentence per line (inner line breaks folded to spaces), ending with a newline.

    When the options ask for them, the timeline and the key terms follow, each after a blank line as
    a heading line and one line per item (``2016-10-10 (أمس): text`` and ``فلاديمير بوتين (شخص)``); a
    section with nothing in it is its heading alone.  Without them, the output is the sentences only.
    """
    lines = [_one_line(s.text) for s in summary.sentences]
    options = summary.options
    if summary.timeline or getattr(options, "timeline", False):
        lines += ["", TIMELINE_HEADING]
        for e in summary.timeline:
            expression = f" ({_one_line(e.expression)})" if e.expression else ""
            lines.append(f"{_period(e)}{expression}: {_one_line(e.text)}")
    if summary.key_terms or getattr(options, "key_terms", False):
        lines += ["", KEY_TERMS_HEADING]
        lines += [f"{_one_line(t.text)} ({KIND_LABELS.get(t.kind, t.kind)})" for t in summary.key_terms]
    return "".join(line + "\n" for line in lines)


def to_markdown(summary: Summary) -> str:
    """The summary as a list with a footnote per sentence naming its sources; timeline and key terms after.

    Footnotes give the outlet, the article id and the character offsets in that article's text.
    Timeline events get footnotes too, numbered after the sentences.
    """
    lines = ["# الخلاصة", ""]
    notes: list[str] = []
    for s in summary.sentences:
        notes.append(_footnote(len(notes) + 1, s.sources))
        lines.append(f"- {_md(_one_line(s.text))}[^{len(notes)}]")
    if summary.timeline:
        lines += ["", f"## {TIMELINE_HEADING}", ""]
        for e in summary.timeline:
            notes.append(_footnote(len(notes) + 1, e.sources))
            expression = f" ({_md(_one_line(e.expression))})" if e.expression else ""
            lines.append(
                f"- **{_period(e)}**{expression}: {_md(_one_line(e.text))}[^{len(notes)}]"
            )
    if summary.key_terms:
        lines += ["", f"## {KEY_TERMS_HEADING}", ""]
        for t in summary.key_terms:
            lines.append(
                f"- **{_md(_one_line(t.text))}** ({_md(KIND_LABELS.get(t.kind, t.kind))}): "
                f"المقالات: {len(t.articles)}، مرات الذكر: {t.count}"
            )
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


KIND_LABELS = {"person": "شخص", "place": "مكان", "organisation": "منظمة", "phrase": "عبارة", "actor": "فاعل"}
"""Arabic names of key-term kinds for text, Markdown and HTML (``khulasa.keyterms.KINDS``, and ``actor``
as summaries before the four kinds have it); unknown kinds are shown as they are."""

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
    text = _one_line(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _footnote(number: int, spans: Sequence[SourceSpan]) -> str:
    parts = []
    for sp in spans:
        where = f"{sp.start}–{sp.end}"
        if sp.source and sp.source != sp.article_id:
            parts.append(f"{_md(_one_line(sp.source))} ({_code(sp.article_id)}, {where})")
        else:
            parts.append(f"{_code(sp.article_id)} ({where})")
    return f"[^{number}]: " + ("; ".join(parts) if parts else "—")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _period(e: TimelineEvent) -> str:
    """The date at its granularity (``2016``, ``2016-10``, ``2016-10-10``), with its end for a range."""

    def show(d: dt.date) -> str:
        iso = d.isoformat()
        return {"year": iso[:4], "month": iso[:7]}.get(e.granularity, iso)

    return show(e.date) + (f" – {show(e.end_date)}" if e.end_date and e.end_date != e.date else "")


# --- HTML --------------------------------------------------------------------------------------------------

# The page's only script.  Its SHA-256 goes into the Content-Security-Policy, so any script that found its
# way into the page some other way (an unescaped tag, an event attribute) would not run.
_PAGE_SCRIPT = """
(function () {
  var sentences = document.querySelectorAll(".sentence[data-unit]");
  function select(unit, scroll) {
    document.querySelectorAll(".active").forEach(function (el) { el.classList.remove("active"); });
    document.querySelectorAll('[data-unit="' + unit + '"]').forEach(function (el) {
      el.classList.add("active");
    });
    sentences.forEach(function (el) {
      el.setAttribute("aria-pressed", el.getAttribute("data-unit") === unit ? "true" : "false");
    });
    var first = document.querySelector('mark[data-unit="' + unit + '"]');
    if (scroll && first) { first.scrollIntoView({behavior: "smooth", block: "center"}); }
  }
  sentences.forEach(function (el) {
    el.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      select(el.getAttribute("data-unit"), false);
    });
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        select(el.getAttribute("data-unit"), true);
      }
    });
  });
  document.querySelectorAll("mark[data-unit]").forEach(function (el) {
    el.addEventListener("click", function () {
      var unit = el.getAttribute("data-unit");
      select(unit, false);
      var s = document.querySelector('.sentence[data-unit="' + unit + '"]');
      if (s) { s.scrollIntoView({behavior: "smooth", block: "center"}); }
    });
  });
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_PAGE_SCRIPT.encode("utf-8")).digest()).decode("ascii")


@dataclass(frozen=True)
class _Segment:
    """A piece of an article's text; ``unit`` is set when it is a summary sentence's span."""

    text: str
    unit: int | None = None


def to_html(summary: Summary) -> str:
    """A standalone right-to-left page: the summary, its timeline and key terms, and every article with the
    summary sentences marked; clicking a sentence highlights it in each source.  No external resources."""
    data = to_dict(summary)
    return _template().render(
        title=_page_title(summary),
        sentences=[
            {**doc, "n_outlets": len(_outlets(s.sources))}
            for s, doc in zip(summary.sentences, data["sentences"], strict=True)
        ],
        timeline=[
            {**doc, "period": _period(e), "outlets": _outlets(e.sources)}
            for e, doc in zip(summary.timeline, data["timeline"], strict=True)
        ],
        key_terms=[
            {**doc, "kind_label": KIND_LABELS.get(t.kind, t.kind)}
            for t, doc in zip(summary.key_terms, data["key_terms"], strict=True)
        ],
        articles=[
            {**doc, "href": _safe_href(a.url), "segments": _segments(a.text, _marks(summary.sentences, a.id))}
            for a, doc in zip(summary.articles, data["articles"], strict=True)
        ],
        anchors={a.id: f"article-{i}" for i, a in enumerate(summary.articles)},
        stats={**data["stats"], "n_outlets": len({a.outlet for a in summary.articles})},
        data_json=_script_json(data),
        script=Markup(_PAGE_SCRIPT),
        script_hash=_SCRIPT_HASH,
        outlets_label=_outlets_label,
        version=data["khulasa_version"],
    )


def _marks(sentences: Sequence[SummarySentence], article_id: str) -> list[tuple[int, int, int]]:
    return [
        (sp.start, sp.end, s.unit_id) for s in sentences for sp in s.sources if sp.article_id == article_id
    ]


def _segments(text: str, marks: Iterable[tuple[int, int, int]]) -> list[_Segment]:
    """Cut ``text`` into plain and marked pieces that join back to ``text`` exactly.

    Offsets are clamped to the text; a span overlapping an earlier one is cut to start where that one
    ends (the earlier sentence keeps the shared characters), and empty spans are dropped.
    """
    segments: list[_Segment] = []
    pos = 0
    for start, end, unit in sorted(marks):
        start, end = max(start, pos, 0), min(end, len(text))
        if start >= end:
            continue
        if start > pos:
            segments.append(_Segment(text[pos:start]))
        segments.append(_Segment(text[start:end], unit))
        pos = end
    if pos < len(text):
        segments.append(_Segment(text[pos:]))
    return segments


def _outlets(spans: Iterable[SourceSpan]) -> list[str]:
    return list(dict.fromkeys(sp.source or sp.article_id for sp in spans))


def _outlets_label(n: int) -> str:
    """'N sources' with Arabic number agreement (1, 2, 3-10, 11+)."""
    if n == 1:
        return "مصدر واحد"
    if n == 2:
        return "مصدران"
    if 3 <= n % 100 <= 10:
        return f"{n} مصادر"
    return f"{n} مصدرًا"


def _safe_href(url: str | None) -> str | None:
    """The URL if it is http(s); a ``javascript:`` or ``data:`` link from an article is not followed."""
    if url and re.match(r"(?i)^\s*https?://", url):
        return url.strip()
    return None


def _page_title(summary: Summary) -> str:
    first = next((a.title for a in summary.articles if a.title), None)
    return f"خلاصة: {_one_line(first)}" if first else "خلاصة"


def _script_json(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``</script>``, ``<!--`` or ``&`` appears."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("khulasa", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("summary.html.j2")


# --- registry ----------------------------------------------------------------------------------------------


def _json_document(summary: Summary) -> str:
    return to_json(summary) + "\n"


FORMATS: dict[str, Callable[[Summary], str]] = {
    "text": to_text,
    "markdown": to_markdown,
    "json": _json_document,
    "html": to_html,
}
"""Output format name -> renderer; every renderer's output ends with a newline."""


def render(summary: Summary, fmt: str) -> str:
    """Render in the named format; an unknown name raises ``InvalidOptionsError`` listing the valid ones."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InvalidOptionsError(
            "format", fmt, "unknown output format", hint=f"valid formats: {', '.join(FORMATS)}"
        ) from None
    return renderer(summary)
