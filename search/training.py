"""Fitting everything learned from answered questions, cross-fitted (`fagui learn`):

1. answered questions + ridge adapter on all train questions (saved);
2. out-of-fold source scores for every train question: in k folds, the learned parts are
   fitted on the other folds only, so no question sees features built from itself;
3. fusion weights tuned on those (coordinate ascent over a small grid);
4. the LambdaRank re-ranker trained on the same out-of-fold candidates.
"""
from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from search.evaluate import EvalQuery, mean_scores, norm_title, score_ranking
from search.fusion import FUSION_METHODS, fuse
from search.learn import article_tokens, article_vectors, fit_learned
from search.learning import LEARNED_DIR, AnsweredQuestions, save_fusion
from search.query import SearchFilters
from search.rerank import SOURCES, AnswerPriors, candidate_features, train_lambdarank

GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)


def out_of_fold_parts(searcher, train: list[EvalQuery], filters: SearchFilters, folds: int = 5,
                      progress: Callable[[int], None] | None = None) -> list[tuple[dict, list]]:
    """(source -> {unit: score}, the answer keys known to that fold) per train question."""
    qvecs = searcher.embedder.embed_queries([q.question for q in train])
    gold = sorted({k for q in train for k in q.gold})
    art_vecs, art_tokens = article_vectors(searcher, gold), article_tokens(searcher, gold)
    order = list(range(len(train)))
    random.Random(0).shuffle(order)
    out: list = [None] * len(train)
    saved = searcher.learned
    for fold in range(folds):
        held = set(order[fold::folds])
        rest = [i for i in order if i not in held]
        learned = AnsweredQuestions([train[i].question for i in rest], [sorted(train[i].gold) for i in rest],
                                    qvecs[rest])
        learned.fit_keyword(searcher.reader.analyzer)
        learned.fit_adapter(art_vecs)
        learned.fit_term_map(searcher.reader.analyzer, art_tokens)
        searcher.learned = learned
        for i in held:
            out[i] = (searcher.source_rankings(train[i].question, filters)[1], learned.keys)
            if progress:
                progress(1)
    searcher.learned = saved
    return out


def _keys(searcher, ids) -> list[tuple[str, str]]:
    return [(norm_title(searcher.meta.value(u, "title")), searcher.meta.value(u, "label")) for u in ids]


def _sources(parts: dict) -> dict:
    return {n: s for n, s in parts.items() if n in SOURCES}


def fused_metrics(searcher, queries, parts_list, weights, k=60, method: str = "rrf") -> dict[str, float]:
    scores = []
    for query, parts in zip(queries, parts_list):
        fused = fuse(_sources(parts), {n: weights.get(n, 0.0) for n in SOURCES}, method, k)
        scores.append(score_ranking(query.gold, _keys(searcher, sorted(fused, key=fused.get, reverse=True))))
    return mean_scores(scores)


def _objective(m: dict) -> float:
    return m["recall@10"] + m["mrr@10"] + 0.5 * m["recall@100"]


def _ascend(searcher, train, parts_list, method: str) -> tuple[dict[str, float], dict, dict]:
    """Coordinate ascent on R@10 + MRR@10 + R@100/2 of out-of-fold fusion by `method`."""
    weights = {n: 1.0 for n in SOURCES}
    best = equal = fused_metrics(searcher, train, parts_list, weights, method=method)
    for _ in range(3):
        for name in SOURCES:
            for value in GRID:
                trial = weights | {name: value}
                score = fused_metrics(searcher, train, parts_list, trial, method=method)
                if _objective(score) > _objective(best) + 1e-9:
                    weights, best = trial, score
    return weights, best, equal


def tune_fusion(searcher, train, oof) -> tuple[dict[str, float], str, dict]:
    """Weights for each fusion method; the method with the better train objective wins."""
    parts_list = [p for p, _ in oof]
    tuned = {m: _ascend(searcher, train, parts_list, m) for m in FUSION_METHODS}
    method = max(tuned, key=lambda m: _objective(tuned[m][1]))
    weights, best, equal = tuned[method]
    report = {"train_out_of_fold": best, "train_equal_weights": equal,
              "by_method": {m: {"weights": w, "train_out_of_fold": b} for m, (w, b, _) in tuned.items()}}
    return weights, method, report


def rerank_features(searcher, question, parts, priors, weights, top, method: str = "rrf"):
    fused = fuse(_sources(parts), weights, method, searcher.config.rrf_k)
    fused = dict(sorted(fused.items(), key=lambda kv: -kv[1])[:top])
    meta = searcher.meta
    keys = dict(zip(fused, _keys(searcher, fused)))
    rows = {u: (meta.value(u, "doc_type"), meta.value(u, "length"), meta.value(u, "short_name")) for u in fused}
    ids, x = candidate_features(parts, fused, keys, rows, priors, question)
    return ids, x, [keys[u] for u in ids]


def train_reranker(searcher, train, oof, weights, top: int, method: str = "rrf") -> int:
    groups = []
    for query, (parts, fold_keys) in zip(train, oof):
        _, x, keys = rerank_features(searcher, query.question, parts, AnswerPriors(fold_keys), weights, top,
                                     method)
        y = np.array([float(k in query.gold) for k in keys], dtype=np.float32)
        if y.any():
            groups.append((x, y))
    train_lambdarank(groups, searcher.reader.index_dir / LEARNED_DIR / "reranker.txt")
    return len(groups)


def learn_all(searcher, train: list[EvalQuery], filters: SearchFilters, folds: int = 5,
              progress: Callable[[int], None] | None = None) -> dict:
    """Fit and save every learned part; returns the out-of-fold train figures."""
    from search.searcher import RERANK_TOP

    fit_learned(searcher, train)
    oof = out_of_fold_parts(searcher, train, filters, folds, progress)
    weights, method, report = tune_fusion(searcher, train, oof)
    save_fusion(searcher.reader.index_dir / LEARNED_DIR, weights, method, report)
    report["reranker_groups"] = train_reranker(searcher, train, oof, weights, RERANK_TOP, method)
    return {"weights": weights, "method": method, **report}
