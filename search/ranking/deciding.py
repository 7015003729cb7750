"""The deciding-article stage (判定条文排序): law first, then article. After the first stage
(fusion + re-ranker) the laws the results concentrate on are opened whole, and a LightGBM
LambdaRank model orders their articles (plus the first stage's leaders) by what decides a
citizen's question: its type against the article's kind, the chapter, dense similarity, the
legal words its plain words stand for (search/ranking/deciding_features.py).

Learned by `fagui learn` on STARD train, cross-fitted (search/learning/deciding_training.py);
saved as `learned/deciding.txt`. The assistant asks for it (`Searcher.search(decide=True)`);
plain searches keep the first stage's order. No model file: the first stage's order is kept.
The stage's leaders are then re-ordered by a stronger dense model (search/ranking/dense_rescore.py).
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from search.query.concepts import ConceptMap
from search.ranking.dense_rescore import DenseRescorer
from search.ranking.deciding_features import FEATURES, DecidingFeaturizer, feature_digest
from search.ranking.rerank import LightGBMReranker

DECIDING_FILE = "deciding.txt"
DIGEST_FILE = "deciding.features"  # feature_digest() of the code that learned deciding.txt
log = logging.getLogger(__name__)
STAGE1_DEPTH = 150  # first-stage results the stage reads (laws, ranks)


def stage1_order(fused: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(fused.items(), key=lambda kv: -kv[1])[:STAGE1_DEPTH]


def query_vectors(learned, vector: np.ndarray | None) -> np.ndarray | None:
    """The question's vector and its adapted twin (the learned ridge map), as two rows."""
    if vector is None:
        return None
    adapted = learned.adapt(vector) if learned is not None and learned.adapter is not None else vector
    return np.stack([vector, adapted])


def digest_matches(folder: Path) -> bool:
    """Whether the stage in `folder` was learned with this code's features (a folder learned
    before the digest was written is trusted). A mismatch keeps the first stage's order, which
    is better than a model reading its columns wrongly, until `fagui learn` runs again."""
    try:
        learned = (folder / DIGEST_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return True
    if learned != feature_digest():
        log.warning("deciding stage off: %s was learned with other feature definitions; run `fagui learn`",
                    folder / DECIDING_FILE)
        return False
    return True


class DecidingStage:
    """The model and its featurizer, as the Searcher holds them (None before `fagui learn`)."""

    def __init__(self, ranker: LightGBMReranker, featurizer: DecidingFeaturizer, concepts: ConceptMap,
                 rescorer: DenseRescorer | None = None):
        self.ranker, self.featurizer, self.concepts = ranker, featurizer, concepts
        self.rescorer = rescorer

    @classmethod
    def load(cls, folder: Path, store, meta, cover, cosines,
             rescorer: DenseRescorer | None = None) -> "DecidingStage | None":
        path = folder / DECIDING_FILE
        if not path.exists() or not digest_matches(folder):
            return None
        ranker = LightGBMReranker(path, FEATURES)
        if not ranker.usable:
            return None
        return cls(ranker, DecidingFeaturizer(store, meta, cover, cosines), ConceptMap.load(folder), rescorer)

    def rerank(self, text: str, tokens: list[str], learned, vector: np.ndarray | None,
               fused: dict[str, float], parts: dict) -> dict[str, float]:
        """New scores: the stage's candidates by its model, above every other unit (which keep
        their first-stage order below); the model's scores go to parts["deciding"]."""
        expansions = learned.expand(tokens) if learned is not None else []
        ids, x = self.featurizer.features(text, tokens, expansions, stage1_order(fused), parts,
                                          query_vectors(learned, vector), self.concepts.expand(tokens))
        if not ids:
            return fused
        scores = self.ranker.scores(x)
        lift = max(fused.values(), default=0.0) - float(scores.min()) + 1.0
        out = dict(fused)
        for uid, s in zip(ids, scores.tolist()):
            out[uid] = s + lift
        parts["deciding"] = dict(zip(ids, scores.tolist()))
        return self.rescorer.rerank(text, out, parts) if self.rescorer is not None else out
