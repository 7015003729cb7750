"""Which two versions of a law to compare, and their 新旧对照 from the store.

A law is named by the id of any of its versions or by its title: the full title, the short
name without 中华人民共和国 (公司法), with ·编 for one book of a split code (民法典·合同编).
A version is named by its document id or by a date YYYY-MM-DD: the version in force that day
(`corpus.versions.validity.version_on`, the 时点检索 rule of `corpus.versions.asof`). The API and the CLI both go through `diff_versions`.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from corpus.versions.compare import compare_documents
from corpus.model import Document
from corpus.store.base import DocumentStoreBase
from corpus.versions.validity import start_date, version_on

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PRC = "中华人民共和国"


class UnknownLaw(LookupError):
    """No law by that id or title (HTTP 404)."""


class AmbiguousLaw(LookupError):
    """A title names several laws; `candidates` lists them (id, title, region, versions)."""

    def __init__(self, ref: str, candidates: list[dict[str, Any]]):
        self.candidates = candidates
        super().__init__(f"{ref!r} names {len(candidates)} laws: "
                         + "; ".join(f"{c['title']} ({c['id']})" for c in candidates))


class VersionError(ValueError):
    """A bad version: not a date YYYY-MM-DD, before the first version, another law's (HTTP 422)."""


def find_law(store: DocumentStoreBase, ref: str) -> str:
    """Id of a document of the law `ref` names (a document id itself, or a title)."""
    ref = ref.strip()
    if store.get(ref, with_units=False) is not None:
        return ref
    title, _, subtitle = ref.partition("·")
    short = title.removeprefix(_PRC)
    rows = store.conn.execute(
        "SELECT id, title, subtitle, region, version_key, publish_date FROM documents "
        "WHERE title = ? OR title = ? OR short_name = ? ORDER BY publish_date DESC",
        (title, _PRC + short, short)).fetchall()
    laws: dict[str, dict[str, Any]] = {}
    for row in rows:
        if subtitle and row["subtitle"] != subtitle:
            continue
        law = laws.setdefault(row["version_key"] or row["id"], {
            "id": row["id"], "title": row["title"] + (f"·{row['subtitle']}" if row["subtitle"] else ""),
            "region": row["region"], "versions": 0})
        law["versions"] += 1
    if not laws:
        raise UnknownLaw(f"no law with id or title {ref!r}")
    if len(laws) > 1:
        raise AmbiguousLaw(ref, list(laws.values()))
    return next(iter(laws.values()))["id"]


def pick_version(versions: list[dict[str, Any]], spec: str, name: str) -> dict[str, Any]:
    """The version `spec` names among `versions` (rows of store.versions): an id or a date."""
    spec = spec.strip()
    for version in versions:
        if version["id"] == spec:
            return version
    if not _ISO_DAY.match(spec):
        raise VersionError(f"{name}: {spec!r} is neither a version of this law nor a date YYYY-MM-DD")
    try:
        date.fromisoformat(spec)
    except ValueError:
        raise VersionError(f"{name}: {spec} is not a calendar date") from None
    found = version_on(versions, spec)
    if found is None:
        first = min(filter(None, map(start_date, versions)), default="?")
        raise VersionError(f"{name}: no version in force on {spec} (the first took effect {first})")
    return found


def _before(versions: list[dict[str, Any]], version: dict[str, Any]) -> dict[str, Any]:
    """The version preceding `version`."""
    key = lambda v: (start_date(v) or "", v.get("publish_date") or "")  # noqa: E731
    earlier = [v for v in versions if key(v) < key(version)]
    if not earlier:
        raise VersionError(f"from: no version of this law before {version['id']} "
                           f"({len(versions)} in the store): give from")
    return max(earlier, key=key)


def load_versions(store: DocumentStoreBase, doc_id: str, frm: str | None = None,
                  to: str | None = None) -> tuple[dict[str, Any], dict[str, Any], Document, Document]:
    """(from version, to version, old document, new document) of the law `doc_id` belongs to:
    `to` defaults to `doc_id` itself, `frm` to the version before `to`. Only this reads the
    store (callers that serialise store access lock around it, not around the comparison).
    Raises UnknownLaw (no such document) and VersionError (bad or unknown version, date)."""
    doc = store.get(doc_id, with_units=False)
    if doc is None:
        raise UnknownLaw(f"no document {doc_id!r}")
    # a document outside any version group (a notice, an upload) is its own only version
    versions = store.versions(doc_id) or [{"id": doc.id, "publish_date": doc.publish_date,
                                           "effective_date": doc.effective_date, "validity": doc.validity}]
    new_v = pick_version(versions, to, "to") if to else next(v for v in versions if v["id"] == doc_id)
    old_v = pick_version(versions, frm, "from") if frm else _before(versions, new_v)
    return old_v, new_v, store.get(old_v["id"]), store.get(new_v["id"])


def version_diff(old_v: dict[str, Any], new_v: dict[str, Any], old: Document, new: Document) -> dict[str, Any]:
    """新旧对照 JSON: {"law_title", "from": {"id", "publish_date", "effective_date",
    "validity"}, "to": {...}, "counts", "pairs"}, counts and pairs as
    `corpus.versions.compare.compare_documents` describes them."""
    meta = lambda v: {k: v.get(k) for k in ("id", "publish_date", "effective_date", "validity")}  # noqa: E731
    return {"law_title": new.display_title, "from": meta(old_v), "to": meta(new_v),
            **compare_documents(old, new)}


def diff_versions(store: DocumentStoreBase, doc_id: str, frm: str | None = None,
                  to: str | None = None) -> dict[str, Any]:
    """新旧对照 of two versions of the law `doc_id` belongs to (see `load_versions`)."""
    return version_diff(*load_versions(store, doc_id, frm, to))
