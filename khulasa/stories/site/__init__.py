"""The static HTML site of ``khulasa stories -f html``: what a news reader browses.

Layout of a site (every page works from ``file://`` as well as from a web server)::

    index.html, index-p2.html, …       latest and developing stories first (``listing.latest_key``)
    days/index.html                    every day with stories, newest first
    days/<YYYY-MM-DD>.html, …-p2.html  the stories with an article that day
    outlets/index.html                 every outlet, by number of stories
    outlets/<slug>.html, …-p2.html     one outlet's stories, latest first
    stories/<story_id>.html            a story: summary, events timeline, background dates, sources, and
                                       who said what and the outlet comparison when the records have them
    assets/search.js                   title search over assets/search-data.js (no server)
    assets/site.css                    the one stylesheet

List pages hold at most ``listing.PAGE_SIZE`` stories.  Story pages run no script; list pages run only
the two script files under ``assets/`` (Content-Security-Policy ``script-src 'self'``: no inline script,
no script from article text; styles only from ``assets/site.css``), and the search builds its results with ``textContent`` only.  Without
script the pages are complete; the search box is simply not shown.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from khulasa.render import labels
from khulasa.stories.site.listing import (
    PAGE_SIZE,
    Brief,
    by_day,
    by_outlet,
    page_file,
    pages,
    read_briefs,
)
from khulasa.stories.site.outlets import outlet_map, outlet_name, outlet_slug

__all__ = ["PAGE_SIZE", "Brief", "count_words", "index_page", "page_name", "read_briefs", "story_page", "write_site"]

NAV_OUTLETS = 8
"""Outlets linked from every list page (the ones with most stories); all are on outlets/index.html."""
ASSETS = {"search.js": ("stories_search.js",), "site.css": ("stories_site.css", "voices.css")}
"""Files under ``assets/`` and the package templates they are made of (joined): the who-said-what and
comparison rules are the summary page's own (``templates/voices.css``)."""


def _period(first: str | None, last: str | None) -> str:
    if not first:
        return "undated"
    return first if not last or last == first else f"{first} – {last}"


def _safe_href(url: str | None) -> str | None:
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


def page_name(story_id: str) -> str:
    """File name of a story's page: story ids are ``s-`` + hex, but never trust a record blindly."""
    safe = "".join(c for c in story_id if c.isalnum() or c in "-_")
    return f"{safe or 'story'}.html"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("khulasa", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["safe_href"] = _safe_href
    env.filters["period"] = lambda pair: _period(*pair)
    env.filters["outlet_name"] = outlet_name
    env.filters["unique_sources"] = _unique_sources
    env.filters["count"] = count_words
    env.filters["event_period"], env.filters["event_datetime"] = labels.period, labels.period_datetime
    env.filters["pieces"] = labels.pieces
    env.globals["inserted_title"] = labels.INSERTED_TITLE
    env.globals["labels"] = labels
    env.globals["page_name"] = page_name
    env.globals["show_outlet"] = outlet_name
    return env


COUNT_WORDS = {
    "article": ("مقال واحد", "مقالان", "مقالات", "مقالًا", "مقال"),
    "story": ("قصة واحدة", "قصتان", "قصص", "قصة", "قصة"),
    "event": ("حدث واحد", "حدثان", "أحداث", "حدثًا", "حدث"),
}
"""Arabic counted nouns: (one, two, 3-10, 11-99, hundreds) forms."""


def count_words(n: int, noun: str) -> str:
    """``n`` and its Arabic counted noun: 1 مقال واحد, 2 مقالان, 3-10 مقالات, 11-99 مقالًا, 100 مقال."""
    one, two, few, many, hundred = COUNT_WORDS[noun]
    if n == 1:
        return one
    if n == 2:
        return two
    rest = n % 100
    if 3 <= rest <= 10:
        return f"{n} {few}"
    if 11 <= rest <= 99:
        return f"{n} {many}"
    return f"{n} {hundred}"


def _unique_sources(spans: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[str]]]:
    """A sentence's source spans as (outlet, its article ids), one badge per outlet, in order."""
    out: dict[str, list[str]] = {}
    for sp in spans:
        ids = out.setdefault(sp.get("source") or "", [])
        if sp.get("article_id") not in ids:
            ids.append(sp.get("article_id") or "")
    return list(out.items())


def _version() -> str:
    from khulasa._version import __version__

    return __version__


def story_page(record: dict[str, Any]) -> str:
    """A story's page; shows ``record["events"]`` as a timeline when the record has them, and who said
    what (by speaker) and the outlet comparison ("only in", "outlets differ") when the record has them
    (``khulasa stories --quotes --compare``), with the summary page's panels (``templates/voices.html.j2``):
    the story's under its summary, and each event's own (its sentences' coverage strips and "only in"
    call-outs, its quotes and differences folded under it)."""
    from khulasa.render.html import comparison_view, who_said_view

    by_id = {a["id"]: a for a in record["articles"]}
    who_said, comparison = who_said_view(record), comparison_view(record, outlet_name)
    events = record.get("events") or []
    event_voices = [(who_said_view(e), comparison_view(e, outlet_name)) for e in events]
    voices: dict[str, Any] = {"who_said": who_said, "comparison": comparison, "event_voices": event_voices}
    if who_said is not None or comparison is not None or any(v != (None, None) for v in event_voices):
        voices.update(
            anchors={a["id"]: f"article-{i}" for i, a in enumerate(record["articles"])},
            headings={"quotes": labels.QUOTES_HEADING, "compare": labels.COMPARE_HEADING,
                      "exclusive": labels.EXCLUSIVE_HEADING, "disagreements": labels.DISAGREE_HEADING},
            over_time=labels.OVER_TIME,
        )
    return _environment().get_template("stories_story.html.j2").render(
        story=record, articles=by_id, events=events, root="../", version=_version(),
        **voices,
    )


def index_page(briefs: Sequence[Brief], report: dict[str, Any] | None, **context: Any) -> str:
    """A list page of ``briefs``; ``context`` overrides the defaults below (see ``write_site``)."""
    values: dict[str, Any] = {
        "heading": "أحدث القصص", "lead": "", "root": "", "current": "latest", "report": report or {},
        "stories": [(b, None) for b in briefs], "pager": [], "nav_outlets": [], "total": len(briefs),
    }
    values.update(context)
    return _environment().get_template("stories_index.html.j2").render(version=_version(), **values)


def _render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(version=_version(), **context)


def _pager(stem: str, n_pages: int, current: int) -> list[tuple[int, str, bool]]:
    return [(n, page_file(stem, n), n == current) for n in range(1, n_pages + 1)] if n_pages > 1 else []


def _write_list(folder: Path, stem: str, items: Sequence[tuple[Brief, int | None]], **context: Any) -> None:
    chunks = list(pages(items))
    report = context.pop("report", None)
    for number, chunk in enumerate(chunks, start=1):
        html = index_page([], report, stories=list(chunk), pager=_pager(stem, len(chunks), number),
                          total=len(items), first=(number - 1) * PAGE_SIZE + 1, **context)
        (folder / page_file(stem, number)).write_text(html, encoding="utf-8")


def search_data(briefs: Sequence[Brief], names: Mapping[str, str] | None = None) -> str:
    """``assets/search-data.js``: the stories in the latest order as compact rows
    ``[page, title, first_date, last_date, n_articles, [outlet index…]]`` and the outlets as
    ``[id, name]``, assigned to ``window.khulasaSearch`` (a script file, not JSON: ``fetch`` is refused
    for ``file://`` pages, a script is not)."""
    index: dict[str, int] = {}
    rows = []
    for b in briefs:
        rows.append([page_name(b.story_id), b.title, b.first_date, b.last_date, b.n_articles,
                     [index.setdefault(o, len(index)) for o in b.outlets]])
    outlets = [[o, outlet_name(o, names)] for o in index]
    data = json.dumps({"outlets": outlets, "stories": rows}, ensure_ascii=False, separators=(",", ":"))
    return f"window.khulasaSearch = {data};\n"


def write_site(root: Path, stories: Path, report: dict[str, Any] | None) -> list[Brief]:
    """Write every page of the site for ``stories`` (JSONL records) into the existing directory
    ``root``; return the briefs in the latest order."""
    briefs = read_briefs(stories)
    names = outlet_map()
    outlets = by_outlet(briefs)
    nav = [(outlet_name(o, names), outlet_slug(o)) for o in list(outlets)[:NAV_OUTLETS]]
    (root / "stories").mkdir()
    with open(stories, "rb") as f:
        for b in briefs:
            f.seek(b.offset)
            record = json.loads(f.readline())
            (root / "stories" / page_name(record["story_id"])).write_text(story_page(record), encoding="utf-8")

    common = {"report": report or {}, "nav_outlets": nav}
    _write_list(root, "index", [(b, None) for b in briefs], heading="أحدث القصص", current="latest",
                root="", lead="الأحدث أولًا: حسب تاريخ آخر مقال، ثم القصص التي ما زالت تكبر.", **common)

    days = by_day(briefs)
    (root / "days").mkdir()
    for day, items in days.items():
        _write_list(root / "days", day, items, heading=f"قصص يوم {day}", current="days", root="../",
                    lead="القصص التي نُشر فيها مقال في هذا اليوم، الأكثر مقالات في اليوم أولًا.", day=day,
                    **common)
    listing = [(day, len(items), sum(n for _, n in items)) for day, items in days.items()]
    months: dict[str, list[tuple[str, int, int]]] = {}
    for day, n_stories, n_articles in listing:
        months.setdefault(day[:7], []).append((day, n_stories, n_articles))
    (root / "days" / "index.html").write_text(
        _render("stories_days.html.j2", months=months, root="../", current="days", **common), encoding="utf-8")

    (root / "outlets").mkdir()
    for outlet, stories_of in outlets.items():
        name = outlet_name(outlet, names)
        _write_list(root / "outlets", outlet_slug(outlet), [(b, None) for b in stories_of], heading=name,
                    current="outlets", root="../", lead="قصص هذا المصدر، الأحدث أولًا.", outlet=outlet,
                    **common)
    rows = [(o, outlet_name(o, names), outlet_slug(o), len(of)) for o, of in outlets.items()]
    (root / "outlets" / "index.html").write_text(
        _render("stories_outlets.html.j2", outlets=rows, root="../", current="outlets", **common),
        encoding="utf-8")

    (root / "assets").mkdir()
    for name, parts in ASSETS.items():
        text = "".join(resources.files("khulasa").joinpath(f"templates/{part}").read_text(encoding="utf-8")
                       for part in parts)
        (root / "assets" / name).write_text(text, encoding="utf-8")
    (root / "assets" / "search-data.js").write_text(search_data(briefs, names), encoding="utf-8")
    return briefs
