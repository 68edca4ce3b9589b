"""The timeline built from the dates of information units (khulasa.timeline)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from khulasa.models import Article, InfoUnit, Sentence
from khulasa.periods import format_period
from khulasa.segment import segment
from khulasa.text.normalize import count_words
from khulasa.timeline import (
    MAX_CLAUSE_CHARS,
    MAX_CLAUSE_WORDS,
    clause_span,
    extract_timeline,
    is_opinion,
    timeline_for,
)
from tests.conftest import article

D = dt.date
MON = D(2016, 10, 10)  # a Monday: the Istanbul articles of the example cluster
FRI = D(2017, 3, 10)  # a Friday: the Moscow articles


# --- the timeline ----------------------------------------------------------------------------------------


def _sentence(a: Article, text: str, index: int = 0) -> Sentence:
    start = a.text.index(text)
    return Sentence(article_id=a.id, index=index, start=start, end=start + len(text), text=text,
                    n_words=count_words(text))


def test_a_unit_gives_one_event_per_date_with_every_supporting_sentence():
    s1 = "وأعلن بوتين أن الاقتراح سيناقش يوم السبت في سويسرا."
    a = article(s1, "a", source="outlet-a", date="2016-10-10")
    b = article(s1, "b", source="outlet-b", date="2016-10-10")
    unit = InfoUnit(0, _sentence(a, s1), (_sentence(a, s1), _sentence(b, s1)))
    (event,) = extract_timeline([a, b], [unit])
    assert (event.date, event.granularity, event.relative) == (D(2016, 10, 15), "day", True)
    assert event.text == s1
    assert [(x.article_id, x.source, x.start, x.end) for x in event.sources] == [
        ("a", "outlet-a", 0, len(s1)),
        ("b", "outlet-b", 0, len(s1)),
    ]


def test_the_same_words_published_on_different_days_are_different_events():
    text = "ووصل الرئيس اليوم إلى موسكو."
    a = article(text, "a", date="2016-10-10")
    b = article(text, "b", date="2017-03-10")
    unit = InfoUnit(0, _sentence(a, text), (_sentence(a, text), _sentence(b, text)))
    events = extract_timeline([a, b], [unit])
    assert [(e.date, [s.article_id for s in e.sources]) for e in events] == [(MON, ["a"]), (FRI, ["b"])]


def test_near_duplicate_units_on_the_same_date_merge_and_events_sort_by_date_then_support():
    a = article("ولم يبدأ التقارب والتطبيع بين البلدين مجددا إلا في حزيران الماضي.", "a", date="2016-10-10")
    b = article(
        "ولم يبدأ التقارب والتطبيع بين البلدين مجددا إلا في يونيو/حزيران الماضي.", "b", date="2016-10-10"
    )
    c = article(
        "وأسقطت تركيا طائرة روسية في عام 2015. واجتمع وزراء الطاقة في يونيو/حزيران الماضي.",
        "c",
        date="2016-10-10",
    )
    units = [
        InfoUnit(i, s, (s,))
        for i, s in enumerate(
            [
                _sentence(a, a.text),
                _sentence(b, b.text),
                _sentence(c, "وأسقطت تركيا طائرة روسية في عام 2015."),
                _sentence(c, "واجتمع وزراء الطاقة في يونيو/حزيران الماضي.", 1),
            ]
        )
    ]
    events = extract_timeline([a, b, c], units)
    # all three lie before the articles (2016-10-10): background, by date, then most sources first
    assert [(e.date, e.granularity, len(e.sources), e.background) for e in events] == [
        (D(2015, 1, 1), "year", 1, True),
        (D(2016, 6, 1), "month", 2, True),  # a and b merged
        (D(2016, 6, 1), "month", 1, True),
    ]


def test_timeline_of_articles_without_dates_is_empty():
    assert timeline_for([article("قال الرئيس إن المحادثات كانت مثمرة.", date="2016-10-10")]) == ()
    assert extract_timeline([], []) == ()


def _example_articles(example_dir: Path) -> list[Article]:
    meta = json.loads((example_dir / "metadata.json").read_text(encoding="utf-8"))
    return [
        Article(id=p.stem, text=p.read_text(encoding="utf-8"), date=D.fromisoformat(meta[p.stem]["date"]))
        for p in sorted(example_dir.glob("*.txt"))
    ]


def test_example_cluster_timeline_has_the_story_dates(example_dir):
    events = timeline_for(_example_articles(example_dir))
    days = {e.date for e in events if e.granularity == "day"}
    assert {D(2015, 11, 24), D(2016, 6, 27), D(2016, 8, 9), MON, FRI} <= days
    months = {e.date for e in events if e.granularity == "month"}
    assert D(2016, 6, 1) in months
    # the story's own events (from its first article, 2016-10-10, on) first, then the history it recalls
    story = [e for e in events if not e.background]
    background = [e for e in events if e.background]
    assert events == (*story, *background)
    assert [e.date for e in story] == sorted(e.date for e in story)
    assert [e.date for e in background] == sorted(e.date for e in background)
    assert min(e.date for e in story) >= D(2016, 1, 1) and max(e.date for e in background) < MON
    (june,) = [e for e in events if e.date == D(2016, 6, 1)]
    assert [s.article_id[:3] for s in june.sources] == ["000", "001"]  # حزيران الماضي + يونيو/حزيران الماضي
    today = [e for e in events if e.expression == "اليوم الاثنين"]
    assert today and all(e.date == MON and e.relative for e in today)


# --- background, entries, merging, deictic dates -----------------------------------------------------


def _timeline(*texts: str, date: str = "2018-05-20", titles: tuple[str, ...] = ()) -> tuple:
    articles = [
        Article(id=f"a{i}", text=t, source=f"outlet{i}", date=D.fromisoformat(date), title=title)
        for i, (t, title) in enumerate(zip(texts, [*titles, *[None] * len(texts)], strict=False))
    ]
    return timeline_for(articles)


def test_background_is_what_ended_before_the_story_at_its_precision():
    events = _timeline(
        "وأعلنت الحكومة في عام 2018 خطة جديدة لدعم الاقتصاد.",  # the story's year: not before a May story
        "وكانت الحكومة قد أعلنت في أبريل الماضي خطة أولى للدعم.",  # last month: before
        "وقالت الوزارة إن القوات دخلت المدينة يوم الجمعة الماضي.",  # two days before the first article
        "ووقع الرئيس الاتفاق في 5 مايو قبل أن يغادر إلى باريس.",  # fifteen days before
    )
    found = {(e.date, e.granularity): e.background for e in events}
    assert found == {
        (D(2018, 1, 1), "year"): False,
        (D(2018, 4, 1), "month"): True,
        (D(2018, 5, 18), "day"): False,
        (D(2018, 5, 5), "day"): True,
    }
    assert [e.background for e in events] == [False, False, True, True]  # the story's events first


def test_since_and_ranges_that_began_before_the_story_are_history():
    events = _timeline(
        "ويعيش البلد أزمة سياسية منذ مايو دون أي حل في الأفق.",  # May 2018, began before the 20th
        "وشهدت البلاد بين عامي 2011 و2018 حربا أهلية طويلة ودامية.",
    )
    assert [(e.expression, e.background) for e in events] == [("عامي 2011 و2018", True), ("مايو", True)]


def test_without_publication_dates_nothing_is_background():
    (event,) = timeline_for([article("وأسقطت تركيا طائرة روسية في عام 2015 قرب الحدود السورية.")])
    assert not event.background


def test_the_same_event_from_two_outlets_is_one_entry_with_both_exact_sources():
    a = "أعلنت وزارة الدفاع الروسية السبت مقتل 20 مسلحا في غارات جوية على ريف إدلب الجنوبي، بحسب بيان رسمي."
    b = "قالت وزارة الدفاع الروسية إن غاراتها الجوية قتلت السبت 20 مسلحا في ريف إدلب."
    c = "وفي سياق آخر، افتتح وزير التعليم السبت معرضا للكتاب في العاصمة بحضور عدد من الكتاب."
    events = _timeline(a, b, c)
    assert [len(e.sources) for e in events] == [2, 1]
    merged = events[0]
    texts = {"a0": a, "a1": b, "a2": c}
    assert [s.article_id for s in merged.sources] == ["a0", "a1"]
    for s in merged.sources:
        assert "السبت" in texts[s.article_id][s.start : s.end]
    assert merged.text == a[merged.sources[0].start : merged.sources[0].end]
    assert events[1].sources[0].article_id == "a2"


LONG = (
    "وقال المتحدث باسم الحكومة في مؤتمر صحفي عقده في العاصمة بعد اجتماع استمر عدة ساعات مع ممثلي "
    "الأحزاب والنقابات، إن الحكومة ستبدأ في 15 يونيو تطبيق الإجراءات الجديدة التي أقرها البرلمان "
    "الأسبوع الماضي، وإنها ستراقب آثارها على الأسعار والأجور طوال الأشهر المقبلة قبل أن تقرر أي تعديل عليها."
)


def test_an_entry_is_the_clause_that_carries_the_date_with_exact_offsets():
    (entry,) = [e for e in _timeline(LONG) if e.expression == "15 يونيو"]
    (source,) = entry.sources
    assert LONG[source.start : source.end] == entry.text
    # cut at the commas around it (the clause after ``وقال ... ،`` up to ``، وإنها``), no comma kept
    assert (
        entry.text
        == "إن الحكومة ستبدأ في 15 يونيو تطبيق الإجراءات الجديدة التي أقرها البرلمان الأسبوع الماضي"
    )
    assert len(entry.text) <= MAX_CLAUSE_CHARS and len(entry.text.split()) <= MAX_CLAUSE_WORDS


def test_two_dates_of_one_sentence_get_their_own_clauses():
    text = "اندلعت الاحتجاجات في عام 2011 في المدن الكبرى، وفي عام 2015 تدخلت روسيا عسكريا في البلاد."
    events = timeline_for([article(text, date="2018-05-20")])
    by_year = {e.date.year: e.text for e in events}
    assert by_year == {
        2011: "اندلعت الاحتجاجات في عام 2011 في المدن الكبرى",
        2015: "وفي عام 2015 تدخلت روسيا عسكريا في البلاد.",
    }


def test_a_short_sentence_with_one_date_is_its_own_entry():
    text = "ووصل الرئيس الروسي يوم الاثنين إلى إسطنبول."
    (event,) = timeline_for([article(text, date="2016-10-10")])
    assert event.text == text and (event.sources[0].start, event.sources[0].end) == (0, len(text))


def test_clause_span_cuts_at_commas_but_not_inside_numbers_and_keeps_quotes_closed():
    text = (
        'وقالت الوزارة في بيان نشرته الأحد: "ارتفعت الصادرات إلى 3,2 مليار دولار"، '
        "مضيفة أن الواردات تراجعت بشكل ملحوظ خلال الفترة نفسها من العام."
    )
    start = text.index("الأحد")
    s, e = clause_span(text, 0, len(text), start, start + len("الأحد"))
    assert text[s:e] == 'وقالت الوزارة في بيان نشرته الأحد: "ارتفعت الصادرات إلى 3,2 مليار دولار"'


def test_a_date_alone_between_commas_takes_in_the_clauses_around_it():
    text = (
        "وأعلنت وزارة الخارجية، يوم السبت، أن المفاوضات ستستأنف في جنيف بمشاركة جميع الأطراف المعنية "
        "بالأزمة، بعد توقف دام أكثر من ستة أشهر بسبب الخلافات حول جدول الأعمال والمشاركين فيها."
    )
    start = text.index("يوم السبت")
    s, e = clause_span(text, 0, len(text), start, start + len("يوم السبت"))
    assert text[s:e].startswith("وأعلنت وزارة الخارجية، يوم السبت، أن المفاوضات")


def test_year_and_month_dates_keep_their_precision():
    events = _timeline(
        "وكانت الحكومة قد رفعت الأسعار العام الماضي بنسبة كبيرة.",
        "وبدأ تطبيق القانون في مارس 2017 بعد إقراره في البرلمان.",
    )
    assert {(e.granularity, format_period(e.date, e.granularity, e.end_date)) for e in events} == {
        ("year", "2017"),
        ("month", "آذار/مارس 2017"),
    }


DISCLAIMER = "** جميع المقالات المنشورة تمثل رأي كتابها فقط."
NEWS_TODAY = "وأعلن وزير الخارجية اليوم الأحد عن زيارة مرتقبة إلى موسكو."


def test_today_in_news_with_a_verb_is_kept():
    (event,) = _timeline(NEWS_TODAY)
    assert (event.date, event.expression) == (D(2018, 5, 20), "اليوم الأحد")


def test_today_in_an_opinion_piece_is_dropped():
    assert _timeline(NEWS_TODAY, titles=("رأي: زيارة في وقتها",)) == ()
    assert _timeline(NEWS_TODAY + "\n" + DISCLAIMER) == ()
    assert _timeline(NEWS_TODAY, titles=("بشار جرار يكتب.. زيارة في وقتها",)) == ()


def test_an_opinion_piece_keeps_its_explicit_dates():
    (event,) = _timeline("وقد وقع الاتفاق في 5 مايو 2018 بعد مفاوضات طويلة.\n" + DISCLAIMER)
    assert event.date == D(2018, 5, 5)


def test_today_with_no_verb_is_dropped():
    assert _timeline("مباريات اليوم في الدوري الممتاز: الأهلي ضد الزمالك والإسماعيلي ضد المصري.") == ()


def test_opinion_is_read_from_genre_title_or_a_disclaimer_line():
    plain = article(NEWS_TODAY)
    assert not is_opinion(plain)
    assert is_opinion(Article(id="x", text=NEWS_TODAY, extra={"genre": "Opinion"}))
    assert is_opinion(Article(id="x", text=NEWS_TODAY, title="تحليل: ماذا بعد القمة؟"))
    assert is_opinion(Article(id="x", text=NEWS_TODAY + "\n" + DISCLAIMER))
    assert not is_opinion(Article(id="x", text=NEWS_TODAY, title="تحليل عينات التربة يكشف التلوث"))


def test_timeline_entries_point_into_their_sentences(example_dir):
    articles = _example_articles(example_dir)
    by_id = {a.id: a for a in articles}
    sentences = {(s.article_id, s.start, s.end) for a in articles for s in segment(a)}
    for e in timeline_for(articles):
        for s in e.sources:
            assert any(a == s.article_id and lo <= s.start < s.end <= hi for a, lo, hi in sentences)
        shown = e.sources[0]
        assert by_id[shown.article_id].text[shown.start : shown.end] == e.text
        assert len(e.text) <= MAX_CLAUSE_CHARS + 1  # a closing quote may be taken in
