"""Dify's External Knowledge API over a real `fagui serve`: requests shaped as the contract's
examples, its error codes (1001 header, 1002 key, 2001 knowledge id) and our 3001 for a bad
body or an unsupported metadata condition — never a 500."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.keyed import LABOR


@pytest.fixture(scope="module")
def server(keyed_app_server):
    return keyed_app_server


def retrieve(server, body, key=None, headers=None):
    headers = headers if headers is not None else {"Authorization": f"Bearer {key or server.reader}"}
    return httpx.post(f"{server.base}/api/v1/dify/retrieval", json=body, headers=headers, timeout=60)


def example(knowledge_id="laws", query="劳动合同法第八十二条", top_k=3, threshold=0.0, **extra):
    """The body exactly as the contract's example request."""
    return {"knowledge_id": knowledge_id, "query": query,
            "retrieval_setting": {"top_k": top_k, "score_threshold": threshold}, **extra}


def test_contract_example_returns_records_with_citations(server):
    response = retrieve(server, example())
    assert response.status_code == 200
    records = response.json()["records"]
    assert 1 <= len(records) <= 3
    first = records[0]
    assert set(first) == {"content", "score", "title", "metadata"}
    assert first["title"] == "《中华人民共和国劳动合同法》第八十二条" and first["score"] == 1.0
    assert first["metadata"]["article_id"] == f"{LABOR}:81" and first["metadata"]["validity"] == "现行有效"
    assert "二倍的工资" in first["content"]
    scores = [r["score"] for r in records]
    assert all(0 <= s <= 1 for s in scores) and scores == sorted(scores, reverse=True)
    assert all(isinstance(r["metadata"], dict) for r in records)
    assert retrieve(server, example(), key=server.admin).status_code == 200  # admin keys read too


def test_score_threshold_and_top_k(server):
    loose = retrieve(server, example(query="用人单位不签书面劳动合同", top_k=8)).json()["records"]
    assert len(loose) == 8
    strict = retrieve(server, example(query="用人单位不签书面劳动合同", top_k=8, threshold=0.99)).json()["records"]
    assert len(strict) < len(loose) and all(r["score"] >= 0.99 for r in strict)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"},
                                     {"Authorization": "token"}])
def test_bad_authorization_header_is_1001(server, headers):
    response = retrieve(server, example(), headers=headers)
    assert response.status_code == 403 and response.json()["error_code"] == 1001


def test_bad_or_revoked_key_is_1002(server):
    for key in ("fg_nope_123", server.revoked, "x" * 500):
        response = retrieve(server, example(), key=key)
        assert response.status_code == 403 and response.json()["error_code"] == 1002
        assert "Traceback" not in response.text


@pytest.mark.parametrize("knowledge_id", ["AAA-BBB-CCC", "laws:法规", "statutes", "laws:法律,部委规章"])
def test_unknown_knowledge_id_is_2001(server, knowledge_id):
    response = retrieve(server, example(knowledge_id=knowledge_id))
    assert response.status_code == 404 and response.json()["error_code"] == 2001


@pytest.mark.parametrize("body", [
    example(query=""), example(query="   "), example(top_k=0), example(top_k=10_000), example(top_k="3"),
    example(threshold=1.5), example(query="劳" * 10_001),
    {"knowledge_id": "laws", "query": "劳动合同"},  # no retrieval_setting
    {"query": "劳动合同", "retrieval_setting": {"top_k": 3, "score_threshold": 0.5}},  # no knowledge_id
])
def test_bad_bodies_are_3001_in_the_contract_form(server, body):
    response = retrieve(server, body)
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == 3001 and response.json()["error_msg"]


def test_not_json_and_long_query(server):
    raw = httpx.post(f"{server.base}/api/v1/dify/retrieval", content=b"{not json",
                     headers={"Authorization": f"Bearer {server.reader}", "Content-Type": "application/json"})
    assert raw.status_code == 400 and raw.json()["error_code"] == 3001
    long = retrieve(server, example(query="劳动合同" * 2_500))  # 10,000 characters: searched, cut to its head
    assert long.status_code == 200 and isinstance(long.json()["records"], list)


def test_knowledge_ids_name_collections_and_levels(server):
    laws = retrieve(server, example("laws:法律", "合同 违约", top_k=10)).json()["records"]
    assert laws and all(r["metadata"]["type"] == "法律" for r in laws)
    notices = retrieve(server, example("notices", "国务院 通知", top_k=5)).json()["records"]
    assert notices and all(r["metadata"]["collection"] == "notices" for r in notices)
    messages = retrieve(server, example("messages", "没签劳动合同怎么办", top_k=5)).json()["records"]
    assert messages and all(r["metadata"]["collection"] == "messages" for r in messages)
    text = " ".join(r["content"] for r in messages)
    assert "答复：" in text and "13812345678" not in text and "110101199003071234" not in text


def test_metadata_conditions_we_support(server):
    both = {"logical_operator": "or", "conditions": [
        {"name": ["type"], "comparison_operator": "is", "value": "宪法"},
        {"name": "type", "comparison_operator": "is", "value": "法律"}]}
    records = retrieve(server, example(query="国家 公民 权利", top_k=10, metadata_condition=both)).json()["records"]
    assert records and {r["metadata"]["type"] for r in records} <= {"宪法", "法律"}
    dated = {"logical_operator": "and", "conditions": [
        {"name": ["效力级别"], "comparison_operator": "in", "value": ["法律"]},
        {"name": ["publish_date"], "comparison_operator": "after", "value": "2020-01-01"}]}
    records = retrieve(server, example(query="公司 股东", top_k=10, metadata_condition=dated)).json()["records"]
    assert records and all(r["metadata"]["publish_date"] > "2020-01-01" for r in records)
    none = {"conditions": [{"name": "collection", "comparison_operator": "is", "value": "notices"}]}
    assert retrieve(server, example(metadata_condition=none)).json() == {"records": []}  # laws ∩ notices


@pytest.mark.parametrize("condition", [
    {"conditions": [{"name": ["type"], "comparison_operator": "contains", "value": "法"}]},
    {"conditions": [{"name": ["author"], "comparison_operator": "is", "value": "x"}]},
    {"conditions": [{"name": ["type"], "comparison_operator": "is", "value": "法规"}]},
    {"conditions": [{"name": ["publish_date"], "comparison_operator": "before", "value": "昨天"}]},
    {"logical_operator": "or", "conditions": [
        {"name": ["type"], "comparison_operator": "is", "value": "法律"},
        {"name": ["region"], "comparison_operator": "is", "value": "上海"}]},
    {"logical_operator": "xor", "conditions": [{"name": ["type"], "comparison_operator": "is", "value": "法律"}]},
])
def test_unsupported_metadata_conditions_are_refused(server, condition):
    response = retrieve(server, example(metadata_condition=condition))
    assert response.status_code == 400 and response.json()["error_code"] == 3001


def test_saved_filters_are_knowledge_ids(server):
    saved = {"shanghai": {"collection": "laws", "region": "上海", "validity": "all"},
             "company-law": {"collection": "laws", "law": "公司法"},
             "broken": {"type": "法规"}, "odd": {"colour": "red"}}
    path = Path(server.env["FAGUI_CONFIG_DIR"]) / "knowledge.json"
    path.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
    try:
        records = retrieve(server, example("shanghai", "备案审查", top_k=5)).json()["records"]
        assert records and all(r["metadata"]["region"] == "上海" for r in records)
        inside = retrieve(server, example("company-law", "劳动合同", top_k=5)).json()["records"]
        assert inside and all(r["title"].startswith("《中华人民共和国公司法》") for r in inside)
        for name in ("broken", "odd"):  # entries that do not validate are left out, not half-applied
            response = retrieve(server, example(name))
            assert response.status_code == 404 and response.json()["error_code"] == 2001
            assert "shanghai" in response.json()["error_msg"]
    finally:
        path.unlink()
    assert retrieve(server, example("shanghai")).json()["error_code"] == 2001  # re-read when removed
