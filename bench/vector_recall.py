"""Recall@10 of the live approximate (IVF) faiss index against exact search, on STARD questions,
for several nprobe values, with query latency (issue 3).

    python bench/vector_recall.py [--home /tmp/full]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import faiss
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from indexer.embedders import make_embedder  # noqa: E402
from indexer.embedded.reader import IndexReader, load_idmap  # noqa: E402
from search.evaluation.metrics import load_queries  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    reader = IndexReader(settings.index_dir)
    uids, vids = load_idmap(reader.folder)
    embedder = make_embedder(reader.manifest.embedder)
    queries = load_queries(settings.data_dir / "stard/queries.jsonl")[:300]
    qvecs = embedder.embed_queries([q.question for q in queries])
    # Exact top-10 over the very vectors the IVF index holds (reconstructed from it).
    exact_index = reader.vectors.index
    vectors = np.zeros((len(vids), reader.vectors.dim), dtype=np.float32)
    ivf = faiss.extract_index_ivf(exact_index)
    ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
    for i, vid in enumerate(vids):
        vectors[i] = ivf.reconstruct(int(vid))
    exact = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
    exact.add_with_ids(vectors, vids)
    started = time.perf_counter()
    truth = np.vstack([exact.search(q[None, :], 10)[1] for q in qvecs])  # one query at a time
    exact_ms = (time.perf_counter() - started) * 1000 / len(qvecs)
    rows = []
    for nprobe in (8, 16, 32, 64, 102, 160):
        ivf.nprobe = nprobe
        started = time.perf_counter()
        got = np.vstack([exact_index.search(q[None, :], 10)[1] for q in qvecs])
        ms = (time.perf_counter() - started) * 1000 / len(qvecs)
        recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)])
        rows.append({"nprobe": nprobe, "recall@10_vs_exact": round(float(recall), 4), "ms_per_query": round(ms, 2)})
    print(json.dumps({"vectors": len(vids), "nlist": ivf.nlist, "exact_ms_per_query": round(exact_ms, 2),
                      "ivf": rows}, ensure_ascii=False))


if __name__ == "__main__":
    main()
