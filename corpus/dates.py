"""Dates in Chinese texts (2007年6月29日, 2019-01-27, 2019.1.27) -> ISO YYYY-MM-DD."""
from __future__ import annotations

import re
from datetime import date, timedelta

DATE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[年./-]\s*(?P<m>\d{1,2})\s*[月./-]\s*(?P<d>\d{1,2})\s*日?")


def to_iso(year: str | int, month: str | int, day: str | int) -> str | None:
    """ISO date, or None when the parts do not form a real calendar date."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str | None, int, int]:
    """First valid date in `text`: (iso, start, end); (None, -1, -1) when there is none."""
    for match in DATE_RE.finditer(text):
        iso = to_iso(match["y"], match["m"], match["d"])
        if iso:
            return iso, match.start(), match.end()
    return None, -1, -1


def clamp_iso(value: str) -> str | None:
    """YYYY-MM-DD with a day past the month's end (2023-02-30) -> the month's last day."""
    match = re.fullmatch(r"((?:19|20)\d{2})-(0[1-9]|1[0-2])-(\d{2})", value.strip())
    if not match or not 1 <= int(match[3]) <= 31:
        return None
    year, month = int(match[1]), int(match[2])
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat() \
        if to_iso(year, month, match[3]) is None else to_iso(year, month, match[3])


def normalize_date(value: str | None) -> str | None:
    """Accept an ISO date or any spelling `find_date` knows; None if there is no date."""
    if not value:
        return None
    return find_date(str(value))[0]


_IN_FORCE_FROM = re.compile(rf"自\s*(?:({DATE_RE.pattern})|(公布|发布|印发)之日)\s*起\s*(?:施行|实施|执行|生效)")


def effective_from_text(texts: list[str], publish_date: str | None) -> str | None:
    """施行日期 stated in a version's final provisions (本法自2024年7月1日起施行; 自公布之日起施行).

    A 修正 version keeps the original law's closing article, whose date precedes the version's
    own publication: such a date says nothing about this version and is ignored."""
    for text in reversed(texts):
        for match in _IN_FORCE_FROM.finditer(text):
            day = normalize_date(match.group(1)) if match.group(1) else publish_date
            if day and (publish_date is None or day >= publish_date):
                return day
    return None
