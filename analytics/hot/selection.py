"""Selecting hot issues for a window and a region (热点问题筛选): the groups are found once over
the whole collection; a window keeps each group's messages inside it and re-ranks."""
from __future__ import annotations

import re
from datetime import date

from analytics.hot.groups import HotIssue
from analytics.messages import Message

_CITY = re.compile(r"^([A-Z])市$")


def in_region(message: Message, region: str) -> bool:
    """A message is in region R when it names R (A3区), or when R is its city (A市 covers A3区,
    A7县, A9市: the data's anonymised codes start with their city's letter). The data's own
    region field says A市 for every message, even those about L9县: the text decides."""
    district = message.district or ""
    if district == region:
        return True
    city = _CITY.match(region)
    return bool(city) and re.match(rf"{city.group(1)}\d*[市区县]$", district) is not None


def known_regions(messages: list[Message]) -> set[str]:
    """Every district code the messages name, and their cities."""
    found = {m.district for m in messages if m.district}
    return found | {f"{d[0]}市" for d in found if re.match(r"[A-Z]\d*[市区县]$", d)}


def select_issues(issues: list[HotIssue], since: date | None = None, until: date | None = None,
                  region: str | None = None, top: int = 20, min_count: int = 2,
                  co_signed: int = 100) -> list[HotIssue]:
    """The `top` hottest issues with at least `min_count` messages inside the window/region; a
    single message counts as an issue when `co_signed` people voted on it (点赞 + 反对)."""
    lo, hi = (since.isoformat() if since else None), (until.isoformat() if until else None)

    def keep(m: Message) -> bool:
        day = (m.asked or "")[:10]
        return ((not lo or (day and day >= lo)) and (not hi or (day and day <= hi))
                and (not region or in_region(m, region)))

    chosen = []
    for issue in issues:
        members = [m for m in issue.members if keep(m)]
        if len(members) >= min_count or (members and sum(m.votes_for + m.votes_against
                                                         for m in members) >= co_signed):
            chosen.append(HotIssue(issue.name, members, issue.titles, key=issue.id))  # a copy: the cache stays
    end = hi or max((i.last for i in chosen if i.last), default=None)
    for issue in chosen:
        issue.hotness = issue.score(end)
    return sorted(chosen, key=lambda i: -i.hotness)[:top]
