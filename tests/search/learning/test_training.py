"""`learn_all` on a real (small) index: cross-fitted parts, fusion weights and a re-ranker are
saved with the index, and a new searcher uses them."""
from __future__ import annotations

import shutil

from corpus.store.sqlite import SQLiteDocumentStore
from search.evaluation.metrics import EvalQuery
from search.query.parse import make_filters
from search.searcher import Searcher
from search.evaluation.metrics import norm_title
from search.learning.training import TrainingQuery, learn_all

LABOR, CRIMINAL = "中华人民共和国劳动合同法", "中华人民共和国刑法"
QUESTIONS = [
    ("公司不和我签书面劳动合同，可以要求二倍工资吗", ("劳动合同法", "第八十二条")),
    ("入职三个月了还没签合同怎么办", ("劳动合同法", "第八十二条")),
    ("单位一直不签劳动合同要赔钱吗", ("劳动合同法", "第八十二条")),
    ("试用期最长可以约定多久", ("劳动合同法", "第十九条")),
    ("试用期工资能低于最低工资吗", ("劳动合同法", "第二十条")),
    ("劳动合同应当写明哪些内容", ("劳动合同法", "第十七条")),
    ("酒后开车会坐牢吗", ("刑法", "第一百三十三条之一")),
    ("醉驾怎么处罚", ("刑法", "第一百三十三条之一")),
    ("追逐竞驶情节恶劣构成什么罪", ("刑法", "第一百三十三条之一")),
    ("正当防衛造成伤害要负责吗", ("刑法", "第二十条")),
    ("正当防卫过当怎么处理", ("刑法", "第二十条")),
    ("为了保护他人制止不法侵害算正当防卫吗", ("刑法", "第二十条")),
]

TOPICAL = [("试用期 劳动合同", LABOR), ("正当防卫 刑事责任", CRIMINAL), ("有限责任公司 股东会", "中华人民共和国公司法"),
           ("经济补偿 解除", LABOR), ("危险驾驶 拘役", CRIMINAL)]


def test_learn_all_saves_parts_the_searcher_uses(built_index, tmp_path):
    folder = tmp_path / "idx"
    shutil.copytree(built_index, folder)
    train = [EvalQuery(str(i), q, "train", frozenset([gold])) for i, (q, gold) in enumerate(QUESTIONS)]
    store = SQLiteDocumentStore(folder / "store.sqlite3", readonly=True)
    searcher = Searcher(store, folder / "index")
    topical = [TrainingQuery("topical", q, make_filters("laws"), gold_law=norm_title(law)) for q, law in TOPICAL]
    report = learn_all(searcher, train, make_filters("laws"), folds=3, others=topical)
    assert set(report["weights"]) == {"keyword", "vector", "adapted", "questions", "neighbours", "enriched"}
    assert report["weights"]["enriched"] == 0.0  # no enriched field built: it stays off
    assert report["reranker_groups"]["topical"] == len(TOPICAL) and report["reranker_groups"]["stard"] > 6
    assert report["method"] in ("rrf", "weighted")
    assert set(report["by_method"]) == {"rrf", "weighted"}
    learned = folder / "index" / "learned"
    assert {"questions.json", "adapter.npy", "fusion.json", "reranker.txt", "deciding.txt", "deciding.features"} <= \
        {p.name for p in learned.iterdir()}
    assert report["deciding"]["questions"] == len(QUESTIONS)
    searcher.close()
    fresh = Searcher(SQLiteDocumentStore(folder / "store.sqlite3", readonly=True), folder / "index")
    assert fresh.reranker is not None and fresh.learned is not None
    assert fresh.fusion_method == report["method"]
    top = fresh.search("喝酒以后开车被抓了会怎样", k=5).results
    assert top and "rerank" in top[0].scores
    decided = fresh.search("喝酒以后开车被抓了会怎样", k=5, filters=make_filters("laws"), decide=True).results
    assert fresh.deciding is not None and "deciding" in decided[0].scores
    # the stage orders law articles only: a search over other collections too keeps the first stage
    wider = make_filters("laws,notices")
    assert [r.article_id for r in fresh.search("喝酒以后开车被抓了会怎样", k=5, filters=wider, decide=True).results] == \
        [r.article_id for r in fresh.search("喝酒以后开车被抓了会怎样", k=5, filters=wider).results]
    fresh.close()
    # learned by code whose features meant something else (an upgrade, `fagui learn` not run yet):
    # the stage stays off rather than read its columns wrongly
    (learned / "deciding.features").write_text("0123456789abcdef", encoding="utf-8")
    stale = Searcher(SQLiteDocumentStore(folder / "store.sqlite3", readonly=True), folder / "index")
    assert stale.deciding is None and stale.reranker is not None
    stale.close()


def test_learn_all_with_the_enriched_field_learns_a_deep_profile_beside_the_fast_one(built_index, tmp_path):
    from indexer.embedders import Usem3Embedder
    from indexer.enrich import VectorEnricher
    from search.config import SearchConfig

    folder = tmp_path / "idx"
    shutil.copytree(built_index, folder)
    store = SQLiteDocumentStore(folder / "store.sqlite3", readonly=True)
    VectorEnricher(store, folder / "index", Usem3Embedder(), cache_path=tmp_path / "c.sqlite3").run()
    train = [EvalQuery(str(i), q, "train", frozenset([gold])) for i, (q, gold) in enumerate(QUESTIONS)]
    searcher = Searcher(store, folder / "index", SearchConfig(use_enriched=True))  # as `fagui learn`
    report = learn_all(searcher, train, make_filters("laws"), folds=3)
    assert report["weights"]["enriched"] == 0.0  # the fast profile never sees the field
    assert "enriched" in report["deep"]["weights"]
    learned = folder / "index" / "learned"
    assert {"fusion-deep.json", "reranker-deep.txt"} <= {p.name for p in learned.iterdir()}
    searcher.close()
    fresh = Searcher(SQLiteDocumentStore(folder / "store.sqlite3", readonly=True), folder / "index")
    assert fresh.deep_reranker is not None and fresh.reranker is not None
    if report["deep"]["weights"]["enriched"] > 0:
        assert fresh.enriched is not None
    assert fresh.search("喝酒以后开车被抓了会怎样", k=5, deep=True).results
    fresh.close()
