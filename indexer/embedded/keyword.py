"""Keyword index on whoosh (关键词索引): BM25F over pre-tokenized unit text, title and chapter.

Texts are tokenized by `JiebaAnalyzer` before they reach whoosh (and cached), so whoosh only
splits on spaces: indexing stays fast and documents and queries share one analyzer.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from whoosh import index, scoring
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import And, Or, Query, Term

from indexer.records import UnitRecord

TEXT_FIELDS = ("text", "title", "chapter")
FILTER_FIELDS = ("collection", "doc_type", "validity", "region", "issuer", "year")


def keyword_schema() -> Schema:
    tokens = SpaceSeparatedTokenizer()
    return Schema(
        uid=ID(stored=True, unique=True), doc_id=ID(stored=True),
        collection=ID, doc_type=ID, validity=ID, region=ID, issuer=ID, year=ID,
        date=ID(sortable=True), article_label=ID(stored=True),
        text=TEXT(analyzer=tokens, phrase=False), title=TEXT(analyzer=tokens, phrase=False),
        chapter=TEXT(analyzer=tokens, phrase=False))


@dataclass
class KeywordHit:
    uid: str
    doc_id: str
    score: float


class WhooshKeywordIndex:
    """A whoosh index directory: add/delete units by document, BM25F search with boosts."""

    def __init__(self, path: str | Path, create: bool = False):
        self.path = Path(path)
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
            self.ix = index.create_in(str(self.path), keyword_schema())
        else:
            self.ix = index.open_dir(str(self.path))
        self._searcher = None

    def write(self, records: Iterable[tuple[UnitRecord, str, str, str]],
              delete_doc_ids: Iterable[str] = (), procs: int = 1) -> int:
        """Delete all units of `delete_doc_ids`, then add (record, text, title, chapter tokens)."""
        if procs > 1:
            # whoosh's sub-writers must be spawned, not forked: a forked child inherits every
            # fd of the builder — the index lock and both ends of its job pipe — so if the
            # builder is killed it lives on, blocked, holding the lock. A spawned child holds
            # neither and exits when the builder's pipe closes.
            previous = multiprocessing.get_start_method(allow_none=True)
            multiprocessing.set_start_method("spawn", force=True)
            try:
                return self._write(records, delete_doc_ids, procs)
            finally:
                multiprocessing.set_start_method(previous, force=True)
        return self._write(records, delete_doc_ids, procs)

    def _write(self, records, delete_doc_ids, procs: int) -> int:
        writer = self.ix.writer(procs=procs, limitmb=512, multisegment=procs > 1)
        try:
            for doc_id in delete_doc_ids:
                writer.delete_by_term("doc_id", doc_id)
            added = 0
            for rec, text, title, chapter in records:
                writer.add_document(
                    uid=rec.uid, doc_id=rec.doc_id, collection=rec.collection,
                    doc_type=rec.doc_type, validity=rec.validity, region=rec.region,
                    issuer=rec.issuer, year=rec.date[:4], date=rec.date,
                    article_label=rec.article_label, text=text, title=title, chapter=chapter)
                added += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.close_searcher()
        return added

    def doc_count(self) -> int:
        return self.ix.doc_count()

    def searcher(self):
        if self._searcher is None:
            self._searcher = self.ix.searcher(weighting=scoring.BM25F(B=0.75, K1=1.2))
        return self._searcher

    def close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def search(self, tokens: list[str], limit: int = 100,
               boosts: dict[str, float] | None = None,
               filters: dict[str, list[str]] | None = None) -> list[KeywordHit]:
        """OR of the query tokens over the text fields, with per-field boosts and filters
        (each filter field: any of its values)."""
        boosts = boosts or {"text": 1.0}
        terms: list[Query] = [Term(field, token, boost=boost) for token in dict.fromkeys(tokens)
                              for field, boost in boosts.items() if boost > 0]
        if not terms:
            return []
        restrict = [Or([Term(field, v) for v in values]) for field, values in (filters or {}).items() if values]
        results = self.searcher().search(Or(terms), limit=limit,
                                         filter=And(restrict) if restrict else None)
        return [KeywordHit(hit["uid"], hit["doc_id"], float(hit.score)) for hit in results]

    def close(self) -> None:
        self.close_searcher()
        self.ix.close()
