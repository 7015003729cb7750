"""Learning from answered questions: past-question field, neighbours, ridge adapter, ranker."""
from __future__ import annotations

import numpy as np

from indexer.analysis import JiebaAnalyzer
from search.learning.answered import AnsweredQuestions
from search.ranking.rerank import FEATURES, LightGBMReranker, train_lambdarank

A, B = ("劳动合同法", "第八十二条"), ("社会保险法", "第五十八条")


def _learned(dim=8):
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(3, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return AnsweredQuestions(["公司不签劳动合同要付双倍工资吗", "没签合同能要二倍工资吗", "单位不给交社保怎么办"],
                             [[A], [A], [B]], vecs)


def test_past_question_field_and_neighbours(tmp_path):
    learned = _learned()
    analyzer = JiebaAnalyzer(["社保"])
    learned.fit_keyword(analyzer)
    assert max((s, k) for k, s in learned.keyword_scores(analyzer.tokens("不交社保")).items())[1] == B
    assert max(learned.neighbour_scores(learned.vectors[0]).items(), key=lambda kv: kv[1])[0] == A
    learned.fit_adapter({A: learned.vectors[0], B: learned.vectors[2]})
    assert learned.adapter.shape == (8, 8)
    adapted = learned.adapt(learned.vectors[1])
    assert abs(float(np.linalg.norm(adapted)) - 1.0) < 1e-5
    learned.save(tmp_path)
    again = AnsweredQuestions.load(tmp_path, analyzer)
    assert again.keys == learned.keys and np.allclose(again.adapter, learned.adapter)
    assert AnsweredQuestions.load(tmp_path / "none", analyzer) is None


def test_lambdarank_learns_the_relevant_feature(tmp_path):
    rng = np.random.default_rng(1)
    groups = []
    for _ in range(60):
        x = rng.normal(size=(20, len(FEATURES))).astype(np.float32)
        y = (x[:, 0] > 1.0).astype(np.float32)  # relevance follows feature 0
        groups.append((x, y))
    train_lambdarank(groups, tmp_path / "model.txt")
    x = rng.normal(size=(10, len(FEATURES))).astype(np.float32)
    scores = LightGBMReranker(tmp_path / "model.txt").rerank(list(range(10)), x)
    best = max(scores, key=scores.get)
    assert x[best, 0] == x[:, 0].max() or x[best, 0] > 1.0


def test_a_model_with_other_features_is_set_aside(tmp_path):
    rng = np.random.default_rng(2)
    import lightgbm
    x, y = rng.normal(size=(200, 5)), (rng.random(200) > 0.5).astype(float)
    lightgbm.train({"objective": "lambdarank", "verbose": -1, "min_data_in_leaf": 5},
                   lightgbm.Dataset(x, y, group=[20] * 10), num_boost_round=3).save_model(str(tmp_path / "old.txt"))
    assert not LightGBMReranker(tmp_path / "old.txt").usable  # an older fagui's model: fusion order instead
