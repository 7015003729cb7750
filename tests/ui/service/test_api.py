"""REST API end to end: `fagui serve` as a real uvicorn server on 127.0.0.1, real HTTP."""
from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from tests.servers import fagui_server

FAGUI = str(Path(sys.executable).with_name("fagui"))
LABOR = "22c5555e8f974b99963b8aab36005d0e"


@pytest.fixture(scope="module")
def server(search_index):
    """The same API tests on the embedded and the PostgreSQL backend."""
    with fagui_server(search_index) as base:
        yield base


def test_search_get_and_post(server):
    got = httpx.get(f"{server}/api/v1/search", params={"q": "劳动合同法第82条", "k": 3}).json()
    assert got["results"][0]["article_id"] == f"{LABOR}:81"
    posted = httpx.post(f"{server}/api/v1/search", json={
        "query": "公司 股东", "k": 5, "filters": {"type": ["法律"], "validity": "all"}}).json()
    assert posted["results"] and all(r["type"] == "法律" for r in posted["results"])
    assert "type" in posted["facets"]
    decided = httpx.get(f"{server}/api/v1/search", params={"q": "劳动合同法第82条", "k": 3, "collection": "laws",
                                                           "decide": "true"}).json()
    assert decided["results"][0]["article_id"] == f"{LABOR}:81"  # a citation still comes first


def test_search_inside_a_law(server):
    got = httpx.get(f"{server}/api/v1/search", params={"q": "劳动合同", "k": 5, "law": "公司法"}).json()
    assert got["results"] and {r["law_title"] for r in got["results"]} == {"中华人民共和国公司法"}
    posted = httpx.post(f"{server}/api/v1/search", json={"query": "公司法 劳动合同", "k": 3}).json()
    assert posted["named_laws"] == ["中华人民共和国公司法"] and posted["results"][0]["law_title"] == "中华人民共和国公司法"
    unknown = httpx.get(f"{server}/api/v1/search", params={"q": "股东", "law": "不存在法"})
    assert unknown.status_code == 422 and "不存在法" in unknown.json()["detail"]


def test_article_document_and_versions(server):
    art = httpx.get(f"{server}/api/v1/articles/{LABOR}:81").json()
    assert art["article_label"] == "第八十二条" and "二倍的工资" in art["text"]
    doc = httpx.get(f"{server}/api/v1/documents/{LABOR}").json()
    assert doc["title"] == "中华人民共和国劳动合同法" and len(doc["units"]) == 98
    assert doc["chapters"][0]["heading"] == "第一章 总则" and doc["versions"][0]["id"] == LABOR
    assert httpx.get(f"{server}/api/v1/documents/nope").status_code == 404


def test_references_in_results_articles_and_law_pages(server):
    got = httpx.get(f"{server}/api/v1/search", params={"q": "劳动合同法第48条", "k": 1}).json()
    assert got["results"][0]["references"][0]["article_id"] == f"{LABOR}:86"
    art = httpx.get(f"{server}/api/v1/articles/{LABOR}:86").json()
    assert f"{LABOR}:47" in [c["article_id"] for c in art["cited_by"]] and art["cited_by_count"] >= 1
    assert [r["article_label"] for r in art["references"]] == ["第四十七条"]  # …依照本法第四十七条…
    page = httpx.get(f"{server}/law/{LABOR}").text
    assert f'<a class="fg-ref" href="#u-{LABOR}-86"' in page  # 本法第八十七条 in 第四十八条


def test_validation_errors_are_readable_422(server):
    bad = httpx.post(f"{server}/api/v1/search", json={"query": "离婚", "k": 1000})
    assert bad.status_code == 422 and "k" in bad.json()["detail"]
    wrong_type = httpx.get(f"{server}/api/v1/search", params={"q": "离婚", "type": "法规"})
    assert wrong_type.status_code == 422 and "效力级别" in wrong_type.json()["detail"]
    not_bool = httpx.post(f"{server}/api/v1/search", json={"query": "离婚", "decide": "maybe"})
    assert not_bool.status_code == 422 and "decide" in not_bool.json()["detail"]
    empty = httpx.get(f"{server}/api/v1/search", params={"q": " "})
    assert empty.status_code == 422 and "empty query" in empty.json()["detail"]


def test_openapi_stats_and_facets(server):
    spec = httpx.get(f"{server}/api/v1/openapi.json").json()
    assert {"/search", "/articles/{article_id}", "/documents/{doc_id}", "/facets", "/health",
            "/stats"} <= set(spec["paths"])
    stats = httpx.get(f"{server}/api/v1/stats").json()
    assert stats["index"]["units"] == stats["corpus"]["units"] == 1882
    assert httpx.get(f"{server}/api/v1/facets", params={"q": "犯罪"}).json()["facets"]["type"]


def test_ask_json_and_conversation_by_id(server):
    first = httpx.post(f"{server}/api/v1/ask", json={"question": "劳动合同法第八十二条规定了什么"}, timeout=60).json()
    assert first["grounded"] and first["citations"][0]["article_id"] == f"{LABOR}:81"
    assert first["conversation_id"]
    follow = httpx.post(f"{server}/api/v1/ask", json={"question": "那第十条呢？",
                                                      "conversation_id": first["conversation_id"]}, timeout=60).json()
    assert follow["retrieval_query"].startswith("劳动合同法第八十二条")
    assert follow["conversation_id"] == first["conversation_id"]
    assert f"{LABOR}:9" in [c["article_id"] for c in follow["citations"]]


def test_ask_streams_server_sent_events(server):
    with httpx.stream("POST", f"{server}/api/v1/ask", json={"question": "劳动合同法第82条", "stream": True},
                      timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line.removeprefix("event: ") for line in response.iter_lines() if line.startswith("event: ")]
    assert events == ["sources", "delta", "answer"]


def test_ask_rejects_bad_input_readably(server):
    for body in ({"question": ""}, {"question": "   "}, {}, {"question": "x" * 5000}):
        response = httpx.post(f"{server}/api/v1/ask", json=body, timeout=30)
        assert response.status_code == 422 and "question" in response.json()["detail"]
    off = httpx.post(f"{server}/api/v1/ask", json={"question": "红烧肉怎么做才好吃"}, timeout=30).json()
    assert off["grounded"] is False and off["citations"] == []


COMPANY_2018, COMPANY_2023 = "346e158f261d4a6c888ab67f87331c78", "63b57441812b41ec9e96b1fa27d3eb44"


def test_as_of_search_document_and_article(server):
    api = f"{server}/api/v1"
    found = httpx.get(f"{api}/search", params={"q": "公司法第一条", "k": 3, "as_of": "2020-01-01"}).json()
    top = found["results"][0]
    assert (top["doc_id"], top["validity"], top["validity_today"]) == (COMPANY_2018, "现行有效", "已修改")
    posted = httpx.post(f"{api}/search", json={"query": "公司法第一条", "k": 3,
                                               "filters": {"as_of": "2024-07-01"}}).json()
    assert posted["results"][0]["doc_id"] == COMPANY_2023
    # any version's id resolves to the version in force on the day
    doc = httpx.get(f"{api}/documents/{COMPANY_2023}", params={"as_of": "2024-03-01"}).json()
    assert (doc["id"], doc["validity"], doc["requested_id"]) == (COMPANY_2018, "现行有效", COMPANY_2023)
    art = httpx.get(f"{api}/articles/{COMPANY_2023}:0", params={"as_of": "2019-06-30"}).json()
    assert (art["doc_id"], art["article_label"], art["validity"]) == (COMPANY_2018, "第一条", "现行有效")
    early = httpx.get(f"{api}/documents/{COMPANY_2018}", params={"as_of": "1990-01-01"})
    assert early.status_code == 404 and "尚未施行" in early.json()["detail"]
    assert httpx.get(f"{api}/search", params={"q": "公司", "as_of": "2020-13-01"}).status_code == 422
    assert httpx.get(f"{api}/search", params={"q": "公司", "as_of": "2023-02-30"}).json()["filters"]["as_of"] == "2023-02-28"
    answer = httpx.post(f"{api}/ask", json={"question": "公司法第一条是怎么规定的", "as_of": "2020-01-01"},
                        timeout=60).json()
    assert answer["citations"][0]["article_id"].startswith(COMPANY_2018) and "2020-01-01" in answer["notice"]
