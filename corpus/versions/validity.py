"""Versions of one law (版本) and their 时效性: the newest in force is 现行有效, older ones 已修改.

A source may flag a version as superseded (LawRefBook's db `expired`) but such flags are
incomplete: 83 version groups in LawRefBook have both versions unflagged. Dates decide.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from corpus.versions.asof import DatedVersion, version_in_force, version_start
from corpus.model import AMENDED, CURRENT, NOT_YET, REPEALED

_KEY_NOISE = re.compile(r"[\s\u3000、·•]")


def version_key(collection: str, title: str, subtitle: str | None = None,
                region: str | None = None) -> str:
    """Key shared by all dated versions of one law (title compared without spaces/、)."""
    norm = _KEY_NOISE.sub("", title).replace("（", "(").replace("）", ")")
    return f"{collection}|{region or ''}|{norm}|{subtitle or ''}"


@dataclass
class VersionInfo:
    """What version resolution needs to know about one document."""

    doc_id: str
    publish_date: str | None
    effective_date: str | None
    declared: str | None          # validity the source states (None: no statement)
    from_authority: bool = False  # the source has a metadata row (preferred among duplicates)


def resolve_versions(versions: list[VersionInfo], today: str | None = None) -> dict[str, str]:
    """Validity of every version in one group.

    Rules: a declared 已废止 stays; the newest version (by publish date) not declared
    superseded is 现行有效, or 尚未生效 while its 施行 date is in the future (then the one
    before it stays in force); every other version is 已修改. Two files of the same date are
    duplicates: the one with source metadata wins, so one version per law is current.
    """
    today = today or date.today().isoformat()
    result: dict[str, str] = {}
    ordered = sorted(versions, key=lambda v: (v.publish_date or "", v.from_authority, v.doc_id),
                     reverse=True)
    in_force_found = False
    for info in ordered:
        if info.declared == REPEALED:
            result[info.doc_id] = REPEALED
        elif in_force_found or info.declared == AMENDED:
            result[info.doc_id] = AMENDED
        elif info.effective_date and info.effective_date > today:
            result[info.doc_id] = NOT_YET
        else:
            result[info.doc_id] = CURRENT
            in_force_found = True
    return result


def start_date(version: dict) -> str | None:
    """When a version took effect (`corpus.versions.asof.version_start`) for a row of `store.versions()`."""
    return version_start(version.get("publish_date"), version.get("effective_date")) or None


def version_on(versions: list[dict], day: str) -> dict | None:
    """The version in force on `day` (ISO date) among rows of `store.versions()`, by the same
    rule as 时点检索 (`corpus.versions.asof.version_in_force`); None when every version starts later."""
    by_id = {v["id"]: v for v in versions}
    dated = [DatedVersion(v["id"], "law", v.get("publish_date"), v.get("effective_date"),
                          v.get("validity") or CURRENT) for v in versions]
    found = version_in_force(dated, day)
    return by_id[found.doc_id] if found is not None else None
