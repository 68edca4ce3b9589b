"""The HTML site of ``khulasa stories -f html``: latest first, days, outlets, bounded pages, title search
data, the events timeline on story pages (with and without ``events``), readable outlet names, and no
script but the site's own.  Records are constructed here; the browser side is test_stories_site_browser.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from khulasa.stories import output
from khulasa.stories.site import PAGE_SIZE, count_words, listing, page_name, story_page
from khulasa.stories.site.outlets import outlet_map, outlet_name, outlet_slug, parse_outlet_map

XSS = '<script>window.__xss = "title"</script><img src=x onerror="window.__xss = \'img\'">'


def sentence(text: str, *spans: tuple[str, str]) -> dict[str, Any]:
    return {"text": text, "sources": [{"article_id": a, "source": s, "start": 0, "end": len(text)}
                                      for a, s in spans],
            "score": 1.0, "unit_id": 0, "article_id": spans[0][0]}


def make_record(story_id: str, title: str, articles: list[tuple[str, str]], *,
                events: list[dict[str, Any]] | None = None, timeline: bool = True) -> dict[str, Any]:
    """A story record of the documented shape; ``articles`` are (date, outlet) pairs."""
    arts = [{"id": f"{story_id}-a{i}", "source": outlet, "title": f"{title} {i}", "date": date,
             "url": f"https://example.com/{story_id}/{i}", "duplicate_of": None, "similarity": 1.0}
            for i, (date, outlet) in enumerate(articles)]
    counts: dict[str, int] = {}
    for a in arts:
        counts[a["source"]] = counts.get(a["source"], 0) + 1
    dates = sorted(a["date"] for a in arts)
    record: dict[str, Any] = {
        "story_id": story_id, "title": title, "first_date": dates[0], "last_date": dates[-1],
        "n_articles": len(arts), "n_duplicates": 0,
        "outlets": sorted(counts, key=lambda o: (-counts[o], o)), "articles": arts,
        "summary": {"sentences": [sentence(f"ملخص {title}.", (arts[0]["id"], arts[0]["source"]))]},
        "timeline": [{"date": dates[0], "end_date": None, "granularity": "day", "expression": "أمس",
                      "text": f"تاريخ في خلفية {title}.",
                      "sources": [{"article_id": arts[0]["id"], "source": arts[0]["source"],
                                   "start": 0, "end": 3}]}] if timeline else [],
        "actors": [],
    }
    if events is not None:
        record["events"] = events
    return record


def event(event_id: str, title: str, first: str, last: str, record_articles: list[dict[str, Any]],
          text: str) -> dict[str, Any]:
    ids = [a["id"] for a in record_articles]
    outlets = list(dict.fromkeys(a["source"] for a in record_articles))
    return {"event_id": event_id, "title": title, "first_date": first, "last_date": last, "outlets": outlets,
            "articles": ids, "summary": {"sentences": [sentence(text, *((a["id"], a["source"])
                                                                         for a in record_articles))]}}


def story_with_events() -> dict[str, Any]:
    record = make_record("s-events", "قمة بوتين وأردوغان", [("2018-04-03", "skynews"), ("2018-04-03", "BBC"),
                                                            ("2018-04-04", "cnn"), ("2018-09-17", "skynews")])
    a = record["articles"]
    record["events"] = [
        event("e-1", "القمة الأولى في أنقرة", "2018-04-03", "2018-04-04", a[:3],
              "التقى الرئيسان في أنقرة وبحثا محطة أكويو النووية."),
        event("e-2", "اتفاق سوتشي حول إدلب", "2018-09-17", "2018-09-17", a[3:],
              "اتفق الرئيسان في سوتشي على منطقة منزوعة السلاح في إدلب."),
    ]
    return record


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def build(tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    site = tmp_path / "site"
    output.publish_html(write_jsonl(tmp_path / "stories.jsonl", records), str(site), {"articles": 1,
                        "duplicates": 0, "skipped": 0}, ["report"])
    return site


def story_links(html: str) -> list[str]:
    return re.findall(r'<a class="title" href="(?:\.\./)?stories/([^"]+)"', html)


# --- outlet names ---------------------------------------------------------------------------------


def test_packaged_outlet_map_names_the_ant_outlets_case_insensitively():
    assert outlet_name("skynews") == "سكاي نيوز عربية"
    assert outlet_name("BBC") == outlet_name("bbc") == "بي بي سي عربي"
    assert {"skynews", "alarabia", "bbc", "cnn", "france24"} <= set(outlet_map())
    assert outlet_name("وكالة محلية") == "وكالة محلية"  # not in the map: shown as it is
    assert outlet_name(None) == ""


@pytest.mark.parametrize("text, message", [
    ("skynews سكاي", "expected 'id<TAB>name'"),
    ("skynews\t", "expected 'id<TAB>name'"),
    ("a\tb\tc", "expected 'id<TAB>name'"),
    ("bbc\tأ\nBBC\tب", "given twice"),
])
def test_a_malformed_outlet_map_names_the_line(text, message):
    with pytest.raises(ValueError, match=message):
        parse_outlet_map(text, where="outlets.tsv")


def test_outlet_slugs_are_safe_file_names_and_distinct():
    slugs = {outlet_slug(o) for o in ["skynews", "SkyNews", "../x", "وكالة", "وكالة أخرى"]}
    assert len(slugs) == 5
    assert all(re.fullmatch(r"[a-z0-9]*-[0-9a-f]{8}", s) for s in slugs)


@pytest.mark.parametrize("n, shown", [
    (1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (10, "10 مقالات"), (11, "11 مقالًا"), (63, "63 مقالًا"),
    (100, "100 مقال"), (102, "102 مقال"), (105, "105 مقالات"), (286, "286 مقالًا"),
])
def test_counts_use_the_arabic_counted_noun(n, shown):
    assert count_words(n, "article") == shown


# --- ranking, days, pages -------------------------------------------------------------------------


def test_latest_first_then_growth_then_size_and_undated_last(tmp_path):
    old_big = make_record("s-old", "قديمة كبيرة", [("2018-05-01", "cnn")] * 9)
    new_one = make_record("s-new1", "جديدة من مقال", [("2018-05-10", "cnn")])
    growing = make_record("s-grow", "جديدة تكبر", [("2018-05-01", "cnn"), ("2018-05-09", "bbc"),
                                                   ("2018-05-10", "bbc"), ("2018-05-10", "cnn")])
    stale = make_record("s-stale", "انتهت اليوم بعد أسبوع", [("2018-05-03", "cnn")] * 5 + [("2018-05-10", "bbc")])
    undated = make_record("s-undated", "بلا تاريخ", [("2018-05-01", "cnn")])
    undated.update(first_date=None, last_date=None)
    for a in undated["articles"]:
        a["date"] = None
    briefs = listing.read_briefs(write_jsonl(tmp_path / "s.jsonl", [old_big, new_one, growing, stale, undated]))
    assert [b.story_id for b in briefs] == ["s-grow", "s-stale", "s-new1", "s-old", "s-undated"]
    grow = briefs[0]
    assert grow.growth == 3 and grow.developing
    assert briefs[1].growth == 1 and not briefs[1].developing


def test_a_story_that_grew_at_its_end_long_before_the_newest_day_is_not_developing(tmp_path):
    past = make_record("s-past", "نمت ثم انتهت", [("2018-01-01", "cnn"), ("2018-01-05", "cnn"), ("2018-01-05", "bbc")])
    now = make_record("s-now", "تنمو الآن", [("2018-05-08", "cnn"), ("2018-05-10", "cnn"), ("2018-05-10", "bbc")])
    briefs = {b.story_id: b for b in listing.read_briefs(write_jsonl(tmp_path / "s.jsonl", [past, now]))}
    assert briefs["s-past"].growth == briefs["s-now"].growth == 2
    assert briefs["s-now"].developing and not briefs["s-past"].developing


def test_list_pages_hold_at_most_page_size_stories_and_link_every_story_once(tmp_path):
    n = 2 * PAGE_SIZE + 7
    records = [make_record(f"s-{i:04d}", f"قصة رقم {i}", [(f"2018-05-{1 + i % 28:02d}", "skynews")])
               for i in range(n)]
    site = build(tmp_path, records)
    names = ["index.html", "index-p2.html", "index-p3.html"]
    assert sorted(p.name for p in site.glob("index*.html")) == sorted(names)
    seen = []
    for name in names:
        html = (site / name).read_text(encoding="utf-8")
        links = story_links(html)
        assert len(links) <= PAGE_SIZE
        seen += links
        pager = html[html.index('<nav class="pager"'):]
        for other in names:  # every page links every other page of its list
            assert (f'href="{other}"' in pager) != (other == name)
    assert sorted(seen) == sorted(page_name(r["story_id"]) for r in records)
    assert len(list((site / "stories").iterdir())) == n
    outlet_pages = sorted(p.name for p in (site / "outlets").glob(f"{outlet_slug('skynews')}*.html"))
    assert len(outlet_pages) == 3


def test_each_day_has_a_page_of_the_stories_with_an_article_that_day(tmp_path):
    two_days = make_record("s-two", "قصة يومين", [("2018-06-01", "cnn"), ("2018-06-02", "bbc"),
                                                  ("2018-06-02", "bbc")])
    one_day = make_record("s-one", "قصة يوم", [("2018-06-02", "cnn")])
    site = build(tmp_path, [two_days, one_day])
    day1 = (site / "days" / "2018-06-01.html").read_text(encoding="utf-8")
    day2 = (site / "days" / "2018-06-02.html").read_text(encoding="utf-8")
    assert story_links(day1) == ["s-two.html"]
    assert story_links(day2) == ["s-two.html", "s-one.html"]  # most articles that day first
    assert "مقالان في هذا اليوم" in day2
    days = (site / "days" / "index.html").read_text(encoding="utf-8")
    assert days.index('href="2018-06-02.html"') < days.index('href="2018-06-01.html"')


def test_outlet_pages_list_only_that_outlets_stories_under_its_readable_name(tmp_path):
    sky = make_record("s-sky", "خبر سكاي", [("2018-06-01", "skynews")])
    both = make_record("s-both", "خبر مشترك", [("2018-06-02", "skynews"), ("2018-06-02", "france24")])
    site = build(tmp_path, [sky, both])
    page = (site / "outlets" / f"{outlet_slug('france24')}.html").read_text(encoding="utf-8")
    assert story_links(page) == ["s-both.html"] and "<h1 dir=\"auto\">فرانس 24</h1>" in page
    sky_page = (site / "outlets" / f"{outlet_slug('skynews')}.html").read_text(encoding="utf-8")
    assert story_links(sky_page) == ["s-both.html", "s-sky.html"]
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "سكاي نيوز عربية" in index and f'href="outlets/{outlet_slug("skynews")}.html"' in index
    table = (site / "outlets" / "index.html").read_text(encoding="utf-8")
    assert "<code>skynews</code>" in table  # the raw id stays visible next to the name


def test_search_data_lists_every_story_latest_first_with_raw_and_readable_outlets(tmp_path):
    records = [make_record("s-a", "عنوان " + XSS, [("2018-06-01", "skynews")]),
               make_record("s-b", "عنوان آخر", [("2018-06-03", "cnn"), ("2018-06-03", "skynews")])]
    site = build(tmp_path, records)
    text = (site / "assets" / "search-data.js").read_text(encoding="utf-8")
    prefix = "window.khulasaSearch = "
    assert text.startswith(prefix) and text.endswith(";\n")
    data = json.loads(text[len(prefix):-2])
    assert [row[0] for row in data["stories"]] == ["s-b.html", "s-a.html"]
    assert data["stories"][1][1] == "عنوان " + XSS  # data, never markup: search.js uses textContent
    assert dict(map(tuple, data["outlets"])) == {"cnn": "سي إن إن بالعربية", "skynews": "سكاي نيوز عربية"}
    assert (site / "assets" / "search.js").read_text(encoding="utf-8").count("innerHTML") == 0
    json_records = (tmp_path / "stories.jsonl").read_text(encoding="utf-8")
    assert '"source": "skynews"' in json_records and "سكاي نيوز" not in json_records


# --- story pages ----------------------------------------------------------------------------------


def test_story_page_shows_events_as_a_timeline_with_summaries_and_badges():
    html = story_page(story_with_events())
    events = html[html.index('<ol class="events">'):html.index("</ol>", html.index('<ol class="events">'))]
    assert events.index("القمة الأولى في أنقرة") < events.index("اتفاق سوتشي حول إدلب")
    assert "التقى الرئيسان في أنقرة" in events and "منطقة منزوعة السلاح" in events
    assert events.count('<li id="event-') == 2
    assert '<time>2018-04-03 – 2018-04-04</time>' in events and "3 مقالات" in events
    assert 'title="skynews: s-events-a0"' in events and ">سكاي نيوز عربية</span>" in events
    assert "بي بي سي عربي" in events and "سي إن إن بالعربية" in events
    assert "الخط الزمني: تواريخ في خلفية القصة" in html and 'class="background"' in html
    assert html.index('id="events-heading"') < html.index('id="timeline-heading"')


def test_story_page_without_events_is_todays_page():
    record = make_record("s-plain", "قصة بلا أحداث", [("2018-04-03", "skynews"), ("2018-04-04", "aljazeera")])
    html = story_page(record)
    assert "events-heading" not in html and 'class="events"' not in html
    assert '<h2 id="timeline-heading">الخط الزمني</h2>' in html
    assert "الجزيرة" in html and "ملخص قصة بلا أحداث" in html
    assert story_page({**record, "events": []}) == html


def test_event_summary_as_a_plain_list_of_sentences_and_article_count_as_a_number():
    record = story_with_events()
    record["events"][0]["summary"] = record["events"][0]["summary"]["sentences"]
    record["events"][1]["articles"] = 1
    html = story_page(record)
    assert "التقى الرئيسان في أنقرة" in html and "مقال واحد<" in html


def test_markup_in_events_and_titles_is_escaped_and_only_the_site_script_is_loaded(tmp_path):
    record = story_with_events()
    record["title"] = XSS
    record["events"][0]["title"] = XSS
    record["events"][0]["summary"]["sentences"][0]["text"] = XSS
    record["events"][0]["outlets"] = ["<b>outlet</b>"]
    site = build(tmp_path, [record])
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html and "<img" not in html and "<b>" not in html, page
        scripts = re.findall(r"<script[^>]*>", html)
        if page.parent.name == "stories":
            assert scripts == [] and "script-src" not in html  # default-src 'none': no script at all
        else:
            assert scripts == [f'<script src="{"../" if page.parent != site else ""}assets/search.js" defer>']
            assert "script-src 'self';" in html
        assert "style-src 'self';" in html and "unsafe-inline" not in html
    assert "&lt;script&gt;" in (site / "stories" / "s-events.html").read_text(encoding="utf-8")
