"""Development of the deciding-article stage (issue 28) on STARD train only: caches the
cross-fitted inputs and first-stage orders (the slow part of `fagui learn`) in a pickle, then
cross-validates the stage (gold among the first 3 articles) for feature subsets. Dev and the
everyday questions are never read here.

    python bench/deciding_dev.py [--home var] [--cache /tmp/deciding.pkl] [--drop q_,match_]
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus.config import Settings  # noqa: E402
from search.evaluation.metrics import load_queries  # noqa: E402
from search.learning.answered import DEEP, LEARNED_DIR, load_fusion, write_learned_stamp  # noqa: E402
from search.learning import deciding_training as dt  # noqa: E402
from search.query.concepts import load_answers  # noqa: E402
from search.learning.training import (LECOQA, LEARN_TYPES, OTHER_KINDS, TrainingQuery, fold_learned,  # noqa: E402
                                      reranker_by_fold, training_queries, unit_keys)
from search.query.parse import make_filters  # noqa: E402
from search.ranking.deciding_features import FEATURES  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def prepared(searcher, settings, cache: Path, deep: bool = False):
    """(train, out-of-fold inputs, first-stage orders), cached in `cache`. `deep`: the first stage of
    the deep profile (the enriched field kept, its fusion and re-ranker), as `fagui learn` feeds the
    stage once the field is built; otherwise the fast one."""
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    train = load_queries(settings.data_dir / "stard/queries.jsonl", "train")
    filters = make_filters("laws", LEARN_TYPES)
    inputs = dt.out_of_fold_inputs(searcher, train, filters, fold_learned(searcher, train, 5))
    kept = (lambda name: True) if deep else (lambda name: name != "enriched")
    for given in inputs:
        given.parts = {n: s for n, s in given.parts.items() if kept(n)}
    others = training_queries(searcher, list(OTHER_KINDS), settings.data_dir)
    for query in others:
        query.parts = {n: s for n, s in searcher.source_rankings(query.text, query.filters, deep=True)[1].items()
                       if kept(n)}
    queries = [TrainingQuery("stard", q.question, filters, q.gold, parts=g.parts) for q, g in zip(train, inputs)]
    weights, method = load_fusion(searcher.index_dir / LEARNED_DIR, DEEP if deep else "")
    by_fold = reranker_by_fold(searcher, queries + others, weights, method, [g.fold for g in inputs])
    orders = dt.first_stage_orders(searcher, train, inputs, by_fold, weights, method)
    out = (train, inputs, orders)
    cache.write_bytes(pickle.dumps(out))
    return out


def zero_features(groups, prefixes: str) -> tuple[list, list[int]]:
    """The groups with the features named by the comma-separated `prefixes` zeroed (for the
    trees, the same as not having them), and the dropped columns."""
    drop = [i for i, f in enumerate(FEATURES) if any(f.startswith(p) for p in prefixes.split(",") if p)]
    if drop:
        groups = [(ids, np.where(np.isin(np.arange(x.shape[1]), drop), 0.0, x).astype(np.float32), y)
                  for ids, x, y in groups]
    return groups, drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/deciding.pkl"))
    parser.add_argument("--deep", action="store_true", help="the deep profile's first stage (field built)")
    parser.add_argument("--drop", default="", help="comma-separated feature name prefixes to zero")
    parser.add_argument("--no-answers", action="store_true", help="concepts from gold articles only (no LeCoQA)")
    parser.add_argument("--save", action="store_true",
                        help="write learned/deciding.txt + concepts.json as `fagui learn` would (same inputs); "
                             "with --drop, a model that never reads the dropped features (their columns were constant)")
    args = parser.parse_args()
    settings = Settings.from_env(home=args.home)
    searcher = Searcher.from_settings(settings)
    train, inputs, orders = prepared(searcher, settings, args.cache, args.deep)
    answers = {} if args.no_answers else load_answers(settings.data_dir / LECOQA, {q.qid for q in train})
    concepts, concept_map = dt.concept_maps(searcher, train, [g.fold for g in inputs], answers)
    groups = dt.deciding_groups(searcher, train, inputs, orders, lambda ids: unit_keys(searcher, ids), concepts)
    groups, drop = zero_features(groups, args.drop)
    sizes = [len(ids) for ids, _, _ in groups]
    report = {"questions": len(groups), "gold_candidate": round(np.mean([y.any() for _, _, y in groups]), 4),
              "candidates_p50": int(np.median(sizes)), "dropped": [FEATURES[i] for i in drop],
              "concept_words": len(concept_map.words),
              "out_of_fold_gold@3": dt.cross_validate(groups, [g.fold for g in inputs])}
    if args.save:
        folder = searcher.index_dir / LEARNED_DIR
        concept_map.save(folder)
        dt.fit_all(groups).save_model(str(folder / dt.DECIDING_FILE))
        (folder / dt.DIGEST_FILE).write_text(dt.feature_digest(), encoding="utf-8")
        write_learned_stamp(folder)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
