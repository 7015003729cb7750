"""Working days between a message and its reply, on the official holiday schedule with 调休.

Counts checked by hand against the State Council schedules: 2019 国庆 10-01..10-07 off, Sunday
09-29 and Saturday 10-12 worked; 2020 春节 01-24..01-30 off, Sunday 01-19 worked, and the
holiday extended to Sunday 02-02 (国办发明电〔2020〕1号), so Saturday 02-01 was not worked."""
from __future__ import annotations

import datetime as dt

import pytest

from analytics.workdays import parse_day, supported_years, working_days_between

D = dt.date


@pytest.mark.parametrize("asked, answered, days", [
    (D(2019, 9, 27), D(2019, 10, 8), 3),   # 09-29 (Sun, 调休), 09-30, 10-08; Mon-Fri would say 7
    (D(2019, 9, 30), D(2019, 10, 7), 0),   # the whole 国庆 week off
    (D(2019, 10, 11), D(2019, 10, 14), 2),  # Sat 10-12 worked (调休), Mon 10-14
    (D(2020, 1, 17), D(2020, 2, 3), 6),    # 01-19 (Sun, 调休), 01-20..23, 02-03
    (D(2020, 1, 23), D(2020, 2, 2), 0),    # 春节 plus the extension: nothing worked
    (D(2019, 5, 10), D(2019, 5, 13), 1),   # an ordinary weekend: Friday -> Monday
    (D(2019, 5, 10), D(2019, 5, 10), 0),   # same day
])
def test_working_days_follow_the_official_schedule(asked, answered, days):
    assert working_days_between(asked, answered) == days


def test_answer_before_question_counts_zero_not_negative():
    assert working_days_between(D(2019, 10, 8), D(2019, 9, 27)) == 0


def test_timestamps_count_by_calendar_day():
    assert working_days_between(dt.datetime(2019, 9, 27, 23, 59), dt.datetime(2019, 10, 8, 0, 1)) == 3


def test_years_without_a_schedule_fall_back_to_monday_to_friday():
    low, high = supported_years()
    assert low <= 2011 and high >= 2020  # the whole message collection is covered
    # 2040-01-02 is a Monday: Tue..Fri, Mon = 5 (no holiday data, no crash)
    assert working_days_between(D(2040, 1, 2), D(2040, 1, 9)) == 5
    assert working_days_between(D(1990, 1, 1), D(1990, 1, 8)) == 5
    # straddling the end of the data: official days up to Dec 31, Mon-Fri after
    last = D(high, 12, 31)
    expected = working_days_between(last - dt.timedelta(days=6), last) + sum(
        (last + dt.timedelta(days=k)).weekday() < 5 for k in range(1, 8))
    assert working_days_between(last - dt.timedelta(days=6), last + dt.timedelta(days=7)) == expected


@pytest.mark.parametrize("value, day", [
    ("2019-05-10T14:56:53", D(2019, 5, 10)), ("2019-04-25", D(2019, 4, 25)), (D(2019, 1, 2), D(2019, 1, 2)),
    (None, None), ("", None), ("收悉", None), ("2019-13-45", None), (20190510, None),
])
def test_dates_are_read_leniently(value, day):
    assert parse_day(value) == day
