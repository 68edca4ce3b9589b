"""Invariants across modules, on generated dirty input (hypothesis).

The module tests check each stage on its own input; here the input goes the whole way a user's does —
bytes in some encoding with the artifacts of real scraped news (CRLF, entities, tatweel, zero-width and
bidi marks, diacritics, quotes, copies between outlets) → ``ingest`` → ``segment`` → ``summarize`` →
the published JSON — and the invariants are checked on what the user gets:

- normalization is idempotent on whatever ingest produces;
- every summary sentence is, in every source it names, the slice of the published article text at the
  recorded offsets, and that slice is a sentence of that article;
- every summary sentence (every selected unit) has at least one source, all distinct;
- the word or sentence budget is respected;
- the output is deterministic: the same input gives the same bytes in every format;
- ``khulasa stories`` puts every article in exactly one story.

The fuzz job (``fuzz/run.py``) runs the same kind of checks over 100k+ inputs; these are the fast,
always-on version.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import khulasa
from khulasa import ingest, render
from khulasa.errors import NoArabicTextError, NoInputError
from khulasa.ingest import IngestReport, source, walk
from khulasa.models import Article
from khulasa.options import SummaryOptions
from khulasa.render import FORMATS
from khulasa.segment import segment
from khulasa.stories import StoryOptions, build_stories
from khulasa.text import normalize

WORDS = (
    "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة دار نشر وقال الرئيس إن المحادثات "
    "تناولت التعاون الاقتصادي بين البلدين أمس الأحد 12 أكتوبر 2016 موسكو أنقرة بوتين أردوغان الطاقة"
).split()
ARTIFACTS = ["\u0640", "\u064e", "\u0651", "\u200c", "\u200f", "&amp;", "&quot;", "\u00a0", "«", "»", "(", ")",
             "،", "؟", "!", "…", "3.5", "د.", "\t"]
word = st.sampled_from(WORDS) | st.sampled_from(ARTIFACTS)
sentence = st.tuples(st.lists(word, min_size=2, max_size=14), st.sampled_from([".", "؟", "!", "", "."])).map(
    lambda p: " ".join(p[0]) + p[1]
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
article_body = st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)
line_end = st.sampled_from(["\n", "\r\n", "\r"])
encoding = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256"])


@st.composite
def clusters(draw: st.DrawFn) -> list[Article]:
    """2-5 articles as ingest makes them from files in several encodings; some copy another outright."""
    bodies = draw(st.lists(article_body, min_size=1, max_size=4))
    bodies += draw(st.lists(st.sampled_from(bodies), max_size=1))  # a verbatim copy
    articles = []
    report = IngestReport()
    ctx = source.Context(report)
    for i, body in enumerate(bodies):
        raw = body.replace("\n", draw(line_end)).encode(draw(encoding), errors="ignore")
        item = source.Item(f"a{i}.txt", f"a{i}.txt", False, {})
        for a in walk.parse_item(item, raw, ctx):
            date = draw(st.none() | st.dates(dt.date(2016, 10, 1), dt.date(2016, 10, 20)))
            articles.append(Article(id=a.id, text=a.text, source=f"outlet{i % 3}", date=date))
    assert len(report.inputs) == len(bodies)  # every input has a fate, read or skipped
    return articles


budgets = st.one_of(
    st.builds(lambda n: SummaryOptions(words=n, timeline=True, key_terms=True), st.integers(8, 150)),
    st.builds(lambda n: SummaryOptions(sentences=n), st.integers(1, 6)),
)
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(clusters())
def test_normalization_is_idempotent_on_everything_ingest_produces(articles):
    for a in articles:
        assert ingest.clean_text(a.text) == a.text
        folded = normalize.normalize(a.text)
        assert normalize.normalize(folded) == folded
        assert normalize.tokenize(folded) == normalize.tokenize(a.text)


@FAST
@given(clusters(), budgets)
def test_published_summary_sentences_are_slices_of_their_sources_within_budget(articles, options):
    try:
        summary = khulasa.summarize(articles, options=options)
    except (NoArabicTextError, NoInputError):  # every generated body may clean to nothing
        return
    doc = json.loads(render.to_json(summary))
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    sentences_of = {a.id: {(s.start, s.end): s.text for s in segment(a)} for a in articles}
    for s in doc["sentences"]:
        assert s["sources"], "every selected unit keeps at least one source"
        spans = [(src["article_id"], src["start"], src["end"]) for src in s["sources"]]
        assert len(spans) == len(set(spans))
        for article_id, start, end in spans:
            shown = texts[article_id][start:end]
            whole = sentences_of[article_id].get((start, end))
            if whole is None:  # no sentence fits the word budget: the best one is shown cut at a word
                assert len(doc["sentences"]) == 1 and options.words is not None
                whole = next(t for (b, _), t in sentences_of[article_id].items() if b == start)
                assert whole.startswith(shown)
                continue
            assert whole == shown  # a whole sentence of that article
        # The displayed text is the sentence at one of the spans in its article (which may hold two rewrites).
        assert s["text"] in {texts[a][b:e] for a, b, e in spans if a == s["article_id"]}
    if options.words is not None:
        assert sum(len(s["text"].split()) for s in doc["sentences"]) <= options.words
    else:
        assert len(doc["sentences"]) <= (options.sentences or 0)
    for event in doc["timeline"]:
        for src in event["sources"]:
            assert texts[src["article_id"]][src["start"] : src["end"]]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), budgets)
def test_the_same_input_gives_the_same_bytes_in_every_format(articles, options):
    copies = [Article(id=a.id, text=str(a.text), source=a.source, date=a.date) for a in articles]
    try:
        first = khulasa.summarize(articles, options=options)
        second = khulasa.summarize(copies, options=options)
    except (NoArabicTextError, NoInputError):  # every generated body may clean to nothing
        return
    for fmt in FORMATS:
        assert render.render(first, fmt) == render.render(second, fmt)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_stories_put_every_article_in_exactly_one_story(articles):
    stories = build_stories(articles, StoryOptions(timeline=False, key_terms=False))
    placed = [a["id"] for story in stories for a in story.to_dict()["articles"]]
    assert sorted(placed) == sorted(a.id for a in articles)
