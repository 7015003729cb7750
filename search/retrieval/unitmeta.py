"""Per-unit metadata held in memory (numpy columns) for fast filtering of vector hits and
for facets: collection, 效力级别, validity, region, issuer, date, title, label."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corpus.store.base import DocumentStoreBase
from indexer.embedded.lookup import CategoricalColumn, SortedIndex, compact_strings
from indexer.records import vector_id
from search.query.parse import SearchFilters

_COLUMNS = ("collection", "doc_type", "validity", "region", "issuer", "date", "title", "label", "doc_id",
            "short_name", "length")


@dataclass
class UnitMeta:
    """Columns aligned by row; `row_of_vid` / `row_of_uid` find a unit's row."""

    uids: np.ndarray
    vids: np.ndarray
    columns: dict[str, np.ndarray]
    row_of_uid: SortedIndex   # uid -> row, dict-like
    row_of_vid: SortedIndex   # vector id -> row

    @classmethod
    def from_store(cls, store: DocumentStoreBase) -> "UnitMeta":
        rows = store.conn.execute(
            "SELECT u.id, d.collection, COALESCE(d.doc_type, ''), d.validity, COALESCE(d.region, ''), "
            "COALESCE(d.issuer, ''), COALESCE(d.publish_date, d.written_date, ''), d.title, "
            "COALESCE(u.article_label, ''), d.id, COALESCE(d.short_name, ''), LENGTH(u.text) "
            "FROM units u JOIN documents d ON u.doc_id = d.id").fetchall()
        # numpy only (indexer/embedded/lookup.py): forked server workers keep these pages shared
        uids = compact_strings(r[0] for r in rows)
        columns = {name: CategoricalColumn(r[i + 1] for r in rows) for i, name in enumerate(_COLUMNS)
                   if name != "length"}
        columns["length"] = np.array([r[len(_COLUMNS)] or 0 for r in rows], dtype=np.int64)
        vids = np.array([vector_id(str(u)) for u in uids], dtype=np.int64)
        return cls(uids, vids, columns, SortedIndex(uids), SortedIndex(vids))

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Boolean row mask of the units passing `filters`."""
        keep = np.ones(len(self.uids), dtype=bool)
        for column, values in (("collection", filters.collections), ("doc_type", filters.types),
                               ("validity", filters.validity), ("region", filters.regions),
                               ("issuer", filters.issuers)):
            if values:
                keep &= self.columns[column].isin(values)
        if filters.exclude_docs:
            keep &= ~self.columns["doc_id"].isin(filters.exclude_docs)
        if filters.include_docs is not None:
            keep &= self.columns["doc_id"].isin(filters.include_docs)
        if filters.since:
            keep &= self.columns["date"] >= filters.since
        if filters.until:
            keep &= (self.columns["date"] <= filters.until) & (self.columns["date"] != "")
        return keep

    def value(self, uid: str, column: str):
        row = self.row_of_uid.get(uid)
        return None if row is None else self.columns[column][row]
