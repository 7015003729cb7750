"""A LangChain retriever over fagui (`pip install fagui[langchain]`): each hit becomes a
`Document` whose text is the article and whose metadata carries the citation 《…》第X条, the unit
id, 效力级别, 时效性 and the score — so a chain can quote and link what it used.

    from fagui_client.langchain import FaguiRetriever
    retriever = FaguiRetriever(base_url="http://127.0.0.1:8000", k=5, search={"type": "法律"})
    docs = retriever.invoke("公司不签劳动合同怎么办")
"""
from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field, PrivateAttr

from fagui_client.client import FaguiClient, Hit
from fagui_client.filters import options


def to_document(hit: Hit) -> Document:
    return Document(page_content=hit.text or hit.snippet, id=hit.article_id, metadata=hit.metadata())


class FaguiRetriever(BaseRetriever):
    """Retrieves articles from a running `fagui serve` (or any `FaguiClient`, in-process too)."""

    base_url: str = "http://127.0.0.1:8000"
    api_key: str | None = None
    k: int = Field(5, ge=1, le=100)
    search: dict[str, Any] = Field(default_factory=dict, description="collection, type, validity, region, issuer, since, until, as_of")
    timeout: float = 30.0
    client: Any = None  # a FaguiClient to use instead of one made from base_url
    _client: FaguiClient | None = PrivateAttr(None)

    def _fagui(self) -> FaguiClient:
        if self._client is None:
            self._client = self.client or FaguiClient(self.base_url, self.api_key, self.timeout)
        return self._client

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self._fagui().search(query, self.k, **options(self.search))
        return [to_document(hit) for hit in results.hits]
