"""The searcher over a real index of real laws: citations first, validity default, filters,
one result per article, malformed queries."""
from __future__ import annotations

import html
import re

import pytest

from corpus.model import AMENDED, CURRENT
from search.query.parse import QueryError, make_filters
from search.searcher import Searcher

LABOR = "22c5555e8f974b99963b8aab36005d0e"


@pytest.fixture(scope="module")
def searcher(search_index):
    """The same tests on the embedded and the PostgreSQL backend."""
    s = search_index.searcher()
    yield s
    s.close()


def test_citation_comes_first(searcher):
    response = searcher.search("劳动合同法第82条是怎么规定的", k=5)
    top = response.results[0]
    assert (top.article_id, top.scores["citation"]) == (f"{LABOR}:81", 1.0)
    assert response.citations == ["《中华人民共和国劳动合同法》第八十二条"]
    assert "二倍的工资" in top.snippet.replace("<em>", "").replace("</em>", "")  # the article's own words


def test_results_carry_what_they_cite_and_what_cites_them(searcher):
    top = searcher.search("劳动合同法第48条", k=3).results[0]  # …依照本法第八十七条规定支付赔偿金
    assert top.article_id == f"{LABOR}:47"
    assert [(r["article_id"], r["law_title"], r["article_label"]) for r in top.references] == [
        (f"{LABOR}:86", "中华人民共和国劳动合同法", "第八十七条")]
    cited = searcher.search("劳动合同法第87条", k=1).results[0]
    assert f"{LABOR}:47" in [c["article_id"] for c in cited.cited_by]
    assert cited.cited_by_count == len(cited.cited_by) >= 1
    assert {"references", "cited_by", "cited_by_count"} <= cited.to_dict().keys()


def test_snippet_highlights_the_query_words(searcher):
    query = "订立书面劳动合同 二倍的工资"
    top = searcher.search(query, k=3, mode="keyword").results[0]
    marked = re.findall(r"<em>(.+?)</em>", top.snippet)
    assert marked and all(term in query for term in marked), top.snippet
    assert {"二倍", "工资"} & set(marked) or "二倍的工资" in marked
    plain = html.unescape(re.sub(r"</?em>", "", top.snippet)).strip("…")
    assert plain in searcher.store.get_unit(top.article_id).text


def test_plain_question_finds_the_article(searcher):
    for mode in ("hybrid", "keyword"):
        results = searcher.search("公司一直不跟我签书面劳动合同，能要二倍工资吗", k=5, mode=mode).results
        assert f"{LABOR}:81" in [r.article_id for r in results], mode
    assert searcher.search("没签劳动合同能要双倍工资吗", k=10, mode="vector").results


def test_current_version_by_default_superseded_on_request(searcher):
    current = searcher.search("公司法第一条", k=3).results[0]
    assert current.validity == CURRENT and current.publish_date == "2023-12-29"
    old = searcher.search("有限责任公司 股东 出资", k=20, filters=make_filters(validity=AMENDED)).results
    assert old and all(r.validity == AMENDED for r in old)
    everything = searcher.search("有限责任公司股东出资", k=50, filters=make_filters(validity="all")).results
    keys = [(r.law_title, r.article_label) for r in everything]
    assert len(keys) == len(set(keys))  # one result per article, whatever its versions


def test_type_filter_and_facets(searcher):
    response = searcher.search("犯罪 刑罚", k=10, filters=make_filters(types="法律"))
    assert response.results and all(r.type == "法律" for r in response.results)
    assert set(response.facets["type"]) == {"法律"}
    assert searcher.search("犯罪", filters=make_filters(types="部门规章")).results == []


@pytest.mark.parametrize("query", ['"未闭合的引号', "AND OR (", "*?~^", "x" * 10_000, "劳动合同法第99999条"])
def test_malformed_queries_never_raise(searcher, query):
    response = searcher.search(query, k=3)
    assert isinstance(response.results, list)


def test_empty_query_is_a_clear_error(searcher):
    with pytest.raises(QueryError):
        searcher.search("  ")


def test_a_bare_citation_brings_its_neighbours_next(searcher):
    results = searcher.search("劳动合同法第82条是怎么规定的", k=4).results
    assert [r.article_id for r in results[:3]] == [f"{LABOR}:81", f"{LABOR}:80", f"{LABOR}:82"]
    assert [r.article_label for r in results[1:3]] == ["第八十一条", "第八十三条"]
    question = searcher.search("劳动合同法第82条 试用期工资", k=3).results  # more than a citation:
    assert question[0].article_id == f"{LABOR}:81"                       # ranked by the question


def test_a_named_law_comes_first_in_a_keyword_query(searcher):
    # 劳动合同 is 劳动合同法's own word, but the official asked inside 公司法 (第十七条…签订劳动合同)
    response = searcher.search("公司法 劳动合同", k=5)
    assert response.named_laws == ["中华人民共和国公司法"]
    assert response.results[0].law_title == "中华人民共和国公司法" and "劳动合同" in response.results[0].text
    fraud = searcher.search("刑法 合同", k=3).results[0]  # not the 合同编 of 民法典
    assert fraud.law_title == "中华人民共和国刑法" and "合同" in fraud.text
    opening = searcher.search("《劳动合同法》", k=3).results  # a title alone opens the law
    assert [r.article_id for r in opening] == [f"{LABOR}:0", f"{LABOR}:1", f"{LABOR}:2"]
    question = searcher.search("公司法规定的劳动合同必须是书面的吗？", k=5)  # a question: ordinary ranking
    assert question.named_laws == [] and question.results[0].law_title == "中华人民共和国劳动合同法"


def test_law_filter_searches_inside_that_law_only(searcher):
    response = searcher.search("股东 出资", k=20, filters=make_filters(law="公司法", validity="all"))
    assert response.results and {r.law_title for r in response.results} == {"中华人民共和国公司法"}
    assert response.filters["laws"] == ["中华人民共和国公司法"]
    opened = searcher.search("law:劳动合同法", k=2).results  # no words: the law from 第一条
    assert [r.article_id for r in opened] == [f"{LABOR}:0", f"{LABOR}:1"]
    inside = searcher.search("劳动合同 law:公司法", k=10).results
    assert inside and all(r.law_title == "中华人民共和国公司法" for r in inside)
    assert searcher.search("刑法第20条", k=3, filters=make_filters(law="公司法")).results[0].law_title \
        == "中华人民共和国公司法"  # a citation of another law does not leak in
    with pytest.raises(QueryError, match="不存在法"):
        searcher.search("股东", filters=make_filters(law="不存在法"))
