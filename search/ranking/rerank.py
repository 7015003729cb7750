"""Learned re-ranking (学习排序): a LightGBM LambdaRank model over query-generic features of
each candidate article (search/ranking/features.py): retriever scores and ranks, word coverage of
text, title and chapter, how strongly its law stands out, national or local, 效力级别, length.

Trained on several kinds of queries — STARD train (learned parts cross-fitted), generated
topical queries and citizen messages whose replies cite articles (search/learning/training.py,
`fagui learn`); saved as `learned/reranker.txt`; absent file = fusion order is kept.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from search.ranking.features import FEATURES, SOURCES

__all__ = ["FEATURES", "SOURCES", "LightGBMReranker", "merge_reranked", "rerank_features", "train_lambdarank"]
log = logging.getLogger(__name__)


class LightGBMReranker:
    """Orders candidates by a LambdaRank model's scores."""

    def __init__(self, model_path: str | Path, features: list[str] = FEATURES):
        """`features`: the names the model must have been trained on (the re-ranker's by default)."""
        import lightgbm

        self.booster = lightgbm.Booster(model_file=str(model_path))
        self.usable = self.booster.num_feature() == len(features)
        if not self.usable:  # a model from an older fagui: fusion order until `fagui learn` runs
            log.warning("%s has %d features, this version makes %d: run `fagui learn` again",
                        model_path, self.booster.num_feature(), len(features))

    def scores(self, features: np.ndarray) -> np.ndarray:
        # a few hundred rows: threads cost more than they save
        return self.booster.predict(features, num_threads=1) if len(features) else np.zeros(0)

    def rerank(self, ids: list, features: np.ndarray) -> dict:
        return {cid: float(s) for cid, s in zip(ids, self.scores(features))} if len(ids) else {}


def merge_reranked(fused: dict[str, float], reranked: dict[str, float]) -> dict[str, float]:
    """Re-ranked candidates by their new scores, every other unit below them in fusion order."""
    floor = min(reranked.values(), default=0.0) - 1.0
    return {u: reranked.get(u, floor + s) for u, s in fused.items()}


def rerank_features(searcher, question: str, parts: dict, weights: dict, top: int, method: str = "rrf"):
    """Feature rows of the `top` fused candidates of `parts` (training's view of a search)."""
    from search.ranking.fusion import fuse

    fused = fuse({n: s for n, s in parts.items() if n in SOURCES}, weights, method, searcher.config.rrf_k)
    fused = dict(sorted(fused.items(), key=lambda kv: -kv[1])[:top])
    return searcher.featurizer.features(question, searcher.reader.analyzer.tokens(question), parts, fused)


def train_lambdarank(groups: list[tuple[np.ndarray, np.ndarray]], path: str | Path | None, seed: int = 0,
                     features: list[str] = FEATURES, rounds: int = 300):
    """Fit LambdaRank on (features, 0/1 labels) per query; saved to `path` (None: returned only)."""
    import lightgbm

    x = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    data = lightgbm.Dataset(x, y, group=[len(g[1]) for g in groups], feature_name=features)
    params = {"objective": "lambdarank", "metric": "ndcg", "ndcg_eval_at": [10], "learning_rate": 0.05,
              "num_leaves": 31, "min_data_in_leaf": 20, "feature_fraction": 0.9, "bagging_fraction": 0.8,
              "bagging_freq": 1, "seed": seed, "verbose": -1, "num_threads": 2,
              # same data -> same trees: threads must not change the order histograms are summed in
              "deterministic": True, "force_row_wise": True}
    booster = lightgbm.train(params, data, num_boost_round=rounds)
    if path is not None:
        booster.save_model(str(path))
    return booster
