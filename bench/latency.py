"""Search latency (issue 4): p50/p95 of keyword (sparse and whoosh backends), vector and
hybrid search over the full index (warm, national-scope filters as in STARD), and bm25s + the same jieba tokens over the same
units and queries as the reference, in the same run.

    python bench/latency.py [--home /tmp/full] [--queries 200]
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

from bench.stard_embedders import SCOPE_TYPES  # noqa: E402
from corpus.config import Settings  # noqa: E402
from search.evaluate import load_queries  # noqa: E402
from search.query import make_filters  # noqa: E402
from search.searcher import SearchConfig, Searcher  # noqa: E402


def percentiles(times: list[float]) -> dict[str, float]:
    ms = np.array(times) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "mean_ms": round(float(ms.mean()), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    questions = [q.question for q in load_queries(settings.data_dir / "stard/queries.jsonl")]
    questions = random.Random(1).sample(questions, min(args.queries, len(questions)))
    filters = make_filters("laws", ",".join(SCOPE_TYPES))
    report = {}
    for backend in ("whoosh", "sparse"):  # the default (sparse) last: `searcher` is reused below
        started = time.perf_counter()
        searcher = Searcher.from_settings(settings, SearchConfig(keyword_backend=backend))
        report[f"load_s_{backend}"] = round(time.perf_counter() - started, 1)
        for mode in ("keyword", "vector", "hybrid"):
            if mode == "vector" and backend == "whoosh":
                continue
            for q in questions[:20]:  # warm caches (filters, selectors, jieba)
                searcher.search(q, k=10, filters=filters, mode=mode, with_facets=False)
            times = []
            for q in questions:
                started = time.perf_counter()
                searcher.search(q, k=10, filters=filters, mode=mode, with_facets=False)
                times.append(time.perf_counter() - started)
            report[mode if mode == "vector" else f"{mode}_{backend}"] = percentiles(times)
        # The retriever alone (analysis + BM25 top 10), the like-for-like figure beside bm25s:
        # `search` above also parses citations and builds results (store reads, snippets).
        times = []
        for q in questions:
            started = time.perf_counter()
            searcher.keyword.retrieve(searcher.query_tokens(q), filters, 10)
            times.append(time.perf_counter() - started)
        report[f"keyword_retriever_{backend}"] = percentiles(times)
    # Reference: bm25s over the same units, same analyzer tokens.
    import bm25s
    mask = searcher.vector.mask(filters)
    rows = np.flatnonzero(mask)
    analyzer = searcher.reader.analyzer
    texts = [searcher.store.get_unit(str(searcher.meta.uids[r])).text for r in rows]
    started = time.perf_counter()
    corpus_tokens = [analyzer.tokens(t) for t in texts]
    tokenize_s = time.perf_counter() - started
    bm25 = bm25s.BM25()
    started = time.perf_counter()
    bm25.index(corpus_tokens, show_progress=False)
    index_s = time.perf_counter() - started
    vocab = bm25.vocab_dict
    times = []
    for q in questions:
        started = time.perf_counter()
        tokens = [t for t in analyzer.tokens(q) if t in vocab]
        if tokens:
            scores = bm25.get_scores(tokens)
            np.argpartition(-scores, 10)[:10]
        times.append(time.perf_counter() - started)
    report["bm25s_reference"] = percentiles(times) | {"units": len(rows), "index_s": round(index_s, 1),
                                                       "tokenize_s": round(tokenize_s, 1)}
    report["queries"] = len(questions)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
