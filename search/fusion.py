"""Fusing ranked lists (融合): reciprocal-rank fusion and weighted score fusion."""
from __future__ import annotations


def rrf(rankings: list[list[str]], weights: list[float] | None = None, k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: sum of w / (k + rank) over the lists."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, uid in enumerate(ranking, 1):
            fused[uid] = fused.get(uid, 0.0) + weight / (k + rank)
    return fused


def weighted_scores(scored: list[dict[str, float]], weights: list[float]) -> dict[str, float]:
    """Min-max normalised scores per list, then a weighted sum (absent = 0)."""
    fused: dict[str, float] = {}
    for scores, weight in zip(scored, weights):
        if not scores:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = (high - low) or 1.0
        for uid, score in scores.items():
            fused[uid] = fused.get(uid, 0.0) + weight * (score - low) / span
    return fused
