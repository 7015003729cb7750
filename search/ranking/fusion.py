"""Fusing the sources' results (融合): weighted reciprocal-rank fusion, or a weighted sum of
min-max normalised scores. `fagui learn` tunes the weights for both on train and keeps the
better method (saved in learned/fusion.json)."""
from __future__ import annotations

FUSION_METHODS = ("rrf", "weighted")


def rrf(rankings: list[list[str]], weights: list[float] | None = None, k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: sum of w / (k + rank) over the lists."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, uid in enumerate(ranking, 1):
            fused[uid] = fused.get(uid, 0.0) + weight / (k + rank)
    return fused


def weighted_scores(parts: dict[str, dict[str, float]], weights: dict[str, float]) -> dict[str, float]:
    """Sum of w · (score − min) / (max − min) per source; absent from a source counts 0 there.
    Scores of different kinds (BM25, cosine, similarity sums) become comparable in [0, 1]."""
    fused: dict[str, float] = {}
    for name, scores in parts.items():
        weight = weights.get(name, 1.0)
        if not scores or weight <= 0:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = high - low or 1.0
        for uid, score in scores.items():
            fused[uid] = fused.get(uid, 0.0) + weight * (score - low) / span
    return fused


def fuse(parts: dict[str, dict[str, float]], weights: dict[str, float], method: str = "rrf",
         k: int = 60) -> dict[str, float]:
    """Fused score per candidate of `parts` (source -> {id: raw score})."""
    if method == "weighted":
        return weighted_scores(parts, weights)
    if method != "rrf":
        raise ValueError(f"unknown fusion {method!r}: use {' or '.join(FUSION_METHODS)}")
    names = [n for n in parts if weights.get(n, 1.0) > 0]
    return rrf([sorted(parts[n], key=parts[n].get, reverse=True) for n in names],
               [weights.get(n, 1.0) for n in names], k)
