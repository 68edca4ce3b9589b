"""A date at its precision (khulasa.periods): the one formatting every renderer calls."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khulasa.periods import MONTH_NAMES, format_event_period, format_period, period_end, period_iso

D = dt.date


@pytest.mark.parametrize(
    ("date", "granularity", "end", "shown"),
    [
        (D(2017, 1, 1), "year", None, "2017"),  # never 2017-01-01
        (D(2017, 4, 1), "month", None, "نيسان/أبريل 2017"),
        (D(2017, 4, 4), "day", None, "2017-04-04"),
        (D(2011, 1, 1), "year", D(2015, 12, 31), "2011–2015"),
        (D(2017, 3, 1), "month", D(2017, 4, 30), "آذار/مارس – نيسان/أبريل 2017"),
        (D(2016, 12, 1), "month", D(2017, 1, 31), "كانون الأول/ديسمبر 2016 – كانون الثاني/يناير 2017"),
        (D(2016, 10, 9), "day", D(2016, 10, 13), "2016-10-09 – 2016-10-13"),
        (D(2017, 4, 1), "month", D(2017, 4, 30), "نيسان/أبريل 2017"),  # an end inside the period: no range
    ],
)
def test_a_date_is_shown_at_its_precision(date, granularity, end, shown):
    assert format_period(date, granularity, end) == shown


def test_iso_at_precision_is_a_valid_html_datetime_value():
    assert [period_iso(D(2017, 4, 4), g) for g in ("year", "month", "day")] == [
        "2017",
        "2017-04",
        "2017-04-04",
    ]


def test_a_period_ends_on_its_last_day():
    assert period_end(D(2016, 2, 1), "month") == D(2016, 2, 29)
    assert period_end(D(2017, 12, 1), "month") == D(2017, 12, 31)
    assert period_end(D(2017, 1, 1), "year") == D(2017, 12, 31)
    assert period_end(D(2017, 4, 4), "day") == D(2017, 4, 4)
    assert period_end(D(2016, 10, 9), "day", D(2016, 10, 13)) == D(2016, 10, 13)


def test_json_events_are_formatted_from_their_fields():
    assert format_event_period({"date": "2017-01-01", "end_date": None, "granularity": "year"}) == "2017"
    assert format_event_period({"date": "2017-04-01", "granularity": "month"}) == "نيسان/أبريل 2017"


def test_an_unknown_granularity_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="day, month, year"):
        format_period(D(2017, 1, 1), "week")


def test_twelve_months_each_named_twice():
    assert len(MONTH_NAMES) == 12 and all(name.count("/") == 1 for name in MONTH_NAMES)


@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2099, 12, 31)), st.sampled_from(["day", "month", "year"])
)
def test_the_shown_period_contains_the_date_and_its_end(date, granularity):
    end = period_end(date, granularity)
    assert date <= end and period_iso(date, granularity) == period_iso(end, granularity)
    assert str(date.year) in format_period(date, granularity)
