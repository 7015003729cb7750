"""fagui_client — call fagui from Python over HTTP (客户端).

    from fagui_client import FaguiClient
    with FaguiClient("http://127.0.0.1:8000", api_key="fg_…") as fagui:
        for hit in fagui.search("劳动合同法第82条", k=3).hits:
            print(hit.citation, hit.article_id)

`fagui_client.langchain.FaguiRetriever` (extra `fagui[langchain]`) and
`fagui_client.llamaindex.FaguiRetriever` (extra `fagui[llamaindex]`) build on it; their libraries
are imported only by those modules. See docs/integrations.md.
"""
from fagui_client.client import (FaguiAuthError, FaguiClient, FaguiError, FaguiInvalidRequest,
                                 FaguiNotFound, FaguiRateLimited, FaguiUnavailable, Hit, SearchResults)

__all__ = ["FaguiClient", "Hit", "SearchResults", "FaguiError", "FaguiAuthError", "FaguiNotFound",
           "FaguiInvalidRequest", "FaguiRateLimited", "FaguiUnavailable"]
