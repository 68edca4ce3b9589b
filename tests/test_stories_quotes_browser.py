"""Who said what and the outlet comparison on the story pages, in a real browser (Debian chromium via
Playwright, from ``file://``): the panel groups the quotes by speaker as the record does, right to left,
"only in" and "outlets differ" call-outs show with outlet names, and markup inside a quote, a speaker's
name or an outlet stays text (no script from article text runs).

Skips (fails in CI) like test_browser.py when chromium or playwright is missing.  The screenshot goes to
``artifacts/browser/stories-quotes.png`` (docs/img/stories-quotes.png was taken from it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import khulasa
from khulasa.models import Article
from khulasa.stories import StoryOptions, build_stories, output
from khulasa.stories.site import page_name
from tests.conftest import EXAMPLE_DIR
from tests.test_browser import ARTIFACTS
from tests.test_stories_quotes import toll_story
from tests.test_stories_site import XSS, write_jsonl

pytestmark = pytest.mark.browser

EXAMPLE_OUTLETS = ["skynews", "bbc", "france24", "alarabia", "cnn"]
VOICED = StoryOptions(clusterer="trees", quotes=True, compare=True)
EVIL_QUOTE = ('وقال المتحدث أشرف القدرة: «<script>window.__xss = "quote"</script><img src=x '
              'onerror="window.__xss = 1"> المستشفيات تعاني نقصا حادا في الأدوية».')


def example_record() -> dict[str, Any]:
    """The example cluster as the engine writes it with --quotes --compare: one story, two events."""
    metadata = json.loads((EXAMPLE_DIR / "metadata.json").read_text(encoding="utf-8"))
    articles = [Article(id=p.stem, text=p.read_text(encoding="utf-8"), source=outlet, date=metadata[p.stem]["date"])
                for p, outlet in zip(sorted(EXAMPLE_DIR.glob("*.txt")), EXAMPLE_OUTLETS, strict=True)]
    (story,) = build_stories(articles, VOICED)
    return story.to_dict()


def evil_record() -> dict[str, Any]:
    """The rising-toll story, one article quoting markup, and markup put into a speaker and an outlet."""
    record = toll_story()
    (story,) = build_stories([Article(id="evil", text=EVIL_QUOTE, source="<b>outlet</b>")], VOICED)
    evil = story.to_dict()
    record.update(story_id="s-00000000000000ee")
    record["quotes"] = record["quotes"] + [{**q, "id": 100 + q["id"], "speaker_id": 100} for q in evil["quotes"]]
    record["speakers"] = record["speakers"] + [{**evil["speakers"][0], "id": 100, "name": XSS}]
    record["comparison"]["exclusive"][0]["outlet"] = XSS
    return record


def named_record() -> dict[str, Any]:
    """A story whose summary gives a pure reporting frame its speaker's name, one outlet alone reporting it
    (tests/test_readable.py's fixture: markup in the sentence)."""
    from tests.test_readable import _only_cnn_named

    (story,) = build_stories(_only_cnn_named(), StoryOptions(compare=True, words=25))
    return {**story.to_dict(), "story_id": "s-00000000000000aa"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("voices-site")
    stories = write_jsonl(tmp / "stories.jsonl", [example_record(), evil_record(), named_record()])
    output.publish_html(stories, str(tmp / "site"), {"articles": 9, "duplicates": 0, "skipped": 0}, ["r"])
    return tmp / "site"


def story_url(site: Path, story_id: str) -> str:
    return (site / "stories" / page_name(story_id)).as_uri()


def test_the_who_said_what_panel_groups_the_record_quotes_by_speaker_right_to_left(page, site):
    from playwright.sync_api import expect

    record = example_record()
    page.goto(story_url(site, record["story_id"]))
    panel = page.locator("#quotes")
    expect(panel).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('#quotes')).direction") == "rtl"
    headings = panel.locator(".speaker h3 bdi").all_text_contents()
    named = [s["name"] for s in record["speakers"]]
    assert headings[: len(named)] == named and headings[0] == "فلاديمير بوتين"
    first = panel.locator(".speaker").first
    assert first.locator("ul.quotes > li").count() == record["speakers"][0]["n_quotes"]
    assert panel.locator("ul.quotes > li").count() == len(record["quotes"])
    # right to left: a speaker's name starts at the right edge of its box
    box, name = first.bounding_box(), first.locator("h3").bounding_box()
    assert box["x"] + box["width"] - (name["x"] + name["width"]) < 40
    # the sources carry outlet names and link to the sources table
    links = first.locator("ul.quotes > li").first.locator(".outlets a")
    assert links.first.text_content() in {"سكاي نيوز عربية", "بي بي سي عربي", "فرانس 24", "العربية",
                                          "سي إن إن بالعربية"}
    target = links.first.get_attribute("href")
    assert page.locator(target).count() == 1


def test_only_in_and_outlets_differ_call_outs_show_with_their_outlets(page, site):
    from playwright.sync_api import expect

    record = example_record()
    page.goto(story_url(site, record["story_id"]))
    only = page.locator("#summary-heading ~ ol.sentences .callout.only-in")
    assert only.count() == len(record["comparison"]["exclusive"]) >= 1
    assert all(t.startswith("فقط في ") and "skynews" not in t for t in only.all_text_contents())
    expect(page.locator("#compare")).to_be_visible()
    strips = page.locator("ol.sentences > li ul.strip")  # one cell per outlet, lit where it reports the sentence
    assert strips.count() == len(record["summary"]["sentences"])
    for strip, sentence in zip(strips.all(), record["summary"]["sentences"], strict=True):
        assert strip.locator("li").count() == len(record["comparison"]["outlets"])
        assert strip.locator("li.on").count() == len({sp["source"] for sp in sentence["sources"]})

    page.goto(story_url(site, "s-00000000000000ee"))
    differ = page.locator("#compare .callout.disagreement")
    expect(differ).to_have_count(1)
    assert differ.locator(".reading .value").all_text_contents() == ["25", "40", "58"]
    assert differ.locator(".reading .outlets bdi").all_text_contents() == ["الف", "باء", "جيم"]


def test_markup_inside_quotes_speakers_and_outlets_stays_text(page, site):
    page.goto(story_url(site, "s-00000000000000ee"))
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img, main script, main b").count() == 0
    panel = page.locator("#quotes")
    assert XSS in panel.locator(".speaker h3 bdi").all_text_contents()
    quotes = panel.locator(".quote-text").all_text_contents()
    assert any("</script>" in q and "<img" in q for q in quotes)  # the article's markup, shown as text
    assert XSS in page.locator("#compare").text_content()


def test_screenshot_of_a_story_page_with_who_said_what(page, site):
    """docs/img/stories-quotes.png: look at it after a change to the templates."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    record = example_record()
    page.goto(story_url(site, record["story_id"]))
    top = page.evaluate("document.querySelector('#summary-heading').getBoundingClientRect().top + window.scrollY")
    page.screenshot(path=str(ARTIFACTS / "stories-quotes.png"), full_page=True,
                    clip={"x": 0, "y": max(0, top - 20), "width": 1200, "height": 1800})
    assert khulasa.__version__


def test_an_inserted_speakers_name_is_marked_in_the_summary_and_in_only_in(page, site):
    from playwright.sync_api import expect

    page.goto(story_url(site, "s-00000000000000aa"))
    for where in ("ol.sentences > li > span", "#compare .callout.only-in span"):
        ins = page.locator(f"{where} ins.inserted")
        expect(ins).to_have_count(1)
        expect(ins).to_be_visible()
        assert ins.text_content() == "جون سميث"
        assert ins.evaluate("el => getComputedStyle(el).borderBottomStyle") == "dashed"
        assert "<b>العامة</b>" in page.locator(where).filter(has=page.locator("ins.inserted")).text_content()  # markup stays text
    assert page.locator("main b").count() == 0


def test_each_event_shows_its_own_coverage_and_folds_its_who_said_what_under_it(page, site):
    from playwright.sync_api import expect

    record = example_record()
    page.goto(story_url(site, record["story_id"]))
    assert page.evaluate("new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size") == \
        page.locator("[id]").count()  # each event's panels have their own ids
    items = page.locator("ol.events > li")
    assert items.count() == len(record["events"]) == 2
    for n, (item, event) in enumerate(zip(items.all(), record["events"], strict=True), start=1):
        strips = item.locator("ul.event-summary > li ul.strip")
        assert strips.count() == len(event["summary"]["sentences"])
        for strip, sentence in zip(strips.all(), event["summary"]["sentences"], strict=True):
            assert strip.locator("li").count() == len(event["comparison"]["outlets"])
            assert strip.locator("li.on").count() == len({sp["source"] for sp in sentence["sources"]})
        only = item.locator("ul.event-summary .callout.only-in")
        unit_ids = {s["unit_id"] for s in event["summary"]["sentences"]}
        assert only.count() == sum(e["unit_id"] in unit_ids for e in event["comparison"]["exclusive"])
        # folded: the event's quotes are there but hidden until the reader opens them, by keyboard too
        panel = item.locator(f"#event-{n}-quotes")
        expect(panel).to_be_hidden()
        item.locator("details.event-voices > summary").focus()
        page.keyboard.press("Enter")
        expect(panel).to_be_visible()
        named = {s["id"]: s["name"] for s in event["speakers"]}
        assert panel.locator(".speaker h5 bdi").all_text_contents() == [named[s["id"]] for s in event["speakers"]]
        assert panel.locator("ul.quotes > li").count() == len(event["quotes"])
        assert panel.locator(".speaker h5").count() == len(event["speakers"])  # one level under the event's h4
        expect(item.locator(f"#event-{n}-compare")).to_be_visible()
        # a quote's sources link to the story's sources table
        target = panel.locator(".outlets a").first.get_attribute("href")
        assert page.locator(target).count() == 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first = items.first
    first.screenshot(path=str(ARTIFACTS / "stories-event-voices.png"))
