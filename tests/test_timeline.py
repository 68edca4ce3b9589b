"""Dates in Arabic news text and the timeline built from them (khulasa.timeline)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.models import Article, InfoUnit, Sentence
from khulasa.periods import format_period
from khulasa.segment import segment
from khulasa.text.normalize import count_words
from khulasa.timeline import (
    MAX_CLAUSE_CHARS,
    MAX_CLAUSE_WORDS,
    MONTHS,
    DateMention,
    clause_span,
    extract_timeline,
    is_opinion,
    parse_dates,
    timeline_for,
)
from tests.conftest import article

D = dt.date
MON = D(2016, 10, 10)  # a Monday: the Istanbul articles of the example cluster
FRI = D(2017, 3, 10)  # a Friday: the Moscow articles


def found(text: str, published: dt.date | None = MON) -> list[tuple[str, dt.date, dt.date | None, str]]:
    return [(m.expression, m.date, m.end_date, m.granularity) for m in parse_dates(text, published)]


# (text, publication date, [(expression, date, end_date, granularity)])
EXPLICIT = [
    (
        "ففي 24 نوفمبر/تشرين الثاني 2015 بلغ التوتر",
        None,
        [("24 نوفمبر/تشرين الثاني 2015", D(2015, 11, 24), None, "day")],
    ),
    ("لكن في 27 يونيو/حزيران 2016 قالت موسكو", None, [("27 يونيو/حزيران 2016", D(2016, 6, 27), None, "day")]),
    ("في 3 تشرين الأول/ أكتوبر 2016", None, [("3 تشرين الأول/ أكتوبر 2016", D(2016, 10, 3), None, "day")]),
    ("منذ أكتوبر (تشرين الأول) 2015", None, [("أكتوبر (تشرين الأول) 2015", D(2015, 10, 1), None, "month")]),
    ("في ٢٤ نوفمبر ٢٠١٥", None, [("٢٤ نوفمبر ٢٠١٥", D(2015, 11, 24), None, "day")]),
    ("الخامس من نوفمبر عام 2009", None, [("الخامس من نوفمبر عام 2009", D(2009, 11, 5), None, "day")]),
    (
        "في الحادي والعشرين من يناير 2019",
        None,
        [("الحادي والعشرين من يناير 2019", D(2019, 1, 21), None, "day")],
    ),
    (
        "بتاريخ 10/03/2017 و 2017-03-11",
        None,
        [("10/03/2017", FRI, None, "day"), ("2017-03-11", D(2017, 3, 11), None, "day")],
    ),
    ("في عام 2015.", None, [("عام 2015", D(2015, 1, 1), None, "year")]),
    ("في 2016 قالت روسيا", None, [("2016", D(2016, 1, 1), None, "year")]),
    ("بين عامي 2011 و2015", None, [("عامي 2011 و2015", D(2011, 1, 1), D(2015, 12, 31), "year")]),
]

MONTH_NAMES = [
    ("كانون الثاني", 1), ("شباط", 2), ("آذار", 3), ("نيسان", 4), ("أيار", 5), ("حزيران", 6),
    ("تموز", 7), ("آب", 8), ("أيلول", 9), ("تشرين الأول", 10), ("تشرين الثاني", 11), ("كانون الأول", 12),
    ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("أبريل", 4), ("ابريل", 4), ("إبريل", 4), ("مايو", 5),
    ("يونيو", 6), ("يونيه", 6), ("يوليو", 7), ("يوليه", 7), ("أغسطس", 8), ("اغسطس", 8), ("سبتمبر", 9),
    ("أكتوبر", 10), ("نوفمبر", 11), ("ديسمبر", 12),
    ("جانفي", 1), ("فيفري", 2), ("أفريل", 4), ("ماي", 5), ("جوان", 6), ("جويلية", 7), ("أوت", 8),
]  # fmt: skip

UNDERSPECIFIED = [
    # No year: the publication year unless that is far in the future of publication.
    ("الجمعة 10 مارس/آذار", FRI, [("الجمعة 10 مارس/آذار", FRI, None, "day")]),
    ("في يناير/كانون الثاني قالت روسيا", FRI, [("يناير/كانون الثاني", D(2017, 1, 1), None, "month")]),
    ("وشنت تركيا عملية في أغسطس/آب", FRI, [("أغسطس/آب", D(2016, 8, 1), None, "month")]),
    ("بين 14 و15 مارس/آذار", FRI, [("14 و15 مارس/آذار", D(2017, 3, 14), D(2017, 3, 15), "day")]),
    (
        "من 9 وإلى 13 تشرين الأول/ أكتوبر",
        MON,
        [("9 وإلى 13 تشرين الأول/ أكتوبر", D(2016, 10, 9), D(2016, 10, 13), "day")],
    ),
    (
        "من 30 سبتمبر إلى 2 أكتوبر 2016",
        MON,
        [("30 سبتمبر إلى 2 أكتوبر 2016", D(2016, 9, 30), D(2016, 10, 2), "day")],
    ),
    ("في 5 يناير", D(2016, 12, 20), [("5 يناير", D(2017, 1, 5), None, "day")]),
    ("ومن المقرر أن تعقد القمة في 11 نوفمبر", D(2018, 8, 17), [("11 نوفمبر", D(2018, 11, 11), None, "day")]),
    # الماضي / المقبل / الجاري
    ("في يونيو/حزيران الماضي", MON, [("يونيو/حزيران الماضي", D(2016, 6, 1), None, "month")]),
    ("في أغسطس/آب الماضي", MON, [("أغسطس/آب الماضي", D(2016, 8, 1), None, "month")]),
    ("وفي 9 أغسطس/آب الماضي زار أردوغان", FRI, [("9 أغسطس/آب الماضي", D(2016, 8, 9), None, "day")]),
    ("في مارس الماضي", FRI, [("مارس الماضي", D(2016, 3, 1), None, "month")]),
    ("حتى شباط المقبل", MON, [("شباط المقبل", D(2017, 2, 1), None, "month")]),
    ("في التاسع من مارس الجاري", FRI, [("التاسع من مارس الجاري", D(2017, 3, 9), None, "day")]),
    ("وفي مايو من العام الماضي", FRI, [("مايو من العام الماضي", D(2016, 5, 1), None, "month")]),
]

RELATIVE = [
    ("محادثات اليوم الاثنين", MON, [("اليوم الاثنين", MON, None, "day")]),
    ("ووصل الرئيس صباح اليوم إلى إسطنبول", MON, [("صباح اليوم", MON, None, "day")]),
    ("وقال أمس إن", MON, [("أمس", D(2016, 10, 9), None, "day")]),
    ("وقال امس إن", MON, [("امس", D(2016, 10, 9), None, "day")]),
    ("وصل أول أمس", MON, [("أول أمس", D(2016, 10, 8), None, "day")]),
    ("يصل غدا الثلاثاء", MON, [("غدا الثلاثاء", D(2016, 10, 11), None, "day")]),
    ("يصل غداً إلى", MON, [("غداً", D(2016, 10, 11), None, "day")]),
    ("الأسبوع الماضي", MON, [("الأسبوع الماضي", D(2016, 10, 1), D(2016, 10, 7), "day")]),
    ("الشهر الماضي", MON, [("الشهر الماضي", D(2016, 9, 1), None, "month")]),
    ("في 12 من الشهر الماضي", MON, [("12 من الشهر الماضي", D(2016, 9, 12), None, "day")]),
    ("العام الماضي", MON, [("العام الماضي", D(2015, 1, 1), None, "year")]),
    ("السنة الماضية", MON, [("السنة الماضية", D(2015, 1, 1), None, "year")]),
    ("العام المقبل", MON, [("العام المقبل", D(2017, 1, 1), None, "year")]),
    ("الجمعة الماضية", MON, [("الجمعة الماضية", D(2016, 10, 7), None, "day")]),
    ("السبت المقبل", MON, [("السبت المقبل", D(2016, 10, 15), None, "day")]),
    ("وقعت الهجمات يوم السبت", MON, [("يوم السبت", D(2016, 10, 8), None, "day")]),
    ("وأعرب عن أمله بأن يناقش الاقتراح يوم السبت", MON, [("يوم السبت", D(2016, 10, 15), None, "day")]),
    ("وسيعقد الاجتماع يوم الخميس", MON, [("يوم الخميس", D(2016, 10, 13), None, "day")]),
    ("وقال الجيش الأحد إن", MON, [("الأحد", D(2016, 10, 9), None, "day")]),
    ("دعت النقابات للتظاهر الثلاثاء", MON, [("الثلاثاء", D(2016, 10, 11), None, "day")]),
]

NOT_DATES = [
    "في عام 1438 هـ",
    "قتل في 2000 شخص",
    "يمارس الرياضة كل يوم",
    "ذهب إلى مارس",
    "وقال الاثنين إنهما اتفقا",  # الاثنين = "the two"
    "بعد صلاة الجمعة",
    "المدعي العام الحالي",
    "غدا الوضع أسوأ",  # غدا = "became"
    "العدد 24 من المجلة",
    "شارك 250 وزيراً في المؤتمر الـ23",
    "اليوم التالي",
    "نقلت قناة روسيا اليوم عن مصدر",  # a TV channel
    "في الصحف اليوم",  # a column heading
    "ولا تزال المفاوضات متعثرة حتى اليوم",  # "until today": a state, not an event
    "في مثل هذا اليوم من عام",  # "on this day", years ago
    "",
    "no Arabic here 1234",
]


@pytest.mark.parametrize(("text", "published", "expected"), EXPLICIT + UNDERSPECIFIED + RELATIVE)
def test_date_expressions_are_found_and_resolved(text, published, expected):
    assert found(text, published) == expected


@pytest.mark.parametrize(("name", "month"), MONTH_NAMES)
def test_every_month_name_with_day_and_year(name, month):
    assert found(f"في 5 {name} 2014", None) == [(f"5 {name} 2014", D(2014, month, 5), None, "day")]


@pytest.mark.parametrize(("name", "month"), MONTH_NAMES)
def test_every_month_name_alone_after_a_cue(name, month):
    ((expression, date, _, granularity),) = found(f"وقع ذلك في {name} فقط", MON)
    assert (expression, date.month, granularity) == (name, month, "month")


def test_month_names_may_carry_a_conjunction():
    assert found("وشباط 2016", None) == [("شباط 2016", D(2016, 2, 1), None, "month")]


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text):
    assert found(text, MON) == []


def test_relative_expressions_are_skipped_without_a_publication_date():
    text = "قال أمس إن الاتفاق وقع في 24 نوفمبر 2015 وسيطبق الشهر المقبل في 5 مارس"
    assert found(text, None) == [("24 نوفمبر 2015", D(2015, 11, 24), None, "day")]


def test_today_with_a_disagreeing_weekday_takes_the_nearest_such_day():
    # Published late on Monday with the next day's date: اليوم الاثنين is still the Monday.
    assert found("اليوم الاثنين", D(2016, 10, 11)) == [("اليوم الاثنين", MON, None, "day")]


def test_same_month_refers_to_the_mention_before_it_even_in_another_sentence():
    text = "ففي 24 نوفمبر/تشرين الثاني 2015 بلغ التوتر ذروته.\nوفي 28 من الشهر ذاته وقع بوتين مرسوما."
    assert found(text, FRI)[1] == ("28 من الشهر ذاته", D(2015, 11, 28), None, "day")


def test_same_month_without_an_earlier_mention_is_skipped():
    assert found("وفي 28 من الشهر ذاته وقع بوتين مرسوما", FRI) == []


def test_relative_flag_tells_which_mentions_needed_the_publication_date():
    mentions = parse_dates("في 24 نوفمبر 2015 ثم أمس ثم في 10 مارس", FRI)
    assert [m.relative for m in mentions] == [False, True, True]


def test_mention_offsets_index_the_text():
    text = "اجتمع الرئيسان في موسكو، الجمعة 10 مارس/آذار، بعد لقاء في أغسطس/آب الماضي."
    for m in parse_dates(text, FRI):
        assert text[m.start : m.end] == m.expression


def test_deictic_flag_marks_today_yesterday_and_tomorrow_only():
    mentions = parse_dates(
        "وصل اليوم الاثنين بعد أن غادر أمس، ويعود غدا الثلاثاء، وكان قد زار أنقرة في 2015", MON
    )
    assert [(m.expression, m.deictic) for m in mentions] == [
        ("اليوم الاثنين", True),
        ("أمس", True),
        ("غدا الثلاثاء", True),
        ("2015", False),
    ]


def test_date_mention_is_frozen():
    (m,) = parse_dates("عام 2015", None)
    assert isinstance(m, DateMention)
    with pytest.raises(AttributeError):
        m.date = D(2000, 1, 1)  # type: ignore[misc]


def test_month_table_covers_all_twelve_months_in_each_naming():
    assert set(MONTHS.values()) == set(range(1, 13))


_ARABICISH = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويىةءأإآؤئ٠١٢٣٤٥٦٧٨٩0123456789 /-.،\n()ـً")),
    max_size=200,
)
_DATE_WORDS = st.lists(
    st.sampled_from(
        ["في", "من", "إلى", "و", "الماضي", "المقبل", "اليوم", "أمس", "غدا", "يوم", "السبت", "الاثنين",
         "الشهر", "ذاته", "عام", "2015", "24", "15", "31", "نوفمبر/تشرين الثاني", "آب", "مارس", "الأول",
         "الحادي والعشرين", "هـ", "/", "-", "،", "."]
    ),
    max_size=30,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(_ARABICISH, _DATE_WORDS, st.text(max_size=100)), published=st.one_of(st.none(), st.dates())
)
def test_parse_dates_never_crashes_and_mentions_are_well_formed(text, published):
    previous_end = 0
    for m in parse_dates(text, published):
        assert 0 <= previous_end <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.expression
        assert m.granularity in ("day", "month", "year")
        assert m.end_date is None or m.end_date > m.date
        previous_end = m.end


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
