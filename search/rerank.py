"""Learned re-ranking (学习排序): a LightGBM LambdaRank model over features of each candidate
article — every source's score and rank, the fused score, how often the article and its law
answered past questions, 效力级别, length, whether the question names the law.

Trained on STARD train with every learned feature cross-fitted (bench/train_reranker.py);
saved as `learned/reranker.txt`; absent file = fusion order is kept.
"""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import numpy as np

SOURCES = ("keyword", "vector", "adapted", "questions", "neighbours")
TYPE_RANK = {"宪法": 0, "法律": 1, "行政法规": 2, "司法解释": 3, "部门规章": 4}
FEATURES = [f"{s}_{kind}" for s in SOURCES for kind in ("score", "rank")] + [
    "fused", "fused_rank", "article_answers", "law_answers", "doc_type", "log_length", "law_named"]
MISSING_RANK = 1000


class AnswerPriors:
    """How often each article and each law answered the past questions (law priors)."""

    def __init__(self, keys_per_question: list[list[tuple[str, str]]]):
        self.articles = Counter(k for keys in keys_per_question for k in keys)
        self.laws = Counter(k[0] for keys in keys_per_question for k in set(keys))


def candidate_features(parts: dict[str, dict], fused: dict, keys: dict, meta_rows: dict,
                       priors: AnswerPriors, question: str) -> tuple[list, np.ndarray]:
    """Feature rows for the candidates in `fused` (any hashable ids).

    parts: source -> {id: score}; keys: id -> (norm title, label); meta_rows: id ->
    (doc_type, text length, short title)."""
    ids = sorted(fused, key=fused.get, reverse=True)
    ranks = {name: {i: r for r, i in enumerate(sorted(scores, key=scores.get, reverse=True), 1)}
             for name, scores in parts.items()}
    rows = []
    for position, cid in enumerate(ids, 1):
        row = []
        for name in SOURCES:
            row.append(parts.get(name, {}).get(cid, 0.0))
            row.append(ranks.get(name, {}).get(cid, MISSING_RANK))
        key = keys[cid]
        doc_type, length, short = meta_rows[cid]
        row += [fused[cid], position, math.log1p(priors.articles.get(key, 0)),
                math.log1p(priors.laws.get(key[0], 0)), TYPE_RANK.get(doc_type, 5),
                math.log1p(length), float(bool(short) and short in question)]
        rows.append(row)
    return ids, np.asarray(rows, dtype=np.float32)


class LightGBMReranker:
    """Orders candidates by a LambdaRank model's scores."""

    def __init__(self, model_path: str | Path):
        import lightgbm

        self.booster = lightgbm.Booster(model_file=str(model_path))

    def rerank(self, ids: list, features: np.ndarray) -> dict:
        if not len(ids):
            return {}
        scores = self.booster.predict(features)
        return {cid: float(s) for cid, s in zip(ids, scores)}


def train_lambdarank(groups: list[tuple[np.ndarray, np.ndarray]], path: str | Path, seed: int = 0) -> None:
    """Fit LambdaRank on (features, 0/1 labels) per query and save the model."""
    import lightgbm

    x = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    data = lightgbm.Dataset(x, y, group=[len(g[1]) for g in groups], feature_name=FEATURES)
    params = {"objective": "lambdarank", "metric": "ndcg", "ndcg_eval_at": [10], "learning_rate": 0.05,
              "num_leaves": 31, "min_data_in_leaf": 20, "feature_fraction": 0.9, "bagging_fraction": 0.8,
              "bagging_freq": 1, "seed": seed, "verbose": -1, "num_threads": 2}
    lightgbm.train(params, data, num_boost_round=300).save_model(str(path))
