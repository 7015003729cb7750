"""The Python client (fagui_client) and its LangChain and LlamaIndex retrievers, each running a
real retrieval step of its library against a real `fagui serve` on 127.0.0.1 that asks for
read keys; the client's retries on 429 with Retry-After against the real app in-process."""
from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda
from llama_index.core.schema import NodeWithScore, QueryBundle

from fagui_client import (FaguiAuthError, FaguiClient, FaguiInvalidRequest, FaguiNotFound,
                          FaguiRateLimited, FaguiUnavailable, Hit, SearchResults)
from fagui_client.langchain import FaguiRetriever as LangChainRetriever
from ui.service.settings import ServerSettings
from fagui_client.llamaindex import FaguiRetriever as LlamaIndexRetriever
from tests.conftest import SearchIndex
from tests.keyed import LABOR

CITATION = "《中华人民共和国劳动合同法》第八十二条"


@pytest.fixture(scope="module")
def server(keyed_app_server):
    return keyed_app_server


def test_client_search_article_document_ask(server):
    with FaguiClient(server.base, server.reader) as fagui:
        found = fagui.search("劳动合同法第82条", k=3)
        assert found.hits[0].citation == CITATION and found.hits[0].article_id == f"{LABOR}:81"
        assert found.hits[0].validity == "现行有效" and "二倍的工资" in found.hits[0].text
        laws = fagui.search("公司 股东", k=5, type=["法律"], validity="all").hits
        assert laws and all(h.type == "法律" for h in laws)
        inside = fagui.search("劳动合同", k=5, law="公司法").hits  # 法内检索
        assert inside and {h.law_title for h in inside} == {"中华人民共和国公司法"}
        assert fagui.search("公司法 劳动合同", k=3).named_laws == ["中华人民共和国公司法"]
        assert fagui.article(f"{LABOR}:81")["citation"] == CITATION
        assert fagui.document(LABOR)["chapters"][0]["heading"] == "第一章 总则"
        assert fagui.ask("劳动合同法第八十二条规定了什么")["citations"][0]["citation"] == CITATION
        assert fagui.search("劳动合同" * 2_500, k=1).notice  # 10,000 characters: cut to its head


def test_client_errors_are_typed(server):
    with FaguiClient(server.base, server.reader) as fagui:
        for call in (lambda: fagui.search(""), lambda: fagui.search("劳动合同", k=0),
                     lambda: fagui.search("劳动合同", k=10_000), lambda: fagui.search("劳" * 10_001),
                     lambda: fagui.search("劳动合同", type="法规"), lambda: fagui.search("劳动合同", law="不存在法")):
            with pytest.raises(FaguiInvalidRequest) as bad:
                call()
            assert bad.value.status == 422 and "Traceback" not in str(bad.value)
        with pytest.raises(FaguiNotFound):
            fagui.article("nope:1")
    for key in (None, "fg_nope_x", server.revoked):
        with FaguiClient(server.base, key) as stranger, pytest.raises(FaguiAuthError):
            stranger.search("劳动合同")
    with FaguiClient("http://127.0.0.1:9", retries=1, timeout=2) as nowhere, pytest.raises(FaguiUnavailable):
        nowhere.health()
    with FaguiClient(server.base, server.reader, timeout=0.001) as hasty, pytest.raises(FaguiUnavailable):
        hasty.ask("劳动合同法第八十二条规定了什么")  # too slow for its timeout: one clear error


def test_langchain_retriever_in_a_runnable_chain(server):
    retriever = LangChainRetriever(base_url=server.base, api_key=server.reader, k=3)
    docs = retriever.invoke("劳动合同法第82条")
    assert all(isinstance(d, Document) for d in docs) and len(docs) == 3
    assert docs[0].metadata["citation"] == CITATION and docs[0].id == f"{LABOR}:81"
    assert docs[0].metadata["validity"] == "现行有效" and "二倍的工资" in docs[0].page_content
    chain = retriever | RunnableLambda(lambda found: "\n".join(d.metadata["citation"] for d in found))
    assert chain.invoke("劳动合同法第82条").startswith(CITATION)
    filtered = LangChainRetriever(base_url=server.base, api_key=server.reader, k=5,
                                  search={"type": "法律", "validity": "all"})
    assert all(d.metadata["type"] == "法律" for d in asyncio.run(filtered.ainvoke("公司 股东")))
    with pytest.raises(FaguiInvalidRequest):
        retriever.invoke("")
    with pytest.raises(FaguiAuthError):
        LangChainRetriever(base_url=server.base, k=3).invoke("劳动合同")
    with pytest.raises(ValueError):
        LangChainRetriever(base_url=server.base, search={"typo": 1}).invoke("劳动合同")


def test_llamaindex_retriever_query(server):
    retriever = LlamaIndexRetriever(server.base, server.reader, k=3)
    nodes = retriever.retrieve(QueryBundle("劳动合同法第82条"))
    assert all(isinstance(n, NodeWithScore) for n in nodes) and len(nodes) == 3
    first = nodes[0]
    assert first.node.node_id == f"{LABOR}:81" and first.node.metadata["citation"] == CITATION
    assert first.score == first.node.metadata["score"] and "二倍的工资" in first.node.get_content()
    assert first.node.get_content(metadata_mode="llm").startswith("citation: " + CITATION)
    again = asyncio.run(retriever.aretrieve("劳动合同法第82条"))
    assert [n.node.node_id for n in again] == [n.node.node_id for n in nodes]
    with pytest.raises(FaguiInvalidRequest):
        retriever.retrieve("  ")
    with pytest.raises(ValueError):
        LlamaIndexRetriever(server.base, k=0)


def test_in_process_client_retries_429_after_retry_after(app_index, tmp_path):
    from ui.service.server import create_app

    index = SearchIndex(app_index)
    settings = ServerSettings(config_dir=tmp_path, rate_limit="1/second")
    app = create_app(index.searcher(), with_ui=False, settings=settings)
    with FaguiClient.for_app(app, retries=2) as fagui:
        started = time.monotonic()
        first = fagui.search("劳动合同法第82条", k=1)
        second = fagui.search("劳动合同法第82条", k=1)  # 429, Retry-After: 1, then served
        assert first.hits[0].citation == second.hits[0].citation == CITATION
        assert time.monotonic() - started >= 0.9
    with FaguiClient.for_app(app, retries=0) as impatient:
        with pytest.raises(FaguiRateLimited) as limited:
            impatient.search("劳动合同", k=1)
            impatient.search("劳动合同", k=1)
        assert limited.value.retry_after >= 1


def test_client_types_carry_every_field_the_server_sends():
    """The client imports nothing from fagui, so its result types mirror the server's by hand:
    a field added to SearchResult or SearchResponse must reach client users too."""
    from search.results import SearchResult
    from search.results import SearchResponse

    names = lambda cls: {f.name for f in dataclasses.fields(cls)}  # noqa: E731
    assert names(Hit) == names(SearchResult)
    assert names(SearchResults) == names(SearchResponse) - {"results"} | {"hits"}
