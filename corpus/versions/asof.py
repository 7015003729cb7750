"""时点检索: which version of each law was in force on a given date, and its 时效性 then.

A version starts on its 施行 date (never before its own publication); the version of a law in
force on day D is the one that started last on or before D. Earlier ones were 已修改 on D,
later ones 尚未生效, and a law with no version started by D did not exist yet. A law whose
newest version is 已废止 counts as repealed from the date its history names (an event with
废止), or — the source giving no date — from its newest version's start: marked, not hidden.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from corpus.model import AMENDED, CURRENT, NOT_YET, REPEALED


@dataclass(frozen=True)
class DatedVersion:
    """What the date logic needs to know about one document."""

    doc_id: str
    group: str                  # version_key, or the doc id for an unversioned document
    publish_date: str | None
    effective_date: str | None
    validity: str               # 时效性 today
    repeal_date: str | None = None

    @property
    def start(self) -> str:
        return version_start(self.publish_date, self.effective_date)


def version_start(publish_date: str | None, effective_date: str | None) -> str:
    """First day a version is in force: its 施行 date, never before its publication (sources
    copy the original law's 施行 date onto later 修正 versions); '' = unknown: always."""
    dates = [d for d in (publish_date, effective_date) if d]
    return max(dates) if dates else ""


def validity_on(versions: Iterable[DatedVersion], day: str) -> dict[str, str]:
    """时效性 of every document on `day` (ISO date)."""
    groups: dict[str, list[DatedVersion]] = {}
    for version in versions:
        groups.setdefault(version.group, []).append(version)
    out: dict[str, str] = {}
    for group in groups.values():
        # same-day duplicates (one law filed twice): the copy not marked superseded wins
        ordered = sorted(group, key=lambda v: (v.start, v.publish_date or "", v.validity != AMENDED, v.doc_id))
        started = [v for v in ordered if v.start <= day]
        for version in ordered:
            out[version.doc_id] = NOT_YET if version.start > day else AMENDED
        if started:
            newest = started[-1]
            out[newest.doc_id] = REPEALED if _repealed_by(newest, day) else CURRENT
    return out


def _repealed_by(version: DatedVersion, day: str) -> bool:
    if version.validity != REPEALED:
        return False
    return (version.repeal_date or version.start) <= day


def version_in_force(versions: list[DatedVersion], day: str) -> DatedVersion | None:
    """The version of one law in force (or last in force, if repealed) on `day`; None before
    its first version started."""
    states = validity_on(versions, day)
    return next((v for v in versions if states[v.doc_id] in (CURRENT, REPEALED)), None)


def repeal_date(history: list[dict]) -> str | None:
    """The date of a 废止 event in a document's history, if the source gives one."""
    return next((h.get("date") for h in history if h.get("date") and "废止" in (h.get("event") or "")), None)
