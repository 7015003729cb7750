"""A LlamaIndex retriever over fagui (`pip install fagui[llamaindex]`): each hit becomes a
`NodeWithScore` whose `TextNode` has the unit id as its id, the article as its text and the
citation 《…》第X条, 效力级别 and 时效性 in its metadata.

    from fagui_client.llamaindex import FaguiRetriever
    retriever = FaguiRetriever("http://127.0.0.1:8000", k=5, search={"type": "法律"})
    nodes = retriever.retrieve("公司不签劳动合同怎么办")
"""
from __future__ import annotations

from typing import Any

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from fagui_client.client import FaguiClient, Hit
from fagui_client.filters import options

# the text an LLM sees of a node: the citation first, then the article
TEXT_TEMPLATE = "{metadata_str}\n\n{content}"


def to_node(hit: Hit) -> NodeWithScore:
    metadata = hit.metadata()
    node = TextNode(id_=hit.article_id, text=hit.text or hit.snippet, metadata=metadata,
                    text_template=TEXT_TEMPLATE,
                    # the LLM sees the citation and status; ids and scores stay out of its prompt
                    excluded_llm_metadata_keys=[k for k in metadata if k not in ("citation", "validity", "type")],
                    excluded_embed_metadata_keys=list(metadata))
    return NodeWithScore(node=node, score=hit.score)


class FaguiRetriever(BaseRetriever):
    """Retrieves articles from a running `fagui serve` (or any `FaguiClient`, in-process too)."""

    def __init__(self, base_url: str = "http://127.0.0.1:8000", api_key: str | None = None, k: int = 5,
                 search: dict[str, Any] | None = None, timeout: float = 30.0,
                 client: FaguiClient | None = None, **kwargs: Any):
        if not 1 <= k <= 100:
            raise ValueError("k must be between 1 and 100")
        self.k, self.search = k, options(search)
        self.client = client or FaguiClient(base_url, api_key, timeout)
        super().__init__(**kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        results = self.client.search(query_bundle.query_str, self.k, **self.search)
        return [to_node(hit) for hit in results.hits]
