"""Output formats: the JSON document and its schema, text, Markdown, the HTML page, and the format registry.

Summaries are built by hand so these tests do not depend on the pipeline.  Golden files live in
``tests/golden/render/``; regenerate them with ``KHULASA_UPDATE_GOLDEN=1 pytest tests/test_render.py``.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import khulasa
from khulasa import render
from khulasa.render import labels, markdown

try:
    import jsonschema
except ImportError:  # a dev dependency; the schema tests skip without it
    jsonschema = None
from khulasa.errors import InvalidOptionsError
from khulasa.models import (
    Article,
    DuplicateGroup,
    KeyTerm,
    SourceSpan,
    Summary,
    SummarySentence,
    TimelineEvent,
)
from khulasa.options import SummaryOptions
from khulasa.text.normalize import count_words

GOLDEN = Path(__file__).parent / "golden" / "render"
SCHEMA = Path(render.__file__).parent.parent / "schema" / "summary.schema.json"
UPDATE_GOLDEN = os.environ.get("KHULASA_UPDATE_GOLDEN") == "1"

A0 = (
    "بوتين يزور تركيا\n"
    "وصل الرئيس الروسي فلاديمير بوتين إلى إسطنبول اليوم الاثنين. "
    "وبحث مع الرئيس التركي رجب طيب أردوغان مشروع خط أنابيب الغاز.\n"
    "وتأتي الزيارة بعد أشهر من المصالحة بين البلدين."
)
A1 = (
    "وصل الرئيس الروسي بوتين إلى إسطنبول يوم الاثنين. "
    "وقال الكرملين إن الزيارة تفتح صفحة جديدة في العلاقات."
)
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def span(article: Article, sentence: str) -> SourceSpan:
    start = article.text.index(sentence)
    return SourceSpan(article.id, article.outlet, start, start + len(sentence))


def small_summary() -> Summary:
    """Three articles (one a copy), two sentences, a timeline event and two key terms."""
    a0 = Article("a0", A0, source="الجزيرة", title="بوتين يزور تركيا", date=dt.date(2016, 10, 10),
                 url="https://example.org/a0", path="/tmp/a0.txt", extra={"lang": "ar"})
    a1 = Article("a1", A1, source="بي بي سي عربي", date=dt.date(2016, 10, 10))
    a2 = Article("a2", A0, source="روسيا اليوم", title="بوتين يزور تركيا")
    first = "وصل الرئيس الروسي فلاديمير بوتين إلى إسطنبول اليوم الاثنين."
    rewrite = "وصل الرئيس الروسي بوتين إلى إسطنبول يوم الاثنين."
    second = "وقال الكرملين إن الزيارة تفتح صفحة جديدة في العلاقات."
    sentences = (
        SummarySentence(first, (span(a0, first), span(a1, rewrite), span(a2, first)), 0.123456789, 3, "a0"),
        SummarySentence(second, (span(a1, second),), 0.05, 7, "a1"),
    )
    timeline = (
        TimelineEvent(dt.date(2016, 10, 10), "day", first, (span(a0, first), span(a1, rewrite)),
                      "اليوم الاثنين", relative=True),
        TimelineEvent(dt.date(2016, 1, 1), "month", A0.splitlines()[2], (span(a0, A0.splitlines()[2]),),
                      "أشهر", end_date=dt.date(2016, 3, 31)),
    )
    key_terms = (
        KeyTerm("بوتين", "actor", 0.9, ("a0", "a1", "a2"), 5),
        KeyTerm("إسطنبول", "place", 1 / 3, ("a0", "a1"), 3),
    )
    return Summary(
        sentences=sentences,
        articles=(a0, a1, a2),
        options=SummaryOptions(words=40, timeline=True, key_terms=True),
        duplicates=(DuplicateGroup("a0", ("a2",), 1.0),),
        timeline=timeline,
        key_terms=key_terms,
        n_units=6,
        n_sentences=9,
        n_words=sum(count_words(s.text) for s in sentences),
    )


def hostile_summary() -> Summary:
    """Markup, a script-closing tag and a ``javascript:`` URL everywhere an article can carry text."""
    text = f"خبر {HOSTILE} عاجل. جملة ثانية </script><!-- & \u2028 تنتهي هنا."
    a = Article("x<1>", text, source=f"منفذ {HOSTILE}", title=f"عنوان {HOSTILE}", url="javascript:alert(1)")
    sentence = text.split(". ")[0] + "."
    return Summary(
        sentences=(SummarySentence(sentence, (span(a, sentence),), 1.0, 0, a.id),),
        articles=(a,),
        options=SummaryOptions(sentences=1),
        timeline=(TimelineEvent(dt.date(2020, 1, 1), "year", sentence, (span(a, sentence),), HOSTILE),),
        key_terms=(KeyTerm(HOSTILE, "phrase", 0.5, (a.id,), 1),),
        n_units=2,
        n_sentences=2,
        n_words=count_words(sentence),
    )


@functools.cache
def schema_validator():  # building the validator checks the schema, so do it once
    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def versionless(text: str) -> str:
    return text.replace(khulasa.__version__, "VERSION")


# --- JSON document -----------------------------------------------------------------------------------------


def test_every_source_span_slices_its_sentence_out_of_the_published_article_text() -> None:
    doc = render.to_dict(small_summary())
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    first, second = doc["sentences"]
    assert texts["a0"][first["sources"][0]["start"]:first["sources"][0]["end"]] == first["text"]
    assert texts["a1"][first["sources"][1]["start"]:first["sources"][1]["end"]] == (
        "وصل الرئيس الروسي بوتين إلى إسطنبول يوم الاثنين."
    )
    for sentence in doc["sentences"]:
        shown = next(sp for sp in sentence["sources"] if sp["article_id"] == sentence["article_id"])
        assert texts[shown["article_id"]][shown["start"]:shown["end"]] == sentence["text"]
    assert second["sources"] == [{"article_id": "a1", "source": "بي بي سي عربي", "start": 49, "end": 102}]


def test_document_has_the_documented_top_level_fields_in_a_fixed_order() -> None:
    doc = render.to_dict(small_summary())
    assert list(doc) == [
        "sentences", "timeline", "key_terms", "articles", "duplicates", "options", "stats", "khulasa_version"
    ]
    assert doc["stats"] == {"n_articles": 3, "n_sentences": 9, "n_units": 6, "n_words": 18}
    assert doc["options"] == SummaryOptions(words=40, timeline=True, key_terms=True).to_dict()
    assert doc["khulasa_version"] == khulasa.__version__
    assert doc["duplicates"] == [{"kept": "a0", "duplicates": ["a2"], "similarity": 1.0}]


def test_articles_carry_iso_dates_and_duplicate_links_but_not_path_or_extra() -> None:
    a0, a1, a2 = render.to_dict(small_summary())["articles"]
    assert a0 == {
        "id": "a0", "source": "الجزيرة", "title": "بوتين يزور تركيا", "date": "2016-10-10",
        "url": "https://example.org/a0", "text": A0, "duplicate_of": None,
    }
    assert (a1["title"], a1["url"], a1["date"]) == (None, None, "2016-10-10")
    assert (a2["date"], a2["duplicate_of"]) == (None, "a0")


def test_timeline_events_and_key_terms_are_published_with_iso_dates_and_rounded_scores() -> None:
    doc = render.to_dict(small_summary())
    day, months = doc["timeline"]
    assert day["date"] == "2016-10-10" and day["end_date"] is None and day["relative"] is True
    assert (months["date"], months["end_date"]) == ("2016-01-01", "2016-03-31")
    assert months["granularity"] == "month"
    assert list(day) == ["date", "end_date", "granularity", "expression", "relative", "text", "sources"]
    assert doc["key_terms"][1] == {
        "text": "إسطنبول", "kind": "place", "score": 0.3333, "articles": ["a0", "a1"], "count": 3
    }


def test_floats_are_rounded_to_four_decimals_and_negative_zero_prints_as_zero() -> None:
    summary = small_summary()
    assert render.to_dict(summary)["sentences"][0]["score"] == 0.1235
    tiny = SummarySentence("x", (), -1e-9, 0, "a0")
    assert json.dumps(render.to_dict(Summary((tiny,), (), None))["sentences"][0]["score"]) == "0.0"


def test_json_keeps_arabic_characters_and_parses_back_to_the_dict() -> None:
    summary = small_summary()
    text = render.to_json(summary)
    assert "بوتين" in text and "\\u" not in text
    assert json.loads(text) == render.to_dict(summary)
    assert "\n" not in render.to_json(summary, indent=None)


def test_same_summary_built_twice_renders_byte_identical_in_every_format() -> None:
    for fmt in render.FORMATS:
        assert render.render(small_summary(), fmt).encode() == render.render(small_summary(), fmt).encode()


def test_non_finite_score_is_refused_rather_than_written_as_invalid_json() -> None:
    bad = Summary((SummarySentence("x", (), float("nan"), 0, "a0"),), (), None)
    with pytest.raises(ValueError):
        render.to_json(bad)


def test_golden_json_validates_against_the_published_schema() -> None:
    pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for summary in (small_summary(), hostile_summary()):
        jsonschema.Draft202012Validator(schema).validate(json.loads(render.to_json(summary)))


def test_example_in_the_json_docs_validates_against_the_schema() -> None:
    pytest.importorskip("jsonschema")
    docs = (Path(__file__).parent.parent / "docs" / "json.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", docs, re.S)
    assert example is not None
    jsonschema.validate(json.loads(example.group(1)), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_schema_rejects_a_document_missing_a_sentence_field() -> None:
    pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    doc = render.to_dict(small_summary())
    del doc["sentences"][0]["sources"][0]["start"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


# --- text and Markdown -------------------------------------------------------------------------------------


def test_text_is_one_summary_sentence_per_line_and_nothing_else() -> None:
    summary = small_summary()
    plain = Summary(summary.sentences, summary.articles, SummaryOptions(words=40))
    assert render.to_text(plain) == "".join(s.text + "\n" for s in summary.sentences)
    assert render.to_text(Summary((), (), None)) == ""


def test_text_adds_the_timeline_and_key_terms_asked_for_after_a_blank_line() -> None:
    summary = small_summary()
    sentences = "".join(s.text + "\n" for s in summary.sentences)
    assert render.to_text(summary) == sentences + (
        "\nالخط الزمني\n"
        "2016-10-10 (اليوم الاثنين): وصل الرئيس الروسي فلاديمير بوتين إلى إسطنبول اليوم الاثنين.\n"
        "2016-01 – 2016-03 (أشهر): وتأتي الزيارة بعد أشهر من المصالحة بين البلدين.\n"
        "\nالمصطلحات الرئيسية\nبوتين (فاعل)\nإسطنبول (مكان)\n"
    )
    # asked for but empty: the heading alone, so the option is visibly honoured
    empty = Summary(summary.sentences, summary.articles, SummaryOptions(words=40, timeline=True))
    assert render.to_text(empty) == sentences + "\nالخط الزمني\n"


def test_text_folds_a_line_break_inside_a_sentence() -> None:
    summary = Summary((SummarySentence("سطر\nثان", (), 0.0, 0, "a"),), (), None)
    assert render.to_text(summary) == "سطر ثان\n"


def test_markdown_gives_each_sentence_a_footnote_naming_outlets_articles_and_offsets() -> None:
    md = render.to_markdown(small_summary())
    lines = md.splitlines()
    assert lines[0] == "# الخلاصة"
    assert "- وصل الرئيس الروسي فلاديمير بوتين إلى إسطنبول اليوم الاثنين.[^1]" in lines
    assert "- وقال الكرملين إن الزيارة تفتح صفحة جديدة في العلاقات.[^2]" in lines
    note = next(line for line in lines if line.startswith("[^1]: "))
    assert note == "[^1]: الجزيرة (`a0`, 17–76); بي بي سي عربي (`a1`, 0–48); روسيا اليوم (`a2`, 17–76)"
    assert "[^2]: بي بي سي عربي (`a1`, 49–102)" in lines


def test_markdown_shows_article_ids_as_code_even_when_they_hold_backticks() -> None:
    a = Article("id`1_x", "نص")
    summary = Summary((SummarySentence("نص", (SourceSpan(a.id, a.outlet, 0, 2),), 1.0, 0, a.id),), (a,), None)
    assert "[^1]: ``id`1_x`` (0–2)" in render.to_markdown(summary).splitlines()


def test_markdown_lists_timeline_with_dates_at_their_granularity_and_key_terms() -> None:
    lines = render.to_markdown(small_summary()).splitlines()
    assert "## الخط الزمني" in lines and "## المصطلحات الرئيسية" in lines
    day = next(line for line in lines if line.startswith("- **2016-10-10** (اليوم الاثنين): "))
    assert day.endswith("[^3]")
    assert any(line.startswith("- **2016-01 – 2016-03** (أشهر): ") for line in lines)
    assert "- **بوتين** (فاعل): المقالات: 3، مرات الذكر: 5" in lines


def test_markdown_leaves_out_empty_timeline_and_key_term_sections() -> None:
    summary = small_summary()
    plain = Summary(summary.sentences, summary.articles, summary.options)
    assert "##" not in render.to_markdown(plain)


def test_markdown_escapes_article_text_that_would_become_markup() -> None:
    md = render.to_markdown(hostile_summary())
    outside_code = re.sub(r"(`+).*?\1", "", re.sub(r"\[\^\d+\]", "", md))  # code spans are literal
    assert re.search(r"(?<!\\)[<>\[\]]", outside_code) is None
    sentence = Summary((SummarySentence("- *مهم* _جدا_ [رابط](x)", (), 0.0, 0, "a"),), (), None)
    assert "- \\- \\*مهم\\* \\_جدا\\_ \\[رابط\\](x)[^1]" in render.to_markdown(sentence).splitlines()


MARKDOWN_HOSTILE = st.lists(
    st.sampled_from([*"*_[]()<>`#&!-+=|~\\ 1.aب:/;\n", "&amp;", "<b>", "http://x", "[^1]", "<!--"]),
    min_size=1, max_size=20,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(MARKDOWN_HOSTILE)
def test_a_commonmark_renderer_shows_any_sentence_literally(text: str) -> None:
    from markdown_it import MarkdownIt  # comes with rich, a core dependency

    md = render.to_markdown(Summary((SummarySentence(text, (), 0.0, 0, "a"),), (), None))
    body = md.split("\n[^1]: ")[0]  # plain CommonMark has no footnotes: it would read the note as a link
    item = re.search(r"<li>(.*)\[\^1\]</li>", MarkdownIt("commonmark").render(body), re.S)
    assert item is not None
    assert "<" not in item.group(1)
    assert html.unescape(item.group(1)) == " ".join(text.split())


def _gfm_links(md: str) -> tuple[list[str], str]:
    """The links GitHub's own renderer (cmark-gfm, with its extensions) makes of ``md``, and its text."""
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    page = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_FOOTNOTES)  # as GitHub
    links = re.findall(r'<a href="([^"]*)"', page)
    return [link for link in links if not link.startswith("#fn")], html.unescape(re.sub(r"<[^>]+>", "", page))


URL_TEXT = (
    "زوروا https://evil.example/login?next=www.x.org أو HTTP://EVIL.example و ftp://files.example/a "
    "أو www.evil.example و(www.other.example) وراسلونا على info.desk+ar@evil.example أو mailto:a@b.example "
    "وxmpp:chat@evil.example للمزيد."
)


def test_markdown_bare_urls_www_names_and_emails_are_not_links_in_gfm() -> None:
    naive, _ = _gfm_links(URL_TEXT)
    assert len(naive) >= 6  # the raw text would be full of links
    a = Article("a", URL_TEXT)
    event = TimelineEvent(dt.date(2020, 1, 1), "year", URL_TEXT, (), "www.date.example")
    summary = Summary(
        (SummarySentence(URL_TEXT, (SourceSpan("a", "https://outlet.example", 0, len(URL_TEXT)),), 1.0, 0, "a"),),
        (a,), SummaryOptions(words=40, timeline=True, key_terms=True),
        timeline=(event,), key_terms=(KeyTerm("www.term.example", "phrase", 1.0, ("a",), 1),),
    )
    links, text = _gfm_links(render.to_markdown(summary))
    assert links == []
    # the escapes are invisible: the reader sees the article's text (a word joiner follows each "@")
    assert URL_TEXT in text.replace(markdown.WORD_JOINER, "")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["https://", "http://", "ftp://", "www.", "WWW.", "@", "a", "b.c", ".org", " ", "x@y.z",
                                 "(", "*", "_", "~", ":", "/", "mailto:", "xmpp:", "ب", "-", "+", "<", ">", "\\"]),
                min_size=1, max_size=12).map("".join))
def test_gfm_makes_no_link_of_any_sentence(text: str) -> None:
    md = render.to_markdown(Summary((SummarySentence(text, (), 0.0, 0, "a"),), (), None))
    links, shown = _gfm_links(md)
    assert links == []
    assert " ".join(text.split()) in shown.replace(markdown.WORD_JOINER, "")


# --- HTML --------------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects the tags of a page, the text of each article body, and the raw script bodies."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.article_texts: list[str] = []
        self.marks: list[tuple[str, str]] = []
        self._depth = 0  # >0 while inside <div class="article-text">
        self._mark: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "div" and attributes.get("class") == "article-text":
            self._depth = 1
            self.article_texts.append("")
        elif self._depth and tag == "div":
            self._depth += 1
        if self._depth and tag == "mark":
            self._mark = attributes["data-unit"]
            self.marks.append((self._mark or "", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1
        if tag == "mark":
            self._mark = None

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.article_texts[-1] += data
            if self._mark is not None:
                unit, text = self.marks[-1]
                self.marks[-1] = (unit, text + data)


def test_html_is_a_standalone_rtl_arabic_page_without_external_resources() -> None:
    page = render.to_html(small_summary())
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">")
    assert '<meta charset="utf-8">' in page
    assert '"Noto Naskh Arabic", "Amiri", "Arial", serif' in page
    tags = Page(page).tags
    assert not [a for _, a in tags if a.get("src")]
    assert {t for t, a in tags if t == "link"} == set()
    assert [a["href"] for t, a in tags if t == "a" and not a["href"].startswith("#")] == ["https://example.org/a0"]


def test_html_shows_each_sentence_with_a_badge_counting_its_outlets() -> None:
    page = render.to_html(small_summary())
    assert re.findall(r'<span class="badge"[^>]*>([^<]*)</span>', page) == ["3 مصادر", "مصدر واحد"]
    assert page.count('<li class="sentence" data-unit="3"') == 1


def test_html_marks_every_span_of_a_sentence_in_each_source_article() -> None:
    summary = small_summary()
    parsed = Page(render.to_html(summary))
    assert parsed.article_texts == [a.text for a in summary.articles]
    first, second = summary.sentences
    assert parsed.marks == [
        ("3", first.text),
        ("3", "وصل الرئيس الروسي بوتين إلى إسطنبول يوم الاثنين."),
        ("7", second.text),
        ("3", first.text),
    ]


def test_html_keeps_markup_in_article_text_title_and_source_inert() -> None:
    summary = hostile_summary()
    page = render.to_html(summary)
    parsed = Page(page)
    names = [t for t, _ in parsed.tags]
    assert "img" not in names
    assert names.count("script") == 2  # the page's JSON data and its own script
    assert not [(t, k) for t, a in parsed.tags for k in a if k.startswith("on")]
    assert not [a for t, a in parsed.tags if t == "a" and "javascript" in (a.get("href") or "")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert parsed.article_texts == [summary.articles[0].text]


def test_html_embeds_the_json_document_with_script_closers_escaped() -> None:
    summary = hostile_summary()
    page = render.to_html(summary)
    match = re.search(r'<script type="application/json" id="khulasa-data">(.*?)</script>', page, re.S)
    assert match is not None
    assert "<" not in match.group(1) and "\u2028" not in match.group(1)
    assert json.loads(match.group(1)) == render.to_dict(summary)


def test_html_content_security_policy_allows_exactly_its_own_script() -> None:
    page = render.to_html(small_summary())
    script = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(script) == 1
    digest = base64.b64encode(hashlib.sha256(script[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page


def test_html_shows_timeline_and_key_terms_only_when_present() -> None:
    summary = small_summary()
    page = render.to_html(summary)
    assert 'id="timeline"' in page and 'id="key-terms"' in page
    assert '<time datetime="2016-01-01">2016-01 – 2016-03</time>' in page
    plain = render.to_html(Summary(summary.sentences, summary.articles, summary.options))
    assert 'id="timeline"' not in plain and 'id="key-terms"' not in plain


def test_html_cuts_overlapping_and_out_of_range_spans_without_losing_text() -> None:
    a = Article("a", "أول جملة. ثاني جملة.")
    sentences = (
        SummarySentence("أول جملة.", (SourceSpan("a", "a", 0, 12),), 1.0, 1, "a"),
        SummarySentence(
            "ثاني جملة.", (SourceSpan("a", "a", 4, 99), SourceSpan("zz", "zz", 0, 3)), 1.0, 2, "a"
        ),
    )
    parsed = Page(render.to_html(Summary(sentences, (a,), None)))
    assert parsed.article_texts == [a.text]
    assert parsed.marks == [("1", a.text[:12]), ("2", a.text[12:])]


@pytest.mark.parametrize("n, label", [(1, "مصدر واحد"), (2, "مصدران"), (3, "3 مصادر"), (10, "10 مصادر"),
                                      (11, "11 مصدرًا"), (103, "103 مصادر")])
def test_outlet_badge_label_follows_arabic_number_agreement(n: int, label: str) -> None:
    assert labels.outlets_label(n) == label


# --- registry and golden files -----------------------------------------------------------------------------


def test_registry_names_the_four_formats_and_every_output_ends_with_a_newline() -> None:
    assert list(render.FORMATS) == ["text", "markdown", "json", "html"]
    summary = small_summary()
    for fmt in render.FORMATS:
        assert render.render(summary, fmt).endswith("\n")
    assert render.render(summary, "json") == render.to_json(summary) + "\n"
    assert render.render(summary, "html") == render.to_html(summary)


def test_unknown_format_is_an_options_error_listing_the_valid_names() -> None:
    with pytest.raises(InvalidOptionsError) as info:
        render.render(small_summary(), "pdf")
    assert info.value.field == "format" and info.value.exit_code == 2
    assert "text, markdown, json, html" in str(info.value)


@pytest.mark.parametrize(
    "fmt, suffix", [("text", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")]
)
def test_small_summary_matches_its_golden_file(fmt: str, suffix: str) -> None:
    path = GOLDEN / f"summary.{suffix}"
    output = versionless(render.render(small_summary(), fmt))
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8"), f"regenerate with KHULASA_UPDATE_GOLDEN=1 ({path})"


# --- properties --------------------------------------------------------------------------------------------

TEXT = st.lists(st.sampled_from([*"بوتين أردوغان\n.<>&\"'/!-*[]\u2028", "</script>", "<!--"]),
                min_size=1, max_size=30).map("".join)


@st.composite
def summaries(draw: st.DrawFn) -> Summary:
    texts = draw(st.lists(TEXT, min_size=1, max_size=3))
    articles = tuple(Article(f"a{i}", t, source=draw(st.none() | TEXT)) for i, t in enumerate(texts))
    sentences = []
    for unit in range(draw(st.integers(0, 3))):
        spans = []
        for a in draw(st.lists(st.sampled_from(articles), min_size=1, max_size=3, unique_by=lambda a: a.id)):
            start = draw(st.integers(0, len(a.text)))
            spans.append(SourceSpan(a.id, a.outlet, start, draw(st.integers(start, len(a.text)))))
        shown = next(a for a in articles if a.id == spans[0].article_id)
        text = shown.text[spans[0].start:spans[0].end]
        score = draw(st.floats(-10, 10, allow_nan=False))
        sentences.append(SummarySentence(text, tuple(spans), score, unit, shown.id))
    return Summary(tuple(sentences), articles, SummaryOptions(), n_units=len(sentences), n_sentences=9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(summaries())
def test_any_summary_renders_valid_schema_json_and_html_that_keeps_article_text(summary: Summary) -> None:
    doc = json.loads(render.to_json(summary))
    assert doc == render.to_dict(summary)
    for sentence in doc["sentences"]:
        first = sentence["sources"][0]
        article_text = doc["articles"][int(first["article_id"][1:])]["text"]
        assert article_text[first["start"]:first["end"]] == sentence["text"]
    parsed = Page(render.to_html(summary))
    assert parsed.article_texts == [a.text for a in summary.articles]
    assert [t for t, _ in parsed.tags].count("script") == 2
    assert render.to_text(summary).count("\n") == len(summary.sentences)
    if jsonschema is not None:
        schema_validator().validate(doc)


# --- the real pipeline -------------------------------------------------------------------------------------


def test_example_cluster_summary_renders_in_every_format(example_dir: Path) -> None:
    articles = khulasa.load([str(example_dir)])
    summary = khulasa.summarize(articles, options=SummaryOptions(words=80, timeline=True, key_terms=True))
    doc = json.loads(render.render(summary, "json"))
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for sentence in doc["sentences"]:
        assert sentence["sources"]
        shown = [sp for sp in sentence["sources"] if sp["article_id"] == sentence["article_id"]]
        assert texts[sentence["article_id"]][shown[0]["start"]:shown[0]["end"]] == sentence["text"]
    assert render.render(summary, "text").split("\n\n")[0].splitlines() == [s["text"] for s in doc["sentences"]]
    assert render.render(summary, "markdown").count("[^1]") == 2
    parsed = Page(render.render(summary, "html"))
    assert parsed.article_texts == list(texts.values())
    if jsonschema is not None:
        schema_validator().validate(doc)


# --- in a browser ------------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium):
    """A Chromium page recording script errors and dialogs (an ``alert`` means injected script ran)."""
    page = chromium.new_page()
    page.events = []
    page.on("console", lambda m: page.events.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.events.append(str(e)))
    page.on("dialog", lambda d: (page.events.append(f"dialog: {d.message}"), d.dismiss()))
    yield page
    page.close()


@pytest.mark.browser
def test_clicking_a_sentence_highlights_its_spans_in_every_article_in_a_browser(
    browser_page, tmp_path: Path
) -> None:
    page_file = tmp_path / "summary.html"
    page_file.write_text(render.to_html(small_summary()), encoding="utf-8")
    browser_page.goto(page_file.as_uri())
    browser_page.click('.sentence[data-unit="3"]')
    units = "els => els.map(e => e.dataset.unit)"
    assert browser_page.eval_on_selector_all("mark.active", units) == ["3"] * 3
    assert browser_page.get_attribute('.sentence[data-unit="3"]', "aria-pressed") == "true"
    browser_page.click('mark[data-unit="7"]')
    assert browser_page.eval_on_selector_all(".sentence.active", units) == ["7"]
    assert browser_page.events == []  # a CSP block of the page's own script would show up here


@pytest.mark.browser
def test_hostile_article_runs_no_script_in_a_browser(browser_page, tmp_path: Path) -> None:
    page_file = tmp_path / "hostile.html"
    page_file.write_text(render.to_html(hostile_summary()), encoding="utf-8")
    browser_page.goto(page_file.as_uri())
    browser_page.click('.sentence[data-unit="0"]')
    assert browser_page.eval_on_selector_all("img", "els => els.length") == 0
    assert browser_page.eval_on_selector_all("mark.active", "els => els.length") == 1
    assert not [e for e in browser_page.events if e.startswith("dialog")]
    assert json.loads(browser_page.text_content("#khulasa-data")) == render.to_dict(hostile_summary())


def test_every_key_term_kind_has_an_arabic_label() -> None:
    from khulasa import keyterms

    assert set(keyterms.KINDS) <= set(labels.KIND_LABELS)
