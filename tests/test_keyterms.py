"""Key actors, places and phrases (khulasa.keyterms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.errors import InvalidOptionsError
from khulasa.keyterms import (
    GAZETTEER,
    KINDS,
    fold_article,
    key_terms,
    key_terms_for,
    load_gazetteer,
)
from khulasa.models import Article, InfoUnit
from khulasa.segment import segment
from khulasa.text.normalize import STOPWORDS, normalize
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
    expected = [
        "فلاديمير بوتين", "رجب طيب أردوغان", "روسيا", "تركيا", "سوريا", "حلب", "إسطنبول", "موسكو", "أنقرة",
    ]  # fmt: skip
    assert {normalize(w) for w in expected} <= found.keys()
    assert any(normalize("مؤتمر الطاقة") in key for key in found)
    assert len(example_terms) == 15


def test_example_cluster_kinds(example_terms):
    found = _by_text(example_terms)
    assert found[normalize("فلاديمير بوتين")].kind == "person"
    assert found[normalize("رجب طيب أردوغان")].kind == "person"
    assert found[normalize("بشار الأسد")].kind == "person"
    for place in ("روسيا", "تركيا", "سوريا", "حلب", "إسطنبول", "موسكو", "أنقرة"):
        assert found[normalize(place)].kind == "place", place


def test_example_cluster_has_no_fragment_and_no_part_of_a_chosen_name(example_terms):
    words = {normalize(t.text) for t in example_terms}
    assert not words & {normalize(w) for w in ("وقف", "بوتين", "أردوغان", "الولايات", "الأسد")}


def test_spellings_merge_by_normalization_and_the_most_frequent_form_is_shown(example_terms):
    istanbul = [t for t in example_terms if normalize(t.text) == normalize("إسطنبول")]
    # إسطنبول x6, اسطنبول x2 and باسطنبول x1 in the cluster: one term, shown as written most often
    assert [t.text for t in istanbul] == ["إسطنبول"]
    assert istanbul[0].count == 9


def test_terms_are_ranked_best_first_with_their_articles(example_terms):
    scores = [t.score for t in example_terms]
    assert scores == sorted(scores, reverse=True)
    putin = _by_text(example_terms)[normalize("فلاديمير بوتين")]
    assert len(putin.articles) == 5 and putin.count >= 20  # فلاديمير بوتين and بوتين alone


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
    assert found[normalize("إيمانويل ماكرون")].kind == "person"
    assert found[normalize("إيمانويل ماكرون")].count == 3  # the full name and the surname are one person
    assert normalize("الرئيس") not in found and normalize("الفرنسي") not in found


def test_organization_head_words_make_actors():
    articles = cluster(
        "أعلنت وزارة الدفاع نتائج التحقيق.",
        "ونفت وزارة الدفاع الاتهامات.",
    )
    found = _by_text(key_terms_for(articles))
    assert found[normalize("وزارة الدفاع")].kind == "organisation"
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


def test_gazetteer_sections_load_folded_without_the_article():
    gaz = load_gazetteer(
        "[place]\nأنقرة\nالولايات المتحدة\n# a comment\n[title]\nالرئيس\n[person]\nإليزابيث\n"
    )
    assert gaz.places == {"انقره", "ولايات متحده"} and gaz.titles == {normalize("رئيس")}
    assert gaz.people == {"اليزابيث"}  # a written إل is no article
    assert gaz.name_key("إسطنبول") in GAZETTEER.places and gaz.name_key("حزب الله") in GAZETTEER.orgs
    assert gaz.multiword == {"ولايات": (("ولايات", "متحده"),)}


def test_gazetteer_refuses_an_unknown_section():
    with pytest.raises(ValueError, match="unknown section"):
        load_gazetteer("[places]\nأنقرة\n")


def test_article_folding_keeps_places_that_read_like_adjectives():
    keep = GAZETTEER.keep_article
    assert fold_article("الهجوم", keep) == "هجوم" and fold_article("الله", keep) == "الله"
    assert fold_article("السوريه", keep) == "السوريه" and fold_article("المالي", keep) == "المالي"


# --- grouping, names, kinds (issue 14 item 5) -----------------------------------------------------


def test_the_article_and_clitics_fold_into_one_term():
    articles = cluster(
        "وقع الهجوم على القاعدة العسكرية فجرا.",
        "أدان المجلس هجوم القاعدة العسكرية بشدة.",
        "وأكد الجيش أن الهجوم على القاعدة فشل. ونددت روسيا والهجوم تواصل.",
        "وطالبت وروسيا بالتحقيق في الهجوم.",
    )
    found = _by_text(key_terms_for(articles))
    attack = [
        t for t in key_terms_for(articles) if normalize(t.text) in (normalize("الهجوم"), normalize("هجوم"))
    ]
    assert len(attack) == 1 and attack[0].count == 5 and attack[0].text == "الهجوم"
    assert found[normalize("روسيا")].count == 2 and normalize("وروسيا") not in found


def test_multiword_names_stay_whole_and_their_parts_are_no_terms():
    articles = cluster(
        "دعت الولايات المتحدة إلى وقف إطلاق النار في المدينة.",
        "رحبت الولايات المتحدة بوقف إطلاق النار، وقالت الأمم المتحدة إنها ستراقبه.",
        "وأكدت الأمم المتحدة أن وقف إطلاق النار صامد والولايات المتحدة تتابع.",
    )
    found = _by_text(key_terms_for(articles))
    assert found[normalize("الولايات المتحدة")].kind == "place"
    assert found[normalize("الأمم المتحدة")].kind == "organisation"
    assert found[normalize("وقف إطلاق النار")].kind == "phrase"
    assert found[normalize("الولايات المتحدة")].count == 3
    for fragment in ("الولايات", "المتحدة", "وقف", "الأمم", "إطلاق", "النار"):
        assert normalize(fragment) not in found, fragment


def test_generic_words_and_verbs_are_no_terms():
    articles = cluster(
        "أعلن الجيش استخدام أسلحة جديدة في إطار العملية وقتل المسلحين.",
        "قال الجيش إن استخدام الأسلحة في إطار العملية أدى إلى قتل المسلحين.",
        "وقتل المسلحين بعد استخدام الأسلحة في إطار العملية.",
    )
    found = _by_text(key_terms_for(articles))
    for word in ("استخدام", "إطار", "أعلن", "قال", "وقتل"):
        assert normalize(word) not in found, word


def test_people_places_and_organisations_are_told_apart():
    articles = cluster(
        "قال وزير الخارجية الأمريكي ريكس تيلرسون في محافظة الحديدة إن منظمة الصحة العالمية ستساعد.",
        "وزار تيلرسون محافظة الحديدة والتقى ممثلي منظمة الصحة العالمية وحركة حماس.",
        "وأكدت منظمة الصحة العالمية أن تيلرسون وصل إلى الحديدة. وقالت حركة حماس إنها ترحب.",
    )
    found = _by_text(key_terms_for(articles))
    assert found[normalize("ريكس تيلرسون")].kind == "person"
    assert found[normalize("الحديدة")].kind == "place"
    assert found[normalize("منظمة الصحة العالمية")].kind == "organisation"
    assert found[normalize("حركة حماس")].kind == "organisation"
    assert {t.kind for t in key_terms_for(articles)} <= set(KINDS)


def test_a_title_before_a_verb_or_a_common_noun_names_nobody():
    articles = cluster(
        "أقامت الملكة البريطانية مأدبة غداء للضيف. وكانت القمة ناجحة.",
        "أقامت الملكة البريطانية مأدبة غداء في القصر. وأعلن الملك السعودي تسمية قمة الظهران.",
        "وأعلن الملك السعودي تسمية قمة الظهران بقمة القدس.",
    )
    for t in key_terms_for(articles):
        assert t.kind != "person", t.text


def test_a_name_after_a_title_and_a_comma_is_a_person():
    articles = cluster(
        "قالت وزيرة الداخلية البريطانية، أمبر رود، إن السلطات ستكشف المادة.",
        "وترأست أمبر رود اجتماعا للجنة الطوارئ.",
    )
    assert _by_text(key_terms_for(articles))[normalize("أمبر رود")].kind == "person"


def test_an_adjective_is_not_the_place_it_is_named_after():
    articles = cluster(
        "دعمت المعارضة السورية الخطة وقدم البنك الدعم المالي.",
        "رفضت المعارضة السورية الخطة وطلب البنك الدعم المالي.",
    )
    found = _by_text(key_terms_for(articles))
    assert normalize("السورية") not in found and normalize("المالي") not in found
    assert all(t.kind != "place" for t in key_terms_for(articles))


def test_hashtag_words_are_read_as_words():
    articles = cluster("وصل #محمد_بن_سلمان إلى لندن.", "التقى محمد بن سلمان رئيسة الوزراء في لندن.")
    assert _by_text(key_terms_for(articles))[normalize("محمد بن سلمان")].kind == "person"


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
        assert t.text.strip() and t.kind in KINDS and t.count >= 1 and t.articles
