"""Search latency (issue 4): p50/p95 of keyword (sparse and whoosh backends), vector and
hybrid search over the full index (warm, national-scope filters as in STARD), and bm25s + the same jieba tokens over the same
units and queries as the reference, in the same run.

Warm-up and measurement use different questions: `--warmup` questions (default 20) warm the
code paths and caches (filters, selectors, jieba) before each mode, then `--queries` other
questions are timed. The searcher remembers query embeddings (a small LRU), so it is emptied
before each mode: vector and hybrid are timed on the same questions, and neither may reuse
the other's embeddings. Every timed search is a question this searcher has not seen.

    python bench/latency.py [--home /tmp/full] [--queries 200] [--warmup 20] [--backends whoosh,sparse]
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
from search.evaluation.metrics import load_queries  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.config import SearchConfig  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def percentiles(times: list[float]) -> dict[str, float]:
    ms = np.array(times) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 1), "p95_ms": round(float(np.percentile(ms, 95)), 1),
            "mean_ms": round(float(ms.mean()), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--backends", default="whoosh,sparse", help="keyword backends to time, in this order")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    every = list(dict.fromkeys(q.question for q in load_queries(settings.data_dir / "stard/queries.jsonl")))
    sample = random.Random(1).sample(every, min(args.warmup + args.queries, len(every)))
    warmup, questions = sample[: args.warmup], sample[args.warmup:]
    filters = make_filters("laws", ",".join(SCOPE_TYPES))
    report = {}
    for backend in args.backends.split(","):  # the last one's `searcher` is reused below
        started = time.perf_counter()
        searcher = Searcher.from_settings(settings, SearchConfig(keyword_backend=backend))
        report[f"load_s_{backend}"] = round(time.perf_counter() - started, 1)
        for mode in ("keyword", "vector", "hybrid"):
            if mode == "vector" and backend == "whoosh":
                continue
            searcher._query_vectors.clear()  # no embeddings left over from the previous mode
            for q in warmup:  # warm caches (filters, selectors, jieba) on questions not timed below
                searcher.search(q, k=10, filters=filters, mode=mode, with_facets=False)
            print(time.strftime("%H:%M:%S"), f"timing {mode} ({backend})", file=sys.stderr, flush=True)
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
    report["warmup_queries"] = len(warmup)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
