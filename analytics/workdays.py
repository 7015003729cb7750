"""Working-day arithmetic for reply delays (办理时限), on the official Chinese calendar.

Government reply deadlines are counted in 工作日, and the State Council's yearly schedule moves
them: public holidays (国庆, 春节 …) are off, and 调休 makes some weekends workdays (2019-09-29,
a Sunday, was one). `chinese_calendar` carries that schedule for the years it covers (2004-2026
in 1.11.0). Outside those years it raises NotImplementedError; we then count Monday-Friday for
the uncovered days only, so a delay never crashes and only loses the holiday detail there.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
import numpy as np


@lru_cache(maxsize=1)
def supported_years() -> tuple[int, int]:
    """First and last year the installed `chinese_calendar` has a holiday schedule for."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def _weekdays(first: dt.date, last: dt.date) -> int:
    """Monday-Friday days in [first, last] (the fallback where no official schedule exists)."""
    if last < first:
        return 0
    return int(np.busday_count(first, last + dt.timedelta(days=1)))


def _official(first: dt.date, last: dt.date) -> int:
    """Official workdays in [first, last], both inside the supported years."""
    if last < first:
        return 0
    try:
        return len(chinese_calendar.get_workdays(first, last))
    except NotImplementedError:  # a library whose data ends early: do not crash, count Mon-Fri
        return _weekdays(first, last)


def working_days_between(asked: dt.date, answered: dt.date) -> int:
    """Working days after `asked` up to and including `answered`.

    Same day -> 0; asked on Friday, answered the next Monday -> 1. Holidays and 调休 follow the
    official schedule (asked 2019-09-27, answered 2019-10-08 -> 3: 9-29 Sun 调休, 9-30, 10-08).
    Days in years the calendar library does not cover are counted Monday-Friday (no holidays).
    An answer dated before the question gives 0, never a negative count: this is arithmetic,
    the caller decides whether such a record is a data error (analytics/replies.py treats it
    as an unknown delay).
    """
    asked, answered = _as_date(asked), _as_date(answered)
    if answered <= asked:
        return 0
    first, last = asked + dt.timedelta(days=1), answered
    low, high = supported_years()
    covered_first, covered_last = max(first, dt.date(low, 1, 1)), min(last, dt.date(high, 12, 31))
    if covered_first > covered_last:  # entirely outside the schedule
        return _weekdays(first, last)
    before = _weekdays(first, covered_first - dt.timedelta(days=1))
    after = _weekdays(covered_last + dt.timedelta(days=1), last)
    return before + _official(covered_first, covered_last) + after


def _as_date(value: dt.date) -> dt.date:
    # a datetime is a date subclass; compare calendar days, not timestamps
    return value.date() if isinstance(value, dt.datetime) else value


def parse_day(value: object) -> dt.date | None:
    """'2019-05-10', '2019-05-10T14:56:53' or a date -> date; anything unreadable -> None."""
    if isinstance(value, dt.date):
        return _as_date(value)
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
