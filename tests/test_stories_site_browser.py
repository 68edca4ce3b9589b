"""The stories site in a real browser (Debian chromium via Playwright), opened from ``file://`` as a
reader who unpacked it would: right to left, keyboard navigation, the title search and its outlet filter,
the events timeline of a story page, and no script from article text running anywhere.

Skips (fails in CI) like test_browser.py when chromium or playwright is missing.  Screenshots go to
``artifacts/browser/`` (the ones in docs/img/ were taken from these).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from khulasa.stories import StoryOptions, build_stories, output
from khulasa.stories.site import page_name
from tests.conftest import EXAMPLE_DIR
from tests.test_browser import ARTIFACTS
from tests.test_stories_site import XSS, make_record, write_jsonl

pytestmark = pytest.mark.browser

EXAMPLE_OUTLETS = ["skynews", "bbc", "france24", "alarabia", "cnn"]
STREAM = Path(__file__).parent / "data" / "stories" / "stream.jsonl"


def example_tree() -> dict[str, Any]:
    """The example cluster as one story with two events (its two meetings), each event's summary the
    one the stories engine makes for it: the record shape story trees will give."""
    from khulasa.models import Article

    metadata = json.loads((EXAMPLE_DIR / "metadata.json").read_text(encoding="utf-8"))
    articles = [Article(id=p.stem, text=p.read_text(encoding="utf-8"), source=outlet,
                        date=metadata[p.stem]["date"], url=f"https://example.com/{p.stem}")
                for p, outlet in zip(sorted(EXAMPLE_DIR.glob("*.txt")), EXAMPLE_OUTLETS, strict=True)]
    meetings = [s.to_dict() for s in build_stories(articles, StoryOptions(clusterer="flat"))]  # a story each
    assert len(meetings) == 2
    first, second = meetings
    record = dict(first)
    record.update(story_id="s-example-tree", last_date=second["last_date"],
                  n_articles=first["n_articles"] + second["n_articles"],
                  outlets=first["outlets"] + [o for o in second["outlets"] if o not in first["outlets"]],
                  articles=first["articles"] + second["articles"],
                  timeline=first["timeline"] + second["timeline"])
    record["events"] = [
        {"event_id": f"e-{n}", "title": m["title"], "first_date": m["first_date"], "last_date": m["last_date"],
         "outlets": m["outlets"], "articles": [a["id"] for a in m["articles"]],
         "summary": {"sentences": m["summary"]["sentences"][:3]}}
        for n, m in enumerate(meetings, start=1)
    ]
    return record


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("site")
    records = [example_tree()]
    records += [make_record(f"s-day{i}", f"خبر عن الانتخابات رقم {i}" if i % 2 else f"خبر عن الطقس رقم {i}",
                            [(f"2018-06-{1 + i % 9:02d}", ["skynews", "cnn", "alarabia"][i % 3])] * (1 + i % 4))
                for i in range(30)]
    records.append(make_record("s-evil", "الانتخابات " + XSS, [("2018-06-09", "<b>outlet</b>")]))
    stories = write_jsonl(tmp / "stories.jsonl", records)
    output.publish_html(stories, str(tmp / "site"), {"articles": 71, "duplicates": 0, "skipped": 0}, ["r"])
    return tmp / "site"


@pytest.fixture(scope="module")
def showcase(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the stories test stream plus the example as a story tree: what docs/img shows."""
    from khulasa.cli import main

    tmp = tmp_path_factory.mktemp("showcase")
    stories = tmp / "stories.jsonl"
    assert main(["stories", str(STREAM), "-o", str(stories), "-q"]) == 0
    with open(stories, "a", encoding="utf-8") as f:
        f.write(json.dumps(example_tree(), ensure_ascii=False) + "\n")
    output.publish_html(stories, str(tmp / "site"), {"articles": 20, "duplicates": 1, "skipped": 0}, ["r"])
    return tmp / "site"


def results(page: Any) -> list[str]:
    return page.locator("#search-results a.title").all_text_contents()


def test_index_is_right_to_left_latest_first_and_searchable_from_file_urls(page, site):
    from playwright.sync_api import expect

    page.goto((site / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    titles = page.locator("#listing a.title").all_text_contents()
    assert len(titles) == 32
    # the latest day (2018-06-09) first, growing stories before one-article ones, then by size and id
    assert titles[:4] == ["خبر عن الطقس رقم 26", "خبر عن الانتخابات رقم 17", "خبر عن الطقس رقم 8",
                          "الانتخابات " + XSS]
    expect(page.locator("#search")).to_be_visible()  # the script ran under the CSP, from file://

    page.locator("#q").focus()
    page.keyboard.type("إنتخابات")  # with a hamza: the search folds alef forms, so it finds الانتخابات
    expect(page.locator("#search-status")).to_have_text("16 نتيجة.")
    assert all("الانتخابات" in t for t in results(page)) and len(results(page)) == 16
    expect(page.locator("#listing")).to_be_hidden()

    page.select_option("#search-outlet", label="سكاي نيوز عربية")
    expect(page.locator("#search-status")).to_have_text("5 نتائج.")
    page.keyboard.press("Escape")
    expect(page.locator("#listing")).to_be_visible()
    expect(page.locator("#search-results")).to_be_hidden()


def test_keyboard_alone_reaches_a_story_from_the_search(page, site):
    from playwright.sync_api import expect

    page.goto((site / "index.html").as_uri())
    page.locator("#q").focus()
    page.keyboard.type("الطقس رقم 28")
    expect(page.locator("#search-results a.title")).to_have_count(1)
    page.keyboard.press("Tab")  # the outlet filter
    assert page.evaluate("document.activeElement.id") == "search-outlet"
    page.keyboard.press("Tab")  # the first result
    assert page.evaluate("document.activeElement.textContent") == "خبر عن الطقس رقم 28"
    page.keyboard.press("Enter")
    page.wait_for_url("**/stories/s-day28.html")
    assert page.locator("h1").text_content() == "خبر عن الطقس رقم 28"


def test_story_page_shows_its_events_as_a_vertical_timeline(page, site):
    page.goto((site / "stories" / page_name("s-example-tree")).as_uri())
    events = page.locator("ol.events > li")
    assert events.count() == 2
    first, second = (events.nth(i).bounding_box() for i in range(2))
    assert second["y"] > first["y"] + first["height"] - 1  # one under the other, in time order
    assert "2016-10-10" in events.nth(0).text_content() and "2017-03-10" in events.nth(1).text_content()
    assert events.nth(0).locator("ul.event-summary > li").count() >= 1
    badges = events.nth(0).locator("ul.event-summary .badge").all_text_contents()
    assert badges and set(badges) <= {"سكاي نيوز عربية", "بي بي سي عربي", "فرانس 24", "العربية",
                                      "سي إن إن بالعربية"}
    rail = page.evaluate("getComputedStyle(document.querySelector('ol.events')).borderRightWidth")
    assert rail == "3px"  # the timeline's rail is on the right: the start side in RTL
    assert page.locator("#timeline-heading").text_content() == "الخط الزمني: تواريخ في خلفية القصة"


def test_markup_from_titles_and_outlets_stays_inert_on_every_page(page, site):
    from playwright.sync_api import expect

    page.goto((site / "index.html").as_uri())
    page.locator("#q").focus()
    page.keyboard.type("onerror")
    expect(page.locator("#search-results a.title")).to_have_count(1)  # rendered by the search script
    assert page.evaluate("window.__xss") is None
    assert page.locator("img, #search-results script").count() == 0
    page.locator("#search-results a.title").click()
    page.wait_for_url("**/stories/s-evil.html")
    assert page.evaluate("window.__xss") is None and page.locator("img, b").count() == 0
    assert XSS in page.locator("h1").text_content()
    for name in ["days/2018-06-09.html", "outlets/index.html", "days/index.html"]:
        page.goto((site / name).as_uri())
        assert page.evaluate("window.__xss") is None and page.locator("img").count() == 0


def test_screenshots_of_the_index_the_search_and_a_story_tree(page, showcase):
    """The screenshots in docs/img: look at them after a change to the templates."""
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto((showcase / "index.html").as_uri())
    first = page.locator("#listing a.title").first
    assert first.text_content() in {"أوبك تقرر زيادة إنتاج النفط في اجتماع فيينا",
                                    "تراجع أسعار النفط بعد قرار أوبك زيادة الإنتاج"}  # 2018-06-23: the latest
    page.screenshot(path=str(ARTIFACTS / "stories-index.png"))
    page.locator("#q").focus()
    page.keyboard.type("النفط")
    # the two OPEC meetings, March and June, are one story of two events (the trees: the default)
    expect(page.locator("#search-results a.title")).to_have_count(1)
    expect(page.locator("#search-status")).to_have_text("نتيجة واحدة.")
    page.screenshot(path=str(ARTIFACTS / "stories-search.png"))
    page.goto((showcase / "stories" / page_name("s-example-tree")).as_uri())
    assert page.locator("ol.events > li").count() == 2
    height = min(1600, page.evaluate("document.documentElement.scrollHeight"))  # summary, events, dates
    page.screenshot(path=str(ARTIFACTS / "stories-story.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1200, "height": height})
    page.goto((showcase / "days" / "index.html").as_uri())
    page.screenshot(path=str(ARTIFACTS / "stories-days.png"))
