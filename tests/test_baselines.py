"""Baselines: one candidate set, one selection rule, deterministic, and sumy fed our sentences."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.errors import InvalidOptionsError, MissingExtraError
from khulasa.eval import baselines
from khulasa.options import SummaryOptions
from tests.conftest import EXAMPLE_DIR, article, cluster

STORY = (
    "أخبار اليوم\n"  # a heading: never a candidate
    "اجتمع الرئيس التركي مع الرئيس الروسي في موسكو اليوم لبحث العلاقات.\n"
    "وبحث الرئيسان الوضع في سوريا والتعاون الاقتصادي بين البلدين.\n"
    "وقال الرئيس الروسي إن وقف إطلاق النار في سوريا صامد.\n"
    "وكان الطقس باردا.\n"
    "وأعلن الرئيس التركي أن البلدين سيوقعان اتفاقات في مجال الطاقة."
)


def lines(text):
    return text.split("\n") if text else []


def test_candidates_are_the_non_heading_sentences_in_input_order():
    sentences = baselines.candidates([article(STORY)])
    assert [s.index for s in sentences] == [1, 2, 3, 4, 5]
    assert not any(s.is_heading for s in sentences)


def test_fill_skips_a_sentence_that_would_exceed_the_budget_and_keeps_going():
    sentences = baselines.candidates([article(STORY)])  # words: 11, 9, 9, 3, 10
    chosen = baselines.fill(sentences, [0, 1, 3, 2, 4], SummaryOptions(words=15))
    assert [s.index for s in chosen] == [1, 4]  # 11 fits, 9 would not, 3 fits -> 14, then 9 and 10 don't
    assert [s.index for s in baselines.fill(sentences, [4, 0], SummaryOptions(sentences=1))] == [5]


def test_fill_shows_the_chosen_sentences_in_document_order():
    sentences = baselines.candidates([article(STORY)])
    chosen = baselines.fill(sentences, [4, 2, 0], SummaryOptions(words=100))
    assert [s.index for s in chosen] == [1, 3, 5]


def test_lead_takes_the_first_sentences_and_round_robins_across_articles():
    one = baselines.get("lead")([article(STORY)], SummaryOptions(sentences=2))
    assert lines(one) == [STORY.split("\n")[1], STORY.split("\n")[2]]
    arts = cluster("خبر أول من هنا. خبر ثان من هنا.", "خبر أول من هناك. خبر ثان من هناك.")
    assert lines(baselines.get("lead")(arts, SummaryOptions(sentences=2))) == ["خبر أول من هنا.", "خبر أول من هناك."]


def test_random_is_deterministic_per_seed_and_differs_between_seeds():
    sentences = baselines.candidates([article(STORY)])
    assert baselines.rank_random(sentences, 0) == baselines.rank_random(sentences, 0)
    orders = {tuple(baselines.rank_random(sentences, seed)) for seed in range(6)}
    assert len(orders) > 1
    assert sorted(baselines.rank_random(sentences, 3)) == list(range(len(sentences)))
    assert baselines.get("random:2")([article(STORY)], SummaryOptions(words=20))


def test_unknown_or_malformed_system_names_are_refused_with_the_valid_ones():
    with pytest.raises(InvalidOptionsError, match="valid systems"):
        baselines.get("bert")
    with pytest.raises(InvalidOptionsError, match="whole number"):
        baselines.get("random:x")
    with pytest.raises(InvalidOptionsError, match="only random"):
        baselines.get("lead:1")


def test_no_candidate_sentence_gives_an_empty_summary():
    assert baselines.get("lead")([article("— … !")], SummaryOptions(words=10)) == ""
    assert baselines.get("lexrank")([article("")], SummaryOptions(words=10)) == ""


@pytest.mark.parametrize("method", baselines.SUMY_METHODS)
def test_every_sumy_method_returns_our_sentences_within_the_budget(method):
    articles = [article(STORY, "s")]
    summary = baselines.get(method)(articles, SummaryOptions(words=25))
    chosen = lines(summary)
    assert chosen and all(line in STORY.split("\n")[1:] for line in chosen)
    assert len(summary.split()) <= 25
    assert baselines.get(method)(articles, SummaryOptions(words=25)) == summary  # deterministic


@pytest.mark.parametrize("method", baselines.SUMY_METHODS)
def test_sumy_ranking_is_a_full_permutation_of_our_candidates(method):
    from khulasa.ingest import load

    sentences = baselines.candidates(load([str(EXAMPLE_DIR)]))
    ranking = baselines.sumy_ranker(method)(sentences)
    assert sorted(ranking) == list(range(len(sentences)))


def test_sumy_top_sentences_agree_with_sumys_own_top_n():
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.summarizers.lex_rank import LexRankSummarizer

    sentences = baselines.candidates([article(STORY)])
    words = baselines._SumyWords()
    doc = ObjectDocumentModel([Paragraph([SumySentence(s.text, words) for s in sentences])])
    plain = LexRankSummarizer(words.stem)
    plain.stop_words = baselines.STOPWORDS
    top = {str(s) for s in plain(doc, 2)}
    ranking = baselines.sumy_ranker("lexrank")(sentences)
    assert {sentences[i].text for i in ranking[:2]} == top


def test_sumy_words_are_folded_and_stemmed_from_their_unfolded_form():
    words = baselines._SumyWords()
    assert words.to_words("المدرسةُ الكبرى") == ("المدرسه", "الكبري")
    from khulasa.text.normalize import stem

    assert words.stem("المدرسه") == stem("المدرسة")


def test_missing_sumy_raises_an_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "sumy", None)
    with pytest.raises(MissingExtraError, match=r"khulasa\[bench\]"):
        baselines.get("lexrank")
    assert baselines.get("lead")  # lead and random never need sumy


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=40),
    st.randoms(use_true_random=False),
)
def test_fill_never_exceeds_the_word_budget_and_leaves_no_fitting_sentence_out(lengths, budget, rnd):
    text = "\n".join(" ".join(["كلمة"] * n) + "." for n in lengths)
    sentences = baselines.candidates([article(text)])
    ranking = list(range(len(sentences)))
    rnd.shuffle(ranking)
    chosen = baselines.fill(sentences, ranking, SummaryOptions(words=budget))
    used = sum(s.n_words for s in chosen)
    assert used <= budget
    assert all(s.n_words > budget - used for s in sentences if s not in chosen)


def test_the_install_hint_names_the_baseline_and_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sumy", None)
    with pytest.raises(MissingExtraError) as info:
        baselines.get("textrank")
    assert str(info.value) == (
        "the textrank baseline needs the 'sumy' package (install it with: pip install 'khulasa[bench]')"
    )
    assert info.value.extra == "bench" and info.value.exit_code == 2
