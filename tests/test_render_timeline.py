"""Timelines and key terms as every format shows them (issue 14, items 4 and 5): a date at its precision
(``2017``, ``نيسان/أبريل 2017``, ``2017-04-04``; never a year as ``2017-01-01``), the story's own events
apart from the background it recalls, key terms listed by kind under one set of Arabic labels.

Formats: text, Markdown, JSON, the HTML page, the stories site's story page and the stories text digest
(the web page is checked in a real browser in ``tests/test_browser.py``).  Summaries are built by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from khulasa import render
from khulasa.models import Article, KeyTerm, SourceSpan, Summary, SummarySentence, TimelineEvent
from khulasa.options import SummaryOptions
from khulasa.render import labels
from khulasa.stories import output as stories_output

TEXT = (
    "التقى الرئيسان في موسكو يوم 4 نيسان 2017 وبحثا الأزمة.\n"
    "وكانت المحادثات قد بدأت في نيسان 2017 بين الوفدين.\n"
    "وشهد عام 2017 تقاربا بين البلدين.\n"
    "وتعود الأزمة إلى عام 2015 حين أسقطت الطائرة.\n"
    "وفي تشرين الثاني 2015 فرضت العقوبات."
)
LINES = TEXT.splitlines()
ARTICLE = Article("a", TEXT, source="الجزيرة نت", date=dt.date(2017, 4, 4))
OTHER = Article("b", LINES[0], source="إيلاف", date=dt.date(2017, 4, 4))


def span(article: Article, line: str) -> SourceSpan:
    start = article.text.index(line)
    return SourceSpan(article.id, article.outlet, start, start + len(line))


def event(date: dt.date, granularity: str, line: int, expression: str, *, background: bool = False,
          end: dt.date | None = None) -> TimelineEvent:
    sources = (span(ARTICLE, LINES[line]),) + ((span(OTHER, LINES[0]),) if line == 0 else ())
    return TimelineEvent(date, granularity, LINES[line], sources, expression, end_date=end, background=background)


# the story's own: a day, a month, a year; the background: a year range, a month
STORY = (
    event(dt.date(2017, 4, 4), "day", 0, "4 نيسان 2017"),
    event(dt.date(2017, 4, 1), "month", 1, "نيسان 2017"),
    event(dt.date(2017, 1, 1), "year", 2, "عام 2017"),
)
BACKGROUND = (
    event(dt.date(2015, 1, 1), "year", 3, "عام 2015", background=True, end=dt.date(2016, 12, 31)),
    event(dt.date(2015, 11, 1), "month", 4, "تشرين الثاني 2015", background=True),
)
SHOWN = {  # what a reader sees for each event, and the <time datetime> of it
    LINES[0]: ("2017-04-04", "2017-04-04"),
    LINES[1]: ("نيسان/أبريل 2017", "2017-04"),
    LINES[2]: ("2017", "2017"),
    LINES[3]: ("2015–2016", "2015"),
    LINES[4]: ("تشرين الثاني/نوفمبر 2015", "2015-11"),
}
TERMS = (
    KeyTerm("موسكو", "place", 0.9, ("a", "b"), 2),
    KeyTerm("فلاديمير بوتين", "person", 0.8, ("a",), 3),
    KeyTerm("الأمم المتحدة", "organisation", 0.7, ("a",), 1),
    KeyTerm("وقف إطلاق النار", "phrase", 0.6, ("a",), 1),
    KeyTerm("رجب طيب أردوغان", "person", 0.5, ("a", "b"), 2),
)
BY_KIND = [  # the order every format lists them in: people, places, organisations, other
    ("الأشخاص", ["فلاديمير بوتين", "رجب طيب أردوغان"]),
    ("الأماكن", ["موسكو"]),
    ("المنظمات", ["الأمم المتحدة"]),
    ("عبارات أخرى", ["وقف إطلاق النار"]),
]


def summary(timeline: tuple[TimelineEvent, ...] = STORY + BACKGROUND) -> Summary:
    sentence = SummarySentence(LINES[0], (span(ARTICLE, LINES[0]), span(OTHER, LINES[0])), 1.0, 0, "a")
    return Summary((sentence,), (ARTICLE, OTHER), SummaryOptions(words=40, timeline=True, key_terms=True),
                   timeline=timeline, key_terms=TERMS, n_units=5, n_sentences=5, n_words=9)


# --- the shared labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("e", STORY + BACKGROUND, ids=lambda e: e.expression)
def test_period_and_its_datetime_are_the_date_at_its_precision(e: TimelineEvent) -> None:
    assert (labels.period(e), labels.period_datetime(e)) == SHOWN[e.text]
    doc = render.to_dict(summary((e,)))["timeline"][0]  # the same from the JSON form (the stories pages)
    assert (labels.period(doc), labels.period_datetime(doc)) == SHOWN[e.text]


def test_split_background_keeps_order_and_reads_old_records_as_the_storys_own() -> None:
    assert labels.split_background(STORY + BACKGROUND) == (list(STORY), list(BACKGROUND))
    old = {"date": "2016-10-10", "granularity": "day", "end_date": None, "text": "x", "sources": []}
    assert labels.split_background([old]) == ([old], [])


def test_terms_by_kind_orders_kinds_as_the_label_table_and_puts_unknown_kinds_last() -> None:
    groups = labels.terms_by_kind((*TERMS, KeyTerm("س", "weapon", 0.1, ("a",), 1)))
    assert [(labels.kind_heading(k), [t.text for t in ts]) for k, ts in groups] == [*BY_KIND, ("weapon", ["س"])]
    assert labels.kind_label("person") == "شخص" and labels.kind_label("weapon") == "weapon"


# --- each format -------------------------------------------------------------------------------------------


def test_text_shows_each_date_at_its_precision_and_the_background_under_its_heading() -> None:
    text = render.to_text(summary())
    sections = text.split("\n\n")
    timeline, background, terms = (s.splitlines() for s in sections[1:])
    assert timeline[0] == labels.TIMELINE_HEADING and background[0] == labels.BACKGROUND_HEADING
    assert [line.split(" (")[0] for line in timeline[1:]] == [SHOWN[e.text][0] for e in STORY]
    assert [line.split(" (")[0] for line in background[1:]] == [SHOWN[e.text][0] for e in BACKGROUND]
    assert timeline[1].endswith(" — الجزيرة نت، إيلاف")  # every outlet that reports the event
    assert terms[1:] == [f"{heading}: {'، '.join(names)}" for heading, names in BY_KIND]
    assert "2017-01-01" not in text and "2015-11-01" not in text


def test_text_without_background_has_no_background_heading() -> None:
    assert labels.BACKGROUND_HEADING not in render.to_text(summary(STORY))
    only = render.to_text(summary(BACKGROUND)).split("\n\n")
    assert only[1] == labels.TIMELINE_HEADING  # the section stays, empty of the story's own events
    assert only[2].startswith(labels.BACKGROUND_HEADING + "\n")


def test_markdown_shows_each_date_at_its_precision_and_the_background_under_its_heading() -> None:
    md = render.to_markdown(summary())
    lines = md.splitlines()
    dates = [m.group(1) for line in lines if (m := re.match(r"- \*\*(.+?)\*\* \(", line))]
    assert dates == [SHOWN[e.text][0] for e in STORY + BACKGROUND]
    background = lines.index(f"### {labels.BACKGROUND_HEADING}")
    assert lines.index(f"## {labels.TIMELINE_HEADING}") < background
    after = [m.group(1) for line in lines[background:] if (m := re.match(r"- \*\*(.+?)\*\* \(", line))]
    assert after == [SHOWN[e.text][0] for e in BACKGROUND]
    for heading, names in BY_KIND:
        start = lines.index(f"### {heading}")
        assert [line.split("**")[1] for line in lines[start + 2 : start + 2 + len(names)]] == names
    assert "2017-01-01" not in md


def test_json_keeps_the_first_day_with_its_granularity_and_marks_background() -> None:
    doc = render.to_dict(summary())
    assert [(e["date"], e["granularity"], e["background"]) for e in doc["timeline"]] == [
        ("2017-04-04", "day", False), ("2017-04-01", "month", False), ("2017-01-01", "year", False),
        ("2015-01-01", "year", True), ("2015-11-01", "month", True),
    ]
    assert doc["timeline"][3]["end_date"] == "2016-12-31"
    assert [t["kind"] for t in doc["key_terms"]] == [t.kind for t in TERMS]  # data order unchanged


class Page(HTMLParser):
    """The <time> elements of a page, each with the id of the section (and sub-section) it is in."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.times: list[tuple[str, str, str]] = []  # (section path, datetime, text)
        self.headings: list[str] = []
        self._time: dict[str, str] | None = None
        self._heading = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section":
            self.sections.append(a.get("id") or a.get("class") or "")
        elif tag == "time":
            self._time = {"datetime": a.get("datetime", ""), "text": ""}
        elif tag == "h3":
            self._heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.sections.pop()
        elif tag == "time" and self._time is not None:
            self.times.append(("/".join(self.sections), self._time["datetime"], self._time["text"]))
            self._time = None
        elif tag == "h3":
            self._heading = False

    def handle_data(self, data: str) -> None:
        if self._time is not None:
            self._time["text"] += data
        if self._heading:
            self.headings[-1] += data


def test_html_page_puts_the_period_in_time_datetime_and_the_background_in_its_own_section() -> None:
    page = Page(render.to_html(summary()))
    events = [t for t in page.times if t[0].startswith("timeline")]
    assert events == [
        ("timeline", SHOWN[e.text][1], SHOWN[e.text][0]) for e in STORY
    ] + [("timeline/background", SHOWN[e.text][1], SHOWN[e.text][0]) for e in BACKGROUND]
    assert labels.BACKGROUND_HEADING in page.headings
    assert [h for h in page.headings if h in dict(BY_KIND)] == [h for h, _ in BY_KIND]


def test_html_page_terms_are_listed_under_their_kind() -> None:
    html = render.to_html(summary())
    for heading, names in BY_KIND:
        block = html.split(f'<h3 class="kind-heading">{heading}</h3>', 1)[1].split("</ul>", 1)[0]
        assert re.findall(r'<span dir="auto">(.*?)</span>', block) == names


def story_record() -> dict:
    doc = render.to_dict(summary())
    timeline, actors = doc.pop("timeline"), doc.pop("key_terms")
    return {
        "story_id": "s-0123456789abcdef", "title": LINES[0], "first_date": "2017-04-04",
        "last_date": "2017-04-04", "n_articles": 2, "n_duplicates": 0, "outlets": ["الجزيرة نت", "إيلاف"],
        "articles": [{**a, "text": None} for a in doc["articles"]], "summary": doc,
        "timeline": timeline, "actors": actors,
    }


def test_story_page_shows_periods_background_and_actors_by_kind() -> None:
    page = Page(stories_output.story_page(story_record()))
    events = [t for t in page.times if t[0].startswith("timeline")]
    story = [(SHOWN[e.text][1], SHOWN[e.text][0]) for e in STORY]
    background = [(SHOWN[e.text][1], SHOWN[e.text][0]) for e in BACKGROUND]
    assert [(d, t) for w, d, t in events if "background" not in w] == story
    assert [(d, t) for w, d, t in events if "background" in w] == background
    assert labels.BACKGROUND_HEADING in page.headings
    assert [h for h in page.headings if h in dict(BY_KIND)] == [h for h, _ in BY_KIND]


def test_story_page_reads_a_record_written_before_background_existed() -> None:
    record = story_record()
    for e in record["timeline"]:
        del e["background"]
    page = Page(stories_output.story_page(record))
    assert labels.BACKGROUND_HEADING not in page.headings
    assert ("2017", "2017") in [(d, t) for _, d, t in page.times]


def test_stories_digest_shows_periods_marks_background_and_groups_actors(tmp_path: Path) -> None:
    path = tmp_path / "stories.jsonl"
    path.write_text(json.dumps(story_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    lines = stories_output.digest(path).splitlines()
    dated = [line.strip() for line in lines
             if not line.startswith("==") and any(line.endswith(": " + e.text) for e in STORY + BACKGROUND)]
    assert dated == [f"{SHOWN[e.text][0]}: {e.text}" for e in STORY] + [
        f"{labels.BACKGROUND_HEADING}: {SHOWN[e.text][0]}: {e.text}" for e in BACKGROUND
    ][: stories_output.DIGEST_EVENTS - len(STORY)]
    assert lines[-1].strip() == "؛ ".join(f"{h}: {'، '.join(names)}" for h, names in BY_KIND)
