"""Fusion of source results: RRF by rank, weighted sum of normalised scores."""
import pytest

from search.ranking.fusion import fuse

PARTS = {"keyword": {"a": 12.0, "b": 6.0, "c": 0.0}, "vector": {"b": 0.9, "c": 0.8, "d": 0.1}}


def test_rrf_rewards_agreement_and_honours_weights():
    fused = fuse(PARTS, {})
    assert max(fused, key=fused.get) == "b"  # 2nd and 1st beats 1st alone
    only_keyword = fuse(PARTS, {"vector": 0.0})
    assert set(only_keyword) == {"a", "b", "c"}


def test_weighted_scores_normalise_each_source():
    fused = fuse(PARTS, {"keyword": 1.0, "vector": 1.0}, "weighted")
    assert fused["b"] == pytest.approx(0.5 + 1.0)      # keyword (6-0)/12, vector top
    assert fused["a"] == pytest.approx(1.0) and fused["d"] == pytest.approx(0.0)
    heavy = fuse(PARTS, {"keyword": 3.0, "vector": 1.0}, "weighted")
    assert max(heavy, key=heavy.get) == "a"
    with pytest.raises(ValueError, match="rrf or weighted"):
        fuse(PARTS, {}, "borda")
