"""The deciding-article stage's features over a real (small) index: the governing law is opened
whole (its articles become candidates even when the first stage never returned them), each
article says what it is (time limit, 法律责任 chapter, definition), the question says what it
asks, and the dense similarities are faiss's own."""
from __future__ import annotations

import numpy as np
import pytest

from search.query.parse import make_filters
from search.ranking.deciding_features import FEATURES, governing_laws
from search.ranking.law_articles import STATIC, static_rows

LABOUR = "中华人民共和国劳动合同法"


def _candidates(searcher, question):
    _, parts = searcher.source_rankings(question, make_filters("laws"), "hybrid")
    fused = {u: 1.0 / (i + 1) for i, u in enumerate(dict.fromkeys(u for p in parts.values() for u in p))}
    ranked = sorted(fused.items(), key=lambda kv: -kv[1])[:150]
    stage = searcher.deciding or _stage(searcher)
    vector = searcher.embed_query(question)
    ids, x = stage.features(question, searcher.reader.analyzer.tokens(question), [], ranked, parts,
                            np.stack([vector, vector]))
    assert x.shape == (len(ids), len(FEATURES)) and np.isfinite(x).all()
    return ranked, ids, {u: dict(zip(FEATURES, row)) for u, row in zip(ids, x)}


def _stage(searcher):
    from search.ranking.deciding_features import DecidingFeaturizer

    return DecidingFeaturizer(searcher.store, searcher.meta, searcher.featurizer.text_cover, searcher.vector.cosines)


def test_static_rows_say_what_an_article_is():
    texts = ["用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资。",
             "本法所称劳务派遣，是指……", "为了完善劳动合同制度，制定本法。"]
    rows = static_rows(texts, ["第七章 法律责任", "第五章 特别规定", "第一章 总则"])
    col = {name: rows[:, i] for i, name in enumerate(STATIC)}
    assert col["art_time"].tolist() == [1.0, 0.0, 0.0]  # 一个月 is a time quantity
    assert col["art_amount"][0] == 1.0 and col["art_yes_no"][0] == 1.0  # 二倍, 应当
    assert col["liability_chapter"].tolist() == [1.0, 0.0, 0.0]
    assert col["definition"].tolist() == [0.0, 1.0, 0.0] and col["purpose"].tolist() == [0.0, 0.0, 1.0]
    assert col["general_chapter"].tolist() == [0.0, 0.0, 1.0] and col["position"].tolist() == [0.0, 0.5, 1.0]


def test_governing_laws_score_by_rank():
    doc = {"a1": "A", "a2": "A", "b1": "B", "c1": "C", "a3": "A"}
    laws = governing_laws(["b1", "a1", "a2", "c1", "a3"], doc.get)
    assert [d for d, *_ in laws] == ["A", "B", "C"]  # three articles high beat one at the top
    assert laws[0][2] == 3 and laws[0][3] == 2  # articles in the top 10, best rank


def test_the_governing_law_is_opened_whole(searcher):
    ranked, ids, rows = _candidates(searcher, "公司一直不跟我签劳动合同，试用期能约定多久？")
    labour = [u for u in ids if searcher.meta.value(u, "title") == LABOUR]
    in_law = len([u for u in searcher.store.units(searcher.meta.value(labour[0], "doc_id")) if u.article_label])
    assert len(labour) == in_law  # every article of the law, not only those the first stage found
    assert len(labour) > len([u for u, _ in ranked if u in set(labour)])
    art19 = next(u for u in labour if searcher.meta.value(u, "label") == "第十九条")  # 试用期 limits
    row = rows[art19]
    assert row["q_time"] == 1.0 and row["q_other"] == 0.0
    assert row["art_time"] == 1.0 and row["match_time"] == 1.0
    assert row["law_rank"] == 1.0


def test_cosines_are_the_vector_index_scores(searcher):
    question = "试用期最长多久"
    vector = searcher.embed_query(question)
    hits = searcher.vector.retrieve_vector(vector, make_filters("laws"), 5)
    cos = searcher.vector.cosines(np.stack([vector]), [u for u, _ in hits])
    assert cos[0] == pytest.approx([s for _, s in hits], abs=1e-5)
    assert searcher.vector.cosines(np.stack([vector]), ["no-such-unit"])[0, 0] == 0.0


def test_the_feature_digest_changes_with_what_the_rows_mean(monkeypatch):
    import re

    from search.query import question_type
    from search.ranking.deciding_features import feature_digest

    before = feature_digest()
    assert feature_digest() == before  # stable across calls (and processes: no hash seeds)
    amount = question_type.SENTENCE_PATTERNS["amount"]
    monkeypatch.setitem(question_type.SENTENCE_PATTERNS, "amount", re.compile(amount.pattern + "|过半数"))
    assert feature_digest() != before
