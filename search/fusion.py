"""Fusing ranked lists (融合): weighted reciprocal-rank fusion."""
from __future__ import annotations


def rrf(rankings: list[list[str]], weights: list[float] | None = None, k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: sum of w / (k + rank) over the lists."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, uid in enumerate(ranking, 1):
            fused[uid] = fused.get(uid, 0.0) + weight / (k + rank)
    return fused
