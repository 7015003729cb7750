"""Vector index on faiss (向量索引): inner product over normalised vectors, with stable ids.

Exact (flat) below `APPROX_THRESHOLD` vectors; above it an IVF index (which, unlike HNSW,
supports removing ids, so updates never need a rebuild), probed widely enough to keep its
recall against exact search measured and reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

APPROX_THRESHOLD = 50_000


@dataclass
class VectorHit:
    vid: int
    score: float


class FaissVectorIndex:
    """A faiss index keyed by 63-bit vector ids (see `indexer.records.vector_id`)."""

    def __init__(self, index: faiss.Index):
        self.index = index

    @property
    def kind(self) -> str:
        return "ivf" if isinstance(faiss.downcast_index(self._inner()), faiss.IndexIVF) else "flat"

    def _inner(self) -> faiss.Index:
        return faiss.downcast_index(self.index.index) if isinstance(self.index, faiss.IndexIDMap) else self.index

    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray, threshold: int = APPROX_THRESHOLD,
              nprobe: int | None = None) -> "FaissVectorIndex":
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        ids = np.asarray(ids, dtype=np.int64)
        dim = vectors.shape[1]
        if len(vectors) < threshold:
            index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
            index.add_with_ids(vectors, ids)
            return cls(index)
        nlist = int(4 * np.sqrt(len(vectors)))
        quantizer = faiss.IndexFlatIP(dim)
        ivf = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)  # deterministic training sample: same data, same index
        sample = vectors[rng.choice(len(vectors), min(len(vectors), 64 * nlist), replace=False)]
        ivf.train(sample)
        ivf.add_with_ids(vectors, ids)
        ivf.nprobe = nprobe or max(8, nlist // 16)
        return cls(ivf)

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    @property
    def nprobe(self) -> int | None:
        inner = self._inner()
        return int(inner.nprobe) if isinstance(inner, faiss.IndexIVF) else None

    def add(self, vectors: np.ndarray, ids: np.ndarray) -> None:
        if len(ids):
            self.index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32),
                                    np.asarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> int:
        if len(ids) == 0:
            return 0
        return int(self.index.remove_ids(np.asarray(ids, dtype=np.int64)))

    def search(self, queries: np.ndarray, k: int) -> list[list[VectorHit]]:
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return [[VectorHit(int(i), float(s)) for i, s in zip(row_ids, row_scores) if i >= 0]
                for row_ids, row_scores in zip(ids, scores)]

    def save(self, path: str | Path) -> None:
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: str | Path) -> "FaissVectorIndex":
        return cls(faiss.read_index(str(path)))


def recall_against_exact(index: FaissVectorIndex, vectors: np.ndarray, ids: np.ndarray,
                         queries: np.ndarray, k: int = 10) -> float:
    """Share of the exact top-k that the (approximate) index also returns."""
    exact = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
    exact.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, np.int64))
    _, truth = exact.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    found = index.search(queries, k)
    hits = sum(len({h.vid for h in row} & set(t[t >= 0].tolist())) for row, t in zip(found, truth))
    return hits / max(1, int((truth >= 0).sum()))
