"""Reading whole documents (法规全文): a law with its versions and cross-references, the version in
force on a day (时点), 新旧对照 of two versions, notices by issuer and 发文字号. What the law pages,
the web app, the assistant and the integrations show beside search results; `Searcher.library`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.model import Document, Unit
from corpus.store.base import DocumentStoreBase
from corpus.store.stats import find_notices, overview_counts
from search.query.parse import make_filters
from search.retrieval.asof import AsOfResolver


@dataclass
class LawView:
    """One document as a reader sees it: its text, versions (newest first), the references of
    its articles, the article to show (`focus`, a unit id) and the day it is read on (时点)."""

    doc: Document
    versions: list[dict[str, Any]]
    references: dict[str, list]
    focus: str | None = None
    day: str | None = None


class LawLibrary:
    """Whole documents out of the store, version-aware (法规全文与版本)."""

    def __init__(self, store: DocumentStoreBase, as_of: AsOfResolver):
        self._store = store
        self._as_of = as_of

    def document(self, doc_id: str, with_units: bool = True) -> Document | None:
        """The document `doc_id` (None when there is none)."""
        return self._store.get(doc_id, with_units=with_units)

    def unit(self, unit_id: str) -> Unit | None:
        """One article or paragraph (条 / 段) by its id `doc:seq`."""
        return self._store.get_unit(unit_id)

    def versions(self, ref: str) -> list[dict[str, Any]]:
        """The versions of the law a document or unit id belongs to, newest first."""
        unit = self.unit(ref) if ":" in ref else None
        return self._store.versions(unit.doc_id if unit else ref) if ref else []

    def open(self, ref: str, article: str | None = None, as_of: str | None = None) -> LawView | None:
        """`ref` (a document id, or a unit id whose document opens at that article) as it reads;
        with `as_of` (YYYY-MM-DD) the version in force that day, at the same article. None for
        an unknown id; QueryError for a bad date, NotInForce when no version was in force."""
        unit = self.unit(ref) if ":" in ref else None
        doc_id = unit.doc_id if unit else ref
        # without a day the document is read once, whole; with one, its header first (the
        # version in force that day is read whole)
        doc = self.document(doc_id, with_units=not as_of)
        if doc is None:
            return None
        focus = unit.id if unit else article
        day = make_filters(as_of=as_of).as_of if as_of else None
        if day:
            doc_id = self._as_of.in_force(doc_id, day)
            shown = self.unit(focus) if focus else None
            focus = self._as_of.same_article(shown, doc_id) if shown is not None else focus
            doc = self.document(doc_id)
            doc.validity = self._as_of.validity(doc_id, day)
        return LawView(doc, self._store.versions(doc_id),
                       self._store.reference_spans([u.id for u in doc.units]), focus, day)

    def diff(self, doc_id: str, frm: str | None = None, to: str | None = None) -> dict[str, Any]:
        """新旧对照 of two versions of the law of `doc_id` (ids or dates; default: the two newest)."""
        from corpus.versions.pairs import diff_versions

        return diff_versions(self._store, doc_id, frm=frm, to=to)

    def notices(self, issuer: str | None = None, doc_number: str | None = None, since: str | None = None,
                until: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Policy notices (政策文件) by 发文机关 and 发文字号 (substrings) and date, newest first."""
        return find_notices(self._store, issuer, doc_number, since, until, limit)

    def overview(self) -> dict[str, list[tuple[str, int]]]:
        """What the 统计 tab plots: current laws by 效力级别 and year, documents by region, issuers."""
        return overview_counts(self._store)
