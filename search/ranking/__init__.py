"""Ranking (排序): fusing the retrievers' results, features of a candidate, the learned LambdaRank re-ranker."""
