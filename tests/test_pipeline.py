"""The core promise on the example cluster and on small built clusters."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import khulasa
from khulasa import render
from khulasa.errors import InvalidOptionsError, NoArabicTextError, NoInputError
from khulasa.pipeline import analyze
from khulasa.text.normalize import terms
from tests.conftest import EXAMPLE_DIR, article, cluster


@pytest.fixture(scope="module")
def example_articles():
    return khulasa.load([str(EXAMPLE_DIR)])


@pytest.fixture(scope="module", params=[120, 300])
def example_summary(request, example_articles):
    return khulasa.summarize(example_articles, words=request.param)


def _units_holding(analysis, sentence_text):
    return [u for u in analysis.units if any(s.text == sentence_text for s in u.sentences)]


def _as_written(sentence):
    """The text shown without the speaker's name the summary inserted (``inserted``, after a space)."""
    text = sentence.text
    for ins in sorted(sentence.inserted, key=lambda i: -i.start):
        text = text[: ins.start - 1] + text[ins.end :]
    return text


def test_every_summary_sentence_is_a_source_sentence_at_its_offsets(example_summary):
    texts = {a.id: a.text for a in example_summary.articles}
    for sentence in example_summary.sentences:
        assert sentence.sources, "provenance is never empty"
        assert set(sentence.edits) <= {"speaker"} and bool(sentence.inserted) == bool(sentence.edits)
        shown = [src for src in sentence.sources if src.article_id == sentence.article_id]
        assert any(texts[src.article_id][src.start : src.end] == _as_written(sentence) for src in shown)
        for ins in sentence.inserted:  # an inserted name is written where its source says
            assert texts[ins.source.article_id][ins.source.start : ins.source.end] == ins.text
        for src in sentence.sources:
            assert texts[src.article_id][src.start : src.end].strip()


def test_sources_name_every_article_holding_the_sentence_or_a_rewrite(example_articles, example_summary):
    analysis = analyze(example_articles)
    for sentence in example_summary.sentences:
        unit = analysis.units[sentence.unit_id]
        assert {s.article_id for s in unit.sentences} == {src.article_id for src in sentence.sources}
        # a verbatim copy anywhere in the cluster must be among the sources
        for a in example_articles:
            if sentence.text in a.text:
                assert a.id in {src.article_id for src in sentence.sources}


def test_no_two_summary_sentences_say_the_same_thing(example_summary):
    from khulasa.dedup import similar_pairs, term_matrix
    from khulasa.text.normalize import terms

    pairs = similar_pairs(term_matrix([terms(s.text) for s in example_summary.sentences]), 0.5)
    assert pairs == [], [
        (example_summary.sentences[i].text, example_summary.sentences[j].text) for i, j, _ in pairs
    ]


def test_both_meetings_are_covered(example_summary):
    ids = {src.article_id for s in example_summary.sentences for src in s.sources}
    assert ids & {"000_2233f3e5f8537144", "001_fcede7f96388c4fa", "003_4f8fa452f22a0a4f"}  # Istanbul
    assert ids & {"002_595e9640f37d9b41", "004_cc10def44ff410f9"}  # Moscow


def test_word_count_is_between_80_and_100_percent_of_the_budget(example_summary):
    budget = example_summary.options.words
    assert 0.8 * budget <= example_summary.n_words <= budget


def test_copied_sentence_is_attributed_to_every_outlet(example_articles):
    copied = "وقال الرئيس الروسي إن الجانبين كرسا كثيرا من الوقت لبحث الأوضاع في سوريا"
    units = [u for u in analyze(example_articles).units if copied in u.representative.text]
    assert len(units) == 1
    assert set(units[0].articles) == {"000_2233f3e5f8537144", "003_4f8fa452f22a0a4f"}


@pytest.mark.parametrize(
    ("a_start", "b_start"),
    [
        (
            "ورغم التقارب الأخير بينهما لا تزال هناك خلافات بين موسكو وأنقرة بالملف",
            "ورغم التقارب الأخير بينهما لا تزال هناك خلافات بين موسكو وأنقرة في الملف",
        ),
        ("وأكد توافق موقفي روسيا وتركيا", "وأكد الرئيس الروسي توافق موقفي"),
    ],
)
def test_near_identical_rewrites_share_a_unit(example_articles, a_start, b_start):
    analysis = analyze(example_articles)
    unit_a = [u for u in analysis.units if any(s.text.startswith(a_start) for s in u.sentences)]
    unit_b = [u for u in analysis.units if any(s.text.startswith(b_start) for s in u.sentences)]
    assert len(unit_a) == 1 and unit_a == unit_b


def test_same_input_gives_byte_identical_output(example_articles):
    first = render.to_json(khulasa.summarize(example_articles, words=120))
    second = render.to_json(khulasa.summarize(list(example_articles), words=120))
    assert first == second


def test_sentence_budget_is_respected(example_articles):
    summary = khulasa.summarize(example_articles, sentences=3)
    assert len(summary.sentences) == 3


def test_summary_follows_publication_order(example_articles):
    summary = khulasa.summarize(example_articles, words=300)
    by_id = {a.id: a for a in example_articles}
    dates = [
        min(by_id[s.article_id].date for s in [src for src in sent.sources]) for sent in summary.sentences
    ]
    assert dates == sorted(dates)


def test_no_articles_is_a_clear_error():
    with pytest.raises(NoInputError):
        khulasa.summarize([])


def test_no_arabic_text_is_a_clear_error():
    with pytest.raises(NoArabicTextError):
        khulasa.summarize([article("This is English only. Nothing Arabic here.")])


def test_conflicting_budgets_are_rejected():
    with pytest.raises(InvalidOptionsError):
        khulasa.SummaryOptions(words=10, sentences=2)
    with pytest.raises(InvalidOptionsError):
        khulasa.SummaryOptions(words=0)


def test_two_articles_with_one_id_are_rejected():
    text = "أعلنت الحكومة اليوم عن خطة جديدة لدعم الزراعة في المناطق الريفية خلال العام المقبل."
    with pytest.raises(InvalidOptionsError, match="two articles have this id"):
        khulasa.summarize([article(text, "x"), article(text, "x")])


def test_one_sentence_input_gives_that_sentence():
    text = "أعلنت الحكومة اليوم عن خطة جديدة لدعم الزراعة في المناطق الريفية خلال العام المقبل."
    summary = khulasa.summarize([article(text)], words=50)
    assert [s.text for s in summary.sentences] == [text]


def test_identical_articles_are_one_story_and_marked_duplicates():
    text = (
        "أعلنت الحكومة اليوم عن خطة جديدة لدعم الزراعة في المناطق الريفية خلال العام المقبل. "
        "وقال وزير الزراعة إن الخطة تشمل قروضا ميسرة للمزارعين الصغار وتوفير البذور المحسنة."
    )
    summary = khulasa.summarize(cluster(text, text, text), words=60)
    assert len(summary.sentences) == 2
    assert all(len(s.sources) == 3 for s in summary.sentences)
    assert summary.duplicates and set(summary.duplicates[0].duplicates) == {"a1", "a2"}


def test_disconnected_topics_still_give_a_summary():
    summary = khulasa.summarize(
        cluster(
            "فاز المنتخب الوطني لكرة القدم على منافسه بثلاثة أهداف مقابل هدف في المباراة النهائية.",
            "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار الدول المنتجة خفض الإنتاج مجددا.",
        ),
        words=40,
    )
    assert 1 <= len(summary.sentences) <= 2


def test_json_output_has_the_documented_fields(example_articles):
    doc = json.loads(render.to_json(khulasa.summarize(example_articles, words=120)))
    sentence = doc["sentences"][0]
    assert {"text", "sources", "score"} <= set(sentence)
    assert {"article_id", "source", "start", "end"} <= set(sentence["sources"][0])
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for s in doc["sentences"]:
        for src in s["sources"]:
            assert texts[src["article_id"]][src["start"] : src["end"]]


ARABIC_WORDS = st.sampled_from(
    "الحكومة وزير أعلن قال روسيا تركيا سوريا مؤتمر الطاقة اتفاق الرئيس محادثات العلاقات اليوم".split()
)
ARABIC_SENTENCE = st.lists(ARABIC_WORDS, min_size=3, max_size=25).map(lambda ws: " ".join(ws) + ".")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(st.lists(ARABIC_SENTENCE, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=4),
    budget=st.integers(min_value=5, max_value=80),
)
def test_summary_properties_hold_for_any_cluster(texts, budget):
    articles = cluster(*texts)
    if not any(terms(t) for t in texts):  # only function words ("قال قال قال."): no candidate at all
        with pytest.raises(NoArabicTextError):
            khulasa.summarize(articles, words=budget)
        return
    summary = khulasa.summarize(articles, words=budget)
    again = khulasa.summarize(articles, words=budget)
    assert render.to_json(summary) == render.to_json(again)
    assert summary.n_words <= budget
    by_id = {a.id: a.text for a in articles}
    for s in summary.sentences:
        assert s.sources
        assert any(by_id[src.article_id][src.start : src.end] == s.text for src in s.sources)


# --- memory: linear in the input (issue 11) ------------------------------------------------------------------

PEAK_RSS_LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)
"""Runs its arguments as a child and prints the child's exit code and peak RSS (KiB)."""
MEMORY_BASE_MIB = 200
MEMORY_PER_INPUT_BYTE = 25
"""The bound README states for ``khulasa summarize``: peak RSS at most 200 MiB + 25 x the input's size."""


def test_summarize_peak_memory_stays_within_the_documented_bound(tmp_path):
    """4 MB of 2,000 articles over a 1,000-word vocabulary: every word in ~300 sentences.  The
    pairwise sentence product took 3.0 GB (peak RSS) here before the near-linear grouping."""
    import json
    import os
    import random
    import subprocess
    import sys

    from tests.conftest import ROOT

    rng = random.Random(1)
    letters = "بتثجحخدذرزسشصضطظعغقمنهي"
    vocab = ["".join(rng.choice(letters) for _ in range(6)) for _ in range(1000)]
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(2000):
            text = "\n".join(" ".join(rng.sample(vocab, 15)) + "." for _ in range(10))
            fh.write(json.dumps({"id": f"a{i}", "text": text}, ensure_ascii=False) + "\n")
    # A child's peak RSS counts its parent's at fork time (Linux keeps the high-water mark across exec),
    # so the run is started by a small launcher process, not by this big pytest process.
    proc = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_LAUNCHER, sys.executable, "-m", "khulasa", "summarize", str(path)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=False,
    )
    status, peak_kib = map(int, proc.stdout.split())
    assert status == 0
    assert peak_kib / 1024 < MEMORY_BASE_MIB + MEMORY_PER_INPUT_BYTE * path.stat().st_size / 2**20
