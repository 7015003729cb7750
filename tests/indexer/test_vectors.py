"""faiss index: exact below the threshold, IVF above; add/remove by id; recall vs exact."""
from __future__ import annotations

import numpy as np

from indexer.records import vector_id
from indexer.embedded.vectors import FaissVectorIndex, recall_against_exact


def _clustered(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    points = centres[rng.integers(0, 40, n)] + 0.3 * rng.normal(size=(n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_flat_and_ivf_by_size():
    vectors = _clustered(3000)
    ids = np.array([vector_id(f"doc:{i}") for i in range(3000)], dtype=np.int64)
    flat = FaissVectorIndex.build(vectors, ids, threshold=10_000)
    ivf = FaissVectorIndex.build(vectors, ids, threshold=1_000)
    assert (flat.kind, ivf.kind) == ("flat", "ivf")
    queries = vectors[:100] + 0.05
    assert recall_against_exact(flat, vectors, ids, queries) == 1.0
    assert recall_against_exact(ivf, vectors, ids, queries) >= 0.9


def test_remove_and_add_by_id(tmp_path):
    vectors = _clustered(2000, seed=1)
    ids = np.arange(10, 2010, dtype=np.int64)
    for threshold in (10_000, 500):
        index = FaissVectorIndex.build(vectors, ids, threshold=threshold)
        assert index.remove(ids[:100]) == 100 and index.ntotal == 1900
        assert ids[0] not in [h.vid for h in index.search(vectors[:1], 5)[0]]
        index.add(vectors[:1], ids[:1])
        assert index.search(vectors[:1], 1)[0][0].vid == ids[0]
        index.save(tmp_path / "v.faiss")
        again = FaissVectorIndex.load(tmp_path / "v.faiss")
        assert again.ntotal == 1901 and again.kind == index.kind and again.nprobe == index.nprobe


def test_vector_ids_are_stable_and_positive():
    assert vector_id("22c5555e8f974b99963b8aab36005d0e:81") == vector_id("22c5555e8f974b99963b8aab36005d0e:81")
    assert 0 <= vector_id("x:1") < 2**63 and vector_id("x:1") != vector_id("x:2")
