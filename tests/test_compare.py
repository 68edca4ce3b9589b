"""Outlet coverage, exclusives and disagreements (khulasa.compare)."""

from __future__ import annotations

import datetime as dt

import pytest

import khulasa
from khulasa import compare, pipeline
from khulasa.models import Article
from tests.conftest import article


def outlets_article(
    text: str, id: str, source: str, date: str = "2018-05-14", time: str | None = None
) -> Article:
    a = article(text, id, source=source, date=date)
    if time is None:
        return a
    return Article(a.id, a.text, a.source, a.title, a.date, extra={"time": time})


# --- coverage and exclusives ---------------------------------------------------------------------


def test_coverage_lists_every_outlet_of_each_summary_sentence(example_dir) -> None:
    articles = khulasa.load([str(example_dir)])
    summary = khulasa.summarize(articles, words=120)
    table = compare.coverage(summary)
    # one column per outlet: the example's two Al Jazeera articles share one
    assert table.outlets == tuple(dict.fromkeys(a.outlet for a in articles))
    assert len(table.rows) == len(summary.sentences)
    for row, sentence, flags in zip(table.rows, summary.sentences, table.matrix(), strict=True):
        assert set(row.outlets) == {s.source for s in sentence.sources}
        assert sum(flags) == len(row.outlets)


def test_exclusive_summary_sentences_when_several_outlets_cover_the_story() -> None:
    arts = [
        article("وصل الرئيس إلى العاصمة صباح اليوم في زيارة رسمية تستمر يومين.", "a", source="X"),
        article(
            "وصل الرئيس إلى العاصمة صباح اليوم في زيارة رسمية تستمر يومين. "
            "وتشمل الزيارة افتتاح مستشفى جديد في المدينة الشمالية.",
            "b",
            source="Y",
        ),
    ]
    summary = khulasa.summarize(arts, sentences=2)
    only = compare.exclusive(summary)
    assert [e.outlet for e in only] == ["Y"] and "مستشفى" in only[0].text
    assert compare.exclusive(khulasa.summarize(arts[:1], sentences=2)) == ()


def test_a_report_another_outlet_gives_in_other_words_is_no_exclusive() -> None:
    # the two leads are two units (reworded beyond a near-copy), each from one outlet: before the check
    # both were "only in" their outlet; the second sentences are the only true exclusives
    arts = [
        article(
            "أعلنت الشرطة النيجيرية فقدان 111 تلميذة بعد هجوم لجماعة بوكو حرام على مدرسة للبنات في بلدة"
            " دابتشي بولاية يوبي. وقال حاكم الولاية إنه سيزور البلدة غدا للقاء أسر الطالبات.",
            "a",
            source="X",
        ),
        article(
            "ما زالت 111 طالبة مفقودات منذ أن هاجم مسلحو بوكو حرام مدرستهن في دابتشي شمال شرق نيجيريا،"
            " بحسب الشرطة. وتعرضت قوافل الإغاثة في الإقليم لهجمات متكررة خلال الشهر الماضي.",
            "b",
            source="Y",
        ),
    ]
    summary = khulasa.summarize(arts, sentences=4)
    assert all(len(s.sources) == 1 for s in summary.sentences)  # four units, one outlet each
    only = compare.exclusive(summary)
    assert sorted((e.outlet, e.text.split()[0]) for e in only) == [("X", "وقال"), ("Y", "وتعرضت")]
    analysis = pipeline.analyze(arts)
    # the same with the caller's sentences, and for units
    assert compare.exclusive(summary, analysis.sentences) == only
    salience = [1.0] * len(analysis.units)
    units = compare.exclusive_units(analysis.units, arts, salience)
    assert sorted(e.text.split()[0] for e in units) == ["وتعرضت", "وقال"]


def test_exclusive_units_ranks_by_salience() -> None:
    arts = [
        article("انعقدت القمة في المدينة. وناقش القادة ملف الطاقة.", "a", source="X"),
        article("انعقدت القمة في المدينة. واتفق القادة على خط أنابيب جديد.", "b", source="Y"),
    ]
    analysis = pipeline.analyze(arts)
    salience = [float(len(u.articles)) for u in analysis.units]
    only = compare.exclusive_units(analysis.units, arts, salience, top=10)
    assert {e.outlet for e in only} == {"X", "Y"}
    assert all(len({s.source for s in e.sources}) == 1 for e in only)


def test_unit_coverage_table() -> None:
    arts = [
        article("انعقدت القمة في المدينة.", "a", source="X"),
        article("انعقدت القمة في المدينة.", "b", source="Y"),
    ]
    analysis = pipeline.analyze(arts)
    table = compare.unit_coverage(analysis.units, arts)
    assert table.outlets == ("X", "Y") and table.matrix() == ((True, True),)


# --- disagreements -------------------------------------------------------------------------------


def readings(found: tuple[compare.Disagreement, ...]) -> list[list[str]]:
    return [[r.text for r in d.readings] for d in found]


def test_death_toll_that_changes_during_the_day_is_reported_with_times() -> None:
    arts = [
        outlets_article(
            "وقتل 25 فلسطينيا برصاص الجيش الإسرائيلي على حدود غزة.",
            "a",
            "A",
            time="Mon, 14 May 2018 09:54:37 +0000",
        ),
        outlets_article(
            "أدت المواجهات إلى مقتل 40 فلسطينيا على الحدود.", "b", "B", time="Mon, 14 May 2018 13:25:17 +0000"
        ),
        outlets_article(
            # counts are paired when the words around them share something (here the border)
            "وارتفع عدد القتلى على حدود غزة إلى 58 شخصا بحسب وزارة الصحة.",
            "c",
            "C",
            time="Mon, 14 May 2018 22:22:23 +0000",
        ),
    ]
    (d,) = compare.disagreements(arts)
    assert d.kind == "count" and "قتيل" in d.fact  # the class named in Arabic, as the docs say
    assert [r.text for r in d.readings] == ["25", "40", "58"]
    assert [r.sources[0].source for r in d.readings] == ["A", "B", "C"]
    assert d.readings[0].sources[0].published == "2018-05-14T09:54:37Z"
    assert d.over_time
    assert arts[0].text[d.readings[0].sources[0].start : d.readings[0].sources[0].end] == "25"


@pytest.mark.parametrize("other", ["20", "٢٠", "عشرين", "عشرون"])
def test_same_number_written_two_ways_is_no_disagreement(other: str) -> None:
    arts = [
        outlets_article("قتل 20 شخصا في الانفجار الذي وقع في السوق.", "a", "A"),
        outlets_article(f"وأسفر الانفجار في السوق عن مقتل {other} شخصا.", "b", "B"),
    ]
    assert compare.disagreements(arts) == ()


def test_overlapping_intervals_are_no_disagreement() -> None:
    arts = [
        outlets_article("وأدى انهيار الجسر إلى مقتل حوالي 40 شخصا.", "a", "A"),
        outlets_article("وخلف انهيار الجسر 39 قتيلا.", "b", "B"),
        outlets_article("وقتل في انهيار الجسر أكثر من 30 شخصا.", "c", "C"),
    ]
    assert compare.disagreements(arts) == ()


def test_different_counts_of_different_things_are_no_disagreement() -> None:
    arts = [
        outlets_article("قتل 20 شخصا وأصيب 30 آخرون في القصف.", "a", "A"),
        outlets_article("وأصيب 30 شخصا في القصف الذي أدى إلى مقتل 20.", "b", "B"),
        outlets_article("وسقطت الطائرة من طراز آن-26 وعلى متنها ركاب.", "c", "C"),
        outlets_article("وقتل في الحادث 26 من الركاب.", "d", "D"),
    ]
    assert compare.disagreements(arts) == ()


def test_wounded_and_killed_disagree_separately() -> None:
    arts = [
        outlets_article("قتل 20 شخصا وأصيب 100 آخرون في الهجوم.", "a", "A", date="2018-05-14"),
        outlets_article("أسفر الهجوم عن مقتل 25 شخصا وإصابة 100 آخرين.", "b", "B", date="2018-05-15"),
    ]
    (d,) = compare.disagreements(arts)
    assert "قتيل" in d.fact and readings((d,)) == [["20", "25"]]


def test_amounts_in_the_same_unit_and_context() -> None:
    arts = [
        outlets_article("وهبطت الليرة التركية إلى 6.08 مقابل الدولار في تداولات الجمعة.", "a", "A"),
        outlets_article("وسجلت الليرة التركية 5.90 أمام الدولار في تداولات الجمعة.", "b", "B"),
    ]
    (d,) = compare.disagreements(arts)
    assert d.kind == "amount" and sorted(r.text for r in d.readings) == ["5.90", "6.08"]


def test_dates_of_the_same_event_that_differ() -> None:
    arts = [
        outlets_article(
            "وتتناول القمة المرتقبة بين ترامب وكيم في سنغافورة يوم 11 يونيو المقبل الملف النووي.",
            "a",
            "A",
            date="2018-05-22",
        ),
        outlets_article(
            "وستتناول القمة المرتقبة بين ترامب وكيم في سنغافورة في 12 يونيو المقبل الملف النووي.",
            "b",
            "B",
            date="2018-05-22",
        ),
    ]
    (d,) = compare.disagreements(arts)
    assert d.kind == "date" and sorted(r.text.split()[0] for r in d.readings) == ["11", "12"]


def test_same_date_written_two_ways_is_no_disagreement() -> None:
    arts = [
        outlets_article("وتعقد القمة المرتقبة في سنغافورة يوم 12 يونيو المقبل.", "a", "A", date="2018-05-10"),
        outlets_article(
            "وتعقد القمة المرتقبة في سنغافورة في 12 من حزيران/يونيو المقبل.", "b", "B", date="2018-05-10"
        ),
    ]
    assert compare.disagreements(arts) == ()


def test_direction_of_the_same_place() -> None:
    arts = [
        outlets_article("تحطمت طائرة نقل خلال هبوطها في مطار حميميم، شرق سوريا.", "a", "A"),
        outlets_article("تحطمت طائرة نقل عند الهبوط في قاعدة حميميم في غرب سوريا.", "b", "B"),
    ]
    (d,) = compare.disagreements(arts)
    assert d.kind == "place"


def test_units_of_a_cluster_state_one_fact() -> None:
    arts = [
        outlets_article("أعلنت الوزارة أن الحصيلة بلغت 30 قتيلا في المدينة.", "a", "A", date="2018-01-01"),
        outlets_article("أعلنت الوزارة أن الحصيلة بلغت 35 قتيلا في المدينة.", "b", "B", date="2018-01-02"),
    ]
    analysis = pipeline.analyze(arts)
    (d,) = compare.disagreements(analysis.articles, analysis.sentences, analysis.units)
    assert readings((d,)) == [["30", "35"]] and d.readings[0].sources[0].date == dt.date(2018, 1, 1)


def test_values_are_read_only_where_another_article_may_give_the_same_kind(monkeypatch) -> None:
    """Skipping the articles whose kinds of value no other article has changes nothing: the same
    disagreements as reading every article's values."""
    arts = [
        outlets_article("قتل 20 شخصا في الانفجار الذي وقع في السوق يوم 12 مايو.", "a", "A"),
        outlets_article("وأسفر الانفجار في السوق عن مقتل 25 شخصا يوم 13 مايو.", "b", "B"),
        outlets_article("وهبطت الليرة التركية إلى 6.08 مقابل الدولار شرق البلاد.", "c", "C"),
        outlets_article("وسجلت الأسهم 5.90 في المئة وصوت 300 نائب.", "d", "D"),
    ]
    assert compare._value_kinds(compare.Folded(arts[0].text)) == {"killed", "date"}
    assert compare._value_kinds(compare.Folded(arts[2].text)) == {"amount", "place"}
    found = compare.disagreements(arts)
    assert readings(found) == [["20", "25"], ["12 مايو", "13 مايو"]]
    every = {"date", "place", "amount", *compare.CLASSES.values()}
    monkeypatch.setattr(compare, "_value_kinds", lambda ft: every)
    assert compare.disagreements(arts) == found


def test_class_forms_are_the_words_that_have_a_class() -> None:
    """``_CLASS_FORMS`` (a set intersection) finds exactly the words ``_class_of`` gives a class."""
    words = {p + w for w in compare.CLASSES for p in ("", "و", "بال", "وال", "س", "ت")}
    words |= {w.replace("ي", "ى") for w in words} | {"قتلى", "والقتلى", "قتلت", "دولارين", "مئة"}
    for w in words:
        assert (w in compare._CLASS_FORMS) == (compare._class_of(w) is not None), w


def test_direction_phrases_found_at_direction_words_are_those_of_a_scan_of_the_whole_text() -> None:
    # ``_place_values`` tries the direction pattern only at the direction words a text holds (and at a
    # ``في`` before one): the same matches as ``finditer`` over every position, on random texts built
    # of directions with and without clitics, في/وفي, digits, punctuation and runs of spaces
    import random

    from khulasa.text.fold import Folded

    pieces = ["شمال", "جنوبي", "وشرق", "بغرب", "غربي", "شماليين", "في", "وفي", "سوريا", "المدينة", "5", "،", "ـ"]
    seps = [" ", "  ", "\n", "", " \t "]
    rng = random.Random(15)
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 12)))
        ft = Folded(text)
        present = ft.words & compare._DIRECTION_WORDS
        expected = [m.span() for m in compare._DIRECTION.finditer(ft.folded)]
        got = [m.span() for m in compare._directions(ft.folded, present)] if present else []
        assert got == expected, text
        found += len(expected)
    assert found > 1000


# --- precision in number-heavy stories (values of different facts are not paired) ---------------


def test_counts_of_one_class_done_different_things_are_no_disagreement() -> None:
    """``110 صواريخ أطلقت`` and ``اعترضت 71 صاروخا`` count missiles, but launched and intercepted are
    two facts; the launched counts of two outlets still disagree."""
    arts = [
        outlets_article("وقالت القيادة العامة للجيش إن 110 صواريخ أطلقت على مواقع في البلاد.", "a", "A"),
        outlets_article("وقال الجيش إن الدفاعات الجوية اعترضت 71 صاروخا أطلقت على مواقع في البلاد.", "b", "B"),
        outlets_article("وأعلنت وزارة الدفاع أنه تم إطلاق 105 صواريخ على مواقع في البلاد.", "c", "C"),
    ]
    assert readings(compare.disagreements(arts)) == [["105", "110"]]


def test_a_toll_of_another_time_is_not_paired_with_the_story_s_toll() -> None:
    """A number in a clause dated to another year (``في عام 2004``) or with ``الماضي`` states a fact
    of another time: the story's tolls are compared with each other, not with it."""
    arts = [
        outlets_article(
            "ضرب زلزال قوي الجزيرة اليوم وأسفر عن مقتل 384 شخصا في الجزيرة. "
            "وفي عام 2004، أدى زلزال وتسونامي في المحيط الهندي إلى مقتل أكثر من 226 ألف شخص.",
            "a",
            "A",
            date="2018-09-29",
        ),
        outlets_article(
            "وأدى الزلزال والتسونامي في المحيط الهندي إلى مقتل 832 شخصا.", "b", "B", date="2018-10-01"
        ),
        outlets_article(
            "وأدى الزلزال إلى مقتل 400 شخص. وفي فبراير الماضي قتل 100 شخص في زلزال آخر في الجزيرة.",
            "c",
            "C",
            date="2018-10-01",
        ),
    ]
    found = compare.disagreements(arts)
    assert readings(found) == [["384", "400", "832"]]


def test_a_toll_that_rose_to_a_number_counts_the_class_of_its_toll_noun() -> None:
    """``ارتفع عدد القتلى ... إلى 1234``: the class word stands far before the number."""
    arts = [
        outlets_article("وأعلنت الوكالة مقتل 832 شخصا في الزلزال.", "a", "A", date="2018-10-01"),
        outlets_article(
            "ارتفع عدد القتلى الذين تم حصرهم جراء الزلزال وموجات المد في إندونيسيا، إلى 1234 شخصا، "
            "حسبما أفادت الوكالة.",
            "b",
            "B",
            date="2018-10-02",
        ),
    ]
    (d,) = compare.disagreements(arts)
    assert d.fact == "قتيل" and [r.text for r in d.readings] == ["832", "1234"] and d.over_time


def test_numbers_that_count_something_else_are_no_disagreement() -> None:
    """A number with its own counted noun (``ثلاثة أهداف``), a duration (``50 دقيقة``), a time of day
    (``الساعة 2``), a year, an ordinal (``الـ23``), a model (``إس 300``) or a rate (``للصاروخ``) is not
    a count of the class word before it."""
    arts = [
        outlets_article("وأطلقت الدول الثلاث 12 صاروخا على المواقع خلال الضربات.", "a", "A"),
        outlets_article(
            "وطالت الضربات ثلاثة أهداف. واستغرقت الضربات نحو 50 دقيقة. وبدأت الضربات الساعة 2 فجرا. "
            "وجاءت الضربات في الذكرى الـ23 للحرب. وقد تزود موسكو دمشق بصواريخ إس 300 بعد الضربات. "
            "وهي أقسى الضربات منذ حرب 2014. وبلغت كلفة الصواريخ 850 ألف للصاروخ في الضربات.",
            "b",
            "B",
        ),
    ]
    assert compare.disagreements(arts) == ()


def test_values_listed_beside_others_of_their_kind_are_no_disagreement() -> None:
    """``9 صواريخ أمريكية و8 صواريخ بريطانية``: a breakdown, each value its own fact (even where two
    outlets' sentences are one information unit), and a part of a whole (``71 من 103``)."""
    arts = [
        outlets_article("واستهدف الموقع 9 صواريخ أمريكية و8 صواريخ بريطانية و5 صواريخ فرنسية.", "a", "A"),
        outlets_article("واستهدف الموقع 8 صواريخ أمريكية و9 صواريخ بريطانية و5 صواريخ فرنسية.", "b", "B"),
        outlets_article("وأكد الجيش أن الدفاعات دمرت 71 من 103 صواريخ استهدفت الموقع.", "c", "C"),
    ]
    analysis = pipeline.analyze(arts)
    assert compare.disagreements(analysis.articles, analysis.sentences, analysis.units) == ()


def test_counts_of_different_people_are_no_disagreement() -> None:
    arts = [
        outlets_article("وأصيب 3 إسرائيليين بجروح في سقوط قذيفة على منزل في البلدة.", "a", "A"),
        outlets_article("وأصيب 25 فلسطينيا بجروح في الغارات على البلدة.", "b", "B"),
    ]
    assert compare.disagreements(arts) == ()


def test_the_unit_after_a_number_is_its_unit() -> None:
    """``سبعة ملايين جنيه (قرابة 400 ألف دولار)``: the dollars are the second number's unit and the
    pounds the first's (a unit before a number counts only when none follows it), so the second is
    never read as pounds beside another outlet's ``7 ملايين جنيه``."""
    from khulasa.segment import segment
    from khulasa.text.fold import Folded

    a = outlets_article(
        "وتبلغ قيمة الوديعة المطلوبة للحصول على الجنسية سبعة ملايين جنيه مصري (قرابة 400 ألف دولار).",
        "b",
        "B",
    )
    values = compare._number_values(a, Folded(a.text), list(segment(a)), {}, (0,))
    assert [(v.text, sorted(v.units)) for v in values] == [
        ("سبعة ملايين", ["unit:pound"]),
        ("قرابة 400 ألف", ["unit:dollar"]),
    ]


def test_a_weekday_alone_and_dates_weeks_apart_are_no_date_disagreement() -> None:
    """``الأربعاء`` is resolved against each article's publication date (Wednesday 8 or 1 August):
    it is not compared; dates months apart date different things (hearings in April and October)."""
    arts = [
        outlets_article("وقالت المتحدثة باسم الخارجية الأربعاء إن واشنطن ستفرض العقوبات.", "a", "A", date="2018-08-08"),
        outlets_article("وكانت المتحدثة باسم الخارجية قالت الأربعاء إن واشنطن ستفرض العقوبات.", "b", "B", date="2018-08-09"),
        outlets_article("وستعقد المحكمة جلستها المقبلة في 12 أكتوبر للاستماع إلى الشهود.", "c", "C", date="2018-07-18"),
        outlets_article("ورفضت المحكمة في جلسة في 16 أبريل الإفراج عنه بعد الاستماع إلى الشهود.", "d", "D", date="2018-07-18"),
    ]
    assert compare.disagreements(arts) == ()


def test_directions_of_one_place_for_different_things_are_no_disagreement() -> None:
    arts = [
        outlets_article("وتعهد أردوغان بالتقدم نحو منبج، شرقي عفرين، بعد انتهاء الهجوم.", "a", "A"),
        outlets_article("وسيطرت القوات على بلدة جندايريس، غربي عفرين، بعد الهجوم.", "b", "B"),
    ]
    assert compare.disagreements(arts) == ()


def test_a_rate_and_a_stock_or_two_named_kinds_are_no_disagreement() -> None:
    """``3 ملايين برميل يوميا`` is a rate, ``153 مليار برميل`` a stock; ``صاروخا من طراز توماهوك`` and
    ``صاروخا من طراز جاسم`` count two kinds of missile."""
    arts = [
        outlets_article("ويصدر العراق نحو ثلاثة ملايين برميل من النفط يوميا عبر موانئ البصرة.", "a", "A"),
        outlets_article("وتبلغ احتياطيات العراق من النفط في البصرة 153 مليار برميل.", "b", "B"),
        outlets_article("وأطلقت المدمرة 23 صاروخا من طراز توماهوك على المواقع في سوريا.", "c", "C"),
        outlets_article("وأطلقت القاذفات 19 صاروخا من طراز جاسم على المواقع في سوريا.", "d", "D"),
    ]
    assert compare.disagreements(arts) == ()


def test_values_of_one_other_time_are_compared_with_each_other() -> None:
    """A time marks another fact, not no fact: tolls since the protests began are compared with each
    other, today's with today's."""
    arts = [
        outlets_article(
            "وقتل 25 فلسطينيا على حدود غزة اليوم. وبذلك قتل 46 فلسطينيا على حدود غزة منذ بدء الاحتجاجات.",
            "a",
            "A",
        ),
        outlets_article(
            "وقتل 40 فلسطينيا على حدود غزة اليوم. وقتل 60 فلسطينيا على حدود غزة منذ بدء الاحتجاجات.",
            "b",
            "B",
        ),
    ]
    assert sorted(readings(compare.disagreements(arts))) == [["25", "40"], ["46", "60"]]


def test_people_nouns_and_the_injury_phrase_after_a_count_keep_its_class() -> None:
    """``مقتل 12 طالبا``, ``أصيب 170 بجروح``: the word after the number names who was counted or how,
    not another thing counted."""
    arts = [
        outlets_article("وأدى القصف على المدرسة إلى مقتل 12 طالبا وأصيب 170 بجروح في المدرسة.", "a", "A"),
        outlets_article("وأسفر القصف على المدرسة عن مقتل 15 طالبا وأصيب 150 بجروح في المدرسة.", "b", "B"),
    ]
    assert sorted(readings(compare.disagreements(arts))) == [["12", "15"], ["150", "170"]]
