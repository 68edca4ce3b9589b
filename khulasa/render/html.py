"""A standalone right-to-left HTML page: the summary, its timeline and key terms, and every article with
the summary sentences marked; clicking a sentence highlights it in each source.  No external resources.

Article text is untrusted: the page escapes all of it through Jinja2 autoescape, links only ``http(s)``
URLs, embeds its JSON with ``<``, ``>`` and ``&`` as ``\\u`` escapes, and pins its one inline script by
hash in a Content-Security-Policy.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from khulasa.models import Summary, SummarySentence
from khulasa.render.json import to_dict
from khulasa.render.labels import (
    BACKGROUND_HEADING,
    COMPARE_HEADING,
    DISAGREE_HEADING,
    DISAGREEMENT_KINDS,
    EXCLUSIVE_HEADING,
    INSERTED_TITLE,
    KEY_TERMS_HEADING,
    OVER_TIME,
    QUOTE_KINDS,
    QUOTES_HEADING,
    TIMELINE_HEADING,
    kind_heading,
    one_line,
    only_in,
    outlets_label,
    outlets_of,
    period,
    period_datetime,
    pieces,
    quotes_by_speaker,
    row_pieces,
    split_background,
    terms_by_kind,
)

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
    timeline = [
        {**doc, "period": period(e), "datetime": period_datetime(e), "outlets": outlets_of(e.sources)}
        for e, doc in zip(summary.timeline, data["timeline"], strict=True)
    ]
    story, background = split_background(timeline)
    return _template().render(
        title=_page_title(summary),
        sentences=[
            {**doc, "n_outlets": len(outlets_of(s.sources)), "outlets": outlets_of(s.sources), "pieces": pieces(s)}
            for s, doc in zip(summary.sentences, data["sentences"], strict=True)
        ],
        who_said=who_said_view(data),
        comparison=comparison_view(data),
        show_outlet=_as_written,
        over_time=OVER_TIME,
        timeline=story,
        background=background,
        key_terms=[
            (kind_heading(kind), terms) for kind, terms in terms_by_kind(data["key_terms"])
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
        outlets_label=outlets_label,
        headings={"timeline": TIMELINE_HEADING, "background": BACKGROUND_HEADING,
                  "key_terms": KEY_TERMS_HEADING, "quotes": QUOTES_HEADING, "compare": COMPARE_HEADING,
                  "exclusive": EXCLUSIVE_HEADING, "disagreements": DISAGREE_HEADING},
        version=data["khulasa_version"],
    )


def who_said_view(data: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]] | None:
    """The quotes of a summary's (or a story record's) JSON grouped by speaker, for the ``who_said_panel``
    of ``templates/voices.html.j2`` (``None`` when quotes were not asked for)."""
    if "quotes" not in data:
        return None
    quotes = [{**q, "kind_label": QUOTE_KINDS.get(q["kind"], q["kind"])} for q in data["quotes"]]
    return quotes_by_speaker(quotes, data["speakers"])


def comparison_view(data: dict[str, Any], name: Callable[[str], str] = one_line) -> dict[str, Any] | None:
    """The comparison of a summary's (or a story record's) JSON with its call-outs' labels, for the
    ``comparison_panel`` of ``templates/voices.html.j2`` (``None`` when it was not asked for); ``name``
    shows an outlet in "only in X".  An "only in" row is shown as its summary sentence (``pieces``:
    a speaker's name the summary inserted marked, ``labels.row_pieces``)."""
    c = data.get("comparison")
    if c is None:
        return None
    sentences = data["sentences"] if "sentences" in data else data["summary"]["sentences"]
    return {
        "outlets": c["outlets"],
        "only_in": {e["unit_id"]: only_in(name(e["outlet"])) for e in c["exclusive"]},
        "exclusive": [
            {**e, "label": only_in(name(e["outlet"])), "pieces": row_pieces(e, sentences)} for e in c["exclusive"]
        ],
        "disagreements": [
            {**d, "kind_label": DISAGREEMENT_KINDS.get(d["kind"], d["kind"])} for d in c["disagreements"]
        ],
    }


def _as_written(outlet: str) -> str:
    return outlet


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


def _safe_href(url: str | None) -> str | None:
    """The URL if it is http(s); a ``javascript:`` or ``data:`` link from an article is not followed."""
    if url and re.match(r"(?i)^\s*https?://", url):
        return url.strip()
    return None


def _page_title(summary: Summary) -> str:
    first = next((a.title for a in summary.articles if a.title), None)
    return f"خلاصة: {one_line(first)}" if first else "خلاصة"


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
    env.globals["inserted_title"] = INSERTED_TITLE
    return env.get_template("summary.html.j2")
