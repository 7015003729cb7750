"""Learning the deciding-article stage (判定条文排序; search/ranking/deciding.py) inside
`fagui learn`, cross-fitted so that no STARD train question sees a model built from itself:

1. the question's source rankings come from the learned parts of the other folds (as for the
   re-ranker), with its adapted vector and term-map words from that fold too;
2. its first-stage order comes from a re-ranker trained without its fold;
3. the stage's LambdaRank model is fitted on those candidates (label: a gold article); the
   out-of-fold gain (gold among the first 3 articles, what an answer cites) is measured by
   fitting it once more per fold, and reported.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.evaluation.metrics import EvalQuery
from search.learning.answered import LEARNED_DIR
from search.learning.fit import article_tokens
from search.query.concepts import ConceptMap, fit_concepts
from search.ranking.deciding import DECIDING_FILE, DIGEST_FILE, query_vectors, stage1_order
from search.ranking.deciding_features import FEATURES, DecidingFeaturizer, feature_digest
from search.ranking.fusion import fuse
from search.ranking.rerank import SOURCES, merge_reranked, rerank_features, train_lambdarank

ROUNDS = 200
MAX_NEGATIVES = 400  # per question: the stage-1 leaders and a sample of the other articles


@dataclass
class FoldInput:
    """What the deciding stage reads of one train question, from its fold's learned parts."""

    parts: dict
    fold: int
    qvecs: np.ndarray | None
    expansions: list[str]


def out_of_fold_inputs(searcher, train: list[EvalQuery], filters, fold_sets, progress=None) -> list[FoldInput]:
    """`fold_sets`: search.learning.training.fold_learned(...) (held-out indices per fold)."""
    out: list = [None] * len(train)
    for fold, held in enumerate(fold_sets):
        for i in held:
            text = train[i].question
            parts = searcher.source_rankings(text, filters, deep=True)[1]
            vector = searcher.embed_query(text) if searcher.vector is not None else None
            tokens = searcher.reader.analyzer.tokens(text)
            out[i] = FoldInput(parts, fold, query_vectors(searcher.learned, vector), searcher.learned.expand(tokens))
            if progress:
                progress(1)
    return out


def concept_maps(searcher, train: list[EvalQuery], folds_of: list[int], answers: dict[str, str], folds: int = 5
                 ) -> tuple[list[list[str]], ConceptMap]:
    """Each question's concept words from a map learned without its fold, and the map of all."""
    analyzer = searcher.reader.analyzer
    gold = article_tokens(searcher, sorted({k for q in train for k in q.gold}))
    asked = [set(analyzer.tokens(q.question)) for q in train]
    answered = [set().union(*(gold.get(k, set()) for k in q.gold), analyzer.tokens(answers.get(q.qid, "")))
                for q in train]
    out: list[list[str]] = [[] for _ in train]
    for fold in range(folds):
        rest = [i for i, f in enumerate(folds_of) if f != fold]
        fold_map = ConceptMap(fit_concepts([asked[i] for i in rest], [answered[i] for i in rest]))
        for i, f in enumerate(folds_of):
            if f == fold:
                out[i] = fold_map.expand(analyzer.tokens(train[i].question))
    return out, ConceptMap(fit_concepts(asked, answered))


def _groups(searcher, featurizer, train, inputs, orders, keys_of, concepts):
    groups = []
    for query, given, order, words in zip(train, inputs, orders, concepts):
        tokens = searcher.reader.analyzer.tokens(query.question)
        ids, x = featurizer.features(query.question, tokens, given.expansions, order, given.parts, given.qvecs, words)
        y = np.array([float(k in query.gold) for k in keys_of(ids)], dtype=np.float32)
        groups.append((ids, x, y))
    return groups


def _sampled(x: np.ndarray, y: np.ndarray, rank: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """All positives and stage-1 leaders; other negatives sampled (a law can hold 1,260 articles)."""
    keep = (y > 0) | (rank < 1000)
    rest = np.flatnonzero(~keep)
    if len(rest) > MAX_NEGATIVES:
        rest = np.random.default_rng(seed).choice(rest, MAX_NEGATIVES, replace=False)
    rows = np.sort(np.concatenate([np.flatnonzero(keep), rest]))
    return x[rows], y[rows]


def fit_all(groups, seed: int = 0):
    """The LambdaRank model, or None when no question has a gold candidate."""
    rank_col = FEATURES.index("s1_rank")
    data = [_sampled(x, y, x[:, rank_col], seed + i) for i, (_, x, y) in enumerate(groups) if y.any()]
    return train_lambdarank(data, None, seed, FEATURES, ROUNDS) if data else None


def _top3_hit(ids: list[str], scores: np.ndarray, y: np.ndarray) -> float:
    return float(y[np.argsort(-scores, kind="stable")[:3]].any()) if len(ids) else 0.0


def first_stage_orders(searcher, train: list[EvalQuery], inputs: list[FoldInput], reranker_by_fold,
                       weights: dict, method: str, folds: int = 5) -> list[list[tuple[str, float]]]:
    """Each question's first-stage order, re-ranked by a re-ranker trained without its fold
    (`reranker_by_fold(fold) -> booster`)."""
    from search.searcher import RERANK_TOP

    orders = []
    boosters = {f: reranker_by_fold(f) for f in range(folds)}
    for query, given in zip(train, inputs):
        fused = fuse({n: s for n, s in given.parts.items() if n in SOURCES}, weights, method, searcher.config.rrf_k)
        ids, x = rerank_features(searcher, query.question, given.parts, weights, RERANK_TOP, method)
        scores = boosters[given.fold].predict(x, num_threads=1) if ids else []
        orders.append(stage1_order(merge_reranked(fused, dict(zip(ids, scores)))))
    return orders


def deciding_groups(searcher, train: list[EvalQuery], inputs: list[FoldInput], orders, keys_of, concepts):
    """(candidate ids, feature rows, gold labels) per question."""
    featurizer = DecidingFeaturizer(searcher.store, searcher.meta, searcher.featurizer.text_cover,
                                    getattr(searcher.vector, "cosines", None))
    return _groups(searcher, featurizer, train, inputs, orders, keys_of, concepts)


def cross_validate(groups, folds_of: list[int], folds: int = 5) -> dict:
    """Gold among the first 3 articles, first stage vs the stage fitted on the other folds."""
    before = after = 0.0
    for fold in range(folds):
        model = fit_all([g for g, f in zip(groups, folds_of) if f != fold])
        if model is None:
            continue
        for (ids, x, y), f in zip(groups, folds_of):
            if f == fold:
                before += _top3_hit(ids, -x[:, FEATURES.index("s1_rank")], y)
                after += _top3_hit(ids, model.predict(x, num_threads=1), y)
    return {"first_stage": round(before / len(groups), 4), "deciding": round(after / len(groups), 4)}


def learn_deciding(searcher, train: list[EvalQuery], inputs: list[FoldInput], reranker_by_fold,
                   weights: dict, method: str, keys_of, folds: int = 5, answers: dict[str, str] | None = None
                   ) -> dict:
    """Fit, measure out of fold and save learned/deciding.txt and concepts.json; `keys_of(ids)`:
    (title, label); `answers`: written answers of train questions by id (LeCoQA)."""
    orders = first_stage_orders(searcher, train, inputs, reranker_by_fold, weights, method, folds)
    concepts, concept_map = concept_maps(searcher, train, [g.fold for g in inputs], answers or {}, folds)
    concept_map.save(searcher.reader.index_dir / LEARNED_DIR)
    groups = deciding_groups(searcher, train, inputs, orders, keys_of, concepts)
    report = {"questions": len(groups), "with_gold_candidate": sum(bool(y.any()) for _, _, y in groups),
              "concept_words": len(concept_map.words), "written_answers": len(answers or {}),
              "out_of_fold_gold@3": cross_validate(groups, [g.fold for g in inputs], folds)}
    model = fit_all(groups)
    path = searcher.reader.index_dir / LEARNED_DIR / DECIDING_FILE
    digest = path.with_name(DIGEST_FILE)
    if model is None:
        path.unlink(missing_ok=True)  # a model from other questions would not match these parts
        digest.unlink(missing_ok=True)
    else:
        model.save_model(str(path))
        digest.write_text(feature_digest(), encoding="utf-8")
    return report
