"""One definition of an information unit (``khulasa.dedup.same_unit``): dedup's grouping and the update
summaries of stories (``--update``, ``--since``, ``--watch --update``) decide alike.

A short sentence (at most ``SHORT_TERMS`` distinct terms) is one unit with another only when their
normalized words are equal: "الزمالك beat الأهلي" is not "الأهلي beat الزمالك", though the two have
the same term set.  The update summaries once used the term sets for short sentences too, and dropped
such a sentence as already reported.
"""

from __future__ import annotations

import datetime as dt

import pytest

from khulasa.dedup import UnitForm, group_sentences, same_unit
from khulasa.models import Article
from khulasa.segment import segment
from khulasa.stories import StoryOptions
from khulasa.stories.cluster import Assignment, Member
from khulasa.stories.story import Earlier, make_story

EARLIER = "فاز الأهلي على الزمالك."
REVERSED = "فاز الزمالك على الأهلي."
LONG = ("أعلن وزير الخارجية المصري في مؤتمر صحفي بالقاهرة اليوم عن اتفاق جديد مع الأردن لتوسيع التجارة "
        "بين البلدين وزيادة الاستثمارات المشتركة.")
LONG_REWORDED = ("وأعلن وزير الخارجية المصري في مؤتمر صحفي بالقاهرة اليوم عن اتفاق جديد مع الأردن لتوسيع "
                 "التجارة بين البلدين.")

PAIRS = [
    (EARLIER, REVERSED),  # short, same terms, other words
    (EARLIER, "فاز الأهلي على الزمالك"),  # short, the same words
    (LONG, LONG_REWORDED),  # long, near-identical
    (LONG, "ارتفعت أسعار النفط في الأسواق العالمية اليوم بعد قرار أوبك خفض الإنتاج مجددا."),  # long, other news
    (EARLIER, LONG),  # short and long
]


def sentences_of(*texts: str) -> list:
    return [s for k, text in enumerate(texts) for s in segment(Article(id=f"a{k}", text=text))]


def test_short_sentences_with_the_same_terms_in_another_order_are_two_units():
    a, b = UnitForm.of(EARLIER), UnitForm.of(REVERSED)
    assert a.terms == b.terms  # the rule the update summaries once used called them one unit
    assert not same_unit(a, b)
    assert len(group_sentences(sentences_of(EARLIER, REVERSED))) == 2


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_same_unit_says_what_dedup_groups(first, second):
    one, two = sentences_of(first, second)
    grouped = len(group_sentences([one, two])) == 1
    assert same_unit(UnitForm.of(one.text, one.terms), UnitForm.of(two.text, two.terms)) is grouped
    assert same_unit(UnitForm.of(first), UnitForm.of(second)) is grouped  # from text alone, the same


def _story(earlier_text: str, new_text: str) -> tuple[Assignment, list[Article]]:
    articles = [Article(id="old", text=earlier_text, source="x", date=dt.date(2021, 3, 1)),
                Article(id="new", text=new_text, source="y", date=dt.date(2021, 3, 3))]
    members = tuple(Member(a.id, k, a.date, 1.0, None) for k, a in enumerate(articles))
    return Assignment("s", 0, members), articles


def test_an_update_summary_keeps_a_short_sentence_dedup_tells_apart_from_an_earlier_one():
    new_text = REVERSED + " " + LONG
    assignment, articles = _story(EARLIER + " " + LONG_REWORDED, new_text)
    record = make_story(assignment, articles, StoryOptions(clusterer="trees"),
                        Earlier(frozenset({"old"}), (EARLIER,))).to_dict()
    texts = [s["text"] for s in record["update_summary"]["sentences"]]
    assert REVERSED in texts  # a new fact; the old rule dropped it as "already reported"
    assert LONG not in texts  # a unit of the earlier article: still left out
    # and the same sentence as the earlier one is left out
    assignment, articles = _story(EARLIER + " " + LONG_REWORDED, EARLIER + " " + LONG)
    record = make_story(assignment, articles, StoryOptions(clusterer="trees"),
                        Earlier(frozenset({"old"}), (EARLIER,))).to_dict()
    summary = record["update_summary"]
    assert summary is None or EARLIER not in [s["text"] for s in summary["sentences"]]
