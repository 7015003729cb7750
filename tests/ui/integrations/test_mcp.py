"""fagui as an MCP server, through the official SDK's own client: `fagui mcp` over stdio (a real
subprocess) and streamable HTTP at /mcp of a real `fagui serve` that asks for read keys."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.keyed import LABOR

FAGUI = str(Path(sys.executable).with_name("fagui"))
TOOLS = {"search_laws", "get_article", "get_document", "ask", "similar_messages"}
CITATION = "《中华人民共和国劳动合同法》第八十二条"


def run(coro):
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def http_server(keyed_app_server):
    return keyed_app_server


def over_http(server, key):
    """The SDK client on the server's /mcp, sending `key` as a Bearer token."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client(streamable_http_client(f"{server.base}/mcp", http_client=create_mcp_http_client(headers=headers)))


def over_stdio(index):
    env = {"FAGUI_STORE": str(index / "store.sqlite3"), "FAGUI_INDEX_DIR": str(index / "index"),
           "PYTHONPATH": os.environ.get("PYTHONPATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    return Client(StdioServerParameters(command=FAGUI, args=["mcp"], env=env), read_timeout_seconds=120)


async def session(client, calls):
    """Run `calls` [(tool, arguments)] in one client session; the tool list and each result."""
    async with client:
        tools = (await client.list_tools()).tools
        return tools, [await client.call_tool(name, args) for name, args in calls]


def test_stdio_tools_schemas_and_search(app_index):
    tools, (found, empty, too_many, bad_type, inside, unknown_law) = run(session(over_stdio(app_index), [
        ("search_laws", {"query": "劳动合同法第82条", "k": 3}),
        ("search_laws", {"query": ""}),
        ("search_laws", {"query": "劳动合同", "k": 10_000}),
        ("search_laws", {"query": "劳动合同", "type": ["法规"]}),
        ("search_laws", {"query": "劳动合同", "k": 5, "law": "公司法"}),
        ("search_laws", {"query": "劳动合同", "law": "不存在法"}),
    ]))
    assert {t.name for t in tools} == TOOLS
    schema = next(t for t in tools if t.name == "search_laws").input_schema
    assert schema["required"] == ["query"]
    assert {"collection", "type", "validity", "region", "issuer", "since", "until", "as_of", "law", "k"} <= set(
        schema["properties"])
    assert "效力级别" in str(schema["properties"]["type"]) and "时点" in str(schema["properties"]["as_of"])
    hit = found.structured_content["results"][0]
    assert not found.is_error and hit["citation"] == CITATION and hit["article_id"] == f"{LABOR}:81"
    assert "二倍的工资" in hit["text"]
    for bad in (empty, too_many, bad_type, unknown_law):
        assert bad.is_error and "Traceback" not in bad.content[0].text
    assert "不存在法" in unknown_law.content[0].text
    assert {r["citation"].split("》")[0] for r in inside.structured_content["results"]} == {"《中华人民共和国公司法"}


def test_http_needs_a_read_key(http_server):
    raw = httpx.post(f"{http_server.base}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                     headers={"Accept": "application/json, text/event-stream"})
    assert raw.status_code == 401 and raw.headers["www-authenticate"] == "Bearer"
    assert raw.json()["error"]["message"].startswith("a reader key is needed")  # JSON-RPC's error form
    accept = {"Accept": "application/json, text/event-stream", "Authorization": f"Bearer {http_server.reader}"}
    for body in (b"{not json", b'{"jsonrpc": "2.0", "id": 1, "method": "no/such"}', "劳".encode() * 10_000):
        garbled = httpx.post(f"{http_server.base}/mcp", content=body,
                             headers=accept | {"Content-Type": "application/json"})
        assert garbled.status_code < 500 and "error" in garbled.json() and "Traceback" not in garbled.text
    for key in (None, http_server.revoked):
        with pytest.raises(Exception) as refused:
            run(session(over_http(http_server, key), []))
        assert "a reader key is needed" in repr(refused.value)


def test_http_all_tools_with_citations(http_server):
    tools, (search, article, document, answer, messages) = run(session(over_http(http_server, http_server.reader), [
        ("search_laws", {"query": "公司 股东", "k": 5, "type": ["法律"], "validity": "all"}),
        ("get_article", {"article_id": f"{LABOR}:81"}),
        ("get_document", {"doc_id": LABOR}),
        ("ask", {"question": "劳动合同法第八十二条规定了什么"}),
        ("similar_messages", {"query": "没签劳动合同怎么办", "k": 2}),
    ]))
    assert {t.name for t in tools} == TOOLS
    results = search.structured_content["results"]
    assert results and all(r["type"] == "法律" and r["citation"].startswith("《") for r in results)
    assert article.structured_content["citation"] == CITATION
    doc = document.structured_content
    assert doc["title"] == "中华人民共和国劳动合同法" and doc["chapters"][0]["heading"] == "第一章 总则"
    assert doc["versions"][0]["id"] == LABOR and len(doc["articles"]) == 98
    assert doc["articles"][81] == {"article_id": f"{LABOR}:81", "citation": CITATION}
    grounded = answer.structured_content
    assert grounded["grounded"] and grounded["citations"][0]["citation"] == CITATION
    replies = messages.structured_content["messages"]
    assert len(replies) == 2 and all(m["reply"] for m in replies)
    assert "13812345678" not in str(replies)


def test_http_bad_input_is_a_tool_error(http_server):
    _, results = run(session(over_http(http_server, http_server.reader), [
        ("search_laws", {"query": "   "}),
        ("search_laws", {"query": "劳动合同", "k": 0}),
        ("search_laws", {"query": "劳" * 10_001}),
        ("search_laws", {"query": "劳动合同", "as_of": "2020-13-01"}),
        ("get_article", {"article_id": "nope:1"}),
        ("get_document", {"doc_id": "nope"}),
        ("ask", {"question": ""}),
        ("similar_messages", {"query": "留言", "k": 500}),
    ]))
    for result in results:
        assert result.is_error and result.content[0].text and "Traceback" not in result.content[0].text
    _, (long,) = run(session(over_http(http_server, http_server.reader), [
        ("search_laws", {"query": "劳动合同" * 2_500})]))  # 10,000 characters: searched, cut to its head
    assert not long.is_error and long.structured_content["notice"]


COMPANY_2018, COMPANY_2023 = "346e158f261d4a6c888ab67f87331c78", "63b57441812b41ec9e96b1fa27d3eb44"


def test_http_as_of_gives_the_version_of_that_day(http_server):
    _, (found, article, early) = run(session(over_http(http_server, http_server.reader), [
        ("search_laws", {"query": "公司法第一条", "k": 3, "as_of": "2020-01-01"}),
        ("get_article", {"article_id": f"{COMPANY_2023}:0", "as_of": "2019-06-30"}),
        ("get_document", {"doc_id": COMPANY_2018, "as_of": "1990-01-01"}),
    ]))
    top = found.structured_content["results"][0]
    assert (top["doc_id"], top["validity"], top["validity_today"]) == (COMPANY_2018, "现行有效", "已修改")
    assert article.structured_content["doc_id"] == COMPANY_2018
    assert early.is_error and "尚未施行" in early.content[0].text
