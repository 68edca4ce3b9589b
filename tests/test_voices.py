"""Who said what, outlet comparison and focus wired into ``summarize`` and every output format
(``khulasa.voices``; the analyses themselves are tested in test_quotes, test_compare, test_focus)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import khulasa
from khulasa import render
from khulasa.cli import main
from khulasa.errors import InvalidOptionsError
from khulasa.models import Article
from khulasa.options import SummaryOptions
from khulasa.render import labels
from tests.conftest import article

try:
    import jsonschema
except ImportError:  # a dev dependency
    jsonschema = None

SCHEMA = Path(render.__file__).parent.parent / "schema" / "summary.schema.json"


@pytest.fixture(scope="module")
def example() -> tuple[Article, ...]:
    return tuple(khulasa.load([str(Path(__file__).parent.parent / "examples" / "putin-erdogan")]))


def toll_articles() -> list[Article]:
    """Two outlets, one death toll each (25, then 40 later in the day), and a statement in both."""
    a = Article(
        "a", "وقتل 25 فلسطينيا برصاص الجيش الإسرائيلي على حدود غزة. "
        "وقال المتحدث باسم وزارة الصحة أشرف القدرة إن المستشفيات تعاني نقصا حادا في الأدوية.",
        source="A", date="2018-05-14", extra={"time": "Mon, 14 May 2018 09:54:37 +0000"},
    )
    b = Article(
        "b", "أدت المواجهات إلى مقتل 40 فلسطينيا على الحدود مع غزة. "
        "وقال أشرف القدرة إن المستشفيات تعاني نقصا حادا في الأدوية والمعدات.",
        source="B", date="2018-05-14", extra={"time": "Mon, 14 May 2018 13:25:17 +0000"},
    )
    return [a, b]


def test_default_summary_has_no_quotes_comparison_or_new_options(example) -> None:
    summary = khulasa.summarize(example)
    assert summary.quotes == () and summary.speakers == () and summary.comparison is None
    doc = render.to_dict(summary)
    assert "quotes" not in doc and "comparison" not in doc
    assert set(doc["options"]) == {"words", "sentences", "timeline", "key_terms", "redundancy"}


def test_quotes_have_speakers_counts_and_exact_source_offsets(example) -> None:
    summary = khulasa.summarize(example, options=SummaryOptions(quotes=True))
    assert summary.quotes and summary.speakers
    texts = {a.id: a.text for a in summary.articles}
    for q in summary.quotes:
        assert q.kind in ("direct", "indirect")
        for s in q.sources:
            assert 0 <= s.start < s.end <= len(texts[s.article_id])
        first = q.sources[0]
        assert texts[first.article_id][first.start : first.end] == q.text
    counts = {s.id: s.n_quotes for s in summary.speakers}
    for sid, n in counts.items():
        assert n == sum(q.speaker_id == sid for q in summary.quotes)
    assert summary.speakers[0].n_quotes == max(counts.values())
    assert any("بوتين" in s.name for s in summary.speakers)
    # the same statement in two outlets is one quote with both sources
    assert any(len({s.source for s in q.sources}) >= 2 for q in summary.quotes)


def test_speaker_filter_lists_only_that_speakers_quotes_and_focuses_the_summary(example) -> None:
    generic = khulasa.summarize(example, options=SummaryOptions(quotes=True))
    erdogan = khulasa.summarize(example, options=SummaryOptions(quotes=True, speaker="أردوغان"))
    assert erdogan.speakers and all("أردوغان" in s.name for s in erdogan.speakers)
    assert {q.speaker_id for q in erdogan.quotes} == {s.id for s in erdogan.speakers}
    assert len(erdogan.quotes) < len(generic.quotes)
    said = {(s.article_id, s.start) for q in erdogan.quotes for s in q.sources}
    texts = {a.id: a.text for a in erdogan.articles}

    def holds_a_quote(sentence) -> bool:
        return any(
            sp.start <= start < sp.end for sp in sentence.sources for art, start in said if art == sp.article_id
        )

    assert sum(map(holds_a_quote, erdogan.sentences)) > sum(map(holds_a_quote, generic.sentences))
    for s in erdogan.sentences:  # attribution is kept
        for sp in s.sources:
            assert texts[sp.article_id][sp.start : sp.end]


def test_query_focus_moves_the_summary_to_the_topic_and_keeps_attribution(example) -> None:
    generic = khulasa.summarize(example, words=80)
    focused = khulasa.summarize(example, options=SummaryOptions(words=80, query="الطاقة الغاز"))
    assert focused.text != generic.text

    def energy(summary) -> int:
        return sum(("الطاقة" in s.text) or ("الغاز" in s.text) for s in summary.sentences)

    assert energy(focused) > energy(generic)
    texts = {a.id: a.text for a in focused.articles}
    for s in focused.sentences:
        shown = next(sp for sp in s.sources if sp.article_id == s.article_id)
        assert texts[s.article_id][shown.start : shown.end] == s.text


def test_outlet_focus_prefers_that_outlet_and_an_unknown_outlet_is_refused(example) -> None:
    focused = khulasa.summarize(example, options=SummaryOptions(words=80, outlet="إيلاف"))
    generic = khulasa.summarize(example, words=80)

    def from_elaph(summary) -> int:
        return sum(any(sp.source == "إيلاف" for sp in s.sources) for s in summary.sentences)

    assert from_elaph(focused) > from_elaph(generic)
    with pytest.raises(InvalidOptionsError, match="outlet"):
        khulasa.summarize(example, options=SummaryOptions(outlet="لا يوجد"))


@pytest.mark.parametrize(
    "options",
    [{"quotes": "yes"}, {"compare": 1}, {"query": ""}, {"speaker": "  "}, {"outlet": 3},
     {"focus_weight": -1}, {"focus_weight": float("nan")}, {"query": "x" * 1001}],
)
def test_bad_options_are_refused_at_construction(options) -> None:
    with pytest.raises(InvalidOptionsError):
        SummaryOptions(**options)


def test_query_without_content_words_is_refused(example) -> None:
    with pytest.raises(InvalidOptionsError, match="query"):
        khulasa.summarize(example, options=SummaryOptions(query="في من"))


def test_comparison_coverage_exclusive_and_disagreement_with_times() -> None:
    summary = khulasa.summarize(toll_articles(), options=SummaryOptions(compare=True, sentences=3))
    c = summary.comparison
    assert c is not None
    assert c.coverage.outlets == ("A", "B")
    assert [r.unit_id for r in c.coverage.rows] == [s.unit_id for s in summary.sentences]
    for row, s in zip(c.coverage.rows, summary.sentences, strict=True):
        assert set(row.outlets) == {sp.source for sp in s.sources}
    assert all(len(set(row.outlets)) == 1 for row in c.coverage.rows if row.unit_id in {e.unit_id for e in c.exclusive})
    (d,) = c.disagreements
    assert [r.text for r in d.readings] == ["25", "40"]
    assert [r.sources[0].source for r in d.readings] == ["A", "B"]
    assert d.readings[0].sources[0].published == "2018-05-14T09:54:37Z" and d.over_time


def test_json_document_follows_the_schema_with_quotes_and_comparison(example) -> None:
    for arts in (example, toll_articles()):
        summary = khulasa.summarize(arts, options=SummaryOptions(quotes=True, compare=True, query="غزة بوتين"))
        doc = json.loads(render.to_json(summary))
        assert list(doc)[:6] == ["sentences", "timeline", "key_terms", "quotes", "speakers", "comparison"]
        assert doc["options"]["quotes"] is True and doc["options"]["query"] == "غزة بوتين"
        if jsonschema is not None:
            jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_text_and_markdown_group_quotes_by_speaker_and_show_only_in_and_outlets_differ() -> None:
    summary = khulasa.summarize(toll_articles(), options=SummaryOptions(quotes=True, compare=True, sentences=3))
    text = render.render(summary, "text")
    md = render.render(summary, "markdown")
    for out in (text, md):
        assert labels.QUOTES_HEADING in out and labels.DISAGREE_HEADING in out
        assert "أشرف القدرة" in out
    assert "| 25 | A |" in md and "| 40 | B |" in md
    assert "2018-05-14T09:54:37Z" in md
    if summary.comparison and summary.comparison.exclusive:
        assert labels.EXCLUSIVE_HEADING in md and "فقط في" in md


def test_html_page_has_who_said_what_panel_strips_and_call_outs_and_stays_inert() -> None:
    hostile = "<script>alert(1)</script>"
    arts = toll_articles()
    arts[1] = Article(arts[1].id, arts[1].text + f' وقال أشرف القدرة إن "{hostile} يحرق المستشفيات كلها".',
                      source="B<img src=x onerror=alert(1)>", date=arts[1].date, extra=arts[1].extra)
    summary = khulasa.summarize(arts, options=SummaryOptions(quotes=True, compare=True, sentences=3))
    page = render.render(summary, "html")
    assert 'id="quotes"' in page and 'id="compare"' in page and 'class="strip"' in page
    assert page.count("<script") == 2  # the JSON data and the page's own script only
    assert "<img" not in page and hostile not in page
    default = render.render(khulasa.summarize(arts, sentences=3), "html")
    assert 'id="quotes"' not in default and "strip" not in default


def test_cli_flags(tmp_path, example_dir, capsys) -> None:
    assert main(["summarize", str(example_dir), "--quotes", "--compare", "--speaker", "بوتين", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["quotes"] and all("بوتين" in s["name"] for s in doc["speakers"])
    assert doc["comparison"]["outlets"]
    assert main(["summarize", str(example_dir), "--query", "حلب", "-f", "text"]) == 0
    assert "حلب" in capsys.readouterr().out
    assert main(["summarize", str(example_dir), "--outlet", "nowhere"]) != 0


def test_story_articles_without_quotes_give_empty_lists() -> None:
    summary = khulasa.summarize(
        [article("وصل الوفد إلى المدينة صباح اليوم بعد رحلة طويلة.", "x", source="X")],
        options=SummaryOptions(quotes=True, compare=True),
    )
    assert summary.quotes == () and summary.speakers == ()
    assert summary.comparison is not None and summary.comparison.exclusive == ()
    assert labels.UNKNOWN_SPEAKER not in render.render(summary, "markdown")


def test_http_summarize_options_and_html(example_dir) -> None:
    pytest.importorskip("fastapi", reason="needs the [serve] extra")
    from fastapi.testclient import TestClient

    from khulasa.serve.app import create_app
    from khulasa.serve.settings import ServeSettings

    client = TestClient(create_app(ServeSettings()))
    articles = [{"text": a.text, "source": a.source} for a in khulasa.load([str(example_dir)])]
    options = {"quotes": True, "compare": True, "speaker": "أردوغان", "query": "الطاقة"}
    response = client.post("/v1/summarize", json={"articles": articles, "options": options})
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["quotes"] and all("أردوغان" in s["name"] for s in doc["speakers"])
    assert doc["comparison"]["coverage"] and doc["options"]["speaker"] == "أردوغان"
    page = client.post("/v1/summarize?format=html", json={"articles": articles, "options": options})
    assert page.status_code == 200 and 'id="quotes"' in page.text
    for bad in ({"quotes": "yes"}, {"query": 3}, {"outlet": "لا يوجد"}, {"query": "في"}):
        response = client.post("/v1/summarize", json={"articles": articles, "options": bad})
        assert response.status_code == 422, (bad, response.text)
    labels_doc = client.get("/labels.json").json()
    assert labels_doc["headings"]["quotes"] == labels.QUOTES_HEADING


def test_folded_offset_map_matches_the_list_of_kept_offsets() -> None:
    """``Folded`` keeps one entry per run of removed marks instead of every kept offset (cost); its
    maps give what the full list gave, on random texts of letters, marks, tatweel and invisibles."""
    import random

    from khulasa.text.fold import _MARK_RUN, _WORD_RE, Folded

    rng = random.Random(15)
    alphabet = ["ا", "أ", "ب", "ة", "ى", "\u064e", "\u0651", "\u0640", "\u200f", " ", "x", "1", "،"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        ft = Folded(text)
        folded = ft.folded
        keep = [i for i in range(len(text)) if not _MARK_RUN.match(text[i])] if _MARK_RUN.search(text) else None
        for i in range(len(folded) + 2):
            want = i if keep is None else (keep[i] if i < len(keep) else len(text))
            assert ft.start(i) == ft.end(i) == want
        for offset in range(len(text) + 2):
            want = offset if keep is None else next((j for j, k in enumerate(keep) if k >= offset), len(keep))
            assert ft.index(offset) == want
        assert ft.words == frozenset(_WORD_RE.findall(folded))


def test_folded_words_are_the_letter_runs_with_punctuation_around_words() -> None:
    """``Folded.words`` strips punctuation off a token before the regex (cost); the words stay the letter
    runs of the folded text, and the folded text the letter folds without marks, on random texts that
    put every stripped character, digits, ``_``, numeric signs and marks around and inside words."""
    import random

    from khulasa.text.fold import _MARK_RUN, _PUNCTUATION, _WORD_RE, LETTER_FOLDS, Folded, replace_all

    rng = random.Random(16)
    alphabet = [*"ابتةىأإو", *_PUNCTUATION, "\u064e", "\u0651", "\u0640", "\u200f", " ", "\n", "1", "٢", "_", "²", "½", "x"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        ft = Folded(text)
        assert ft.folded == _MARK_RUN.sub("", replace_all(text, LETTER_FOLDS))
        assert ft.words == frozenset(_WORD_RE.findall(ft.folded))
