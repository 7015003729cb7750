"""Retrievers over the indexes: keyword (in-memory sparse BM25, or whoosh BM25F) and vector
(faiss), one class each, configured in __init__, one `retrieve` method returning
(unit id, score) best first; `make_keyword_retriever` picks the keyword backend by name."""
from __future__ import annotations

from collections import OrderedDict

import faiss
import numpy as np
from whoosh.query import And, Every, Not, Or, Term, TermRange

from indexer.embedders import Embedder
from indexer.embedded.lookup import compact_strings
from indexer.embedded.reader import IndexReader
from search.query.parse import SearchFilters
from search.retrieval.unitmeta import UnitMeta

# Measured on STARD train (bench/keyword_boosts.py): title 0.5 and chapter 0.5 beat text only
# (R@100 0.629 vs 0.612, MRR@10 0.358 vs 0.336 on 400 train questions).
DEFAULT_BOOSTS = {"text": 1.0, "title": 0.5, "chapter": 0.5}


class LRU(OrderedDict):
    """A small least-recently-used cache: `remember(key, make)`."""

    def __init__(self, size: int = 32):
        super().__init__()
        self.size = size

    def remember(self, key, make):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class WhooshKeywordRetriever:
    """BM25F over text/title/chapter; keeps the `max_terms` rarest query terms (a question's
    common words add time, not precision) and caches each filter's document set."""

    def __init__(self, reader: IndexReader, boosts: dict[str, float] | None = None, max_terms: int = 12):
        self.reader = reader
        self.boosts = boosts or DEFAULT_BOOSTS
        self.max_terms = max_terms
        self._filters = LRU()

    def prune(self, tokens: list[str]) -> list[str]:
        searcher = self.reader.keyword.searcher()
        freq = {t: searcher.doc_frequency("text", t) + searcher.doc_frequency("title", t)
                for t in dict.fromkeys(tokens)}
        known = [t for t in freq if freq[t] > 0]
        return sorted(known, key=lambda t: freq[t])[: self.max_terms]

    def _docset(self, filters: SearchFilters):
        clauses = [Or([Term(field, v) for v in values]) for field, values in (
            ("collection", filters.collections), ("doc_type", filters.types),
            ("validity", filters.validity), ("region", filters.regions),
            ("issuer", filters.issuers)) if values]
        if filters.since or filters.until:
            clauses.append(TermRange("date", filters.since or "0000", filters.until or "9999"))
        if filters.exclude_docs:
            clauses += [Every(), Not(Or([Term("doc_id", d) for d in filters.exclude_docs]))]
        if filters.include_docs is not None:
            if not filters.include_docs:
                return set()  # no document passes: nothing to search
            clauses.append(Or([Term("doc_id", d) for d in filters.include_docs]))
        if not clauses:
            return None
        searcher = self.reader.keyword.searcher()
        return self._filters.remember(filters.cache_key(),
                                      lambda: set(searcher.docs_for_query(And(clauses))))

    def retrieve(self, tokens: list[str], filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        terms = [Term(field, t, boost=b) for t in self.prune(tokens)
                 for field, b in self.boosts.items() if b > 0]
        if not terms:
            return []
        docset = self._docset(filters)
        if docset is not None and not docset:
            return []
        results = self.reader.keyword.searcher().search(Or(terms), limit=limit, filter=docset)
        return [(hit["uid"], float(hit.score)) for hit in results]


class SparseKeywordRetriever:
    """BM25 (k1 1.2, b 0.75) per field summed with boosts, over the generation's sparse term
    counts: a query is a sum of posting slices, filters a cached row mask. Same tokens, same
    pruning to the `max_terms` rarest query terms as the whoosh retriever."""

    def __init__(self, reader: IndexReader, meta: UnitMeta, boosts: dict[str, float] | None = None,
                 max_terms: int = 12):
        terms = reader.terms
        if terms is None:
            raise ValueError(f"{reader.folder} has no sparse term index: rebuild with `fagui index build`")
        self.reader, self.meta, self.max_terms = reader, meta, max_terms
        self.term_id = terms.term_id
        self.weights = terms.bm25_weights(boosts or DEFAULT_BOOSTS)
        self.df = terms.document_frequency()
        self.uids = compact_strings(reader.uids)
        # index row -> metadata row (-1: a unit the store no longer has, never returned)
        self.meta_rows = meta.row_of_uid.positions(self.uids)
        self._masks = LRU()

    def _mask(self, filters: SearchFilters) -> np.ndarray:
        def make():
            meta_mask = np.append(self.meta.mask(filters), False)  # row -1 -> the appended False
            return meta_mask[self.meta_rows]
        return self._masks.remember(filters.cache_key(), make)

    def prune(self, tokens: list[str]) -> list[int]:
        ids = [self.term_id[t] for t in dict.fromkeys(tokens) if t in self.term_id]
        ids = [i for i in ids if self.df[i] > 0]
        return sorted(ids, key=lambda i: self.df[i])[: self.max_terms]

    def retrieve(self, tokens: list[str], filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        ids = self.prune(tokens)
        if not ids:
            return []
        w = self.weights
        spans = [slice(w.indptr[i], w.indptr[i + 1]) for i in ids]
        rows = np.concatenate([w.indices[s] for s in spans])
        data = np.concatenate([w.data[s] for s in spans])
        keep = self._mask(filters)[rows]  # filter the postings, not all 169k units
        rows, data = rows[keep], data[keep]
        if not len(rows):
            return []
        units, slot = np.unique(rows, return_inverse=True)
        totals = np.bincount(slot, weights=data)
        best = np.argsort(-totals, kind="stable")[:limit] if len(totals) <= 4 * limit else \
            np.argpartition(-totals, limit - 1)[:limit]
        best = best[np.argsort(-totals[best], kind="stable")]
        return [(str(self.uids[u]), float(t)) for u, t in zip(units[best].tolist(), totals[best].tolist())]


KEYWORD_BACKENDS = ("sparse", "whoosh")


def make_keyword_retriever(backend: str, reader: IndexReader, meta: UnitMeta,
                           boosts: dict[str, float] | None = None, max_terms: int = 12):
    """`sparse` (default: in memory, ~1 ms) or `whoosh` (on disk, slower; see bench/latency.py)."""
    if backend == "sparse":
        return SparseKeywordRetriever(reader, meta, boosts, max_terms)
    if backend == "whoosh" and reader.keyword is not None:  # not built at the keyword stage
        return WhooshKeywordRetriever(reader, boosts, max_terms)
    if backend == "whoosh":
        return SparseKeywordRetriever(reader, meta, boosts, max_terms)
    raise ValueError(f"unknown keyword backend {backend!r}: use {' or '.join(KEYWORD_BACKENDS)}")


class FaissVectorRetriever:
    """Nearest units by cosine; filters become a faiss id selector (cached per filter)."""

    def __init__(self, reader: IndexReader, embedder: Embedder, meta: UnitMeta, index=None,
                 nprobe: int | None = None):
        self.reader, self.embedder, self.meta = reader, embedder, meta
        self.index = index or reader.vectors  # another FaissVectorIndex: the enriched field
        self.nprobe = nprobe  # IVF lists searched; None = the index's own setting
        self._selectors = LRU()

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Row mask of the units passing `filters` (cached with the selector)."""
        return self._selector(filters)[0]

    def _selector(self, filters: SearchFilters):
        def make():
            mask = self.meta.mask(filters)
            allowed = self.meta.vids[mask]
            return mask, allowed, faiss.IDSelectorBatch(allowed)
        return self._selectors.remember(filters.cache_key(), make)

    def _params(self, filters: SearchFilters):
        _, allowed, selector = self._selector(filters)
        nprobe = self.index.nprobe and (self.nprobe or self.index.nprobe)
        params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe) if nprobe else \
            faiss.SearchParameters(sel=selector)
        return allowed, params

    def retrieve_vector(self, vector: np.ndarray, filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        return self.retrieve_vectors(vector[None, :], filters, limit)[0]

    def retrieve_vectors(self, vectors: np.ndarray, filters: SearchFilters,
                         limit: int = 100) -> list[list[tuple[str, float]]]:
        """Nearest units of each row of `vectors` (one faiss call: the rows run in parallel)."""
        allowed, params = self._params(filters)
        if len(allowed) == 0:
            return [[] for _ in vectors]
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not isinstance(params, faiss.SearchParametersIVF):
            found = self._flat_unfiltered(vectors, filters, limit)
            if found is not None:
                return found
        scores, vids = self.index.index.search(vectors, limit, params=params)
        uid_of = self.reader.uid_by_vid
        return [uid_of.pairs(row_vids, row_scores) for row_vids, row_scores in zip(vids, scores)]

    def retrieve(self, text: str, filters: SearchFilters, limit: int = 100) -> list[tuple[str, float]]:
        return self.retrieve_vector(self.embedder.embed_queries([text])[0], filters, limit)

    def cosines(self, vectors: np.ndarray, uids: list[str]) -> np.ndarray:
        """Cosine of each row of `vectors` with each of `uids` (0 for a unit without a vector):
        every IVF list is probed, but only these units are scored (a law's articles: ~2 ms)."""
        out = np.zeros((len(vectors), len(uids)), dtype=np.float32)
        rows = self.meta.row_of_uid.positions(uids)
        vids = self.meta.vids[np.maximum(rows, 0)][rows >= 0]
        if not len(vids):
            return out
        selector = faiss.IDSelectorBatch(vids)
        inner = faiss.downcast_index(self.index.index)
        params = faiss.SearchParametersIVF(sel=selector, nprobe=inner.nlist) \
            if isinstance(inner, faiss.IndexIVF) else faiss.SearchParameters(sel=selector)
        scores, found = self.index.index.search(np.ascontiguousarray(vectors, dtype=np.float32), len(vids),
                                                params=params)
        column = {int(v): j for j, v in enumerate(self.meta.vids[np.maximum(rows, 0)].tolist()) if rows[j] >= 0}
        for i, (row_vids, row_scores) in enumerate(zip(found, scores)):
            for vid, score in zip(row_vids.tolist(), row_scores.tolist()):
                if vid >= 0:
                    out[i, column[vid]] = score
        return out

    def _flat_unfiltered(self, vectors: np.ndarray, filters: SearchFilters, limit: int):
        """A flat index searched without the id selector (which turns off faiss's BLAS path:
        ~17 ms vs ~2 ms over 22k vectors), over-fetched, then filtered by the row mask; None
        when too few pass the filter and the selector must do it."""
        fetch = min(self.index.index.ntotal, 4 * limit)
        scores, vids = self.index.index.search(vectors, fetch)
        mask, row_of_vid, uid_of = self.mask(filters), self.meta.row_of_vid, self.reader.uid_by_vid
        out = []
        for row_vids, row_scores in zip(vids, scores):
            rows = row_of_vid.positions(row_vids)
            passing = (rows >= 0) & mask[np.maximum(rows, 0)]
            kept = uid_of.pairs(row_vids[passing], row_scores[passing])[:limit]
            if len(kept) < limit and fetch < self.index.index.ntotal:
                return None
            out.append(kept)
        return out
