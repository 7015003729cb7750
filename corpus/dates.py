"""Dates in Chinese texts (2007年6月29日, 2019-01-27, 2019.1.27) -> ISO YYYY-MM-DD."""
from __future__ import annotations

import re
from datetime import date

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


def normalize_date(value: str | None) -> str | None:
    """Accept an ISO date or any spelling `find_date` knows; None if there is no date."""
    if not value:
        return None
    return find_date(str(value))[0]
