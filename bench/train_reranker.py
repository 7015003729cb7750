"""Train the LightGBM re-ranker on STARD train with cross-fitted features, save it with the
index (`learned/reranker.txt`), and report dev with and without it.

    python bench/train_reranker.py [--home /tmp/full]
"""
from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from search.evaluate import load_queries, mean_scores, norm_title, score_ranking  # noqa: E402
from search.fusion import rrf  # noqa: E402
from search.learn import article_vectors  # noqa: E402
from search.learning import LEARNED_DIR, AnsweredQuestions  # noqa: E402
from search.query import make_filters  # noqa: E402
from search.rerank import AnswerPriors, LightGBMReranker, candidate_features, train_lambdarank  # noqa: E402
from search.searcher import RERANK_TOP as TOP  # noqa: E402
from search.searcher import Searcher  # noqa: E402



def features_for(searcher, question, parts, priors):
    names = list(parts)
    rankings = [sorted(parts[n], key=parts[n].get, reverse=True) for n in names]
    fused = rrf(rankings, [searcher.fusion_weights.get(n, 1.0) for n in names], searcher.config.rrf_k)
    top = dict(sorted(fused.items(), key=lambda kv: -kv[1])[:TOP])
    meta = searcher.meta
    keys = {u: (norm_title(meta.value(u, "title")), meta.value(u, "label")) for u in top}
    rows = {u: (meta.value(u, "doc_type"), meta.value(u, "length"), meta.value(u, "short_name")) for u in top}
    ids, x = candidate_features(parts, top, keys, rows, priors, question)
    return ids, x, [keys[u] for u in ids]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    searcher.reranker = None
    path = settings.data_dir / "stard/queries.jsonl"
    train, dev = load_queries(path, "train"), load_queries(path, "dev")
    filters = make_filters("laws", "宪法,法律,行政法规,司法解释,部门规章")
    started = time.perf_counter()
    cache = settings.index_dir / LEARNED_DIR / "oof_parts.pkl"
    if cache.exists():
        oof = pickle.loads(cache.read_bytes())
    else:
        qvecs = searcher.embedder.embed_queries([q.question for q in train])
        art_vecs = article_vectors(searcher, sorted({k for q in train for k in q.gold}))
        order = list(range(len(train)))
        random.Random(0).shuffle(order)
        oof = [None] * len(train)
        for f in range(args.folds):
            held = set(order[f::args.folds])
            rest = [i for i in order if i not in held]
            learned = AnsweredQuestions([train[i].question for i in rest],
                                        [sorted(train[i].gold) for i in rest], qvecs[rest])
            learned.fit_keyword(searcher.reader.analyzer)
            learned.fit_adapter(art_vecs)
            searcher.learned = learned
            for i in held:
                oof[i] = (searcher.source_rankings(train[i].question, filters)[1], learned.keys)
        cache.write_bytes(pickle.dumps(oof))
    groups = []
    for query, (parts, fold_keys) in zip(train, oof):
        ids, x, keys = features_for(searcher, query.question, parts, AnswerPriors(fold_keys))
        y = np.array([float(k in query.gold) for k in keys], dtype=np.float32)
        if y.any():
            groups.append((x, y))
    model_path = settings.index_dir / LEARNED_DIR / "reranker.txt"
    train_lambdarank(groups, model_path)
    searcher.learned = AnsweredQuestions.load(settings.index_dir / LEARNED_DIR, searcher.reader.analyzer)
    priors = AnswerPriors(searcher.learned.keys)
    reranker = LightGBMReranker(model_path)
    fused_only, reranked = [], []
    for query in dev:
        parts = searcher.source_rankings(query.question, filters)[1]
        ids, x, keys = features_for(searcher, query.question, parts, priors)
        fused_only.append(score_ranking(query.gold, keys))
        scores = reranker.rerank(ids, x)
        order = sorted(range(len(ids)), key=lambda i: -scores[ids[i]])
        reranked.append(score_ranking(query.gold, [keys[i] for i in order]))
    print(json.dumps({"train_groups": len(groups), "dev_fusion": mean_scores(fused_only),
                      "dev_reranked": mean_scores(reranked),
                      "seconds": round(time.perf_counter() - started, 1)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
