"""Fitting everything learned (`fagui learn`), cross-fitted, on several kinds of queries:

1. answered questions + ridge adapter on all STARD train questions (saved);
2. out-of-fold source scores for every STARD train question: in k folds, the learned parts
   are fitted on the other folds only, so no question sees features built from itself;
   other kinds (generated topical queries, citizen messages whose replies cite articles; their
   train halves) are scored with the learned parts as a user's query would be;
3. fusion weights tuned on all of them (coordinate ascent over a small grid), each kind
   weighted so that no single benchmark decides (KIND_WEIGHTS);
4. the LambdaRank re-ranker trained on the same candidates, query-generic features only.

Steps 3-4 run per ranking profile: `fast` (every search; never the enriched field) and, when
the enriched vector field is built, `deep` (the assistant, 深度检索; search/searcher.py).
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from search.evaluation.metrics import EvalQuery, mean_scores, norm_title, score_ranking
from search.ranking.fusion import FUSION_METHODS, fuse
from search.learning.fit import article_tokens, article_vectors, fit_learned
from search.learning.answered import (DEEP, LEARNED_DIR, AnsweredQuestions, fusion_file, reranker_file, save_fusion,
                             write_learned_stamp)
from search.query.parse import SearchFilters, make_filters
from search.query.concepts import load_answers
from search.learning.deciding_training import FoldInput, learn_deciding, out_of_fold_inputs
from search.ranking.rerank import SOURCES, rerank_features, train_lambdarank

GRID = (0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0)
# How much each kind counts in the tuning objective: citizen questions first, but topical
# queries and messages enough that a choice hurting them loses.
LEARN_TYPES = "宪法,法律,行政法规,司法解释,部门规章"  # what STARD's answers cite: the default scope
OTHER_KINDS = ("topical", "messages", "notices")
LECOQA = "lecoqa/queries_with_answers.jsonl"  # the legal team's written answers (the deciding stage's concepts)
KIND_WEIGHTS = {"stard": 0.5, "topical": 0.3, "messages": 0.1, "notices": 0.1}


@dataclass
class TrainingQuery:
    """A training query and what answers it: article keys (norm title, label), or a whole law
    (`gold_law`, normalised title) for topical queries."""

    kind: str
    text: str
    filters: SearchFilters
    gold: frozenset = frozenset()
    gold_law: str | None = None
    gold_docs: frozenset = frozenset()  # notices: the documents themselves
    parts: dict = field(default_factory=dict, repr=False)


def fold_learned(searcher, train: list[EvalQuery], folds: int = 5) -> Iterator[list[int]]:
    """Cross-fitting: for each of k folds, the searcher's learned parts fitted on the other
    folds only (swapped in while the caller works on the held-out indices yielded)."""
    qvecs = searcher.embedder.embed_queries([q.question for q in train])
    gold = sorted({k for q in train for k in q.gold})
    art_vecs, art_tokens = article_vectors(searcher, gold), article_tokens(searcher, gold)
    order = list(range(len(train)))
    random.Random(0).shuffle(order)
    saved = searcher.learned
    try:
        for fold in range(folds):
            held = set(order[fold::folds])
            rest = [i for i in order if i not in held]
            learned = AnsweredQuestions([train[i].question for i in rest], [sorted(train[i].gold) for i in rest],
                                        qvecs[rest])
            learned.fit_keyword(searcher.reader.analyzer)
            learned.fit_adapter(art_vecs)
            learned.fit_term_map(searcher.reader.analyzer, art_tokens)
            searcher.learned = learned
            yield sorted(held)
    finally:
        searcher.learned = saved


def unit_keys(searcher, ids) -> list[tuple[str, str]]:
    """(normalised law title, article label) of each unit id: how gold articles are matched."""
    return [(norm_title(searcher.meta.value(u, "title")), searcher.meta.value(u, "label")) for u in ids]


def _sources(parts: dict) -> dict:
    return {n: s for n, s in parts.items() if n in SOURCES}


def labels(searcher, query: TrainingQuery, ids) -> np.ndarray:
    """1 for a candidate that answers the query (its article, or any article of its law)."""
    if query.gold_law:
        return np.array([float(norm_title(searcher.meta.value(u, "title")) == query.gold_law) for u in ids],
                        dtype=np.float32)
    if query.gold_docs:
        return np.array([float(searcher.meta.value(u, "doc_id") in query.gold_docs) for u in ids], dtype=np.float32)
    return np.array([float(k in query.gold) for k in unit_keys(searcher, ids)], dtype=np.float32)


def query_scores(searcher, query: TrainingQuery, ranked: list[str]) -> dict[str, float]:
    """STARD-style R@10/R@100/MRR@10 for article answers; law@3/law@10/MRR@10 for a law."""
    if query.gold_docs:
        return score_ranking(query.gold_docs, [searcher.meta.value(u, "doc_id") for u in ranked])
    if not query.gold_law:
        return score_ranking(query.gold, unit_keys(searcher, ranked))
    laws = [norm_title(searcher.meta.value(u, "title")) for u in ranked[:10]]
    first = next((i for i, law in enumerate(laws, 1) if law == query.gold_law), None)
    return {"recall@10": float(first is not None), "recall@100": float(first is not None and first <= 3),
            "mrr@10": 1.0 / first if first else 0.0}  # recall@100 slot holds law@3 for a law


def _objective(m: dict) -> float:
    return m["recall@10"] + m["mrr@10"] + 0.5 * m["recall@100"]


def weighted_objective(searcher, queries: list[TrainingQuery], rankings: list[list[str]]) -> float:
    """Σ over kinds of KIND_WEIGHTS[kind] · mean objective of that kind's queries."""
    by_kind: dict[str, list[float]] = {}
    for query, ranked in zip(queries, rankings):
        by_kind.setdefault(query.kind, []).append(_objective(query_scores(searcher, query, ranked)))
    total = sum(KIND_WEIGHTS.get(k, 0.1) for k in by_kind) or 1.0
    return sum(KIND_WEIGHTS.get(k, 0.1) * float(np.mean(v)) for k, v in by_kind.items()) / total


def _fused_rankings(queries: list[TrainingQuery], weights, method: str, k: int = 60) -> list[list[str]]:
    out = []
    for query in queries:
        fused = fuse(_sources(query.parts), {n: weights.get(n, 0.0) for n in SOURCES}, method, k)
        out.append(sorted(fused, key=fused.get, reverse=True))
    return out


def fused_metrics(searcher, queries, parts_list, weights, k=60, method: str = "rrf") -> dict[str, float]:
    """STARD metrics of fusing `parts_list` (one per EvalQuery) with `weights`."""
    scores = []
    for query, parts in zip(queries, parts_list):
        fused = fuse(_sources(parts), {n: weights.get(n, 0.0) for n in SOURCES}, method, k)
        scores.append(score_ranking(query.gold, unit_keys(searcher, sorted(fused, key=fused.get, reverse=True))))
    return mean_scores(scores)


def _ascend(searcher, queries: list[TrainingQuery], method: str) -> tuple[dict[str, float], float, float]:
    """Coordinate ascent of the weighted objective of out-of-fold fusion by `method`."""
    present = [n for n in SOURCES if any(n in q.parts for q in queries)]
    weights = {n: float(n in present) for n in SOURCES}  # a source never seen stays off (weight 0)
    best = equal = weighted_objective(searcher, queries, _fused_rankings(queries, weights, method))
    for _ in range(3):
        for name in present:
            for value in GRID:
                trial = weights | {name: value}
                score = weighted_objective(searcher, queries, _fused_rankings(queries, trial, method))
                if score > best + 1e-9:
                    weights, best = trial, score
    return weights, best, equal


def tune_fusion(searcher, queries: list[TrainingQuery]) -> tuple[dict[str, float], str, dict]:
    """Weights for each fusion method; the method with the better objective wins."""
    tuned = {m: _ascend(searcher, queries, m) for m in FUSION_METHODS}
    method = max(tuned, key=lambda m: tuned[m][1])
    weights, best, equal = tuned[method]
    report = {"objective": round(best, 4), "objective_equal_weights": round(equal, 4),
              "by_method": {m: {"weights": w, "objective": round(b, 4)} for m, (w, b, _) in tuned.items()}}
    return weights, method, report


def train_reranker(searcher, queries: list[TrainingQuery], weights, top: int, method: str = "rrf",
                   profile: str = "") -> dict:
    groups, per_kind = [], {}
    for query in queries:
        ids, x = rerank_features(searcher, query.text, query.parts, weights, top, method)
        y = labels(searcher, query, ids)
        if y.any():
            groups.append((x, y))
            per_kind[query.kind] = per_kind.get(query.kind, 0) + 1
    train_lambdarank(groups, searcher.reader.index_dir / LEARNED_DIR / reranker_file(profile))
    return per_kind


def training_queries(searcher, kinds: list[str], data_dir) -> list[TrainingQuery]:
    """The train halves of other query kinds, as TrainingQuery (topical: the law is the answer)."""
    from search.evaluation.kinds import kind_filters, load_kind
    from search.evaluation.querysets import topical_queries

    out = []
    for kind in kinds:
        if kind == "messages" and data_dir is None:
            continue
        # every national law's train-half query (the law decides the split, so dev laws stay unseen)
        items = topical_queries(searcher.store, searcher.reader.analyzer, limit=100_000) if kind == "topical" \
            else load_kind(kind, searcher, data_dir)
        for q in (q for q in items if q.split == "train"):
            if kind == "topical":
                out.append(TrainingQuery(kind, q.query, kind_filters(kind), gold_law=norm_title(q.gold_law)))
            elif kind == "notices":
                out.append(TrainingQuery(kind, q.query, kind_filters(kind), gold_docs=q.gold))
            else:
                out.append(TrainingQuery(kind, q.query, kind_filters(kind), q.gold))
    return out


def learn_from_answered(searcher, train: list[EvalQuery], data_dir, kinds: Iterable[str] = OTHER_KINDS,
                        folds: int = 5, filters: SearchFilters | None = None, progress=None) -> dict:
    """What `fagui learn` (and the background job of a fresh install) does: every learned part
    from `train` and the other kinds' train halves. `progress(description, total) -> advance`
    as the CLI's bars or indexer.progress.FileProgress."""
    filters = filters or make_filters("laws", LEARN_TYPES)
    others = training_queries(searcher, list(kinds), data_dir)
    advance = progress("学习排序 learn: 检索 searching", len(train) + len(others)) if progress else None
    fitting = (lambda: progress("学习排序 learn: 拟合 fitting fusion + re-ranker", None)) if progress else None
    answers = load_answers(data_dir / LECOQA, {q.qid for q in train}) if data_dir else {}
    report = learn_all(searcher, train, filters, folds, advance, others, fitting, answers)
    return {"questions": len(train), "other_queries": len(others),
            "saved": str(searcher.reader.index_dir / LEARNED_DIR), **report}


def learn_all(searcher, train: list[EvalQuery], filters: SearchFilters, folds: int = 5,
              progress: Callable[[int], None] | None = None,
              others: list[TrainingQuery] = (), fitting: Callable[[], None] | None = None,
              answers: dict[str, str] | None = None) -> dict:
    """Fit and save every learned part from STARD-style `train` (cross-fitted) and `others`
    (other kinds' train halves); returns the training figures. `progress` counts the queries
    searched; `fitting` is called when the fitting that follows (minutes, uncounted) starts."""
    # the parts just fitted score the other kinds' queries: a first learn has none loaded, and
    # scoring them without gave a fresh install other weights than any later relearn
    searcher.learned = fit_learned(searcher, train)
    inputs = out_of_fold_inputs(searcher, train, filters, fold_learned(searcher, train, folds), progress)
    queries = [TrainingQuery("stard", q.question, filters, q.gold, parts=given.parts) for q, given in zip(train, inputs)]
    for query in others:
        query.parts = searcher.source_rankings(query.text, query.filters, deep=True)[1]
        queries.append(query)
        if progress:
            progress(1)
    # the fast profile (every search) never sees the enriched field; the deep one (assistant,
    # 深度检索) is learned only when the field was built and searched
    if fitting:
        fitting()
    fast = [replace(q, parts={n: s for n, s in q.parts.items() if n != "enriched"}) for q in queries]
    out = _learn_profile(searcher, train, fast, "")
    if any("enriched" in q.parts for q in queries):
        out[DEEP] = _learn_profile(searcher, train, queries, DEEP)
    else:  # a deep profile from an earlier field would not match the parts just learned
        for stale in (fusion_file(DEEP), reranker_file(DEEP)):
            (searcher.reader.index_dir / LEARNED_DIR / stale).unlink(missing_ok=True)
    # the deciding stage follows the profile the assistant searches with: deep once the field is built
    deep = DEEP in out
    out["deciding"] = learn_deciding_stage(searcher, train, inputs, queries if deep else fast,
                                           out[DEEP] if deep else out, folds, answers, keep_enriched=deep)
    write_learned_stamp(searcher.reader.index_dir / LEARNED_DIR)  # last: servers reload on it
    return out


def reranker_by_fold(searcher, queries: list[TrainingQuery], weights, method: str, stard_folds: list[int]):
    """fold -> a re-ranker trained without that fold's STARD questions (which come first in
    `queries`, in fold order `stard_folds`); the other kinds' queries are always in."""
    from search.searcher import RERANK_TOP

    data = []
    for query in queries:
        ids, x = rerank_features(searcher, query.text, query.parts, weights, RERANK_TOP, method)
        data.append((x, labels(searcher, query, ids)))
    fold_of = list(stard_folds) + [-1] * (len(queries) - len(stard_folds))
    return lambda fold: train_lambdarank([(x, y) for (x, y), f in zip(data, fold_of) if f != fold and y.any()], None)


def learn_deciding_stage(searcher, train: list[EvalQuery], inputs: list[FoldInput], queries: list[TrainingQuery],
                         profile: dict, folds: int, answers: dict[str, str] | None = None,
                         keep_enriched: bool = False) -> dict:
    """The deciding-article stage from the first stage of `profile` (the fast one's parts have no
    enriched field; the deep one's, `keep_enriched`, do)."""
    if not keep_enriched:
        for given in inputs:
            given.parts = {n: s for n, s in given.parts.items() if n != "enriched"}
    by_fold = reranker_by_fold(searcher, queries, profile["weights"], profile["method"], [g.fold for g in inputs])
    return learn_deciding(searcher, train, inputs, by_fold, profile["weights"], profile["method"],
                          lambda ids: unit_keys(searcher, ids), folds, answers)


def _learn_profile(searcher, train: list[EvalQuery], queries: list[TrainingQuery], profile: str) -> dict:
    """Fusion weights and re-ranker of one ranking profile, saved under its name."""
    from search.searcher import RERANK_TOP

    weights, method, report = tune_fusion(searcher, queries)
    stard = [q for q in queries if q.kind == "stard"]
    report["stard_train_out_of_fold"] = fused_metrics(
        searcher, train, [q.parts for q in stard], weights, searcher.config.rrf_k, method)
    save_fusion(searcher.reader.index_dir / LEARNED_DIR, weights, method, report, profile)
    report["reranker_groups"] = train_reranker(searcher, queries, weights, RERANK_TOP, method, profile)
    return {"weights": weights, "method": method, **report}
