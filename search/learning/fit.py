"""Fitting the learned parts (`fagui learn`): answered questions and the query adapter, from
STARD-style records of the train split only; saved under `index_dir/learned/`."""
from __future__ import annotations

import numpy as np

from indexer.embcache import EMBEDDING_CACHE, SQLiteEmbeddingCache
from indexer.embedders import cache_key
from indexer.records import unit_record
from search.evaluation.metrics import EvalQuery
from search.learning.answered import LEARNED_DIR, AnsweredQuestions, from_queries
from search.query.parse import SearchFilters


def _units_of_keys(searcher, keys) -> dict[str, tuple[str, str]]:
    """The unit behind each (title, label) key (current version first)."""
    uid_key = {}
    for key in keys:
        found = (searcher.units_for_keys({key: 1.0}, SearchFilters())
                 or searcher.units_for_keys({key: 1.0}, SearchFilters(validity=None)))
        if found:
            uid_key[next(iter(found))] = key
    return uid_key


def article_tokens(searcher, keys) -> dict[tuple[str, str], set[str]]:
    """Analyzer words of the article behind each key (for the learned term map)."""
    analyzer = searcher.reader.analyzer
    return {key: set(analyzer.tokens(searcher.store.get_unit(uid).text))
            for uid, key in _units_of_keys(searcher, keys).items()}


def article_vectors(searcher, keys) -> dict[tuple[str, str], np.ndarray]:
    """Embedding of the article behind each (title, label) key (current version first),
    read from the index's embedding cache (computed only if missing)."""
    uid_key = _units_of_keys(searcher, keys)
    texts = []
    for uid in uid_key:
        unit = searcher.store.get_unit(uid)
        texts.append(unit_record(searcher.doc_header(unit.doc_id), unit).embed_text)
    cache = SQLiteEmbeddingCache(searcher.reader.index_dir / EMBEDDING_CACHE)
    vectors = cache.embed(cache_key(searcher.embedder), texts, searcher.embedder.embed_documents,
                          searcher.embedder.dim)
    cache.close()
    return {uid_key[u]: v for u, v in zip(uid_key, vectors)}


def fit_learned(searcher, queries: list[EvalQuery], save: bool = True) -> AnsweredQuestions:
    """Answered questions with keyword field, neighbours and ridge adapter; saved by default."""
    learned = from_queries(queries, searcher.embedder.embed_queries)
    learned.fit_keyword(searcher.reader.analyzer)
    learned.fit_adapter(article_vectors(searcher, learned.article_keys))
    learned.fit_term_map(searcher.reader.analyzer, article_tokens(searcher, learned.article_keys))
    if save:
        learned.save(searcher.reader.index_dir / LEARNED_DIR)
    return learned
