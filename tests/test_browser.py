"""The web page in a real browser (Debian chromium driven by Playwright) against a real uvicorn server.

Needs ``apt-get install chromium fonts-noto-core`` and the ``playwright`` package; outside CI the tests
skip with the reason when either is missing, in CI (``CI`` set) they fail.  Screenshots go to
``artifacts/browser/``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_DIR, ROOT, missing

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts" / "browser"


def wait_for_count(page: Any, selector: str, n: int) -> None:
    """Wait until exactly ``n`` elements match.  Not ``page.wait_for_function("...")``: Playwright's
    in-page predicate ``eval``s that string, which the page's CSP (``script-src 'self'``) may block, and
    in one CI run did (EvalError: 'unsafe-eval').  A locator polls without eval."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_count(n)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    try:
        import uvicorn

        from khulasa.serve.app import create_app
        from khulasa.serve.settings import ServeSettings
    except ImportError as exc:
        missing(f"the [serve] extra is not installed: {exc}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(ServeSettings(port=port)), host="127.0.0.1", port=port,
                            log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ar", accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server + "/")
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def example_articles() -> list[dict[str, str]]:
    """The example cluster with the outlets and dates of its ``metadata.json``."""
    metadata = json.loads((EXAMPLE_DIR / "metadata.json").read_text(encoding="utf-8"))
    return [
        {"text": path.read_text(encoding="utf-8"), "source": metadata[path.stem]["source"],
         "date": metadata[path.stem]["date"]}
        for path in sorted(EXAMPLE_DIR.glob("*.txt"))
    ]


def paste(page: Any, articles: list[dict[str, str]]) -> None:
    while page.locator(".article-input").count() < len(articles):
        page.click("#add-article")
    for box, article in zip(page.locator(".article-input").all(), articles, strict=False):
        box.locator("textarea.text").fill(article["text"])
        box.locator("input.outlet").fill(article.get("source", ""))
        if article.get("date"):
            box.locator("input.date").fill(article["date"])


def summarize(page: Any) -> dict[str, Any]:
    with page.expect_response("**/v1/summarize") as response_info:
        page.click("#summarize")
    response = response_info.value
    assert response.ok, response.text()
    data = response.json()
    page.wait_for_selector("#result:not([hidden])")
    return data


SCROLLED_INTO_VIEW = """() => [...document.querySelectorAll("mark.active")].every((mark) => {
  const box = mark.parentElement.getBoundingClientRect();
  const top = mark.getBoundingClientRect().top;
  return top >= box.top - 1 && top < box.bottom;
})"""


def test_clicking_a_sentence_highlights_it_in_every_source_article(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    articles = example_articles()
    paste(page, articles)
    data = summarize(page)

    items = page.locator("#sentences > li")
    assert items.count() == len(data["sentences"]) > 0
    for item, sentence in zip(items.all(), data["sentences"], strict=True):
        assert item.locator(".text").text_content() == sentence["text"]
    assert [a["source"] for a in data["articles"]] == [a["source"] for a in articles]
    assert page.locator(".source-article").count() == len(articles)

    # the sentence reported by the most outlets, so the highlight spans several columns; among those the
    # one deepest into its articles, so each article's box has to scroll to show it
    index = max(
        range(len(data["sentences"])),
        key=lambda i: (len(data["sentences"][i]["sources"]), min(s["start"] for s in data["sentences"][i]["sources"])),
    )
    sentence = data["sentences"][index]
    outlets = {span["source"] for span in sentence["sources"]}
    badge = items.nth(index).locator(".badge")
    assert badge.text_content() == {1: "مصدر واحد", 2: "مصدران"}.get(len(outlets), f"{len(outlets)} مصادر")
    badge.click()

    assert items.nth(index).get_attribute("aria-pressed") == "true"
    highlighted = page.locator(".source-article.has-active")
    expected_ids = {span["article_id"] for span in sentence["sources"]}
    assert {a.get_attribute("data-article-id") for a in highlighted.all()} == expected_ids
    texts = {a["id"]: a["text"] for a in data["articles"]}
    marks = page.locator("mark.active")
    shown = sorted(
        (m.evaluate("m => m.closest('.source-article').dataset.articleId"), m.text_content()) for m in marks.all()
    )
    assert shown == sorted(
        (span["article_id"], texts[span["article_id"]][span["start"] : span["end"]]) for span in sentence["sources"]
    )
    page.screenshot(path=str(ARTIFACTS / "summary.png"), full_page=True)
    # each article's own scroll box shows the highlighted sentence (also in the screenshot just taken)
    assert page.evaluate(SCROLLED_INTO_VIEW), "a highlighted sentence is scrolled out of its article's box"

    # clicking another sentence moves the highlight
    other = (index + 1) % len(data["sentences"])
    items.nth(other).click()
    assert page.locator("mark.active").count() == len(data["sentences"][other]["sources"])


def test_page_is_right_to_left_in_an_arabic_font(page):
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.fonts.check('16px \"Noto Naskh Arabic\"', 'خلاصة')"), (
        "Noto Naskh Arabic is not installed: apt-get install fonts-noto-core"
    )


def test_markup_in_articles_and_files_stays_inert_text(page, tmp_path):
    payloads = [
        '<script>window.__xss = "script"</script>',
        '<img src=x onerror="window.__xss = \'img\'">',
        '<svg onload="window.__xss = \'svg\'"></svg>',
    ]
    text = (
        "وصل الرئيس إلى العاصمة صباح اليوم في زيارة رسمية تستمر يومين " + payloads[0] + ".\n"
        "وقال المتحدث إن المحادثات تناولت التعاون الاقتصادي بين البلدين " + payloads[1] + ".\n"
        "وأضاف أن الجانبين وقعا اتفاقيات في مجالات الطاقة والنقل " + payloads[2] + "."
    )
    upload = tmp_path / "articles.json"
    upload.write_text(json.dumps([
        {"id": "<b>id</b>", "title": payloads[1], "url": "javascript:window.__xss='url'", "text": text,
         "source": '<img src=x onerror="window.__xss=\'source\'">'},
        {"text": text, "source": "وكالة"},
    ], ensure_ascii=False), encoding="utf-8")
    page.set_input_files("#files", str(upload))
    wait_for_count(page, ".article-input", 2)
    data = summarize(page)
    page.locator("#sentences > li").first.click()
    page.locator("mark").first.hover()

    assert page.evaluate("window.__xss") is None
    assert page.locator("#result img, #result script, #result svg, #articles img").count() == 0
    assert page.locator(".source-article a").count() == 0  # a javascript: url is never linked
    shown = page.locator("#sources").text_content()
    for payload in payloads:
        assert payload in shown
    assert data["articles"][0]["source"] in page.locator(".source-article h3").first.text_content()


def test_an_error_from_the_api_is_shown_in_the_page(page):
    paste(page, [{"text": "Only English text here. Nothing to summarize in Arabic."}])
    page.click("#summarize")
    error = page.locator("#error")
    error.wait_for(state="visible")
    assert "لم نجد نصًا عربيًا" in error.text_content()
    assert page.locator("#result").is_hidden()


def test_downloads_are_the_api_json_and_markdown(page, server):
    import httpx

    paste(page, example_articles()[:3])
    page.check('input[name="budget-unit"][value="sentences"]')
    page.fill("#budget", "3")
    page.check("#timeline")
    data = summarize(page)
    assert len(data["sentences"]) == 3

    with page.expect_download() as json_download:
        page.click("#download-json")
    assert json.loads(Path(json_download.value.path()).read_text(encoding="utf-8")) == data

    with page.expect_download() as md_download:
        page.click("#download-markdown")
    request = {"articles": example_articles()[:3], "options": {"sentences": 3, "timeline": True,
                                                                "key_terms": False}}
    expected = httpx.post(server + "/v1/summarize?format=markdown", json=request, timeout=30).text
    assert Path(md_download.value.path()).read_text(encoding="utf-8") == expected
    page.screenshot(path=str(ARTIFACTS / "timeline.png"), full_page=True)


def test_load_example_fills_the_boxes_and_summarizes(page):
    example = json.loads((ROOT / "khulasa/serve/static/example.json").read_text(encoding="utf-8"))
    page.click("#load-example")
    wait_for_count(page, ".article-input", len(example["articles"]))
    assert [box.input_value() for box in page.locator("input.outlet").all()] == [
        a["source"] for a in example["articles"]
    ]
    data = summarize(page)
    assert data["sentences"] and data["options"]["words"] == example["options"]["words"]
    badges = [b.text_content() for b in page.locator("#sentences .badge").all()]
    assert "مصدران" in badges  # a sentence several outlets report, visible as such
    # an id like 000_2233f3e5f8537144 is isolated left to right, not reordered by the Arabic around it
    ids = page.locator(".source-meta bdi")
    assert [(b.get_attribute("dir"), b.text_content()) for b in ids.all()] == [
        ("ltr", a["id"]) for a in example["articles"]
    ]


def test_timeline_shows_dates_at_their_precision_and_background_apart_and_terms_by_kind(page):
    from khulasa.render import labels

    page.click("#load-example")
    wait_for_count(page, ".article-input", 5)
    data = summarize(page)
    story, background = labels.split_background(data["timeline"])
    assert story and background and any(e["granularity"] != "day" for e in data["timeline"])
    for selector, events in (("#timeline-list time", story), ("#background-list time", background)):
        shown = [(t.get_attribute("datetime"), t.text_content()) for t in page.locator(selector).all()]
        assert shown == [(labels.period_datetime(e), labels.period(e)) for e in events]
    assert page.locator("#background-heading").text_content() == labels.BACKGROUND_HEADING
    headings = [h.text_content() for h in page.locator("#terms-groups h3").all()]
    assert headings == [labels.kind_heading(kind) for kind, _ in labels.terms_by_kind(data["key_terms"])]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "example.png"), full_page=True)


def test_who_said_what_panel_and_outlet_comparison_on_the_web_page(page):
    """Quotes grouped by speaker as the API lists them, a coverage strip per sentence (one cell per
    outlet, on where the outlet reports it), "only in" call-outs; article text stays inert."""
    articles = example_articles()
    articles[0] = {**articles[0], "text": articles[0]["text"]
                   + '\nوقال بوتين: "الأمر خطير <img src=x onerror=window.pwned=1> جدا على الجميع".'}
    paste(page, articles)
    page.check("#quotes")
    page.check("#compare")
    page.fill("#speaker", "بوتين")
    data = summarize(page)
    assert data["quotes"] and data["comparison"]
    page.wait_for_selector("#quotes-section:not([hidden])")
    names = [h.text_content() for h in page.locator("#quotes-groups .speaker h3 bdi").all()]
    assert names == [s["name"] for s in data["speakers"]] and all("بوتين" in n for n in names)
    assert page.locator("#quotes-groups .quote-text").count() == len(data["quotes"])
    outlets = data["comparison"]["outlets"]
    wait_for_count(page, "#sentences .strip", len(data["sentences"]))
    for i, row in enumerate(data["comparison"]["coverage"]):
        cells = page.locator(f'#sentences li.sentence[data-sentence="{i}"] .strip li')
        assert cells.count() == len(outlets)
        on = [c.get_attribute("title") for c in cells.all() if c.get_attribute("class") == "on"]
        assert on == [o for o in outlets if o in row["outlets"]]
    assert page.locator("#sentences .callout.only-in").count() == len(data["comparison"]["exclusive"])
    assert page.locator("#quotes-groups img").count() == 0
    assert "<img src=x" in page.locator("#quotes-groups").text_content()
    assert page.evaluate("() => window.pwned === undefined")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "who-said-what.png"), full_page=True)


def test_summary_html_page_who_said_what_panel_in_chromium(browser, tmp_path):
    """The standalone page of ``--format html --quotes --compare``: the panel grouped by speaker,
    strips and call-outs, and a hostile quote that stays text under the page's CSP."""
    import khulasa
    from khulasa.models import Article
    from khulasa.options import SummaryOptions
    from khulasa.render import labels, render

    arts = list(khulasa.load([str(EXAMPLE_DIR)]))
    a = arts[0]
    arts[0] = Article(a.id, a.text + '\nوقال بوتين: "الأمر خطير <script>window.pwned=1</script> جدا على الجميع".',
                      a.source, a.title, a.date)
    summary = khulasa.summarize(arts, options=SummaryOptions(quotes=True, compare=True))
    path = tmp_path / "summary.html"
    path.write_text(render(summary, "html"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="ar")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    groups = page.locator("#quotes .speaker h3 bdi")
    assert [g.text_content() for g in groups.all()] == [
        name for name, _ in labels.quotes_by_speaker(summary.quotes, summary.speakers)
    ]
    assert page.locator("ol.sentences .strip").count() == len(summary.sentences)
    assert page.locator("ol.sentences .callout.only-in").count() == len(summary.comparison.exclusive)
    assert page.evaluate("() => window.pwned === undefined")
    assert "<script>window.pwned=1</script>" in page.locator("#quotes").text_content()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "summary-who-said-what.png"), full_page=True)
    context.close()
    assert not errors


def test_an_inserted_speakers_name_is_marked_in_the_web_pages_only_in_row(page):
    """The comparison's "only in" row repeats a summary sentence whose speaker's name the summary
    inserted: shown as that sentence, the name in ``<ins>``, the sentence's markup as text."""
    from tests.test_readable import _only_cnn_named

    paste(page, [{"text": a.text, "source": a.source or ""} for a in _only_cnn_named()])
    page.check('input[name="budget-unit"][value="sentences"]')
    page.fill("#budget", "2")
    page.check("#compare")
    data = summarize(page)
    (only,) = data["comparison"]["exclusive"]
    assert any(s.get("inserted") and s["text"] == only["text"] for s in data["sentences"])
    page.wait_for_selector("#compare-section:not([hidden])")
    ins = page.locator("#exclusive-part .callout.only-in ins.inserted")
    assert ins.count() == 1 and ins.text_content() == "جون سميث"
    assert "<b>العامة</b>" in page.locator("#exclusive-part").text_content()
    assert page.locator("#exclusive-part b").count() == 0
