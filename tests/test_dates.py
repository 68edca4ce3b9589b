"""Dates in Arabic news text: the tagger (khulasa.dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.dates import MONTHS, DateMention, parse_dates

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
