"""Tune the fusion weights of the retrieval sources on STARD train with 5-fold cross-fitting
(no training question sees learned parts fitted on itself), save them with the index, and
report train (out-of-fold) and dev figures.

    python bench/tune_fusion.py [--home /tmp/full]
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from search.evaluate import load_queries, mean_scores, norm_title, score_ranking  # noqa: E402
from search.fusion import rrf  # noqa: E402
from search.learn import article_vectors, fit_learned  # noqa: E402
from search.learning import LEARNED_DIR, AnsweredQuestions, save_fusion_weights  # noqa: E402
from search.query import make_filters  # noqa: E402
from search.searcher import Searcher  # noqa: E402

SOURCES = ("keyword", "vector", "adapted", "questions", "neighbours")
GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)


def fused_scores(rankings_by_query, queries, weights, k=60):
    out = []
    for rankings, query in zip(rankings_by_query, queries):
        names = [n for n in SOURCES if n in rankings and weights.get(n, 0) > 0]
        fused = rrf([rankings[n] for n in names], [weights[n] for n in names], k)
        ranked = sorted(fused, key=fused.get, reverse=True)
        out.append(score_ranking(query.gold, (key for key in ranked)))
    return mean_scores(out)


def objective(m):
    return m["recall@10"] + m["mrr@10"] + 0.5 * m["recall@100"]


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
    qvecs = searcher.embedder.embed_queries([q.question for q in train])
    all_keys = sorted({k for q in train for k in q.gold})
    art_vecs = article_vectors(searcher, all_keys)
    order = list(range(len(train)))
    random.Random(0).shuffle(order)
    folds = [order[i::args.folds] for i in range(args.folds)]

    def keyed(rankings):
        """Unit ids -> (law title, label): the evaluation's article identity."""
        return {n: [(norm_title(searcher.meta.value(u, "title")), searcher.meta.value(u, "label"))
                    for u in r] for n, r in rankings.items()}

    train_rankings: list = [None] * len(train)
    for fold in folds:
        held = set(fold)
        rest = [i for i in order if i not in held]
        learned = AnsweredQuestions([train[i].question for i in rest], [sorted(train[i].gold) for i in rest],
                                    qvecs[rest])
        learned.fit_keyword(searcher.reader.analyzer)
        learned.fit_adapter(art_vecs)
        searcher.learned = learned
        for i in fold:
            train_rankings[i] = keyed(searcher.source_rankings(train[i].question, filters)[0])
    weights = {n: 1.0 for n in SOURCES}
    best = fused_scores(train_rankings, train, weights)
    for _ in range(3):  # coordinate ascent over the weight grid
        for name in SOURCES:
            for value in GRID:
                trial = weights | {name: value}
                score = fused_scores(train_rankings, train, trial)
                if objective(score) > objective(best) + 1e-9:
                    weights, best = trial, score
    searcher.learned = fit_learned(searcher, train, save=True)
    dev_rankings = [keyed(searcher.source_rankings(q.question, filters)[0]) for q in dev]
    report = {"train_out_of_fold": best, "train_equal_weights": fused_scores(train_rankings, train, {n: 1.0 for n in SOURCES}),
              "dev": fused_scores(dev_rankings, dev, weights),
              "dev_equal_weights": fused_scores(dev_rankings, dev, {n: 1.0 for n in SOURCES}),
              "dev_per_source": {n: fused_scores(dev_rankings, dev, {n: 1.0}) for n in SOURCES},
              "seconds": round(time.perf_counter() - started, 1)}
    save_fusion_weights(settings.index_dir / LEARNED_DIR, weights, report)
    print(json.dumps({"weights": weights, **report}, ensure_ascii=False))


if __name__ == "__main__":
    main()
