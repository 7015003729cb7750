"""STARD ablation (issue 4): fit everything learned on train via `search.learning.training.learn_all`
(the code behind `fagui learn`), then report dev for each stage: sources alone, equal-weight
fusion, tuned fusion, tuned fusion + re-ranker.

    python bench/stard_ablation.py [--home /tmp/full] [--folds 5]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_queries, mean_scores, score_ranking  # noqa: E402
from search.learning.answered import LEARNED_DIR, AnsweredQuestions, load_fusion  # noqa: E402
from search.query.parse import make_filters  # noqa: E402
from search.ranking.rerank import SOURCES, LightGBMReranker  # noqa: E402
from search.searcher import RERANK_TOP, Searcher  # noqa: E402
from search.learning.training import unit_keys, fused_metrics, learn_all, rerank_features  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    path = settings.data_dir / "stard/queries.jsonl"
    train, dev = load_queries(path, "train"), load_queries(path, "dev")
    filters = make_filters("laws", "宪法,法律,行政法规,司法解释,部门规章")
    started = time.perf_counter()
    report = learn_all(searcher, train, filters, args.folds)
    folder = settings.index_dir / LEARNED_DIR
    searcher.learned = AnsweredQuestions.load(folder, searcher.reader.analyzer)
    weights, method = load_fusion(folder)
    dev_parts = [searcher.source_rankings(q.question, filters)[1] for q in dev]
    stages = {f"{n}_alone": fused_metrics(searcher, dev, dev_parts, {n: 1.0}) for n in SOURCES}
    stages["equal_weights"] = fused_metrics(searcher, dev, dev_parts, {n: 1.0 for n in SOURCES})
    stages["tuned_weights"] = fused_metrics(searcher, dev, dev_parts, weights, method=method)
    reranker = LightGBMReranker(folder / "reranker.txt")
    reranked = []
    for query, parts in zip(dev, dev_parts):
        ids, x = rerank_features(searcher, query.question, parts, weights, RERANK_TOP, method)
        keys = unit_keys(searcher, ids)
        scores = reranker.rerank(ids, x)
        reranked.append(score_ranking(query.gold, [keys[i] for i in sorted(range(len(ids)), key=lambda i: -scores[ids[i]])]))
    stages["tuned_weights_reranked"] = mean_scores(reranked)
    print(json.dumps({"train": report, "dev": stages, "seconds": round(time.perf_counter() - started, 1)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
