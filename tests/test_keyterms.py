"""Key actors, places and phrases (khulasa.keyterms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.errors import InvalidOptionsError
from khulasa.keyterms import GAZETTEER, key_terms, key_terms_for, load_gazetteer
from khulasa.models import Article, InfoUnit
from khulasa.normalize import STOPWORDS, normalize
from khulasa.segment import segment
from tests.conftest import cluster


def _example_articles(example_dir: Path) -> list[Article]:
    meta = json.loads((example_dir / "metadata.json").read_text(encoding="utf-8"))
    return [
        Article(id=p.stem, text=p.read_text(encoding="utf-8"))
        for p in sorted(example_dir.glob("*.txt"))
        if p.stem in meta
    ]


@pytest.fixture(scope="module")
def example_terms(example_dir):
    return key_terms_for(_example_articles(example_dir))


def _by_text(terms):
    return {normalize(t.text): t for t in terms}


def test_example_cluster_key_terms_name_the_story(example_terms):
    found = _by_text(example_terms)
    expected = ["بوتين", "أردوغان", "روسيا", "تركيا", "سوريا", "حلب", "إسطنبول", "موسكو", "أنقرة"]
    assert {normalize(w) for w in expected} <= found.keys()
    assert any(normalize("مؤتمر الطاقة") in key for key in found)
    assert len(example_terms) == 15


def test_example_cluster_kinds(example_terms):
    found = _by_text(example_terms)
    assert found[normalize("بوتين")].kind == "actor"
    assert found[normalize("أردوغان")].kind == "actor"
    for place in ("روسيا", "تركيا", "سوريا", "حلب", "إسطنبول", "موسكو", "أنقرة"):
        assert found[normalize(place)].kind == "place", place


def test_spellings_merge_by_normalization_and_the_most_frequent_form_is_shown(example_terms):
    istanbul = [t for t in example_terms if normalize(t.text) == normalize("إسطنبول")]
    # إسطنبول x6, اسطنبول x2 and باسطنبول x1 in the cluster: one term, shown as written most often
    assert [t.text for t in istanbul] == ["إسطنبول"]
    assert istanbul[0].count == 9


def test_terms_are_ranked_best_first_with_their_articles(example_terms):
    scores = [t.score for t in example_terms]
    assert scores == sorted(scores, reverse=True)
    putin = _by_text(example_terms)["بوتين"]
    assert len(putin.articles) == 5 and putin.count >= 20


def test_no_term_starts_or_ends_with_a_stopword(example_terms):
    for t in example_terms:
        words = [normalize(w) for w in t.text.split()]
        assert words[0] not in STOPWORDS and words[-1] not in STOPWORDS, t.text


def test_an_attached_conjunction_or_preposition_is_split_off():
    articles = cluster(
        "وصل الوفد إلى الحديدة صباحا.",
        "وتقدمت القوات نحو الحديدة مساء.",
        "واشتد القتال بالحديدة وحولها.",
    )
    (term,) = [t for t in key_terms_for(articles) if normalize(t.text) == normalize("الحديدة")]
    assert (term.text, term.count, term.kind) == ("الحديدة", 3, "place")


def test_names_after_a_title_are_actors_and_the_title_is_not_a_term():
    articles = cluster(
        "التقى الرئيس الفرنسي إيمانويل ماكرون وفدا رسميا.",
        "وقال الرئيس ماكرون إن المحادثات مثمرة.",
        "وأكد ماكرون دعمه للخطة.",
    )
    found = _by_text(key_terms_for(articles))
    assert found[normalize("ماكرون")].kind == "actor"
    assert normalize("الرئيس") not in found and normalize("الفرنسي") not in found


def test_organization_head_words_make_actors():
    articles = cluster(
        "أعلنت وزارة الدفاع نتائج التحقيق.",
        "ونفت وزارة الدفاع الاتهامات.",
    )
    found = _by_text(key_terms_for(articles))
    assert found[normalize("وزارة الدفاع")].kind == "actor"
    assert normalize("الدفاع") not in found  # same articles as the longer term: merged into it


def test_a_phrase_needs_two_articles_in_a_cluster():
    articles = cluster(
        "ارتفعت أسعار النفط الخام بشدة. وتراجعت أسعار النفط الخام لاحقا.", "أمطار غزيرة في المدينة."
    )
    assert all(len(t.articles) >= 2 for t in key_terms_for(articles))


def test_a_single_article_needs_two_mentions():
    articles = cluster("ارتفعت أسعار النفط الخام بشدة. وتراجعت أسعار النفط الخام لاحقا. وهطلت أمطار.")
    assert [t.text for t in key_terms_for(articles)] == ["أسعار النفط الخام"]


def test_limit():
    articles = cluster("بوتين وأردوغان في موسكو وأنقرة.", "بوتين وأردوغان في موسكو وأنقرة.")
    assert len(key_terms_for(articles, limit=2)) == 2
    assert key_terms_for(articles, limit=0) == ()
    with pytest.raises(InvalidOptionsError):
        key_terms_for(articles, limit=-1)


def test_no_units_no_terms():
    assert key_terms([], []) == ()


def test_units_from_dedup_count_every_supporting_sentence():
    a, b = cluster("زار بوتين أنقرة اليوم.", "زار بوتين أنقرة اليوم.")
    sa, sb = segment(a)[0], segment(b)[0]
    found = _by_text(key_terms([a, b], [InfoUnit(0, sa, (sa, sb))]))
    assert found[normalize("أنقرة")].articles == ("a0", "a1")


def test_a_term_never_spans_punctuation():
    articles = cluster("قال بوتين، أنقرة ترحب بالزيارة. قال بوتين، أنقرة ترحب بالزيارة.")
    found = _by_text(key_terms_for(articles))
    assert normalize("بوتين") in found and normalize("أنقرة") in found
    assert not any(normalize("بوتين") in text and normalize("أنقرة") in text for text in found)


def test_articles_missing_from_the_list_are_read_by_sentence_index():
    a, b = cluster("مقدمة الخبر. زار بوتين أنقرة.", "زار بوتين أنقرة. خاتمة الخبر.")
    units = [InfoUnit(i, s, (s,)) for i, s in enumerate([*segment(a), *segment(b)])]
    found = _by_text(key_terms([], units))
    # a1 mentions it in its first sentence, a0 in its second: a1 is read first
    assert found[normalize("أنقرة")].articles == ("a1", "a0")


def test_gazetteer_sections_load_folded():
    gaz = load_gazetteer("[place]\nأنقرة\n# a comment\n[title]\nالرئيس\n")
    assert gaz.places == {normalize("أنقرة")} and gaz.titles == {normalize("الرئيس")}
    assert normalize("إسطنبول") in GAZETTEER.places and normalize("حزب الله") in GAZETTEER.orgs


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=st.sampled_from(list("ابتثجحدرسشعفقكلمنهوية أإآ،.«»\n0123")), max_size=120),
        min_size=1,
        max_size=4,
    )
)
def test_key_terms_never_crash_and_stay_within_the_limit(texts):
    terms = key_terms_for(cluster(*texts), limit=5)
    assert len(terms) <= 5
    for t in terms:
        assert t.text.strip() and t.kind in ("actor", "place", "phrase") and t.count >= 1 and t.articles
